/**
 * The one summary table of `npm run bench`: each bench module records its headline rows here, and
 * scripts/bench.mjs prints them all together at the end of the run. A row goes, as one JSON line,
 * to the file named by BENCH_SUMMARY_FILE (set by scripts/bench.mjs); a bench run alone (no
 * variable) records nothing and prints only its own report.
 */
import { appendFileSync } from "node:fs";

export interface SummaryRow {
  /** Which bench (storefront, cutoff, analytics, group-deals, flash-sales, settlement). */
  bench: string;
  metric: string;
  measured: string;
  /** The measurement divided by its reference run side by side in the same run, e.g. "0.72 × reference". */
  ratio?: string;
  target?: string;
  /** "pass", "FAIL" or "info". */
  result: "pass" | "FAIL" | "info";
}

export function verdict(ok: boolean): "pass" | "FAIL" {
  return ok ? "pass" : "FAIL";
}

export function recordSummary(bench: string, rows: Array<Omit<SummaryRow, "bench">>): void {
  const file = process.env.BENCH_SUMMARY_FILE;
  if (!file) return;
  appendFileSync(file, rows.map((r) => JSON.stringify({ bench, ...r })).join("\n") + "\n");
}
