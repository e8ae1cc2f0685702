import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expiryOf, pointsForSale, pointsSummary, pointsToExpire, POINTS_VALID_DAYS } from "./points";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 26, 4);

describe("points", () => {
  it("a sale earns one point per whole yuan, times the multiplier, rounded down", () => {
    expect(pointsForSale(3990, 100)).toBe(39);
    expect(pointsForSale(3990, 120)).toBe(46); // 39 × 1.2 = 46.8
    expect(pointsForSale(3990, 150)).toBe(58); // 58.5
    expect(pointsForSale(99, 500)).toBe(0);
    expect(pointsForSale(0, 150)).toBe(0);
    expect(pointsForSale(-100, 150)).toBe(0);
    expect(pointsForSale(10_000, Number.NaN)).toBe(100);
  });

  it("a refund after settlement lands where one settlement of the final sale would (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 100, max: 500 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 5 }), (sale, pct, refunds) => {
        let net = sale;
        let earned = pointsForSale(net, pct);
        for (const r of refunds) {
          net = Math.max(0, net - r);
          earned += pointsForSale(net, pct) - earned;
        }
        expect(earned).toBe(pointsForSale(net, pct));
        expect(earned).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("expire what is left of expired lots, oldest first, once", () => {
    const lot = (points: number, earnedDaysAgo: number) => ({ points, kind: "earn", expiresAt: expiryOf(NOW - earnedDaysAgo * DAY) });
    const old = lot(100, POINTS_VALID_DAYS + 1); // expired yesterday
    const fresh = lot(50, 10);
    expect(pointsToExpire([old, fresh], NOW)).toBe(100);
    // 30 points were taken back after a refund: they came out of the oldest lot.
    expect(pointsToExpire([old, fresh, { points: -30, kind: "adjust", expiresAt: null }], NOW)).toBe(70);
    // More taken than the expired lot held: nothing left to expire there.
    expect(pointsToExpire([old, fresh, { points: -120, kind: "adjust", expiresAt: null }], NOW)).toBe(0);
    // Already expired: nothing more.
    expect(pointsToExpire([old, fresh, { points: -100, kind: "expire", expiresAt: null }], NOW)).toBe(0);
    expect(pointsSummary([old, fresh, { points: -100, kind: "expire", expiresAt: null }], NOW)).toEqual({ balance: 50, expiringSoon: 0 });
    expect(pointsSummary([lot(40, POINTS_VALID_DAYS - 5), fresh], NOW)).toEqual({ balance: 90, expiringSoon: 40 });
  });

  it("expires only expired lots, never more than the balance, and once (property)", () => {
    const entry = fc.oneof(
      fc.record({ points: fc.integer({ min: 1, max: 1000 }), kind: fc.constant("earn"), expiresAt: fc.integer({ min: NOW - 400 * DAY, max: NOW + 400 * DAY }) }),
      fc.record({ points: fc.integer({ min: -1000, max: -1 }), kind: fc.constant("adjust"), expiresAt: fc.constant(null) }),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        const due = pointsToExpire(entries, NOW);
        const expiredLots = entries.filter((e) => e.points > 0 && e.expiresAt! <= NOW).reduce((s, e) => s + e.points, 0);
        const balance = entries.reduce((s, e) => s + e.points, 0);
        expect(due).toBeGreaterThanOrEqual(0);
        // Only expired lots expire, and never more than the balance holds.
        expect(due).toBeLessThanOrEqual(expiredLots);
        expect(due).toBeLessThanOrEqual(Math.max(0, balance));
        // Expiring it, then asking again, expires nothing more.
        const after = due > 0 ? [...entries, { points: -due, kind: "expire", expiresAt: null }] : entries;
        expect(pointsToExpire(after, NOW)).toBe(0);
      }),
    );
  });
});
