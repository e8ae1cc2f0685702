import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { prepareWorldTemplates, WORLD_TEMPLATES_ENV } from "./worker";

/**
 * Builds the Worker once for the whole integration run (production mode, as deployed), then makes
 * the ready-made worlds every test file's Worker starts from (migrated, and migrated + seeded).
 */
export default async function setup() {
  build();
  const started = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), "tg-worlds-"));
  await prepareWorldTemplates(dir);
  process.env[WORLD_TEMPLATES_ENV] = dir;
  console.log(`[integration] migrated and seeded the demo world once in ${Date.now() - started} ms`);
  return () => rmSync(dir, { recursive: true, force: true });
}

function build() {
  const root = path.resolve(import.meta.dirname, "../..");
  if (process.env.SKIP_BUILD === "1" && existsSync(path.join(root, "build/index.js"))) return;
  const started = Date.now();
  execFileSync(path.join(root, "node_modules/.bin/remix"), ["build"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const size = statSync(path.join(root, "build/index.js")).size;
  console.log(`[integration] built the Worker in ${Date.now() - started} ms (${Math.round(size / 1024)} KiB)`);
}
