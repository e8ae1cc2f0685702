import { parseWithValibot } from "~/lib/form-submission";
import * as v from "valibot";
import type { AppContext } from "~/context.server";
import { getOptionalUser } from "~/auth/guards.server";
import { readPickupCookie } from "~/lib/pickup-cookie.server";
import { startPayment } from "~/modules/payments/payments.server";
import type { ProviderName } from "~/modules/payments/providers/types";
import { getChosenPickupPointId } from "~/modules/pickup/choose.server";
import { isFeatureOn } from "~/modules/settings/settings.server";
import { listOpenGroups, type JoinError } from "./groups.server";

/**
 * What the storefront's group-deal pages share around the core module (groups.server.ts): how a
 * refused join or start is answered, the payment that follows a placed member order, and the home
 * page's strip.
 */

const USER_ID = /^usr_[0-9a-z]{20}$/;
const Quantity = v.pipe(v.number("quantity_invalid"), v.integer("quantity_invalid"), v.minValue(1, "quantity_invalid"), v.maxValue(99, "quantity_invalid"));
const Provider = v.picklist(["sandbox", "wechat", "alipay"], "provider_invalid");
const IdempotencyKey = v.pipe(v.string("invalid"), v.regex(/^[0-9a-z]{20,64}$/, "invalid"));

/**
 * The group page's join form. Numbers arrive as text and conform's valibot parser coerces them.
 * Kept on the server (the page validates on submit), so the shared landing page of a share link
 * carries no validation library.
 */
export const JoinForm = v.pipe(
  v.object({
    quantity: Quantity,
    provider: v.optional(Provider),
    invitedBy: v.optional(v.pipe(v.string(), v.regex(USER_ID, "invalid"))),
    idempotencyKey: IdempotencyKey,
  }),
  // A missing choice says which field, like a wrong one.
  v.forward(
    v.check((i) => i.provider !== undefined, "provider_invalid"),
    ["provider"],
  ),
);

/** Parses a posted join form (conform's submission, whose `reply()` the page renders). */
export const parseJoinForm = (formData: FormData) => parseWithValibot(formData, { schema: JoinForm });

/** "Start a group" from the product page's sticky bar: the campaign, how many, and how to pay (the first configured provider). */
export const StartGroupForm = v.object({
  intent: v.literal("start-group", "intent_invalid"),
  campaignId: v.pipe(v.string("campaign_not_live"), v.regex(/^gdc_[0-9a-z]{20}$/, "campaign_not_live")),
  quantity: Quantity,
  provider: Provider,
  idempotencyKey: IdempotencyKey,
});

/**
 * Parses a posted start form. Here rather than in the product page's module: a route module's
 * imports travel to the browser, and the edge-cached product page should not carry a form library.
 */
export const parseStartGroupForm = (formData: FormData) => parseWithValibot(formData, { schema: StartGroupForm });

/**
 * The HTTP status a page answers a refused join or start with (the same as the API's): the
 * shopper's own input 400, the switch or the point 403, an unknown group 404, the group's or the
 * stock's state 409.
 */
export const JOIN_ERROR_STATUS: Record<JoinError, 400 | 403 | 404 | 409> = {
  feature_off: 403,
  not_same_point: 403,
  group_not_found: 404,
  quantity_invalid: 400,
  pickup_point_required: 400,
  campaign_not_live: 409,
  group_closed: 409,
  group_full: 409,
  already_member: 409,
  over_user_limit: 409,
  item_unavailable: 409,
  insufficient_stock: 409,
};

/** Which form field a refusal belongs to on the page (quantity problems sit under the quantity), else the whole form. */
export function joinErrorReply(code: JoinError): { fieldErrors: Record<string, string[]> } | { formErrors: string[] } {
  return code === "quantity_invalid" || code === "over_user_limit" || code === "insufficient_stock" ? { fieldErrors: { quantity: [code] } } : { formErrors: [code] };
}

/**
 * After a member order is placed: starts its payment exactly as the checkout does and answers
 * with where the shopper goes next (the provider's cashier, or the order page, which can start
 * paying again).
 */
export async function paymentRedirect(ctx: AppContext, input: { userId: string; orderId: string; provider: ProviderName }): Promise<string> {
  const paying = await startPayment(ctx, { userId: input.userId, orderId: input.orderId, provider: input.provider, origin: ctx.request!.url.origin, clientIp: ctx.request!.ip });
  if (paying.ok && paying.value.next.kind === "redirect") return paying.value.next.url;
  return `/orders/${input.orderId}${paying.ok ? "" : "?payment=failed"}`;
}

/**
 * The home page's "open group deals" strip: up to `limit` groups the visitor's pickup point may
 * join (groups open to all, and that point's leader-only groups), fullest first, while the
 * feature is on. Depends only on the pickup point (the signed-in shopper's, or the guest's cookie,
 * which is part of the edge cache's key), never on who is asking, so the cached home stays right
 * for everyone.
 */
export async function listHomeGroups(ctx: AppContext, request: Request, locale: string, limit = 6) {
  if (!(await isFeatureOn(ctx, "feature.group_deals"))) return [];
  const user = await getOptionalUser(ctx, request);
  const pointId = await getChosenPickupPointId(ctx, user?.id ?? null, readPickupCookie(request));
  const groups = await listOpenGroups(ctx, { pickupPointId: pointId, limit });
  return groups.map((g) => {
    const best = g.tiers[g.tiers.length - 1]!;
    return {
      id: g.id,
      title: locale === "en" ? g.titleEn : g.titleZh,
      imageUrl: g.imageUrl,
      capacity: g.capacity,
      paidCount: g.paidCount,
      deadlineAt: g.deadlineAt,
      next: g.next,
      bestFen: best.unitPriceFen,
      bestSize: best.size,
    };
  });
}
