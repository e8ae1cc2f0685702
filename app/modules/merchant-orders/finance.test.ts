import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeFinance, computeOrderFinance, fenToDecimal, financeCsv, type FinanceOrderInput } from "./finance";

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;
const base: FinanceOrderInput = {
  orderId: "ord_1",
  createdAt: NOW - 10 * DAY,
  status: "completed",
  rates: '{"platformFeeBp":500,"leaderCommissionBp":1000}',
  settledAt: null,
  leaderUserId: "usr_leader",
  merchantId: "mch_a",
  lines: [{ payableFen: 3990, refundedFen: 0 }],
};

describe("merchant finance computation", () => {
  it("net = sale − platform fee − the leader's commission (both half up), as the ledger settles it", () => {
    // 3990 × 5% = 199.5 → 200 (half up); 3990 × 10% = 399 → income 3391
    expect(computeOrderFinance(base)).toMatchObject({ saleFen: 3990, refundedFen: 0, platformFeeFen: 200, leaderCommissionFen: 399, netFen: 3391, bucket: "pending" });
    // Without a leader there is no commission.
    expect(computeOrderFinance({ ...base, leaderUserId: null })).toMatchObject({ leaderCommissionFen: 0, netFen: 3790 });
  });

  it("refunds come off the sale before the fee and the commission; a full refund leaves zero", () => {
    expect(computeOrderFinance({ ...base, lines: [{ payableFen: 3990, refundedFen: 1330 }, { payableFen: 2980, refundedFen: 0 }] })).toMatchObject({
      saleFen: 6970,
      refundedFen: 1330,
      platformFeeFen: 282, // 5640 × 5% = 282
      leaderCommissionFen: 564,
      netFen: 4794,
    });
    expect(computeOrderFinance({ ...base, status: "refunded", lines: [{ payableFen: 3990, refundedFen: 3990 }] })).toMatchObject({ netFen: 0, platformFeeFen: 0, leaderCommissionFen: 0 });
  });

  it("the commission of a two-merchant order is shared by net sale (largest remainder), each fee on its own sale", () => {
    // Order net 3333 + 6667 = 10000 → commission 1000 shared 333.3 / 666.7 → 333 / 667.
    const orderMerchants = [
      { merchantId: "mch_a", netSaleFen: 3333 },
      { merchantId: "mch_b", netSaleFen: 6667 },
    ];
    const a = computeOrderFinance({ ...base, lines: [{ payableFen: 3333, refundedFen: 0 }], orderMerchants });
    const b = computeOrderFinance({ ...base, merchantId: "mch_b", lines: [{ payableFen: 6667, refundedFen: 0 }], orderMerchants });
    expect(a).toMatchObject({ platformFeeFen: 167, leaderCommissionFen: 333, netFen: 2833 });
    expect(b).toMatchObject({ platformFeeFen: 333, leaderCommissionFen: 667, netFen: 5667 });
    expect(a.leaderCommissionFen + b.leaderCommissionFen).toBe(1000);
  });

  it("a settled order shows what the ledger holds for it", () => {
    const row = computeOrderFinance({ ...base, settledAt: NOW, ledger: { saleFen: 3990, feeFen: -200, commissionFen: -399 } });
    expect(row).toMatchObject({ platformFeeFen: 200, leaderCommissionFen: 399, netFen: 3391, bucket: "settled" });
  });

  it("a missing or malformed rates snapshot charges no fee or commission rather than failing", () => {
    expect(computeOrderFinance({ ...base, rates: "nonsense" })).toMatchObject({ platformFeeFen: 0, leaderCommissionBp: null, leaderCommissionFen: 0, netFen: 3990 });
  });

  it("property: per-order nets sum to the totals, buckets split the net, nothing is negative", () => {
    const line = fc.record({ payableFen: fc.integer({ min: 0, max: 5_000_000 }), refundedFen: fc.integer({ min: 0, max: 6_000_000 }) });
    const order = fc.record({
      orderId: fc.string(),
      createdAt: fc.integer({ min: 0, max: NOW }),
      status: fc.constantFrom("paid", "confirmed", "shipped", "ready_for_pickup", "picked_up", "completed", "refunding", "refunded"),
      rates: fc.record({ platformFeeBp: fc.integer({ min: 0, max: 5_000 }), leaderCommissionBp: fc.integer({ min: 0, max: 5_000 }) }),
      settledAt: fc.constant(null),
      leaderUserId: fc.option(fc.constant("usr_l"), { nil: null }),
      merchantId: fc.constant("mch_a"),
      lines: fc.array(line, { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(fc.array(order, { maxLength: 30 }), (orders) => {
        const { rows, totals } = computeFinance(orders);
        const sum = (k: "saleFen" | "refundedFen" | "platformFeeFen" | "leaderCommissionFen" | "netFen") => rows.reduce((s, r) => s + r[k], 0);
        expect(totals.netFen).toBe(sum("netFen"));
        expect(totals.saleFen).toBe(sum("saleFen"));
        expect(totals.platformFeeFen).toBe(sum("platformFeeFen"));
        expect(totals.leaderCommissionFen).toBe(sum("leaderCommissionFen"));
        expect(totals.refundedFen).toBe(sum("refundedFen"));
        expect(totals.pendingFen + totals.settledFen).toBe(totals.netFen);
        expect(totals.saleFen - totals.refundedFen - totals.platformFeeFen - totals.leaderCommissionFen).toBe(totals.netFen);
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
    const csv = financeCsv(computeFinance([{ ...base, settledAt: NOW, ledger: { saleFen: 3990, feeFen: -200, commissionFen: -399 } }]), {
      header: ["订单号", "日期", "状态", "销售额", "退款", "平台服务费", "团长佣金", "平台补贴", "净收入", "结算状态"],
      total: "合计",
      bucket: (b) => (b === "settled" ? "已结算" : "待结算"),
      status: (s) => s,
      date: () => "2026-05-22",
    });
    expect(csv.startsWith("\uFEFF订单号,")).toBe(true);
    expect(csv).toContain("ord_1,2026-05-22,completed,39.90,0.00,2.00,3.99,0.00,33.91,已结算\r\n");
    expect(csv).toContain("合计,,,39.90,0.00,2.00,3.99,0.00,33.91,\r\n");
    expect(fenToDecimal(5)).toBe("0.05");
    expect(fenToDecimal(-1234)).toBe("-12.34");
  });
});
