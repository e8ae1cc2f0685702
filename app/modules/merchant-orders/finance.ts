import { lineSubsidyFen, orderSplit } from "~/modules/settlement/order-split";
import { orderRateBps } from "~/modules/settings/order-rates";

export { orderRateBps };

/**
 * The merchant's finance view (pure), per order over the merchant's own lines, in the ledger's
 * terms (ADR 019): the merchant bears the platform fee on its own net sale and its share of the
 * leader's commission, so
 *
 * - sale: the payable of its lines (what shoppers paid for them after discounts);
 * - refunded: what refunds of those lines gave back (never more than the sale);
 * - platform fee and leader commission: for a **settled** order, what the ledger moved out of the
 *   merchant's account for it (`fee` and `commission` postings, refunds after settlement
 *   included); for a **pending** one, what settling it now would post — the same split the
 *   settlement consumer computes (app/modules/settlement/order-split.ts): the fee at the order's
 *   snapshot rate on the merchant's net sale, the commission on the whole order at its snapshot
 *   rate, shared over the order's merchants by net sale (largest remainder);
 * - platform subsidy: the platform-funded discounts on its lines (member discount, platform
 *   coupons and full-reductions, points), which the platform pays the merchant at settlement,
 *   less what refunds took back (ledger kind `subsidy`);
 * - net = sale − refunded − fee − commission + subsidy: the merchant's income, what the ledger credits.
 *
 * Totals are the sums of the per-order figures, so they always add up.
 */

export interface FinanceOrderInput {
  orderId: string;
  createdAt: number;
  status: string;
  /** The order's `rates` snapshot JSON (or already parsed). */
  rates: string | { platformFeeBp?: number; leaderCommissionBp?: number };
  /** When the order settled into the ledger, or null. */
  settledAt: number | null;
  /** The order's pickup point leader (commission goes to them), or null. */
  leaderUserId: string | null;
  merchantId: string;
  /** The merchant's own lines. */
  lines: ReadonlyArray<{ payableFen: number; refundedFen: number; platformFundedFen?: number }>;
  /** Net sale (and subsidy) per merchant over the whole order (the commission is shared by these); defaults to this merchant alone. */
  orderMerchants?: ReadonlyArray<{ merchantId: string; netSaleFen: number; subsidyFen?: number }>;
  /** For a settled order: what the ledger holds on the merchant's account for it, credit − debit per kind. */
  ledger?: { saleFen: number; feeFen: number; commissionFen: number; subsidyFen?: number } | null;
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
  subsidyFen: number;
  netFen: number;
  bucket: "pending" | "settled";
}

export interface FinanceTotals {
  orders: number;
  saleFen: number;
  refundedFen: number;
  platformFeeFen: number;
  leaderCommissionFen: number;
  subsidyFen: number;
  netFen: number;
  pendingFen: number;
  settledFen: number;
}

export function computeOrderFinance(order: FinanceOrderInput): FinanceOrderRow {
  const rates = orderRateBps(order.rates);
  const saleFen = order.lines.reduce((s, l) => s + Math.max(0, l.payableFen), 0);
  const refundedFen = Math.min(
    saleFen,
    order.lines.reduce((s, l) => s + Math.min(Math.max(0, l.refundedFen), Math.max(0, l.payableFen)), 0),
  );
  const base = { orderId: order.orderId, createdAt: order.createdAt, status: order.status, saleFen, refundedFen, platformFeeBp: rates.platformFeeBp, leaderCommissionBp: rates.leaderCommissionBp };
  if (order.settledAt !== null && order.ledger) {
    const fee = Math.max(0, -order.ledger.feeFen);
    const commission = Math.max(0, -order.ledger.commissionFen);
    const subsidy = order.ledger.subsidyFen ?? 0;
    return { ...base, platformFeeFen: fee, leaderCommissionFen: commission, subsidyFen: subsidy, netFen: order.ledger.saleFen - fee - commission + subsidy, bucket: "settled" };
  }
  const merchants = order.orderMerchants ?? [{ merchantId: order.merchantId, netSaleFen: saleFen - refundedFen, subsidyFen: order.lines.reduce((s, l) => s + lineSubsidyFen(l), 0) }];
  const split = orderSplit({ leaderUserId: order.leaderUserId, rates: order.rates, merchants });
  const mine = split.merchants.find((m) => m.merchantId === order.merchantId);
  return {
    ...base,
    platformFeeFen: mine?.feeFen ?? 0,
    leaderCommissionFen: mine?.commissionFen ?? 0,
    subsidyFen: mine?.subsidyFen ?? 0,
    netFen: mine?.incomeFen ?? saleFen - refundedFen,
    bucket: order.settledAt !== null ? "settled" : "pending",
  };
}

export function computeFinance(orders: readonly FinanceOrderInput[]): { rows: FinanceOrderRow[]; totals: FinanceTotals } {
  const rows = orders.map(computeOrderFinance);
  const totals: FinanceTotals = { orders: rows.length, saleFen: 0, refundedFen: 0, platformFeeFen: 0, leaderCommissionFen: 0, subsidyFen: 0, netFen: 0, pendingFen: 0, settledFen: 0 };
  for (const r of rows) {
    totals.saleFen += r.saleFen;
    totals.refundedFen += r.refundedFen;
    totals.platformFeeFen += r.platformFeeFen;
    totals.leaderCommissionFen += r.leaderCommissionFen;
    totals.subsidyFen += r.subsidyFen;
    totals.netFen += r.netFen;
    if (r.bucket === "settled") totals.settledFen += r.netFen;
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
      [r.orderId, labels.date(r.createdAt), labels.status(r.status), fenToDecimal(r.saleFen), fenToDecimal(r.refundedFen), fenToDecimal(r.platformFeeFen), fenToDecimal(r.leaderCommissionFen), fenToDecimal(r.subsidyFen), fenToDecimal(r.netFen), labels.bucket(r.bucket)]
        .map(csvField)
        .join(","),
    );
  }
  const t = result.totals;
  lines.push([labels.total, "", "", fenToDecimal(t.saleFen), fenToDecimal(t.refundedFen), fenToDecimal(t.platformFeeFen), fenToDecimal(t.leaderCommissionFen), fenToDecimal(t.subsidyFen), fenToDecimal(t.netFen), ""].map(csvField).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
