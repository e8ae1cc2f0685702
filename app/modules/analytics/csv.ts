import { toCsv } from "~/modules/fulfilment/csv";
import type { BreakdownRow, CustomersPoint, FlashSalePoint, FunnelRow, GroupDealPoint, SalesPoint } from "./dashboard";
import { fenToYuan } from "./numbers";
import type { CsvTable, DashboardRange } from "./schemas";

/**
 * The dashboard's tables as CSV (UTF-8 with a BOM so Excel reads the Chinese, RFC 4180, formula
 * cells neutralised: ../fulfilment/csv.ts). Money is yuan with two decimals, written from integer
 * fen as text ("1234.50"); rates are percentages with one decimal ("12.3"), empty when undefined;
 * dates are the Asia/Shanghai business dates the rollups are keyed by. Headers come translated.
 */
type T = (key: string) => string;

/** 123‰ → "12.3"; null → "" (no denominator). */
export function permilleCell(permille: number | null): string {
  if (permille === null) return "";
  const sign = permille < 0 ? "-" : "";
  const abs = Math.abs(permille);
  return `${sign}${Math.trunc(abs / 10)}.${abs % 10}`;
}

const money = (fen: number | null) => (fen === null ? "" : fenToYuan(fen));

export function salesCsv(points: readonly SalesPoint[], t: T): string {
  return toCsv([
    [t("period"), t("from"), t("to"), t("orders"), t("gmvYuan"), t("items"), t("buyerDays"), t("avgBasketYuan"), t("refundsYuan")],
    ...points.map((p) => [p.key, p.from, p.to, p.orders, money(p.gmvFen), p.items, p.buyers, money(p.avgBasketFen), money(p.refundFen)]),
  ]);
}

export function customersCsv(points: readonly CustomersPoint[], t: T): string {
  return toCsv([
    [t("period"), t("from"), t("to"), t("buyerDays"), t("newBuyers"), t("returningBuyers"), t("returningRate")],
    ...points.map((p) => [p.key, p.from, p.to, p.buyers, p.newBuyers, p.returningBuyers, permilleCell(p.returningPermille)]),
  ]);
}

export function funnelCsv(rows: readonly FunnelRow[], t: T, step: (s: FunnelRow["step"]) => string): string {
  return toCsv([
    [t("step"), t("count"), t("fromPrevious"), t("fromFirst")],
    ...rows.map((r) => [step(r.step), r.count, permilleCell(r.fromPreviousPermille), permilleCell(r.fromFirstPermille)]),
  ]);
}

export function breakdownCsv(rows: readonly BreakdownRow[], t: T): string {
  return toCsv([
    [t("rank"), t("id"), t("name"), t("gmvYuan"), t("share"), t("orders"), t("items"), t("refundsYuan")],
    ...rows.map((r, i) => [i + 1, r.id, r.name, money(r.gmvFen), permilleCell(r.sharePermille), r.orders, r.items, money(r.refundFen)]),
  ]);
}

/** Group deals closed per period: succeeded, failed, the success rate and the members of those groups. */
export function groupDealsCsv(points: readonly GroupDealPoint[], t: T): string {
  return toCsv([
    [t("period"), t("from"), t("to"), t("closed"), t("succeeded"), t("failed"), t("successRate"), t("members")],
    ...points.map((p) => [p.key, p.from, p.to, p.closed, p.succeeded, p.failed, permilleCell(p.successPermille), p.members]),
  ]);
}

/** Flash sales ended (and reconciled) per period: how many, units offered, units sold, the sell-through. */
export function flashSalesCsv(points: readonly FlashSalePoint[], t: T): string {
  return toCsv([
    [t("period"), t("from"), t("to"), t("flashSales"), t("flashUnits"), t("flashSold"), t("sellThrough")],
    ...points.map((p) => [p.key, p.from, p.to, p.sales, p.units, p.sold, permilleCell(p.sellThroughPermille)]),
  ]);
}

/** "analytics-products-2026-01-01_2026-01-30.csv"; series tables carry their granularity. */
export function csvFilename(table: CsvTable, range: DashboardRange): string {
  const g = table === "sales" || table === "customers" || table === "group_deals" || table === "flash_sales" ? `-${range.granularity}` : "";
  return `analytics-${table}-${range.from}_${range.to}${g}.csv`;
}
