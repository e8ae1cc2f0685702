import { describe, expect, it } from "vitest";
import { areaPath, barScale, categoryAxis, labelIndices, linePath, PLOT_H, PLOT_W, valueAxis } from "./scales";

describe("chart scales", () => {
  it("a value axis starts at 0 and ends on a round number at or above the maximum", () => {
    const money = valueAxis(123_456);
    expect(money.max).toBe(150_000);
    expect(money.ticks).toEqual([0, 50_000, 100_000, 150_000]);
    expect(money.y(0)).toBe(PLOT_H);
    expect(money.y(money.max)).toBe(0);
    // Counts never get fractional ticks; an all-zero series still has an axis.
    expect(valueAxis(3, { integer: true }).ticks).toEqual([0, 1, 2, 3]);
    expect(valueAxis(1, { integer: true }).ticks).toEqual([0, 1]);
    expect(valueAxis(0).max).toBe(1);
  });

  it("places categories evenly across the width", () => {
    const x = categoryAxis(4, { gap: 0 });
    expect(x.bandwidth).toBe(PLOT_W / 4);
    expect([0, 1, 2, 3].map(x.center)).toEqual([125, 375, 625, 875]);
    const bars = categoryAxis(10);
    expect(bars.left(0)).toBeGreaterThan(0);
    expect(bars.left(9) + bars.bandwidth).toBeLessThan(PLOT_W);
  });

  it("labels at most N categories, always the first and the last", () => {
    expect(labelIndices(5, 6)).toEqual([0, 1, 2, 3, 4]);
    expect(labelIndices(365, 6)).toEqual([0, 73, 146, 218, 291, 364]);
    expect(labelIndices(0, 6)).toEqual([]);
    expect(labelIndices(3, 1)).toEqual([0]);
  });

  it("draws paths through the points and bars as shares of the largest", () => {
    const x = categoryAxis(3, { gap: 0 });
    const y = valueAxis(10);
    // d3-shape writes coordinates to 3 decimals.
    expect(linePath([0, 10, 5], x, y)).toBe(`M166.667,${PLOT_H}L500,0L833.333,${PLOT_H / 2}`);
    expect(areaPath([0, 10], x, y)).toMatch(/^M.*Z$/);
    const bar = barScale(200);
    expect([bar(0), bar(50), bar(200), bar(400)]).toEqual([0, 25, 100, 100]);
    expect(barScale(0)(0)).toBe(0);
  });
});
