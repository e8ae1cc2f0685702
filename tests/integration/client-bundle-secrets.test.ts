/**
 * No secrets in what browsers download: every file the build writes under public/build, plus the
 * hand-written public files (service workers, manifests, offline page), is scanned for secret values
 * and names, private key material, server-only code and process.env. Runs in the integration phase,
 * after the build (tests/support/build-once.ts builds unless SKIP_BUILD); a missing build fails.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TEST_SANDBOX_SECRET, TEST_SECRETS, TEST_VAPID } from "../support/worker";

const root = path.resolve(import.meta.dirname, "../..");
const publicDir = path.join(root, "public");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? walk(file) : [file];
  });
}

const TEXT = /\.(?:js|mjs|css|map|json|webmanifest|html|txt|svg)$/;

function clientFiles(): Array<{ file: string; text: string }> {
  const build = path.join(publicDir, "build");
  if (!existsSync(build)) throw new Error("public/build is missing: run `npm run build` first");
  return walk(publicDir)
    .filter((f) => TEXT.test(f))
    .map((file) => ({ file: path.relative(root, file), text: readFileSync(file, "utf8") }));
}

/** Values of every secret the test Worker and the local .dev.vars template use. */
function secretValues(): string[] {
  const values: string[] = [TEST_SANDBOX_SECRET, TEST_SECRETS.LOOKUP_KEY];
  for (const pair of TEST_SECRETS.DATA_KEYS.split(",")) values.push(pair.split(":")[1]!);
  values.push((JSON.parse(TEST_VAPID.VAPID_PRIVATE_KEY) as { d: string }).d);
  const devVars = readFileSync(path.join(root, ".dev.vars.example"), "utf8");
  for (const line of devVars.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, name, raw] = m as unknown as [string, string, string];
    const value = raw.replace(/^'(.*)'$/, "$1");
    if (name === "DATA_KEYS") for (const pair of value.split(",")) values.push(pair.split(":")[1]!);
    else if (name === "VAPID_PRIVATE_KEY") values.push((JSON.parse(value) as { d: string }).d);
    else if (/SECRET|LOOKUP_KEY/.test(name)) values.push(value);
  }
  return values.filter((v) => v.length >= 8);
}

/** Names of the secrets the Worker reads (declared in its Env types and the .dev.vars template). */
function secretNames(): string[] {
  const sources = [".dev.vars.example", "app/env.server.ts", "app/modules/payments/providers/index.ts", "app/auth/oauth/index.server.ts"]
    .map((f) => readFileSync(path.join(root, f), "utf8"))
    .join("\n");
  const names = new Set(sources.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? []);
  return [...names].filter((n) => /SECRET|PRIVATE|_KEYS?$/.test(n) && !/PUBLIC/.test(n));
}

describe("client bundles carry no secrets", () => {
  const files = clientFiles();

  it("scans a real build (the entry, the route modules, the service worker)", () => {
    expect(files.some((f) => /^public\/build\/manifest-[0-9A-Z]+\.js$/.test(f.file))).toBe(true);
    expect(files.filter((f) => f.file.startsWith("public/build/routes/")).length).toBeGreaterThan(50);
    expect(files.map((f) => f.file)).toEqual(expect.arrayContaining(["public/sw.js", "public/manifest.webmanifest", "public/offline.html"]));
    // The lists below are not empty by accident.
    expect(secretValues().length).toBeGreaterThanOrEqual(8);
    expect(secretNames()).toEqual(
      expect.arrayContaining(["DATA_KEYS", "LOOKUP_KEY", "VAPID_PRIVATE_KEY", "SANDBOX_PAY_SECRET", "WECHATPAY_PRIVATE_KEY", "WECHATPAY_API_V3_KEY", "ALIPAY_PRIVATE_KEY", "OIDC_CLIENT_SECRET", "WECHAT_APP_SECRET", "MESSAGE_WEBHOOK_SECRET"]),
    );
  });

  it("has no secret value and no secret's name", () => {
    const needles = [...secretValues(), ...secretNames()];
    const found = files.flatMap(({ file, text }) => needles.filter((n) => text.includes(n)).map((n) => `${file}: ${n}`));
    expect(found).toEqual([]);
  });

  it("has no private key material (PEM blocks, private JWK members)", () => {
    const patterns = [/-----BEGIN [A-Z ]*(?:PRIVATE KEY|CERTIFICATE)-----/, /["']?\bd["']?\s*:\s*["'][A-Za-z0-9_-]{43}["']/, /"kty"\s*:\s*"EC"[^}]*"d"/];
    const found = files.flatMap(({ file, text }) => patterns.filter((re) => re.test(text)).map((re) => `${file}: ${re}`));
    expect(found).toEqual([]);
  });

  it("has no server-only code: SQL, ledger and credential internals, process.env", () => {
    const needles = [
      /\bINSERT INTO\b/,
      /\bDELETE FROM\b/,
      /\bUPDATE [a-z_]+ SET\b/,
      /\bCREATE TABLE\b/,
      /ledger_entries/,
      /password_hash/,
      /pickup_code_hash/,
      /phone_enc/,
      /pbkdf2-sha256/,
      /cloudflare:workers/,
      /process\.env/,
      /\.server["']/,
    ];
    const found = files.flatMap(({ file, text }) => needles.filter((re) => re.test(text)).map((re) => `${file}: ${re}`));
    expect(found).toEqual([]);
  });
});
