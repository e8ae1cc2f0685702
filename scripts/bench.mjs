#!/usr/bin/env node
// `npm run bench`: builds the Worker for production, then runs tests/bench/run.ts with tsx, which
// starts the built Worker and a reference Worker in Miniflare on 127.0.0.1 and prints the figures.
// See docs/benchmarks.md. BENCH_SKIP_BUILD=1 reuses an existing build/index.js.
// Exit code: 0 when every measurement was taken (even if a target is missed), non-zero on errors.
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
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

const code = await run(bin("tsx"), [path.join(root, "tests/bench/run.ts")], { NODE_ENV: "production" });
// The daily cut-off over 10k paid orders (tests/bench/cutoff.ts), on the same build.
const cutoffCode = await run(bin("tsx"), [path.join(root, "tests/bench/cutoff.ts")], { NODE_ENV: "production" });
// The analytics rollups over a year of orders and the admin dashboard over them (tests/bench/analytics.ts).
const analyticsCode = await run(bin("tsx"), [path.join(root, "tests/bench/analytics.ts")], { NODE_ENV: "production" });
// Group-deal joins per second on one room and across 100, against a hello-world Worker (tests/bench/group-deals.ts).
const groupCode = await run(bin("tsx"), [path.join(root, "tests/bench/group-deals.ts")], { NODE_ENV: "production" });
// Flash sales: the torture run at full scale, and the stock object against naive D1 and hello-world (tests/bench/flash-sales.ts).
const flashCode = await run(bin("tsx"), [path.join(root, "tests/bench/flash-sales.ts")], { NODE_ENV: "production" });
// Settlement: the queue consumer's orders/s against an ack-only consumer, and end to end through the queue (tests/bench/settlement.ts).
const settleCode = await run(bin("tsx"), [path.join(root, "tests/bench/settlement.ts")], { NODE_ENV: "production" });
process.exit(code || cutoffCode || analyticsCode || groupCode || flashCode || settleCode);
