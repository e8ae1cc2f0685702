import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";

/** Coupon templates an admin may choose as the share reward: active ones that have not ended. */
export async function listRewardCouponTemplates(ctx: AppContext, locale: string, now = Date.now()): Promise<Array<{ id: string; name: string }>> {
  const rows = await ctx.db.all<{ id: string; name_zh: string; name_en: string }>(
    sql`SELECT id, name_zh, name_en FROM coupon_templates WHERE status = 'active' AND ends_at > ${now} ORDER BY created_at DESC LIMIT 200`,
  );
  return rows.map((r) => ({ id: r.id, name: locale === "en" ? r.name_en : r.name_zh }));
}

export async function couponTemplateExists(ctx: AppContext, id: string): Promise<boolean> {
  return (await ctx.db.all<{ one: number }>(sql`SELECT 1 AS one FROM coupon_templates WHERE id = ${id}`)).length > 0;
}
