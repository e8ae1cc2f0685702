import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { abortWhen, isGuardAbort, isUniqueViolation, rawBatch, readBatch, type BatchStatement } from "~/db/raw-batch.server";
import { ledgerEntries, ledgerTransactions, type LedgerKind } from "~/db/schema";
import { newId } from "~/lib/ids";
import { snapshotIntSql } from "~/modules/settings/order-rates.server";
import { orderPointsSql, orderPointsStatement, type OrderPointsState } from "~/modules/membership/points.server";
import { SETTING_DEFAULTS } from "~/modules/settings/catalogue";
import { getSettings } from "~/modules/settings/settings.server";
import { balanced, postingsToReach, type Account, type Posting, type PostingKind } from "./ledger";
import { LINE_SUBSIDY_SQL, orderSplit } from "./order-split";

/**
 * Writing the ledger (issue 9, ADR 019). Every writer follows one shape:
 *
 * 1. read, in one D1 round trip, what the transaction depends on and what the ledger already holds;
 * 2. compute the postings with the pure core (./ledger.ts) and check they balance;
 * 3. write the transaction (its deterministic key under a unique index), its entries and the
 *    status changes in ONE `db.batch`, led by a guard that aborts the batch when the ledger moved
 *    since step 1 (optimistic concurrency: two messages for one order never both post against the
 *    same state).
 *
 * A redelivered message fails the key's unique index and its batch rolls back whole: it writes
 * nothing new. A guard abort is a retryable error; the queue redelivers with backoff.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The ledger changed between reading it and writing (another message for the same order won): retry. */
export class LedgerStaleError extends Error {
  constructor(what: string) {
    super(`ledger_stale: ${what}`);
    this.name = "LedgerStaleError";
  }
}

/** A redelivered message: its transaction key is already in the ledger. */
export const isDuplicateKey = (error: unknown) => isUniqueViolation(error, "ledger_transactions.key");

/** Entries are inserted in chunks that stay under D1's 100 bound parameters per statement. */
const ENTRY_COLUMNS = 8;
const ENTRIES_PER_STATEMENT = Math.floor(100 / ENTRY_COLUMNS);

export function transactionStatements(
  ctx: Pick<AppContext, "db">,
  tx: { id: string; key: string; kind: LedgerKind; orderId?: string | null; refundId?: string | null; withdrawalId?: string | null; memo?: string | null },
  postings: readonly Posting[],
  now: number,
): BatchStatement[] {
  if (postings.length > 0 && !balanced(postings)) throw new Error(`unbalanced ledger transaction ${tx.key}`);
  const statements: BatchStatement[] = [
    ctx.db.insert(ledgerTransactions).values({
      id: tx.id,
      key: tx.key,
      kind: tx.kind,
      orderId: tx.orderId ?? null,
      refundId: tx.refundId ?? null,
      withdrawalId: tx.withdrawalId ?? null,
      memo: tx.memo ?? null,
      createdAt: now,
    }),
  ];
  for (let i = 0; i < postings.length; i += ENTRIES_PER_STATEMENT) {
    statements.push(
      ctx.db.insert(ledgerEntries).values(
        postings.slice(i, i + ENTRIES_PER_STATEMENT).map((p, j) => ({
          transactionId: tx.id,
          seq: i + j + 1,
          account: p.account,
          kind: p.kind,
          debitFen: p.debitFen,
          creditFen: p.creditFen,
          orderId: tx.orderId ?? null,
          createdAt: now,
        })),
      ),
    );
  }
  return statements;
}

interface OrderRow {
  id: string;
  status: string;
  rates: string;
  picked_up_at: number | null;
  settled_at: number | null;
  leader_user_id: string | null;
  window_days: number;
}

/** What settling an order needs, in one round trip: the order, its net sale per merchant, and what the ledger already holds for it. */
async function readOrderForLedger(ctx: AppContext, orderId: string, key: string, now: number) {
  // Today's after-sales window, for orders whose snapshot predates the field (ADR 015), read in the same round trip.
  const windowFallback = sql`coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'order.after_sales_window_days'), ${SETTING_DEFAULTS["order.after_sales_window_days"]})`;
  const [orders, merchants, current, txs, points] = await readBatch<
    [OrderRow, { merchant_id: string; net: number; subsidy: number }, { account: Account; kind: PostingKind; d: number; c: number }, { n: number; seen: number }, OrderPointsState]
  >(ctx, [
    sql`SELECT o.id, o.status, o.rates, o.picked_up_at, o.settled_at, p.leader_user_id, ${snapshotIntSql(sql`o.rates`, "afterSalesWindowDays", windowFallback)} AS window_days
      FROM orders o JOIN pickup_points p ON p.id = o.pickup_point_id WHERE o.id = ${orderId}`,
    sql`SELECT merchant_id, sum(max(0, payable_fen)) - sum(min(max(0, refunded_fen), max(0, payable_fen))) AS net, sum(${sql.raw(LINE_SUBSIDY_SQL)}) AS subsidy
      FROM order_lines WHERE order_id = ${orderId} GROUP BY merchant_id ORDER BY merchant_id`,
    sql`SELECT account, kind, sum(debit_fen) AS d, sum(credit_fen) AS c FROM ledger_entries WHERE order_id = ${orderId} GROUP BY account, kind`,
    sql`SELECT (SELECT count(*) FROM ledger_transactions WHERE order_id = ${orderId}) AS n, EXISTS (SELECT 1 FROM ledger_transactions WHERE key = ${key}) AS seen`,
    orderPointsSql(orderId, now),
  ]);
  return {
    order: orders[0] ?? null,
    merchants: merchants.map((m) => ({ merchantId: m.merchant_id, netSaleFen: Number(m.net), subsidyFen: Number(m.subsidy) })),
    current: current.map((p) => ({ account: p.account, kind: p.kind, debitFen: Number(p.d), creditFen: Number(p.c) })),
    transactions: Number(txs[0]?.n ?? 0),
    seen: Number(txs[0]?.seen ?? 0) === 1,
    points: points[0],
  };
}

export type LedgerOutcome = "applied" | "duplicate" | "not_found" | "not_due" | "not_settled";

/** Whether an order is due for settlement: completed, refunded, or picked up and past its after-sales window. */
export function isDue(order: Pick<OrderRow, "status" | "picked_up_at" | "window_days">, now: number): boolean {
  if (order.status === "completed" || order.status === "refunded") return true;
  return order.status === "picked_up" && order.picked_up_at !== null && Number(order.picked_up_at) + Number(order.window_days) * DAY_MS <= now;
}

/**
 * Settles an order (`order.settle`), or brings a settled order's ledger up to date after a refund
 * (`refund.settle`): posts what takes the ledger from what it holds for the order to the split of
 * the order's current net sale. The first settlement also completes a picked-up order (the
 * after-sales window is over) and stamps `settled_at`.
 */
export async function applyOrderLedger(
  ctx: AppContext,
  message: { kind: "order.settle"; key: string; orderId: string } | { kind: "refund.settle"; key: string; orderId: string; refundId: string },
  now = Date.now(),
): Promise<LedgerOutcome> {
  const state = await readOrderForLedger(ctx, message.orderId, message.key, now);
  if (state.seen) return "duplicate";
  const order = state.order;
  if (!order) return "not_found";
  if (message.kind === "order.settle" && !isDue(order, now)) return "not_due";
  // A refund before settlement is already in the order's net sale when it settles.
  if (message.kind === "refund.settle" && order.settled_at === null) return "not_settled";

  const target = orderSplit({ leaderUserId: order.leader_user_id, rates: order.rates, merchants: state.merchants });
  const postings = postingsToReach(state.current, target);
  const txId = newId("ltx");
  const stale = `ledger_stale_${message.orderId}`;
  const statements: BatchStatement[] = [
    abortWhen(sql`(SELECT count(*) FROM ledger_transactions WHERE order_id = ${message.orderId}) <> ${state.transactions}`, stale),
    ...transactionStatements(
      ctx,
      {
        id: txId,
        key: message.key,
        kind: message.kind,
        orderId: message.orderId,
        refundId: message.kind === "refund.settle" ? message.refundId : null,
        memo: message.kind === "order.settle" ? "order settled" : "refund after settlement",
      },
      postings,
      now,
    ),
  ];
  // The shopper's points follow the order's net sale, in the same batch (issue 10).
  const points = orderPointsStatement(ctx, state.points, { orderId: message.orderId, netSaleFen: state.merchants.reduce((s, m) => s + m.netSaleFen, 0), key: message.key }, now);
  if (points) statements.push(points);
  if (message.kind === "order.settle") {
    statements.push(
      sql`INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, actor_id, note, created_at)
        SELECT ${newId("oev")}, id, 'complete', 'picked_up', 'completed', 'system', NULL, 'settled', ${now} FROM orders WHERE id = ${message.orderId} AND status = 'picked_up'`,
      sql`UPDATE orders SET status = CASE WHEN status = 'picked_up' THEN 'completed' ELSE status END,
        completed_at = CASE WHEN status = 'picked_up' THEN ${now} ELSE completed_at END,
        settled_at = ${now}, updated_at = ${now} WHERE id = ${message.orderId}`,
    );
  }
  try {
    await rawBatch(ctx, statements);
  } catch (error) {
    if (isDuplicateKey(error)) return "duplicate";
    if (isGuardAbort(error)) throw new LedgerStaleError(message.orderId);
    throw error;
  }
  return "applied";
}

/** At most this many orders (and refunds) are enqueued per cron tick; the next tick takes the rest. */
export const SETTLE_ENQUEUE_LIMIT = 5000;
/** Refunds that succeeded within this many days are looked at for a settled order (older ones were). */
const REFUND_LOOKBACK_DAYS = 30;

/**
 * The settlement cron: finds the orders due for settlement that the ledger does not hold yet, and
 * the refunds that succeeded after their order settled, and enqueues a message for each. Safe to
 * run any number of times: a message whose transaction exists writes nothing.
 */
export async function findDueSettlements(ctx: AppContext, now: number, limit = SETTLE_ENQUEUE_LIMIT) {
  const s = await getSettings(ctx, ["order.after_sales_window_days"]);
  const window = snapshotIntSql(sql`o.rates`, "afterSalesWindowDays", s["order.after_sales_window_days"]);
  const [orders, refunds] = await readBatch<[{ id: string }, { id: string; order_id: string }]>(ctx, [
    sql`SELECT o.id FROM orders o WHERE o.settled_at IS NULL AND o.status IN ('picked_up', 'completed', 'refunded')
      AND (o.status <> 'picked_up' OR (o.picked_up_at IS NOT NULL AND o.picked_up_at + ${window} * ${DAY_MS} <= ${now}))
      ORDER BY o.status, o.picked_up_at LIMIT ${limit}`,
    sql`SELECT r.id, r.order_id FROM refunds r JOIN orders o ON o.id = r.order_id
      WHERE r.status = 'succeeded' AND r.updated_at >= ${now - REFUND_LOOKBACK_DAYS * DAY_MS} AND o.settled_at IS NOT NULL AND r.updated_at >= o.settled_at
      AND NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.key = 'refund:' || r.id) LIMIT ${limit}`,
  ]);
  return { orderIds: orders.map((o) => o.id), refunds: refunds.map((r) => ({ refundId: r.id, orderId: r.order_id })) };
}
