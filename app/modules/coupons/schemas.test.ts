import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { BirthdayInput, CreateTemplateInput, parseMyCouponTab, SegmentInput, templateFromForm } from "./schemas";

const base = {
  intent: "create",
  nameZh: "满 50 减 10",
  kind: "threshold",
  amount: "10",
  threshold: "50",
  perUserLimit: "1",
  startsAt: "2026-12-01T10:00",
  endsAt: "2026-12-31T22:00",
};

const errorsOf = (schema: v.GenericSchema, input: unknown) => {
  const r = v.safeParse(schema, input);
  return r.success ? {} : (v.flatten(r.issues).nested as Record<string, string[]>);
};

describe("CreateTemplateInput", () => {
  it("takes each kind and keeps only what the kind reads", () => {
    const threshold = v.parse(CreateTemplateInput, { ...base, percentOff: "20", categoryIds: ["cat_a", "cat_a"], productIds: "prd_b", claimable: "on" });
    expect(templateFromForm(threshold)).toMatchObject({
      kind: "threshold",
      amountFen: 1000,
      thresholdFen: 5000,
      discountBp: null,
      maxDiscountFen: null,
      totalLimit: null,
      validDays: null,
      claimable: true,
      categoryIds: ["cat_a"],
      productIds: ["prd_b"],
      nameEn: "满 50 减 10",
      startsAt: Date.UTC(2026, 11, 1, 2, 0),
    });
    const fixed = templateFromForm(v.parse(CreateTemplateInput, { ...base, kind: "fixed", amount: "5", threshold: "", totalLimit: "100", validDays: "7" }));
    expect(fixed).toMatchObject({
      kind: "fixed",
      amountFen: 500,
      thresholdFen: null,
      totalLimit: 100,
      validDays: 7,
      claimable: false,
      categoryIds: [],
      productIds: [],
    });
    const pct = templateFromForm(
      v.parse(CreateTemplateInput, { ...base, kind: "percentage", amount: "", threshold: "", percentOff: "10", maxDiscount: "20.5" }),
    );
    expect(pct).toMatchObject({ kind: "percentage", amountFen: null, thresholdFen: null, discountBp: 1000, maxDiscountFen: 2050 });
  });

  it("names the field at fault", () => {
    expect(errorsOf(CreateTemplateInput, { ...base, threshold: "10" })).toEqual({ threshold: ["coupon_threshold_low"] });
    expect(errorsOf(CreateTemplateInput, { ...base, threshold: undefined })).toEqual({ threshold: ["coupon_threshold_required"] });
    expect(errorsOf(CreateTemplateInput, { ...base, kind: "fixed", amount: undefined })).toEqual({ amount: ["coupon_amount_required"] });
    expect(errorsOf(CreateTemplateInput, { ...base, kind: "percentage", percentOff: undefined })).toEqual({ percentOff: ["percent_off_invalid"] });
    expect(errorsOf(CreateTemplateInput, { ...base, kind: "percentage", percentOff: "100" }).percentOff).toEqual(["percent_off_invalid"]);
    expect(errorsOf(CreateTemplateInput, { ...base, amount: "1.234" }).amount).toEqual(["money_invalid"]);
    expect(errorsOf(CreateTemplateInput, { ...base, amount: "20000", threshold: "30000" }).amount).toEqual(["coupon_amount_too_large"]);
    expect(errorsOf(CreateTemplateInput, { ...base, perUserLimit: "11" }).perUserLimit).toEqual(["per_user_limit_invalid"]);
    expect(errorsOf(CreateTemplateInput, { ...base, totalLimit: "0" }).totalLimit).toEqual(["total_limit_invalid"]);
    expect(errorsOf(CreateTemplateInput, { ...base, endsAt: "2026-11-30T10:00" })).toEqual({ endsAt: ["window_order"] });
    expect(errorsOf(CreateTemplateInput, { ...base, endsAt: "2028-01-30T10:00" })).toEqual({ endsAt: ["window_too_long"] });
    expect(errorsOf(CreateTemplateInput, { ...base, categoryIds: ["x"] }).categoryIds).toEqual(["category_invalid"]);
    expect(errorsOf(CreateTemplateInput, { ...base, kind: "bogus" }).kind).toEqual(["coupon_kind_invalid"]);
    expect(errorsOf(CreateTemplateInput, { ...base, nameZh: " " }).nameZh).toEqual(["coupon_name_required"]);
  });
});

describe("SegmentInput", () => {
  const t = "cpt_abcdefghjkmnpqrstvwx";
  it("reads the fields of the chosen segment only", () => {
    expect(v.parse(SegmentInput, { templateId: t, segment: "all", level: "gold", days: "x" })).toEqual({ templateId: t, segment: { kind: "all" } });
    expect(v.parse(SegmentInput, { templateId: t, segment: "level", level: "silver" }).segment).toEqual({ kind: "level", level: "silver" });
    expect(v.parse(SegmentInput, { templateId: t, segment: "pickup_point", pickupPointId: "pkp_abc" }).segment).toEqual({
      kind: "pickup_point",
      pickupPointId: "pkp_abc",
    });
    expect(v.parse(SegmentInput, { templateId: t, segment: "lapsed", days: "90" }).segment).toEqual({ kind: "lapsed", days: 90 });
    expect(v.parse(SegmentInput, { templateId: t, segment: "new" }).segment).toEqual({ kind: "new" });
  });

  it("asks for what the segment needs", () => {
    expect(errorsOf(SegmentInput, { templateId: t, segment: "level", level: "" })).toEqual({ level: ["level_required"] });
    expect(errorsOf(SegmentInput, { templateId: t, segment: "pickup_point", pickupPointId: "" })).toEqual({ pickupPointId: ["pickup_point_required"] });
    expect(errorsOf(SegmentInput, { templateId: t, segment: "lapsed", days: "" })).toEqual({ days: ["lapsed_days_required"] });
    expect(errorsOf(SegmentInput, { templateId: t, segment: "lapsed", days: "0" }).days).toEqual(["lapsed_days_invalid"]);
    expect(errorsOf(SegmentInput, { templateId: "cpt_x", segment: "everyone" })).toEqual({ templateId: ["template_invalid"], segment: ["segment_invalid"] });
  });
});

describe("BirthdayInput", () => {
  it("takes a real month and day (29 February too) and refuses the rest on the day field", () => {
    expect(v.parse(BirthdayInput, { intent: "set-birthday", month: "2", day: "29" })).toMatchObject({ month: 2, day: 29 });
    expect(errorsOf(BirthdayInput, { intent: "set-birthday", month: "2", day: "30" })).toEqual({ day: ["birthday_invalid"] });
    expect(errorsOf(BirthdayInput, { intent: "set-birthday", month: "13", day: "1" })).toEqual({ day: ["birthday_invalid"] });
    expect(errorsOf(BirthdayInput, { intent: "set-birthday", month: "", day: "" })).toEqual({
      month: ["birthday_month_required"],
      day: ["birthday_day_required"],
    });
  });

  it("defaults an unknown tab to the usable coupons", () => {
    expect(parseMyCouponTab("used")).toBe("used");
    expect(parseMyCouponTab("nope")).toBe("available");
    expect(parseMyCouponTab(null)).toBe("available");
  });
});
