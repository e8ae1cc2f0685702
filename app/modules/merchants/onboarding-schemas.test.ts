import * as v from "valibot";
import { describe, expect, it } from "vitest";
import {
  ApplyMerchantInput,
  checkWindow,
  CreateCouponInput,
  CreateDiscountInput,
  epochToShanghaiLocal,
  normaliseLicenceNo,
  shanghaiLocalToEpoch,
  yuanToFen,
} from "./onboarding-schemas";

const issues = (schema: v.GenericSchema, input: unknown) => {
  const r = v.safeParse(schema, input);
  return r.success ? {} : v.flatten(r.issues).nested ?? {};
};

describe("money and time from form fields", () => {
  it("reads yuan as integer fen without floating point", () => {
    expect(yuanToFen("12.34")).toBe(1234);
    expect(yuanToFen("9.9")).toBe(990);
    expect(yuanToFen("0.07")).toBe(7);
    expect(yuanToFen(" 100 ")).toBe(10000);
    for (const bad of ["", "1.234", "-1", "1e3", "abc", "12345678"]) expect(yuanToFen(bad), bad).toBeNaN();
  });

  it("reads datetime-local values as Asia/Shanghai wall time and back", () => {
    expect(shanghaiLocalToEpoch("2026-05-01T20:00")).toBe(Date.UTC(2026, 4, 1, 12, 0));
    expect(epochToShanghaiLocal(Date.UTC(2026, 4, 1, 12, 0))).toBe("2026-05-01T20:00");
    expect(shanghaiLocalToEpoch("2026-02-31T10:00")).toBeNaN();
    expect(shanghaiLocalToEpoch("tomorrow")).toBeNaN();
  });

  it("normalises licence numbers", () => {
    expect(normaliseLicenceNo(" 9131 0000-ma1fl0001x ")).toBe("91310000MA1FL0001X");
  });
});

describe("form rules", () => {
  const apply = {
    storeName: "邻家菜园",
    companyName: "上海邻家菜园农业有限公司",
    licenceNo: "91310000ma1fl0301a",
    contactName: "陈",
    contactPhone: "13800000301",
  };

  it("needs at least one category on the application, one or many", () => {
    expect(issues(ApplyMerchantInput, apply)).toEqual({ categoryIds: ["categories_required"] });
    expect(v.parse(ApplyMerchantInput, { ...apply, categoryIds: "cat_demofresh00000000000" }).categoryIds).toEqual(["cat_demofresh00000000000"]);
    expect(v.parse(ApplyMerchantInput, { ...apply, categoryIds: ["cat_a", "cat_b"] }).licenceNo).toBe("91310000MA1FL0301A");
    expect(issues(ApplyMerchantInput, { ...apply, licenceNo: "123", categoryIds: "cat_a" })).toEqual({ licenceNo: ["licence_no_invalid"] });
  });

  const discount = {
    intent: "create-discount",
    name: "尝鲜价",
    skuId: "sku_demotomato0000000001",
    kind: "fixed_price",
    unitPrice: "9.90",
    startsAt: "2026-05-01T20:00",
    endsAt: "2026-05-02T20:00",
  };

  it("asks for the field its discount kind needs, and an ordered window of at most 90 days", () => {
    expect(v.parse(CreateDiscountInput, discount)).toMatchObject({ unitPrice: 990, startsAt: Date.UTC(2026, 4, 1, 12) });
    expect(issues(CreateDiscountInput, { ...discount, unitPrice: undefined })).toEqual({ unitPrice: ["discount_price_required"] });
    expect(issues(CreateDiscountInput, { ...discount, kind: "percentage" })).toEqual({ percentOff: ["percent_off_invalid"] });
    expect(issues(CreateDiscountInput, { ...discount, kind: "percentage", percentOff: "95" })).toEqual({ percentOff: ["percent_off_invalid"] });
    expect(issues(CreateDiscountInput, { ...discount, endsAt: "2026-05-01T19:00" })).toEqual({ endsAt: ["window_order"] });
    expect(issues(CreateDiscountInput, { ...discount, endsAt: "2026-09-01T19:00" })).toEqual({ endsAt: ["window_too_long"] });
  });

  it("keeps a spend-and-save coupon's minimum above its amount", () => {
    const coupon = {
      intent: "create-coupon",
      nameZh: "满50减8",
      kind: "threshold",
      amount: "8",
      threshold: "50",
      totalLimit: "100",
      perUserLimit: "1",
      startsAt: discount.startsAt,
      endsAt: discount.endsAt,
    };
    expect(v.parse(CreateCouponInput, coupon)).toMatchObject({ amount: 800, threshold: 5000, totalLimit: 100 });
    expect(issues(CreateCouponInput, { ...coupon, threshold: "8" })).toEqual({ threshold: ["coupon_threshold_low"] });
    expect(issues(CreateCouponInput, { ...coupon, threshold: undefined })).toEqual({ threshold: ["coupon_threshold_required"] });
    expect(v.parse(CreateCouponInput, { ...coupon, kind: "fixed", threshold: undefined }).kind).toBe("fixed");
  });

  it("refuses windows that started in the past (beyond a few minutes' grace) or already ended", () => {
    const now = Date.UTC(2026, 4, 1, 12);
    expect(checkWindow({ startsAt: now - 60_000, endsAt: now + 3600_000 }, now)).toBeNull();
    expect(checkWindow({ startsAt: now - 3600_000, endsAt: now + 3600_000 }, now)).toEqual({ field: "startsAt", code: "starts_in_past" });
  });
});
