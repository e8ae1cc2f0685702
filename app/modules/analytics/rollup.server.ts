import type { AppContext } from "~/context.server";
import { addDays, businessDateOf, dayEnd, dayStart, eachDay } from "./dates";

/**
 * Daily rollups (ADR 016). Dashboards read `analytics_daily_sales` and `analytics_daily_funnel`,
 * never orders or raw events. A day is always recomputed whole: its rows are deleted and
 * re-inserted from the source tables by INSERT … SELECT, all in ONE D1 batch (one transaction),
 * so a rerun gives exactly the same rows, a crash leaves the previous version, and there is never
 * a half-written day.
 *
 * What a day D (Asia/Shanghai) counts:
 * - Sales, by the day an order was paid (`orders.paid_at` in D), whatever happened to it later:
 *   `orders` = paid orders, `gmv_fen` = the amount paid (`paid_fen`), `items` = units on their
 *   lines, `buyers` = distinct paying users.
 *   - per product / category / merchant: the lines of those orders; GMV is the line's payable
 *     amount (`order_lines.payable_fen`: its goods net of the order-level discounts allocated to it
 *     by the pricing engine, ADR 009), so the lines of an order add up to what was paid; `orders`
 *     are distinct orders with such a line.
 *   - per pickup point: the order's point, at the order's paid amount.
 * - Refunds, by the day they succeeded (`refunds.updated_at` of a `succeeded` refund: a refund row
 *   is never changed after success), except refunds of late or duplicate payments, which never
 *   paid for an order. Itemised refunds go to their lines' product/category/merchant at the
 *   lines' amounts; a whole-order refund without lines (a cancellation) at each line's payable
 *   amount; the point and the total at the refund's amount.
 * - Funnel: distinct visitor hashes of the day's events (any event = a visit; product views; add
 *   to cart; checkout start). Visitor hashes change every day by design (capture.server.ts), so
 *   sums over several days are visitor-days. `payers` and `buyers` are the distinct users who paid
 *   on D (the same number, kept in both columns: the funnel's last step and the customers block);
 *   a buyer is returning when they had paid an order before D, new otherwise.
 *
 * More daily rollups (issue 7's group-deal success rate, issue 8's flash-sale sell-through) join
 * by adding a `DailyRollup` to `DAILY_ROLLUPS` with their own tables: their statements then run in
 * the same batch, for the same days, on the same schedule.
 */
export interface DayWindow {
  day: string;
  /** UTC epoch ms, inclusive. */
  start: number;
  /** UTC epoch ms, exclusive. */
  end: number;
  now: number;
}

export interface DailyRollup {
  name: string;
  /** The statements that replace this rollup's rows for one day (run in one batch with the others). */
  statements(db: D1Database, w: DayWindow): D1PreparedStatement[];
}

// D1 allows at most 5 terms in a compound SELECT, hence the per-dimension rows of the lines are
// made by a join with the dimension names rather than one UNION term per dimension. CROSS JOIN
// fixes the loop order (SQLite keeps it as written): the day's few orders and refunds drive the
// lookups of their lines by index, instead of a scan of every line ever sold.
const SALES_SQL = `
WITH
paid AS MATERIALIZED (
  SELECT id, user_id, pickup_point_id, paid_fen FROM orders WHERE paid_at >= ?2 AND paid_at < ?3
),
sold AS MATERIALIZED (
  SELECT l.order_id, l.product_id, l.category_id, l.merchant_id, l.quantity, l.payable_fen, p.user_id
  FROM paid p CROSS JOIN order_lines l ON l.order_id = p.id
),
back AS MATERIALIZED (
  SELECT r.order_id, r.amount_fen, r.lines, o.pickup_point_id
  FROM refunds r JOIN orders o ON o.id = r.order_id
  WHERE r.status = 'succeeded' AND r.updated_at >= ?2 AND r.updated_at < ?3 AND r.kind NOT IN ('late_payment', 'duplicate_payment')
),
back_lines AS MATERIALIZED (
  SELECT l.product_id, l.category_id, l.merchant_id, CAST(json_extract(j.value, '$.amountFen') AS INTEGER) AS fen
  FROM back b CROSS JOIN json_each(b.lines) j CROSS JOIN order_lines l ON l.id = json_extract(j.value, '$.lineId') AND l.order_id = b.order_id
  UNION ALL
  SELECT l.product_id, l.category_id, l.merchant_id, l.payable_fen
  FROM back b CROSS JOIN order_lines l ON l.order_id = b.order_id
  WHERE json_array_length(b.lines) = 0
),
dims (dimension) AS (VALUES ('product'), ('category'), ('merchant')),
line_facts AS (
  SELECT d.dimension, CASE d.dimension WHEN 'product' THEN s.product_id WHEN 'category' THEN s.category_id ELSE s.merchant_id END AS dimension_id,
         s.order_id, s.user_id, s.quantity, s.payable_fen, 0 AS refund_fen
  FROM sold s CROSS JOIN dims d
  UNION ALL
  SELECT d.dimension, CASE d.dimension WHEN 'product' THEN b.product_id WHEN 'category' THEN b.category_id ELSE b.merchant_id END,
         NULL, NULL, 0, 0, b.fen
  FROM back_lines b CROSS JOIN dims d
),
facts (dimension, dimension_id, orders, gmv_fen, items, buyers, refund_fen) AS (
  SELECT 'all', '', (SELECT count(*) FROM paid), (SELECT coalesce(sum(paid_fen), 0) FROM paid), (SELECT coalesce(sum(quantity), 0) FROM sold),
         (SELECT count(DISTINCT user_id) FROM paid), (SELECT coalesce(sum(amount_fen), 0) FROM back)
  UNION ALL
  SELECT dimension, dimension_id, count(DISTINCT order_id), sum(payable_fen), sum(quantity), count(DISTINCT user_id), sum(refund_fen)
  FROM line_facts GROUP BY dimension, dimension_id
  UNION ALL
  SELECT 'point', p.pickup_point_id, count(*), sum(p.paid_fen), coalesce(sum(q.items), 0), count(DISTINCT p.user_id), 0
  FROM paid p LEFT JOIN (SELECT order_id, sum(quantity) AS items FROM sold GROUP BY order_id) q ON q.order_id = p.id
  GROUP BY p.pickup_point_id
  UNION ALL
  SELECT 'point', pickup_point_id, 0, 0, 0, 0, sum(amount_fen) FROM back GROUP BY pickup_point_id
)
INSERT INTO analytics_daily_sales (day, dimension, dimension_id, orders, gmv_fen, items, buyers, refund_fen)
SELECT ?1, dimension, dimension_id, sum(orders), sum(gmv_fen), sum(items), sum(buyers), sum(refund_fen)
FROM facts GROUP BY dimension, dimension_id`;

const FUNNEL_SQL = `
WITH
paid AS MATERIALIZED (
  SELECT user_id FROM orders WHERE paid_at >= ?2 AND paid_at < ?3
),
payers AS MATERIALIZED (
  SELECT DISTINCT user_id FROM paid
),
repeat_payers AS MATERIALIZED (
  SELECT p.user_id FROM payers p WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = p.user_id AND o.paid_at < ?2)
)
INSERT INTO analytics_daily_funnel (day, visitors, product_viewers, cart_visitors, checkout_visitors, payers, buyers, new_buyers, returning_buyers, computed_at)
SELECT ?1,
  (SELECT count(DISTINCT visitor_hash) FROM analytics_events WHERE day = ?1),
  (SELECT count(DISTINCT visitor_hash) FROM analytics_events WHERE day = ?1 AND kind = 'product_view'),
  (SELECT count(DISTINCT visitor_hash) FROM analytics_events WHERE day = ?1 AND kind = 'add_to_cart'),
  (SELECT count(DISTINCT visitor_hash) FROM analytics_events WHERE day = ?1 AND kind = 'checkout_start'),
  (SELECT count(*) FROM payers),
  (SELECT count(*) FROM payers),
  (SELECT count(*) FROM payers) - (SELECT count(*) FROM repeat_payers),
  (SELECT count(*) FROM repeat_payers),
  ?4`;

export const DAILY_ROLLUPS: readonly DailyRollup[] = [
  {
    name: "sales",
    statements: (db, w) => [
      db.prepare("DELETE FROM analytics_daily_sales WHERE day = ?1").bind(w.day),
      db.prepare(SALES_SQL).bind(w.day, w.start, w.end),
    ],
  },
  {
    // Last: its row (with computed_at) is also the record that the day was rolled up.
    name: "funnel",
    statements: (db, w) => [
      db.prepare("DELETE FROM analytics_daily_funnel WHERE day = ?1").bind(w.day),
      db.prepare(FUNNEL_SQL).bind(w.day, w.start, w.end, w.now),
    ],
  },
];

/** Recomputes every rollup of one Shanghai day, in one batch. Idempotent. */
export async function rollupDay(ctx: Pick<AppContext, "db">, day: string, now = Date.now()): Promise<void> {
  const db = ctx.db.$client;
  const w: DayWindow = { day, start: dayStart(day), end: dayEnd(day), now };
  await db.batch(DAILY_ROLLUPS.flatMap((r) => r.statements(db, w)));
}

/** Recomputes every day from `from` to `to` (both included), one batch per day, oldest first. */
export async function rollupDays(ctx: Pick<AppContext, "db">, from: string, to: string, now = Date.now()): Promise<number> {
  const days = eachDay(from, to);
  for (const day of days) await rollupDay(ctx, day, now);
  return days.length;
}

/** Raw events are kept this many days, then deleted (the rollups keep their counts). */
export const EVENT_RETENTION_DAYS = 35;
/**
 * How far back the job looks for days never rolled up (or rolled up before they were over).
 * Shorter than the retention, so a recomputed day still has all its raw events; older history
 * is rolled up once, explicitly (`rollupDays`, as the demo seed does).
 */
export const BACKFILL_DAYS = 34;
/** Days recomputed per run at most, today included (bounds a run after a long outage). */
export const MAX_DAYS_PER_RUN = 7;
/**
 * A day's figures are final once rolled up this long after the day ended: late payment
 * notifications carry the provider's payment time, which can fall into the day before.
 */
export const FINAL_AFTER_MS = 30 * 60 * 1000;
const PRUNE_BATCH = 5000;

/**
 * The rollup cron job (every 5 minutes, app/jobs/index.server.ts): today again (fresh within 5
 * minutes), yesterday until it is final (once after midnight plus the grace period), and missing or
 * provisional days of the last BACKFILL_DAYS, newest first, at most MAX_DAYS_PER_RUN in all; then
 * raw events older than the retention are deleted (in bounded slices). Every step is idempotent.
 */
export async function runAnalyticsRollups(ctx: Pick<AppContext, "db">, now: number): Promise<{ days: string[]; pruned: number }> {
  const db = ctx.db.$client;
  const today = businessDateOf(now);
  const since = addDays(today, -BACKFILL_DAYS);
  const rows = await db.prepare("SELECT day, computed_at FROM analytics_daily_funnel WHERE day >= ?1 AND day < ?2").bind(since, today).all<{ day: string; computed_at: number }>();
  const computedAt = new Map(rows.results.map((r) => [r.day, r.computed_at]));
  const due = [today];
  for (let day = addDays(today, -1); day >= since && due.length < MAX_DAYS_PER_RUN; day = addDays(day, -1)) {
    const at = computedAt.get(day);
    if (at === undefined || at < dayEnd(day) + FINAL_AFTER_MS) due.push(day);
  }
  for (const day of due) await rollupDay(ctx, day, now);
  const pruned = await db
    .prepare(`DELETE FROM analytics_events WHERE id IN (SELECT id FROM analytics_events WHERE day < ?1 LIMIT ${PRUNE_BATCH})`)
    .bind(addDays(today, -EVENT_RETENTION_DAYS))
    .run();
  return { days: due, pruned: pruned.meta.changes ?? 0 };
}
