import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { readBatch } from "~/db/raw-batch.server";
import type { MyCouponTab } from "~/modules/coupons/schemas";
import type { CouponKind } from "~/modules/coupons/terms";

export const MY_COUPONS_SHOWN = 100;

/**
 * Which coupons each tab of /me/coupons (and GET /api/v1/me/coupons) shows. "available" includes
 * coupons held by an unpaid order (locked); a coupon past its end that the expiry job has not
 * marked yet is already expired here.
 */
function tabCondition(tab: MyCouponTab, now: number): SQL {
  switch (tab) {
    case "available":
      return sql`((c.status = 'available' AND c.valid_until > ${now}) OR c.status = 'locked')`;
    case "used":
      return sql`c.status = 'used'`;
    case "expired":
      return sql`(c.status = 'expired' OR (c.status = 'available' AND c.valid_until <= ${now}))`;
  }
}

export interface MyCoupon {
  id: string;
  templateId: string;
  status: "available" | "locked" | "used" | "expired";
  name: string;
  kind: CouponKind;
  amountFen: number | null;
  thresholdFen: number | null;
  discountBp: number | null;
  maxDiscountFen: number | null;
  funding: "platform" | "merchant";
  merchantName: string | null;
  source: string;
  validFrom: number;
  validUntil: number;
  usedAt: number | null;
  orderId: string | null;
}

/**
 * The user's coupons of one tab (usable ones soonest-expiring first; used and expired ones newest
 * first), and how many each tab holds.
 */
export async function listUserCoupons(ctx: AppContext, userId: string, locale: string, tab: MyCouponTab = "available", now = Date.now()) {
  const order = tab === "available" ? sql`c.valid_until ASC, c.id` : tab === "used" ? sql`c.used_at DESC, c.id` : sql`c.valid_until DESC, c.id`;
  const [rows, counts] = await readBatch<
    [
      {
        id: string;
        template_id: string;
        status: MyCoupon["status"];
        valid_from: number;
        valid_until: number;
        used_at: number | null;
        order_id: string | null;
        source: string;
        name_zh: string;
        name_en: string;
        kind: CouponKind;
        amount_fen: number | null;
        threshold_fen: number | null;
        discount_bp: number | null;
        max_discount_fen: number | null;
        funding: "platform" | "merchant";
        merchant_name: string | null;
      },
      { available: number; used: number; expired: number },
    ]
  >(ctx, [
    sql`SELECT c.id, c.template_id, c.status, c.valid_from, c.valid_until, c.used_at, c.order_id, c.source,
        t.name_zh, t.name_en, t.kind, t.amount_fen, t.threshold_fen, t.discount_bp, t.max_discount_fen, t.funding, m.name AS merchant_name
      FROM user_coupons c JOIN coupon_templates t ON t.id = c.template_id LEFT JOIN merchants m ON m.id = t.merchant_id
      WHERE c.user_id = ${userId} AND ${tabCondition(tab, now)}
      ORDER BY ${order} LIMIT ${MY_COUPONS_SHOWN}`,
    sql`SELECT coalesce(sum(${tabCondition("available", now)}), 0) AS available, coalesce(sum(${tabCondition("used", now)}), 0) AS used,
        coalesce(sum(${tabCondition("expired", now)}), 0) AS expired
      FROM user_coupons c WHERE c.user_id = ${userId}`,
  ]);
  const en = locale === "en";
  const coupons: MyCoupon[] = rows.map((r) => ({
    id: r.id,
    templateId: r.template_id,
    // Past its end but not yet marked by the expiry job: it is expired all the same.
    status: r.status === "available" && Number(r.valid_until) <= now ? "expired" : r.status,
    name: en ? r.name_en : r.name_zh,
    kind: r.kind,
    amountFen: r.amount_fen,
    thresholdFen: r.threshold_fen,
    discountBp: r.discount_bp,
    maxDiscountFen: r.max_discount_fen,
    funding: r.funding,
    merchantName: r.funding === "merchant" ? r.merchant_name : null,
    source: r.source,
    validFrom: Number(r.valid_from),
    validUntil: Number(r.valid_until),
    usedAt: r.used_at === null ? null : Number(r.used_at),
    orderId: r.order_id,
  }));
  const c = counts[0];
  return { coupons, counts: { available: Number(c?.available ?? 0), used: Number(c?.used ?? 0), expired: Number(c?.expired ?? 0) } };
}
