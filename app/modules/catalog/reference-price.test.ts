import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REFERENCE_WINDOW_MS, referencePriceFen } from "./reference-price";

const DAY = 24 * 60 * 60 * 1000;
const now = Date.UTC(2026, 10, 25);

describe("referencePriceFen", () => {
  it("shows the old price after a real reduction", () => {
    expect(referencePriceFen([{ priceFen: 4990, effectiveAt: now - 40 * DAY }, { priceFen: 3990, effectiveAt: now - 3 * DAY }], 3990, now)).toBe(4990);
  });
  it("uses the lowest price of the 30 days before the change (no raise-then-cut trick)", () => {
    const history = [
      { priceFen: 3990, effectiveAt: now - 60 * DAY },
      { priceFen: 5990, effectiveAt: now - 2 * DAY },
      { priceFen: 3990, effectiveAt: now - DAY },
    ];
    expect(referencePriceFen(history, 3990, now)).toBeNull();
    const history2 = [
      { priceFen: 4590, effectiveAt: now - 60 * DAY },
      { priceFen: 5990, effectiveAt: now - 2 * DAY },
      { priceFen: 3990, effectiveAt: now - DAY },
    ];
    expect(referencePriceFen(history2, 3990, now)).toBe(4590);
  });
  it("ignores prices that ended before the window", () => {
    const history = [
      { priceFen: 9990, effectiveAt: now - 90 * DAY },
      { priceFen: 3990, effectiveAt: now - 50 * DAY },
      { priceFen: 3990, effectiveAt: now - DAY },
    ];
    expect(referencePriceFen(history, 3990, now)).toBeNull();
  });
  it("claims nothing without history, for a raise, or when history disagrees with the price", () => {
    expect(referencePriceFen([], 3990, now)).toBeNull();
    expect(referencePriceFen([{ priceFen: 2990, effectiveAt: now - 40 * DAY }, { priceFen: 3990, effectiveAt: now - DAY }], 3990, now)).toBeNull();
    expect(referencePriceFen([{ priceFen: 4990, effectiveAt: now - 40 * DAY }, { priceFen: 3990, effectiveAt: now - DAY }], 3500, now)).toBeNull();
  });
  it("ignores future price changes", () => {
    expect(referencePriceFen([{ priceFen: 4990, effectiveAt: now - 40 * DAY }, { priceFen: 3990, effectiveAt: now + DAY }], 4990, now)).toBeNull();
  });
  it("is never below or equal to the current price, and always a price that existed in the window", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ priceFen: fc.integer({ min: 1, max: 100_000 }), effectiveAt: fc.integer({ min: now - 120 * DAY, max: now }) }), { minLength: 1, maxLength: 12 }),
        (raw) => {
          const history = [...new Map(raw.map((h) => [h.effectiveAt, h])).values()];
          const current = [...history].sort((a, b) => a.effectiveAt - b.effectiveAt).at(-1)!;
          const ref = referencePriceFen(history, current.priceFen, now);
          if (ref === null) return;
          expect(ref).toBeGreaterThan(current.priceFen);
          expect(history.some((h) => h.priceFen === ref && h.effectiveAt < current.effectiveAt)).toBe(true);
          expect(history.every((h) => h.effectiveAt >= current.effectiveAt - REFERENCE_WINDOW_MS - 365 * DAY)).toBe(true);
        },
      ),
    );
  });
});
