import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeFinance, computeOrderFinance, fenToDecimal, financeCsv, isSettleable, type FinanceOrderInput } from "./finance";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const base: FinanceOrderInput = { orderId: "ord_1", createdAt: NOW - 10 * DAY, status: "completed", pickedUpAt: NOW - 8 * DAY, completedAt: NOW - DAY, rates: '{"platformFeeBp":500,"leaderCommissionBp":1000}', lines: [{ payableFen: 3990, refundedFen: 0 }] };

describe("merchant finance computation", () => {
  it("sale − platform fee (half up) = net; the leader commission is shown but not deducted", () => {
    const row = computeOrderFinance(base, 7, NOW);
    // 3990 × 5% = 199.5 → 200 (half up); 3990 × 10% = 399
    expect(row).toMatchObject({ saleFen: 3990, refundedFen: 0, platformFeeFen: 200, leaderCommissionFen: 399, netFen: 3790, bucket: "settleable" });
  });

  it("refunds come off the sale before the fee; a full refund leaves zero", () => {
    expect(computeOrderFinance({ ...base, lines: [{ payableFen: 3990, refundedFen: 1330 }, { payableFen: 2980, refundedFen: 0 }] }, 7, NOW)).toMatchObject({
      saleFen: 6970,
      refundedFen: 1330,
      platformFeeFen: 282, // 5640 × 5% = 282
      netFen: 5358,
    });
    expect(computeOrderFinance({ ...base, status: "refunded", lines: [{ payableFen: 3990, refundedFen: 3990 }] }, 7, NOW)).toMatchObject({ netFen: 0, platformFeeFen: 0 });
  });

  it("pending until completed (or picked up) and past the after-sales window", () => {
    expect(isSettleable({ status: "picked_up", pickedUpAt: NOW - 8 * DAY, completedAt: null }, 7, NOW)).toBe(true);
    expect(isSettleable({ status: "picked_up", pickedUpAt: NOW - 6 * DAY, completedAt: null }, 7, NOW)).toBe(false);
    expect(isSettleable({ status: "confirmed", pickedUpAt: null, completedAt: null }, 7, NOW)).toBe(false);
    expect(isSettleable({ status: "refunding", pickedUpAt: NOW - 30 * DAY, completedAt: null }, 7, NOW)).toBe(false);
    expect(isSettleable({ status: "completed", pickedUpAt: null, completedAt: NOW }, 7, NOW)).toBe(true);
  });

  it("a missing or malformed rates snapshot charges no fee rather than failing", () => {
    expect(computeOrderFinance({ ...base, rates: "nonsense" }, 7, NOW)).toMatchObject({ platformFeeFen: 0, leaderCommissionBp: null, netFen: 3990 });
  });

  it("property: per-order nets sum to the totals, buckets split the net, nothing is negative", () => {
    const line = fc.record({ payableFen: fc.integer({ min: 0, max: 5_000_000 }), refundedFen: fc.integer({ min: 0, max: 6_000_000 }) });
    const order = fc.record({
      orderId: fc.string(),
      createdAt: fc.integer({ min: 0, max: NOW }),
      status: fc.constantFrom("paid", "confirmed", "shipped", "ready_for_pickup", "picked_up", "completed", "refunding", "refunded"),
      pickedUpAt: fc.option(fc.integer({ min: 0, max: NOW }), { nil: null }),
      completedAt: fc.option(fc.integer({ min: 0, max: NOW }), { nil: null }),
      rates: fc.record({ platformFeeBp: fc.integer({ min: 0, max: 10_000 }), leaderCommissionBp: fc.integer({ min: 0, max: 10_000 }) }),
      lines: fc.array(line, { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(fc.array(order, { maxLength: 30 }), fc.integer({ min: 0, max: 30 }), (orders, window) => {
        const { rows, totals } = computeFinance(orders, window, NOW);
        const sum = (k: "saleFen" | "refundedFen" | "platformFeeFen" | "leaderCommissionFen" | "netFen") => rows.reduce((s, r) => s + r[k], 0);
        expect(totals.netFen).toBe(sum("netFen"));
        expect(totals.saleFen).toBe(sum("saleFen"));
        expect(totals.platformFeeFen).toBe(sum("platformFeeFen"));
        expect(totals.refundedFen).toBe(sum("refundedFen"));
        expect(totals.pendingFen + totals.settleableFen).toBe(totals.netFen);
        expect(totals.saleFen - totals.refundedFen - totals.platformFeeFen).toBe(totals.netFen);
        for (const r of rows) {
          for (const v of [r.saleFen, r.refundedFen, r.platformFeeFen, r.leaderCommissionFen, r.netFen]) {
            expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
          }
          expect(r.refundedFen).toBeLessThanOrEqual(r.saleFen);
        }
      }),
    );
  });

  it("CSV: BOM, plain decimals, quoted where needed, a totals row", () => {
    const csv = financeCsv(computeFinance([base], 7, NOW), {
      header: ["订单号", "日期", "状态", "销售额", "退款", "平台服务费", "团长佣金", "净收入", "结算状态"],
      total: "合计",
      bucket: (b) => (b === "settleable" ? "可结算" : "待结算"),
      status: (s) => s,
      date: () => "2026-05-22",
    });
    expect(csv.startsWith("\uFEFF订单号,")).toBe(true);
    expect(csv).toContain("ord_1,2026-05-22,completed,39.90,0.00,2.00,3.99,37.90,可结算\r\n");
    expect(csv).toContain("合计,,,39.90,0.00,2.00,3.99,37.90,\r\n");
    expect(fenToDecimal(5)).toBe("0.05");
    expect(fenToDecimal(-1234)).toBe("-12.34");
  });
});
