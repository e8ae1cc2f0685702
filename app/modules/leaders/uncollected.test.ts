import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { daysWaiting, planUncollectedRefund, uncollectedCutoff, uncollectedUnits, type UncollectedLineInput } from "./uncollected";

const line = (over: Partial<UncollectedLineInput> = {}): UncollectedLineInput => ({ id: "oli_a", quantity: 3, payableFen: 1000, refundedQty: 0, refundedFen: 0, pickedUpQty: 0, ...over });

describe("uncollected refund plan", () => {
  it("refunds everything paid for an untouched order at 100%", () => {
    const plan = planUncollectedRefund([line(), line({ id: "oli_b", quantity: 1, payableFen: 2990 })], 10_000);
    expect(plan).toEqual({
      units: 4,
      paidForUnitsFen: 3990,
      amountFen: 3990,
      parts: [
        { lineId: "oli_a", quantity: 3, amountFen: 1000 },
        { lineId: "oli_b", quantity: 1, amountFen: 2990 },
      ],
    });
  });

  it("a partial pickup: only the units not collected are refunded, per the rule", () => {
    // 3 units for 10.00: shares 3.33 / 3.33 / 3.34 by cumulative half-up; 1 collected → 2 returned = 10.00 − 3.33.
    const plan = planUncollectedRefund([line({ pickedUpQty: 1 }), line({ id: "oli_b", quantity: 2, payableFen: 500, pickedUpQty: 2 })], 10_000);
    expect(plan).toEqual({ units: 2, paidForUnitsFen: 667, amountFen: 667, parts: [{ lineId: "oli_a", quantity: 2, amountFen: 667 }] });
    // Half back under a 50% rule, rounded half up: 333.5 → 334.
    expect(planUncollectedRefund([line({ pickedUpQty: 1 })], 5_000).amountFen).toBe(334);
  });

  it("takes earlier refunds (a shortage) into account", () => {
    const plan = planUncollectedRefund([line({ refundedQty: 1, refundedFen: 334 })], 10_000);
    expect(plan).toMatchObject({ units: 2, paidForUnitsFen: 666, amountFen: 666 });
  });

  it("a 0 bp rule refunds nothing but still returns the units", () => {
    expect(planUncollectedRefund([line()], 0)).toEqual({ units: 3, paidForUnitsFen: 1000, amountFen: 0, parts: [{ lineId: "oli_a", quantity: 3, amountFen: 0 }] });
  });

  it("nothing left to return", () => {
    expect(planUncollectedRefund([line({ pickedUpQty: 3 })], 10_000)).toEqual({ units: 0, paidForUnitsFen: 0, amountFen: 0, parts: [] });
    expect(uncollectedUnits({ quantity: 2, refundedQty: 1, pickedUpQty: 5 })).toBe(0);
  });

  it("the parts add up to the rule's amount, which never exceeds what was paid for the units (property)", () => {
    const lineArb = fc
      .record({ quantity: fc.integer({ min: 1, max: 20 }), payableFen: fc.integer({ min: 0, max: 500_000 }), refunded: fc.integer({ min: 0, max: 20 }), picked: fc.integer({ min: 0, max: 20 }) })
      .map(({ quantity, payableFen, refunded, picked }) => {
        const refundedQty = Math.min(refunded, quantity);
        const pickedUpQty = Math.min(picked, quantity - refundedQty);
        // An earlier refund took the proportional share of its units (at most the payable).
        const refundedFen = Math.min(payableFen, Math.floor((payableFen * refundedQty) / quantity));
        return { quantity, payableFen, refundedQty, refundedFen, pickedUpQty };
      });
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 10_000 }), (raw, bp) => {
        const lines = raw.map((l, i) => ({ id: `oli_${i}`, ...l }));
        const plan = planUncollectedRefund(lines, bp);
        expect(plan.parts.reduce((s, p) => s + p.amountFen, 0)).toBe(plan.amountFen);
        expect(plan.parts.reduce((s, p) => s + p.quantity, 0)).toBe(plan.units);
        expect(plan.amountFen).toBeLessThanOrEqual(plan.paidForUnitsFen);
        // Exactly the rule: round half up of v = paid × bp / 10000, i.e. v − ½ < amount ≤ v + ½
        // (an exact half rounds up), scaled by 20000 to stay in integers.
        const twice = BigInt(plan.paidForUnitsFen) * BigInt(bp) * 2n;
        const diff = BigInt(plan.amountFen) * 20_000n - twice;
        expect(diff > -10_000n && diff <= 10_000n).toBe(true);
        for (const p of plan.parts) {
          const l = lines.find((x) => x.id === p.lineId)!;
          expect(p.quantity).toBe(l.quantity - l.refundedQty - l.pickedUpQty);
          // Never more than the line has left to give back.
          expect(p.amountFen).toBeLessThanOrEqual(l.payableFen - l.refundedFen);
        }
        // With nothing collected, a 100% rule gives back all that is left.
        if (bp === 10_000 && lines.every((l) => l.pickedUpQty === 0)) expect(plan.amountFen).toBe(lines.reduce((s, l) => s + l.payableFen - l.refundedFen, 0));
      }),
    );
  });

  it("rounds an exact half up (the counterexample fast-check found for the bounds above)", () => {
    const plan = planUncollectedRefund(
      [
        { id: "oli_0", quantity: 18, payableFen: 373_498, refundedQty: 12, refundedFen: 248_998, pickedUpQty: 1 },
        { id: "oli_1", quantity: 1, payableFen: 0, refundedQty: 0, refundedFen: 0, pickedUpQty: 0 },
      ],
      2972,
    );
    // 5 open units paid 103 750 fen; 29.72 % of it is 30 834.5 → 30 835.
    expect(plan).toMatchObject({ paidForUnitsFen: 103_750, amountFen: 30_835, units: 6 });
  });

  it("days waiting and the flagging instant", () => {
    const DAY = 86_400_000;
    expect(daysWaiting(0, 3 * DAY - 1)).toBe(2);
    expect(daysWaiting(0, 3 * DAY)).toBe(3);
    expect(daysWaiting(10, 0)).toBe(0);
    expect(uncollectedCutoff(10 * DAY, 3)).toBe(7 * DAY);
  });
});
