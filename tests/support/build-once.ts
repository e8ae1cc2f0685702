import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";

/** Builds the Worker once for the whole integration run (production mode, as deployed). */
export default function setup() {
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
