import { sql, type SQL } from "drizzle-orm";
import type { CouponSource } from "~/db/schema";
import { newId } from "~/lib/ids";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Issuing one coupon of a template to one user, as ONE statement (issue 10, SPEC §6): an
 * `INSERT … SELECT` that inserts nothing unless, at that instant,
 *
 * - the template is active and inside its window (`starts_at <= now < ends_at`),
 * - the user holds fewer than its per-user limit (every coupon ever issued counts, used or not),
 * - and fewer than its total limit were issued (`issued_count`, kept by a trigger).
 *
 * D1 runs one statement at a time per database, so the check and the insert cannot interleave
 * with another claim: however many claim at once, the limits hold exactly. The trigger
 * `user_coupons_total_limit` refuses a coupon past the total limit on any other path too.
 *
 * The coupon is valid from now until `valid_days` later, never past the template's end. With a
 * `grantKey` (birthday gifts, share rewards) a second grant for the same event inserts nothing
 * (`ON CONFLICT DO NOTHING` on the unique `grant_key`). The statement's `changes` is non-zero when a
 * coupon was issued (D1 counts the trigger's update of `issued_count` too, so it is not 1) and 0
 * when not; `couponGrantRefusalSql` tells why not. `onlyIf` adds a condition of the caller's (a
 * share reward grants only when its conversion, written earlier in the same batch, was rewarded).
 */
export function couponGrantSql(input: {
  templateId: string;
  userId: string;
  source: CouponSource;
  now: number;
  grantKey?: string | null;
  id?: string;
  claimableOnly?: boolean;
  onlyIf?: SQL;
}): SQL {
  const { templateId, userId, now } = input;
  // The claim centre offers only claimable templates of approved merchants (or the platform's).
  const claimable = input.claimableOnly
    ? sql` AND t.claimable = 1 AND (t.funding = 'platform' OR EXISTS (SELECT 1 FROM merchants m WHERE m.id = t.merchant_id AND m.status = 'approved'))`
    : sql``;
  return sql`INSERT INTO user_coupons (id, template_id, user_id, status, valid_from, valid_until, claimed_at, source, grant_key)
    SELECT ${input.id ?? newId("ucp")}, t.id, ${userId}, 'available', ${now},
      CASE WHEN t.valid_days IS NULL THEN t.ends_at ELSE min(t.ends_at, ${now} + t.valid_days * ${DAY_MS}) END,
      ${now}, ${input.source}, ${input.grantKey ?? null}
    FROM coupon_templates t
    WHERE t.id = ${templateId} AND t.status = 'active' AND t.starts_at <= ${now} AND t.ends_at > ${now}${claimable}
      AND (t.total_limit IS NULL OR t.issued_count < t.total_limit)
      AND (SELECT count(*) FROM user_coupons u WHERE u.template_id = t.id AND u.user_id = ${userId}) < t.per_user_limit
      AND ${input.onlyIf ?? sql`1`}
    ON CONFLICT (grant_key) DO NOTHING`;
}

export type CouponGrantRefusal = "not_found" | "not_active" | "not_claimable" | "sold_out" | "limit_reached" | "already_granted";

/** Why a grant inserted nothing (read after the fact, for the message shown; the insert itself decided). */
export function couponGrantRefusalSql(input: { templateId: string; userId: string; now: number; grantKey?: string | null; claimableOnly?: boolean }): SQL {
  const { templateId, userId, now } = input;
  const claimable = input.claimableOnly
    ? sql`WHEN t.claimable = 0 OR (t.funding <> 'platform' AND NOT EXISTS (SELECT 1 FROM merchants m WHERE m.id = t.merchant_id AND m.status = 'approved')) THEN 'not_claimable'`
    : sql``;
  return sql`SELECT CASE
      WHEN ${input.grantKey ?? null} IS NOT NULL AND EXISTS (SELECT 1 FROM user_coupons WHERE grant_key = ${input.grantKey ?? null}) THEN 'already_granted'
      WHEN t.id IS NULL THEN 'not_found'
      ${claimable}
      WHEN t.status <> 'active' OR t.starts_at > ${now} OR t.ends_at <= ${now} THEN 'not_active'
      WHEN (SELECT count(*) FROM user_coupons u WHERE u.template_id = t.id AND u.user_id = ${userId}) >= t.per_user_limit THEN 'limit_reached'
      WHEN t.total_limit IS NOT NULL AND t.issued_count >= t.total_limit THEN 'sold_out'
      ELSE 'not_active' END AS reason
    FROM (SELECT 1) LEFT JOIN coupon_templates t ON t.id = ${templateId}`;
}
