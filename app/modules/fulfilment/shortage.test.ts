import { describe, expect, it } from "vitest";
import { allocateShortage, shortageRefundFen, unitShares } from "./shortage";

const line = (id: string, orderId: string, at: number, openQty: number) => ({ orderLineId: id, orderId, orderCreatedAt: at, openQty });

describe("allocateShortage", () => {
  it("takes from the newest orders first, whatever the input order", () => {
    const lines = [line("l1", "o1", 100, 2), line("l2", "o2", 300, 1), line("l3", "o3", 200, 3)];
    const a = allocateShortage(lines, 3);
    expect([...a.byLine]).toEqual([
      ["l2", 1],
      ["l3", 2],
    ]);
    expect(a.unallocated).toBe(0);
    expect([...allocateShortage([...lines].reverse(), 3).byLine]).toEqual([...a.byLine]);
  });
  it("breaks ties by order id then line id, deterministically", () => {
    const lines = [line("l1", "oA", 100, 1), line("l2", "oB", 100, 1), line("l3", "oB", 100, 1)];
    expect([...allocateShortage(lines, 2).byLine.keys()]).toEqual(["l3", "l2"]);
  });
  it("never allocates more than a line owes; the excess is reported", () => {
    const a = allocateShortage([line("l1", "o1", 1, 2), line("l2", "o2", 2, 0)], 5);
    expect([...a.byLine]).toEqual([["l1", 2]]);
    expect(a.unallocated).toBe(3);
    expect(allocateShortage([line("l1", "o1", 1, 2)], 0).byLine.size).toBe(0);
    expect(() => allocateShortage([], -1)).toThrow(RangeError);
  });
});

describe("shortageRefundFen", () => {
  it("prorates to the fen with the pricing allocator's largest remainder", () => {
    // ¥10.00 over 3 units: 334, 333, 333; one short unit refunds the last unit's 333.
    expect(unitShares(1000, 3)).toEqual([334, 333, 333]);
    expect(shortageRefundFen({ quantity: 3, payableFen: 1000, refundedQty: 0, refundedFen: 0 }, 1)).toBe(333);
    expect(shortageRefundFen({ quantity: 3, payableFen: 1000, refundedQty: 0, refundedFen: 0 }, 2)).toBe(666);
    expect(shortageRefundFen({ quantity: 3, payableFen: 1000, refundedQty: 0, refundedFen: 0 }, 3)).toBe(1000);
  });
  it("agrees with the unit shares for every split, and steps add up to the payable amount", () => {
    for (const [p, q] of [
      [1001, 7],
      [5, 9],
      [12345, 10],
      [0, 4],
    ] as const) {
      const shares = unitShares(p, q);
      let refundedQty = 0;
      let refundedFen = 0;
      for (const k of [1, 2, q]) {
        const amount = shortageRefundFen({ quantity: q, payableFen: p, refundedQty, refundedFen }, k);
        const take = Math.min(k, q - refundedQty);
        expect(amount).toBe(shares.slice(q - refundedQty - take, q - refundedQty).reduce((s, x) => s + x, 0));
        refundedQty += take;
        refundedFen += amount;
      }
      expect(refundedFen).toBe(p);
    }
  });
  it("never refunds more than the line's remaining payable", () => {
    expect(shortageRefundFen({ quantity: 2, payableFen: 1000, refundedQty: 0, refundedFen: 900 }, 1)).toBe(100);
    expect(shortageRefundFen({ quantity: 2, payableFen: 1000, refundedQty: 2, refundedFen: 1000 }, 1)).toBe(0);
    expect(shortageRefundFen({ quantity: 2, payableFen: 1000, refundedQty: 0, refundedFen: 0 }, 0)).toBe(0);
  });
});
