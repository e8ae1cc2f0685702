import { addDays, businessDateOf, isBusinessDate } from "~/modules/fulfilment/business-date";
import { businessDayStart } from "~/modules/merchant-orders/dates";

/**
 * Calendar arithmetic for the analytics rollups and dashboards. Every day here is an Asia/Shanghai
 * business date ("YYYY-MM-DD", ADR 005), so a week is an ISO week of Shanghai dates: Monday to
 * Sunday, numbered by the ISO year that holds its Thursday. The helpers work on date strings only
 * (UTC calendar arithmetic on them is exact), never on the runtime's local zone.
 */
export { addDays, businessDateOf, isBusinessDate };

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant (UTC epoch ms) a Shanghai business date begins (through Intl, ADR 005). */
export function dayStart(day: string): number {
  if (!isBusinessDate(day)) throw new RangeError(`not a business date: ${day}`);
  return businessDayStart(day);
}

/** The exclusive end of a business date: the next date's start. */
export function dayEnd(day: string): number {
  return dayStart(addDays(day, 1));
}

/** Whole days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Every date from `from` to `to`, both included, in order. */
export function eachDay(from: string, to: string): string[] {
  const n = daysBetween(from, to);
  return Array.from({ length: Math.max(0, n + 1) }, (_, i) => addDays(from, i));
}

export interface IsoWeek {
  /** "2026-W05" */
  key: string;
  year: number;
  week: number;
  /** Its Monday. */
  start: string;
  /** Its Sunday. */
  end: string;
}

/** The ISO week (Monday to Sunday) a business date belongs to. */
export function isoWeekOf(day: string): IsoWeek {
  if (!isBusinessDate(day)) throw new RangeError(`not a business date: ${day}`);
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const start = addDays(day, -weekday);
  const thursday = addDays(start, 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return { key: `${year}-W${String(week).padStart(2, "0")}`, year, week, start, end: addDays(start, 6) };
}

export const RANGE_PRESETS = [7, 30, 90, 365] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
/** The longest custom range a dashboard shows (a leap year). */
export const MAX_RANGE_DAYS = 366;

/** The last `days` days up to and including `today`. */
export function presetRange(days: number, today: string): { from: string; to: string } {
  return { from: addDays(today, -(days - 1)), to: today };
}

/** The period of the same length just before [from, to], for "change vs the previous period". */
export function previousRange(from: string, to: string): { from: string; to: string } {
  const length = daysBetween(from, to) + 1;
  return { from: addDays(from, -length), to: addDays(from, -1) };
}
