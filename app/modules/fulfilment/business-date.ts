/**
 * Business dates and the daily cut-off in Asia/Shanghai (SPEC §7). China has used UTC+8 all year
 * since 1991 (no daylight saving), so the arithmetic is a fixed offset and needs no Intl.
 * A business date is "YYYY-MM-DD"; instants are UTC epoch milliseconds.
 */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The Asia/Shanghai calendar date of an instant. */
export function businessDateOf(instant: number): string {
  return new Date(instant + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

function parseDate(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a business date: ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Round-trips only for a real calendar date (rejects 2026-02-30).
  if (new Date(Date.UTC(y, mo - 1, d)).toISOString().slice(0, 10) !== date) throw new RangeError(`not a business date: ${date}`);
  return [y, mo, d];
}

export function isBusinessDate(date: string): boolean {
  try {
    parseDate(date);
    return true;
  } catch {
    return false;
  }
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instant of `time` ("HH:MM", Asia/Shanghai) on business date `date`. */
export function cutoffInstant(date: string, time: string): number {
  const [y, m, d] = parseDate(date);
  const t = TIME_RE.exec(time);
  if (!t) throw new RangeError(`not a cut-off time: ${time}`);
  return Date.UTC(y, m - 1, d, Number(t[1]), Number(t[2])) - SHANGHAI_OFFSET_MS;
}

/** The cut-off of business date D fills the deliveries of D + 1. */
export function deliveryDateFor(businessDate: string): string {
  return addDays(businessDate, 1);
}

/**
 * The cut-off that is due at `now`: today's (Asia/Shanghai) once its time has passed, else null
 * (yesterday's, if missed, is not run late: its orders are picked up by today's run, which locks
 * every paid order not yet in a batch).
 */
export function dueCutoff(now: number, time: string): { businessDate: string; deliveryDate: string; cutoffAt: number } | null {
  const today = businessDateOf(now);
  const cutoffAt = cutoffInstant(today, time);
  if (now < cutoffAt) return null;
  return { businessDate: today, deliveryDate: deliveryDateFor(today), cutoffAt };
}
