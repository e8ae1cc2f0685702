import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capacityOf, closeGroupOutcome, nextTier, reachedTier, validateTiers, type GroupTier } from "./tiers";

const LADDER: GroupTier[] = [
  { size: 2, unitPriceFen: 7000 },
  { size: 5, unitPriceFen: 6000 },
];

describe("validateTiers", () => {
  it("sorts by size and accepts strictly falling prices", () => {
    expect(validateTiers([LADDER[1]!, LADDER[0]!], 7990)).toEqual({ ok: true, tiers: LADDER });
  });
  it("names the first bad tier", () => {
    expect(validateTiers([], 100)).toMatchObject({ ok: false, problem: { code: "tiers_count" } });
    expect(validateTiers([{ size: 1, unitPriceFen: 100 }])).toMatchObject({ ok: false, problem: { code: "tier_size", index: 0 } });
    expect(validateTiers([{ size: 2, unitPriceFen: 0 }])).toMatchObject({ ok: false, problem: { code: "tier_price", index: 0 } });
    expect(validateTiers([{ size: 2, unitPriceFen: 1.5 }])).toMatchObject({ ok: false, problem: { code: "tier_price" } });
    expect(validateTiers([{ size: 2, unitPriceFen: 500 }, { size: 3, unitPriceFen: 500 }])).toMatchObject({ ok: false, problem: { code: "tier_order", index: 1 } });
    expect(validateTiers([{ size: 3, unitPriceFen: 500 }, { size: 3, unitPriceFen: 400 }])).toMatchObject({ ok: false, problem: { code: "tier_order" } });
    expect(validateTiers([{ size: 2, unitPriceFen: 800 }], 800)).toMatchObject({ ok: false, problem: { code: "tier_above_list_price" } });
    expect(validateTiers(Array.from({ length: 6 }, (_, i) => ({ size: i + 2, unitPriceFen: 1000 - i })))).toMatchObject({ ok: false, problem: { code: "tiers_count" } });
  });
});

describe("reached and next tier", () => {
  it("follows the head count", () => {
    expect(reachedTier(LADDER, 1)).toBeNull();
    expect(reachedTier(LADDER, 2)).toEqual(LADDER[0]);
    expect(reachedTier(LADDER, 4)).toEqual(LADDER[0]);
    expect(reachedTier(LADDER, 5)).toEqual(LADDER[1]);
    expect(nextTier(LADDER, 1)).toEqual({ tier: LADDER[0], needed: 1 });
    expect(nextTier(LADDER, 3)).toEqual({ tier: LADDER[1], needed: 2 });
    expect(nextTier(LADDER, 5)).toBeNull();
    expect(capacityOf(LADDER)).toBe(5);
  });
});

const ladder = fc
  .uniqueArray(fc.integer({ min: 2, max: 50 }), { minLength: 1, maxLength: 5 })
  .chain((sizes) =>
    fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: sizes.length, maxLength: sizes.length }).map((prices) => {
      const s = [...sizes].sort((a, b) => a - b);
      const p = [...prices].sort((a, b) => b - a);
      return s.map((size, i) => ({ size, unitPriceFen: p[i]! }));
    }),
  );

describe("closeGroupOutcome (ADR 017)", () => {
  it("charges every member exactly the reached tier, refunds the rest, or refunds everything below the first tier", () => {
    fc.assert(
      fc.property(ladder, fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 0, maxLength: 50 }), (tiers, quantities) => {
        const first = tiers[0]!.unitPriceFen;
        const paid = quantities.map((quantity, i) => ({ orderId: `o${i}`, quantity, paidFen: first * quantity }));
        const out = closeGroupOutcome(tiers, paid);
        const reached = reachedTier(tiers, paid.length);
        expect(out.status).toBe(reached ? "succeeded" : "failed");
        for (const [i, m] of out.members.entries()) {
          const { paidFen, quantity } = paid[i]!;
          const charged = paidFen - m.refundFen;
          expect(Number.isSafeInteger(m.refundFen)).toBe(true);
          expect(m.refundFen).toBeGreaterThanOrEqual(0);
          expect(charged).toBe(reached ? reached.unitPriceFen * quantity : 0);
        }
        expect(out.members).toHaveLength(paid.length);
      }),
    );
  });
});
