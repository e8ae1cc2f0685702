import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { canonicalJson, parseSettingValue, SECTION_NAMES, SETTING_DEFAULTS, SETTING_KEYS, SETTING_SCHEMAS, SETTING_SECTIONS } from "./catalogue";
import { FIELD_SPECS, parseSectionForm, rangeText, SaveMetaSchema, sectionFormValues, sectionOfIntent } from "./forms";

const CAT = "cat_demofresh00000000000";

describe("the settings catalogue", () => {
  it("has a valid default for every key, and every key sits in exactly one section", () => {
    for (const key of SETTING_KEYS) expect(v.safeParse(SETTING_SCHEMAS[key], SETTING_DEFAULTS[key]).success, key).toBe(true);
    const inSections = SECTION_NAMES.flatMap((s) => [...SETTING_SECTIONS[s]]);
    expect([...inSections].sort()).toEqual([...SETTING_KEYS].sort());
  });

  it("membership thresholds must increase strictly, normal's is 0, perks stay in range", () => {
    const base = SETTING_DEFAULTS["membership.levels"];
    const ok = (levels: unknown) => v.safeParse(SETTING_SCHEMAS["membership.levels"], levels).success;
    expect(ok(base)).toBe(true);
    expect(ok({ ...base, gold: { ...base.gold, thresholdFen: base.silver.thresholdFen } })).toBe(false);
    expect(ok({ ...base, silver: { ...base.silver, thresholdFen: 0 } })).toBe(false);
    expect(ok({ ...base, normal: { ...base.normal, thresholdFen: 1 } })).toBe(false);
    expect(ok({ ...base, gold: { ...base.gold, pointsMultiplierPct: 99 } })).toBe(false);
    expect(ok({ ...base, gold: { ...base.gold, pointsMultiplierPct: 501 } })).toBe(false);
    expect(ok({ ...base, gold: { ...base.gold, discountBp: 5001 } })).toBe(false);
    expect(ok({ ...base, gold: { ...base.gold, earlyAccessMinutes: 121 } })).toBe(false);
    expect(ok({ ...base, gold: { ...base.gold, birthdayCouponFen: 100_001 } })).toBe(false);
  });

  it("category overrides are category ids to whole basis points 0..10000", () => {
    const ok = (o: unknown) => v.safeParse(SETTING_SCHEMAS["commission.category_overrides_bp"], o).success;
    expect(ok({})).toBe(true);
    expect(ok({ [CAT]: 1500 })).toBe(true);
    expect(ok({ [CAT]: 10_001 })).toBe(false);
    expect(ok({ [CAT]: 12.5 })).toBe(false);
    expect(ok({ "not-a-category": 100 })).toBe(false);
  });

  it("reads stored JSON, null when it is not a valid value", () => {
    expect(parseSettingValue("fee.platform_rate_bp", "650")).toBe(650);
    expect(parseSettingValue("fee.platform_rate_bp", "6.5")).toBeNull();
    expect(parseSettingValue("feature.web_push", "false")).toBe(false);
    expect(parseSettingValue("order.cutoff_time", "{")).toBeNull();
    expect(parseSettingValue("order.cutoff_time", null)).toBeNull();
  });

  it("canonical JSON sorts keys at every level", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe("section forms", () => {
  it("render the defaults as text that parses back to the same values, for every section", () => {
    for (const section of SECTION_NAMES) {
      const form = sectionFormValues(section, SETTING_DEFAULTS);
      const parsed = parseSectionForm(section, form);
      expect(parsed.ok, section).toBe(true);
      if (!parsed.ok) continue;
      for (const key of SETTING_SECTIONS[section]) expect(canonicalJson(parsed.values[key]), key).toBe(canonicalJson(SETTING_DEFAULTS[key]));
    }
  });

  it("fees: percentages with 2 decimals become exact basis points; empty overrides mean none", () => {
    const parsed = parseSectionForm("fees", { platformFee: "5.25", leaderRate: "12.5", [`override_${CAT}`]: "15", override_cat_demobaby000000000000: "" });
    expect(parsed).toEqual({
      ok: true,
      values: { "fee.platform_rate_bp": 525, "commission.leader_rate_bp": 1250, "commission.category_overrides_bp": { [CAT]: 1500 } },
      overrideCategoryIds: [CAT],
    });
  });

  it("fees: field-level errors for bad or out-of-range values and malformed category ids", () => {
    const parsed = parseSectionForm("fees", { platformFee: "5.255", leaderRate: "101", [`override_${CAT}`]: "abc", override_nope: "10" });
    expect(parsed).toEqual({
      ok: false,
      fieldErrors: { platformFee: ["percent_invalid"], leaderRate: ["out_of_range"], [`override_${CAT}`]: ["percent_invalid"], override_nope: ["category_unknown"] },
    });
    expect(parseSectionForm("fees", { leaderRate: "10" })).toEqual({ ok: false, fieldErrors: { platformFee: ["required"] } });
    expect(parseSectionForm("fees", { platformFee: " ", leaderRate: "10" })).toEqual({ ok: false, fieldErrors: { platformFee: ["required"] } });
  });

  it("timing: HH:MM Beijing time and whole minutes/days in range", () => {
    expect(parseSectionForm("timing", { cutoffTime: "9:30", unpaidTimeout: "15", afterSalesWindow: "0" })).toMatchObject({
      ok: true,
      values: { "order.cutoff_time": "09:30", "order.unpaid_timeout_minutes": 15, "order.after_sales_window_days": 0 },
    });
    expect(parseSectionForm("timing", { cutoffTime: "25:00", unpaidTimeout: "0", afterSalesWindow: "1.5" })).toEqual({
      ok: false,
      fieldErrors: { cutoffTime: ["time_invalid"], unpaidTimeout: ["out_of_range"], afterSalesWindow: ["whole_invalid"] },
    });
  });

  it("withdrawals: yuan to fen exactly; below ¥1 is out of range", () => {
    expect(parseSectionForm("withdrawals", { withdrawalMin: "¥12.30", withdrawalFrozenDays: "2" })).toMatchObject({ ok: true, values: { "withdrawal.min_fen": 1230, "withdrawal.frozen_days": 2 } });
    expect(parseSectionForm("withdrawals", { withdrawalMin: "0.99", withdrawalFrozenDays: "1" })).toEqual({ ok: false, fieldErrors: { withdrawalMin: ["out_of_range"] } });
    expect(parseSectionForm("withdrawals", { withdrawalMin: "10", withdrawalFrozenDays: "31" })).toEqual({ ok: false, fieldErrors: { withdrawalFrozenDays: ["out_of_range"] } });
  });

  it("membership: gold's threshold must be above silver's", () => {
    const form = { ...sectionFormValues("membership", SETTING_DEFAULTS), silverThreshold: "800", goldThreshold: "800" };
    expect(parseSectionForm("membership", form)).toEqual({ ok: false, fieldErrors: { goldThreshold: ["threshold_order"] } });
    const good = parseSectionForm("membership", { ...form, goldThreshold: "1600.50", goldMultiplier: "2", goldDiscount: "25" });
    expect(good.ok && good.values["membership.levels"]?.gold).toEqual({ thresholdFen: 160_050, pointsMultiplierPct: 200, discountBp: 2500, earlyAccessMinutes: 30, birthdayCouponFen: 1000 });
    expect(parseSectionForm("membership", { ...form, goldThreshold: "1600", silverMultiplier: "0.5" })).toEqual({ ok: false, fieldErrors: { silverMultiplier: ["out_of_range"] } });
  });

  it("features: a ticked box is on, a missing one off", () => {
    const parsed = parseSectionForm("features", { feature_web_push: "on", feature_door_delivery: "on" });
    expect(parsed.ok && parsed.values).toEqual({
      "feature.group_deals": false,
      "feature.flash_sales": false,
      "feature.door_delivery": true,
      "feature.leader_applications": false,
      "feature.merchant_applications": false,
      "feature.web_push": true,
    });
  });

  it("the meta fields: versions per key and an optional reason of at most 200 characters", () => {
    expect(v.safeParse(SaveMetaSchema, { versions: '{"fee.platform_rate_bp":2}', reason: " promo " }).output).toEqual({ versions: { "fee.platform_rate_bp": 2 }, reason: "promo" });
    expect(v.safeParse(SaveMetaSchema, { versions: '{"nope":1}' }).success).toBe(false);
    expect(v.safeParse(SaveMetaSchema, { versions: "not json" }).success).toBe(false);
    expect(v.safeParse(SaveMetaSchema, { versions: '{"fee.platform_rate_bp":-1}' }).success).toBe(false);
    expect(v.safeParse(SaveMetaSchema, { versions: "{}", reason: "x".repeat(201) }).issues?.[0]?.message).toBe("reason_too_long");
  });

  it("intents name sections; ranges read in human units", () => {
    expect(sectionOfIntent("save-fees")).toBe("fees");
    expect(sectionOfIntent("save-nothing")).toBeNull();
    expect(sectionOfIntent("save-constructor")).toBeNull();
    expect(rangeText(FIELD_SPECS.platformFee!)).toEqual({ min: "0%", max: "100%" });
    expect(rangeText(FIELD_SPECS.withdrawalMin!)).toEqual({ min: "¥1.00", max: "¥1000000.00" });
    expect(rangeText(FIELD_SPECS.goldMultiplier!)).toEqual({ min: "1×", max: "5×" });
  });
});
