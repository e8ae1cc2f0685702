import { formatFen } from "~/lib/format";
import { MEMBERSHIP_LEVELS, parseSettingValue, type SettingKey } from "./catalogue";
import { bpToPercentText, pctToMultiplierText } from "./units";

/**
 * Settings values in human units for the admin page and its history (pure; the caller passes its
 * `t`): rates as percentages, money as ¥, durations with their unit, switches as on/off.
 */

type T = (key: string, options?: Record<string, unknown>) => string;

/** The translation key of a setting's label (i18next reads dots as nesting, so they become underscores). */
export function settingLabelKey(key: string): string {
  return `adminSettings.keys.${key.replace(/\./g, "_")}`;
}

export const percentText = (bp: number) => `${bpToPercentText(bp)}%`;

/** A stored value of `key` as a short text; a value that does not fit the key is shown as its JSON. */
export function formatSettingValue(key: SettingKey, value: unknown, t: T, categoryName: (id: string) => string | null = () => null): string {
  if (value === null || value === undefined) return "—";
  const typed = parseSettingValue(key, JSON.stringify(value));
  if (typed === null) return JSON.stringify(value);
  switch (key) {
    case "order.uncollected_refund_bp":
    case "points.max_redeem_bp":
    case "fee.platform_rate_bp":
    case "commission.leader_rate_bp":
      return percentText(typed as number);
    case "withdrawal.min_fen":
      return formatFen(typed as number);
    case "order.unpaid_timeout_minutes":
      return t("adminSettings.units.minutes", { count: typed as number });
    case "order.after_sales_window_days":
    case "order.uncollected_after_days":
    case "withdrawal.frozen_days":
      return t("adminSettings.units.days", { count: typed as number });
    case "order.cutoff_time":
      return typed as string;
    case "review.points":
      return t("reviewsConsole.settings.pointsValue", { count: typed as number });
    case "commission.category_overrides_bp": {
      const entries = Object.entries(typed as Record<string, number>).map(([id, bp]) => ({ name: categoryName(id) ?? id, bp }));
      if (!entries.length) return t("adminSettings.values.noOverrides");
      return entries
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((e) => `${e.name} ${percentText(e.bp)}`)
        .join(t("adminSettings.values.listJoin"));
    }
    case "membership.levels": {
      const levels = typed as Record<(typeof MEMBERSHIP_LEVELS)[number], { thresholdFen: number; pointsMultiplierPct: number; discountBp: number; earlyAccessMinutes: number; birthdayCouponFen: number }>;
      return MEMBERSHIP_LEVELS.map((l) =>
        t("adminSettings.values.level", {
          level: t(`adminSettings.membership.levels.${l}`),
          threshold: formatFen(levels[l].thresholdFen),
          multiplier: pctToMultiplierText(levels[l].pointsMultiplierPct),
          discount: percentText(levels[l].discountBp),
          early: levels[l].earlyAccessMinutes,
          birthday: formatFen(levels[l].birthdayCouponFen),
        }),
      ).join(t("adminSettings.values.listJoin"));
    }
    case "share.reward": {
      const r = typed as { kind: "points" | "coupon"; points: number; couponTemplateId: string | null; periodDays: number; dailyCapPerSharer: number };
      return t(r.kind === "coupon" ? "adminSettings.values.shareCoupon" : "adminSettings.values.sharePoints", { points: r.points, template: r.couponTemplateId ?? "—", days: r.periodDays, cap: r.dailyCapPerSharer });
    }
    default:
      return typed ? t("adminSettings.values.on") : t("adminSettings.values.off");
  }
}
