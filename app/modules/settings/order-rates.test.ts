import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blendCommissionBp, orderRatesSnapshot, snapshotInt, type RateLine, type RateSettings } from "./order-rates";

const FRESH = "cat_aaaaaaaaaaaaaaaaaaaa";
const BABY = "cat_bbbbbbbbbbbbbbbbbbbb";
const HOME = "cat_cccccccccccccccccccc";

const SETTINGS: RateSettings = {
  platformFeeBp: 500,
  leaderCommissionBp: 1000,
  categoryOverridesBp: { [FRESH]: 1500, [BABY]: 800 },
  afterSalesWindowDays: 7,
  uncollectedAfterDays: 3,
  uncollectedRefundBp: 10_000,
};

describe("blended commission rate", () => {
  it("is exactly the rate of an order whose lines share one", () => {
    expect(blendCommissionBp([{ categoryId: HOME, goodsFen: 1234 }], 1000, {})).toBe(1000);
    expect(blendCommissionBp([{ categoryId: FRESH, goodsFen: 999 }, { categoryId: FRESH, goodsFen: 1 }], 1000, SETTINGS.categoryOverridesBp)).toBe(1500);
    expect(blendCommissionBp([{ categoryId: HOME, goodsFen: 0 }], 1000, {})).toBe(1000);
  });

  it("weights each line's rate by its goods value, rounded half up", () => {
    // ¥100 at 15% + ¥100 at 10% → 12.5% exactly.
    expect(blendCommissionBp([{ categoryId: FRESH, goodsFen: 10_000 }, { categoryId: HOME, goodsFen: 10_000 }], 1000, SETTINGS.categoryOverridesBp)).toBe(1250);
    // ¥39.90 at 15% + ¥29.80 at 10%: (3990·1500 + 2980·1000) / 6970 = 1286.24… → 1286.
    expect(blendCommissionBp([{ categoryId: FRESH, goodsFen: 3990 }, { categoryId: HOME, goodsFen: 2980 }], 1000, SETTINGS.categoryOverridesBp)).toBe(1286);
    // A tie: (1·1001 + 1·1000) / 2 = 1000.5 → 1001.
    expect(blendCommissionBp([{ categoryId: FRESH, goodsFen: 1 }, { categoryId: HOME, goodsFen: 1 }], 1000, { [FRESH]: 1001 })).toBe(1001);
  });

  it("falls back to the default when no line has any goods value and the rates differ", () => {
    expect(blendCommissionBp([{ categoryId: FRESH, goodsFen: 0 }, { categoryId: HOME, goodsFen: 0 }], 1000, SETTINGS.categoryOverridesBp)).toBe(1000);
  });

  const line = fc.record({ categoryId: fc.constantFrom(FRESH, BABY, HOME), goodsFen: fc.integer({ min: 0, max: 200 * 999 * 100_000_000 }) });
  const rates = fc.dictionary(fc.constantFrom(FRESH, BABY, HOME), fc.integer({ min: 0, max: 10_000 }));

  it("is the exact rational blend rounded half up, and lies between the lowest and highest line rate (property)", () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 10_000 }), rates, (lines: RateLine[], defaultBp, overrides) => {
        const bp = blendCommissionBp(lines, defaultBp, overrides);
        const lineRates = lines.map((l) => overrides[l.categoryId] ?? defaultBp);
        expect(Number.isSafeInteger(bp)).toBe(true);
        expect(bp).toBeGreaterThanOrEqual(Math.min(...lineRates));
        expect(bp).toBeLessThanOrEqual(Math.max(...lineRates));
        const goods = lines.reduce((s, l) => s + BigInt(l.goodsFen), 0n);
        if (goods > 0n && new Set(lineRates).size > 1) {
          const weighted = lines.reduce((s, l, i) => s + BigInt(l.goodsFen) * BigInt(lineRates[i]!), 0n);
          // bp is the nearest integer to weighted/goods, ties up: −goods ≤ 2(bp·goods − weighted) < goods.
          const diff2 = 2n * (BigInt(bp) * goods - weighted);
          expect(diff2 >= -goods && diff2 < goods).toBe(true);
        }
        if (new Set(lineRates).size === 1) expect(bp).toBe(lineRates[0]);
      }),
    );
  });

  it("does not depend on the order of the lines (property)", () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), rates, (lines, overrides) => {
        expect(blendCommissionBp([...lines].reverse(), 1000, overrides)).toBe(blendCommissionBp(lines, 1000, overrides));
      }),
    );
  });
});

describe("the order's snapshot", () => {
  it("records the blend, the default, the overrides of the order's own categories and the deadlines", () => {
    const snapshot = orderRatesSnapshot(SETTINGS, [
      { categoryId: FRESH, goodsFen: 10_000 },
      { categoryId: HOME, goodsFen: 10_000 },
    ]);
    expect(snapshot).toEqual({
      platformFeeBp: 500,
      leaderCommissionBp: 1250,
      defaultLeaderCommissionBp: 1000,
      categoryCommissionBp: { [FRESH]: 1500 },
      afterSalesWindowDays: 7,
      uncollectedAfterDays: 3,
      uncollectedRefundBp: 10_000,
    });
  });

  it("has no overrides and exactly the default rate when none applies", () => {
    const snapshot = orderRatesSnapshot(SETTINGS, [{ categoryId: HOME, goodsFen: 4590 }]);
    expect(snapshot.leaderCommissionBp).toBe(1000);
    expect(snapshot.categoryCommissionBp).toEqual({});
  });

  it("reads its fields back, and today's setting for orders placed before a field existed", () => {
    const json = JSON.stringify(orderRatesSnapshot(SETTINGS, [{ categoryId: HOME, goodsFen: 1 }]));
    expect(snapshotInt(json, "afterSalesWindowDays", 30)).toBe(7);
    expect(snapshotInt(JSON.parse(json), "uncollectedRefundBp", 0)).toBe(10_000);
    const old = JSON.stringify({ platformFeeBp: 500, leaderCommissionBp: 1000 });
    expect(snapshotInt(old, "afterSalesWindowDays", 30)).toBe(30);
    expect(snapshotInt(old, "uncollectedAfterDays", 5)).toBe(5);
    // Malformed or out of range: the fallback.
    expect(snapshotInt("{oops", "afterSalesWindowDays", 9)).toBe(9);
    expect(snapshotInt({ afterSalesWindowDays: 1.5 }, "afterSalesWindowDays", 9)).toBe(9);
    expect(snapshotInt({ afterSalesWindowDays: 91 }, "afterSalesWindowDays", 9)).toBe(9);
    expect(snapshotInt({ afterSalesWindowDays: "7" }, "afterSalesWindowDays", 9)).toBe(9);
    expect(snapshotInt(null, "afterSalesWindowDays", 9)).toBe(9);
    expect(snapshotInt({ afterSalesWindowDays: 0 }, "afterSalesWindowDays", 9)).toBe(0);
  });
});
