import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { priceCart } from "./price-cart";
import type { PriceCartInput } from "./types";
import { CouponSchema, MAX_LINES, PriceCartInputSchema, validatePriceCartInput } from "./validate";

const NOW = Date.UTC(2026, 11, 1, 2, 0);
const W = { startsAt: NOW - 1, endsAt: NOW + 1 };
const line = {
  lineId: "L1",
  skuId: "s1",
  productId: "p1",
  merchantId: "m1",
  categoryId: "c1",
  quantity: 2,
  unitPriceFen: 1_000,
};

const valid = {
  now: NOW,
  lines: [
    line,
    {
      ...line,
      lineId: "L2",
      priceOverride: { unitPriceFen: 800, source: "flash", campaignId: "f1" },
      memberDiscountEligible: false,
    },
  ],
  member: { level: "gold", discountBp: 2_000, eligibleProductIds: ["p1"] },
  limitedTimeDiscounts: [
    { id: "d1", merchantId: "m1", productIds: ["p1"], kind: "percentage", discountBp: 1_000, ...W },
    { id: "d2", merchantId: "m1", skuIds: ["s1"], kind: "fixed_price", unitPriceFen: 900, name: "sale", ...W },
  ],
  fullReductions: [{ id: "r1", funding: "platform", tiers: [{ thresholdFen: 10_000, reductionFen: 2_000 }], ...W }],
  coupon: {
    id: "c1",
    funding: "merchant",
    merchantId: "m1",
    kind: "threshold",
    thresholdFen: 1_000,
    amountFen: 100,
    code: "SAVE1",
    ...W,
  },
};

/** `valid` with one value replaced at a path. */
function withValue(path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(valid) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

describe("validatePriceCartInput", () => {
  it("accepts a valid input, and the engine prices it", () => {
    const result = validatePriceCartInput(valid);
    expect(result.ok).toBe(true);
    if (result.ok) {
      const b = priceCart(result.value);
      expect(b.totals.payableFen).toBe(b.lines.reduce((a, l) => a + l.payableFen, 0));
    }
  });

  it("accepts the smallest input and strips unknown keys", () => {
    const result = validatePriceCartInput({ now: 0, lines: [], extra: 1 });
    expect(result).toEqual({ ok: true, value: { now: 0, lines: [] } });
  });

  it.each([
    [["lines", 0, "unitPriceFen"], -1, "price_invalid"],
    [["lines", 0, "unitPriceFen"], 12.5, "price_invalid"],
    [["lines", 0, "unitPriceFen"], Number.NaN, "price_invalid"],
    [["lines", 0, "unitPriceFen"], "1000", "price_invalid"],
    [["lines", 0, "unitPriceFen"], 100_000_001, "price_invalid"],
    [["lines", 0, "quantity"], 0, "quantity_invalid"],
    [["lines", 0, "quantity"], 1_000, "quantity_invalid"],
    [["lines", 0, "quantity"], 1.5, "quantity_invalid"],
    [["lines", 0, "lineId"], "", "id_required"],
    [["lines", 0, "lineId"], "x".repeat(65), "id_too_long"],
    [["lines", 0, "merchantId"], undefined, "required"],
    [["lines", 1, "lineId"], "L1", "line_id_duplicate"],
    [["lines", 1, "priceOverride", "unitPriceFen"], 1_001, "override_above_list_price"],
    [["lines", 1, "priceOverride", "source"], "clearance", "override_source_invalid"],
    [["lines", 1, "memberDiscountEligible"], "yes", "flag_invalid"],
    [["member", "discountBp"], 10_001, "discount_bp_invalid"],
    [["member", "discountBp"], -1, "discount_bp_invalid"],
    [["member", "level"], "platinum", "member_level_invalid"],
    [["limitedTimeDiscounts", 0, "discountBp"], 0, "discount_bp_invalid"],
    [["limitedTimeDiscounts", 0, "kind"], "bogof", "discount_kind_invalid"],
    [["limitedTimeDiscounts", 0, "productIds"], undefined, "targets_required"],
    [["limitedTimeDiscounts", 0, "endsAt"], NOW - 1, "window_invalid"],
    [["limitedTimeDiscounts", 1, "unitPriceFen"], -5, "price_invalid"],
    [["fullReductions", 0, "tiers"], [], "tiers_required"],
    [
      ["fullReductions", 0, "tiers"],
      Array.from({ length: 21 }, () => ({ thresholdFen: 0, reductionFen: 1 })),
      "tiers_too_many",
    ],
    [["fullReductions", 0, "tiers", 0, "reductionFen"], 0, "amount_invalid"],
    [["fullReductions", 0, "tiers", 0, "thresholdFen"], -1, "threshold_invalid"],
    [["fullReductions", 0, "funding"], "merchant", "required"], // merchant-funded needs a merchant
    [["fullReductions", 0, "funding"], "leader", "funding_invalid"],
    [["coupon", "merchantId"], undefined, "required"],
    [["coupon", "kind"], "mystery", "coupon_kind_invalid"],
    [["coupon", "thresholdFen"], undefined, "required"],
    [["coupon", "amountFen"], 0, "amount_invalid"],
    [["coupon", "amountFen"], 1e13, "amount_invalid"],
    [["coupon", "startsAt"], NOW + 1, "window_invalid"],
    [["coupon", "code"], "x".repeat(33), "code_invalid"],
    [["limitedTimeDiscounts", 1, "id"], "d1", "promotion_id_duplicate"],
    [
      ["fullReductions", 1],
      { id: "r1", funding: "platform", tiers: [{ thresholdFen: 0, reductionFen: 1 }], ...W },
      "promotion_id_duplicate",
    ],
    [["now"], -1, "time_invalid"],
    [["now"], 1.5, "time_invalid"],
  ])("rejects %j = %j with %s", (path, value, code) => {
    const result = validatePriceCartInput(withValue(path, value));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it("names the field of the first issue", () => {
    expect(validatePriceCartInput(withValue(["lines", 0, "quantity"], 0))).toEqual({
      ok: false,
      error: { code: "quantity_invalid", field: "lines.0.quantity" },
    });
    expect(validatePriceCartInput(withValue(["coupon", "merchantId"], undefined))).toEqual({
      ok: false,
      error: { code: "required", field: "coupon.merchantId" },
    });
    expect(validatePriceCartInput(withValue(["lines", 1, "priceOverride", "unitPriceFen"], 5_000))).toEqual({
      ok: false,
      error: { code: "override_above_list_price", field: "lines.1.priceOverride" },
    });
  });

  it("rejects a non-object and too many lines", () => {
    expect(validatePriceCartInput(null)).toEqual({ ok: false, error: { code: "invalid" } });
    expect(validatePriceCartInput({ now: NOW, lines: "x" })).toMatchObject({
      ok: false,
      error: { code: "lines_invalid", field: "lines" },
    });
    expect(validatePriceCartInput({ now: NOW })).toMatchObject({
      ok: false,
      error: { code: "required", field: "lines" },
    });
    const many = Array.from({ length: MAX_LINES + 1 }, (_, i) => ({ ...line, lineId: `L${i}` }));
    expect(validatePriceCartInput({ now: NOW, lines: many })).toMatchObject({
      ok: false,
      error: { code: "lines_too_many" },
    });
  });

  it("accepts each coupon kind with either funding", () => {
    const base = { id: "c", ...W };
    for (const terms of [
      { kind: "fixed", amountFen: 500 },
      { kind: "threshold", amountFen: 500, thresholdFen: 5_000 },
      { kind: "percentage", discountBp: 1_000 },
      { kind: "percentage", discountBp: 1_000, maxDiscountFen: 1_500, thresholdFen: 0 },
    ]) {
      for (const funding of [
        { funding: "platform" },
        { funding: "platform", merchantId: "m1" },
        { funding: "merchant", merchantId: "m1" },
      ]) {
        expect(v.safeParse(CouponSchema, { ...base, ...terms, ...funding }).success).toBe(true);
      }
    }
  });

  it("types the output as PriceCartInput", () => {
    const parsed: PriceCartInput = v.parse(PriceCartInputSchema, valid);
    expect(parsed.lines).toHaveLength(2);
  });
});
