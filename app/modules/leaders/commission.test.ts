import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  commissionBpOf,
  commissionBucket,
  commissionFen,
  computeOrderCommission,
  shortOrderId,
  summariseCommission,
  summaryStartDate,
  type CommissionOrderInput,
} from "./commission";

const DAY = 24 * 60 * 60 * 1000;
// 2026-03-15 12:00 in Shanghai (04:00 UTC).
const NOW = Date.UTC(2026, 2, 15, 4, 0);

function order(over: Partial<CommissionOrderInput> = {}): CommissionOrderInput {
  return {
    orderId: "ord_aaaaaaaaaaaaaaaaaaaa",
    createdAt: NOW - DAY,
    status: "paid",
    pickedUpAt: null,
    completedAt: null,
    settledAt: null,
    rates: JSON.stringify({ platformFeeBp: 500, leaderCommissionBp: 1000 }),
    payableFen: 10_000,
    refundedFen: 0,
    ...over,
  };
}

describe("commission maths", () => {
  it("is the net sale × the snapshot rate, rounded half up to the fen", () => {
    expect(commissionFen(10_000, 1000)).toBe(1000);
    expect(commissionFen(5, 1000)).toBe(1); // 0.5 fen → 1
    expect(commissionFen(4, 1000)).toBe(0); // 0.4 fen → 0
    expect(commissionFen(15, 1000)).toBe(2); // 1.5 → 2
    expect(commissionFen(1234, 333)).toBe(41); // 41.0922
    expect(commissionFen(9_007_199_254_740_991, 10_000)).toBe(9_007_199_254_740_991);
    expect(commissionFen(-50, 1000)).toBe(0);
    // An exact half (843,001,095,207,826.5) rounds up; fast-check found this one.
    expect(commissionFen(7_663_646_320_071_150, 1100)).toBe(843_001_095_207_827);
  });

  it("matches the exact rational rule for any amount and rate (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 10_000 }), (net, bp) => {
        const c = BigInt(commissionFen(net, bp));
        const exact2 = BigInt(net) * BigInt(bp) * 2n; // 2 × 10000 × the exact value
        // c is the nearest integer to net·bp/10000, ties going up: c − exact ∈ (−½, ½], so
        // c·20000 − exact·20000 ∈ (−10000, 10000], the upper end being an exact half rounded up.
        const diff = c * 20_000n - exact2;
        expect(diff > -10_000n && diff <= 10_000n).toBe(true);
        expect(c <= BigInt(net)).toBe(true);
      }),
    );
  });

  it("never decreases when the sale or the rate grows (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (a, extra, bp1, bp2) => {
        expect(commissionFen(a + extra, bp1)).toBeGreaterThanOrEqual(commissionFen(a, bp1));
        const [lo, hi] = bp1 <= bp2 ? [bp1, bp2] : [bp2, bp1];
        expect(commissionFen(a, hi)).toBeGreaterThanOrEqual(commissionFen(a, lo));
      }),
    );
  });

  it("reads the rate from the order's snapshot, 0 when absent or malformed, capped at 100%", () => {
    expect(commissionBpOf('{"leaderCommissionBp":800}')).toBe(800);
    expect(commissionBpOf({ leaderCommissionBp: 20_000 })).toBe(10_000);
    expect(commissionBpOf("{}")).toBe(0);
    expect(commissionBpOf("not json")).toBe(0);
    expect(commissionBpOf("null")).toBe(0);
    expect(commissionBpOf({ leaderCommissionBp: -1 })).toBe(0);
    expect(commissionBpOf({ leaderCommissionBp: 12.5 })).toBe(0);
    expect(commissionBpOf({ leaderCommissionBp: "1000" })).toBe(0);
  });
});

describe("pending vs settled", () => {
  it("settled means in the ledger; pending before; none without a sale", () => {
    const b = (o: Partial<CommissionOrderInput>, c = 100) => commissionBucket({ status: "paid", settledAt: null, ...o }, c);
    for (const s of ["paid", "confirmed", "shipped", "ready_for_pickup", "refunding", "picked_up", "completed"]) expect(b({ status: s }), s).toBe("pending");
    // Picked up and past the window, but the settlement has not run yet: still pending.
    expect(b({ status: "picked_up" })).toBe("pending");
    expect(b({ status: "completed", settledAt: NOW - DAY })).toBe("settled");
    expect(b({ status: "cancelled" })).toBe("none");
    expect(b({ status: "pending_payment" })).toBe("none");
    expect(b({ status: "awaiting_group" })).toBe("none");
    expect(b({ status: "refunded" }, 0)).toBe("none");
    expect(b({ status: "refunded", settledAt: NOW }, 0)).toBe("none");
    // A partly refunded order that ended refunded (e.g. uncollected rest returned) settles on what is left.
    expect(b({ status: "refunded" }, 37)).toBe("pending");
    expect(b({ status: "refunded", settledAt: NOW }, 37)).toBe("settled");
  });

  it("a cancelled or unpaid order earns nothing, whatever its lines say", () => {
    expect(computeOrderCommission(order({ status: "cancelled" }))).toMatchObject({ netSaleFen: 0, commissionFen: 0, bucket: "none" });
    expect(computeOrderCommission(order({ status: "pending_payment" }))).toMatchObject({ commissionFen: 0, bucket: "none" });
  });

  it("computes per order on the net sale (refunds clamped to the sale)", () => {
    expect(computeOrderCommission(order({ payableFen: 12_345, refundedFen: 2_345 }))).toMatchObject({ netSaleFen: 10_000, commissionFen: 1000, commissionBp: 1000, bucket: "pending" });
    expect(computeOrderCommission(order({ payableFen: 100, refundedFen: 500, status: "refunded" }))).toMatchObject({ netSaleFen: 0, commissionFen: 0, bucket: "none" });
    expect(computeOrderCommission(order({ createdAt: Date.UTC(2026, 2, 14, 16, 30) })).date).toBe("2026-03-15");
  });
});

describe("summary", () => {
  it("today, this month and the last 30 days by Shanghai business date", () => {
    const rows = [
      // 2026-03-15 00:10 Shanghai = 03-14 16:10 UTC: today.
      order({ orderId: "ord_1", createdAt: Date.UTC(2026, 2, 14, 16, 10), payableFen: 1000 }),
      // 2026-03-14 23:50 Shanghai: yesterday.
      order({ orderId: "ord_2", createdAt: Date.UTC(2026, 2, 14, 15, 50), payableFen: 2005, status: "completed", settledAt: NOW }),
      order({ orderId: "ord_3", createdAt: Date.UTC(2026, 2, 1, 2), payableFen: 3000, status: "completed", pickedUpAt: Date.UTC(2026, 2, 2), settledAt: Date.UTC(2026, 2, 9) }),
      // February: in the 30 days but not this month.
      order({ orderId: "ord_4", createdAt: Date.UTC(2026, 1, 20, 2), payableFen: 4000, status: "completed", settledAt: Date.UTC(2026, 1, 28) }),
      // January: too old for either.
      order({ orderId: "ord_5", createdAt: Date.UTC(2026, 0, 20, 2), payableFen: 5000, status: "completed", settledAt: Date.UTC(2026, 0, 28) }),
      order({ orderId: "ord_6", createdAt: Date.UTC(2026, 2, 14, 16, 20), status: "cancelled" }),
    ].map((o) => computeOrderCommission(o));
    const s = summariseCommission(rows, NOW);
    expect(s.today).toBe("2026-03-15");
    expect(s).toMatchObject({ todayFen: 100, todayOrders: 1, monthFen: 100 + 201 + 300, monthOrders: 3 });
    expect(s.perDay).toEqual([
      { date: "2026-03-15", orders: 1, netSaleFen: 1000, commissionFen: 100, pendingFen: 100, settledFen: 0 },
      { date: "2026-03-14", orders: 1, netSaleFen: 2005, commissionFen: 201, pendingFen: 0, settledFen: 201 },
      { date: "2026-03-01", orders: 1, netSaleFen: 3000, commissionFen: 300, pendingFen: 0, settledFen: 300 },
      { date: "2026-02-20", orders: 1, netSaleFen: 4000, commissionFen: 400, pendingFen: 0, settledFen: 400 },
    ]);
    expect(summaryStartDate(NOW)).toBe("2026-02-14");
    expect(summaryStartDate(Date.UTC(2026, 2, 31, 4))).toBe("2026-03-01");
  });

  it("the days add up to the rows, and pending + settled to the commission (property)", () => {
    const status = fc.constantFrom("paid", "confirmed", "shipped", "ready_for_pickup", "picked_up", "completed", "refunding", "refunded", "cancelled", "pending_payment");
    const input = fc.record({
      createdAt: fc.integer({ min: NOW - 40 * DAY, max: NOW }),
      status,
      settled: fc.boolean(),
      payableFen: fc.integer({ min: 0, max: 1_000_000 }),
      refundedFen: fc.integer({ min: 0, max: 1_000_000 }),
      bp: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(
      fc.property(fc.array(input, { maxLength: 40 }), (inputs) => {
        const rows = inputs.map((i, n) =>
          computeOrderCommission({
            orderId: `ord_${n}`,
            createdAt: i.createdAt,
            status: i.status,
            pickedUpAt: null,
            completedAt: null,
            settledAt: i.settled && ["picked_up", "completed", "refunded"].includes(i.status) ? NOW : null,
            rates: { leaderCommissionBp: i.bp },
            payableFen: i.payableFen,
            refundedFen: i.refundedFen,
          }),
        );
        const s = summariseCommission(rows, NOW);
        const inWindow = rows.filter((r) => r.bucket !== "none" && r.date >= "2026-02-14");
        expect(s.perDay.reduce((a, d) => a + d.commissionFen, 0)).toBe(inWindow.reduce((a, r) => a + r.commissionFen, 0));
        expect(s.perDay.reduce((a, d) => a + d.orders, 0)).toBe(inWindow.length);
        for (const d of s.perDay) expect(d.pendingFen + d.settledFen).toBe(d.commissionFen);
        for (const r of rows) {
          expect(r.commissionFen).toBeLessThanOrEqual(r.netSaleFen);
          if (r.bucket === "none") expect(r.commissionFen).toBe(0);
        }
        expect(s.perDay.map((d) => d.date)).toEqual([...s.perDay.map((d) => d.date)].sort().reverse());
      }),
    );
  });


  it("short order ids are the last 8 characters", () => {
    expect(shortOrderId("ord_abcdefghijkl12345678")).toBe("12345678");
    expect(shortOrderId("xyz")).toBe("XYZ");
  });
});
