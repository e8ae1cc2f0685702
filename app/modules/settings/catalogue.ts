import * as v from "valibot";

/**
 * The platform settings catalogue (SPEC §5, §7): every key, the type and range of its value, its
 * default, and the admin page section it belongs to. Pure, so the admin page's client code can
 * read the kinds and ranges; `settings.server.ts` reads and writes the values.
 *
 * Values are stored as JSON in `settings.value` in storage units: money in fen, rates in basis
 * points (10 000 bp = 100 %), durations in whole minutes or days, the cut-off as "HH:MM" Asia/Shanghai.
 * A missing or malformed stored value reads as its default (`getSettings`).
 */

const int = (min: number, max: number) => v.pipe(v.number(), v.safeInteger(), v.minValue(min), v.maxValue(max));
const bp = (max = 10_000) => int(0, max);

/** `cat_` + 20 base32 characters (ADR 004). */
export const CATEGORY_ID = /^cat_[0-9a-z]{20}$/;
/** The most per-category overrides a map may hold (far more than the catalogue has top categories). */
export const MAX_CATEGORY_OVERRIDES = 500;

export const MEMBERSHIP_LEVELS = ["normal", "silver", "gold"] as const;
export type MembershipLevel = (typeof MEMBERSHIP_LEVELS)[number];

/** Ranges of the membership fields (storage units). */
export const MEMBERSHIP_LIMITS = {
  /** 12-month spend to reach a level, fen: ¥0.01 … ¥10,000,000. */
  thresholdFen: { min: 1, max: 1_000_000_000 },
  /** Points earned per yuan, in percent of the base rate: 100 = 1×, up to 5×. */
  pointsMultiplierPct: { min: 100, max: 500 },
  /** Exclusive discount on selected items: up to 50 %. */
  discountBp: { min: 0, max: 5_000 },
  /** Minutes before a flash sale opens to everyone that this level may already buy. */
  earlyAccessMinutes: { min: 0, max: 120 },
  /** The birthday coupon's amount, fen: up to ¥1,000. */
  birthdayCouponFen: { min: 0, max: 100_000 },
} as const;

const m = MEMBERSHIP_LIMITS;
const perks = {
  pointsMultiplierPct: int(m.pointsMultiplierPct.min, m.pointsMultiplierPct.max),
  discountBp: int(m.discountBp.min, m.discountBp.max),
  earlyAccessMinutes: int(m.earlyAccessMinutes.min, m.earlyAccessMinutes.max),
  birthdayCouponFen: int(m.birthdayCouponFen.min, m.birthdayCouponFen.max),
};

/**
 * Membership levels and their perks (SPEC §6). A shopper's level follows their spend over the last
 * 12 months: `normal` from 0, `silver` and `gold` from their thresholds, which must increase
 * strictly (0 < silver < gold). Read by the membership issue; stored here so admins set them.
 */
export const MembershipLevelsSchema = v.pipe(
  v.object({
    normal: v.object({ thresholdFen: v.literal(0), ...perks }),
    silver: v.object({ thresholdFen: int(m.thresholdFen.min, m.thresholdFen.max), ...perks }),
    gold: v.object({ thresholdFen: int(m.thresholdFen.min, m.thresholdFen.max), ...perks }),
  }),
  v.check((l) => l.silver.thresholdFen > l.normal.thresholdFen && l.gold.thresholdFen > l.silver.thresholdFen, "threshold_order"),
);
export type MembershipLevels = v.InferOutput<typeof MembershipLevelsSchema>;

/**
 * Leader commission per category, overriding `commission.leader_rate_bp` for lines of that category
 * (the line's own category id, exactly; no inheritance from a parent). Saved only with ids of
 * existing categories.
 */
export const CategoryOverridesSchema = v.pipe(
  v.record(v.pipe(v.string(), v.regex(CATEGORY_ID)), bp()),
  v.check((o) => Object.keys(o).length <= MAX_CATEGORY_OVERRIDES),
);

/** Ranges of the share reward's fields. */
export const SHARE_REWARD_LIMITS = {
  points: { min: 1, max: 100_000 },
  periodDays: { min: 1, max: 365 },
  dailyCapPerSharer: { min: 1, max: 1_000 },
} as const;

/**
 * What a sharer gets when a friend's order that came through their link is picked up (ADR 023):
 * points, or one coupon of a template (points instead when it cannot be issued), once per friend
 * per `periodDays`, at most `dailyCapPerSharer` rewards a day.
 */
export const ShareRewardSchema = v.pipe(
  v.object({
    kind: v.picklist(["points", "coupon"]),
    points: int(SHARE_REWARD_LIMITS.points.min, SHARE_REWARD_LIMITS.points.max),
    couponTemplateId: v.nullable(v.pipe(v.string(), v.regex(/^cpt_[0-9a-z]{20}$/))),
    periodDays: int(SHARE_REWARD_LIMITS.periodDays.min, SHARE_REWARD_LIMITS.periodDays.max),
    dailyCapPerSharer: int(SHARE_REWARD_LIMITS.dailyCapPerSharer.min, SHARE_REWARD_LIMITS.dailyCapPerSharer.max),
  }),
  v.check((r) => r.kind === "points" || r.couponTemplateId !== null, "coupon_template_required"),
);
export type ShareReward = v.InferOutput<typeof ShareRewardSchema>;

/** Feature switches (on by default). Off hides the feature and makes its actions refuse; see ADR 015. */
export const FEATURE_KEYS = [
  "feature.group_deals",
  "feature.flash_sales",
  "feature.door_delivery",
  "feature.leader_applications",
  "feature.merchant_applications",
  "feature.web_push",
] as const;
export type FeatureKey = (typeof FEATURE_KEYS)[number];

export const SETTING_SCHEMAS = {
  "order.cutoff_time": v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/)),
  "order.unpaid_timeout_minutes": int(1, 24 * 60),
  "order.after_sales_window_days": int(0, 90),
  "order.uncollected_after_days": int(1, 30),
  /** Uncollected goods the leader marks returned: the share of what the shopper paid (for the unpicked items) refunded, in basis points. */
  "order.uncollected_refund_bp": bp(),
  /** The smallest withdrawal a leader or merchant may request. */
  "withdrawal.min_fen": int(100, 100_000_000),
  /** Settled money becomes withdrawable this many days after it reached the ledger (room for a late dispute). */
  "withdrawal.frozen_days": int(0, 30),
  "fee.platform_rate_bp": bp(),
  "commission.leader_rate_bp": bp(),
  "commission.category_overrides_bp": CategoryOverridesSchema,
  "membership.levels": MembershipLevelsSchema,
  "points.max_redeem_bp": bp(),
  /** Points a shopper earns for reviewing a picked-up item (once per review; 0 turns the reward off). */
  "review.points": int(0, 1_000),
  "share.reward": ShareRewardSchema,
  "feature.group_deals": v.boolean(),
  "feature.flash_sales": v.boolean(),
  "feature.door_delivery": v.boolean(),
  "feature.leader_applications": v.boolean(),
  "feature.merchant_applications": v.boolean(),
  "feature.web_push": v.boolean(),
} as const;

export type SettingKey = keyof typeof SETTING_SCHEMAS;
export type SettingValue<K extends SettingKey> = v.InferOutput<(typeof SETTING_SCHEMAS)[K]>;
export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as SettingKey[];

export function isSettingKey(value: unknown): value is SettingKey {
  return typeof value === "string" && Object.hasOwn(SETTING_SCHEMAS, value);
}

export const SETTING_DEFAULTS: { [K in SettingKey]: SettingValue<K> } = {
  "order.cutoff_time": "21:00",
  "order.unpaid_timeout_minutes": 30,
  "order.after_sales_window_days": 7,
  "order.uncollected_after_days": 3,
  "order.uncollected_refund_bp": 10_000,
  "withdrawal.min_fen": 1_000,
  "withdrawal.frozen_days": 1,
  "fee.platform_rate_bp": 500,
  "commission.leader_rate_bp": 1000,
  "commission.category_overrides_bp": {},
  "membership.levels": {
    normal: { thresholdFen: 0, pointsMultiplierPct: 100, discountBp: 0, earlyAccessMinutes: 0, birthdayCouponFen: 0 },
    silver: { thresholdFen: 50_000, pointsMultiplierPct: 120, discountBp: 0, earlyAccessMinutes: 10, birthdayCouponFen: 500 },
    gold: { thresholdFen: 200_000, pointsMultiplierPct: 150, discountBp: 2_000, earlyAccessMinutes: 30, birthdayCouponFen: 1_000 },
  },
  // Points may pay at most half of an order's eligible amount (100 points = ¥1).
  "points.max_redeem_bp": 5_000,
  "review.points": 10,
  "share.reward": { kind: "points", points: 50, couponTemplateId: null, periodDays: 30, dailyCapPerSharer: 20 },
  "feature.group_deals": true,
  "feature.flash_sales": true,
  "feature.door_delivery": true,
  "feature.leader_applications": true,
  "feature.merchant_applications": true,
  "feature.web_push": true,
};

/** The admin page's sections: each is its own form, saved on its own (intent `save-<section>`). */
export const SETTING_SECTIONS = {
  fees: ["fee.platform_rate_bp", "commission.leader_rate_bp", "commission.category_overrides_bp"],
  timing: ["order.cutoff_time", "order.unpaid_timeout_minutes", "order.after_sales_window_days"],
  uncollected: ["order.uncollected_after_days", "order.uncollected_refund_bp"],
  withdrawals: ["withdrawal.min_fen", "withdrawal.frozen_days"],
  membership: ["membership.levels"],
  points: ["points.max_redeem_bp"],
  reviews: ["review.points"],
  share: ["share.reward"],
  features: FEATURE_KEYS,
} as const satisfies Record<string, readonly SettingKey[]>;
export type SettingSection = keyof typeof SETTING_SECTIONS;
export const SECTION_NAMES = Object.keys(SETTING_SECTIONS) as SettingSection[];

/**
 * JSON with object keys sorted at every level, so equal values always serialise to the same text:
 * what is stored, and how "did it change?" is decided.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** A stored JSON text read as the key's value; null when it is not valid JSON or not a valid value. */
export function parseSettingValue<K extends SettingKey>(key: K, json: string | null | undefined): SettingValue<K> | null {
  if (json === null || json === undefined) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = v.safeParse(SETTING_SCHEMAS[key], raw);
  return parsed.success ? (parsed.output as SettingValue<K>) : null;
}
