/**
 * Cut-off bench (`npm run bench` runs it after run.ts; alone: `npx tsx tests/bench/cutoff.ts`
 * after `npm run build`). The built Worker in Miniflare (tests/support/worker.ts) with the demo
 * world, 50 pickup points and BENCH_CUTOFF_ORDERS (10,000) paid orders of two lines each (one per
 * demo merchant, so 100 batches), then one cut-off run through the Worker's scheduled handler —
 * the cron path — timed, and checked. See docs/benchmarks.md.
 */
import { startWorker } from "../support/worker";
import { recordSummary } from "./summary";

const ORDERS = Number(process.env.BENCH_CUTOFF_ORDERS ?? 10_000);
const POINTS = 50;
const log = (msg: string) => console.log(`[bench cutoff] ${msg}`);

const worker = await startWorker();
try {
  const d1 = worker.d1;
  const cols = (await d1.prepare("SELECT name FROM pragma_table_info('pickup_points')").all<{ name: string }>()).results.map((c) => c.name);
  const template = (await d1.prepare("SELECT id FROM pickup_points ORDER BY id LIMIT 1").first<{ id: string }>())!.id;
  const copy = (n: number) =>
    d1
      .prepare(`INSERT INTO pickup_points (${cols.join(", ")}) SELECT ${cols.map((c) => (c === "id" ? "?" : c === "name" ? "name || ?" : c === "invite_code" ? "NULL" : c)).join(", ")} FROM pickup_points WHERE id = ?`)
      .bind(`pkp_bench${String(n).padStart(11, "0")}`, ` ${n}`, template);
  const existing = (await d1.prepare("SELECT count(*) AS n FROM pickup_points").first<{ n: number }>())!.n;
  await d1.batch(Array.from({ length: Math.max(0, POINTS - existing) }, (_, i) => copy(i)));
  const skus = (
    await d1
      .prepare("SELECT s.id, s.product_id, p.merchant_id, p.category_id, p.title_zh AS title FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id IN (SELECT min(s2.id) FROM skus s2 JOIN products p2 ON p2.id = s2.product_id GROUP BY p2.merchant_id)")
      .all<{ id: string; product_id: string; merchant_id: string; category_id: string; title: string }>()
  ).results;
  const paidAt = Date.now() - 3_600_000;
  // Set-based seeding: orders numbered 0..N-1 from a recursive CTE, round-robin over the points.
  const seq = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${ORDERS})`;
  const points = `(SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM pickup_points)`;
  await d1.batch([
    d1.prepare(`${seq} INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, created_at, updated_at)
      SELECT printf('ord_bench%011d', i), 'usr_demoadmin00000000000', p.id, 'paid', 2000, 0, 2000, 2000, '{}', 1, '{}', 'x', printf('h%d', i), ?1, ?1 + i, ?1 + i, ?1 + i
      FROM n JOIN ${points} p ON p.k = i % (SELECT count(*) FROM pickup_points)`).bind(paidAt),
    d1.prepare(`${seq} INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) SELECT printf('oev_bench%011d', i), printf('ord_bench%011d', i), 'pay', NULL, 'paid', 'system', ?1 FROM n`).bind(paidAt),
    ...skus.map((s, j) =>
      d1
        .prepare(`${seq} INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen)
          SELECT printf('oli_bench%d%010d', ${j}, i), printf('ord_bench%011d', i), ?, ?, ?, ?, ?, '默认', 1 + i % 3, 1000, 1000, 0, 1000 FROM n`)
        .bind(s.id, s.product_id, s.merchant_id, s.category_id, s.title),
    ),
  ]);
  const pointCount = (await d1.prepare("SELECT count(*) AS n FROM pickup_points").first<{ n: number }>())!.n;
  log(`seeded ${ORDERS} paid orders × ${skus.length} lines across ${pointCount} pickup points`);

  // The next cut-off instant after the orders were paid, plus 30 s: the cron finds it due.
  const { dueCutoff } = await import("../../app/modules/fulfilment/business-date");
  let at = Date.now();
  while (!dueCutoff(at, "21:00")) at += 60_000;
  const t0 = performance.now();
  const result = await worker.scheduled("*/2 * * * *", at + 30_000);
  const ms = performance.now() - t0;
  if (result.outcome !== "ok") throw new Error(`scheduled handler: ${result.outcome}\n${worker.stderr.join("\n")}`);
  const run = await d1.prepare("SELECT batches, orders FROM cutoff_runs").first<{ batches: number; orders: number }>();
  const confirmed = (await d1.prepare("SELECT count(*) AS n FROM orders WHERE status = 'confirmed'").first<{ n: number }>())!.n;
  log(`one cut-off run: ${ms.toFixed(0)} ms wall time for ${run?.orders} orders → ${run?.batches} batches (${confirmed} confirmed)`);
  if (confirmed !== ORDERS || run?.orders !== ORDERS) throw new Error("the cut-off did not lock every order");
  recordSummary("cutoff", [
    { metric: `daily cut-off over ${ORDERS.toLocaleString("en-US")} paid orders (one cron run)`, measured: `${ms.toFixed(0)} ms → ${run?.batches} batches`, ratio: `${((ms / ORDERS) * 1000).toFixed(0)} µs an order`, result: "info" },
  ]);
  const t1 = performance.now();
  await worker.scheduled("*/2 * * * *", at + 150_000);
  log(`a second tick (already run): ${(performance.now() - t1).toFixed(0)} ms`);
} finally {
  await worker.dispose();
}
