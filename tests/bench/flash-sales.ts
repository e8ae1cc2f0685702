/**
 * Flash-sale bench (issue 8; `npm run bench` runs it after the others; alone:
 * `npm run build && npx tsx tests/bench/flash-sales.ts`).
 *
 * One Miniflare instance on 127.0.0.1: the built app Worker (real D1, FlashSaleStock objects) and a
 * reference Worker on the same D1 database. Two parts:
 *
 * 1. Torture (correctness at full scale): 10,000 concurrent reservation attempts through the app's
 *    API by 5,000 shoppers on 500 units, at most 2 each, a fifth repeating an earlier idempotency
 *    key; an observer reads the counts all along. Prints sold/reserved/remaining, oversold units,
 *    per-user violations, duplicate reservations and any observation where the counts did not add up.
 * 2. Throughput, side by side in one run (autocannon):
 *      hello      `/ref/hello`: the runtime's floor
 *      naive D1   `/ref/naive`: `UPDATE flash_naive SET remaining = remaining - 1 WHERE remaining > 0`
 *      object     `/ref/reserve`: one FlashSaleStock `reserve` (check the window, the shopper's limit
 *                 and the stock, insert) called from a Worker — the stock decision alone
 *      API        `POST /api/v1/flash-sales/{id}/reservations`: the decision plus the order written to D1
 *
 * Knobs: BENCH_CONNECTIONS (32), BENCH_DURATION (8), BENCH_RUNS (3), BENCH_TORTURE_SCALE (1).
 */
import autocannon, { type Result as AutocannonResult } from "autocannon";
import { Miniflare } from "miniflare";
import { createHash } from "node:crypto";
import os from "node:os";
import type { Readable } from "node:stream";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../app/db/schema";
import { seedDemoWorld } from "../../app/modules/demo/seed.server";
import { migrationStatements, TEST_SECRETS } from "../support/worker";
import { appWorkerOptions } from "./app-worker";
import { recordSummary, verdict } from "./summary";

const int = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};
const CFG = { connections: int("BENCH_CONNECTIONS", 32), duration: int("BENCH_DURATION", 8), runs: int("BENCH_RUNS", 3) };
/** BENCH_TORTURE_SCALE (1) divides the torture's attempts, shoppers and units (e.g. 10 while tuning the throughput part). */
const SCALE = int("BENCH_TORTURE_SCALE", 1);
const TORTURE = { attempts: 10_000 / SCALE, users: 5_000 / SCALE, stock: 500 / SCALE, limit: 2 };
/** Concurrent attempts in flight during the torture run. */
const IN_FLIGHT = 64;
const started = Date.now();
const log = (msg: string) => console.log(`[bench flash-sales ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const REFERENCE = `
let n = 0;
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/ref/hello") return new Response("hello");
    if (url.pathname === "/ref/naive") {
      const r = await env.DB.prepare("UPDATE flash_naive SET remaining = remaining - 1 WHERE id = 1 AND remaining > 0").run();
      return Response.json({ ok: r.meta.changes === 1 }, { status: r.meta.changes === 1 ? 200 : 409 });
    }
    if (url.pathname === "/ref/reserve") {
      const stub = env.STOCK.get(env.STOCK.idFromName("fls_benchdirect000000000"));
      const meta = { saleId: "fls_benchdirect000000000", stock: 1000000000, perUserLimit: 2, startsAt: 0, endsAt: Date.now() + 86400000, paymentTimeoutMs: 900000 };
      const user = "u" + (n++) + ":" + Math.random();
      const r = await stub.reserve({ meta, userId: user, quantity: 1, idempotencyKey: "k", opensAt: 0 });
      return Response.json({ ok: r.ok }, { status: r.ok ? 200 : 409 });
    }
    return new Response("not found", { status: 404 });
  },
};`;

const stderr: string[] = [];
const app = appWorkerOptions("bench-flash-db");
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
      d1Databases: { DB: "bench-flash-db" },
      durableObjects: { STOCK: { className: "FlashSaleStock", scriptName: "app", useSQLite: true } },
      routes: ["*/ref/*"],
    },
  ],
});

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const tokenOf = (i: number) => `bench-flash-token-${String(i).padStart(8, "0")}-xxxxxxxxxxxxxxxx`;
const userOf = (i: number) => `usr_benchfl${String(i).padStart(13, "0")}`;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}
async function load(base: string, target: { path: string; method: "GET" | "POST"; body?: (i: number) => string; headers?: (i: number) => Record<string, string> }): Promise<Load> {
  let i = 0;
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections: CFG.connections,
        duration: CFG.duration,
        pipelining: 1,
        timeout: 10,
        requests: [
          {
            method: target.method,
            setupRequest: (req: Record<string, unknown>) => {
              const k = i++;
              return { ...req, path: target.path, headers: { "content-type": "application/json", ...target.headers?.(k) }, body: target.body?.(k) };
            },
          },
        ],
      } as never,
      (error, r) => (error ? reject(error) : resolve(r)),
    );
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

try {
  const base = (await mf.ready).toString();
  const d1 = (await mf.getD1Database("DB", "app")) as unknown as D1Database;
  await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
  const images = (await mf.getR2Bucket("IMAGES", "app")) as unknown as R2Bucket;
  await seedDemoWorld({ db: drizzle(d1, { schema }), env: { ...TEST_SECRETS, IMAGES: images } });
  const now = Date.now();
  await d1.batch([
    d1.prepare("CREATE TABLE flash_naive (id INTEGER PRIMARY KEY, remaining INTEGER NOT NULL)"),
    d1.prepare("INSERT INTO flash_naive (id, remaining) VALUES (1, 1000000000)"),
    ...["fls_benchtorture00000000", "fls_benchapi000000000000"].map((id, k) =>
      d1
        .prepare(
          `INSERT INTO flash_sales (id, merchant_id, product_id, sku_id, flash_price_fen, stock, per_user_limit, payment_timeout_seconds, early_access_minutes, starts_at, ends_at, status, created_by, created_at, updated_at)
           VALUES (?, 'mch_demofruit00000000000', 'prd_demotomato0000000000', 'sku_demotomato0000000001', 990, ?, ?, 900, '{}', ?, ?, 'approved', 'usr_demomerchant01000000', ?, ?)`,
        )
        .bind(id, k === 0 ? TORTURE.stock : 1_000_000_000, k === 0 ? TORTURE.limit : 1_000_000_000, now - 60_000, now + 86_400_000, now, now),
    ),
  ]);
  const users = 60_000;
  const rows: string[] = [];
  for (let i = 0; i < users; i++) rows.push(`('${userOf(i)}', '${sha256(tokenOf(i))}')`);
  const statements = [];
  for (let k = 0; k < rows.length; k += 800) {
    const values = rows.slice(k, k + 800).join(",");
    statements.push(
      d1.prepare(`INSERT INTO users (id, display_name, locale, status, created_at, updated_at) SELECT column1, '抢购者', 'zh-CN', 'active', ${now}, ${now} FROM (VALUES ${values})`),
      d1.prepare(`INSERT INTO sessions (id, user_id, expires_at, created_at, kind) SELECT column2, column1, ${Math.floor(now / 1000) + 30 * 86_400}, ${now}, 'bearer' FROM (VALUES ${values})`),
      d1.prepare(`INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) SELECT column1, 'pkp_demosunshine00000000', 'chosen', ${now} FROM (VALUES ${values})`),
    );
  }
  await d1.batch(statements);
  log(`seeded ${fmt(users)} shoppers with bearer sessions and two approved sales`);

  // ---------- 1. throughput (first: the torture leaves 10,000 requests' garbage in the app's isolate, where the stock objects run) ----------
  const targets = [
    { key: "hello", label: "reference `/ref/hello` (hello-world Worker)", path: "/ref/hello", method: "GET" as const },
    { key: "naive", label: "naive D1 `UPDATE … SET remaining = remaining - 1 WHERE remaining > 0`", path: "/ref/naive", method: "GET" as const },
    { key: "object", label: "FlashSaleStock `reserve` from a Worker (the stock decision alone)", path: "/ref/reserve", method: "GET" as const },
    {
      key: "api",
      label: "API `POST /api/v1/flash-sales/{id}/reservations` (decision + order written to D1)",
      path: "/api/v1/flash-sales/fls_benchapi000000000000/reservations",
      method: "POST" as const,
      body: () => JSON.stringify({ quantity: 1 }),
      headers: (i: number) => ({ authorization: `Bearer ${tokenOf(TORTURE.users + (i % (users - TORTURE.users)))}`, "idempotency-key": `api-${i}-${Math.random()}`, "cf-connecting-ip": "198.51.100.10" }),
    },
  ];
  const results = new Map<string, Load[]>(targets.map((t) => [t.key, []]));
  // The three compared targets take turns, run after run; the API's runs come after them, since
  // each of its requests leaves an order in D1 and would weigh on the naive reference that follows.
  const turns = [...Array.from({ length: CFG.runs }, (_, r) => targets.slice(0, 3).map((t) => ({ t, run: r + 1 }))).flat(), ...Array.from({ length: CFG.runs }, (_, r) => ({ t: targets[3]!, run: r + 1 }))];
  for (const { t, run } of turns) {
    const r = await load(base, t);
    results.get(t.key)!.push(r);
    log(`run ${run}/${CFG.runs} ${t.key.padEnd(6)} ${fmt(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms${r.non2xx ? `  non-2xx ${r.non2xx}` : ""}${r.errors ? `  errors ${r.errors}` : ""}`);
  }
  // ---------- 2. torture ----------
  const saleId = "fls_benchtorture00000000";
  const attempts = Array.from({ length: TORTURE.attempts }, (_, a) => {
    const u = a % TORTURE.users;
    const dup = a >= TORTURE.users && a % 5 < 2; // 2 in 5 of the second round repeat a first-round key: 20% of all attempts
    return { u, quantity: 1 + (a % 2), key: dup ? `torture-key-${u}-0` : `torture-key-${u}-${a >= TORTURE.users ? 1 : 0}` };
  });
  for (let i = attempts.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [attempts[i], attempts[j]] = [attempts[j]!, attempts[i]!];
  }
  const bad: string[] = [];
  let observations = 0;
  let storming = true;
  const observer = (async () => {
    while (storming) {
      const res = await fetch(new URL(`/api/v1/flash-sales/${saleId}`, base));
      const c = ((await res.json()) as { sale: { counts: { stock: number; sold: number; reserved: number; remaining: number } } }).sale.counts;
      observations++;
      if (c.sold + c.reserved + c.remaining !== c.stock || c.remaining < 0) bad.push(JSON.stringify(c));
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const t0 = Date.now();
  const statuses = new Map<string, number>();
  const byKey = new Map<string, Set<string>>();
  let next = 0;
  let resets = 0;
  /** workerd drops a request that queued ~5 s; the same key is sent again (idempotent, so safe). */
  const send = async (a: (typeof attempts)[number]): Promise<Response> => {
    for (let tries = 0; ; tries++) {
      try {
        return await fetch(new URL(`/api/v1/flash-sales/${saleId}/reservations`, base), {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tokenOf(a.u)}`, "idempotency-key": a.key, "cf-connecting-ip": "198.51.100.9" },
          body: JSON.stringify({ quantity: a.quantity }),
        });
      } catch (error) {
        resets++;
        if (tries >= 5) throw error;
      }
    }
  };
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let a = attempts[next++]; a; a = attempts[next++]) {
        const res = await send(a);
        const body = (await res.json()) as { reservationId?: string; error?: { code: string } };
        const label = res.status < 300 ? String(res.status) : `${res.status} ${body.error?.code}`;
        statuses.set(label, (statuses.get(label) ?? 0) + 1);
        if (body.reservationId) {
          const k = `${a.u}/${a.key}`;
          (byKey.get(k) ?? byKey.set(k, new Set()).get(k)!).add(body.reservationId);
        }
      }
    }),
  );
  const tortureMs = Date.now() - t0;
  storming = false;
  await observer;
  const final = ((await (await fetch(new URL(`/api/v1/flash-sales/${saleId}`, base))).json()) as { sale: { counts: { stock: number; sold: number; reserved: number; remaining: number } } }).sale.counts;
  const perUser = (await d1.prepare(`SELECT o.user_id, sum(l.quantity) AS units FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.flash_sale_id = ? GROUP BY o.user_id`).bind(saleId).all<{ units: number }>()).results;
  const units = perUser.reduce((s, r) => s + Number(r.units), 0);
  const violations = perUser.filter((r) => Number(r.units) > TORTURE.limit).length;
  const duplicates = [...byKey.values()].filter((s) => s.size > 1).length;
  log(`torture: ${fmt(TORTURE.attempts)} attempts in ${(tortureMs / 1000).toFixed(1)} s → ${[...statuses].map(([k, v]) => `${k} ×${fmt(v)}`).join(", ")}`);

  const med = (key: string) => {
    const rs = results.get(key)!;
    return { rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), all: rs.map((r) => fmt(r.rps)).join(" / "), non2xx: rs.reduce((a, r) => a + r.non2xx, 0) };
  };
  const hello = med("hello");
  const naive = med("naive");
  const object = med("object");
  const pass = (b: boolean) => (b ? "pass" : "**FAIL**");
  const out = [
    "",
    `## Flash sales ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    `Machine: ${os.cpus().length} cores, Node ${process.version}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}.`,
    "",
    `### Torture: ${fmt(TORTURE.attempts)} concurrent attempts (${IN_FLIGHT} in flight) by ${fmt(TORTURE.users)} shoppers on ${TORTURE.stock} units, at most ${TORTURE.limit} each, 20% of the attempts repeating an earlier idempotency key`,
    "",
    "| check | result |",
    "|---|---|",
    `| final counts (object) | sold ${final.sold}, reserved ${final.reserved}, remaining ${final.remaining} of ${final.stock} |`,
    `| units in D1 orders | ${units} ${pass(units === TORTURE.stock)} |`,
    `| oversold | ${Math.max(0, units - TORTURE.stock)} ${pass(units <= TORTURE.stock)} |`,
    `| shoppers over the limit | ${violations} ${pass(violations === 0)} |`,
    `| duplicate reservations for one key | ${duplicates} ${pass(duplicates === 0)} |`,
    `| observations where sold + reserved + remaining ≠ stock | ${bad.length} of ${observations} ${pass(bad.length === 0)} |`,
    `| answers | ${[...statuses].map(([k, v]) => `${k} ×${fmt(v)}`).join(", ")} |`,
    `| connections reset by workerd (request sent again with its key) | ${resets} |`,
    "",
    `### Throughput (autocannon, ${CFG.connections} connections, ${CFG.duration} s, median of ${CFG.runs} runs)`,
    "",
    "| target | req/s (median) | runs | ratio vs hello-world | ratio vs naive D1 | p50 | p99 | non-2xx |",
    "|---|---|---|---|---|---|---|---|",
    ...targets.map((t) => {
      const m = med(t.key);
      return `| ${t.label} | ${fmt(m.rps)} | ${m.all} | ${(m.rps / hello.rps).toFixed(2)} | ${(m.rps / naive.rps).toFixed(2)} | ${m.p50} ms | ${m.p99} ms | ${m.non2xx} |`;
    }),
    "",
    "| target | measured | goal | result |",
    "|---|---|---|---|",
    `| stock object ÷ naive D1 | ${(object.rps / naive.rps).toFixed(2)} | ≥ 1.5 | ${pass(object.rps / naive.rps >= 1.5)} |`,
    `| stock object ÷ hello-world | ${(object.rps / hello.rps).toFixed(2)} | ≥ 0.30 | ${pass(object.rps / hello.rps >= 0.3)} |`,
    "",
    `Worker stderr lines: ${stderr.length}.`,
  ];
  console.log(out.join("\n"));
  if (stderr.length) console.log(stderr.slice(0, 10).join("\n"));
  const api = med("api");
  recordSummary("flash-sales", [
    {
      metric: `torture: ${fmt(TORTURE.attempts)} attempts on ${TORTURE.stock} units`,
      measured: `${units} units sold, ${violations} over the limit, ${duplicates} duplicates, ${bad.length} bad observations`,
      target: `= ${TORTURE.stock}, 0, 0, 0`,
      result: verdict(units === TORTURE.stock && violations === 0 && duplicates === 0 && bad.length === 0),
    },
    { metric: "stock object `reserve` ÷ naive D1", measured: `${fmt(object.rps)} vs ${fmt(naive.rps)} req/s`, ratio: `${(object.rps / naive.rps).toFixed(2)} × naive D1`, target: "≥ 1.5", result: verdict(object.rps / naive.rps >= 1.5) },
    { metric: "stock object `reserve` ÷ hello-world", measured: `${fmt(object.rps)} vs ${fmt(hello.rps)} req/s`, ratio: `${(object.rps / hello.rps).toFixed(2)} × hello-world`, target: "≥ 0.30", result: verdict(object.rps / hello.rps >= 0.3) },
    { metric: "reservation API `POST /api/v1/flash-sales/{id}/reservations`", measured: `${fmt(api.rps)} req/s (p99 ${api.p99} ms)`, ratio: `${(api.rps / hello.rps).toFixed(2)} × hello-world`, result: "info" },
  ]);
} finally {
  await mf.dispose();
}
