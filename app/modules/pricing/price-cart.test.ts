import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { bestTier, isActive, pickBestCoupon, priceCart } from "./price-cart";
import {
  PRICING_RULES_VERSION,
  type CartLineInput,
  type Coupon,
  type FullReduction,
  type LimitedTimeDiscount,
  type MemberPerk,
  type PriceBreakdown,
  type PriceCartInput,
} from "./types";
import { PriceCartInputSchema } from "./validate";

const NOW = Date.UTC(2026, 11, 1, 2, 0); // 2026-12-01 10:00 in Asia/Shanghai
const HOUR = 3_600_000;
const OPEN = { startsAt: NOW - HOUR, endsAt: NOW + HOUR };

const line = (lineId: string, over: Partial<CartLineInput> = {}): CartLineInput => ({
  lineId,
  skuId: `sku_${lineId}`,
  productId: `prd_${lineId}`,
  merchantId: "m1",
  categoryId: "fruit",
  quantity: 1,
  unitPriceFen: 1000,
  ...over,
});

/** 满100减20, 满200减50 (SPEC §2). */
const SPEND_100_200: FullReduction = {
  id: "fr_100_200",
  funding: "platform",
  tiers: [
    { thresholdFen: 10_000, reductionFen: 2_000 },
    { thresholdFen: 20_000, reductionFen: 5_000 },
  ],
  ...OPEN,
};

const fixed = (amountFen: number, over: Partial<Coupon> = {}): Coupon =>
  ({ id: `cpn_fixed_${amountFen}`, funding: "platform", kind: "fixed", amountFen, ...OPEN, ...over } as Coupon);
const threshold = (thresholdFen: number, amountFen: number, over: Partial<Coupon> = {}): Coupon =>
  ({
    id: `cpn_${thresholdFen}_${amountFen}`,
    funding: "platform",
    kind: "threshold",
    thresholdFen,
    amountFen,
    ...OPEN,
    ...over,
  } as Coupon);
const percentage = (discountBp: number, over: Partial<Coupon> = {}): Coupon =>
  ({ id: `cpn_pct_${discountBp}`, funding: "platform", kind: "percentage", discountBp, ...OPEN, ...over } as Coupon);

const price = (input: Omit<PriceCartInput, "now"> & { now?: number }): PriceBreakdown =>
  priceCart({ now: NOW, ...input });
const payables = (b: PriceBreakdown) => b.lines.map((l) => l.payableFen);

describe("priceCart: worked examples", () => {
  it("prices an empty cart at zero", () => {
    const b = price({ lines: [] });
    expect(b.totals).toEqual({
      goodsFen: 0,
      overrideDiscountFen: 0,
      memberDiscountFen: 0,
      limitedTimeDiscountFen: 0,
      subtotalFen: 0,
      fullReductionFen: 0,
      couponFen: 0,
      pointsFen: 0,
      discountFen: 0,
      payableFen: 0,
    });
    expect(b.applied).toEqual([]);
    expect(b.couponResult).toEqual({ status: "none" });
    expect(b.funding).toEqual({ platformFundedFen: 0, merchantFundedFen: 0, byMerchant: [] });
    expect(b.rulesVersion).toBe(PRICING_RULES_VERSION);
    expect(b.now).toBe(NOW);
  });

  it("with no promotions, pays list price × quantity", () => {
    const b = price({ lines: [line("a", { unitPriceFen: 1234, quantity: 3 }), line("b", { unitPriceFen: 1 })] });
    expect(b.lines[0]).toMatchObject({
      baseFen: 3702,
      unitPriceFen: 1234,
      priceSource: "list",
      subtotalFen: 3702,
      payableFen: 3702,
    });
    expect(b.totals).toMatchObject({ goodsFen: 3703, discountFen: 0, payableFen: 3703 });
  });

  describe("full-reduction: spend 100 save 20, spend 200 save 50", () => {
    it.each([
      [9_999, 0],
      [10_000, 2_000],
      [15_000, 2_000],
      [19_999, 2_000],
      [20_000, 5_000],
      [99_999, 5_000], // tiers never stack
    ])("a %d fen subtotal saves %d fen", (subtotal, saving) => {
      const b = price({ lines: [line("a", { unitPriceFen: subtotal })], fullReductions: [SPEND_100_200] });
      expect(b.totals.fullReductionFen).toBe(saving);
      expect(b.totals.payableFen).toBe(subtotal - saving);
    });

    it("prorates the reduction to the lines by largest remainder", () => {
      const b = price({
        lines: [line("a", { unitPriceFen: 6_000 }), line("b", { unitPriceFen: 9_000 })],
        fullReductions: [SPEND_100_200],
      });
      expect(b.lines.map((l) => l.fullReductionFen)).toEqual([800, 1_200]);
      expect(payables(b)).toEqual([5_200, 7_800]);
      expect(b.applied).toEqual([
        {
          kind: "full_reduction",
          fullReductionId: "fr_100_200",
          funding: "platform",
          tier: { thresholdFen: 10_000, reductionFen: 2_000 },
          eligibleSubtotalFen: 15_000,
          amountFen: 2_000,
          lineIds: ["a", "b"],
        },
      ]);
      expect(b.lines.every((l) => l.fullReductionId === "fr_100_200")).toBe(true);
    });

    it("sums quantities: 3 × 35.00 reaches the 100.00 tier", () => {
      const b = price({ lines: [line("a", { unitPriceFen: 3_500, quantity: 3 })], fullReductions: [SPEND_100_200] });
      expect(b.totals.payableFen).toBe(10_500 - 2_000);
    });

    it("ignores a full-reduction outside its window (start inclusive, end exclusive)", () => {
      const lines = [line("a", { unitPriceFen: 10_000 })];
      const at = (startsAt: number, endsAt: number) =>
        price({ lines, fullReductions: [{ ...SPEND_100_200, startsAt, endsAt }] }).totals.fullReductionFen;
      expect(at(NOW, NOW + 1)).toBe(2_000);
      expect(at(NOW + 1, NOW + 2)).toBe(0);
      expect(at(NOW - 1, NOW)).toBe(0);
    });

    it("caps a reduction larger than the eligible subtotal, so nothing goes negative", () => {
      const giveaway: FullReduction = {
        ...SPEND_100_200,
        id: "fr_big",
        tiers: [{ thresholdFen: 0, reductionFen: 1_000_000 }],
      };
      const b = price({
        lines: [line("a", { unitPriceFen: 300 }), line("b", { unitPriceFen: 700 })],
        fullReductions: [giveaway],
      });
      expect(b.totals.fullReductionFen).toBe(1_000);
      expect(payables(b)).toEqual([0, 0]);
    });

    it("scopes a merchant-funded full-reduction to that merchant's lines and items", () => {
      const fruitOnly: FullReduction = {
        id: "fr_m1",
        funding: "merchant",
        merchantId: "m1",
        applicableCategoryIds: ["fruit"],
        tiers: [{ thresholdFen: 5_000, reductionFen: 500 }],
        ...OPEN,
      };
      const lines = [
        line("a", { unitPriceFen: 3_000 }),
        line("b", { unitPriceFen: 3_000, categoryId: "dairy" }),
        line("c", { unitPriceFen: 3_000, merchantId: "m2" }),
      ];
      expect(price({ lines, fullReductions: [fruitOnly] }).totals.fullReductionFen).toBe(0); // only a counts: 30.00
      const b = price({ lines: [...lines, line("d", { unitPriceFen: 2_000 })], fullReductions: [fruitOnly] });
      expect(b.lines.map((l) => l.fullReductionFen)).toEqual([300, 0, 0, 200]);
      expect(b.lines[0]!.merchantFundedFen).toBe(300);
      expect(b.lines[0]!.platformFundedFen).toBe(0);
      // product filter: a product listed by id is in scope even outside the categories
      const withProduct = { ...fruitOnly, applicableProductIds: ["prd_b"] };
      expect(price({ lines, fullReductions: [withProduct] }).lines.map((l) => l.fullReductionFen)).toEqual([
        250, 250, 0,
      ]);
    });

    it("lets each line take part in at most one full-reduction: the biggest saving takes its lines first", () => {
      const m1: FullReduction = {
        id: "fr_m1",
        funding: "merchant",
        merchantId: "m1",
        tiers: [{ thresholdFen: 10_000, reductionFen: 2_000 }],
        ...OPEN,
      };
      const m2: FullReduction = {
        id: "fr_m2",
        funding: "merchant",
        merchantId: "m2",
        tiers: [{ thresholdFen: 5_000, reductionFen: 500 }],
        ...OPEN,
      };
      const platform: FullReduction = {
        id: "fr_p",
        funding: "platform",
        tiers: [{ thresholdFen: 30_000, reductionFen: 6_000 }],
        ...OPEN,
      };
      const promos = [m1, m2, platform];

      // 120 + 60 = 180 < 300: the platform offer does not qualify; each merchant's applies to its lines.
      const small = price({
        lines: [line("a", { unitPriceFen: 12_000 }), line("b", { unitPriceFen: 6_000, merchantId: "m2" })],
        fullReductions: promos,
      });
      expect(small.lines.map((l) => [l.fullReductionFen, l.fullReductionId])).toEqual([
        [2_000, "fr_m1"],
        [500, "fr_m2"],
      ]);
      expect(small.applied.map((a) => a.kind === "full_reduction" && a.fullReductionId)).toEqual(["fr_m1", "fr_m2"]);

      // 250 + 100 = 350: the platform's 60 beats 20 (+5) and takes every line; the others find none left.
      const big = price({
        lines: [line("a", { unitPriceFen: 25_000 }), line("b", { unitPriceFen: 10_000, merchantId: "m2" })],
        fullReductions: promos,
      });
      expect(big.totals.fullReductionFen).toBe(6_000);
      expect(big.lines.map((l) => l.fullReductionId)).toEqual(["fr_p", "fr_p"]);
      expect(big.funding.platformFundedFen).toBe(6_000);

      // Equal savings: the lower id wins.
      const twin = { ...m1, id: "fr_a_twin", funding: "platform" as const };
      const tie = price({ lines: [line("a", { unitPriceFen: 12_000 })], fullReductions: [m1, twin] });
      expect(tie.lines[0]!.fullReductionId).toBe("fr_a_twin");
    });

    it("picks the largest reduction among met tiers, whatever their order", () => {
      expect(bestTier([], 1_000)).toBeUndefined();
      expect(bestTier([{ thresholdFen: 100, reductionFen: 10 }], 99)).toBeUndefined();
      expect(
        bestTier(
          [
            { thresholdFen: 20_000, reductionFen: 5_000 },
            { thresholdFen: 10_000, reductionFen: 2_000 },
            { thresholdFen: 30_000, reductionFen: 1_000 },
          ],
          35_000,
        ),
      ).toEqual({ thresholdFen: 20_000, reductionFen: 5_000 });
      // equal reductions: the lower threshold is reported
      expect(
        bestTier(
          [
            { thresholdFen: 200, reductionFen: 10 },
            { thresholdFen: 100, reductionFen: 10 },
          ],
          500,
        ),
      ).toEqual({ thresholdFen: 100, reductionFen: 10 });
      // a zero reduction is no tier
      expect(bestTier([{ thresholdFen: 0, reductionFen: 0 }], 500)).toBeUndefined();
    });
  });

  describe("coupons", () => {
    const cart30 = [line("a", { unitPriceFen: 1_000 }), line("b", { unitPriceFen: 2_000 })];

    it.each([
      [500, 2_500],
      [1_000, 2_000],
      [2_000, 1_000],
    ])("a fixed %d fen coupon on a 30.00 cart leaves %d fen", (amount, payable) => {
      const b = price({ lines: cart30, coupon: fixed(amount) });
      expect(b.couponResult).toEqual({ status: "applied", couponId: `cpn_fixed_${amount}`, amountFen: amount });
      expect(b.totals.couponFen).toBe(amount);
      expect(b.totals.payableFen).toBe(payable);
    });

    it("prorates a fixed coupon by largest remainder: 5.00 over 10.00 and 20.00", () => {
      const b = price({ lines: cart30, coupon: fixed(500) });
      expect(b.lines.map((l) => l.couponFen)).toEqual([167, 333]); // 166.67 / 333.33 → the .67 gets the fen
    });

    it("caps a coupon at the eligible amount", () => {
      const b = price({ lines: [line("a", { unitPriceFen: 1_500 })], coupon: fixed(2_000) });
      expect(b.couponResult).toEqual({ status: "applied", couponId: "cpn_fixed_2000", amountFen: 1_500 });
      expect(b.totals.payableFen).toBe(0);
    });

    it("applies a threshold coupon from the threshold (inclusive) and reports the shortfall below it", () => {
      const at = (fen: number) => price({ lines: [line("a", { unitPriceFen: fen })], coupon: threshold(5_000, 1_000) });
      expect(at(4_999).couponResult).toEqual({
        status: "not_applied",
        couponId: "cpn_5000_1000",
        reason: "below_threshold",
        shortfallFen: 1,
      });
      expect(at(4_999).totals.couponFen).toBe(0);
      expect(at(5_000).couponResult).toEqual({ status: "applied", couponId: "cpn_5000_1000", amountFen: 1_000 });
      expect(at(5_000).totals.payableFen).toBe(4_000);
    });

    it("applies a percentage coupon with a cap, rounding half up", () => {
      const tenPctCap15 = percentage(1_000, { maxDiscountFen: 1_500 });
      const at = (fen: number, coupon: Coupon = tenPctCap15) =>
        price({ lines: [line("a", { unitPriceFen: fen })], coupon }).totals.couponFen;
      expect(at(10_000)).toBe(1_000); // 10% of 100.00
      expect(at(15_000)).toBe(1_500); // exactly the cap
      expect(at(30_000)).toBe(1_500); // 30.00 capped at 15.00
      expect(at(125)).toBe(13); // 12.5 fen → 13
      expect(at(124)).toBe(12);
      expect(at(30_000, percentage(1_000))).toBe(3_000); // no cap
      expect(at(10_000, percentage(10_000))).toBe(10_000); // 100% off: payable 0
    });

    it("checks a percentage coupon's optional threshold", () => {
      const coupon = percentage(1_000, { thresholdFen: 20_000 });
      expect(price({ lines: [line("a", { unitPriceFen: 19_000 })], coupon }).couponResult).toMatchObject({
        reason: "below_threshold",
        shortfallFen: 1_000,
      });
      expect(price({ lines: [line("a", { unitPriceFen: 20_000 })], coupon }).totals.couponFen).toBe(2_000);
    });

    it("refuses a coupon that would take nothing off", () => {
      // 1% of 0.10 is 0.1 fen, which rounds to 0
      expect(price({ lines: [line("a", { unitPriceFen: 10 })], coupon: percentage(100) }).couponResult).toMatchObject({
        status: "not_applied",
        reason: "no_discount",
      });
      // a full-reduction already took the whole amount
      const all: FullReduction = { ...SPEND_100_200, tiers: [{ thresholdFen: 0, reductionFen: 100_000 }] };
      const b = price({ lines: [line("a", { unitPriceFen: 1_000 })], fullReductions: [all], coupon: fixed(500) });
      expect(b.couponResult).toMatchObject({ status: "not_applied", reason: "no_discount" });
      expect(b.applied.map((a) => a.kind)).toEqual(["full_reduction"]);
      // a zero-price line
      expect(price({ lines: [line("a", { unitPriceFen: 0 })], coupon: fixed(500) }).couponResult).toMatchObject({
        reason: "no_discount",
      });
    });

    it("refuses a coupon before its start and from its end (start inclusive, end exclusive)", () => {
      const lines = [line("a", { unitPriceFen: 5_000 })];
      const result = (startsAt: number, endsAt: number) =>
        price({ lines, coupon: fixed(500, { startsAt, endsAt }) }).couponResult;
      expect(result(NOW + 1, NOW + HOUR)).toEqual({
        status: "not_applied",
        couponId: "cpn_fixed_500",
        reason: "not_started",
      });
      expect(result(NOW - HOUR, NOW)).toEqual({ status: "not_applied", couponId: "cpn_fixed_500", reason: "expired" });
      expect(result(NOW, NOW + 1)).toMatchObject({ status: "applied" });
      expect(result(NOW - HOUR, NOW + 1)).toMatchObject({ status: "applied" });
    });

    it("applies a merchant-funded coupon only to that merchant's lines, funded by that merchant", () => {
      const lines = [
        line("a", { unitPriceFen: 4_000 }),
        line("b", { unitPriceFen: 6_000, merchantId: "m2" }),
        line("c", { unitPriceFen: 2_000, merchantId: "m2" }),
      ];
      const m2Coupon = threshold(5_000, 900, { funding: "merchant", merchantId: "m2" } as Partial<Coupon>);
      const b = price({ lines, coupon: m2Coupon });
      expect(b.lines.map((l) => l.couponFen)).toEqual([0, 675, 225]);
      expect(b.applied).toEqual([
        {
          kind: "coupon",
          couponId: "cpn_5000_900",
          couponKind: "threshold",
          funding: "merchant",
          merchantId: "m2",
          eligibleSubtotalFen: 8_000,
          amountFen: 900,
          lineIds: ["b", "c"],
        },
      ]);
      expect(b.funding).toEqual({
        platformFundedFen: 0,
        merchantFundedFen: 900,
        byMerchant: [
          { merchantId: "m1", goodsFen: 4_000, payableFen: 4_000, platformFundedFen: 0, merchantFundedFen: 0 },
          { merchantId: "m2", goodsFen: 8_000, payableFen: 7_100, platformFundedFen: 0, merchantFundedFen: 900 },
        ],
      });
      // the threshold counts only that merchant's lines
      expect(
        price({
          lines: lines.slice(0, 2).map((l, i) => (i === 1 ? { ...l, unitPriceFen: 4_000 } : l)),
          coupon: m2Coupon,
        }).couponResult,
      ).toMatchObject({
        reason: "below_threshold",
        shortfallFen: 1_000,
      });
      // a cart without that merchant
      expect(price({ lines: [lines[0]!], coupon: m2Coupon }).couponResult).toEqual({
        status: "not_applied",
        couponId: "cpn_5000_900",
        reason: "merchant_mismatch",
      });
    });

    it("applies a platform-funded coupon limited to a merchant, funded by the platform", () => {
      const coupon = fixed(300, { merchantId: "m2", code: "M2GIFT", name: "m2 gift" });
      const b = price({ lines: [line("a"), line("b", { merchantId: "m2" })], coupon });
      expect(b.lines.map((l) => [l.couponFen, l.platformFundedFen])).toEqual([
        [0, 0],
        [300, 300],
      ]);
      expect(b.applied[0]).toMatchObject({
        kind: "coupon",
        code: "M2GIFT",
        name: "m2 gift",
        merchantId: "m2",
        funding: "platform",
      });
    });

    it("limits a coupon to its categories or products, and refuses it when no line is in scope", () => {
      const lines = [
        line("a", { unitPriceFen: 3_000 }),
        line("b", { unitPriceFen: 1_000, categoryId: "dairy" }),
        line("c", { unitPriceFen: 1_000, categoryId: "baby" }),
      ];
      const dairy = fixed(400, { applicableCategoryIds: ["dairy"] });
      expect(price({ lines, coupon: dairy }).lines.map((l) => l.couponFen)).toEqual([0, 400, 0]);
      const dairyOrA = fixed(400, { applicableCategoryIds: ["dairy"], applicableProductIds: ["prd_a"] });
      expect(price({ lines, coupon: dairyOrA }).lines.map((l) => l.couponFen)).toEqual([300, 100, 0]);
      expect(price({ lines, coupon: fixed(400, { applicableCategoryIds: ["toys"] }) }).couponResult).toMatchObject({
        reason: "not_applicable_to_items",
      });
      expect(price({ lines, coupon: fixed(400, { applicableProductIds: [] }) }).couponResult).toMatchObject({
        reason: "not_applicable_to_items",
      });
      expect(price({ lines: [], coupon: fixed(400) }).couponResult).toMatchObject({
        reason: "not_applicable_to_items",
      });
    });

    it("checks the coupon threshold after full-reduction (rule 4)", () => {
      const lines = [line("a", { unitPriceFen: 20_000 })];
      // 200.00 − 50.00 (满200减50) = 150.00: a 满200减20 coupon is 50.00 short, a 满150减20 one applies.
      const short = price({ lines, fullReductions: [SPEND_100_200], coupon: threshold(20_000, 2_000) });
      expect(short.couponResult).toEqual({
        status: "not_applied",
        couponId: "cpn_20000_2000",
        reason: "below_threshold",
        shortfallFen: 5_000,
      });
      expect(short.totals.payableFen).toBe(15_000);
      const fits = price({ lines, fullReductions: [SPEND_100_200], coupon: threshold(15_000, 2_000) });
      expect(fits.totals).toMatchObject({ fullReductionFen: 5_000, couponFen: 2_000, payableFen: 13_000 });
      expect(fits.applied.at(-1)).toMatchObject({ kind: "coupon", eligibleSubtotalFen: 15_000 });
    });

    it("takes a percentage coupon of the amount after full-reduction", () => {
      const b = price({
        lines: [line("a", { unitPriceFen: 25_000 })],
        fullReductions: [SPEND_100_200],
        coupon: percentage(1_000),
      });
      expect(b.totals).toMatchObject({ fullReductionFen: 5_000, couponFen: 2_000, payableFen: 18_000 });
    });
  });

  describe("member discount (gold 20% off selected items)", () => {
    const gold: MemberPerk = { level: "gold", discountBp: 2_000, eligibleProductIds: ["prd_a"] };

    it("takes 20% off each unit of the selected items only, rounding half up per unit", () => {
      const b = price({
        member: gold,
        lines: [line("a", { unitPriceFen: 999, quantity: 3 }), line("b", { unitPriceFen: 1_000 })],
      });
      // 20% of 9.99 = 1.998 → 2.00 per unit; 3 units
      expect(b.lines[0]).toMatchObject({
        unitPriceFen: 799,
        priceSource: "member",
        memberDiscountFen: 600,
        subtotalFen: 2_397,
        platformFundedFen: 600,
      });
      expect(b.lines[1]).toMatchObject({ unitPriceFen: 1_000, priceSource: "list", memberDiscountFen: 0 });
      expect(b.applied).toEqual([
        { kind: "member", level: "gold", discountBp: 2_000, funding: "platform", amountFen: 600, lineIds: ["a"] },
      ]);
      expect(b.funding.platformFundedFen).toBe(600);
    });

    it("applies to every line when the perk names no products, except lines the catalogue marks ineligible", () => {
      const everyItem: MemberPerk = { level: "silver", discountBp: 500 };
      const b = price({
        member: everyItem,
        lines: [line("a", { unitPriceFen: 2_000 }), line("b", { unitPriceFen: 2_000, memberDiscountEligible: false })],
      });
      expect(b.lines.map((l) => l.memberDiscountFen)).toEqual([100, 0]);
    });

    it("gives nothing at 0 bp (normal level) and shows no member row", () => {
      const b = price({ member: { level: "normal", discountBp: 0 }, lines: [line("a")] });
      expect(b.totals.memberDiscountFen).toBe(0);
      expect(b.applied).toEqual([]);
    });

    it("does not apply to a flash- or group-priced line", () => {
      const b = price({
        member: { level: "gold", discountBp: 2_000 },
        lines: [line("a", { unitPriceFen: 1_000, priceOverride: { unitPriceFen: 900, source: "group" } })],
      });
      expect(b.lines[0]).toMatchObject({
        unitPriceFen: 900,
        priceSource: "group",
        memberDiscountFen: 0,
        overrideDiscountFen: 100,
      });
    });

    it("can push a cart below a full-reduction threshold (documented consequence of rule 3)", () => {
      const lines = [line("a", { unitPriceFen: 10_000 })];
      const plain = price({ lines, fullReductions: [SPEND_100_200] });
      const member = price({ lines, fullReductions: [SPEND_100_200], member: { level: "silver", discountBp: 500 } });
      expect(plain.totals.payableFen).toBe(8_000);
      expect(member.totals.payableFen).toBe(9_500);
    });
  });

  describe("limited-time discounts", () => {
    const ltd = (id: string, over: Partial<LimitedTimeDiscount>): LimitedTimeDiscount =>
      ({
        id,
        merchantId: "m1",
        productIds: ["prd_a"],
        kind: "percentage",
        discountBp: 1_000,
        ...OPEN,
        ...over,
      } as LimitedTimeDiscount);

    it("takes a percentage off the unit price of the matching products or SKUs of its merchant", () => {
      const lines = [
        line("a", { unitPriceFen: 1_250, quantity: 4 }),
        line("b", { unitPriceFen: 1_000 }),
        line("c", { unitPriceFen: 1_000, merchantId: "m2", productId: "prd_a" }),
      ];
      const b = price({ lines, limitedTimeDiscounts: [ltd("ltd_1", { discountBp: 1_500, name: "Weekend" })] });
      // 15% of 12.50 = 1.875 → 1.88 per unit
      expect(b.lines[0]).toMatchObject({
        unitPriceFen: 1_062,
        priceSource: "limited_time",
        limitedTimeDiscountFen: 752,
        limitedTimeDiscountId: "ltd_1",
        merchantFundedFen: 752,
      });
      expect(b.lines[1]!.limitedTimeDiscountFen).toBe(0);
      expect(b.lines[2]!.limitedTimeDiscountFen).toBe(0); // same product id, other merchant
      expect(b.applied).toEqual([
        {
          kind: "limited_time",
          limitedTimeDiscountId: "ltd_1",
          name: "Weekend",
          merchantId: "m1",
          funding: "merchant",
          amountFen: 752,
          lineIds: ["a"],
        },
      ]);
      const bySku = price({
        lines,
        limitedTimeDiscounts: [ltd("ltd_sku", { productIds: undefined, skuIds: ["sku_b"] })],
      });
      expect(bySku.lines.map((l) => l.limitedTimeDiscountFen)).toEqual([0, 100, 0]);
    });

    it("sets a fixed unit price, never raising it", () => {
      const lines = [line("a", { unitPriceFen: 1_000, quantity: 2 })];
      const cheaper = price({
        lines,
        limitedTimeDiscounts: [
          ltd("ltd_p", { kind: "fixed_price", unitPriceFen: 850 } as Partial<LimitedTimeDiscount>),
        ],
      });
      expect(cheaper.lines[0]).toMatchObject({ unitPriceFen: 850, limitedTimeDiscountFen: 300 });
      const dearer = price({
        lines,
        limitedTimeDiscounts: [
          ltd("ltd_p", { kind: "fixed_price", unitPriceFen: 1_200 } as Partial<LimitedTimeDiscount>),
        ],
      });
      expect(dearer.lines[0]).toMatchObject({ unitPriceFen: 1_000, priceSource: "list", limitedTimeDiscountFen: 0 });
      expect(dearer.lines[0]!.limitedTimeDiscountId).toBeUndefined();
      expect(dearer.applied).toEqual([]);
    });

    it("uses the best of several matching discounts (tie → lower id) and ignores inactive ones", () => {
      const lines = [line("a", { unitPriceFen: 1_000 })];
      const pick = (...ltds: LimitedTimeDiscount[]) => price({ lines, limitedTimeDiscounts: ltds }).lines[0]!;
      expect(pick(ltd("ltd_x", { discountBp: 1_000 }), ltd("ltd_y", { discountBp: 3_000 })).limitedTimeDiscountId).toBe(
        "ltd_y",
      );
      expect(pick(ltd("ltd_y", { discountBp: 1_000 }), ltd("ltd_x", { discountBp: 1_000 })).limitedTimeDiscountId).toBe(
        "ltd_x",
      );
      expect(pick(ltd("ltd_x", { discountBp: 1_000 }), ltd("ltd_y", { discountBp: 1_000 })).limitedTimeDiscountId).toBe(
        "ltd_x",
      );
      expect(
        pick(ltd("ltd_late", { discountBp: 9_000, startsAt: NOW + 1, endsAt: NOW + HOUR }), ltd("ltd_x", {}))
          .limitedTimeDiscountId,
      ).toBe("ltd_x");
      expect(pick(ltd("ltd_over", { discountBp: 9_000, startsAt: NOW - HOUR, endsAt: NOW })).priceSource).toBe("list");
    });

    it("does not stack with the member discount: the larger saving wins, a tie goes to the limited-time discount", () => {
      const member: MemberPerk = { level: "gold", discountBp: 2_000 };
      const lines = [line("a", { unitPriceFen: 1_000 })];
      const with_ = (bp: number) =>
        price({ lines, member, limitedTimeDiscounts: [ltd("ltd_1", { discountBp: bp })] }).lines[0]!;
      expect(with_(1_000)).toMatchObject({ priceSource: "member", memberDiscountFen: 200, limitedTimeDiscountFen: 0 });
      expect(with_(3_000)).toMatchObject({
        priceSource: "limited_time",
        memberDiscountFen: 0,
        limitedTimeDiscountFen: 300,
      });
      expect(with_(2_000)).toMatchObject({
        priceSource: "limited_time",
        memberDiscountFen: 0,
        limitedTimeDiscountFen: 200,
      });
    });

    it("does not apply to a flash-priced line", () => {
      const b = price({
        lines: [line("a", { unitPriceFen: 1_000, priceOverride: { unitPriceFen: 950, source: "flash" } })],
        limitedTimeDiscounts: [ltd("ltd_1", { discountBp: 5_000 })],
      });
      expect(b.lines[0]).toMatchObject({ unitPriceFen: 950, priceSource: "flash", limitedTimeDiscountFen: 0 });
    });
  });

  describe("flash and group prices (rule 2: excluded from full-reduction and coupons)", () => {
    const flash = line("flash", {
      unitPriceFen: 10_000,
      priceOverride: { unitPriceFen: 8_000, source: "flash", campaignId: "fls_1" },
    });
    const normal = line("normal", { unitPriceFen: 5_000 });

    it("prices the line at the override and books the saving as merchant-funded", () => {
      const b = price({ lines: [flash] });
      expect(b.lines[0]).toMatchObject({
        baseFen: 10_000,
        unitPriceFen: 8_000,
        priceSource: "flash",
        overrideDiscountFen: 2_000,
        merchantFundedFen: 2_000,
        payableFen: 8_000,
      });
      expect(b.applied).toEqual([
        {
          kind: "price_override",
          source: "flash",
          campaignId: "fls_1",
          funding: "merchant",
          amountFen: 2_000,
          lineIds: ["flash"],
        },
      ]);
    });

    it("neither counts a flash line toward a threshold nor gives it a share", () => {
      // 80.00 flash + 50.00 normal = 130.00 in the cart, but only 50.00 is eligible: no 满100减20.
      const b = price({ lines: [flash, normal], fullReductions: [SPEND_100_200], coupon: threshold(5_000, 500) });
      expect(b.totals.fullReductionFen).toBe(0);
      expect(b.couponResult).toMatchObject({ status: "applied", amountFen: 500 });
      expect(b.lines.map((l) => [l.fullReductionFen, l.couponFen])).toEqual([
        [0, 0],
        [0, 500],
      ]);
      expect(b.totals.payableFen).toBe(8_000 + 4_500);
    });

    it("refuses a coupon when only special-price lines are in scope", () => {
      expect(price({ lines: [flash], coupon: fixed(500) }).couponResult).toMatchObject({
        reason: "not_applicable_to_items",
      });
    });

    it("groups override rows by source and campaign", () => {
      const b = price({
        lines: [
          flash,
          line("g1", { unitPriceFen: 7_000, priceOverride: { unitPriceFen: 6_000, source: "group" } }),
          line("flash2", {
            unitPriceFen: 1_000,
            priceOverride: { unitPriceFen: 900, source: "flash", campaignId: "fls_1" },
          }),
          line("g2", { unitPriceFen: 7_000, priceOverride: { unitPriceFen: 7_000, source: "group" } }), // no saving: no row entry
        ],
      });
      expect(b.applied).toEqual([
        {
          kind: "price_override",
          source: "flash",
          campaignId: "fls_1",
          funding: "merchant",
          amountFen: 2_100,
          lineIds: ["flash", "flash2"],
        },
        { kind: "price_override", source: "group", funding: "merchant", amountFen: 1_000, lineIds: ["g1"] },
      ]);
      expect(b.lines[3]).toMatchObject({ priceSource: "group", overrideDiscountFen: 0 });
    });

    it("never lets an override raise the list price (defensive; the schema rejects it)", () => {
      const b = price({
        lines: [line("a", { unitPriceFen: 1_000, priceOverride: { unitPriceFen: 1_500, source: "group" } })],
      });
      expect(b.lines[0]).toMatchObject({ unitPriceFen: 1_000, overrideDiscountFen: 0, payableFen: 1_000 });
    });
  });

  it("prices the ADR 009 worked example", () => {
    const b = priceCart(ADR_EXAMPLE);
    expect(
      b.lines.map((l) => [
        l.lineId,
        l.baseFen,
        l.unitPriceFen,
        l.priceSource,
        l.subtotalFen,
        l.fullReductionFen,
        l.couponFen,
        l.payableFen,
      ]),
    ).toEqual([
      ["L1", 7_980, 3_192, "member", 6_384, 772, 386, 5_226],
      ["L2", 5_000, 1_062, "limited_time", 4_248, 514, 257, 3_477],
      ["L3", 1_590, 990, "flash", 990, 0, 0, 990],
      ["L4", 5_900, 5_900, "list", 5_900, 714, 357, 4_829],
    ]);
    expect(b.totals).toEqual({
      goodsFen: 20_470,
      overrideDiscountFen: 600,
      memberDiscountFen: 1_596,
      limitedTimeDiscountFen: 752,
      subtotalFen: 17_522,
      fullReductionFen: 2_000,
      couponFen: 1_000,
      pointsFen: 0,
      discountFen: 5_948,
      payableFen: 14_522,
    });
    expect(b.applied.map((a) => [a.kind, a.amountFen])).toEqual([
      ["price_override", 600],
      ["limited_time", 752],
      ["member", 1_596],
      ["full_reduction", 2_000],
      ["coupon", 1_000],
    ]);
    expect(b.applied[3]).toMatchObject({
      tier: { thresholdFen: 10_000, reductionFen: 2_000 },
      eligibleSubtotalFen: 16_532,
      name: "Spend 100 save 20",
    });
    expect(b.applied[4]).toMatchObject({ eligibleSubtotalFen: 14_532 });
    expect(b.funding).toEqual({
      platformFundedFen: 4_596,
      merchantFundedFen: 1_352,
      byMerchant: [
        {
          merchantId: "mch_fruit",
          goodsFen: 9_570,
          payableFen: 6_216,
          platformFundedFen: 2_754,
          merchantFundedFen: 600,
        },
        {
          merchantId: "mch_dairy",
          goodsFen: 10_900,
          payableFen: 8_306,
          platformFundedFen: 1_842,
          merchantFundedFen: 752,
        },
      ],
    });
    // a 满150减15 coupon instead would be checked against 145.32 and miss by 4.68
    expect(
      priceCart({
        ...ADR_EXAMPLE,
        coupon: { ...ADR_EXAMPLE.coupon!, kind: "threshold", thresholdFen: 15_000, amountFen: 1_500 } as Coupon,
      }).couponResult,
    ).toMatchObject({
      reason: "below_threshold",
      shortfallFen: 468,
    });
  });

  it.each([
    ["a fractional price", { unitPriceFen: 12.5 }],
    ["a negative price", { unitPriceFen: -1 }],
    ["a zero quantity", { quantity: 0 }],
    ["a fractional quantity", { quantity: 1.5 }],
    ["a fractional override", { priceOverride: { unitPriceFen: 0.5, source: "flash" as const } }],
    ["a base beyond 2^53", { unitPriceFen: 2 ** 52, quantity: 3 }],
  ])("throws RangeError rather than mispricing input the schema rejects: %s", (_, over) => {
    expect(() => priceCart({ now: NOW, lines: [line("a", over)] })).toThrow(RangeError);
  });

  it("throws RangeError for a fractional or negative now", () => {
    expect(() => priceCart({ now: 1.5, lines: [] })).toThrow(RangeError);
    expect(() => priceCart({ now: -1, lines: [] })).toThrow(RangeError);
  });

  it("isActive is half-open", () => {
    expect(isActive({ startsAt: 10, endsAt: 20 }, 9)).toBe(false);
    expect(isActive({ startsAt: 10, endsAt: 20 }, 10)).toBe(true);
    expect(isActive({ startsAt: 10, endsAt: 20 }, 19)).toBe(true);
    expect(isActive({ startsAt: 10, endsAt: 20 }, 20)).toBe(false);
  });
});

describe("pickBestCoupon", () => {
  const lines = [line("a", { unitPriceFen: 6_000 }), line("b", { unitPriceFen: 4_000, merchantId: "m2" })];

  it("returns no coupon when none applies", () => {
    const best = pickBestCoupon({ lines, now: NOW }, [threshold(50_000, 5_000), fixed(500, { startsAt: NOW + 1 })]);
    expect(best.coupon).toBeUndefined();
    expect(best.breakdown.couponResult).toEqual({ status: "none" });
    expect(best.breakdown.totals.payableFen).toBe(10_000);
    expect(pickBestCoupon({ lines, now: NOW }, []).coupon).toBeUndefined();
  });

  it("picks the lowest payable; ties go to the coupon expiring first, then the lower id", () => {
    const coupons = [fixed(500), threshold(10_000, 1_500), percentage(1_000, { maxDiscountFen: 800 })];
    expect(pickBestCoupon({ lines, now: NOW }, coupons).coupon?.id).toBe("cpn_10000_1500");
    const a = fixed(1_000, { id: "cpn_b" });
    const soon = fixed(1_000, { id: "cpn_z", endsAt: NOW + 1 });
    expect(pickBestCoupon({ lines, now: NOW }, [a, soon]).coupon?.id).toBe("cpn_z");
    expect(pickBestCoupon({ lines, now: NOW }, [fixed(1_000, { id: "cpn_c" }), a]).coupon?.id).toBe("cpn_b");
    expect(pickBestCoupon({ lines, now: NOW }, [a, fixed(1_000, { id: "cpn_c" })]).coupon?.id).toBe("cpn_b");
  });
});

const ADR_W = { startsAt: NOW - HOUR, endsAt: NOW + HOUR };
const ADR_EXAMPLE: PriceCartInput = {
  now: NOW,
  member: { level: "gold", discountBp: 2_000, eligibleProductIds: ["prd_strawberry"] },
  lines: [
    {
      lineId: "L1",
      skuId: "sku_strawberry",
      productId: "prd_strawberry",
      merchantId: "mch_fruit",
      categoryId: "cat_fruit",
      quantity: 2,
      unitPriceFen: 3_990,
    },
    {
      lineId: "L2",
      skuId: "sku_milk",
      productId: "prd_milk",
      merchantId: "mch_dairy",
      categoryId: "cat_dairy",
      quantity: 4,
      unitPriceFen: 1_250,
    },
    {
      lineId: "L3",
      skuId: "sku_eggs",
      productId: "prd_eggs",
      merchantId: "mch_fruit",
      categoryId: "cat_eggs",
      quantity: 1,
      unitPriceFen: 1_590,
      priceOverride: { unitPriceFen: 990, source: "flash", campaignId: "fls_eggs" },
    },
    {
      lineId: "L4",
      skuId: "sku_rice",
      productId: "prd_rice",
      merchantId: "mch_dairy",
      categoryId: "cat_grain",
      quantity: 1,
      unitPriceFen: 5_900,
    },
  ],
  limitedTimeDiscounts: [
    {
      id: "ltd_berries",
      merchantId: "mch_fruit",
      productIds: ["prd_strawberry"],
      kind: "percentage",
      discountBp: 1_000,
      ...ADR_W,
    },
    {
      id: "ltd_milk",
      merchantId: "mch_dairy",
      productIds: ["prd_milk"],
      kind: "percentage",
      discountBp: 1_500,
      ...ADR_W,
    },
  ],
  fullReductions: [{ ...SPEND_100_200, id: "fr_platform", name: "Spend 100 save 20", ...ADR_W }],
  coupon: {
    id: "cpn_120_10",
    funding: "platform",
    kind: "threshold",
    thresholdFen: 12_000,
    amountFen: 1_000,
    ...ADR_W,
  },
};

// -----------------------------------------------------------------------------------------------
// Property tests

const MERCHANTS = ["m1", "m2", "m3"] as const;
const CATEGORIES = ["c1", "c2", "c3"] as const;
const PRODUCTS = ["p1", "p2", "p3", "p4", "p5", "p6"] as const;
const SKUS = PRODUCTS.flatMap((p) => [`${p}-s1`, `${p}-s2`]);

/** Windows near NOW: some active, some not started, some over. */
const windowArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(OPEN) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: -3, max: 2 }), fc.integer({ min: 1, max: 4 }))
      .map(([start, length]) => ({ startsAt: NOW + start, endsAt: NOW + start + length })),
  },
);
/** More runs than fast-check's default 100 for the engine properties. */
const RUNS = { numRuns: 300 };
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const moneyArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 99, 100, 10_000, 20_000) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 100_000_000 }) },
);
const quantityArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 999 }) },
);
const bpArb = fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(500, 1_000, 2_000, 5_000, 10_000));

const lineBodyArb = fc
  .record({
    product: fc.integer({ min: 0, max: PRODUCTS.length - 1 }),
    sku: fc.integer({ min: 0, max: 1 }),
    merchantId: fc.constantFrom(...MERCHANTS),
    categoryId: fc.constantFrom(...CATEGORIES),
    quantity: quantityArb,
    unitPriceFen: moneyArb,
    memberDiscountEligible: maybe(fc.boolean()),
  })
  .chain((body) =>
    fc.record({
      body: fc.constant(body),
      priceOverride: fc.option(
        fc.record({
          unitPriceFen: fc.integer({ min: 0, max: body.unitPriceFen }),
          source: fc.constantFrom("flash" as const, "group" as const),
          campaignId: maybe(fc.constantFrom("camp1", "camp2")),
        }),
        { nil: undefined, freq: 4 },
      ),
    }),
  );

const linesArb = fc.array(lineBodyArb, { maxLength: 8 }).map((bodies) =>
  bodies.map(({ body, priceOverride }, i): CartLineInput => {
    const productId = PRODUCTS[body.product]!;
    const l: CartLineInput = {
      lineId: `L${i}`,
      skuId: `${productId}-s${body.sku + 1}`,
      productId,
      merchantId: body.merchantId,
      categoryId: body.categoryId,
      quantity: body.quantity,
      unitPriceFen: body.unitPriceFen,
    };
    if (body.memberDiscountEligible !== undefined) l.memberDiscountEligible = body.memberDiscountEligible;
    if (priceOverride) l.priceOverride = priceOverride;
    return l;
  }),
);

const memberArb: fc.Arbitrary<MemberPerk> = fc.record(
  {
    level: fc.constantFrom("normal" as const, "silver" as const, "gold" as const),
    discountBp: fc.oneof(fc.constant(0), bpArb),
    eligibleProductIds: fc.subarray([...PRODUCTS]),
  },
  { requiredKeys: ["level", "discountBp"] },
);

const ltdArb = (i: number): fc.Arbitrary<LimitedTimeDiscount> =>
  fc
    .tuple(
      windowArb,
      fc.constantFrom(...MERCHANTS),
      fc.subarray([...PRODUCTS], { minLength: 1 }),
      maybe(fc.subarray(SKUS)),
      fc.oneof(
        bpArb.map((discountBp) => ({ kind: "percentage" as const, discountBp })),
        moneyArb.map((unitPriceFen) => ({ kind: "fixed_price" as const, unitPriceFen })),
      ),
    )
    .map(([w, merchantId, productIds, skuIds, terms]) => ({
      id: `ltd${i}`,
      merchantId,
      productIds,
      ...(skuIds ? { skuIds } : {}),
      ...terms,
      ...w,
    }));

const fundingArb = fc.oneof(
  maybe(fc.constantFrom(...MERCHANTS)).map((merchantId) =>
    merchantId ? { funding: "platform" as const, merchantId } : { funding: "platform" as const },
  ),
  fc.constantFrom(...MERCHANTS).map((merchantId) => ({ funding: "merchant" as const, merchantId })),
);
const itemScopeArb = fc.record(
  { applicableCategoryIds: fc.subarray([...CATEGORIES]), applicableProductIds: fc.subarray([...PRODUCTS]) },
  { requiredKeys: [] },
);
const thresholdArb = fc.oneof(fc.integer({ min: 0, max: 50_000 }), fc.constantFrom(0, 10_000, 20_000));

const fullReductionArb = (i: number): fc.Arbitrary<FullReduction> =>
  fc
    .tuple(
      windowArb,
      fundingArb,
      itemScopeArb,
      fc.array(fc.record({ thresholdFen: thresholdArb, reductionFen: fc.integer({ min: 1, max: 20_000 }) }), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([w, funding, scope, tiers]) => ({ id: `fr${i}`, tiers, ...funding, ...scope, ...w }));

const couponArb: fc.Arbitrary<Coupon> = fc
  .tuple(
    windowArb,
    fundingArb,
    itemScopeArb,
    fc.oneof(
      fc.integer({ min: 1, max: 20_000 }).map((amountFen) => ({ kind: "fixed" as const, amountFen })),
      fc
        .tuple(thresholdArb, fc.integer({ min: 1, max: 20_000 }))
        .map(([thresholdFen, amountFen]) => ({ kind: "threshold" as const, thresholdFen, amountFen })),
      fc
        .tuple(bpArb, maybe(fc.integer({ min: 1, max: 20_000 })), maybe(thresholdArb))
        .map(([discountBp, maxDiscountFen, thresholdFen]) => ({
          kind: "percentage" as const,
          discountBp,
          ...(maxDiscountFen !== undefined ? { maxDiscountFen } : {}),
          ...(thresholdFen !== undefined ? { thresholdFen } : {}),
        })),
    ),
  )
  .map(([w, funding, scope, terms]) => ({ id: "cpn", ...funding, ...scope, ...terms, ...w }));

const indexed = <T>(make: (i: number) => fc.Arbitrary<T>, max: number) =>
  fc
    .integer({ min: 0, max })
    .chain((n) => (n === 0 ? fc.constant([] as T[]) : fc.tuple(...Array.from({ length: n }, (_, i) => make(i)))));

const inputArb: fc.Arbitrary<PriceCartInput> = fc
  .record({
    lines: linesArb,
    member: maybe(memberArb),
    limitedTimeDiscounts: indexed(ltdArb, 3),
    fullReductions: indexed(fullReductionArb, 3),
    coupon: maybe(couponArb),
  })
  .map(({ member, coupon, ...rest }) => ({
    ...rest,
    now: NOW,
    ...(member ? { member } : {}),
    ...(coupon ? { coupon } : {}),
  }));

const FEN_LINE_KEYS = [
  "listUnitPriceFen",
  "unitPriceFen",
  "baseFen",
  "overrideDiscountFen",
  "memberDiscountFen",
  "limitedTimeDiscountFen",
  "subtotalFen",
  "fullReductionFen",
  "couponFen",
  "discountFen",
  "payableFen",
  "platformFundedFen",
  "merchantFundedFen",
] as const;
const TOTAL_KEYS = [
  "overrideDiscountFen",
  "memberDiscountFen",
  "limitedTimeDiscountFen",
  "subtotalFen",
  "fullReductionFen",
  "couponFen",
  "discountFen",
  "payableFen",
] as const;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe("priceCart: properties", () => {
  it("generated inputs are valid by the schema (the properties below cover valid input)", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = v.safeParse(PriceCartInputSchema, input);
        expect(result.issues).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("Σ line payables = total payable, and every total is the sum of its line parts", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const b = priceCart(input);
        expect(b.lines).toHaveLength(input.lines.length);
        expect(b.totals.goodsFen).toBe(sum(b.lines.map((l) => l.baseFen)));
        for (const key of TOTAL_KEYS) expect(b.totals[key]).toBe(sum(b.lines.map((l) => l[key])));
      }),
      RUNS,
    );
  });

  it("every line adds up: base − discounts = subtotal − order-level discounts = payable ≥ 0", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const b = priceCart(input);
        b.lines.forEach((l, i) => {
          const src = input.lines[i]!;
          expect(l.lineId).toBe(src.lineId);
          expect(l.baseFen).toBe(src.unitPriceFen * src.quantity);
          expect(l.subtotalFen).toBe(l.unitPriceFen * l.quantity);
          expect(l.subtotalFen).toBe(
            l.baseFen - l.overrideDiscountFen - l.memberDiscountFen - l.limitedTimeDiscountFen,
          );
          expect(l.payableFen).toBe(l.subtotalFen - l.fullReductionFen - l.couponFen);
          expect(l.discountFen).toBe(l.baseFen - l.payableFen);
          expect(l.payableFen).toBeGreaterThanOrEqual(0);
          expect(l.unitPriceFen).toBeLessThanOrEqual(l.listUnitPriceFen);
          for (const key of FEN_LINE_KEYS) expect(l[key]).toBeGreaterThanOrEqual(0);
        });
        expect(b.totals.payableFen).toBeLessThanOrEqual(b.totals.goodsFen);
        expect(b.totals.payableFen).toBe(b.totals.goodsFen - b.totals.discountFen);
        expect(b.totals.discountFen).toBe(
          b.totals.overrideDiscountFen +
            b.totals.memberDiscountFen +
            b.totals.limitedTimeDiscountFen +
            b.totals.fullReductionFen +
            b.totals.couponFen,
        );
      }),
      RUNS,
    );
  });

  it("every fen field is a safe integer", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const b = priceCart(input);
        const check = (n: number) => expect(Number.isSafeInteger(n)).toBe(true);
        for (const l of b.lines) for (const key of FEN_LINE_KEYS) check(l[key]);
        for (const n of Object.values(b.totals)) check(n);
        for (const a of b.applied) {
          check(a.amountFen);
          if (a.kind === "full_reduction" || a.kind === "coupon") check(a.eligibleSubtotalFen);
        }
        check(b.funding.platformFundedFen);
        check(b.funding.merchantFundedFen);
        for (const m of b.funding.byMerchant)
          for (const n of [m.goodsFen, m.payableFen, m.platformFundedFen, m.merchantFundedFen]) check(n);
        if (b.couponResult.status === "applied") check(b.couponResult.amountFen);
        if (b.couponResult.status === "not_applied" && b.couponResult.shortfallFen !== undefined)
          check(b.couponResult.shortfallFen);
      }),
      RUNS,
    );
  });

  it("rules 1–2: a line gets member or limited-time, never both; special-price lines get nothing else", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const b = priceCart(input);
        b.lines.forEach((l, i) => {
          expect(l.memberDiscountFen === 0 || l.limitedTimeDiscountFen === 0).toBe(true);
          if (input.lines[i]!.priceOverride) {
            expect(l.priceSource).toBe(input.lines[i]!.priceOverride!.source);
            expect(l.memberDiscountFen + l.limitedTimeDiscountFen + l.fullReductionFen + l.couponFen).toBe(0);
          } else {
            expect(l.overrideDiscountFen).toBe(0);
          }
        });
      }),
      RUNS,
    );
  });

  it("rule 3: every full-reduction met its tier on its eligible subtotal, and its line shares add up", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const b = priceCart(input);
        const rows = b.applied.filter((a) => a.kind === "full_reduction");
        expect(sum(rows.map((r) => r.amountFen))).toBe(b.totals.fullReductionFen);
        expect(new Set(rows.map((r) => r.fullReductionId)).size).toBe(rows.length);
        for (const r of rows) {
          expect(r.eligibleSubtotalFen).toBeGreaterThanOrEqual(r.tier.thresholdFen);
          expect(r.amountFen).toBe(Math.min(r.tier.reductionFen, r.eligibleSubtotalFen));
          expect(
            sum(b.lines.filter((l) => l.fullReductionId === r.fullReductionId).map((l) => l.fullReductionFen)),
          ).toBe(r.amountFen);
        }
      }),
      RUNS,
    );
  });

  it("rule 4: the coupon result matches the coupon lines, and applied rows add up to the totals", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const b = priceCart(input);
        const byKind = (kind: string) => sum(b.applied.filter((a) => a.kind === kind).map((a) => a.amountFen));
        expect(byKind("price_override")).toBe(b.totals.overrideDiscountFen);
        expect(byKind("limited_time")).toBe(b.totals.limitedTimeDiscountFen);
        expect(byKind("member")).toBe(b.totals.memberDiscountFen);
        expect(byKind("coupon")).toBe(b.totals.couponFen);
        if (!input.coupon) expect(b.couponResult).toEqual({ status: "none" });
        if (b.couponResult.status === "applied") {
          expect(b.couponResult.amountFen).toBe(b.totals.couponFen);
          expect(b.couponResult.amountFen).toBeGreaterThan(0);
          const c = input.coupon!;
          if (c.kind === "percentage" && c.maxDiscountFen !== undefined)
            expect(b.totals.couponFen).toBeLessThanOrEqual(c.maxDiscountFen);
          if (c.kind !== "percentage") expect(b.totals.couponFen).toBeLessThanOrEqual(c.amountFen);
          if (c.merchantId) b.lines.forEach((l) => l.merchantId !== c.merchantId && expect(l.couponFen).toBe(0));
        } else {
          expect(b.totals.couponFen).toBe(0);
        }
      }),
      RUNS,
    );
  });

  it("funding: each line's discount is split exactly between platform and merchant; per merchant goods = payable + funded", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const b = priceCart(input);
        for (const l of b.lines) expect(l.platformFundedFen + l.merchantFundedFen).toBe(l.discountFen);
        expect(b.funding.platformFundedFen + b.funding.merchantFundedFen).toBe(b.totals.discountFen);
        expect(b.funding.byMerchant.map((m) => m.merchantId)).toEqual([
          ...new Set(input.lines.map((l) => l.merchantId)),
        ]);
        for (const m of b.funding.byMerchant) {
          expect(m.goodsFen).toBe(m.payableFen + m.platformFundedFen + m.merchantFundedFen);
          const own = b.lines.filter((l) => l.merchantId === m.merchantId);
          expect(m.payableFen).toBe(sum(own.map((l) => l.payableFen)));
        }
        expect(sum(b.funding.byMerchant.map((m) => m.payableFen))).toBe(b.totals.payableFen);
      }),
      RUNS,
    );
  });

  it("adding a coupon never increases the payable, and changes nothing before the coupon", () => {
    fc.assert(
      fc.property(inputArb, couponArb, (input, coupon) => {
        const { coupon: _ignored, ...rest } = input;
        const without = priceCart(rest);
        const withCoupon = priceCart({ ...rest, coupon });
        expect(withCoupon.totals.payableFen).toBeLessThanOrEqual(without.totals.payableFen);
        expect(withCoupon.totals.payableFen).toBe(without.totals.payableFen - withCoupon.totals.couponFen);
        withCoupon.lines.forEach((l, i) => {
          expect(l.subtotalFen).toBe(without.lines[i]!.subtotalFen);
          expect(l.fullReductionFen).toBe(without.lines[i]!.fullReductionFen);
        });
      }),
      RUNS,
    );
  });

  it("pickBestCoupon is never worse than any single coupon or none", () => {
    fc.assert(
      fc.property(inputArb, fc.array(couponArb, { maxLength: 4 }), (input, coupons) => {
        const { coupon: _ignored, ...rest } = input;
        const candidates = coupons.map((c, i) => ({ ...c, id: `cpn${i}` }));
        const best = pickBestCoupon(rest, candidates);
        expect(best.breakdown).toEqual(priceCart(best.coupon ? { ...rest, coupon: best.coupon } : rest));
        expect(best.breakdown.totals.payableFen).toBeLessThanOrEqual(priceCart(rest).totals.payableFen);
        for (const c of candidates)
          expect(best.breakdown.totals.payableFen).toBeLessThanOrEqual(
            priceCart({ ...rest, coupon: c }).totals.payableFen,
          );
      }),
      RUNS,
    );
  });

  it("is pure: the same (frozen) input twice gives the same output, and the input is untouched", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const snapshot = structuredClone(input);
        const frozen = deepFreeze(input);
        const first = priceCart(frozen);
        expect(priceCart(frozen)).toEqual(first);
        expect(priceCart(structuredClone(snapshot))).toEqual(first);
        expect(input).toEqual(snapshot);
      }),
      RUNS,
    );
  });

  it("totals do not depend on the order of lines or promotions", () => {
    const permutation = <T>(items: readonly T[]) =>
      fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
    fc.assert(
      fc.property(
        inputArb.chain((input) =>
          fc.tuple(
            fc.constant(input),
            permutation(input.lines),
            permutation(input.limitedTimeDiscounts ?? []),
            permutation(input.fullReductions ?? []),
          ),
        ),
        ([input, lines, limitedTimeDiscounts, fullReductions]) => {
          const a = priceCart(input);
          const b = priceCart({ ...input, lines, limitedTimeDiscounts, fullReductions });
          expect(b.totals).toEqual(a.totals);
          expect(b.couponResult).toEqual(a.couponResult);
          expect(b.funding.platformFundedFen).toBe(a.funding.platformFundedFen);
          // line-level prices are per line, so they follow the line wherever it sits
          const byId = new Map(a.lines.map((l) => [l.lineId, l]));
          for (const l of b.lines) {
            const same = byId.get(l.lineId)!;
            expect([l.unitPriceFen, l.subtotalFen, l.priceSource]).toEqual([
              same.unitPriceFen,
              same.subtotalFen,
              same.priceSource,
            ]);
          }
        },
      ),
      RUNS,
    );
  });

  it("is exact at the largest valid cart", () => {
    const lines = Array.from({ length: 200 }, (_, i) =>
      line(`L${i}`, { unitPriceFen: 100_000_000 - i, quantity: 999 }),
    );
    const b = priceCart({
      now: NOW,
      lines,
      member: { level: "gold", discountBp: 3_333 },
      fullReductions: [{ ...SPEND_100_200, tiers: [{ thresholdFen: 0, reductionFen: 999_999_999_999 }] }],
      coupon: percentage(3_333),
    });
    expect(b.totals.payableFen).toBe(sum(b.lines.map((l) => l.payableFen)));
    expect(Number.isSafeInteger(b.totals.goodsFen)).toBe(true);
    expect(b.totals.goodsFen).toBe(sum(lines.map((l) => l.unitPriceFen * 999)));
    expect(b.totals.discountFen).toBe(b.totals.goodsFen - b.totals.payableFen);
  });
});

describe("priceCart: the generator reaches every outcome (so the properties are not vacuous)", () => {
  it("hits each coupon outcome, full-reduction, member, limited-time and special-price case", () => {
    const seen = new Map<string, number>();
    const count = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
    for (const input of fc.sample(inputArb, { numRuns: 3_000, seed: 9 })) {
      const b = priceCart(input);
      count(b.couponResult.status === "not_applied" ? b.couponResult.reason : b.couponResult.status);
      const frRows = b.applied.filter((a) => a.kind === "full_reduction").length;
      if (frRows > 0) count("full_reduction");
      if (frRows > 1) count("several_full_reductions");
      if (b.totals.memberDiscountFen > 0) count("member");
      if (b.totals.limitedTimeDiscountFen > 0) count("limited_time");
      if (b.totals.overrideDiscountFen > 0) count("override");
      if (b.lines.some((l) => l.fullReductionFen > 0 && l.couponFen > 0)) count("full_reduction_and_coupon");
      if (b.lines.some((l) => l.payableFen === 0 && l.baseFen > 0)) count("line_paid_in_full_by_discounts");
      if (input.coupon?.kind === "percentage" && input.coupon.maxDiscountFen === b.totals.couponFen)
        count("percentage_cap_hit");
    }
    const expected = [
      "none",
      "applied",
      "not_started",
      "expired",
      "merchant_mismatch",
      "not_applicable_to_items",
      "below_threshold",
      "no_discount",
      "full_reduction",
      "several_full_reductions",
      "member",
      "limited_time",
      "override",
      "full_reduction_and_coupon",
      "line_paid_in_full_by_discounts",
      "percentage_cap_hit",
    ];
    for (const key of expected) expect([key, seen.get(key) ?? 0]).not.toEqual([key, 0]);
  });
});

describe("rule 7: points", () => {
  const line = (lineId: string, unitPriceFen: number, quantity = 1, extra: Partial<CartLineInput> = {}): CartLineInput => ({
    lineId,
    skuId: lineId,
    productId: `p-${lineId}`,
    merchantId: "m1",
    categoryId: "c1",
    quantity,
    unitPriceFen,
    ...extra,
  });

  it("takes 1 fen per point after the coupon, capped by the share of what is left, platform-funded", () => {
    const b = priceCart({
      lines: [line("a", 3_000), line("b", 1_000)],
      coupon: { id: "c", kind: "fixed", amountFen: 1_000, funding: "merchant", merchantId: "m1", startsAt: 0, endsAt: 10 },
      points: { requested: 5_000, maxPayableBp: 5_000 },
      now: 1,
    });
    // 4,000 − 1,000 coupon = 3,000 left; at most half of it: 1,500.
    expect(b.points).toEqual({ maxFen: 1_500, usedFen: 1_500 });
    expect(b.totals.pointsFen).toBe(1_500);
    expect(b.totals.payableFen).toBe(1_500);
    expect(b.lines.map((l) => l.pointsFen)).toEqual([1_125, 375]);
    expect(b.funding.platformFundedFen).toBe(1_500);
    expect(b.applied.at(-1)).toEqual({ kind: "points", points: 1_500, funding: "platform", amountFen: 1_500, lineIds: ["a", "b"] });
  });

  it("never spends more than asked, and leaves special-price lines alone", () => {
    const b = priceCart({
      lines: [line("a", 2_000), line("f", 5_000, 1, { priceOverride: { unitPriceFen: 990, source: "flash" } })],
      points: { requested: 300, maxPayableBp: 10_000 },
      now: 1,
    });
    expect(b.points).toEqual({ maxFen: 2_000, usedFen: 300 });
    expect(b.lines.find((l) => l.lineId === "f")!.pointsFen).toBe(0);
    expect(b.totals.payableFen).toBe(2_000 - 300 + 990);
  });

  it("keeps Σ line payable = total payable and no line below zero, for any request and cap", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (specs, requested, maxPayableBp) => {
          const b = priceCart({ lines: specs.map(([p, q], i) => line(`l${i}`, p, q)), points: { requested, maxPayableBp }, now: 1 });
          const payable = b.lines.reduce((s, l) => s + l.payableFen, 0);
          expect(payable).toBe(b.totals.payableFen);
          expect(b.lines.every((l) => l.payableFen >= 0)).toBe(true);
          expect(b.points.usedFen).toBeLessThanOrEqual(requested);
          expect(b.points.usedFen * 10_000).toBeLessThanOrEqual(b.totals.subtotalFen * maxPayableBp);
          expect(b.totals.goodsFen - b.totals.payableFen).toBe(b.totals.discountFen);
        },
      ),
    );
  });
});
