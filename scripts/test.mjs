#!/usr/bin/env node
// `npm test`: the whole suite, in order, stopping at the first failing phase.
//   build (once, production) → typecheck ‖ unit → integration (reuses the build) → browser → e2e
// The type check (one tsc process, about a minute on one core) runs beside the unit tests; its
// output is held back and printed when it ends, so the two phases' logs do not interleave.
// Each phase prints its wall time; a summary line closes the run. Exit code: 0 only if all passed.
//
// `node scripts/test.mjs unit e2e` runs only the named phases (build is not implied).
// The browser phase finds Chromium (CHROME_PATH, else /usr/bin/chromium) and a Chinese font; as
// root with apt-get it installs Debian's chromium and fonts-noto-cjk when missing. It never
// downloads Playwright's browsers.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules/.bin", name);

const children = new Set(); // the running children, so Ctrl-C stops them too
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(130);
  });
}

/**
 * Runs a command to its end. With `out` (an array), its output is collected there instead of
 * going to the terminal: a phase running beside another prints once it is done.
 */
function run(cmd, args, env = {}, out = null) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: out ? ["ignore", "pipe", "pipe"] : "inherit", env: { ...process.env, ...env } });
    children.add(child);
    if (out) for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => out.push(chunk));
    child.on("error", (error) => {
      children.delete(child);
      console.error(`[test] cannot start ${cmd}: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => {
      children.delete(child);
      resolve(signal ? 1 : (code ?? 1));
    });
  });
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const hasCommand = (name) => spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;

let chromePath = process.env.CHROME_PATH || "/usr/bin/chromium";

async function ensureChromium() {
  if (isExecutable(chromePath)) return 0;
  const isRoot = process.getuid?.() === 0;
  if (!process.env.CHROME_PATH && isRoot && hasCommand("apt-get")) {
    console.log("[test] Chromium not found: installing Debian's chromium with apt-get …");
    const code = await run("sh", ["-c", "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"]);
    if (code === 0 && isExecutable(chromePath)) return 0;
  }
  console.error(
    `[test] Chromium not found at ${chromePath}: install it (as root: apt-get update && apt-get install -y chromium) or set CHROME_PATH to a Chromium/Chrome binary.`,
  );
  return 1;
}

/**
 * The screenshot tests (tests/e2e/large-text.spec.ts) were committed rendered with Noto Sans CJK
 * (Debian's fonts-noto-cjk); without a Chinese font Chromium draws empty boxes and every screenshot
 * differs. As root with apt-get the font is installed when fontconfig knows no Chinese font.
 */
function hasChineseFont() {
  const out = spawnSync("fc-list", [":lang=zh-cn", "family"], { encoding: "utf8" });
  return out.status === 0 && out.stdout.trim() !== "";
}

async function ensureChineseFont() {
  if (hasChineseFont()) return 0;
  if (process.getuid?.() === 0 && hasCommand("apt-get")) {
    console.log("[test] no Chinese font for Chromium: installing Debian's fonts-noto-cjk with apt-get …");
    const code = await run("sh", ["-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk)"]);
    if (code === 0 && hasChineseFont()) return 0;
  }
  console.error("[test] no Chinese font: install Debian's fonts-noto-cjk (as root: apt-get install -y fonts-noto-cjk); the screenshot tests were made with it.");
  return 1;
}

/** Phases in order; a `beside` phase starts and the next phase runs while it does (joined after it). */
const PHASES = [
  { name: "build", run: () => run(bin("remix"), ["build"], { NODE_ENV: "production" }) },
  // Generated binding types must match wrangler.toml (npm run typegen; they name the built Worker's
  // classes, so this runs after the build), then the whole tree type-checks.
  {
    name: "typecheck",
    beside: true,
    run: async (out) =>
      (await run("node", ["scripts/wrangler.mjs", "types", "--include-runtime=false", "--strict-vars=false", "--check"], {}, out)) ||
      run(bin("tsc"), [], {}, out),
  },
  { name: "unit", run: () => run(bin("vitest"), ["run", "--project", "unit"]) },
  // The integration global setup would build again; the build phase above already did.
  { name: "integration", run: () => run(bin("vitest"), ["run", "--project", "integration"], { SKIP_BUILD: "1" }) },
  { name: "browser", run: async () => (await ensureChromium()) || ensureChineseFont() },
  { name: "e2e", run: () => run(bin("playwright"), ["test"], { CHROME_PATH: chromePath }) },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !PHASES.some((p) => p.name === w));
if (unknown.length) {
  console.error(`[test] unknown phase(s): ${unknown.join(", ")}; phases: ${PHASES.map((p) => p.name).join(", ")}`);
  process.exit(2);
}
const phases = wanted.length ? PHASES.filter((p) => wanted.includes(p.name) || (p.name === "browser" && wanted.includes("e2e"))) : PHASES;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const results = [];
const started = Date.now();
let failed = null;

function report(phase, code, ms) {
  results.push({ name: phase.name, ms, ok: code === 0 });
  console.log(`[test] ${code === 0 ? "✔" : "✘"} ${phase.name} ${code === 0 ? "passed" : `failed (exit ${code})`} in ${seconds(ms)}`);
  if (code !== 0 && !failed) failed = phase.name;
}

let besides = []; // phases started beside the current one: { phase, t0, out, done }
for (const phase of phases) {
  if (phase.beside) {
    console.log(`\n[test] ▶ ${phase.name} (beside the next phase; its output follows when it ends)`);
    const out = [];
    const t0 = Date.now();
    besides.push({ phase, out, done: phase.run(out).then((code) => ({ code, ms: Date.now() - t0 })) });
    continue;
  }
  console.log(`\n[test] ▶ ${phase.name}`);
  const t0 = Date.now();
  const code = await phase.run();
  report(phase, code, Date.now() - t0);
  for (const b of besides) {
    const { code: bCode, ms } = await b.done;
    console.log(`\n[test] ◀ ${b.phase.name} output:`);
    process.stdout.write(Buffer.concat(b.out.map((c) => Buffer.from(c))));
    report(b.phase, bCode, ms);
  }
  besides = [];
  if (failed) break;
}
// A `beside` phase that was the last one asked for (e.g. `node scripts/test.mjs typecheck`).
for (const b of besides) {
  const { code, ms } = await b.done;
  process.stdout.write(Buffer.concat(b.out.map((c) => Buffer.from(c))));
  report(b.phase, code, ms);
}

const skipped = phases.filter((p) => !results.some((r) => r.name === p.name)).map((p) => p.name);
const parts = results.map((r) => `${r.name} ${seconds(r.ms)}${r.ok ? "" : " ✘"}`);
console.log(
  `\n[test] ${failed ? `FAILED at ${failed}` : "ALL PASSED"} in ${seconds(Date.now() - started)} — ${parts.join(", ")}` +
    (skipped.length ? ` (not run: ${skipped.join(", ")})` : ""),
);
process.exit(failed ? 1 : 0);
