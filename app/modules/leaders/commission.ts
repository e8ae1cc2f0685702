import { addDays, businessDateOf } from "~/modules/fulfilment/business-date";
import { basisPointsOf } from "~/modules/pricing/rounding";

/**
 * The leader's commission per order (pure): what the Commission page lists and explains. The
 * money itself is in the ledger (app/modules/settlement): an order's commission is credited to
 * the leader when the order settles and moved back by a refund after settlement, so the page's
 * settled total and balance are ledger sums; these per-order figures are the same formula the
 * settlement uses, so each settled row equals what the ledger holds for it:
 *
 * - an order's net sale = Σ its lines' payable − Σ their refunded (each refunded amount clamped
 *   to its line's payable), in fen — the same notion as the merchant's finance view
 *   (app/modules/merchant-orders/finance.ts), over all the order's lines;
 * - its commission = round_half_up(net sale × leaderCommissionBp / 10 000), exactly (BigInt, via
 *   `basisPointsOf`), with `leaderCommissionBp` taken from the order's `rates` snapshot (the
 *   rate in force when it was placed, never today's setting; with per-category overrides, the
 *   goods-weighted blend of its lines' rates, ADR 015);
 * - its bucket: **settled** once in the ledger (`settled_at`); **pending** before (paid,
 *   confirmed, shipped, ready for pickup, picked up within the after-sales window, refunding);
 *   **none** for unpaid and cancelled orders (no sale), and for a refunded order with nothing left;
 * - a day is the Asia/Shanghai business date on which the order was placed (as the merchant's
 *   finance view dates its orders).
 */

export const COMMISSION_BUCKETS = ["pending", "settled", "none"] as const;
export type CommissionBucket = (typeof COMMISSION_BUCKETS)[number];

/**
 * Statuses whose orders do not count: never paid, cancelled (refunded in full before shipping),
 * or a group-deal order whose group has not closed yet (it counts once the group succeeds).
 */
export const NO_SALE_STATUSES: ReadonlySet<string> = new Set(["pending_payment", "cancelled", "awaiting_group"]);

export interface CommissionOrderInput {
  orderId: string;
  createdAt: number;
  status: string;
  pickedUpAt: number | null;
  completedAt: number | null;
  /** When the order's settlement reached the ledger, or null. */
  settledAt: number | null;
  /** The order's `rates` snapshot JSON (or already parsed). */
  rates: string | { leaderCommissionBp?: unknown };
  /** Σ max(0, line payable). */
  payableFen: number;
  /** Σ min(max(0, line refunded), max(0, line payable)). */
  refundedFen: number;
}

export interface CommissionOrderRow {
  orderId: string;
  createdAt: number;
  /** Asia/Shanghai business date the order was placed on. */
  date: string;
  status: string;
  netSaleFen: number;
  commissionBp: number;
  commissionFen: number;
  bucket: CommissionBucket;
}

/** The leader's commission rate of an order from its `rates` snapshot (0 when absent or malformed), clamped to 0..10000. */
export function commissionBpOf(rates: CommissionOrderInput["rates"]): number {
  let value: unknown;
  if (typeof rates === "string") {
    try {
      value = (JSON.parse(rates) as { leaderCommissionBp?: unknown } | null)?.leaderCommissionBp;
    } catch {
      value = undefined;
    }
  } else value = rates?.leaderCommissionBp;
  return Number.isSafeInteger(value) && (value as number) >= 0 ? Math.min(value as number, 10_000) : 0;
}

/** round_half_up(netSaleFen × bp / 10000); a negative net sale (never expected) counts as 0. */
export function commissionFen(netSaleFen: number, bp: number): number {
  return basisPointsOf(Math.max(0, netSaleFen), bp);
}

/**
 * Settled means in the ledger: the order's settlement transaction was written (`settled_at`), which
 * happens once it is completed, refunded, or picked up and past its after-sales window (the
 * settlement cron and queue, app/modules/settlement). Until then a sale is pending; an order
 * without a sale, or whose sale was refunded in full, earns nothing.
 */
export function commissionBucket(order: Pick<CommissionOrderInput, "status" | "settledAt">, commission: number): CommissionBucket {
  if (NO_SALE_STATUSES.has(order.status)) return "none";
  if (order.settledAt !== null) return commission > 0 ? "settled" : "none";
  if (order.status === "refunded" && commission === 0) return "none";
  return "pending";
}

export function computeOrderCommission(order: CommissionOrderInput): CommissionOrderRow {
  const payable = Math.max(0, order.payableFen);
  const netSaleFen = NO_SALE_STATUSES.has(order.status) ? 0 : payable - Math.min(payable, Math.max(0, order.refundedFen));
  const bp = commissionBpOf(order.rates);
  const fen = commissionFen(netSaleFen, bp);
  const bucket = commissionBucket(order, fen);
  return {
    orderId: order.orderId,
    createdAt: order.createdAt,
    date: businessDateOf(order.createdAt),
    status: order.status,
    netSaleFen,
    commissionBp: bp,
    commissionFen: bucket === "none" ? 0 : fen,
    bucket,
  };
}

export interface CommissionDay {
  date: string;
  orders: number;
  netSaleFen: number;
  commissionFen: number;
  pendingFen: number;
  settledFen: number;
}

export interface CommissionSummary {
  today: string;
  /** Commission on orders placed today / this calendar month (Asia/Shanghai), pending and settled together. */
  todayFen: number;
  todayOrders: number;
  monthFen: number;
  monthOrders: number;
  /** The last `days` business dates, newest first, only those with orders that earn a commission. */
  perDay: CommissionDay[];
}

/** The first business date the summary needs: the month's first day or `days − 1` days back, whichever is earlier. */
export function summaryStartDate(now: number, days = 30): string {
  const today = businessDateOf(now);
  const back = addDays(today, -(days - 1));
  const monthStart = `${today.slice(0, 7)}-01`;
  return monthStart < back ? monthStart : back;
}

/**
 * Today, this month and the per-day table from the rows of orders placed since
 * `summaryStartDate(now, days)` (older rows are ignored). Orders with no commission (bucket
 * "none") are left out of every count.
 */
export function summariseCommission(rows: readonly CommissionOrderRow[], now: number, days = 30): CommissionSummary {
  const today = businessDateOf(now);
  const month = today.slice(0, 7);
  const firstDay = addDays(today, -(days - 1));
  const byDay = new Map<string, CommissionDay>();
  const summary: CommissionSummary = { today, todayFen: 0, todayOrders: 0, monthFen: 0, monthOrders: 0, perDay: [] };
  for (const r of rows) {
    if (r.bucket === "none" || r.date > today) continue;
    if (r.date === today) {
      summary.todayFen += r.commissionFen;
      summary.todayOrders += 1;
    }
    if (r.date.slice(0, 7) === month) {
      summary.monthFen += r.commissionFen;
      summary.monthOrders += 1;
    }
    if (r.date < firstDay) continue;
    let day = byDay.get(r.date);
    if (!day) {
      day = { date: r.date, orders: 0, netSaleFen: 0, commissionFen: 0, pendingFen: 0, settledFen: 0 };
      byDay.set(r.date, day);
    }
    day.orders += 1;
    day.netSaleFen += r.netSaleFen;
    day.commissionFen += r.commissionFen;
    if (r.bucket === "settled") day.settledFen += r.commissionFen;
    else day.pendingFen += r.commissionFen;
  }
  summary.perDay = [...byDay.values()].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  return summary;
}

/** A short, readable form of an order id for narrow tables: the last 8 characters, upper case. */
export function shortOrderId(orderId: string): string {
  const body = orderId.includes("_") ? orderId.slice(orderId.indexOf("_") + 1) : orderId;
  return body.slice(-8).toUpperCase();
}
