import { parseWithValibot } from "~/lib/form-submission";
import { and, asc, desc, eq, gt } from "drizzle-orm";
import * as v from "valibot";
import type { AppContext } from "~/context.server";
import { flashSales, orders } from "~/db/schema";
import { isFeatureOn } from "~/modules/settings/settings.server";
import { getFlashSale, listFlashSales, type ReserveError } from "./sales.server";

/**
 * What the storefront's flash-sale pages share around the core module (sales.server.ts): the buy
 * and reminder forms, how a refused reservation is answered, the shopper's own orders of a sale,
 * and the public views for the edge-cached home and product pages.
 */

export const SALE_ID = /^fls_[0-9a-z]{20}$/;

/**
 * The sale page's forms: buy (how many, how to pay, the page's idempotency key) or sign up for /
 * withdraw a reminder. Numbers arrive as text and conform's valibot parser coerces them. Parsed
 * here, on the server only, so the page carries no validation library.
 */
export const FlashSaleForm = v.variant("intent", [
  v.object({
    intent: v.literal("buy"),
    quantity: v.pipe(v.number("quantity_invalid"), v.integer("quantity_invalid"), v.minValue(1, "quantity_invalid"), v.maxValue(99, "quantity_invalid")),
    provider: v.picklist(["sandbox", "wechat", "alipay"], "provider_invalid"),
    idempotencyKey: v.pipe(v.string("invalid"), v.regex(/^[0-9a-z]{20,64}$/, "invalid")),
  }),
  v.object({ intent: v.picklist(["remind", "unremind"]) }),
], "intent_invalid");

export const parseFlashSaleForm = (formData: FormData) => parseWithValibot(formData, { schema: FlashSaleForm });

/**
 * The HTTP status a page answers a refused reservation with (the API's, ADR 018): the shopper's own
 * input 400, the switch 403, an unknown sale 404, the sale's window, stock or the shopper's limit
 * 409, an overloaded stock object 503 (with Retry-After).
 */
export const RESERVE_ERROR_STATUS: Record<ReserveError, 400 | 403 | 404 | 409 | 503> = {
  not_started: 409,
  ended: 409,
  sold_out: 409,
  over_limit: 409,
  feature_off: 403,
  sale_not_found: 404,
  pickup_point_required: 400,
  quantity_invalid: 400,
  item_unavailable: 409,
  busy: 503,
};

/** Which form field a refusal belongs to (quantity problems sit under the quantity), else the whole form. */
export function reserveErrorReply(code: ReserveError): { fieldErrors: Record<string, string[]> } | { formErrors: string[] } {
  return code === "quantity_invalid" || code === "over_limit" ? { fieldErrors: { quantity: [code] } } : { formErrors: [code] };
}

/**
 * The shopper's orders of this sale (newest first): the one still waiting for payment gets a "pay
 * now" link on the sale page, the others say how many the shopper already has.
 */
export async function myFlashOrders(ctx: AppContext, userId: string, saleId: string) {
  return ctx.db
    .select({ id: orders.id, status: orders.status, payBy: orders.payBy, payableFen: orders.payableFen })
    .from(orders)
    .where(and(eq(orders.userId, userId), eq(orders.flashSaleId, saleId)))
    .orderBy(desc(orders.createdAt))
    .limit(10);
}

type Listed = Awaited<ReturnType<typeof listFlashSales>>[number];

/** A sale as the public strips show it: nothing personal (the opening time of an ordinary member). */
export interface PublicFlashSale {
  id: string;
  title: string;
  imageUrl: string | null;
  listPriceFen: number;
  flashPriceFen: number;
  perUserLimit: number;
  startsAt: number;
  endsAt: number;
  /** When an ordinary member may buy (the start, unless the sale lets every level in early). */
  opensAt: number;
  /** Minutes before the start by membership level (only levels that open early). */
  earlyAccessMinutes: Partial<Record<"normal" | "silver" | "gold", number>>;
  counts: { stock: number; sold: number; reserved: number; remaining: number };
  phase: Listed["phase"];
}

const publicView = (s: Omit<Listed, "productId" | "skuId" | "spec">): PublicFlashSale => ({
  id: s.id,
  title: s.title,
  imageUrl: s.imageUrl,
  listPriceFen: s.listPriceFen,
  flashPriceFen: s.flashPriceFen,
  perUserLimit: s.perUserLimit,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  opensAt: s.opensAt,
  earlyAccessMinutes: s.earlyAccessMinutes,
  counts: s.counts,
  phase: s.phase,
});

const PHASE_ORDER = { live: 0, upcoming: 1, sold_out: 2, ended: 3 } as const;

/**
 * The home page's "限时抢购" strip: the sales on now, then the next ones, then those sold out,
 * at most `limit`, while the feature is on. The home is edge-cached for anonymous visitors, so this
 * is the same for everyone (an ordinary member's opening times, no viewer), and the page shows
 * absolute times that its script turns into countdowns from the device's clock.
 */
export async function listHomeFlashSales(ctx: AppContext, locale: string, limit = 4, now = Date.now()): Promise<PublicFlashSale[]> {
  if (!(await isFeatureOn(ctx, "feature.flash_sales"))) return [];
  const sales = await listFlashSales(ctx, { userId: null, locale }, now, limit * 2);
  return sales
    .filter((s) => s.title !== "" && s.phase !== "ended")
    .sort((a, b) => PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] || (a.phase === "live" ? a.endsAt - b.endsAt : a.startsAt - b.startsAt))
    .slice(0, limit)
    .map(publicView);
}

/**
 * The product page's flash block: the product's sale that is on now or starts next (approved, not
 * ended), the same for every visitor (the page is edge-cached for anonymous visitors).
 */
export async function getProductFlashSale(ctx: AppContext, productId: string, locale: string, now = Date.now()): Promise<PublicFlashSale | null> {
  if (!(await isFeatureOn(ctx, "feature.flash_sales"))) return null;
  const [next] = await ctx.db
    .select({ id: flashSales.id })
    .from(flashSales)
    .where(and(eq(flashSales.productId, productId), eq(flashSales.status, "approved"), gt(flashSales.endsAt, now)))
    .orderBy(asc(flashSales.startsAt))
    .limit(1);
  if (!next) return null;
  const sale = await getFlashSale(ctx, next.id, { userId: null, locale }, now);
  return sale && sale.title !== "" ? publicView(sale) : null;
}
