import { asc, desc, eq } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { couponTemplates, userCoupons } from "~/db/schema";

/** The user's coupons, usable first, then by expiry. (Claiming and issuing: the marketing issue.) */
export async function listUserCoupons(ctx: AppContext, userId: string, locale: string) {
  const rows = await ctx.db
    .select({
      id: userCoupons.id,
      status: userCoupons.status,
      validUntil: userCoupons.validUntil,
      nameZh: couponTemplates.nameZh,
      nameEn: couponTemplates.nameEn,
      kind: couponTemplates.kind,
      amountFen: couponTemplates.amountFen,
      thresholdFen: couponTemplates.thresholdFen,
      discountBp: couponTemplates.discountBp,
      maxDiscountFen: couponTemplates.maxDiscountFen,
    })
    .from(userCoupons)
    .innerJoin(couponTemplates, eq(couponTemplates.id, userCoupons.templateId))
    .where(eq(userCoupons.userId, userId))
    .orderBy(desc(userCoupons.status), asc(userCoupons.validUntil))
    .limit(100);
  const now = Date.now();
  return rows
    .map((r) => ({ ...r, name: locale === "en" ? r.nameEn : r.nameZh, status: r.status === "available" && r.validUntil <= now ? ("expired" as const) : r.status }))
    .sort((a, b) => Number(b.status === "available") - Number(a.status === "available") || a.validUntil - b.validUntil);
}
