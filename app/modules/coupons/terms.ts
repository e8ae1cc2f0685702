/**
 * Pure parts of the coupon centre (issue 10 part 3): a template's state, how its terms read, the
 * remaining stock, what a shopper may still do with it, and the birthday gift's calendar rules.
 * No database and no clock: callers pass `now`.
 */

export type CouponTemplateStatus = "active" | "paused";
/** scheduled: before its window; running: claimable/issuable now; paused: stopped by an admin (resumable); ended: its window is over. */
export type TemplateState = "scheduled" | "running" | "paused" | "ended";

export function templateState(t: { status: CouponTemplateStatus; startsAt: number; endsAt: number }, now: number): TemplateState {
  if (t.endsAt <= now) return "ended";
  if (t.status === "paused") return "paused";
  return t.startsAt > now ? "scheduled" : "running";
}

/** Coupons left to issue; null when the template has no total limit. Never negative. */
export function remainingOf(t: { totalLimit: number | null; issuedCount: number }): number | null {
  return t.totalLimit === null ? null : Math.max(0, t.totalLimit - t.issuedCount);
}

export type ClaimState = "available" | "limit_reached" | "sold_out";

/**
 * What the claim centre offers one shopper for one template: claim it, or why not. `held` counts
 * every coupon of the template the shopper was ever issued (used or not), as the per-user limit does.
 */
export function claimStateOf(t: { totalLimit: number | null; issuedCount: number; perUserLimit: number }, held: number): ClaimState {
  if (held >= t.perUserLimit) return "limit_reached";
  if (remainingOf(t) === 0) return "sold_out";
  return "available";
}

/** A "remaining" indicator: the share of a limited template still to claim, 0..100 (rounded down, but 1 while any is left). */
export function remainingPercent(t: { totalLimit: number | null; issuedCount: number }): number | null {
  const left = remainingOf(t);
  if (left === null || !t.totalLimit) return null;
  if (left === 0) return 0;
  return Math.max(1, Math.floor((left * 100) / t.totalLimit));
}

export type CouponKind = "fixed" | "threshold" | "percentage";

export interface CouponTermsRow {
  kind: CouponKind;
  amountFen: number | null;
  thresholdFen: number | null;
  discountBp: number | null;
  maxDiscountFen: number | null;
}

/**
 * The headline of a coupon's terms as i18n key + values (the page formats money): `fixed` → ¥5 off,
 * `threshold` → 满 50 减 10, `percentage` → 9 折 / 10% off, with the cap and the optional threshold.
 * zh shows a percentage as 折 (discount_bp 1000 = 10% off = 9 折), en as "% off".
 */
export function termsOf(t: CouponTermsRow): {
  key: "fixed" | "threshold" | "percentage";
  amountFen: number;
  thresholdFen: number | null;
  percentOff: number;
  zhe: number;
  capFen: number | null;
} {
  const bp = t.discountBp ?? 0;
  return {
    key: t.kind,
    amountFen: t.amountFen ?? 0,
    thresholdFen: t.thresholdFen ?? null,
    percentOff: bp / 100,
    // 折: what is paid, in tenths (10% off → 9 折, 15% off → 8.5 折).
    zhe: (10_000 - bp) / 1000,
    capFen: t.kind === "percentage" ? t.maxDiscountFen ?? null : null,
  };
}

/** Parses a template's JSON id list (categories or products); anything malformed reads as no list. */
export function idList(json: string | null): string[] {
  if (!json) return [];
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Birthday gift

/** Whether a (Gregorian) year has a 29 February. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * The stored birthdays ("MM-DD") celebrated on business date `date` ("YYYY-MM-DD"): the day
 * itself, and on 28 February of a year without a 29th also "02-29".
 */
export function birthdaysOn(date: string): string[] {
  const year = Number(date.slice(0, 4));
  const md = date.slice(5, 10);
  return md === "02-28" && !isLeapYear(year) ? ["02-28", "02-29"] : [md];
}

/** A valid "MM-DD" (02-29 allowed), or null. */
export function parseBirthday(month: number, day: number): string | null {
  if (!Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1) return null;
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days) return null;
  return `${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The birthday gift template of a year and amount: a deterministic id (`cpt_` + 20 characters), so the job makes it once. */
export function birthdayTemplateId(year: number, amountFen: number): string {
  return `cpt_bday${year}${String(amountFen).padStart(12, "0")}`;
}

/** Once a year per shopper, however often the job runs. */
export function birthdayGrantKey(userId: string, year: number): string {
  return `birthday:${userId}:${year}`;
}

/** A segment issue's grant key: a second submit of the same issue gives nobody a second coupon. */
export function segmentGrantKey(issueId: string, userId: string): string {
  return `segment:${issueId}:${userId}`;
}

/** The range of grant keys of one segment issue (`>= lo AND < hi`: the unique index answers it). */
export function segmentGrantKeyRange(issueId: string): [string, string] {
  return [`segment:${issueId}:`, `segment:${issueId};`];
}

export const BIRTHDAY_VALID_DAYS = 30;
