#!/usr/bin/env node
// `npm run a11y`: axe-core on the main pages of every role (tests/e2e/a11y.spec.ts, the same
// journeys `npm test` runs), printed as one table: per page, the violations by impact and the
// rules that passed. Builds first unless A11Y_SKIP_BUILD=1; exit code 1 when a serious or
// critical violation (or anything else in the journeys) fails. Raw rows: .a11y/axe-results.jsonl.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { root } from "./dev-vars.mjs";

const results = path.join(root, ".a11y/axe-results.jsonl");
if (process.env.A11Y_SKIP_BUILD !== "1") {
  const built = spawnSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
rmSync(results, { force: true });
const run = spawnSync(path.join(root, "node_modules/.bin/playwright"), ["test", "tests/e2e/a11y.spec.ts", "--project", "mobile-zh"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, A11Y_RESULTS: results },
});
const rows = existsSync(results) ? readFileSync(results, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
const pad = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);
console.log(`\naxe-core (WCAG 2.0/2.1/2.2 A and AA + best practices), ${rows.length} pages`);
console.log(`${pad("page", 44)}${padL("critical", 9)}${padL("serious", 9)}${padL("moderate", 9)}${padL("minor", 7)}${padL("passed", 8)}`);
console.log("-".repeat(86));
for (const r of rows) console.log(`${pad(r.path.length > 43 ? `${r.path.slice(0, 40)}…` : r.path, 44)}${padL(r.critical, 9)}${padL(r.serious, 9)}${padL(r.moderate, 9)}${padL(r.minor, 7)}${padL(r.rulesPassed, 8)}${r.violations.length ? `  ${r.violations.join(", ")}` : ""}`);
const serious = rows.reduce((n, r) => n + r.critical + r.serious, 0);
console.log(rows.length === 0 ? "No page was audited." : serious === 0 ? "No serious or critical violation." : `${serious} serious or critical violation(s).`);
process.exit(run.status === 0 && rows.length > 0 && serious === 0 ? 0 : 1);
