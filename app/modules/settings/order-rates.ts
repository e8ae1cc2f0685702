/**
 * The settings an order is bound to, snapshotted on the order row (`orders.rates`, JSON) when it
 * is placed (ADR 015). A settings change is effective for new orders at once and never retroactive:
 * whatever decides an existing order's money or deadlines reads its snapshot, and only orders
 * placed before a field existed in the snapshot fall back to today's setting.
 *
 *   platformFeeBp              the platform fee rate
 *   leaderCommissionBp         the leader's commission rate of the whole order: the goods-weighted
 *                              blend of its lines' rates (see `blendCommissionBp`); exactly the
 *                              default rate when no override applies
 *   defaultLeaderCommissionBp  `commission.leader_rate_bp` at placement (lines without an override)
 *   categoryCommissionBp       the per-category overrides restricted to the order's categories, so
 *                              settlement may compute the commission per line
 *   afterSalesWindowDays       days after pickup before the order settles
 *   uncollectedAfterDays       days after arrival before goods count as uncollected
 *   uncollectedRefundBp        the share refunded when uncollected goods are returned
 *
 * Pure: no database, no Request.
 */

export interface RateSettings {
  platformFeeBp: number;
  leaderCommissionBp: number;
  categoryOverridesBp: Readonly<Record<string, number>>;
  afterSalesWindowDays: number;
  uncollectedAfterDays: number;
  uncollectedRefundBp: number;
}

export interface OrderRatesSnapshot {
  platformFeeBp: number;
  leaderCommissionBp: number;
  defaultLeaderCommissionBp: number;
  categoryCommissionBp: Record<string, number>;
  afterSalesWindowDays: number;
  uncollectedAfterDays: number;
  uncollectedRefundBp: number;
}

/** One order line as the blend sees it: its category and its goods value (list price × quantity, fen). */
export interface RateLine {
  categoryId: string;
  goodsFen: number;
}

/** The settings keys an order snapshots (read at checkout in one query). */
export const RATE_SETTING_KEYS = [
  "fee.platform_rate_bp",
  "commission.leader_rate_bp",
  "commission.category_overrides_bp",
  "order.after_sales_window_days",
  "order.uncollected_after_days",
  "order.uncollected_refund_bp",
] as const;

export function rateSettingsFrom(s: {
  "fee.platform_rate_bp": number;
  "commission.leader_rate_bp": number;
  "commission.category_overrides_bp": Readonly<Record<string, number>>;
  "order.after_sales_window_days": number;
  "order.uncollected_after_days": number;
  "order.uncollected_refund_bp": number;
}): RateSettings {
  return {
    platformFeeBp: s["fee.platform_rate_bp"],
    leaderCommissionBp: s["commission.leader_rate_bp"],
    categoryOverridesBp: s["commission.category_overrides_bp"],
    afterSalesWindowDays: s["order.after_sales_window_days"],
    uncollectedAfterDays: s["order.uncollected_after_days"],
    uncollectedRefundBp: s["order.uncollected_refund_bp"],
  };
}

/** A line's commission rate: its category's override, else the default. */
export function lineCommissionBp(categoryId: string, defaultBp: number, overrides: Readonly<Record<string, number>>): number {
  return Object.hasOwn(overrides, categoryId) ? overrides[categoryId]! : defaultBp;
}

/**
 * The order's commission rate as one figure: Σ(goods × line rate) / Σ goods, rounded half up to a
 * whole basis point, in exact integer arithmetic (BigInt). An order whose lines share one rate gets
 * exactly that rate; a blend always lies between its lowest and highest line rate. With no goods
 * value at all (free lines only) it is the lines' common rate, or the default when they differ.
 */
export function blendCommissionBp(lines: readonly RateLine[], defaultBp: number, overrides: Readonly<Record<string, number>>): number {
  const rates = lines.map((l) => lineCommissionBp(l.categoryId, defaultBp, overrides));
  if (rates.length && rates.every((r) => r === rates[0])) return rates[0]!;
  let weighted = 0n;
  let goods = 0n;
  lines.forEach((l, i) => {
    const g = BigInt(Math.max(0, l.goodsFen));
    weighted += g * BigInt(rates[i]!);
    goods += g;
  });
  if (goods === 0n) return defaultBp;
  // round_half_up(w / g) = floor((2w + g) / 2g) for w, g ≥ 0.
  return Number((2n * weighted + goods) / (2n * goods));
}

/** The snapshot to store on a new order with these lines under today's settings. */
export function orderRatesSnapshot(settings: RateSettings, lines: readonly RateLine[]): OrderRatesSnapshot {
  const categories = [...new Set(lines.map((l) => l.categoryId))].sort();
  const categoryCommissionBp: Record<string, number> = {};
  for (const c of categories) if (Object.hasOwn(settings.categoryOverridesBp, c)) categoryCommissionBp[c] = settings.categoryOverridesBp[c]!;
  return {
    platformFeeBp: settings.platformFeeBp,
    leaderCommissionBp: blendCommissionBp(lines, settings.leaderCommissionBp, settings.categoryOverridesBp),
    defaultLeaderCommissionBp: settings.leaderCommissionBp,
    categoryCommissionBp,
    afterSalesWindowDays: settings.afterSalesWindowDays,
    uncollectedAfterDays: settings.uncollectedAfterDays,
    uncollectedRefundBp: settings.uncollectedRefundBp,
  };
}

/** The integer snapshot fields with their valid ranges (the same as the settings they copy). */
export const SNAPSHOT_INT_FIELDS = {
  afterSalesWindowDays: { min: 0, max: 90 },
  uncollectedAfterDays: { min: 1, max: 30 },
  uncollectedRefundBp: { min: 0, max: 10_000 },
} as const;
export type SnapshotIntField = keyof typeof SNAPSHOT_INT_FIELDS;

/**
 * One integer field of an order's `rates` snapshot (JSON text or parsed), or `fallback` — today's
 * setting — when the order predates the field (or the value is malformed or out of range).
 */
export function snapshotInt(rates: unknown, field: SnapshotIntField, fallback: number): number {
  let value: unknown = rates;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return fallback;
    }
  }
  const x = value && typeof value === "object" ? (value as Record<string, unknown>)[field] : undefined;
  const { min, max } = SNAPSHOT_INT_FIELDS[field];
  return Number.isSafeInteger(x) && (x as number) >= min && (x as number) <= max ? (x as number) : fallback;
}

/** The platform fee and leader commission rates of an order's `rates` snapshot (basis points, clamped to 0..10000). */
export function orderRateBps(rates: unknown): { platformFeeBp: number; leaderCommissionBp: number | null } {
  let value: { platformFeeBp?: unknown; leaderCommissionBp?: unknown } = {};
  if (typeof rates === "string") {
    try {
      value = JSON.parse(rates) as typeof value;
    } catch {
      value = {};
    }
  } else if (rates && typeof rates === "object") value = rates as typeof value;
  const bp = (x: unknown) => (Number.isSafeInteger(x) && (x as number) >= 0 ? Math.min(x as number, 10_000) : null);
  return { platformFeeBp: bp(value.platformFeeBp) ?? 0, leaderCommissionBp: bp(value.leaderCommissionBp) };
}
