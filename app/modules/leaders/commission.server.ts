import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch, readBatch } from "~/db/raw-batch.server";
import { decryptField, encryptField } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { cutoffInstant } from "~/modules/fulfilment/business-date";
import { snapshotIntSql } from "~/modules/settings/order-rates.server";
import { getSettings } from "~/modules/settings/settings.server";
import { availableBalanceFen, computeOrderCommission, summariseCommission, summaryStartDate, type CommissionOrderRow } from "./commission";
import { maskPayoutAccount, normalisePayoutAccount, type PayoutMethod } from "./withdrawal";

/**
 * The leader's commission and withdrawal requests, for the leader's own pickup point only.
 *
 * Computed from orders until the settlement issue lands the ledger (SPEC §7): then the settled
 * balance, the per-order and per-day figures are read from ledger entries, withdrawals are paid
 * out against them, and the SQL below goes. Meanwhile the same formula as the pure module
 * (./commission.ts) runs in SQL for the all-time totals and the withdrawal guard:
 *
 *   net sale   = Σ max(0, payable) − Σ min(max(0, refunded), max(0, payable))   over the order's lines
 *   bp         = the integer `leaderCommissionBp` of the order's rates snapshot, clamped to 0..10000, else 0
 *   commission = (net × bp + 5000) / 10000 in integer arithmetic (round half up; SQLite integers are 64-bit)
 *   settled    = completed, refunded, or picked up at least the after-sales window ago (the order's
 *                own `afterSalesWindowDays` snapshot, today's setting for orders placed before it, ADR 015)
 *   pending    = any other status except unpaid and cancelled (which never count)
 */

const DAY_MS = 24 * 60 * 60 * 1000;
export const COMMISSION_PAGE_SIZE = 20;
export const WITHDRAWALS_SHOWN = 20;

const netSaleSql = sql`(SELECT coalesce(sum(max(0, l.payable_fen)) - sum(min(max(0, l.refunded_fen), max(0, l.payable_fen))), 0) FROM order_lines l WHERE l.order_id = o.id)`;
const bpSql = sql`(CASE WHEN json_valid(o.rates) THEN (CASE WHEN json_type(o.rates, '$.leaderCommissionBp') = 'integer' AND json_extract(o.rates, '$.leaderCommissionBp') >= 0
  THEN min(json_extract(o.rates, '$.leaderCommissionBp'), 10000) ELSE 0 END) ELSE 0 END)`;
const commissionSql = sql`((${netSaleSql} * ${bpSql} + 5000) / 10000)`;
const countsSql = sql`o.status NOT IN ('pending_payment', 'cancelled', 'awaiting_group')`;
function settledSql(now: number, windowDays: number): SQL {
  const window = snapshotIntSql(sql`o.rates`, "afterSalesWindowDays", windowDays);
  return sql`(o.status IN ('completed', 'refunded') OR (o.status = 'picked_up' AND o.picked_up_at IS NOT NULL AND o.picked_up_at + ${window} * ${DAY_MS} <= ${now}))`;
}
/** Withdrawals that hold money: requested, approved or paid (a rejected or failed one gives it back). */
function standingWithdrawalsSql(pointId: string): SQL {
  return sql`(SELECT coalesce(sum(w.amount_fen), 0) FROM withdrawals w WHERE w.account_type = 'leader' AND w.account_id = ${pointId} AND w.status NOT IN ('rejected', 'failed'))`;
}
function settledCommissionSql(pointId: string, now: number, windowDays: number): SQL {
  return sql`(SELECT coalesce(sum(${commissionSql}), 0) FROM orders o WHERE o.pickup_point_id = ${pointId} AND ${settledSql(now, windowDays)})`;
}

interface OrderRowDb {
  id: string;
  created_at: number;
  status: string;
  picked_up_at: number | null;
  completed_at: number | null;
  rates: string;
  payable: number;
  refunded: number;
}
const orderRowsSelect = sql`SELECT o.id, o.created_at, o.status, o.picked_up_at, o.completed_at, o.rates,
  coalesce(sum(max(0, l.payable_fen)), 0) AS payable, coalesce(sum(min(max(0, l.refunded_fen), max(0, l.payable_fen))), 0) AS refunded
  FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id`;

function toRow(r: OrderRowDb, windowDays: number, now: number): CommissionOrderRow {
  return computeOrderCommission(
    { orderId: r.id, createdAt: Number(r.created_at), status: r.status, pickedUpAt: r.picked_up_at === null ? null : Number(r.picked_up_at), completedAt: r.completed_at === null ? null : Number(r.completed_at), rates: r.rates, payableFen: Number(r.payable), refundedFen: Number(r.refunded) },
    windowDays,
    now,
  );
}

interface WithdrawalDb {
  id: string;
  amount_fen: number;
  method: PayoutMethod;
  payout_account_enc: string;
  status: string;
  reason: string | null;
  created_at: number;
  decided_at: number | null;
}

/**
 * Everything the Commission page shows, in one D1 round trip: all-time pending and settled
 * commission, the available balance, today / this month / the last 30 days (Asia/Shanghai), one
 * page of orders (newest first) and the latest withdrawal requests with their accounts masked.
 */
export async function getLeaderCommission(ctx: AppContext, pointId: string, opts: { page?: number } = {}, now = Date.now()) {
  const s = await getSettings(ctx, ["order.after_sales_window_days", "withdrawal.min_fen"]);
  const windowDays = s["order.after_sales_window_days"];
  const page = Math.max(1, Math.min(opts.page ?? 1, 10_000));
  // Midnight (Asia/Shanghai) at the start of the first business date the summary covers.
  const since = cutoffInstant(summaryStartDate(now), "00:00");
  const [totals, windowRows, pageRows, standing, withdrawalRows] = await readBatch<[
    { settled: number; pending: number },
    OrderRowDb,
    OrderRowDb,
    { fen: number },
    WithdrawalDb,
  ]>(ctx, [
    sql`SELECT coalesce(sum(CASE WHEN settled THEN c ELSE 0 END), 0) AS settled, coalesce(sum(CASE WHEN settled THEN 0 ELSE c END), 0) AS pending
      FROM (SELECT ${settledSql(now, windowDays)} AS settled, ${commissionSql} AS c FROM orders o WHERE o.pickup_point_id = ${pointId} AND ${countsSql})`,
    sql`${orderRowsSelect} WHERE o.pickup_point_id = ${pointId} AND ${countsSql} AND o.created_at >= ${since} GROUP BY o.id`,
    sql`${orderRowsSelect} WHERE o.pickup_point_id = ${pointId} AND ${countsSql} GROUP BY o.id ORDER BY o.created_at DESC, o.id DESC
      LIMIT ${COMMISSION_PAGE_SIZE + 1} OFFSET ${(page - 1) * COMMISSION_PAGE_SIZE}`,
    sql`SELECT ${standingWithdrawalsSql(pointId)} AS fen`,
    sql`SELECT id, amount_fen, method, payout_account_enc, status, reason, created_at, decided_at FROM withdrawals
      WHERE account_type = 'leader' AND account_id = ${pointId} ORDER BY created_at DESC, id DESC LIMIT ${WITHDRAWALS_SHOWN}`,
  ]);
  const settledFen = Number(totals[0]?.settled ?? 0);
  const pendingFen = Number(totals[0]?.pending ?? 0);
  const standingFen = Number(standing[0]?.fen ?? 0);
  const summary = summariseCommission(
    windowRows.map((r) => toRow(r, windowDays, now)),
    now,
  );
  const orders = pageRows.slice(0, COMMISSION_PAGE_SIZE).map((r) => toRow(r, windowDays, now));
  const withdrawals = await Promise.all(
    withdrawalRows.map(async (w) => ({
      id: w.id,
      amountFen: Number(w.amount_fen),
      method: w.method,
      account: maskPayoutAccount(w.method, await decryptField(ctx.env, "payout_account", w.payout_account_enc)),
      status: w.status,
      reason: w.reason,
      createdAt: Number(w.created_at),
      decidedAt: w.decided_at === null ? null : Number(w.decided_at),
    })),
  );
  return {
    afterSalesWindowDays: windowDays,
    minWithdrawalFen: s["withdrawal.min_fen"],
    settledFen,
    pendingFen,
    withdrawnFen: standingFen,
    availableFen: availableBalanceFen(settledFen, standingFen),
    summary,
    orders,
    page,
    hasNextPage: pageRows.length > COMMISSION_PAGE_SIZE,
    withdrawals,
  };
}
export type LeaderCommission = Awaited<ReturnType<typeof getLeaderCommission>>;

export type WithdrawalError = "amount_below_min" | "amount_over_balance";

const isGuardAbort = (error: unknown) => /malformed JSON/.test(`${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? "")}`);

/**
 * A withdrawal request of `amountFen` from the leader's available balance. The balance is computed
 * in SQL inside the same D1 batch (one transaction) as the insert, and the batch aborts when the
 * request would take it below zero, so concurrent requests can never together withdraw more than
 * is settled. The payout account is stored encrypted; an audit row goes in the same batch.
 */
export async function requestWithdrawal(
  ctx: AppContext,
  input: { pointId: string; userId: string; amountFen: number; method: PayoutMethod; account: string },
  now = Date.now(),
): Promise<Result<{ id: string }, WithdrawalError>> {
  const s = await getSettings(ctx, ["order.after_sales_window_days", "withdrawal.min_fen"]);
  if (input.amountFen < s["withdrawal.min_fen"]) return fail("amount_below_min", "amount");
  const id = newId("wdr");
  const accountEnc = await encryptField(ctx.env, "payout_account", normalisePayoutAccount(input.method, input.account));
  const available = sql`(${settledCommissionSql(input.pointId, now, s["order.after_sales_window_days"])} - ${standingWithdrawalsSql(input.pointId)})`;
  try {
    await rawBatch(ctx, [
      // RAISE() exists only in triggers: the abort is json() of a non-JSON text, evaluated only when the balance is short.
      sql`SELECT CASE WHEN ${available} < ${input.amountFen} THEN json('withdrawal_over_balance') END`,
      sql`INSERT INTO withdrawals (id, account_type, account_id, requested_by, amount_fen, method, payout_account_enc, status, created_at, updated_at)
        VALUES (${id}, 'leader', ${input.pointId}, ${input.userId}, ${input.amountFen}, ${input.method}, ${accountEnc}, 'requested', ${now}, ${now})`,
      auditStatement(ctx, {
        actorUserId: input.userId,
        action: "withdrawal.request",
        entityType: "withdrawal",
        entityId: id,
        data: { accountType: "leader", pickupPointId: input.pointId, amountFen: input.amountFen, method: input.method },
      }),
    ]);
  } catch (error) {
    if (isGuardAbort(error)) return fail("amount_over_balance", "amount");
    throw error;
  }
  return ok({ id });
}
