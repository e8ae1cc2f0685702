import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch, type BatchStatement } from "~/db/raw-batch.server";
import { formatFen } from "~/lib/format";
import { businessDateOf, cutoffInstant } from "~/modules/fulfilment/business-date";
import { spendSql } from "~/modules/membership/levels.server";
import { pushNotices } from "~/modules/notifications/notify.server";
import { getSettings } from "~/modules/settings/settings.server";
import { couponGrantSql } from "./grant.server";
import { BIRTHDAY_VALID_DAYS, birthdayGrantKey, birthdaysOn, birthdayTemplateId } from "./terms";

/**
 * The coupons' parts of the `*\/5` cron (app/jobs/index.server.ts): expiry, the "expiring soon"
 * notice and the birthday gift. Each is bounded per run and idempotent: a rerun changes nothing more.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
export const EXPIRY_BATCH = 1000;
export const EXPIRING_NOTICE_BATCH = 500;
export const EXPIRING_WITHIN_DAYS = 3;
export const BIRTHDAY_BATCH = 500;
/** Grants per D1 batch (one statement each). */
const GRANTS_PER_BATCH = 50;

/**
 * Marks `available` coupons past their end `expired`, at most `limit` per run (the oldest ends
 * first; the next run takes the rest). A coupon held by an unpaid order (`locked`) is left to the
 * order: cancelling it returns the coupon as expired when its end has passed.
 */
export async function expireDueCoupons(ctx: AppContext, now: number, limit = EXPIRY_BATCH): Promise<number> {
  const result = await ctx.db.run(sql`UPDATE user_coupons SET status = 'expired'
    WHERE id IN (SELECT id FROM user_coupons WHERE status = 'available' AND valid_until <= ${now} ORDER BY valid_until, id LIMIT ${limit})`);
  return Number(result.meta.changes ?? 0);
}

/**
 * Once per coupon: an inbox notice when an available coupon ends within three days. The notices
 * and the coupons' `expiry_noticed_at` are written in one batch, both over the same ordered,
 * limited selection, so a coupon is noticed exactly once however the runs overlap.
 */
export async function noticeExpiringCoupons(ctx: AppContext, now: number, limit = EXPIRING_NOTICE_BATCH): Promise<number> {
  const due = sql`SELECT c.id FROM user_coupons c
    WHERE c.status = 'available' AND c.valid_until > ${now} AND c.valid_until <= ${now + EXPIRING_WITHIN_DAYS * DAY_MS} AND c.expiry_noticed_at IS NULL
    ORDER BY c.valid_until, c.id LIMIT ${limit}`;
  const [inserted] = await rawBatch(ctx, [
    sql`INSERT INTO notifications (id, user_id, kind, data, link, created_at)
      SELECT 'ntf_' || lower(hex(randomblob(10))), c.user_id, 'coupon.expiring',
        json_object('name', CASE WHEN u.locale = 'en' THEN t.name_en ELSE t.name_zh END, 'count', max(1, CAST((c.valid_until - ${now} + ${
      DAY_MS - 1
    }) / ${DAY_MS} AS INTEGER))),
        '/me/coupons', ${now}
      FROM user_coupons c JOIN users u ON u.id = c.user_id JOIN coupon_templates t ON t.id = c.template_id
      WHERE c.id IN (${due})`,
    sql`UPDATE user_coupons SET expiry_noticed_at = ${now} WHERE id IN (${due})`,
  ]);
  return Number(inserted?.meta.changes ?? 0);
}

const BIRTHDAY_JOB = "birthday";

/**
 * The birthday gift (SPEC §6 membership perk): once a day, after 00:00 Asia/Shanghai, each active
 * shopper whose birthday is today (a 29 February birthday on the 28th in other years) gets a
 * fixed coupon worth their level's `birthdayCouponFen` (membership.levels; level by spend) —
 * nothing when that is 0. The coupon comes from a non-claimable platform template per (year,
 * amount), made on first need with a deterministic id; its grant key `birthday:<user>:<year>`
 * makes it once a year however often the job runs (and whatever birthday the shopper sets later).
 * A day whose shoppers were all served is marked done and not scanned again.
 */
export async function grantDueBirthdayGifts(ctx: AppContext, now: number, limit = BIRTHDAY_BATCH): Promise<{ granted: number; done: boolean }> {
  const today = businessDateOf(now);
  const year = Number(today.slice(0, 4));
  const done = await ctx.db.get<{ x: number }>(sql`SELECT 1 AS x FROM coupon_job_days WHERE job = ${BIRTHDAY_JOB} AND business_date = ${today}`);
  if (done) return { granted: 0, done: true };
  const levels = (await getSettings(ctx, ["membership.levels"]))["membership.levels"];
  const spend = spendSql(sql`u.id`, now);
  // The gift of the shopper's level now, computed in the query, so shoppers owed nothing never
  // come back in the next run's selection.
  const amount = sql`CASE WHEN ${spend} >= ${levels.gold.thresholdFen} THEN ${levels.gold.birthdayCouponFen}
    WHEN ${spend} >= ${levels.silver.thresholdFen} THEN ${levels.silver.birthdayCouponFen} ELSE ${levels.normal.birthdayCouponFen} END`;
  const due = await ctx.db.all<{ id: string; locale: string; amount: number }>(sql`
    SELECT id, locale, amount FROM (
      SELECT u.id, u.locale, ${amount} AS amount FROM users u
      WHERE u.birthday IN (SELECT value FROM json_each(${JSON.stringify(birthdaysOn(today))})) AND u.status = 'active'
        AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'shopper')
        AND NOT EXISTS (SELECT 1 FROM user_coupons c WHERE c.grant_key = 'birthday:' || u.id || ${`:${year}`})
    ) WHERE amount > 0
    ORDER BY id LIMIT ${limit}`);
  const yearStart = cutoffInstant(`${year}-01-01`, "00:00");
  const yearEnd = cutoffInstant(`${year + 1}-01-01`, "00:00");
  const amounts = [...new Set(due.map((d) => Number(d.amount)))];
  const templates: BatchStatement[] = amounts.map(
    (
      fen,
    ) => sql`INSERT OR IGNORE INTO coupon_templates (id, name_zh, name_en, funding, merchant_id, kind, amount_fen, valid_days, starts_at, ends_at, total_limit, per_user_limit, claimable, status, created_at)
      VALUES (${birthdayTemplateId(year, fen)}, ${`${year} 生日礼券 ${formatFen(fen)}`}, ${`${year} birthday gift ${formatFen(
      fen,
    )}`}, 'platform', NULL, 'fixed', ${fen},
        ${BIRTHDAY_VALID_DAYS}, ${yearStart}, ${yearEnd + BIRTHDAY_VALID_DAYS * DAY_MS}, NULL, 1, 0, 'active', ${now})`,
  );
  let granted = 0;
  const notices: Array<{ userId: string; kind: string; data: Record<string, string>; link: string }> = [];
  for (let i = 0; i < due.length; i += GRANTS_PER_BATCH) {
    const chunk = due.slice(i, i + GRANTS_PER_BATCH).map((d) => ({ ...d, amount: Number(d.amount), key: birthdayGrantKey(d.id, year) }));
    const first = i === 0 ? templates : [];
    const results = await rawBatch(ctx, [
      ...first,
      ...chunk.map((d) => couponGrantSql({ templateId: birthdayTemplateId(year, d.amount), userId: d.id, source: "birthday", now, grantKey: d.key })),
      // One notice per gift, its id derived from the coupon's: a rerun adds none.
      sql`INSERT OR IGNORE INTO notifications (id, user_id, kind, data, link, created_at)
        SELECT 'ntf_' || substr(c.id, 5), c.user_id, 'coupon.birthday', json_object('amount', json_extract(j.value, '$.amount')), '/me/coupons', ${now}
        FROM json_each(${JSON.stringify(chunk.map((d) => ({ key: d.key, amount: formatFen(d.amount) })))}) j
        JOIN user_coupons c ON c.grant_key = json_extract(j.value, '$.key')`,
    ]);
    chunk.forEach((d, k) => {
      // Any change (the insert, and the trigger's count) means the gift was granted.
      if (Number(results[first.length + k]?.meta.changes ?? 0) === 0) return;
      granted++;
      notices.push({ userId: d.id, kind: "coupon.birthday", data: { amount: formatFen(d.amount) }, link: "/me/coupons" });
    });
  }
  pushNotices(ctx, notices);
  // Everyone due today was in this run: the day is done.
  const finished = due.length < limit;
  if (finished) await ctx.db.run(sql`INSERT OR IGNORE INTO coupon_job_days (job, business_date, done_at) VALUES (${BIRTHDAY_JOB}, ${today}, ${now})`);
  return { granted, done: finished };
}
