import * as v from "valibot";
import { daysBetween, isBusinessDate, MAX_RANGE_DAYS, presetRange, RANGE_PRESETS } from "./dates";

/**
 * The page-view beacon's body (application/x-www-form-urlencoded, a CORS-safelisted type, so
 * `navigator.sendBeacon` sends it without a preflight): the path only. The query string and the
 * fragment are never sent, so search words and share codes stay out of the events.
 */
export const BeaconInput = v.object({
  p: v.pipe(v.string("path_invalid"), v.maxLength(512, "path_invalid"), v.regex(/^\/[^\s?#]*$/, "path_invalid")),
});

const Day = v.pipe(v.string("date_invalid"), v.check(isBusinessDate, "date_invalid"));
/** A form field left empty counts as absent. */
const optionalField = <T extends v.GenericSchema<string, unknown>>(schema: T) =>
  v.pipe(
    v.optional(v.string()),
    v.transform((s) => (s === undefined || s.trim() === "" ? undefined : s.trim())),
    v.optional(schema),
  );

export const GRANULARITIES = ["day", "week"] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** The dashboard's URL: `range` (a preset: 7/30/90/365 days to today) or `from` + `to`; `g` day/week. */
export const DashboardSearch = v.object({
  range: optionalField(v.picklist(RANGE_PRESETS.map(String) as ["7", "30", "90", "365"], "range_invalid")),
  from: optionalField(Day),
  to: optionalField(Day),
  g: optionalField(v.picklist(GRANULARITIES, "granularity_invalid")),
});

export const CSV_TABLES = ["sales", "funnel", "customers", "products", "categories", "points", "merchants", "group_deals", "flash_sales"] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

export const CsvSearch = v.object({
  ...DashboardSearch.entries,
  table: v.picklist(CSV_TABLES, "table_invalid"),
});

export interface DashboardRange {
  from: string;
  to: string;
  granularity: Granularity;
  /** The preset the range came from, or null for a custom range. */
  preset: number | null;
}

export type FieldErrors = Record<string, string[]>;

export const DEFAULT_PRESET = 30;

/**
 * Reads the dashboard's range from the URL. Without `from`/`to`: the preset (30 days by default)
 * ending today. A custom range needs both dates, `from` ≤ `to` ≤ today, and at most 366 days.
 * Errors are field-level (`from`, `to`, `range`, `g`), answered 400 by the routes.
 */
export function parseDashboardRange(params: URLSearchParams, today: string): { ok: true; value: DashboardRange } | { ok: false; errors: FieldErrors } {
  const raw = Object.fromEntries(["range", "from", "to", "g"].map((k) => [k, params.get(k) ?? undefined]));
  const parsed = v.safeParse(DashboardSearch, raw);
  if (!parsed.success) return { ok: false, errors: flatErrors(parsed.issues) };
  const { range, from, to, g } = parsed.output;
  const granularity = g ?? "day";
  if (from === undefined && to === undefined) {
    const days = range ? Number(range) : DEFAULT_PRESET;
    return { ok: true, value: { ...presetRange(days, today), granularity, preset: days } };
  }
  const errors: FieldErrors = {};
  if (from === undefined) errors.from = ["date_required"];
  if (to === undefined) errors.to = ["date_required"];
  if (from !== undefined && to !== undefined) {
    if (to > today) errors.to = ["date_in_future"];
    else if (from > to) errors.from = ["range_reversed"];
    else if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) errors.from = ["range_too_long"];
  }
  if (Object.keys(errors).length || from === undefined || to === undefined) return { ok: false, errors };
  return { ok: true, value: { from, to, granularity, preset: null } };
}

/** valibot issues → { "field": ["code", …] } (the message is the code, as in the other schemas). */
export function flatErrors(issues: readonly v.BaseIssue<unknown>[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = v.getDotPath(issue) ?? "";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
