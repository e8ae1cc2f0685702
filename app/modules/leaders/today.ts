/**
 * The leader's Today page: the pure pieces (browser-safe). A "cycle" is what one cut-off locks:
 * the cycle of business date D is the paid orders locked by D's cut-off (delivered on D + 1).
 * The current cycle is every paid order not locked yet; it closes at the next cut-off.
 */
import { addDays, businessDateOf, cutoffInstant, isBusinessDate } from "~/modules/fulfilment/business-date";

/** How many past days the history offers (today included). */
export const HISTORY_DAYS = 14;

/**
 * The cut-off that will lock the current cycle: today's (Asia/Shanghai) while its time has not
 * come and it has not been run early by hand; otherwise tomorrow's.
 */
export function nextCutoff(now: number, time: string, todaysRunDone: boolean): { businessDate: string; cutoffAt: number } {
  const today = businessDateOf(now);
  const todays = cutoffInstant(today, time);
  if (now < todays && !todaysRunDone) return { businessDate: today, cutoffAt: todays };
  const tomorrow = addDays(today, 1);
  return { businessDate: tomorrow, cutoffAt: cutoffInstant(tomorrow, time) };
}

/** The business dates the history can show, newest first (today and the 13 days before). */
export function historyDates(now: number, days = HISTORY_DAYS): string[] {
  const today = businessDateOf(now);
  return Array.from({ length: days }, (_, i) => addDays(today, -i));
}

/** Whether `?date=` names a day the history offers. */
export function isHistoryDate(date: string, now: number): boolean {
  return isBusinessDate(date) && historyDates(now).includes(date);
}

/** A countdown's parts; never negative. */
export function countdownParts(ms: number): { hours: number; minutes: number; seconds: number } {
  const total = Math.max(0, Math.floor(ms / 1000));
  return { hours: Math.floor(total / 3600), minutes: Math.floor((total % 3600) / 60), seconds: total % 60 };
}

const two = (n: number) => String(n).padStart(2, "0");

/** "03:07:09" (or "03:07" without seconds): fixed width, for tabular numerals. */
export function formatCountdown(ms: number, withSeconds = true): string {
  const { hours, minutes, seconds } = countdownParts(ms);
  return withSeconds ? `${two(hours)}:${two(minutes)}:${two(seconds)}` : `${two(hours)}:${two(minutes)}`;
}

/** How long an order has waited at the point, in the largest sensible unit. */
export function waitingFor(since: number, now: number): { unit: "now" | "minutes" | "hours" | "days"; count: number } {
  const minutes = Math.max(0, Math.floor((now - since) / 60_000));
  if (minutes < 1) return { unit: "now", count: 0 };
  if (minutes < 60) return { unit: "minutes", count: minutes };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { unit: "hours", count: hours };
  return { unit: "days", count: Math.floor(hours / 24) };
}

const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS_ZH = ["日", "一", "二", "三", "四", "五", "六"];
const WEEKDAYS_EN = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/**
 * A business date for people: "11月25日 周三" / "Wed 25 Nov". Written out by hand (not Intl), so
 * the server and every browser render the same text and hydration never differs.
 */
export function formatBusinessDate(date: string, locale: string, withWeekday = false): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (locale === "en") return `${withWeekday ? `${WEEKDAYS_EN[weekday]} ` : ""}${d} ${MONTHS_EN[m - 1]}`;
  return `${m}月${d}日${withWeekday ? ` 周${WEEKDAYS_ZH[weekday]}` : ""}`;
}

/** "21:00": the Asia/Shanghai wall-clock time of an instant (UTC+8 all year). */
export function shanghaiClock(instant: number): string {
  return new Date(instant + 8 * 3600_000).toISOString().slice(11, 16);
}

/** Whether `date` is today, tomorrow or another day, seen from `now` in Asia/Shanghai. */
export function relativeDay(date: string, now: number): "today" | "tomorrow" | "other" {
  const today = businessDateOf(now);
  if (date === today) return "today";
  if (date === addDays(today, 1)) return "tomorrow";
  return "other";
}
