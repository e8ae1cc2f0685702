#!/usr/bin/env node
// Lighthouse audit of the key pages (issue 11 item 6), run with `npm run lighthouse`:
//   1. builds the Worker (unless LH_SKIP_BUILD=1);
//   2. starts scripts/e2e-server.mjs (fresh migrated + seeded state, `wrangler dev`) on a free port;
//   3. signs leader1 and the admin in with the phone-code flow over HTTP (dev outbox);
//   4. runs Lighthouse 12 (mobile preset, default simulated throttling) in Debian's chromium on
//      the storefront, a product page, the leader's today page and the admin dashboard;
//   5. prints scores + LCP/TBT/CLS/FCP, the failing audits of every category under target, and
//      exits non-zero if a target is missed. JSON reports go to .lighthouse/ (gitignored).
//
// Targets: performance ≥ 90, accessibility ≥ 95, best practices ≥ 95 (seo is printed for info).
// Preparing the state takes ~10 s on an idle machine, minutes on a busy one (waits up to 15 min).
// Env: CHROME_PATH (/usr/bin/chromium), LH_PORT (a free one), LH_SKIP_BUILD, LH_BASE (a running server),
// LH_CPU_SLOWDOWN (overrides the preset's 4× CPU slowdown; the table prints the host's benchmark), LH_RUNS (1: the
// median of N runs per page is used for performance, the other categories are deterministic).
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { throttling } from "lighthouse/core/config/constants.js";
import puppeteer from "puppeteer-core";
import { root } from "./dev-vars.mjs";

const TARGETS = { performance: 90, accessibility: 95, "best-practices": 95 };
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const METRICS = [
  ["FCP", "first-contentful-paint"],
  ["LCP", "largest-contentful-paint"],
  ["TBT", "total-blocking-time"],
  ["CLS", "cumulative-layout-shift"],
];
const PAGES = [
  { name: "storefront", path: "/", as: null },
  { name: "product", path: "/products/prd_demostrawberry000000", as: null },
  { name: "leader today", path: "/leader", as: "leader" },
  { name: "admin", path: "/admin", as: "admin" },
];
// Demo accounts (app/modules/demo/world.ts).
const ACCOUNTS = { leader: "13800000021", admin: "13800000000" };
const runs = Math.max(1, Number(process.env.LH_RUNS ?? 1));
const DEFAULT_MOBILE_THROTTLING = throttling.mobileSlow4G;
const outDir = path.join(root, ".lighthouse");
const log = (msg) => console.log(`[lighthouse] ${msg}`);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(base, server, timeoutMs = 900_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`the e2e server exited (${server.exitCode})`);
    try {
      const res = await fetch(`${base}/manifest.webmanifest`);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server did not answer within ${timeoutMs} ms`);
}

/** The cookies (name, value) of a response's Set-Cookie headers. */
function cookiesOf(res) {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .filter((c) => !c.endsWith("="))
    .map((c) => ({ name: c.slice(0, c.indexOf("=")), value: c.slice(c.indexOf("=") + 1) }));
}

/** The phone-code sign-in over HTTP: ask for a code, read it from the dev outbox, verify. Returns the session cookies. */
async function signIn(base, phone) {
  const headers = { Origin: base, "content-type": "application/x-www-form-urlencoded" };
  const asked = await fetch(`${base}/login`, { method: "POST", headers, body: new URLSearchParams({ intent: "request-code", channel: "sms", phone }), redirect: "manual" });
  if (asked.status !== 200) throw new Error(`code request for ${phone}: HTTP ${asked.status}`);
  const outbox = await (await fetch(`${base}/dev/outbox`)).text();
  const code = new RegExp(`data-recipient="${phone}"[^]*?(?:验证码是|code is)\\s*(\\d{6})`).exec(outbox)?.[1];
  if (!code) throw new Error(`no code for ${phone} in the dev outbox`);
  const verified = await fetch(`${base}/login`, { method: "POST", headers, body: new URLSearchParams({ intent: "verify-code", channel: "sms", phone, code }), redirect: "manual" });
  if (verified.status !== 302) throw new Error(`sign-in of ${phone}: HTTP ${verified.status}`);
  const cookies = cookiesOf(verified);
  if (cookies.length === 0) throw new Error(`sign-in of ${phone} set no cookie`);
  return cookies;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pad = (s, n) => String(s).padEnd(n);

async function main() {
  if (process.env.LH_SKIP_BUILD !== "1") {
    log("building (npm run build)…");
    const built = spawnSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    if (built.status !== 0) throw new Error("npm run build failed");
  }
  const port = Number(process.env.LH_PORT ?? (await freePort()));
  // LH_BASE: audit a server that is already running (e.g. while fixing pages) instead of starting one.
  const base = process.env.LH_BASE ?? `http://127.0.0.1:${port}`;
  const server = process.env.LH_BASE
    ? { exitCode: null, kill() {} }
    : spawn(process.execPath, [path.join(root, "scripts/e2e-server.mjs")], {
        cwd: root,
        env: { ...process.env, E2E_PORT: String(port), E2E_STATE: ".wrangler/lighthouse-state" },
        stdio: ["ignore", "inherit", "inherit"],
      });
  let chrome = null;
  const cleanup = () => {
    try { chrome?.kill(); } catch { /* gone */ }
    if (server.exitCode === null) server.kill("SIGTERM");
  };
  process.on("SIGINT", () => { cleanup(); process.exit(130); });
  try {
    await waitForServer(base, server);
    const cookies = {};
    for (const [who, phone] of Object.entries(ACCOUNTS)) cookies[who] = await signIn(base, phone);
    log(`server on ${base}; leader and admin signed in`);

    chrome = await chromeLauncher.launch({
      chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
      chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    // Signed-in pages get the session as real browser cookies (set over CDP before each audit):
    // Lighthouse's extraHeaders {Cookie} is sent by Network.setExtraHTTPHeaders, which Chromium
    // did not apply to the navigation here (the audit ended on /login).
    const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
    mkdirSync(outDir, { recursive: true });
    const rows = [];
    for (const page of PAGES) {
      const url = base + page.path;
      const results = [];
      for (let i = 0; i < runs; i++) {
        await browser.deleteCookie(...(await browser.cookies()));
        if (page.as) await browser.setCookie(...cookies[page.as].map((c) => ({ ...c, domain: "127.0.0.1", path: "/", httpOnly: true, sameSite: "Lax" })));
        const flags = { port: chrome.port, output: "json", logLevel: "error", onlyCategories: CATEGORIES };
        // LH_CPU_SLOWDOWN overrides the preset's 4× CPU slowdown (for a host much slower than
        // Lighthouse assumes; see the benchmark line the table prints). Not the default.
        if (process.env.LH_CPU_SLOWDOWN) flags.throttling = { ...DEFAULT_MOBILE_THROTTLING, cpuSlowdownMultiplier: Number(process.env.LH_CPU_SLOWDOWN) };
        // Default config = the mobile preset (Moto G Power emulation, simulated 4G throttling).
        const result = await lighthouse(url, flags);
        if (!result) throw new Error(`no result for ${url}`);
        const final = result.lhr.finalDisplayedUrl;
        if (new URL(final).pathname !== page.path) throw new Error(`${page.name}: ended on ${final}, not ${page.path}`);
        results.push(result);
      }
      // The run whose performance score is the median represents the page.
      const perf = results.map((r) => r.lhr.categories.performance.score);
      const chosen = results[perf.indexOf(median(perf))];
      const file = path.join(outDir, `${page.name.replace(/\s+/g, "-")}.json`);
      writeFileSync(file, chosen.report);
      rows.push({ page, lhr: chosen.lhr, perfRuns: perf.map((s) => Math.round(s * 100)) });
    }

    // The table.
    console.log("");
    console.log(`Lighthouse ${rows[0].lhr.lighthouseVersion}, mobile preset, simulated throttling, ${rows[0].lhr.environment.hostUserAgent.match(/Chrome\/[\d.]+/)?.[0] ?? "chromium"}${runs > 1 ? `, median of ${runs} runs` : ""}`);
    const header = `${pad("page", 14)}${CATEGORIES.map((c) => pad(c === "best-practices" ? "b.pr." : c === "performance" ? "perf" : c === "accessibility" ? "a11y" : c, 7)).join("")}${METRICS.map(([m]) => pad(m, 9)).join("")}`;
    const bench = rows.map((r) => Math.round(r.lhr.environment.benchmarkIndex));
    const cpu = rows[0].lhr.configSettings.throttling.cpuSlowdownMultiplier;
    console.log(`CPU slowdown ${cpu}×; host benchmarkIndex ${bench.join("/")} — the preset assumes a host of ~1,000 or more (DevTools rates the emulated Moto G Power at ~264); on a busier or slower host TBT and LCP come out overstated by about 1,000 ÷ benchmarkIndex.`);
    console.log(header);
    console.log("-".repeat(header.length));
    const misses = [];
    for (const { page, lhr, perfRuns } of rows) {
      const scores = CATEGORIES.map((c) => Math.round((lhr.categories[c]?.score ?? 0) * 100));
      const metrics = METRICS.map(([, id]) => lhr.audits[id]?.displayValue?.replace(/\s/g, " ") ?? "?");
      console.log(`${pad(page.name, 14)}${scores.map((s) => pad(s, 7)).join("")}${metrics.map((m) => pad(m, 9)).join("")}${perfRuns.length > 1 ? ` perf runs ${perfRuns.join("/")}` : ""}`);
      for (const [cat, target] of Object.entries(TARGETS)) {
        const score = Math.round((lhr.categories[cat]?.score ?? 0) * 100);
        if (score < target) misses.push({ page: page.name, cat, score, target, lhr });
      }
    }
    console.log("");
    for (const { page, cat, score, target, lhr } of misses) {
      console.log(`✗ ${page}: ${cat} ${score} < ${target}. Failing audits:`);
      for (const ref of lhr.categories[cat].auditRefs) {
        const audit = lhr.audits[ref.id];
        if (!audit || audit.score === null || audit.score >= 0.9 || audit.scoreDisplayMode === "informative" || audit.scoreDisplayMode === "notApplicable" || audit.scoreDisplayMode === "manual") continue;
        const items = (Array.isArray(audit.details?.items) ? audit.details.items : []).slice(0, 3).map((it) => it.node?.snippet ?? it.url ?? it.source?.url ?? it.description ?? "").filter(Boolean) ?? [];
        console.log(`    ${audit.id} (${Math.round(audit.score * 100)}, weight ${ref.weight}): ${audit.title}${audit.displayValue ? ` — ${audit.displayValue}` : ""}`);
        for (const it of items) console.log(`        ${String(it).slice(0, 160)}`);
      }
    }
    console.log(misses.length === 0 ? "All targets met (performance ≥ 90, accessibility ≥ 95, best practices ≥ 95)." : `${misses.length} target(s) missed.`);
    console.log(`JSON reports: ${path.relative(root, outDir)}/`);
    return misses.length === 0 ? 0 : 1;
  } finally {
    cleanup();
  }
}

main().then(
  (code) => setTimeout(() => process.exit(code), 500),
  (error) => {
    console.error(`[lighthouse] ${error.stack ?? error.message}`);
    setTimeout(() => process.exit(2), 500);
  },
);
