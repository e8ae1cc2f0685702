import type { AnalyticsDimension } from "~/db/schema/analytics";
import { eachDay, isoWeekOf } from "./dates";
import { changePermille, divHalfUp, ratioPermille } from "./numbers";
import type { Granularity } from "./schemas";

/**
 * The dashboard's figures, computed from rollup rows (pure, unit tested). Every figure is an
 * integer (fen, counts, per mille) with its rounding stated; the components only format them.
 *
 * Counts of people over several days are sums of the daily distinct counts ("buyer-days",
 * "visitor-days"): the rollups keep one distinct count per day, and visitor hashes change every
 * day by design, so a distinct count over a range does not exist. The page says so.
 */
export interface SalesDay {
  day: string;
  orders: number;
  gmvFen: number;
  items: number;
  buyers: number;
  refundFen: number;
}

export interface FunnelDay {
  day: string;
  visitors: number;
  productViewers: number;
  cartVisitors: number;
  checkoutVisitors: number;
  payers: number;
  buyers: number;
  newBuyers: number;
  returningBuyers: number;
  computedAt: number;
}

/** One point of a chart: a day, or an ISO week clipped to the range. */
export interface Bucket {
  /** "2026-01-31" or "2026-W05" */
  key: string;
  from: string;
  to: string;
  /** A week cut by the range's start or end. */
  partial: boolean;
}

export function bucketsOf(from: string, to: string, granularity: Granularity): Bucket[] {
  const days = eachDay(from, to);
  if (granularity === "day") return days.map((d) => ({ key: d, from: d, to: d, partial: false }));
  const out: Bucket[] = [];
  for (const d of days) {
    const w = isoWeekOf(d);
    const last = out.at(-1);
    if (last && last.key === w.key) last.to = d;
    else out.push({ key: w.key, from: d, to: d, partial: false });
  }
  for (const b of out) {
    const w = isoWeekOf(b.from);
    b.partial = b.from !== w.start || b.to !== w.end;
  }
  return out;
}

/** Which bucket each day falls in (bucket index by day). */
function indexByDay(buckets: readonly Bucket[]): Map<string, number> {
  const map = new Map<string, number>();
  buckets.forEach((b, i) => {
    for (const d of eachDay(b.from, b.to)) map.set(d, i);
  });
  return map;
}

export type SalesPoint = Bucket & Omit<SalesDay, "day"> & { avgBasketFen: number | null };

/** Sales per bucket, zero-filled (a day without a row sold nothing). */
export function salesSeries(rows: readonly SalesDay[], buckets: readonly Bucket[]): SalesPoint[] {
  const at = indexByDay(buckets);
  const out = buckets.map((b) => ({ ...b, orders: 0, gmvFen: 0, items: 0, buyers: 0, refundFen: 0, avgBasketFen: null as number | null }));
  for (const r of rows) {
    const i = at.get(r.day);
    if (i === undefined) continue;
    const p = out[i]!;
    p.orders += r.orders;
    p.gmvFen += r.gmvFen;
    p.items += r.items;
    p.buyers += r.buyers;
    p.refundFen += r.refundFen;
  }
  for (const p of out) p.avgBasketFen = divHalfUp(p.gmvFen, p.orders);
  return out;
}

export type CustomersPoint = Bucket & { buyers: number; newBuyers: number; returningBuyers: number; returningPermille: number | null };

/** New and returning buyers per bucket (buyer-days), zero-filled. */
export function customersSeries(rows: readonly FunnelDay[], buckets: readonly Bucket[]): CustomersPoint[] {
  const at = indexByDay(buckets);
  const out = buckets.map((b) => ({ ...b, buyers: 0, newBuyers: 0, returningBuyers: 0, returningPermille: null as number | null }));
  for (const r of rows) {
    const i = at.get(r.day);
    if (i === undefined) continue;
    out[i]!.buyers += r.buyers;
    out[i]!.newBuyers += r.newBuyers;
    out[i]!.returningBuyers += r.returningBuyers;
  }
  for (const p of out) p.returningPermille = ratioPermille(p.returningBuyers, p.buyers);
  return out;
}

export interface Kpis {
  gmvFen: number;
  orders: number;
  /** GMV ÷ orders, half up; null without orders. */
  avgBasketFen: number | null;
  /** Buyer-days: daily distinct paying users, summed. */
  buyers: number;
  /** Returning buyer-days ÷ buyer-days, per mille half up; null without buyers. */
  returningPermille: number | null;
}

function inRange(day: string, from: string, to: string) {
  return day >= from && day <= to;
}

export function kpisOf(sales: readonly SalesDay[], funnel: readonly FunnelDay[], from: string, to: string): Kpis {
  let gmvFen = 0;
  let orders = 0;
  let buyers = 0;
  for (const r of sales) {
    if (!inRange(r.day, from, to)) continue;
    gmvFen += r.gmvFen;
    orders += r.orders;
    buyers += r.buyers;
  }
  let returning = 0;
  let funnelBuyers = 0;
  for (const r of funnel) {
    if (!inRange(r.day, from, to)) continue;
    returning += r.returningBuyers;
    funnelBuyers += r.buyers;
  }
  return { gmvFen, orders, avgBasketFen: divHalfUp(gmvFen, orders), buyers, returningPermille: ratioPermille(returning, funnelBuyers) };
}

export interface KpiChanges {
  /** Per mille change vs the previous period (null: nothing to compare with). */
  gmvFen: number | null;
  orders: number | null;
  avgBasketFen: number | null;
  buyers: number | null;
  /** Difference in per mille points (a rate compared with a rate). */
  returningPermille: number | null;
}

export function kpiChanges(current: Kpis, previous: Kpis): KpiChanges {
  const change = (a: number | null, b: number | null) => (a === null || b === null ? null : changePermille(a, b));
  return {
    gmvFen: change(current.gmvFen, previous.gmvFen),
    orders: change(current.orders, previous.orders),
    avgBasketFen: change(current.avgBasketFen, previous.avgBasketFen),
    buyers: change(current.buyers, previous.buyers),
    returningPermille: current.returningPermille === null || previous.returningPermille === null ? null : current.returningPermille - previous.returningPermille,
  };
}

export const FUNNEL_STEPS = ["visitors", "productViewers", "cartVisitors", "checkoutVisitors", "payers"] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export interface FunnelRow {
  step: FunnelStep;
  /** Visitor-days (payers: paying user-days). */
  count: number;
  /** This step ÷ the step before, per mille half up (null for the first step or after a zero). */
  fromPreviousPermille: number | null;
  /** This step ÷ the first step. */
  fromFirstPermille: number | null;
}

export function funnelOf(rows: readonly FunnelDay[], from: string, to: string): FunnelRow[] {
  const sums: Record<FunnelStep, number> = { visitors: 0, productViewers: 0, cartVisitors: 0, checkoutVisitors: 0, payers: 0 };
  for (const r of rows) {
    if (!inRange(r.day, from, to)) continue;
    for (const s of FUNNEL_STEPS) sums[s] += r[s];
  }
  return FUNNEL_STEPS.map((step, i) => ({
    step,
    count: sums[step],
    fromPreviousPermille: i === 0 ? null : ratioPermille(sums[step], sums[FUNNEL_STEPS[i - 1]!]),
    fromFirstPermille: i === 0 ? null : ratioPermille(sums[step], sums.visitors),
  }));
}

export type BreakdownDimension = Exclude<AnalyticsDimension, "all">;
export const BREAKDOWN_DIMENSIONS: readonly BreakdownDimension[] = ["product", "category", "point", "merchant"];

export interface BreakdownRow {
  id: string;
  /** The product, category, point or merchant's name (its id when it no longer exists). */
  name: string;
  gmvFen: number;
  orders: number;
  items: number;
  refundFen: number;
  /** Share of the period's GMV, per mille half up. */
  sharePermille: number | null;
}

/** When the range's rollups were last computed (epoch ms), or null when none was. */
export function lastComputedAt(rows: readonly FunnelDay[], from: string, to: string): number | null {
  let at: number | null = null;
  for (const r of rows) if (inRange(r.day, from, to) && (at === null || r.computedAt > at)) at = r.computedAt;
  return at;
}

/**
 * Group deals closed on one Asia/Shanghai day (by `closed_at`), read from `group_deals`: how many
 * succeeded and failed, and the paid members of those groups.
 */
export interface GroupDealDay {
  day: string;
  succeeded: number;
  failed: number;
  members: number;
}

export type GroupDealPoint = Bucket & Omit<GroupDealDay, "day"> & { closed: number; successPermille: number | null };

/** Groups closed per bucket, zero-filled, with the success rate: succeeded ÷ closed, per mille half up (null without a close). */
export function groupDealSeries(rows: readonly GroupDealDay[], buckets: readonly Bucket[]): GroupDealPoint[] {
  const at = indexByDay(buckets);
  const out = buckets.map((b) => ({ ...b, succeeded: 0, failed: 0, members: 0, closed: 0, successPermille: null as number | null }));
  for (const r of rows) {
    const i = at.get(r.day);
    if (i === undefined) continue;
    out[i]!.succeeded += r.succeeded;
    out[i]!.failed += r.failed;
    out[i]!.members += r.members;
  }
  for (const p of out) {
    p.closed = p.succeeded + p.failed;
    p.successPermille = ratioPermille(p.succeeded, p.closed);
  }
  return out;
}

export interface GroupDealTotals {
  succeeded: number;
  failed: number;
  closed: number;
  members: number;
  /** The period's success rate: all succeeded ÷ all closed (not an average of daily rates). */
  successPermille: number | null;
}

export function groupDealTotals(points: readonly GroupDealPoint[]): GroupDealTotals {
  let succeeded = 0;
  let failed = 0;
  let members = 0;
  for (const p of points) {
    succeeded += p.succeeded;
    failed += p.failed;
    members += p.members;
  }
  return { succeeded, failed, closed: succeeded + failed, members, successPermille: ratioPermille(succeeded, succeeded + failed) };
}

/**
 * Flash sales reconciled, per Asia/Shanghai day of their end (issue 8), read from `flash_sales`:
 * how many sales, the units they offered and the units sold (paid), from each sale's stored
 * end-of-window reconciliation.
 */
export interface FlashSaleDay {
  day: string;
  sales: number;
  units: number;
  sold: number;
}

export type FlashSalePoint = Bucket & Omit<FlashSaleDay, "day"> & { sellThroughPermille: number | null };

/** Sales ended per bucket, zero-filled, with the sell-through: units sold ÷ units offered, per mille half up (null without a sale). */
export function flashSaleSeries(rows: readonly FlashSaleDay[], buckets: readonly Bucket[]): FlashSalePoint[] {
  const at = indexByDay(buckets);
  const out = buckets.map((b) => ({ ...b, sales: 0, units: 0, sold: 0, sellThroughPermille: null as number | null }));
  for (const r of rows) {
    const i = at.get(r.day);
    if (i === undefined) continue;
    out[i]!.sales += r.sales;
    out[i]!.units += r.units;
    out[i]!.sold += r.sold;
  }
  for (const p of out) p.sellThroughPermille = ratioPermille(p.sold, p.units);
  return out;
}

export interface FlashSaleTotals {
  sales: number;
  units: number;
  sold: number;
  /** The period's sell-through: all units sold ÷ all offered (not an average of daily rates). */
  sellThroughPermille: number | null;
}

export function flashSaleTotals(points: readonly FlashSalePoint[]): FlashSaleTotals {
  let sales = 0;
  let units = 0;
  let sold = 0;
  for (const p of points) {
    sales += p.sales;
    units += p.units;
    sold += p.sold;
  }
  return { sales, units, sold, sellThroughPermille: ratioPermille(sold, units) };
}
