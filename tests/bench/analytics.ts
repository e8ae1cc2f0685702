/**
 * Analytics bench (`npm run bench` runs it after cutoff.ts; alone: `npx tsx tests/bench/analytics.ts`
 * after `npm run build`). Issue 6's target: "admin dashboards over a seeded year (≥ 500k orders in
 * the rollup tables) load in ≤ 300 ms in the local Worker".
 *
 * 1. The built Worker in Miniflare (tests/support/worker.ts) with the demo world, then a year of raw
 *    data generated in SQL (recursive CTEs, so nothing crosses the proxy row by row):
 *    BENCH_ANALYTICS_ORDERS (540,000) paid orders of two lines each, spread evenly over the last
 *    365 Shanghai days, across 30,000 buyers, 50 pickup points, 300 products of 12 merchants; an
 *    after-sales refund on every 50th order; 1,000 behaviour events a day.
 * 2. The real rollup code over all 366 days (`rollupDays`, one batch per day, as the seed runs it),
 *    timed; then one tick of the 5-minute cron through the Worker's scheduled handler.
 * 3. As an admin signed in with the password: GET /admin/analytics for 365 days by day and by week,
 *    and CSV exports, BENCH_ANALYTICS_SAMPLES (20) sequential requests each after 3 warm-ups;
 *    p50 / p95 against the 300 ms target.
 * 4. Query plans of the dashboard's statements, and (bench database only, labelled) what the index
 *    the rollup would like, `orders (paid_at)`, changes for one day's rollup.
 */
import { rollupDay, rollupDays } from "../../app/modules/analytics/rollup.server";
import { addDays, businessDateOf, dayStart } from "../../app/modules/analytics/dates";
import { startWorker } from "../support/worker";
import { recordSummary, verdict } from "./summary";

const ORDERS = Number(process.env.BENCH_ANALYTICS_ORDERS ?? 540_000);
const SAMPLES = Number(process.env.BENCH_ANALYTICS_SAMPLES ?? 20);
const USERS = 30_000;
const POINTS = 50;
const PRODUCTS = 300;
const MERCHANTS = 12;
const EVENTS_PER_DAY = 1_000;
const CHUNK = 60_000;
const TARGET_MS = 300;
const started = Date.now();
const log = (msg: string) => console.log(`[bench analytics ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}`);

function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const worker = await startWorker();
try {
  const d1 = worker.d1;
  const now = Date.now();
  const today = businessDateOf(now);
  const first = addDays(today, -364);
  const from = dayStart(first);
  const span = now - from;
  const seq = (n: number, offset = 0) => `WITH RECURSIVE n(i) AS (SELECT ${offset} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${offset + n})`;

  // ---------- 1. a year of raw data ----------
  let t0 = performance.now();
  const cols = async (table: string) => (await d1.prepare(`SELECT name FROM pragma_table_info('${table}')`).all<{ name: string }>()).results.map((c) => c.name);
  const copy = async (table: string, fromId: string, n: number, set: Record<string, string>) => {
    const names = await cols(table);
    return d1.prepare(`${seq(n)} INSERT INTO ${table} (${names.join(", ")}) SELECT ${names.map((c) => set[c] ?? c).join(", ")} FROM n, ${table} WHERE id = ?1`).bind(fromId);
  };
  await d1.batch([
    d1.prepare(`${seq(USERS)} INSERT INTO users (id, display_name, locale, status, created_at, updated_at) SELECT printf('usr_bench%015d', i), printf('买家 %d', i), 'zh-CN', 'active', ?1, ?1 FROM n`).bind(from),
    await copy("merchants", "mch_demofruit00000000000", MERCHANTS, { id: "printf('mch_bench%015d', i)", name: "name || ' ' || i", licence_no_hash: "printf('bench-%d', i)" }),
    await copy("pickup_points", "pkp_demosunshine00000000", POINTS, { id: "printf('pkp_bench%015d', i)", name: "name || ' ' || i", invite_code: "NULL" }),
  ]);
  const categories = (await d1.prepare("SELECT id FROM categories ORDER BY id").all<{ id: string }>()).results.map((c) => c.id);
  await d1.batch([
    await copy("products", "prd_demostrawberry000000", PRODUCTS, {
      id: "printf('prd_bench%015d', i)",
      title_zh: "printf('商品 %d', i)",
      title_en: "printf('Product %d', i)",
      merchant_id: "printf('mch_bench%015d', i % " + MERCHANTS + ")",
      category_id: `json_extract('${JSON.stringify(categories)}', '$[' || (i % ${categories.length}) || ']')`,
    }),
  ]);
  // Orders numbered 0..N-1, paid at evenly spread instants of the year; two lines each.
  const line = (k: 1 | 2) => {
    const product = k === 1 ? `(i * 31) % ${PRODUCTS}` : `(i * 17 + 5) % ${PRODUCTS}`;
    const fen = k === 1 ? "500 + (i % 40) * 100" : "300 + (i % 7) * 150";
    return `SELECT printf('oli_bench%d%014d', ${k}, i), printf('ord_bench%015d', i), 'sku_bench', p.id, p.merchant_id, p.category_id, 't', 's', 1 + i % 3, ${fen}, ${fen}, 0, ${fen}
      FROM n JOIN products p ON p.id = printf('prd_bench%015d', ${product})`;
  };
  for (let offset = 0; offset < ORDERS; offset += CHUNK) {
    const n = Math.min(CHUNK, ORDERS - offset);
    await d1.batch([
      d1
        .prepare(
          `${seq(n, offset)} INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, created_at, updated_at)
           SELECT printf('ord_bench%015d', i), printf('usr_bench%015d', (i * 7919) % ${USERS}), printf('pkp_bench%015d', i % ${POINTS}), 'completed',
                  (500 + (i % 40) * 100) + (300 + (i % 7) * 150), 0, (500 + (i % 40) * 100) + (300 + (i % 7) * 150), (500 + (i % 40) * 100) + (300 + (i % 7) * 150),
                  '{}', 1, '{}', 'x', printf('b%d', i), ?1 + i * ?2 / ?3 + 1800000, ?1 + i * ?2 / ?3, ?1 + i * ?2 / ?3 - 60000, ?1 + i * ?2 / ?3
           FROM n`,
        )
        .bind(from, span, ORDERS),
      d1.prepare(`${seq(n, offset)} INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen) ${line(1)}`),
      d1.prepare(`${seq(n, offset)} INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen) ${line(2)}`),
    ]);
    log(`orders ${offset + n} / ${ORDERS}`);
  }
  // An after-sales refund of the first line on every 50th order, succeeding two days after payment.
  await d1
    .prepare(
      `${seq(Math.floor(ORDERS / 50))} INSERT INTO refunds (id, order_id, kind, amount_fen, reason, lines, status, created_at, updated_at)
       SELECT printf('rfd_bench%015d', i), o.id, 'after_sales', l.payable_fen, 'bench', json_array(json_object('lineId', l.id, 'quantity', 1, 'amountFen', l.payable_fen)), 'succeeded', o.paid_at + 86400000, o.paid_at + 172800000
       FROM n JOIN orders o ON o.id = printf('ord_bench%015d', i * 50) JOIN order_lines l ON l.id = printf('oli_bench1%014d', i * 50)
       WHERE o.paid_at + 172800000 < ?1`,
    )
    .bind(now)
    .run();
  // Behaviour events: every day, 1,000 events of 400 visitors (all visit, fewer view, add, check out).
  const kinds = `CASE WHEN i % 10 < 5 THEN 'page_view' WHEN i % 10 < 8 THEN 'product_view' WHEN i % 10 < 9 THEN 'add_to_cart' ELSE 'checkout_start' END`;
  for (let d = 0; d < 365; d += 60) {
    const days = Math.min(60, 365 - d);
    await d1
      .prepare(
        `${seq(days * EVENTS_PER_DAY, d * EVENTS_PER_DAY)} INSERT INTO analytics_events (id, kind, day, visitor_hash, path, entity_id, created_at)
         SELECT printf('evt_bench%015d', i), ${kinds}, date(?1, '+' || (i / ${EVENTS_PER_DAY}) || ' days'), printf('v%d', (i * 7) % 400), '/', NULL, ?2 FROM n`,
      )
      .bind(first, now)
      .run();
  }
  const raw = (await d1
    .prepare("SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS lines, (SELECT count(*) FROM refunds) AS refunds, (SELECT count(*) FROM analytics_events) AS events")
    .first<{ orders: number; lines: number; refunds: number; events: number }>())!;
  log(`raw data: ${raw.orders} orders, ${raw.lines} lines, ${raw.refunds} refunds, ${raw.events} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---------- 2. the rollups ----------
  t0 = performance.now();
  const days = await rollupDays({ db: worker.db }, first, today, now);
  const rollupMs = performance.now() - t0;
  const rolled = (await d1
    .prepare("SELECT count(*) AS rows, (SELECT sum(orders) FROM analytics_daily_sales WHERE dimension = 'all') AS orders, (SELECT sum(gmv_fen) FROM analytics_daily_sales WHERE dimension = 'all') AS gmv FROM analytics_daily_sales")
    .first<{ rows: number; orders: number; gmv: number }>())!;
  const paidGmv = (await d1.prepare("SELECT sum(paid_fen) AS gmv FROM orders WHERE paid_at >= ?1").bind(from).first<{ gmv: number }>())!.gmv;
  if (rolled.orders < 500_000 && ORDERS >= 500_000) throw new Error(`the rollups hold ${rolled.orders} orders, fewer than 500k`);
  if (rolled.gmv !== paidGmv) throw new Error(`rolled-up GMV ${rolled.gmv} ≠ paid GMV ${paidGmv}`);
  log(`rollup of ${days} days: ${(rollupMs / 1000).toFixed(1)} s (${(rollupMs / days).toFixed(0)} ms a day) → ${rolled.rows} sales rows holding ${rolled.orders} orders; GMV equals the orders' paid total`);
  t0 = performance.now();
  const tick = await worker.scheduled("*/5 * * * *", now);
  if (tick.outcome !== "ok") throw new Error(`scheduled handler: ${tick.outcome}\n${worker.stderr.join("\n")}`);
  const tickMs = performance.now() - t0;
  log(`one 5-minute cron tick (today refreshed, nothing to backfill, every */5 job): ${tickMs.toFixed(0)} ms`);

  // ---------- 3. the dashboard as an admin ----------
  const admin = worker.client({ ip: "192.0.2.200" });
  const signIn = await admin.post("/login", { intent: "password", email: "admin@demo.tuangou.test", password: "demo-pass-2026" });
  if (signIn.status !== 302) throw new Error(`admin sign-in → ${signIn.status}`);
  const targets = [
    { label: "GET /admin/analytics?range=365&g=day", path: "/admin/analytics?range=365&g=day", type: "text/html" },
    { label: "GET /admin/analytics?range=365&g=week", path: "/admin/analytics?range=365&g=week", type: "text/html" },
    { label: "GET /admin/analytics?range=30&g=day", path: "/admin/analytics?range=30&g=day", type: "text/html" },
    { label: "CSV products, 365 days", path: "/admin/analytics.csv?table=products&range=365", type: "text/csv" },
    { label: "CSV sales by day, 365 days", path: "/admin/analytics.csv?table=sales&range=365&g=day", type: "text/csv" },
  ];
  const results: Array<{ label: string; p50: number; p95: number; max: number; bytes: number }> = [];
  for (const target of targets) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < SAMPLES + 3; i++) {
      const t = performance.now();
      const res = await admin.get(target.path);
      const body = await res.arrayBuffer();
      const ms = performance.now() - t;
      if (res.status !== 200 || !(res.headers.get("content-type") ?? "").startsWith(target.type)) throw new Error(`${target.path} → ${res.status} ${res.headers.get("content-type")}`);
      bytes = body.byteLength;
      if (i >= 3) times.push(ms);
    }
    times.sort((a, b) => a - b);
    results.push({ label: target.label, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)!, bytes });
    log(`${target.label}: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`);
  }

  // ---------- 4. plans, and the index the rollup would like ----------
  const plan = async (sql: string, ...params: unknown[]) =>
    (await d1.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>()).results.map((r) => r.detail).join("; ");
  const dashPlans = [
    ["sales (all) for the year", await plan("SELECT day, orders FROM analytics_daily_sales WHERE dimension = 'all' AND dimension_id = '' AND day >= ?1 AND day <= ?2", first, today)],
    ["a breakdown for the year", await plan("SELECT dimension_id, sum(gmv_fen) FROM analytics_daily_sales WHERE dimension = 'product' AND day >= ?1 AND day <= ?2 GROUP BY dimension_id", first, today)],
    ["one day's paid orders (rollup)", await plan("SELECT id FROM orders WHERE paid_at >= ?1 AND paid_at < ?2", dayStart(today), now)],
  ];
  const sample = [addDays(today, -100), addDays(today, -50), addDays(today, -10)];
  const timeDays = async () => {
    const t = performance.now();
    for (const day of sample) await rollupDay({ db: worker.db }, day, now);
    return (performance.now() - t) / sample.length;
  };
  // The schema indexes orders by paid_at for this job (migration 0011); what that index buys.
  await timeDays(); // warm up
  const withIndex = await timeDays();
  await d1.prepare("DROP INDEX orders_paid_at_idx").run();
  const withoutIndex = await timeDays();
  await d1.prepare("CREATE INDEX orders_paid_at_idx ON orders (paid_at)").run();
  log(`one day's rollup: ${withIndex.toFixed(0)} ms as the schema is; ${withoutIndex.toFixed(0)} ms without the index on orders (paid_at)`);

  // ---------- report ----------
  const out: string[] = [];
  out.push("", "### Analytics (issue 6): a year of orders, rolled up; the dashboard as an admin", "");
  out.push(
    `Raw data: ${raw.orders.toLocaleString("en-US")} paid orders (${raw.lines.toLocaleString("en-US")} lines) over 365 days, ${raw.refunds.toLocaleString("en-US")} refunds, ` +
      `${raw.events.toLocaleString("en-US")} events; rollups: ${rolled.rows.toLocaleString("en-US")} daily sales rows holding ${rolled.orders.toLocaleString("en-US")} orders.`,
    "",
    `| measurement | p50 | p95 | max | body | target | result |`,
    `|---|---|---|---|---|---|---|`,
    ...results.map((r) => `| ${r.label} (${SAMPLES} sequential) | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.max.toFixed(1)} ms | ${(r.bytes / 1000).toFixed(0)} kB | ≤ ${TARGET_MS} ms | ${r.p95 <= TARGET_MS ? "pass" : "**FAIL**"} |`),
    `| rollup job over ${days} days (rollupDays) | ${(rollupMs / days).toFixed(0)} ms a day | | | | — | ${(rollupMs / 1000).toFixed(1)} s in all |`,
    `| one */5 cron tick (every job) | ${tickMs.toFixed(0)} ms | | | | — | info |`,
    `| one day's rollup (orders indexed by paid_at, migration 0011) | ${withIndex.toFixed(0)} ms | | | | — | vs ${withoutIndex.toFixed(0)} ms without that index |`,
    "",
    "Query plans:",
    ...dashPlans.map(([what, detail]) => `- ${what}: ${detail}`),
  );
  console.log(out.join("\n"));
  recordSummary("analytics", [
    ...results.map((r) => ({ metric: `${r.label} p95 (${raw.orders.toLocaleString("en-US")} orders)`, measured: `${r.p95.toFixed(1)} ms (p50 ${r.p50.toFixed(1)} ms)`, target: `≤ ${TARGET_MS} ms`, result: verdict(r.p95 <= TARGET_MS) })),
    { metric: `rollup job over ${days} days`, measured: `${(rollupMs / days).toFixed(0)} ms a day, ${(rollupMs / 1000).toFixed(1)} s in all`, result: "info" as const },
    { metric: "one day's rollup with ÷ without the paid_at index", measured: `${withIndex.toFixed(0)} ms vs ${withoutIndex.toFixed(0)} ms`, ratio: `${(withIndex / withoutIndex).toFixed(2)} × without`, result: "info" as const },
  ]);
} finally {
  await worker.dispose();
}
