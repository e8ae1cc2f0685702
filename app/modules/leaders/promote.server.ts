import { and, eq, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { pickupPoints } from "~/db/schema";
import { translate } from "~/i18n/i18n";
import { toBase64 } from "~/lib/encoding";
import { decryptField, maskAddress } from "~/lib/field-crypto.server";
import { formatFen } from "~/lib/format";
import { qrSvg } from "~/lib/qr.server";
import { fail, ok, type Result } from "~/lib/result";
import { cardFromRow, listShelfProducts, PRODUCT_CARD_COLUMNS, type ProductCardRow, type ProductCardView } from "~/modules/catalog/queries.server";
import { variantKey } from "~/modules/catalog/images";
import { searchProducts } from "~/modules/catalog/search.server";
import { getLiveCampaignCard } from "~/modules/group-deals/views.server";
import { sniffImage } from "~/modules/orders/after-sales.server";
import { choosePickupPoint, getChosenPickupPointId } from "~/modules/pickup/choose.server";
import { parsePointHours, type PointHours } from "./apply-schemas";
import { formatHours } from "./hours";
import { attributedPath, invitePath, normaliseInviteCode } from "./invite-code";
import { invitePosterSvg, productPosterSvg } from "./poster";

/**
 * Invite codes and share links (SPEC §3 Promote): a resident who opens a leader's invite link is
 * offered that pickup point; a share link (/r/<code>?to=…) attributes the visitor to the point for
 * 7 days (checkout records it on the order) and makes it their pickup point if they had none.
 */

export interface InvitePointView {
  id: string;
  code: string;
  name: string;
  area: string;
  addressMasked: string;
  hours: PointHours;
  doorDelivery: boolean;
}

/** The active pickup point a code belongs to (any letter case), or null. */
export async function findPointByInviteCode(ctx: AppContext, input: string | undefined): Promise<InvitePointView | null> {
  const code = normaliseInviteCode(input);
  if (!code) return null;
  const p = await ctx.db.query.pickupPoints.findFirst({ where: and(eq(pickupPoints.inviteCode, code), eq(pickupPoints.status, "active")) });
  if (!p) return null;
  return {
    id: p.id,
    code,
    name: p.name,
    area: p.area,
    addressMasked: maskAddress(await decryptField(ctx.env, "address", p.addressEnc)),
    hours: parsePointHours(p.hours),
    doorDelivery: p.doorDelivery,
  };
}

/** "Collect here" on an invite page: the visitor's pickup point becomes the leader's (source `invite`). */
export async function joinThroughInvite(ctx: AppContext, userId: string | null, code: string | undefined): Promise<Result<{ pointId: string }, "invite_not_found">> {
  const point = await findPointByInviteCode(ctx, code);
  if (!point) return fail("invite_not_found", "code");
  const chosen = await choosePickupPoint(ctx, userId, point.id, "invite");
  if (!chosen.ok) return fail("invite_not_found", "code");
  return ok({ pointId: point.id });
}

/**
 * A visitor arriving through a share link: the point the link attributes to, and whether the visitor
 * is now bound to it (only when they had chosen no pickup point; a guest's choice is the caller's
 * cookie to set).
 */
export async function arriveThroughShareLink(
  ctx: AppContext,
  input: { code: string | undefined; userId: string | null; guestPointId: string | undefined },
): Promise<Result<{ pointId: string; bound: boolean }, "invite_not_found">> {
  const point = await findPointByInviteCode(ctx, input.code);
  if (!point) return fail("invite_not_found", "code");
  if (await getChosenPickupPointId(ctx, input.userId, input.guestPointId)) return ok({ pointId: point.id, bound: false });
  if (input.userId) await choosePickupPoint(ctx, input.userId, point.id, "invite");
  return ok({ pointId: point.id, bound: true });
}

// ---------------------------------------------------------------------------------------------
// The leader's promotion page

const DAY_MS = 24 * 60 * 60 * 1000;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Monday 00:00 Asia/Shanghai of the week `now` falls in, as epoch ms. */
export function weekStart(now: number): number {
  const local = now + SHANGHAI_OFFSET_MS;
  const sinceMonday = (new Date(local).getUTCDay() + 6) % 7;
  return Math.floor(local / DAY_MS) * DAY_MS - sinceMonday * DAY_MS - SHANGHAI_OFFSET_MS;
}

/**
 * Orders that came through this point's share links (orders.referral_point_id): this week (from
 * Monday, Asia/Shanghai) and all time. Orders never paid (unpaid or cancelled before paying) do not
 * count; an order cancelled after payment does not either.
 */
export async function getReferralStats(ctx: AppContext, pointId: string, now = Date.now()): Promise<{ week: number; total: number }> {
  const [row] = await ctx.db.all<{ week: number | null; total: number }>(sql`
    SELECT sum(created_at >= ${weekStart(now)}) AS week, count(*) AS total
      FROM orders
     WHERE referral_point_id = ${pointId} AND status NOT IN ('pending_payment', 'cancelled', 'awaiting_group')`);
  return { week: Number(row?.week ?? 0), total: Number(row?.total ?? 0) };
}

/** On-sale products to share: search results for `q`, else the best sellers. */
export async function listPromotableProducts(ctx: AppContext, locale: string, q: string | undefined): Promise<ProductCardView[]> {
  if (q) return (await searchProducts(ctx, q, locale, 1)).rows;
  return listShelfProducts(ctx, locale, { limit: 20 });
}

/** One on-sale product as a card (cheapest active SKU's price, first image), or null. */
export async function getPromotableProduct(ctx: AppContext, productId: string, locale: string): Promise<ProductCardView | null> {
  if (!/^prd_[0-9a-z]{20}$/.test(productId)) return null;
  const rows = await ctx.db.all<ProductCardRow>(sql`SELECT ${sql.raw(PRODUCT_CARD_COLUMNS)} FROM products WHERE products.id = ${productId} AND products.status = 'on_shelf'`);
  const row = rows[0];
  return row ? (cardFromRow(row, locale, Date.now())[0] ?? null) : null;
}

const MAX_EMBED_BYTES = 1_500_000;

/**
 * A product's first image as a data: URI to embed in a poster (a poster must stand alone once
 * downloaded): the 640 px copy when there is one, else the original; null when it is missing or
 * too large to embed.
 */
export async function productImageDataUri(ctx: AppContext, card: Pick<ProductCardView, "imageUrl" | "imageWidths">): Promise<string | null> {
  if (!card.imageUrl) return null;
  const key = card.imageUrl.replace(/^\/images\//, "");
  const width = [...card.imageWidths].reverse().find((w) => w <= 640);
  const object = await ctx.env.IMAGES.get(width ? variantKey(key, width) : key);
  if (!object || object.size > MAX_EMBED_BYTES) return null;
  const bytes = new Uint8Array(await object.arrayBuffer());
  const type = key.endsWith(".svg") ? "image/svg+xml" : sniffImage(bytes)?.type;
  if (!type) return null;
  return `data:${type};base64,${toBase64(bytes)}`;
}

// ---------------------------------------------------------------------------------------------
// Posters

interface PosterPoint {
  name: string;
  area: string;
  hours: string;
  doorDelivery: boolean;
  inviteCode: string;
}

function posterPoint(point: typeof pickupPoints.$inferSelect): PosterPoint | null {
  if (point.status !== "active" || !point.inviteCode) return null;
  return { name: point.name, area: point.area, hours: point.hours, doorDelivery: point.doorDelivery, inviteCode: point.inviteCode };
}

/**
 * The poster of one on-sale product for the leader's point: the SVG and a file name, or null when
 * the product is not on sale or the point cannot promote yet. The QR carries the absolute share
 * link (attributed to the point) on `origin`.
 */
export async function buildProductPoster(
  ctx: AppContext,
  input: { point: typeof pickupPoints.$inferSelect; productId: string; origin: string; locale: string },
): Promise<{ svg: string; fileName: string } | null> {
  const point = posterPoint(input.point);
  if (!point) return null;
  const product = await getPromotableProduct(ctx, input.productId, input.locale);
  if (!product) return null;
  const t = (key: string, options?: Record<string, unknown>) => translate(input.locale, key, options);
  const url = `${input.origin}${attributedPath(point.inviteCode, `/products/${product.id}`)}`;
  const svg = productPosterSvg({
    brand: t("app.name"),
    pointName: point.name,
    pointLine: [t("leaderApply.poster.pointLine", { area: point.area, hours: formatHours(parsePointHours(point.hours), t) }), point.doorDelivery ? t("leaderApply.poster.doorDelivery") : ""]
      .filter(Boolean)
      .join(" · "),
    title: product.title,
    price: formatFen(product.priceFen),
    unit: product.unit,
    imageDataUri: await productImageDataUri(ctx, product),
    qrSvg: qrSvg(url, 220),
    qrCaption: t("leaderApply.poster.productCaption"),
    url,
  });
  return { svg, fileName: `poster-${point.inviteCode}-${product.id}.svg` };
}

/**
 * The poster of a live group-deal campaign (拼团) for the leader's point: the product's image and
 * title, its first tier ("3人团 ¥25.90") and a QR of the product page's share link, attributed to
 * the point, where shoppers join an open group or start one. Null when the campaign is not live or
 * the point cannot promote yet.
 */
export async function buildGroupDealPoster(
  ctx: AppContext,
  input: { point: typeof pickupPoints.$inferSelect; campaignId: string; origin: string; locale: string },
): Promise<{ svg: string; fileName: string } | null> {
  const point = posterPoint(input.point);
  if (!point) return null;
  const campaign = await getLiveCampaignCard(ctx, input.campaignId, input.locale);
  if (!campaign) return null;
  const product = await getPromotableProduct(ctx, campaign.productId, input.locale);
  if (!product) return null;
  const t = (key: string, options?: Record<string, unknown>) => translate(input.locale, key, options);
  const first = campaign.tiers[0]!;
  const url = `${input.origin}${attributedPath(point.inviteCode, `/products/${campaign.productId}`)}`;
  const svg = productPosterSvg({
    brand: t("app.name"),
    pointName: point.name,
    pointLine: [t("leaderApply.poster.pointLine", { area: point.area, hours: formatHours(parsePointHours(point.hours), t) }), point.doorDelivery ? t("leaderApply.poster.doorDelivery") : ""]
      .filter(Boolean)
      .join(" · "),
    title: `${product.title} ${campaign.spec}`,
    priceLabel: t("leaderGroupDeals.posterTier", { size: first.size }),
    price: formatFen(first.unitPriceFen),
    unit: product.unit,
    imageDataUri: await productImageDataUri(ctx, product),
    qrSvg: qrSvg(url, 220),
    qrCaption: t("leaderGroupDeals.posterCaption"),
    url,
  });
  return { svg, fileName: `group-poster-${point.inviteCode}-${campaign.id}.svg` };
}

/** The invite poster of the leader's point (the QR opens the invite page), or null when it cannot promote yet. */
export function buildInvitePoster(input: { point: typeof pickupPoints.$inferSelect; origin: string; locale: string }): { svg: string; fileName: string } | null {
  const point = posterPoint(input.point);
  if (!point) return null;
  const t = (key: string, options?: Record<string, unknown>) => translate(input.locale, key, options);
  const url = `${input.origin}${invitePath(point.inviteCode)}`;
  const svg = invitePosterSvg({
    brand: t("app.name"),
    pointName: point.name,
    title: t("leaderApply.poster.inviteTitle", { point: point.name }),
    lines: [point.area, formatHours(parsePointHours(point.hours), t), point.doorDelivery ? t("leaderApply.poster.doorDelivery") : ""].filter(Boolean),
    qrSvg: qrSvg(url, 400),
    qrCaption: t("leaderApply.poster.inviteCaption"),
    url,
  });
  return { svg, fileName: `invite-${point.inviteCode}.svg` };
}
