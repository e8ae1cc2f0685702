import { and, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { couponTemplates, fullReductions, limitedTimeDiscounts, products, userCoupons, users } from "~/db/schema";
import { levelForSpend, type MemberLevel } from "~/modules/membership/levels";
import { spendSql } from "~/modules/membership/levels.server";
import type { Coupon, FullReduction, LimitedTimeDiscount, MemberPerk } from "~/modules/pricing";
import { parseSettingValue, SETTING_DEFAULTS } from "~/modules/settings/catalogue";

const ids = (json: string | null): string[] | undefined => (json ? (JSON.parse(json) as string[]) : undefined);

export interface OwnedCoupon {
  userCouponId: string;
  name: string;
  coupon: Coupon;
  validUntil: number;
}

/** The shopper's membership facts that price a cart: level, its member discount, points balance and the points cap. */
export interface MemberFacts {
  level: MemberLevel;
  /** The level's exclusive discount on the platform's selected items (basis points off). */
  discountBp: number;
  pointsMultiplierPct: number;
  pointsBalance: number;
  /** Setting `points.max_redeem_bp`. */
  pointsMaxRedeemBp: number;
}

/**
 * The promotions and the shopper's usable coupons that could price this cart (4 queries, 1 batch,
 * then the coupon templates), and their membership: level (12 months' spend against the settings),
 * the member discount on the cart's member-exclusive products, and the points balance.
 */
export async function loadPromotions(
  ctx: AppContext,
  input: { userId: string | null; merchantIds: string[]; productIds?: string[]; now: number; locale: string },
): Promise<{ fullReductions: FullReduction[]; limitedTimeDiscounts: LimitedTimeDiscount[]; coupons: OwnedCoupon[]; member?: MemberPerk; membership: MemberFacts | null }> {
  const { now } = input;
  const productIds = input.productIds?.length ? input.productIds : [""];
  const [fr, ltd, uc, memberRows, exclusive] = await ctx.db.batch([
    ctx.db
      .select()
      .from(fullReductions)
      .where(and(eq(fullReductions.status, "active"), lte(fullReductions.startsAt, now), gt(fullReductions.endsAt, now))),
    ctx.db
      .select()
      .from(limitedTimeDiscounts)
      .where(
        and(
          eq(limitedTimeDiscounts.status, "active"),
          inArray(limitedTimeDiscounts.merchantId, input.merchantIds.length ? input.merchantIds : [""]),
          lte(limitedTimeDiscounts.startsAt, now),
          gt(limitedTimeDiscounts.endsAt, now),
        ),
      ),
    ctx.db
      .select()
      .from(userCoupons)
      .where(
        and(
          eq(userCoupons.userId, input.userId ?? ""),
          eq(userCoupons.status, "available"),
          lte(userCoupons.validFrom, now),
          gt(userCoupons.validUntil, now),
        ),
      ),
    // One row for a signed-in shopper (their user row), none for a visitor.
    ctx.db
      .select({
        spend: sql<number>`${spendSql(input.userId ?? "", now)}`,
        balance: sql<number>`(SELECT coalesce(sum(points), 0) FROM points_entries WHERE user_id = ${input.userId ?? ""})`,
        levels: sql<string | null>`(SELECT value FROM settings WHERE key = 'membership.levels')`,
        maxRedeem: sql<string | null>`(SELECT value FROM settings WHERE key = 'points.max_redeem_bp')`,
      })
      .from(users)
      .where(eq(users.id, input.userId ?? "")),
    ctx.db.select({ id: products.id }).from(products).where(and(inArray(products.id, productIds), eq(products.memberExclusive, true))),
  ]);
  let membership: MemberFacts | null = null;
  let member: MemberPerk | undefined;
  const facts = memberRows[0];
  if (input.userId && facts) {
    const levels = parseSettingValue("membership.levels", facts.levels) ?? SETTING_DEFAULTS["membership.levels"];
    const level = levelForSpend(Number(facts.spend), levels);
    membership = {
      level,
      discountBp: levels[level].discountBp,
      pointsMultiplierPct: levels[level].pointsMultiplierPct,
      pointsBalance: Math.max(0, Number(facts.balance)),
      pointsMaxRedeemBp: parseSettingValue("points.max_redeem_bp", facts.maxRedeem) ?? SETTING_DEFAULTS["points.max_redeem_bp"],
    };
    if (membership.discountBp > 0 && exclusive.length) member = { level, discountBp: membership.discountBp, eligibleProductIds: exclusive.map((p) => p.id) };
  }
  // A second query, not a join inside the batch: D1 batch rows are keyed by column name, so two
  // joined tables with an `id` column would be mapped wrongly.
  const templates = uc.length
    ? await ctx.db.select().from(couponTemplates).where(inArray(couponTemplates.id, [...new Set(uc.map((c) => c.templateId))]))
    : [];
  const templateById = new Map(templates.map((t) => [t.id, t]));
  return {
    member,
    membership,
    fullReductions: fr.map((r): FullReduction => {
      const scope = r.funding === "merchant" ? { funding: "merchant" as const, merchantId: r.merchantId! } : { funding: "platform" as const, ...(r.merchantId ? { merchantId: r.merchantId } : {}) };
      return {
        id: r.id,
        name: input.locale === "en" ? r.nameEn : r.nameZh,
        ...scope,
        tiers: JSON.parse(r.tiers),
        applicableCategoryIds: ids(r.categoryIds),
        applicableProductIds: ids(r.productIds),
        startsAt: r.startsAt,
        endsAt: r.endsAt,
      };
    }),
    limitedTimeDiscounts: ltd.map(
      (r): LimitedTimeDiscount => ({
        id: r.id,
        name: r.name,
        merchantId: r.merchantId,
        productIds: ids(r.productIds),
        skuIds: ids(r.skuIds),
        startsAt: r.startsAt,
        endsAt: r.endsAt,
        ...(r.kind === "percentage" ? { kind: "percentage" as const, discountBp: r.discountBp ?? 0 } : { kind: "fixed_price" as const, unitPriceFen: r.unitPriceFen ?? 0 }),
      }),
    ),
    coupons: uc.flatMap((owned) => {
      const t = templateById.get(owned.templateId);
      if (!t) return [];
      const scope = t.funding === "merchant" ? { funding: "merchant" as const, merchantId: t.merchantId! } : { funding: "platform" as const, ...(t.merchantId ? { merchantId: t.merchantId } : {}) };
      const terms =
        t.kind === "fixed"
          ? { kind: "fixed" as const, amountFen: t.amountFen ?? 0 }
          : t.kind === "threshold"
            ? { kind: "threshold" as const, amountFen: t.amountFen ?? 0, thresholdFen: t.thresholdFen ?? 0 }
            : { kind: "percentage" as const, discountBp: t.discountBp ?? 0, ...(t.maxDiscountFen ? { maxDiscountFen: t.maxDiscountFen } : {}), ...(t.thresholdFen ? { thresholdFen: t.thresholdFen } : {}) };
      const name = input.locale === "en" ? t.nameEn : t.nameZh;
      return [{
        userCouponId: owned.id,
        name,
        validUntil: owned.validUntil,
        coupon: {
          id: owned.id,
          name,
          ...scope,
          ...terms,
          applicableCategoryIds: ids(t.categoryIds),
          applicableProductIds: ids(t.productIds),
          startsAt: owned.validFrom,
          endsAt: owned.validUntil,
        } as Coupon,
      }];
    }),
  };
}
