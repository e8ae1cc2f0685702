/** Opening hours as text, in the reader's language (`t` is i18next's, or `translate` bound to a locale). */
type T = (key: string, options?: Record<string, unknown>) => string;

/** "每天" / "周一、周三、周五". */
export function formatDays(days: readonly number[], t: T): string {
  if (days.length === 7) return t("leaderApply.everyDay");
  return days.map((d) => t(`leaderApply.weekdays.${d}`)).join(t("leaderApply.daysJoin"));
}

/** "每天 08:00–21:00". */
export function formatHours(hours: { open: string; close: string; days: readonly number[] }, t: T): string {
  return t("leaderApply.hoursLine", { days: formatDays(hours.days, t), open: hours.open, close: hours.close });
}
