/**
 * Opens the local D1 database and R2 bucket that `wrangler dev --persist-to .wrangler/state` uses,
 * from Node, through Miniflare (the same embedded workerd), for seeding and scripts.
 */
import { Miniflare } from "miniflare";
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

export function readWranglerIds() {
  const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  const databaseId = /database_id\s*=\s*"([^"]+)"/.exec(toml)?.[1];
  const bucketName = /bucket_name\s*=\s*"([^"]+)"/.exec(toml)?.[1];
  if (!databaseId || !bucketName) throw new Error("wrangler.toml needs a D1 database_id and an R2 bucket_name");
  return { databaseId, bucketName };
}

export function readDevVars(file = path.join(root, ".dev.vars")): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (m) vars[m[1]!] = m[2]!.replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

export async function openLocalBindings(persistTo = path.join(root, ".wrangler/state")) {
  const { databaseId, bucketName } = readWranglerIds();
  const mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response(null, { status: 204 }); } }",
    compatibilityDate: "2026-04-20",
    d1Databases: { DB: databaseId },
    r2Buckets: { IMAGES: bucketName },
    d1Persist: path.join(persistTo, "v3/d1"),
    r2Persist: path.join(persistTo, "v3/r2"),
    cf: false,
  });
  await mf.ready;
  return { mf, DB: await mf.getD1Database("DB"), IMAGES: await mf.getR2Bucket("IMAGES") };
}
