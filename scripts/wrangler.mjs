#!/usr/bin/env node
// Runs the project's wrangler with the settings this offline machine needs, and makes sure
// local secrets exist (.dev.vars is created from .dev.vars.example on a fresh clone).
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureDevVars, root } from "./dev-vars.mjs";

ensureDevVars();
const child = spawn(path.join(root, "node_modules/.bin/wrangler"), process.argv.slice(2), {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
    XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? path.join(root, ".xdg"),
  },
});
child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));
