import * as v from "valibot";
import {
  CATEGORY_ID,
  FEATURE_KEYS,
  MEMBERSHIP_LEVELS,
  MEMBERSHIP_LIMITS,
  SETTING_KEYS,
  SETTING_SECTIONS,
  SHARE_REWARD_LIMITS,
  type FeatureKey,
  type MembershipLevel,
  type MembershipLevels,
  type SettingKey,
  type SettingSection,
  type SettingValue,
} from "./catalogue";
import { bpToPercentText, fenToYuanInput, parseClock, parseMultiplierToPct, parsePercentToBp, parseWholeNumber, parseYuanToFen, pctToMultiplierText } from "./units";

/**
 * The admin settings page's forms (pure): one per section, fields in human units (percent, yuan,
 * ×, minutes, days, HH:MM), parsed exactly into the settings' integers and checked with valibot.
 * Errors are codes per field (translated from `adminSettings.errors.*`); `out_of_range` is shown
 * with the field's range from FIELD_SPECS.
 */

export type NumberKind = "percent" | "yuan" | "whole" | "multiplier";
export interface NumberFieldSpec {
  kind: NumberKind;
  /** Range in storage units (bp, fen, percent, minutes/days). */
  min: number;
  max: number;
}

const PARSERS: Record<NumberKind, (input: string) => number | null> = {
  percent: parsePercentToBp,
  yuan: parseYuanToFen,
  whole: parseWholeNumber,
  multiplier: parseMultiplierToPct,
};

const levelFields = (level: MembershipLevel): Record<string, NumberFieldSpec> => ({
  [`${level}Multiplier`]: { kind: "multiplier", ...MEMBERSHIP_LIMITS.pointsMultiplierPct },
  [`${level}Discount`]: { kind: "percent", ...MEMBERSHIP_LIMITS.discountBp },
  [`${level}EarlyAccess`]: { kind: "whole", ...MEMBERSHIP_LIMITS.earlyAccessMinutes },
  [`${level}Birthday`]: { kind: "yuan", ...MEMBERSHIP_LIMITS.birthdayCouponFen },
});

/** Every number field of the page by its form name. */
export const FIELD_SPECS: Record<string, NumberFieldSpec> = {
  platformFee: { kind: "percent", min: 0, max: 10_000 },
  leaderRate: { kind: "percent", min: 0, max: 10_000 },
  unpaidTimeout: { kind: "whole", min: 1, max: 24 * 60 },
  afterSalesWindow: { kind: "whole", min: 0, max: 90 },
  uncollectedAfterDays: { kind: "whole", min: 1, max: 30 },
  uncollectedRefund: { kind: "percent", min: 0, max: 10_000 },
  withdrawalMin: { kind: "yuan", min: 100, max: 100_000_000 },
  withdrawalFrozenDays: { kind: "whole", min: 0, max: 30 },
  pointsMaxRedeem: { kind: "percent", min: 0, max: 10_000 },
  reviewPoints: { kind: "whole", min: 0, max: 1_000 },
  silverThreshold: { kind: "yuan", ...MEMBERSHIP_LIMITS.thresholdFen },
  goldThreshold: { kind: "yuan", ...MEMBERSHIP_LIMITS.thresholdFen },
  ...Object.assign({}, ...MEMBERSHIP_LEVELS.map(levelFields)),
  sharePoints: { kind: "whole", ...SHARE_REWARD_LIMITS.points },
  sharePeriodDays: { kind: "whole", ...SHARE_REWARD_LIMITS.periodDays },
  shareDailyCap: { kind: "whole", ...SHARE_REWARD_LIMITS.dailyCapPerSharer },
};

/** A coupon template id (`cpt_` + 20 base32 characters). */
export const COUPON_TEMPLATE_ID = /^cpt_[0-9a-z]{20}$/;

/** A per-category override field is `override_<categoryId>`; empty means "no override". */
export const OVERRIDE_PREFIX = "override_";
export const OVERRIDE_SPEC: NumberFieldSpec = { kind: "percent", min: 0, max: 10_000 };
export const overrideField = (categoryId: string) => `${OVERRIDE_PREFIX}${categoryId}`;

/** A feature switch's checkbox name: "feature.web_push" → "feature_web_push". */
export const featureField = (key: FeatureKey) => key.replace(".", "_");

export const REASON_MAX = 200;

function numberField(spec: NumberFieldSpec) {
  const parse = PARSERS[spec.kind];
  return v.pipe(
    v.string("required"),
    v.trim(),
    v.nonEmpty("required"),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const n = parse(dataset.value);
      if (n === null) {
        addIssue({ message: `${spec.kind}_invalid` });
        return NEVER;
      }
      return n;
    }),
    v.minValue(spec.min, "out_of_range"),
    v.maxValue(spec.max, "out_of_range"),
  );
}

const ClockField = v.pipe(
  v.string("required"),
  v.trim(),
  v.nonEmpty("required"),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const clock = parseClock(dataset.value);
    if (clock === null) {
      addIssue({ message: "time_invalid" });
      return NEVER;
    }
    return clock;
  }),
);

const fields = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, numberField(FIELD_SPECS[n]!)]));

// A field missing from the form (the object's own message) reads as "required" too.
const SectionSchemas = {
  fees: v.object(fields(["platformFee", "leaderRate"]), "required"),
  timing: v.object({ cutoffTime: ClockField, ...fields(["unpaidTimeout", "afterSalesWindow"]) }, "required"),
  uncollected: v.object(fields(["uncollectedAfterDays", "uncollectedRefund"]), "required"),
  withdrawals: v.object(fields(["withdrawalMin", "withdrawalFrozenDays"]), "required"),
  points: v.object(fields(["pointsMaxRedeem"]), "required"),
  reviews: v.object(fields(["reviewPoints"]), "required"),
  membership: v.object(fields(["silverThreshold", "goldThreshold", ...MEMBERSHIP_LEVELS.flatMap((l) => Object.keys(levelFields(l)))]), "required"),
  share: v.object(
    {
      shareKind: v.picklist(["points", "coupon"], "required"),
      shareCouponTemplate: v.optional(v.pipe(v.string(), v.trim(), v.check((s) => s === "" || COUPON_TEMPLATE_ID.test(s), "coupon_template_unknown")), ""),
      ...fields(["sharePoints", "sharePeriodDays", "shareDailyCap"]),
    },
    "required",
  ),
} as const;

/** The fields every section form carries besides its values: the versions it was rendered with, and an optional reason. */
export const SaveMetaSchema = v.object({
  versions: v.pipe(
    v.string("version_conflict"),
    v.parseJson(undefined, "version_conflict"),
    v.record(v.picklist(SETTING_KEYS, "version_conflict"), v.pipe(v.number("version_conflict"), v.safeInteger("version_conflict"), v.minValue(0, "version_conflict")), "version_conflict"),
  ),
  reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(REASON_MAX, "reason_too_long"))),
});

export type SectionValues = Partial<{ [K in SettingKey]: SettingValue<K> }>;
export type FieldErrors = Record<string, string[]>;
export type SectionParse = { ok: true; values: SectionValues; overrideCategoryIds: string[] } | { ok: false; fieldErrors: FieldErrors };

function issuesToErrors(issues: readonly v.BaseIssue<unknown>[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const name = issue.path?.map((p) => String(p.key)).join(".") || "form";
    // One message per field: the first problem is the one to fix.
    out[name] ??= [issue.message];
  }
  return out;
}

/**
 * A section form's values (raw form strings) → the settings values it sets, or field errors.
 * `form` holds the form's text fields (checkboxes that are ticked appear, unticked ones don't).
 */
export function parseSectionForm(section: SettingSection, form: Readonly<Record<string, string>>): SectionParse {
  if (section === "features") {
    const values: SectionValues = {};
    for (const key of FEATURE_KEYS) values[key] = form[featureField(key)] !== undefined;
    return { ok: true, values, overrideCategoryIds: [] };
  }
  const parsed = v.safeParse(SectionSchemas[section], form);
  const errors: FieldErrors = parsed.success ? {} : issuesToErrors(parsed.issues);
  const overrides: Record<string, number> = {};
  if (section === "fees") {
    const overrideSchema = numberField(OVERRIDE_SPEC);
    for (const [name, raw] of Object.entries(form)) {
      if (!name.startsWith(OVERRIDE_PREFIX)) continue;
      const categoryId = name.slice(OVERRIDE_PREFIX.length);
      if (!CATEGORY_ID.test(categoryId)) {
        errors[name] = ["category_unknown"];
        continue;
      }
      if (raw.normalize("NFKC").trim() === "") continue;
      const one = v.safeParse(overrideSchema, raw);
      if (one.success) overrides[categoryId] = one.output;
      else errors[name] = [one.issues[0].message];
    }
  }
  if (!parsed.success || Object.keys(errors).length) return { ok: false, fieldErrors: errors };
  const o = parsed.output as Record<string, number | string>;
  const n = (name: string) => o[name] as number;
  switch (section) {
    case "fees":
      return {
        ok: true,
        values: { "fee.platform_rate_bp": n("platformFee"), "commission.leader_rate_bp": n("leaderRate"), "commission.category_overrides_bp": overrides },
        overrideCategoryIds: Object.keys(overrides),
      };
    case "timing":
      return {
        ok: true,
        values: { "order.cutoff_time": o.cutoffTime as string, "order.unpaid_timeout_minutes": n("unpaidTimeout"), "order.after_sales_window_days": n("afterSalesWindow") },
        overrideCategoryIds: [],
      };
    case "uncollected":
      return { ok: true, values: { "order.uncollected_after_days": n("uncollectedAfterDays"), "order.uncollected_refund_bp": n("uncollectedRefund") }, overrideCategoryIds: [] };
    case "withdrawals":
      return { ok: true, values: { "withdrawal.min_fen": n("withdrawalMin"), "withdrawal.frozen_days": n("withdrawalFrozenDays") }, overrideCategoryIds: [] };
    case "points":
      return { ok: true, values: { "points.max_redeem_bp": n("pointsMaxRedeem") }, overrideCategoryIds: [] };
    case "reviews":
      return { ok: true, values: { "review.points": n("reviewPoints") }, overrideCategoryIds: [] };
    case "membership": {
      if (n("goldThreshold") <= n("silverThreshold")) return { ok: false, fieldErrors: { goldThreshold: ["threshold_order"] } };
      const level = (l: MembershipLevel, thresholdFen: number) => ({
        thresholdFen,
        pointsMultiplierPct: n(`${l}Multiplier`),
        discountBp: n(`${l}Discount`),
        earlyAccessMinutes: n(`${l}EarlyAccess`),
        birthdayCouponFen: n(`${l}Birthday`),
      });
      const levels = { normal: { ...level("normal", 0), thresholdFen: 0 as const }, silver: level("silver", n("silverThreshold")), gold: level("gold", n("goldThreshold")) } satisfies MembershipLevels;
      return { ok: true, values: { "membership.levels": levels }, overrideCategoryIds: [] };
    }
    case "share": {
      const kind = o.shareKind as "points" | "coupon";
      const template = (o.shareCouponTemplate as string) || null;
      if (kind === "coupon" && !template) return { ok: false, fieldErrors: { shareCouponTemplate: ["coupon_template_required"] } };
      return {
        ok: true,
        values: { "share.reward": { kind, points: n("sharePoints"), couponTemplateId: template, periodDays: n("sharePeriodDays"), dailyCapPerSharer: n("shareDailyCap") } },
        overrideCategoryIds: [],
      };
    }
  }
}

/** The section an intent saves ("save-fees" → "fees"), or null. */
export function sectionOfIntent(intent: unknown): SettingSection | null {
  if (typeof intent !== "string" || !intent.startsWith("save-")) return null;
  const name = intent.slice(5);
  return Object.hasOwn(SETTING_SECTIONS, name) ? (name as SettingSection) : null;
}

type SettingValues = { [K in SettingKey]: SettingValue<K> };

/**
 * The text each field of a section shows for these values (what the page renders; parsing it back
 * with `parseSectionForm` gives the same values). Feature switches are "on" when ticked, absent
 * when not; overrides list only the categories that have one.
 */
export function sectionFormValues(section: SettingSection, values: SettingValues): Record<string, string> {
  switch (section) {
    case "fees":
      return {
        platformFee: bpToPercentText(values["fee.platform_rate_bp"]),
        leaderRate: bpToPercentText(values["commission.leader_rate_bp"]),
        ...Object.fromEntries(Object.entries(values["commission.category_overrides_bp"]).map(([id, bp]) => [overrideField(id), bpToPercentText(bp)])),
      };
    case "timing":
      return {
        cutoffTime: values["order.cutoff_time"],
        unpaidTimeout: String(values["order.unpaid_timeout_minutes"]),
        afterSalesWindow: String(values["order.after_sales_window_days"]),
      };
    case "uncollected":
      return { uncollectedAfterDays: String(values["order.uncollected_after_days"]), uncollectedRefund: bpToPercentText(values["order.uncollected_refund_bp"]) };
    case "withdrawals":
      return { withdrawalMin: fenToYuanInput(values["withdrawal.min_fen"]), withdrawalFrozenDays: String(values["withdrawal.frozen_days"]) };
    case "points":
      return { pointsMaxRedeem: bpToPercentText(values["points.max_redeem_bp"]) };
    case "reviews":
      return { reviewPoints: String(values["review.points"]) };
    case "membership": {
      const levels = values["membership.levels"];
      const out: Record<string, string> = {
        silverThreshold: fenToYuanInput(levels.silver.thresholdFen),
        goldThreshold: fenToYuanInput(levels.gold.thresholdFen),
      };
      for (const l of MEMBERSHIP_LEVELS) {
        out[`${l}Multiplier`] = pctToMultiplierText(levels[l].pointsMultiplierPct);
        out[`${l}Discount`] = bpToPercentText(levels[l].discountBp);
        out[`${l}EarlyAccess`] = String(levels[l].earlyAccessMinutes);
        out[`${l}Birthday`] = fenToYuanInput(levels[l].birthdayCouponFen);
      }
      return out;
    }
    case "share": {
      const r = values["share.reward"];
      return { shareKind: r.kind, sharePoints: String(r.points), shareCouponTemplate: r.couponTemplateId ?? "", sharePeriodDays: String(r.periodDays), shareDailyCap: String(r.dailyCapPerSharer) };
    }
    case "features":
      return Object.fromEntries(FEATURE_KEYS.filter((k) => values[k]).map((k) => [featureField(k), "on"]));
  }
}

/** A field's range in human units, for the "between … and …" message. */
export function rangeText(spec: NumberFieldSpec): { min: string; max: string } {
  const text = (n: number) => {
    switch (spec.kind) {
      case "percent":
        return `${bpToPercentText(n)}%`;
      case "yuan":
        return `¥${fenToYuanInput(n)}`;
      case "multiplier":
        return `${pctToMultiplierText(n)}×`;
      case "whole":
        return String(n);
    }
  };
  return { min: text(spec.min), max: text(spec.max) };
}
