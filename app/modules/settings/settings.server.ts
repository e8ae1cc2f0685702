import { inArray } from "drizzle-orm";
import * as v from "valibot";
import type { AppContext } from "~/context.server";
import { settings } from "~/db/schema";

/**
 * Platform settings with their defaults and types. Values live in the `settings` table as JSON;
 * the admin issue adds editing and history. Orders snapshot the ones they depend on.
 */
export const SETTING_SCHEMAS = {
  "order.cutoff_time": v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/)),
  "order.unpaid_timeout_minutes": v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(24 * 60)),
  "order.after_sales_window_days": v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(90)),
  "order.uncollected_after_days": v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(30)),
  /** Uncollected goods the leader marks returned: the share of what the shopper paid (for the unpicked items) refunded, in basis points. */
  "order.uncollected_refund_bp": v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000)),
  /** The smallest withdrawal a leader or merchant may request. */
  "withdrawal.min_fen": v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(100_000_000)),
  "fee.platform_rate_bp": v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000)),
  "commission.leader_rate_bp": v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000)),
} as const;

export type SettingKey = keyof typeof SETTING_SCHEMAS;
export type SettingValue<K extends SettingKey> = v.InferOutput<(typeof SETTING_SCHEMAS)[K]>;

export const SETTING_DEFAULTS: { [K in SettingKey]: SettingValue<K> } = {
  "order.cutoff_time": "21:00",
  "order.unpaid_timeout_minutes": 30,
  "order.after_sales_window_days": 7,
  "order.uncollected_after_days": 3,
  "order.uncollected_refund_bp": 10_000,
  "withdrawal.min_fen": 1_000,
  "fee.platform_rate_bp": 500,
  "commission.leader_rate_bp": 1000,
};

/** Reads several settings in one query; a missing or malformed value falls back to its default. */
export async function getSettings<K extends SettingKey>(ctx: Pick<AppContext, "db">, keys: readonly K[]): Promise<{ [P in K]: SettingValue<P> }> {
  const rows = await ctx.db.select().from(settings).where(inArray(settings.key, [...keys]));
  const out = {} as { [P in K]: SettingValue<P> };
  for (const key of keys) {
    const row = rows.find((r) => r.key === key);
    let value: unknown = SETTING_DEFAULTS[key];
    if (row) {
      try {
        const parsed = v.safeParse(SETTING_SCHEMAS[key], JSON.parse(row.value));
        if (parsed.success) value = parsed.output;
      } catch {
        /* keep the default */
      }
    }
    out[key] = value as SettingValue<K>;
  }
  return out;
}
