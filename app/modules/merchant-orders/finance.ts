import { basisPointsOf } from "~/modules/pricing/rounding";
import { snapshotInt } from "~/modules/settings/order-rates";

/**
 * The merchant's finance view computed from orders (pure), until the settlement ledger exists
 * (SPEC §7; a later issue). Per order, over the merchant's own lines only:
 *
 * - sale: the payable of its lines (what shoppers paid for them after discounts);
 * - refunded: what refunds of those lines gave back (never more than the sale);
 * - platform fee: `round_half_up((sale − refunded) × platformFeeBp / 10000)` from the order's
 *   rates snapshot (ADR 005; a refunded sale carries no fee, as the ledger will reverse it);
 * - leader commission: the same on `leaderCommissionBp`, shown for information only: SPEC §0 says
 *   the merchant gets the sale minus the platform fee, and the leader's commission is the
 *   platform's to pay, so it is not deducted here;
 * - net = sale − refunded − platform fee (never negative: the fee is at most the net sale).
 *
 * An order is "settleable" once completed (or picked up and past the after-sales window) with no
 * open after-sales; everything else is "pending". The window is the order's own
 * `afterSalesWindowDays` snapshot; the `afterSalesWindowDays` argument (today's setting) applies
 * only to orders placed before the snapshot carried it (ADR 015). Totals are the sums of the
 * per-order figures, so they always add up.
 */

export interface FinanceOrderInput {
  orderId: string;
  createdAt: number;
  status: string;
  pickedUpAt: number | null;
  completedAt: number | null;
  /** The order's `rates` snapshot JSON (or already parsed). */
  rates: string | { platformFeeBp?: number; leaderCommissionBp?: number };
  lines: ReadonlyArray<{ payableFen: number; refundedFen: number }>;
}

export interface FinanceOrderRow {
  orderId: string;
  createdAt: number;
  status: string;
  saleFen: number;
  refundedFen: number;
  platformFeeBp: number;
  platformFeeFen: number;
  leaderCommissionBp: number | null;
  leaderCommissionFen: number;
  netFen: number;
  bucket: "pending" | "settleable";
}

export interface FinanceTotals {
  orders: number;
  saleFen: number;
  refundedFen: number;
  platformFeeFen: number;
  leaderCommissionFen: number;
  netFen: number;
  pendingFen: number;
  settleableFen: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The platform fee and leader commission rates of an order's `rates` snapshot (basis points, clamped to 0..10000). */
export function orderRateBps(rates: FinanceOrderInput["rates"]): { platformFeeBp: number; leaderCommissionBp: number | null } {
  let value: { platformFeeBp?: unknown; leaderCommissionBp?: unknown } = {};
  if (typeof rates === "string") {
    try {
      value = JSON.parse(rates) as typeof value;
    } catch {
      value = {};
    }
  } else value = rates;
  const bp = (x: unknown) => (Number.isSafeInteger(x) && (x as number) >= 0 ? Math.min(x as number, 10_000) : null);
  return { platformFeeBp: bp(value.platformFeeBp) ?? 0, leaderCommissionBp: bp(value.leaderCommissionBp) };
}

export function isSettleable(order: Pick<FinanceOrderInput, "status" | "pickedUpAt" | "completedAt">, afterSalesWindowDays: number, now: number): boolean {
  // Refunded: nothing left to settle or dispute. Completed: the order state machine completes an
  // order only once the after-sales window after pickup has passed.
  if (order.status === "refunded" || order.status === "completed") return true;
  // Picked up and past the window, but the completion job has not run yet.
  if (order.status !== "picked_up" || order.pickedUpAt === null) return false;
  return order.pickedUpAt + afterSalesWindowDays * DAY_MS <= now;
}

export function computeOrderFinance(order: FinanceOrderInput, afterSalesWindowDays: number, now: number): FinanceOrderRow {
  const rates = orderRateBps(order.rates);
  const saleFen = order.lines.reduce((s, l) => s + Math.max(0, l.payableFen), 0);
  const refundedFen = Math.min(
    saleFen,
    order.lines.reduce((s, l) => s + Math.min(Math.max(0, l.refundedFen), Math.max(0, l.payableFen)), 0),
  );
  const netSale = saleFen - refundedFen;
  const platformFeeFen = basisPointsOf(netSale, rates.platformFeeBp);
  const leaderCommissionFen = rates.leaderCommissionBp === null ? 0 : basisPointsOf(netSale, rates.leaderCommissionBp);
  return {
    orderId: order.orderId,
    createdAt: order.createdAt,
    status: order.status,
    saleFen,
    refundedFen,
    platformFeeBp: rates.platformFeeBp,
    platformFeeFen,
    leaderCommissionBp: rates.leaderCommissionBp,
    leaderCommissionFen,
    netFen: netSale - platformFeeFen,
    bucket: isSettleable(order, snapshotInt(order.rates, "afterSalesWindowDays", afterSalesWindowDays), now) ? "settleable" : "pending",
  };
}

export function computeFinance(
  orders: readonly FinanceOrderInput[],
  afterSalesWindowDays: number,
  now: number,
): { rows: FinanceOrderRow[]; totals: FinanceTotals } {
  const rows = orders.map((o) => computeOrderFinance(o, afterSalesWindowDays, now));
  const totals: FinanceTotals = { orders: rows.length, saleFen: 0, refundedFen: 0, platformFeeFen: 0, leaderCommissionFen: 0, netFen: 0, pendingFen: 0, settleableFen: 0 };
  for (const r of rows) {
    totals.saleFen += r.saleFen;
    totals.refundedFen += r.refundedFen;
    totals.platformFeeFen += r.platformFeeFen;
    totals.leaderCommissionFen += r.leaderCommissionFen;
    totals.netFen += r.netFen;
    if (r.bucket === "settleable") totals.settleableFen += r.netFen;
    else totals.pendingFen += r.netFen;
  }
  return { rows, totals };
}

/** Fen as a plain decimal for spreadsheets ("1234" → "12.34"), no currency sign, no grouping. */
export function fenToDecimal(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^[=+\-@]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV (UTF-8 with BOM so spreadsheet apps read Chinese headers right), one row per order plus a totals row. */
export function financeCsv(
  result: { rows: FinanceOrderRow[]; totals: FinanceTotals },
  labels: { header: string[]; total: string; bucket: (b: FinanceOrderRow["bucket"]) => string; status: (s: string) => string; date: (ms: number) => string },
): string {
  const lines = [labels.header.map(csvField).join(",")];
  for (const r of result.rows) {
    lines.push(
      [r.orderId, labels.date(r.createdAt), labels.status(r.status), fenToDecimal(r.saleFen), fenToDecimal(r.refundedFen), fenToDecimal(r.platformFeeFen), fenToDecimal(r.leaderCommissionFen), fenToDecimal(r.netFen), labels.bucket(r.bucket)]
        .map(csvField)
        .join(","),
    );
  }
  const t = result.totals;
  lines.push([labels.total, "", "", fenToDecimal(t.saleFen), fenToDecimal(t.refundedFen), fenToDecimal(t.platformFeeFen), fenToDecimal(t.leaderCommissionFen), fenToDecimal(t.netFen), ""].map(csvField).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
