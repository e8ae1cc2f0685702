import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePushConfig } from "../app/modules/notifications/push-config";

const script = path.join(import.meta.dirname, "vapid-keys.mjs");

describe("scripts/vapid-keys.mjs", () => {
  it("prints a key pair the Worker accepts, as .dev.vars lines", () => {
    const out = execFileSync(process.execPath, [script, "--dev-vars"], { encoding: "utf8" });
    const vars = Object.fromEntries(
      out
        .trim()
        .split("\n")
        .map((line) => {
          const eq = line.indexOf("=");
          return [line.slice(0, eq), line.slice(eq + 1).replace(/^'(.*)'$/, "$1")];
        }),
    );
    expect(parsePushConfig(vars)).toMatchObject({ ok: true, vapid: { publicKey: vars.VAPID_PUBLIC_KEY } });
  });

  it("prints the wrangler secret commands for production", () => {
    const out = execFileSync(process.execPath, [script], { encoding: "utf8" });
    for (const name of ["VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"]) expect(out).toContain(`wrangler secret put ${name}`);
  });
});
