#!/usr/bin/env node
// `npm run bench`: builds the Worker for production, then runs every bench module of tests/bench/
// with tsx (each starts the built Worker, and its reference Worker, in Miniflare on 127.0.0.1 and
// prints its own report), then prints ONE summary table of all of them with their ratios.
// See docs/benchmarks.md. BENCH_SKIP_BUILD=1 reuses an existing build/index.js;
// BENCH_ONLY=storefront,settlement runs some of them (names in BENCHES below).
// Exit code: 0 when every measurement was taken (even if a target is missed), non-zero on errors.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules/.bin", name);

let current = null;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    // The child (tsx → node) disposes Miniflare on the same signal; wait for it to go.
    if (current) current.kill(signal);
    else process.exit(130);
  });
}

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    current = spawn(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    current.on("error", (error) => {
      console.error(`[bench] cannot start ${cmd}: ${error.message}`);
      resolve(1);
    });
    current.on("exit", (code, signal) => {
      current = null;
      resolve(signal ? 1 : (code ?? 1));
    });
  });
}

const started = Date.now();
if (process.env.BENCH_SKIP_BUILD === "1" && existsSync(path.join(root, "build/index.js"))) {
  console.log("[bench] BENCH_SKIP_BUILD=1: using the existing build/index.js");
} else {
  console.log("[bench] building the Worker (NODE_ENV=production) …");
  const code = await run(bin("remix"), ["build"], { NODE_ENV: "production" });
  if (code !== 0) {
    console.error(`[bench] build failed (exit ${code})`);
    process.exit(code);
  }
  const size = statSync(path.join(root, "build/index.js")).size;
  console.log(`[bench] built in ${((Date.now() - started) / 1000).toFixed(1)} s (build/index.js ${(size / 1000).toFixed(0)} kB)`);
}

// Every benchmark of the earlier issues, in this order; BENCH_ONLY=storefront,settlement picks some.
const BENCHES = [
  // Storefront throughput against a reference Worker, search p95, first-load JS per route (issues #2, #5, #11).
  { name: "storefront", file: "run.ts" },
  // The daily cut-off over 10k paid orders (issue #4).
  { name: "cutoff", file: "cutoff.ts" },
  // The analytics rollups over a year of orders and the admin dashboard over them (issue #6).
  { name: "analytics", file: "analytics.ts" },
  // Group-deal joins per second on one room and across 100, against a hello-world Worker (issue #7).
  { name: "group-deals", file: "group-deals.ts" },
  // Flash sales: the torture run at full scale, and the stock object against naive D1 and hello-world (issue #8).
  { name: "flash-sales", file: "flash-sales.ts" },
  // Settlement: the queue consumer's orders/s against an ack-only consumer, and end to end through the queue (issue #9).
  { name: "settlement", file: "settlement.ts" },
];
const only = (process.env.BENCH_ONLY ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const unknown = only.filter((n) => !BENCHES.some((b) => b.name === n));
if (unknown.length) {
  console.error(`[bench] BENCH_ONLY names unknown benches: ${unknown.join(", ")} (known: ${BENCHES.map((b) => b.name).join(", ")})`);
  process.exit(2);
}
const selected = only.length ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES;

// The whole set in under ~8 minutes on 2 cores: two load runs of 6 s per target and no diagnostic
// targets unless asked (the full protocol: BENCH_RUNS=3 BENCH_DURATION=8 BENCH_DIAGNOSTICS=1).
const defaults = { BENCH_RUNS: "2", BENCH_DURATION: "6", BENCH_DIAGNOSTICS: "0" };
const summaryDir = mkdtempSync(path.join(os.tmpdir(), "bench-"));
const summaryFile = path.join(summaryDir, "summary.jsonl");
writeFileSync(summaryFile, "");
const env = { NODE_ENV: "production", BENCH_SUMMARY_FILE: summaryFile };
for (const [k, v] of Object.entries(defaults)) if (process.env[k] === undefined) env[k] = v;
console.log(`[bench] running ${selected.map((b) => b.name).join(", ")} (${Object.entries(defaults).map(([k]) => `${k}=${process.env[k] ?? env[k]}`).join(" ")})`);

const outcomes = [];
for (const b of selected) {
  const t0 = Date.now();
  const code = await run(bin("tsx"), [path.join(root, "tests/bench", b.file)], env);
  outcomes.push({ ...b, code, seconds: (Date.now() - t0) / 1000 });
}

// ---------- the one summary table ----------
const rows = readFileSync(summaryFile, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l));
rmSync(summaryDir, { recursive: true, force: true });
const table = [["bench", "metric", "measured", "ratio", "target", "result"]];
for (const o of outcomes) {
  const mine = rows.filter((r) => r.bench === o.name);
  for (const r of mine) table.push([r.bench, r.metric, r.measured, r.ratio ?? "", r.target ?? "", r.result === "FAIL" ? "**FAIL**" : r.result]);
  if (o.code !== 0) table.push([o.name, `exited with code ${o.code} after ${o.seconds.toFixed(0)} s`, mine.length ? "" : "no figures", "", "", "**ERROR**"]);
}
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(
  [
    "",
    `## Summary: every benchmark, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC (${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")})`,
    "",
    line(table[0]),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...table.slice(1).map(line),
    "",
    `Wall time: ${outcomes.map((o) => `${o.name} ${o.seconds.toFixed(0)} s`).join(", ")}; ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
  ].join("\n"),
);
process.exit(outcomes.find((o) => o.code !== 0)?.code ?? 0);
