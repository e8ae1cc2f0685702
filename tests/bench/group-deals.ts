/**
 * Group-deal join bench (issue 7; `npm run bench` runs it after run.ts; alone:
 * `npx tsx tests/bench/group-deals.ts` after `npm run build`).
 *
 * One Miniflare instance on 127.0.0.1 runs the built app Worker (real D1, GroupDealRoom Durable
 * Objects) and a reference Worker, and autocannon measures, side by side in one run:
 *   hello      the reference Worker's `/ref/hello` (no I/O: the runtime's floor)
 *   room       the reference Worker calling one GroupDealRoom's `claim` directly (the Durable
 *              Object alone: one RPC, one SQLite check-then-insert, no D1)
 *   join ×1    `POST /api/v1/group-deals/{id}/join` on one group: bearer auth, the campaign and
 *              group reads, the room's seat, the member's order written to D1 in one batch
 *   join ×100  the same spread over 100 groups
 * Every join is a different shopper (one bearer token each), so none is refused; the groups'
 * top tier is large enough never to fill during the run.
 *
 * Knobs: BENCH_CONNECTIONS (32), BENCH_DURATION seconds (8), BENCH_RUNS (3), BENCH_GD_USERS (40000).
 */
import autocannon, { type Result as AutocannonResult } from "autocannon";
import { Miniflare } from "miniflare";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../app/db/schema";
import { recordSummary } from "./summary";
import { seedDemoWorld } from "../../app/modules/demo/seed.server";
import { migrationStatements, TEST_SECRETS } from "../support/worker";
import { appWorkerOptions } from "./app-worker";

const int = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};
const CFG = { connections: int("BENCH_CONNECTIONS", 32), duration: int("BENCH_DURATION", 8), runs: int("BENCH_RUNS", 3), users: int("BENCH_GD_USERS", 40_000) };
const ROOMS = 100;
const started = Date.now();
const log = (msg: string) => console.log(`[bench group-deals ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const REFERENCE = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/ref/hello") return new Response("hello");
    if (url.pathname === "/ref/room") {
      const id = "grp_benchroomdirect00000";
      const stub = env.ROOM.get(env.ROOM.idFromName(id));
      const meta = { groupId: id, capacity: 1000000000, deadlineAt: Date.now() + 86400000, tiers: [{ size: 2, unitPriceFen: 100 }, { size: 1000000000, unitPriceFen: 90 }] };
      const r = await stub.claim({ meta, userId: "u" + crypto.randomUUID(), holdUntil: Date.now() + 600000 });
      return Response.json(r.ok ? { ok: true, seats: r.snapshot.held } : r, { status: r.ok ? 200 : 409 });
    }
    return new Response("not found", { status: 404 });
  },
};`;

const stderr: string[] = [];
const app = appWorkerOptions("bench-gd-db");
const mf = new Miniflare({
  host: "127.0.0.1",
  port: 0,
  cf: false,
  handleRuntimeStdio(out: Readable, err: Readable) {
    out.resume();
    err.setEncoding("utf8");
    err.on("data", (c: string) => stderr.push(...c.split("\n").filter((l) => l.trim())));
  },
  workers: [
    app,
    {
      name: "reference",
      modules: [{ type: "ESModule", path: "reference.js", contents: REFERENCE }],
      compatibilityDate: "2026-04-20",
      durableObjects: { ROOM: { className: "GroupDealRoom", scriptName: "app", useSQLite: true } },
      routes: ["*/ref/*"],
    },
  ],
});

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const tokenOf = (i: number) => `bench-gd-token-${String(i).padStart(8, "0")}-xxxxxxxxxxxxxxxx`;
const userOf = (i: number) => `usr_benchgd${String(i).padStart(13, "0")}`;
const groupOf = (k: number) => `grp_benchgd${String(k).padStart(13, "0")}`;

async function load(base: string, target: { path: (i: number) => string; method: "GET" | "POST"; token?: boolean }, next: { i: number }, duration = CFG.duration): Promise<{ rps: number; p50: number; p99: number; non2xx: number }> {
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections: CFG.connections,
        duration,
        pipelining: 1,
        timeout: 10,
        requests: [
          {
            method: target.method,
            setupRequest: (req: Record<string, unknown>) => {
              const i = next.i++;
              const headers: Record<string, string> = { "content-type": "application/json", "cf-connecting-ip": "198.51.100.7" };
              if (target.token) headers.authorization = `Bearer ${tokenOf(i % CFG.users)}`;
              return { ...req, path: target.path(i), headers, body: target.method === "POST" ? JSON.stringify({ quantity: 1 }) : undefined };
            },
          },
        ],
      } as never,
      (error, r) => (error ? reject(error) : resolve(r)),
    );
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

try {
  const url = await mf.ready;
  const base = url.toString();
  const d1 = (await mf.getD1Database("DB", "app")) as unknown as D1Database;
  await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
  const images = (await mf.getR2Bucket("IMAGES", "app")) as unknown as R2Bucket;
  await seedDemoWorld({ db: drizzle(d1, { schema }), env: { ...TEST_SECRETS, IMAGES: images } });
  const now = Date.now();
  // One campaign whose top tier never fills, 101 open groups (one for the single-room runs), and
  // CFG.users shoppers at 阳光花园, each with a bearer session; the SKU's stock is unlimited.
  const tiers = JSON.stringify([{ size: 2, unitPriceFen: 2590 }, { size: 1_000_000, unitPriceFen: 2290 }]);
  await d1.batch([
    d1.prepare("UPDATE skus SET stock = 1000000000 WHERE id = 'sku_demoapple00000000001'"),
    d1
      .prepare(
        `INSERT INTO group_deal_campaigns (id, merchant_id, product_id, sku_id, tiers, duration_minutes, per_user_limit, starts_at, ends_at, leader_only, status, created_by, created_at, updated_at)
         VALUES ('gdc_benchgd0000000000000', 'mch_demofruit00000000000', 'prd_demoapple00000000000', 'sku_demoapple00000000001', ?, 1440, 1000000, ?, ?, 0, 'approved', 'usr_demomerchant01000000', ?, ?)`,
      )
      .bind(tiers, now - 3_600_000, now + 86_400_000, now, now),
    d1.prepare(
      `WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < ${ROOMS})
       INSERT INTO group_deals (id, campaign_id, merchant_id, product_id, sku_id, starter_user_id, pickup_point_id, leader_only, tiers, capacity, status, deadline_at, paid_count, created_at, updated_at)
       SELECT printf('grp_benchgd%013d', k), 'gdc_benchgd0000000000000', 'mch_demofruit00000000000', 'prd_demoapple00000000000', 'sku_demoapple00000000001', 'usr_demoshopper010000000', 'pkp_demosunshine00000000', 0, '${tiers}', 1000000, 'open', ${now + 86_400_000}, 0, ${now}, ${now} FROM n`,
    ),
  ]);
  const rows: string[] = [];
  for (let i = 0; i < CFG.users; i++) rows.push(`('${userOf(i)}', '${sha256(tokenOf(i))}')`);
  const statements = [];
  for (let k = 0; k < rows.length; k += 800) {
    const values = rows.slice(k, k + 800).join(",");
    statements.push(
      d1.prepare(`INSERT INTO users (id, display_name, locale, status, created_at, updated_at) SELECT column1, '拼友', 'zh-CN', 'active', ${now}, ${now} FROM (VALUES ${values})`),
      d1.prepare(`INSERT INTO sessions (id, user_id, expires_at, created_at, kind) SELECT column2, column1, ${Math.floor(now / 1000) + 30 * 86_400}, ${now}, 'bearer' FROM (VALUES ${values})`),
      d1.prepare(`INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) SELECT column1, 'pkp_demosunshine00000000', 'chosen', ${now} FROM (VALUES ${values})`),
    );
  }
  await d1.batch(statements);
  log(`seeded ${fmt(CFG.users)} shoppers with bearer sessions, ${ROOMS + 1} open groups; ${CFG.connections} connections, ${CFG.duration} s × ${CFG.runs} runs`);

  // Each join needs a shopper not yet in its group: the join targets share one counter of tokens.
  const joins = { i: 0 };
  const other = { i: 0 };
  const targets = [
    { key: "hello", label: "reference `/ref/hello` (hello-world Worker)", path: () => "/ref/hello", method: "GET" as const },
    { key: "room", label: "one GroupDealRoom `claim` via RPC (the Durable Object alone)", path: () => "/ref/room", method: "GET" as const },
    { key: "me", label: "signed-in read `GET /api/v1/me` (bearer session lookup, one D1 read)", path: () => "/api/v1/me", method: "GET" as const, token: true },
    { key: "one", label: "join one group `POST /api/v1/group-deals/{id}/join`", path: () => `/api/v1/group-deals/${groupOf(ROOMS)}/join`, method: "POST" as const, token: true },
    { key: "many", label: `join across ${ROOMS} groups (round-robin)`, path: (i: number) => `/api/v1/group-deals/${groupOf(i % ROOMS)}/join`, method: "POST" as const, token: true },
  ];
  const results = new Map<string, Array<{ rps: number; p50: number; p99: number; non2xx: number }>>(targets.map((t) => [t.key, []]));
  for (const t of targets) await load(base, t, t.token ? joins : other, 2); // warm-up
  for (let run = 1; run <= CFG.runs; run++) {
    for (const t of targets) {
      if (t.token && joins.i + 10_000 > CFG.users) throw new Error(`BENCH_GD_USERS=${CFG.users} is too few for this many joins; raise it`);
      const r = await load(base, t, t.token ? joins : other);
      results.get(t.key)!.push(r);
      log(`run ${run}/${CFG.runs} ${t.key.padEnd(6)} ${fmt(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms${r.non2xx ? `  non-2xx ${r.non2xx}` : ""}`);
    }
  }
  const med = (key: string) => {
    const rs = results.get(key)!;
    return { rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), non2xx: rs.reduce((a, r) => a + r.non2xx, 0), all: rs.map((r) => fmt(r.rps)).join(" / ") };
  };
  const hello = med("hello");
  const members = (await d1.prepare("SELECT count(*) AS n, count(DISTINCT group_id) AS g FROM group_deal_members WHERE campaign_id = 'gdc_benchgd0000000000000'").first<{ n: number; g: number }>())!;
  const out = [
    "",
    `## Group-deal joins ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    `Machine: ${os.cpus().length} cores, Node ${process.version}; ${CFG.connections} connections, ${CFG.duration} s per run, median of ${CFG.runs} runs; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}.`,
    "",
    "| target | req/s (median) | runs | ratio vs hello-world | p50 | p99 | non-2xx |",
    "|---|---|---|---|---|---|---|",
    ...targets.map((t) => {
      const m = med(t.key);
      return `| ${t.label} | ${fmt(m.rps)} | ${m.all} | ${(m.rps / hello.rps).toFixed(2)} | ${m.p50} ms | ${m.p99} ms | ${m.non2xx} |`;
    }),
    "",
    `Joins written: ${fmt(members.n)} members in ${members.g} groups (every one a placed order awaiting payment). Worker stderr lines: ${stderr.length}.`,
  ];
  console.log(out.join("\n"));
  if (stderr.length) console.log(stderr.slice(0, 10).join("\n"));
  recordSummary(
    "group-deals",
    (["room", "one", "many"] as const).map((key) => {
      const m = med(key);
      return { metric: targets.find((t) => t.key === key)!.label, measured: `${fmt(m.rps)} req/s (p99 ${m.p99} ms)`, ratio: `${(m.rps / hello.rps).toFixed(2)} × hello-world`, result: m.non2xx ? "FAIL" : "info" };
    }),
  );
} finally {
  await mf.dispose();
}
