import type { AppContext } from "~/context.server";
import {
  BREAKDOWN_DIMENSIONS,
  bucketsOf,
  customersSeries,
  flashSaleSeries,
  flashSaleTotals,
  funnelOf,
  groupDealSeries,
  groupDealTotals,
  kpiChanges,
  kpisOf,
  lastComputedAt,
  salesSeries,
  type BreakdownDimension,
  type BreakdownRow,
  type FlashSaleDay,
  type FunnelDay,
  type GroupDealDay,
  type SalesDay,
} from "./dashboard";
import { dayEnd, dayStart, previousRange } from "./dates";
import { ratioPermille } from "./numbers";
import type { DashboardRange } from "./schemas";

/**
 * The dashboard's reads: rollup tables and dimension names only, never orders or raw events, in
 * one D1 round trip (a batch of read statements). Over a year that is ≤ 732 `all` rows and
 * funnel rows (this period and the previous one) through the primary keys, and per dimension one
 * grouped scan of the `(dimension, dimension_id, day)` index.
 */
const SALES_ALL = `SELECT day, orders, gmv_fen, items, buyers, refund_fen FROM analytics_daily_sales
  WHERE dimension = 'all' AND dimension_id = '' AND day >= ?1 AND day <= ?2 ORDER BY day`;
const FUNNEL = `SELECT day, visitors, product_viewers, cart_visitors, checkout_visitors, payers, buyers, new_buyers, returning_buyers, computed_at
  FROM analytics_daily_funnel WHERE day >= ?1 AND day <= ?2 ORDER BY day`;

/**
 * Group deals closed in the range, per Asia/Shanghai day of `closed_at` (issue 7). This one reads
 * `group_deals` itself, not a rollup: the table holds one row per group (orders of magnitude fewer
 * than order lines), only closed groups are read (the `(status, deadline_at)` index narrows to
 * them), and a group's outcome never changes once closed. Shanghai has kept UTC+8 without daylight
 * saving since 1991, so the day is `closed_at` + 8 h as a UTC date; the range's ends come from
 * `dayStart`/`dayEnd` (Intl, ADR 005).
 */
const GROUP_DEALS = `SELECT date((closed_at + 28800000) / 1000, 'unixepoch') AS day,
    sum(status = 'succeeded') AS succeeded, sum(status = 'failed') AS failed, sum(paid_count) AS members
  FROM group_deals WHERE status IN ('succeeded', 'failed') AND closed_at >= ?1 AND closed_at < ?2
  GROUP BY day ORDER BY day`;

function groupDealsStatement(db: D1Database, range: { from: string; to: string }) {
  return db.prepare(GROUP_DEALS).bind(dayStart(range.from), dayEnd(range.to));
}

type GroupDealRow = { day: string; succeeded: number; failed: number; members: number };
const toGroupDealDay = (r: GroupDealRow): GroupDealDay => ({ day: r.day, succeeded: Number(r.succeeded), failed: Number(r.failed), members: Number(r.members) });

/**
 * Flash sales reconciled in the range, per Asia/Shanghai day of `ends_at` (issue 8): read from
 * `flash_sales` itself (one row per sale), counting only reconciled sales, whose stored result
 * (`reconciliation.sold`, paid units) no longer changes.
 */
const FLASH_SALES = `SELECT date((ends_at + 28800000) / 1000, 'unixepoch') AS day,
    count(*) AS sales, sum(stock) AS units, sum(coalesce(json_extract(reconciliation, '$.sold'), 0)) AS sold
  FROM flash_sales WHERE status = 'approved' AND reconciled_at IS NOT NULL AND ends_at >= ?1 AND ends_at < ?2
  GROUP BY day ORDER BY day`;

function flashSalesStatement(db: D1Database, range: { from: string; to: string }) {
  return db.prepare(FLASH_SALES).bind(dayStart(range.from), dayEnd(range.to));
}

type FlashSaleRow = { day: string; sales: number; units: number; sold: number };
const toFlashSaleDay = (r: FlashSaleRow): FlashSaleDay => ({ day: r.day, sales: Number(r.sales), units: Number(r.units), sold: Number(r.sold) });

/** Where each dimension's names are; products and categories have one per language (?5). */
const NAMES: Record<BreakdownDimension, { join: string; name: string; localized: boolean }> = {
  product: { join: "LEFT JOIN products n ON n.id = t.id", name: "CASE WHEN ?5 = 'en' THEN n.title_en ELSE n.title_zh END", localized: true },
  category: { join: "LEFT JOIN categories n ON n.id = t.id", name: "CASE WHEN ?5 = 'en' THEN n.name_en ELSE n.name_zh END", localized: true },
  point: { join: "LEFT JOIN pickup_points n ON n.id = t.id", name: "n.name", localized: false },
  merchant: { join: "LEFT JOIN merchants n ON n.id = t.id", name: "n.name", localized: false },
};

function breakdownStatement(db: D1Database, dimension: BreakdownDimension, range: { from: string; to: string }, limit: number, locale: string) {
  return db.prepare(breakdownSql(dimension)).bind(dimension, range.from, range.to, limit, ...(NAMES[dimension].localized ? [locale] : []));
}

/** A dimension's rows for the range, by GMV (then id), with names; `total` = how many rows in all. */
function breakdownSql(dimension: BreakdownDimension): string {
  const { join, name } = NAMES[dimension];
  return `SELECT t.id, t.gmv_fen, t.orders, t.items, t.refund_fen, t.total, ${name} AS name
    FROM (SELECT dimension_id AS id, sum(gmv_fen) AS gmv_fen, sum(orders) AS orders, sum(items) AS items, sum(refund_fen) AS refund_fen, count(*) OVER () AS total
          FROM analytics_daily_sales WHERE dimension = ?1 AND day >= ?2 AND day <= ?3
          GROUP BY dimension_id ORDER BY gmv_fen DESC, id LIMIT ?4) t
    ${join} ORDER BY t.gmv_fen DESC, t.id`;
}

type SalesRow = { day: string; orders: number; gmv_fen: number; items: number; buyers: number; refund_fen: number };
type FunnelRow = {
  day: string;
  visitors: number;
  product_viewers: number;
  cart_visitors: number;
  checkout_visitors: number;
  payers: number;
  buyers: number;
  new_buyers: number;
  returning_buyers: number;
  computed_at: number;
};
type DimensionRow = { id: string; gmv_fen: number; orders: number; items: number; refund_fen: number; total: number; name: string | null };

const toSales = (r: SalesRow): SalesDay => ({ day: r.day, orders: r.orders, gmvFen: r.gmv_fen, items: r.items, buyers: r.buyers, refundFen: r.refund_fen });
const toFunnel = (r: FunnelRow): FunnelDay => ({
  day: r.day,
  visitors: r.visitors,
  productViewers: r.product_viewers,
  cartVisitors: r.cart_visitors,
  checkoutVisitors: r.checkout_visitors,
  payers: r.payers,
  buyers: r.buyers,
  newBuyers: r.new_buyers,
  returningBuyers: r.returning_buyers,
  computedAt: r.computed_at,
});

function toBreakdown(rows: readonly DimensionRow[], totalGmvFen: number): { rows: BreakdownRow[]; total: number } {
  return {
    total: rows[0]?.total ?? 0,
    rows: rows.map((r) => ({
      id: r.id,
      name: r.name ?? r.id,
      gmvFen: r.gmv_fen,
      orders: r.orders,
      items: r.items,
      refundFen: r.refund_fen,
      sharePermille: ratioPermille(Math.max(0, r.gmv_fen), totalGmvFen),
    })),
  };
}

/** How many rows of each breakdown the page shows (the CSV has them all). */
export const TOP_N = 10;

export type Dashboard = Awaited<ReturnType<typeof loadDashboard>>;

export async function loadDashboard(ctx: Pick<AppContext, "db">, range: DashboardRange, locale: string) {
  const db = ctx.db.$client;
  const previous = previousRange(range.from, range.to);
  const [salesRes, funnelRes, groupsRes, flashRes, ...dimRes] = await db.batch([
    db.prepare(SALES_ALL).bind(previous.from, range.to),
    db.prepare(FUNNEL).bind(previous.from, range.to),
    groupDealsStatement(db, range),
    flashSalesStatement(db, range),
    ...BREAKDOWN_DIMENSIONS.map((d) => breakdownStatement(db, d, range, TOP_N, locale)),
  ]);
  const sales = (salesRes!.results as SalesRow[]).map(toSales);
  const funnelDays = (funnelRes!.results as FunnelRow[]).map(toFunnel);
  const buckets = bucketsOf(range.from, range.to, range.granularity);
  const kpis = kpisOf(sales, funnelDays, range.from, range.to);
  const previousKpis = kpisOf(sales, funnelDays, previous.from, previous.to);
  const breakdowns = Object.fromEntries(BREAKDOWN_DIMENSIONS.map((d, i) => [d, toBreakdown(dimRes[i]!.results as DimensionRow[], kpis.gmvFen)])) as Record<
    BreakdownDimension,
    { rows: BreakdownRow[]; total: number }
  >;
  return {
    range,
    previous,
    kpis,
    previousKpis,
    changes: kpiChanges(kpis, previousKpis),
    sales: salesSeries(sales, buckets),
    customers: customersSeries(funnelDays, buckets),
    funnel: funnelOf(funnelDays, range.from, range.to),
    breakdowns,
    groupDeals: groupDeals(groupsRes!.results as GroupDealRow[], buckets),
    flashSales: flashSales(flashRes!.results as FlashSaleRow[], buckets),
    computedAt: lastComputedAt(funnelDays, range.from, range.to),
  };
}

/** The range's series and funnel without the breakdowns (the CSV exports of those tables). */
export async function loadSeries(ctx: Pick<AppContext, "db">, range: DashboardRange) {
  const db = ctx.db.$client;
  const [salesRes, funnelRes] = await db.batch([db.prepare(SALES_ALL).bind(range.from, range.to), db.prepare(FUNNEL).bind(range.from, range.to)]);
  const buckets = bucketsOf(range.from, range.to, range.granularity);
  const funnelDays = (funnelRes!.results as FunnelRow[]).map(toFunnel);
  return {
    sales: salesSeries((salesRes!.results as SalesRow[]).map(toSales), buckets),
    customers: customersSeries(funnelDays, buckets),
    funnel: funnelOf(funnelDays, range.from, range.to),
  };
}

function groupDeals(rows: readonly GroupDealRow[], buckets: ReturnType<typeof bucketsOf>) {
  const series = groupDealSeries(rows.map(toGroupDealDay), buckets);
  return { series, totals: groupDealTotals(series) };
}

/** Group deals closed per day or week of the range (the CSV export). */
export async function loadGroupDealSeries(ctx: Pick<AppContext, "db">, range: DashboardRange) {
  const res = await groupDealsStatement(ctx.db.$client, range).all<GroupDealRow>();
  return groupDeals(res.results, bucketsOf(range.from, range.to, range.granularity)).series;
}

function flashSales(rows: readonly FlashSaleRow[], buckets: ReturnType<typeof bucketsOf>) {
  const series = flashSaleSeries(rows.map(toFlashSaleDay), buckets);
  return { series, totals: flashSaleTotals(series) };
}

/** Flash sales ended per day or week of the range, with their sell-through (the CSV export). */
export async function loadFlashSaleSeries(ctx: Pick<AppContext, "db">, range: DashboardRange) {
  const res = await flashSalesStatement(ctx.db.$client, range).all<FlashSaleRow>();
  return flashSales(res.results, bucketsOf(range.from, range.to, range.granularity)).series;
}

/** Every row of one breakdown for the range (the CSV export). */
export async function loadBreakdown(ctx: Pick<AppContext, "db">, dimension: BreakdownDimension, range: DashboardRange, locale: string): Promise<BreakdownRow[]> {
  const db = ctx.db.$client;
  const [totalRes, rowsRes] = await db.batch([
    db.prepare("SELECT coalesce(sum(gmv_fen), 0) AS gmv FROM analytics_daily_sales WHERE dimension = 'all' AND dimension_id = '' AND day >= ?1 AND day <= ?2").bind(range.from, range.to),
    // LIMIT -1: no limit (SQLite).
    breakdownStatement(db, dimension, range, -1, locale),
  ]);
  const totalGmv = (totalRes!.results[0] as { gmv: number } | undefined)?.gmv ?? 0;
  return toBreakdown(rowsRes!.results as DimensionRow[], totalGmv).rows;
}
