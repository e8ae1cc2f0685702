import type { TestWorker } from "./worker";

const DAY = 24 * 60 * 60 * 1000;

/**
 * Orders the settlement cron would queue at `now` and the ledger does not hold yet: completed or
 * refunded, or picked up and past their after-sales window (the order's own snapshot, else 7).
 */
const DUE_SQL = `SELECT count(*) AS n FROM orders WHERE settled_at IS NULL AND (status IN ('completed', 'refunded')
  OR (status = 'picked_up' AND picked_up_at IS NOT NULL AND picked_up_at + (CASE WHEN json_valid(rates) AND json_type(rates, '$.afterSalesWindowDays') = 'integer'
    THEN json_extract(rates, '$.afterSalesWindowDays') ELSE 7 END) * ${DAY} <= ?))`;

/**
 * Runs the real settlement path: the `*\/5` cron queues `order.settle` (and refund/payout) messages
 * on the settlement queue, Miniflare delivers them to the Worker's consumer, and this waits until
 * every due order is in the ledger (and the queue has had time to deliver the rest).
 *
 * One cron run queues at most SETTLE_ENQUEUE_LIMIT orders (5,000); the next run, five minutes later
 * in production, queues the rest. So when the due count stops falling for `tickAfterIdleMs` (the
 * queue has drained what it was given) while orders are still due, this runs the cron again: the
 * next tick, without waiting five minutes.
 */
export async function settleDue(
  worker: TestWorker,
  opts: { now?: number; timeoutMs?: number; until?: () => Promise<boolean>; tickAfterIdleMs?: number } = {},
): Promise<{ cronRuns: number }> {
  const now = opts.now ?? Date.now();
  const tick = () => worker.scheduled("*/5 * * * *", now);
  await tick();
  let cronRuns = 1;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lowest = Number.POSITIVE_INFINITY;
  let progressAt = Date.now();
  for (;;) {
    const due = Number((await worker.d1.prepare(DUE_SQL).bind(now).first<{ n: number }>())!.n);
    if (due === 0 && (!opts.until || (await opts.until()))) return { cronRuns };
    if (Date.now() > deadline) throw new Error(`settleDue: ${due} orders still unsettled after ${timeoutMs} ms and ${cronRuns} cron runs`);
    if (due < lowest) {
      lowest = due;
      progressAt = Date.now();
    } else if (due > 0 && Date.now() - progressAt > (opts.tickAfterIdleMs ?? 2_000)) {
      await tick();
      cronRuns++;
      progressAt = Date.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sets a platform setting straight in D1 (the settings are read per request, never cached). */
export async function setSetting(worker: TestWorker, key: string, value: unknown): Promise<void> {
  await worker.d1
    .prepare("INSERT INTO settings (key, value, version, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, version = version + 1, updated_at = excluded.updated_at")
    .bind(key, JSON.stringify(value), Date.now())
    .run();
}
