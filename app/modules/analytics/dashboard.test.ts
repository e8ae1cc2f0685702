import { describe, expect, it } from "vitest";
import { bucketsOf, customersSeries, flashSaleSeries, flashSaleTotals, funnelOf, groupDealSeries, groupDealTotals, kpiChanges, kpisOf, lastComputedAt, salesSeries, type FunnelDay, type SalesDay } from "./dashboard";

const sale = (day: string, orders: number, gmvFen: number, extra: Partial<SalesDay> = {}): SalesDay => ({ day, orders, gmvFen, items: orders * 2, buyers: orders, refundFen: 0, ...extra });
const funnelDay = (day: string, v: Partial<FunnelDay>): FunnelDay => ({
  day,
  visitors: 0,
  productViewers: 0,
  cartVisitors: 0,
  checkoutVisitors: 0,
  payers: 0,
  buyers: 0,
  newBuyers: 0,
  returningBuyers: 0,
  computedAt: 0,
  ...v,
});

describe("dashboard figures from rollup rows", () => {
  it("buckets by day, or by ISO week clipped to the range (edges marked partial)", () => {
    expect(bucketsOf("2026-05-09", "2026-05-10", "day").map((b) => b.key)).toEqual(["2026-05-09", "2026-05-10"]);
    // Sat 05-09 … Tue 05-19: the end of W19, all of W20, the start of W21.
    expect(bucketsOf("2026-05-09", "2026-05-19", "week")).toEqual([
      { key: "2026-W19", from: "2026-05-09", to: "2026-05-10", partial: true },
      { key: "2026-W20", from: "2026-05-11", to: "2026-05-17", partial: false },
      { key: "2026-W21", from: "2026-05-18", to: "2026-05-19", partial: true },
    ]);
  });

  it("zero-fills missing days and adds days up into weeks; average basket half up per bucket", () => {
    const buckets = bucketsOf("2026-05-09", "2026-05-12", "week");
    const series = salesSeries([sale("2026-05-09", 2, 1001), sale("2026-05-10", 1, 0, { refundFen: 300 }), sale("2026-05-12", 3, 1000), sale("2026-04-01", 9, 9)], buckets);
    expect(series.map(({ key, orders, gmvFen, items, refundFen, avgBasketFen }) => ({ key, orders, gmvFen, items, refundFen, avgBasketFen }))).toEqual([
      { key: "2026-W19", orders: 3, gmvFen: 1001, items: 6, refundFen: 300, avgBasketFen: 334 }, // 333.67 → 334
      { key: "2026-W20", orders: 3, gmvFen: 1000, items: 6, refundFen: 0, avgBasketFen: 333 }, // 333.33 → 333
    ]);
    const days = salesSeries([sale("2026-05-10", 1, 5)], bucketsOf("2026-05-09", "2026-05-10", "day"));
    expect(days.map((d) => [d.key, d.orders, d.avgBasketFen])).toEqual([
      ["2026-05-09", 0, null],
      ["2026-05-10", 1, 5],
    ]);
  });

  it("KPIs of a period and their change against the previous one", () => {
    const sales = [sale("2026-05-01", 4, 4000), sale("2026-05-02", 1, 2000), sale("2026-05-03", 6, 6600), sale("2026-05-04", 2, 1000)];
    const funnel = [funnelDay("2026-05-01", { buyers: 4, returningBuyers: 1 }), funnelDay("2026-05-03", { buyers: 6, returningBuyers: 3 }), funnelDay("2026-05-04", { buyers: 2, returningBuyers: 2 })];
    const previous = kpisOf(sales, funnel, "2026-05-01", "2026-05-02");
    const current = kpisOf(sales, funnel, "2026-05-03", "2026-05-04");
    expect(previous).toEqual({ gmvFen: 6000, orders: 5, avgBasketFen: 1200, buyers: 5, returningPermille: 250 });
    expect(current).toEqual({ gmvFen: 7600, orders: 8, avgBasketFen: 950, buyers: 8, returningPermille: 625 });
    expect(kpiChanges(current, previous)).toEqual({ gmvFen: 267, orders: 600, avgBasketFen: -208, buyers: 600, returningPermille: 375 });
    const empty = kpisOf([], [], "2026-05-01", "2026-05-02");
    expect(empty).toEqual({ gmvFen: 0, orders: 0, avgBasketFen: null, buyers: 0, returningPermille: null });
    expect(kpiChanges(current, empty)).toEqual({ gmvFen: null, orders: null, avgBasketFen: null, buyers: null, returningPermille: null });
  });

  it("sums the funnel over the period with step conversions", () => {
    const rows = [
      funnelDay("2026-05-01", { visitors: 10, productViewers: 6, cartVisitors: 3, checkoutVisitors: 2, payers: 1 }),
      funnelDay("2026-05-02", { visitors: 6, productViewers: 2, cartVisitors: 1, checkoutVisitors: 0, payers: 2 }),
      funnelDay("2026-06-01", { visitors: 99 }),
    ];
    expect(funnelOf(rows, "2026-05-01", "2026-05-31")).toEqual([
      { step: "visitors", count: 16, fromPreviousPermille: null, fromFirstPermille: null },
      { step: "productViewers", count: 8, fromPreviousPermille: 500, fromFirstPermille: 500 },
      { step: "cartVisitors", count: 4, fromPreviousPermille: 500, fromFirstPermille: 250 },
      { step: "checkoutVisitors", count: 2, fromPreviousPermille: 500, fromFirstPermille: 125 },
      // Payers include shoppers who opted out of measurement: the step can exceed the one before.
      { step: "payers", count: 3, fromPreviousPermille: 1500, fromFirstPermille: 188 },
    ]);
  });

  it("new and returning buyers per bucket, and when the figures were computed", () => {
    const rows = [funnelDay("2026-05-11", { buyers: 3, newBuyers: 2, returningBuyers: 1, computedAt: 5 }), funnelDay("2026-05-12", { buyers: 1, returningBuyers: 1, computedAt: 9 })];
    const weeks = customersSeries(rows, bucketsOf("2026-05-11", "2026-05-12", "week"));
    expect(weeks.map(({ key, buyers, newBuyers, returningBuyers, returningPermille }) => ({ key, buyers, newBuyers, returningBuyers, returningPermille }))).toEqual([
      { key: "2026-W20", buyers: 4, newBuyers: 2, returningBuyers: 2, returningPermille: 500 },
    ]);
    expect(lastComputedAt(rows, "2026-05-11", "2026-05-12")).toBe(9);
    expect(lastComputedAt(rows, "2026-06-01", "2026-06-02")).toBeNull();
  });
});

describe("group-deal success", () => {
  it("counts closes per bucket, zero-filled, and the period's rate from the totals (not an average of rates)", () => {
    const rows = [
      { day: "2026-05-11", succeeded: 1, failed: 0, members: 5 },
      { day: "2026-05-12", succeeded: 1, failed: 2, members: 4 },
      { day: "2026-06-01", succeeded: 9, failed: 0, members: 9 }, // outside the range
    ];
    const days = groupDealSeries(rows, bucketsOf("2026-05-10", "2026-05-12", "day"));
    expect(days.map((p) => [p.key, p.succeeded, p.failed, p.closed, p.members, p.successPermille])).toEqual([
      ["2026-05-10", 0, 0, 0, 0, null],
      ["2026-05-11", 1, 0, 1, 5, 1000],
      ["2026-05-12", 1, 2, 3, 4, 333],
    ]);
    // Daily rates 100% and 33.3% would average 66.7%; the period's rate is 2 of 4 closed.
    expect(groupDealTotals(days)).toEqual({ succeeded: 2, failed: 2, closed: 4, members: 9, successPermille: 500 });
    const weeks = groupDealSeries(rows, bucketsOf("2026-05-10", "2026-05-12", "week"));
    expect(weeks.map((p) => [p.key, p.closed, p.successPermille])).toEqual([
      ["2026-W19", 0, null],
      ["2026-W20", 4, 500],
    ]);
    expect(groupDealTotals([])).toEqual({ succeeded: 0, failed: 0, closed: 0, members: 0, successPermille: null });
  });

  it("flash sales ended per period: units offered and sold, and a sell-through that is the period's, not an average", () => {
    const rows = [
      { day: "2026-05-11", sales: 1, units: 10, sold: 10 },
      { day: "2026-05-12", sales: 2, units: 90, sold: 30 },
      { day: "2026-06-01", sales: 5, units: 50, sold: 50 }, // outside the range
    ];
    const days = flashSaleSeries(rows, bucketsOf("2026-05-10", "2026-05-12", "day"));
    expect(days.map((p) => [p.key, p.sales, p.units, p.sold, p.sellThroughPermille])).toEqual([
      ["2026-05-10", 0, 0, 0, null],
      ["2026-05-11", 1, 10, 10, 1000],
      ["2026-05-12", 2, 90, 30, 333],
    ]);
    // Daily rates 100% and 33.3% would average 66.7%; the period sold 40 of 100.
    expect(flashSaleTotals(days)).toEqual({ sales: 3, units: 100, sold: 40, sellThroughPermille: 400 });
    expect(flashSaleSeries(rows, bucketsOf("2026-05-10", "2026-05-12", "week")).map((p) => [p.key, p.sales, p.sellThroughPermille])).toEqual([
      ["2026-W19", 0, null],
      ["2026-W20", 3, 400],
    ]);
    expect(flashSaleTotals([])).toEqual({ sales: 0, units: 0, sold: 0, sellThroughPermille: null });
  });
});
