#!/usr/bin/env node
// The server the browser tests run against (Playwright's webServer starts it):
//   1. wipes a separate local state folder (default .wrangler/e2e-state), so every run starts
//      from the same demo world and fresh rate-limit counters, and `npm start`'s data is untouched;
//   2. applies the D1 migrations and seeds the demo world into it;
//   3. serves the already built Worker (build/index.js; `npm test` builds it) with `wrangler dev`.
// It never builds. SIGTERM/SIGINT stop wrangler (and its workerd) and then this process.
//
// Env: E2E_PORT (8789), E2E_STATE (.wrangler/e2e-state), E2E_LOG_LEVEL (warn; "debug" shows reloads).
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { ensureDevVars, root } from "./dev-vars.mjs";

const port = process.env.E2E_PORT ?? "8789";
const state = path.resolve(root, process.env.E2E_STATE ?? ".wrangler/e2e-state");
const bin = (name) => path.join(root, "node_modules/.bin", name);
const log = (msg) => console.log(`[e2e-server] ${msg}`);

if (!existsSync(path.join(root, "build/index.js"))) {
  console.error("[e2e-server] build/index.js is missing: run `npm run build` first (npm test does).");
  process.exit(1);
}
ensureDevVars();

const env = {
  ...process.env,
  CI: "true", // `d1 migrations apply` answers its own prompt
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? path.join(root, ".xdg"),
  PERSIST_TO: state,
};

let child = null;
let stopping = false;

function stop(signal) {
  if (stopping) return;
  stopping = true;
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    // wrangler normally stops workerd and exits within a second; don't hang the test run.
    setTimeout(() => child?.kill("SIGKILL"), 5000).unref();
  } else {
    process.exit(0);
  }
}
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => stop(s));

/** Runs one preparation step; its output goes to stderr so Playwright shows it only on failure. */
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    child = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      child = null;
      if (stopping) process.exit(0);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(cmd)} ${args.join(" ")} failed (${signal ?? code}):\n${out}`));
    });
  });
}

try {
  const started = Date.now();
  rmSync(state, { recursive: true, force: true });
  await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  await run(bin("tsx"), [path.join(root, "scripts/seed.ts")]);
  log(`fresh state in ${path.relative(root, state)} (migrated + seeded) in ${Date.now() - started} ms`);
} catch (error) {
  console.error(`[e2e-server] ${error.message}`);
  process.exit(1);
}

child = spawn(
  bin("wrangler"),
  ["dev", "--persist-to", state, "--port", port, "--ip", "127.0.0.1", "--show-interactive-dev-session=false", "--live-reload=false", "--log-level", process.env.E2E_LOG_LEVEL ?? "warn",
    // Every journey signs in from 127.0.0.1: a per-IP limit meant for one household would throttle the suite.
    "--var", "RATE_LIMIT_IP_FACTOR:10"],
  { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] },
);
log(`wrangler dev on http://127.0.0.1:${port} (pid ${child.pid})`);
child.on("exit", (code, signal) => {
  if (!stopping) console.error(`[e2e-server] wrangler dev exited unexpectedly (${signal ?? code})`);
  process.exit(stopping ? 0 : 1);
});
