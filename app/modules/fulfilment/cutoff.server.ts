import { desc, eq, sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { cutoffRuns } from "~/db/schema";
import { getSettings } from "~/modules/settings/settings.server";
import { cutoffInstant, deliveryDateFor, dueCutoff } from "./business-date";
import { rawBatch } from "~/db/raw-batch.server";

/** A new id in SQL, in the app's format (prefix + 20 characters of [0-9a-f] ⊂ the id alphabet). */
const sqlId = (prefix: string) => sql.raw(`'${prefix}_' || lower(hex(randomblob(10)))`);

export interface CutoffRunResult {
  deliveryDate: string;
  cutoffAt: number;
  /** False when a run for this delivery date had already finished (nothing changed). */
  ran: boolean;
  batches: number;
  orders: number;
}

/**
 * The cut-off for business date `businessDate` (Asia/Shanghai): every order paid before
 * `cutoffAt` and still `paid` (so not yet in a batch, and not cancelled meanwhile) is locked into
 * one delivery batch per merchant × pickup point for the next day, and moves paid → confirmed with
 * its timeline row. Set-based: one D1 batch (one transaction) of a few INSERT … SELECT statements,
 * however many orders, so 10k orders cost the Worker a single round trip.
 *
 * Idempotent, also when two runs race: the statements select only orders still `paid`, batches and
 * lines have unique keys (INSERT OR IGNORE), item totals are recomputed from the lines, and the
 * `cutoff_runs` row (primary key = delivery date) is written once, by the first run to finish.
 */
export async function runCutoff(
  ctx: AppContext,
  input: { businessDate: string; cutoffAt?: number; trigger: "cron" | "manual"; actorId: string | null; now?: number },
): Promise<CutoffRunResult> {
  const now = input.now ?? Date.now();
  const deliveryDate = deliveryDateFor(input.businessDate);
  const { "order.cutoff_time": time } = await getSettings(ctx, ["order.cutoff_time"]);
  // A manual run before the configured time locks what was paid until now.
  const cutoffAt = input.cutoffAt ?? Math.min(cutoffInstant(input.businessDate, time), now);
  const done = await ctx.db.query.cutoffRuns.findFirst({ where: eq(cutoffRuns.deliveryDate, deliveryDate) });
  if (done) return { deliveryDate, cutoffAt: done.cutoffAt, ran: false, batches: done.batches, orders: done.orders };

  const due = sql`o.status = 'paid' AND o.paid_at IS NOT NULL AND o.paid_at < ${cutoffAt}`;
  const actorType = input.trigger === "manual" ? "admin" : "system";
  await rawBatch(ctx, [
    // 1. One batch per merchant × pickup point with something to deliver.
    sql`INSERT OR IGNORE INTO delivery_batches (id, merchant_id, pickup_point_id, delivery_date, status, cutoff_at, created_at, updated_at)
      SELECT ${sqlId("dlb")}, l.merchant_id, o.pickup_point_id, ${deliveryDate}, 'locked', ${cutoffAt}, ${now}, ${now}
      FROM orders o JOIN order_lines l ON l.order_id = o.id
      WHERE ${due} AND l.quantity > l.refunded_qty
      GROUP BY l.merchant_id, o.pickup_point_id`,
    // 2. Every open line into its batch (a line is in at most one batch: its primary key).
    sql`INSERT OR IGNORE INTO delivery_batch_lines (order_line_id, batch_id, order_id, sku_id, quantity, shortage_qty)
      SELECT l.id, b.id, o.id, l.sku_id, l.quantity - l.refunded_qty, 0
      FROM orders o
      JOIN order_lines l ON l.order_id = o.id
      JOIN delivery_batches b ON b.merchant_id = l.merchant_id AND b.pickup_point_id = o.pickup_point_id AND b.delivery_date = ${deliveryDate} AND b.status = 'locked'
      WHERE ${due} AND l.quantity > l.refunded_qty`,
    // 3. The timeline row, then the status (the timeline trigger guards paid → confirmed).
    sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
      SELECT ${sqlId("oev")}, o.id, 'cut_off', 'paid', 'confirmed', ${actorType}, ${input.actorId}, ${deliveryDate}, ${now}
      FROM orders o WHERE ${due} AND EXISTS (SELECT 1 FROM delivery_batch_lines dl WHERE dl.order_id = o.id)`,
    sql`UPDATE orders AS o SET status = 'confirmed', updated_at = ${now}
      WHERE ${due} AND EXISTS (SELECT 1 FROM delivery_batch_lines dl WHERE dl.order_id = o.id)`,
    // 4. Per-SKU expected totals, recomputed from the lines (a repeat writes the same numbers).
    sql`INSERT INTO delivery_batch_items (batch_id, sku_id, product_id, title, spec, expected_qty)
      SELECT dl.batch_id, dl.sku_id, min(l.product_id), min(l.title), min(l.spec), sum(dl.quantity)
      FROM delivery_batches b
      JOIN delivery_batch_lines dl ON dl.batch_id = b.id
      JOIN order_lines l ON l.id = dl.order_line_id
      WHERE b.delivery_date = ${deliveryDate} AND b.status = 'locked'
      GROUP BY dl.batch_id, dl.sku_id
      ON CONFLICT (batch_id, sku_id) DO UPDATE SET expected_qty = excluded.expected_qty`,
    // 5. The run's record: written once (primary key), by whichever run finishes first.
    sql`INSERT OR IGNORE INTO cutoff_runs (delivery_date, cutoff_at, "trigger", triggered_by, batches, orders, finished_at)
      SELECT ${deliveryDate}, ${cutoffAt}, ${input.trigger}, ${input.actorId},
        (SELECT count(*) FROM delivery_batches WHERE delivery_date = ${deliveryDate}),
        (SELECT count(DISTINCT dl.order_id) FROM delivery_batch_lines dl JOIN delivery_batches b ON b.id = dl.batch_id WHERE b.delivery_date = ${deliveryDate}),
        ${now}`,
  ]);
  const run = await ctx.db.query.cutoffRuns.findFirst({ where: eq(cutoffRuns.deliveryDate, deliveryDate) });
  return { deliveryDate, cutoffAt: run?.cutoffAt ?? cutoffAt, ran: true, batches: run?.batches ?? 0, orders: run?.orders ?? 0 };
}

/** Cron: runs today's cut-off once its time has passed (Asia/Shanghai) and it has not run yet. */
export async function runDueCutoff(ctx: AppContext, now: number): Promise<CutoffRunResult | null> {
  const { "order.cutoff_time": time } = await getSettings(ctx, ["order.cutoff_time"]);
  const due = dueCutoff(now, time);
  if (!due) return null;
  const done = await ctx.db.query.cutoffRuns.findFirst({ where: eq(cutoffRuns.deliveryDate, due.deliveryDate) });
  if (done) return null;
  return runCutoff(ctx, { businessDate: due.businessDate, cutoffAt: due.cutoffAt, trigger: "cron", actorId: null, now });
}

export async function listCutoffRuns(ctx: AppContext, limit = 14) {
  return ctx.db.select().from(cutoffRuns).orderBy(desc(cutoffRuns.deliveryDate)).limit(limit);
}
