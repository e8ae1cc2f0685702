import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { readBatch } from "~/db/raw-batch.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { couponGrantRefusalSql, couponGrantSql, type CouponGrantRefusal } from "./grant.server";
import { claimStateOf, idList, remainingOf, remainingPercent, type ClaimState, type CouponKind } from "./terms";

/**
 * The claim centre (领券中心, issue 10 part 3): the templates a shopper may take now, and taking one.
 * A claim is ONE guarded INSERT…SELECT (`couponGrantSql`): the window, the per-user and the total
 * limit are checked by the statement that inserts, so however many claim at once the limits hold
 * exactly (docs/decisions/021-exact-coupon-limits.md).
 */

export interface ClaimableTemplate {
  id: string;
  name: string;
  kind: CouponKind;
  amountFen: number | null;
  thresholdFen: number | null;
  discountBp: number | null;
  maxDiscountFen: number | null;
  funding: "platform" | "merchant";
  merchantName: string | null;
  /** Category and product names the coupon is limited to (none: the whole order, or the merchant's lines). */
  categories: string[];
  products: string[];
  validDays: number | null;
  startsAt: number;
  endsAt: number;
  totalLimit: number | null;
  perUserLimit: number;
  remaining: number | null;
  remainingPercent: number | null;
  /** Coupons of this template the shopper holds (ever issued to them); 0 when signed out. */
  held: number;
  state: ClaimState;
}

type TemplateRow = {
  id: string;
  name_zh: string;
  name_en: string;
  kind: CouponKind;
  amount_fen: number | null;
  threshold_fen: number | null;
  discount_bp: number | null;
  max_discount_fen: number | null;
  funding: "platform" | "merchant";
  merchant_name: string | null;
  category_ids: string | null;
  product_ids: string | null;
  valid_days: number | null;
  starts_at: number;
  ends_at: number;
  total_limit: number | null;
  per_user_limit: number;
  issued_count: number;
  held: number;
};

export const CLAIM_CENTRE_LIMIT = 100;

/** The conditions under which a template is on offer in the claim centre (also what a claim checks). */
const onOffer = (now: number) => sql`t.claimable = 1 AND t.status = 'active' AND t.starts_at <= ${now} AND t.ends_at > ${now}
  AND (t.funding = 'platform' OR m.status = 'approved')`;

/**
 * Claimable templates now — active, in their window, claimable, not sold out, platform-funded or of
 * an approved merchant — platform first, then newest; with what the shopper already holds of each.
 */
export async function listClaimable(ctx: AppContext, input: { userId: string | null; locale: string }, now = Date.now()): Promise<ClaimableTemplate[]> {
  const rows = await ctx.db.all<TemplateRow>(sql`
    SELECT t.id, t.name_zh, t.name_en, t.kind, t.amount_fen, t.threshold_fen, t.discount_bp, t.max_discount_fen, t.funding,
      m.name AS merchant_name, t.category_ids, t.product_ids, t.valid_days, t.starts_at, t.ends_at, t.total_limit, t.per_user_limit, t.issued_count,
      (SELECT count(*) FROM user_coupons u WHERE u.template_id = t.id AND u.user_id = ${input.userId ?? ""}) AS held
    FROM coupon_templates t LEFT JOIN merchants m ON m.id = t.merchant_id
    WHERE ${onOffer(now)} AND (t.total_limit IS NULL OR t.issued_count < t.total_limit)
    ORDER BY t.funding = 'platform' DESC, t.created_at DESC, t.id
    LIMIT ${CLAIM_CENTRE_LIMIT}`);
  return withScopeNames(ctx, rows, input.locale);
}

/** One template as the claim centre shows it (for the message after a claim), or null. */
async function claimableById(ctx: AppContext, templateId: string, userId: string, locale: string): Promise<ClaimableTemplate | null> {
  const rows = await ctx.db.all<TemplateRow>(sql`
    SELECT t.id, t.name_zh, t.name_en, t.kind, t.amount_fen, t.threshold_fen, t.discount_bp, t.max_discount_fen, t.funding,
      m.name AS merchant_name, t.category_ids, t.product_ids, t.valid_days, t.starts_at, t.ends_at, t.total_limit, t.per_user_limit, t.issued_count,
      (SELECT count(*) FROM user_coupons u WHERE u.template_id = t.id AND u.user_id = ${userId}) AS held
    FROM coupon_templates t LEFT JOIN merchants m ON m.id = t.merchant_id
    WHERE t.id = ${templateId}`);
  return (await withScopeNames(ctx, rows, locale))[0] ?? null;
}

async function withScopeNames(ctx: AppContext, rows: TemplateRow[], locale: string): Promise<ClaimableTemplate[]> {
  const categoryIds = [...new Set(rows.flatMap((r) => idList(r.category_ids)))];
  const productIds = [...new Set(rows.flatMap((r) => idList(r.product_ids)))];
  const [categories, products] =
    categoryIds.length || productIds.length
      ? await readBatch<[{ id: string; name_zh: string; name_en: string }, { id: string; title_zh: string; title_en: string }]>(ctx, [
          sql`SELECT id, name_zh, name_en FROM categories WHERE id IN (SELECT value FROM json_each(${JSON.stringify(categoryIds)}))`,
          sql`SELECT id, title_zh, title_en FROM products WHERE id IN (SELECT value FROM json_each(${JSON.stringify(productIds)}))`,
        ])
      : [[], []];
  const en = locale === "en";
  const categoryName = new Map(categories.map((c) => [c.id, en ? c.name_en : c.name_zh]));
  const productName = new Map(products.map((p) => [p.id, en ? p.title_en : p.title_zh]));
  return rows.map((r) => {
    const counts = {
      totalLimit: r.total_limit === null ? null : Number(r.total_limit),
      issuedCount: Number(r.issued_count),
      perUserLimit: Number(r.per_user_limit),
    };
    const held = Number(r.held);
    return {
      id: r.id,
      name: en ? r.name_en : r.name_zh,
      kind: r.kind,
      amountFen: r.amount_fen,
      thresholdFen: r.threshold_fen,
      discountBp: r.discount_bp,
      maxDiscountFen: r.max_discount_fen,
      funding: r.funding,
      merchantName: r.funding === "merchant" ? r.merchant_name : null,
      categories: idList(r.category_ids).flatMap((id) => categoryName.get(id) ?? []),
      products: idList(r.product_ids).flatMap((id) => productName.get(id) ?? []),
      validDays: r.valid_days,
      startsAt: Number(r.starts_at),
      endsAt: Number(r.ends_at),
      totalLimit: counts.totalLimit,
      perUserLimit: counts.perUserLimit,
      remaining: remainingOf(counts),
      remainingPercent: remainingPercent(counts),
      held,
      state: claimStateOf(counts, held),
    };
  });
}

export type ClaimError = Exclude<CouponGrantRefusal, "already_granted">;

/**
 * Takes one coupon of a claimable template for the shopper. With an `idempotencyKey` (API), a
 * retry answers the coupon the first attempt issued (`replayed`), never a second one: the key
 * becomes the coupon's grant key, unique in the table.
 */
export async function claimCoupon(
  ctx: AppContext,
  input: { userId: string; templateId: string; idempotencyKey?: string; locale: string },
  now = Date.now(),
): Promise<Result<{ couponId: string; validUntil: number; template: ClaimableTemplate | null; replayed: boolean }, ClaimError>> {
  const grantKey = input.idempotencyKey ? `claim:${input.templateId}:${input.userId}:${input.idempotencyKey}` : null;
  const id = newId("ucp");
  let changes = 0;
  try {
    const result = await ctx.db.run(
      couponGrantSql({ templateId: input.templateId, userId: input.userId, source: "claim", now, grantKey, id, claimableOnly: true }),
    );
    changes = Number(result.meta.changes ?? 0);
  } catch (error) {
    // The total-limit trigger: the statement's own guard should have refused first; read as sold out.
    if (!/coupon_sold_out/.test(`${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`)) throw error;
    return fail("sold_out", "templateId");
  }
  // `changes` counts the trigger's update of issued_count too: any change means the coupon was inserted.
  if (changes > 0) {
    const coupon = await ctx.db.get<{ valid_until: number }>(sql`SELECT valid_until FROM user_coupons WHERE id = ${id}`);
    return ok({
      couponId: id,
      validUntil: Number(coupon?.valid_until ?? now),
      template: await claimableById(ctx, input.templateId, input.userId, input.locale),
      replayed: false,
    });
  }
  if (grantKey) {
    const earlier = await ctx.db.get<{ id: string; valid_until: number }>(
      sql`SELECT id, valid_until FROM user_coupons WHERE grant_key = ${grantKey} AND user_id = ${input.userId}`,
    );
    if (earlier)
      return ok({
        couponId: earlier.id,
        validUntil: Number(earlier.valid_until),
        template: await claimableById(ctx, input.templateId, input.userId, input.locale),
        replayed: true,
      });
  }
  const refusal = await ctx.db.get<{ reason: CouponGrantRefusal }>(
    couponGrantRefusalSql({ templateId: input.templateId, userId: input.userId, now, claimableOnly: true }),
  );
  const reason = refusal?.reason ?? "not_active";
  return fail(reason === "already_granted" ? "limit_reached" : reason, "templateId");
}

/** The shopper's own claimed coupon, named after a claim (`/coupons?claimed=`); null if not theirs. */
export function findClaimedCoupon(ctx: AppContext, userId: string, couponId: string) {
  return ctx.db.get<{ name_zh: string; name_en: string; valid_until: number }>(
    sql`SELECT t.name_zh, t.name_en, c.valid_until FROM user_coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.id = ${couponId} AND c.user_id = ${userId}`,
  );
}

/** A template's per-shopper limit (to explain a refused claim), or null when there is no such template. */
export async function templatePerUserLimit(ctx: AppContext, templateId: string): Promise<number | null> {
  const row = await ctx.db.get<{ per_user_limit: number }>(sql`SELECT per_user_limit FROM coupon_templates WHERE id = ${templateId}`);
  return row ? Number(row.per_user_limit) : null;
}
