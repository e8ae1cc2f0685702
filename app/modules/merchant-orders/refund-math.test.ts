import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cumulativeShare, lineRefundAmount, planRefund, type RefundableLine } from "./refund-math";

const line = (over: Partial<RefundableLine> = {}): RefundableLine => ({ id: "oli_1", quantity: 3, payableFen: 1000, committedQty: 0, committedFen: 0, ...over });

describe("refund amounts from a line's payable share", () => {
  it("splits a line exactly, half up, and the last unit takes the rest", () => {
    expect(cumulativeShare(1000, 3, 1)).toBe(333);
    expect(cumulativeShare(1000, 3, 2)).toBe(667);
    expect(cumulativeShare(1000, 3, 3)).toBe(1000);
    expect(lineRefundAmount(line(), 1)).toBe(333);
    expect(lineRefundAmount(line({ committedQty: 1, committedFen: 333 }), 1)).toBe(334);
    expect(lineRefundAmount(line({ committedQty: 2, committedFen: 667 }), 1)).toBe(333);
    expect(lineRefundAmount(line({ committedQty: 2, committedFen: 667 }), 5)).toBe(333);
  });

  it("refuses more than is left, unknown lines, an empty choice, and more than the order can give back", () => {
    expect(planRefund([line()], [{ lineId: "oli_1", quantity: 4 }], 1000)).toMatchObject({ ok: false, error: "quantity_too_large" });
    expect(planRefund([line()], [{ lineId: "oli_x", quantity: 1 }], 1000)).toMatchObject({ ok: false, error: "unknown_line" });
    expect(planRefund([line()], [{ lineId: "oli_1", quantity: 0 }], 1000)).toMatchObject({ ok: false, error: "nothing_selected" });
    expect(planRefund([line()], [{ lineId: "oli_1", quantity: 3 }], 999)).toMatchObject({ ok: false, error: "exceeds_order" });
    expect(planRefund([line({ payableFen: 0 })], [{ lineId: "oli_1", quantity: 1 }], 999)).toMatchObject({ ok: false, error: "nothing_to_refund" });
    expect(planRefund([line()], [{ lineId: "oli_1", quantity: 2 }], 1000)).toEqual({ ok: true, amountFen: 667, parts: [{ lineId: "oli_1", quantity: 2, amountFen: 667 }] });
  });

  it("property: refunding a line in any number of steps gives back exactly its payable, never more", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 60 }), (quantity, payableFen, steps) => {
        let l = line({ quantity, payableFen });
        let total = 0;
        for (const s of steps) {
          const a = lineRefundAmount(l, s);
          expect(a).toBeGreaterThanOrEqual(0);
          const n = Math.min(s, l.quantity - l.committedQty);
          total += a;
          l = { ...l, committedQty: l.committedQty + n, committedFen: l.committedFen + a };
          expect(total).toBeLessThanOrEqual(payableFen);
        }
        if (l.committedQty === quantity) expect(total).toBe(payableFen);
      }),
    );
  });
});
