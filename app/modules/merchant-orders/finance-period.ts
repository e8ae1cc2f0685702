import * as v from "valibot";
import { businessDate } from "./dates";
import { FinanceFilters } from "./schemas";

const DAY = 24 * 60 * 60 * 1000;

/** The finance period from the URL: defaults to the last 30 business days; a reversed range is swapped. */
export function parseFinancePeriod(params: URLSearchParams, now = Date.now()): { from: string; to: string } {
  const parsed = v.safeParse(FinanceFilters, { from: params.get("from") || undefined, to: params.get("to") || undefined });
  const raw = parsed.success ? parsed.output : {};
  const to = raw.to ?? businessDate(now);
  const from = raw.from ?? businessDate(now - 29 * DAY);
  return from <= to ? { from, to } : { from: to, to: from };
}
