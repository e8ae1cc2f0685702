import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { readBatch } from "~/db/raw-batch.server";
import { cutoffInstant } from "~/modules/fulfilment/business-date";
import { getBalance } from "~/modules/settlement/withdrawals.server";
import { computeOrderCommission, summariseCommission, summaryStartDate, type CommissionOrderRow } from "./commission";

/**
 * The leader's commission and withdrawals, for the leader's own pickup point only.
 *
 * The money is the ledger's (app/modules/settlement, ADR 019): the settled total, what was paid
 * out, what is frozen and the available balance are sums of the leader's ledger account
 * (`getBalance`); withdrawals are requested against that balance. What is still pending, the
 * per-day table and the per-order rows are computed from the orders with the same formula the
 * settlement uses (./commission.ts), so a settled row equals what the ledger holds for it:
 *
 *   net sale   = Σ max(0, payable) − Σ min(max(0, refunded), max(0, payable))   over the order's lines
 *   bp         = the integer `leaderCommissionBp` of the order's rates snapshot, clamped to 0..10000, else 0
 *   commission = (net × bp + 5000) / 10000 in integer arithmetic (round half up; SQLite integers are 64-bit)
 *   pending    = orders with a sale that have not settled yet (`settled_at` is null)
 */

export const COMMISSION_PAGE_SIZE = 20;

const netSaleSql = sql`(SELECT coalesce(sum(max(0, l.payable_fen)) - sum(min(max(0, l.refunded_fen), max(0, l.payable_fen))), 0) FROM order_lines l WHERE l.order_id = o.id)`;
const bpSql = sql`(CASE WHEN json_valid(o.rates) THEN (CASE WHEN json_type(o.rates, '$.leaderCommissionBp') = 'integer' AND json_extract(o.rates, '$.leaderCommissionBp') >= 0
  THEN min(json_extract(o.rates, '$.leaderCommissionBp'), 10000) ELSE 0 END) ELSE 0 END)`;
const commissionSql = sql`((${netSaleSql} * ${bpSql} + 5000) / 10000)`;
const countsSql = sql`o.status NOT IN ('pending_payment', 'cancelled', 'awaiting_group')`;

interface OrderRowDb {
  id: string;
  created_at: number;
  status: string;
  picked_up_at: number | null;
  completed_at: number | null;
  settled_at: number | null;
  rates: string;
  payable: number;
  refunded: number;
}
const orderRowsSelect = sql`SELECT o.id, o.created_at, o.status, o.picked_up_at, o.completed_at, o.settled_at, o.rates,
  coalesce(sum(max(0, l.payable_fen)), 0) AS payable, coalesce(sum(min(max(0, l.refunded_fen), max(0, l.payable_fen))), 0) AS refunded
  FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id`;

function toRow(r: OrderRowDb): CommissionOrderRow {
  return computeOrderCommission({
    orderId: r.id,
    createdAt: Number(r.created_at),
    status: r.status,
    pickedUpAt: r.picked_up_at === null ? null : Number(r.picked_up_at),
    completedAt: r.completed_at === null ? null : Number(r.completed_at),
    settledAt: r.settled_at === null ? null : Number(r.settled_at),
    rates: r.rates,
    payableFen: Number(r.payable),
    refundedFen: Number(r.refunded),
  });
}


/**
 * Everything the Commission page shows: the ledger balance (settled, paid out, frozen, standing,
 * available) and the latest withdrawals, pending commission, today / this month / the last 30 days
 * (Asia/Shanghai), and one page of orders (newest first).
 */
export async function getLeaderCommission(ctx: AppContext, leader: { pointId: string; userId: string }, opts: { page?: number } = {}, now = Date.now()) {
  const page = Math.max(1, Math.min(opts.page ?? 1, 10_000));
  // Midnight (Asia/Shanghai) at the start of the first business date the summary covers.
  const since = cutoffInstant(summaryStartDate(now), "00:00");
  const pointId = leader.pointId;
  const [{ balance, withdrawals }, [totals, windowRows, pageRows]] = await Promise.all([
    getBalance(ctx, { type: "leader", pointId, userId: leader.userId }, now),
    readBatch<[{ pending: number; commission: number }, OrderRowDb, OrderRowDb]>(ctx, [
      sql`SELECT coalesce(sum(c), 0) AS pending FROM (SELECT ${commissionSql} AS c FROM orders o WHERE o.pickup_point_id = ${pointId} AND ${countsSql} AND o.settled_at IS NULL)`,
      sql`${orderRowsSelect} WHERE o.pickup_point_id = ${pointId} AND ${countsSql} AND o.created_at >= ${since} GROUP BY o.id`,
      sql`${orderRowsSelect} WHERE o.pickup_point_id = ${pointId} AND ${countsSql} GROUP BY o.id ORDER BY o.created_at DESC, o.id DESC
        LIMIT ${COMMISSION_PAGE_SIZE + 1} OFFSET ${(page - 1) * COMMISSION_PAGE_SIZE}`,
    ]),
  ]);
  const summary = summariseCommission(windowRows.map(toRow), now);
  return {
    minWithdrawalFen: balance.minWithdrawalFen,
    frozenDays: balance.frozenDays,
    /** Commission the ledger holds for the leader (settlements net of clawbacks). */
    settledFen: balance.settledFen,
    pendingFen: Number(totals[0]?.pending ?? 0),
    paidOutFen: balance.paidOutFen,
    frozenFen: balance.frozenFen,
    standingFen: balance.standingFen,
    availableFen: balance.availableFen,
    summary,
    orders: pageRows.slice(0, COMMISSION_PAGE_SIZE).map(toRow),
    page,
    hasNextPage: pageRows.length > COMMISSION_PAGE_SIZE,
    withdrawals,
  };
}
export type LeaderCommission = Awaited<ReturnType<typeof getLeaderCommission>>;
