/**
 * Settlement bench (issue 9; `npm run bench` runs it last; alone:
 * `npm run build && npx tsx tests/bench/settlement.ts`).
 *
 * One Miniflare instance: the built app Worker (real D1, its settlement queue and consumer) and a
 * reference Worker whose queue handler only acks. Side by side in one run:
 *
 *   ack-only      the reference consumer, dispatched batches of 25, four in flight: the runtime's
 *                 floor for a queue handler call (messages/s)
 *   consumer      the app's consumer on the same dispatch: each `order.settle` reads the order, its
 *                 lines and the ledger (one D1 round trip), writes the transaction, its entries and
 *                 the order's completion (one batch) — orders/s, and the ratio to ack-only
 *   end to end    the settlement cron queues every due order (`sendBatch`), Miniflare's queue
 *                 delivers them to the consumer (batches of 25, 1 s batch timeout): orders/s from
 *                 the cron tick until the last order is in the ledger
 *
 * Knobs: BENCH_SETTLE_ORDERS (5,000 for the dispatch runs), BENCH_SETTLE_E2E (2,000).
 */
import { Miniflare } from "miniflare";
import type { Readable } from "node:stream";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../app/db/schema";
import { recordSummary, verdict } from "./summary";
import { seedDemoWorld } from "../../app/modules/demo/seed.server";
import { BULK, insertBulkOrders } from "../support/ledger-orders";
import { migrationStatements, TEST_SECRETS } from "../support/worker";
import { appWorkerOptions } from "./app-worker";

const int = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};
const ORDERS = int("BENCH_SETTLE_ORDERS", 5000);
const E2E = int("BENCH_SETTLE_E2E", 2000);
const BATCH = 25;
const IN_FLIGHT = 4;
const DAY = 24 * 60 * 60 * 1000;
const started = Date.now();
const log = (msg: string) => console.log(`[bench settlement ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const REFERENCE = `
export default {
  async fetch() { return new Response("hello"); },
  async queue(batch) { for (const m of batch.messages) m.ack(); },
};`;

const stderr: string[] = [];
const app = appWorkerOptions("bench-settlement-db");
const mf = new Miniflare({
  host: "127.0.0.1",
  port: 0,
  cf: false,
  handleRuntimeStdio(out: Readable, err: Readable) {
    out.resume();
    err.setEncoding("utf8");
    err.on("data", (c: string) => stderr.push(...c.split("\n").filter((l) => l.trim())));
  },
  workers: [app, { name: "reference", modules: [{ type: "ESModule", path: "reference.js", contents: REFERENCE }], compatibilityDate: "2026-04-20", routes: ["*/ref/*"] }],
});

interface Delivery {
  id: string;
  timestamp: Date;
  body: unknown;
  attempts: number;
}

/** Dispatches the messages to a worker's queue handler in batches, four in flight; returns messages/s and how many were not acked. */
async function dispatch(worker: { queue: (name: string, messages: never) => Promise<{ explicitAcks?: string[]; ackAll?: boolean }> }, queue: string, messages: Delivery[]) {
  const batches: Delivery[][] = [];
  for (let i = 0; i < messages.length; i += BATCH) batches.push(messages.slice(i, i + BATCH));
  let acked = 0;
  const t0 = performance.now();
  for (let i = 0; i < batches.length; i += IN_FLIGHT) {
    await Promise.all(
      batches.slice(i, i + IN_FLIGHT).map(async (batch) => {
        const r = await worker.queue(queue, batch as never);
        acked += r.ackAll ? batch.length : (r.explicitAcks?.length ?? 0);
      }),
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: messages.length / seconds, seconds, notAcked: messages.length - acked };
}

try {
  await mf.ready;
  const d1 = (await mf.getD1Database("DB", "app")) as unknown as D1Database;
  await d1.batch(migrationStatements().map((s) => d1.prepare(s)));
  const images = (await mf.getR2Bucket("IMAGES", "app")) as unknown as R2Bucket;
  await seedDemoWorld({ db: drizzle(d1, { schema }), env: { ...TEST_SECRETS, IMAGES: images } });
  const now = Date.now();
  await insertBulkOrders(d1, { count: ORDERS, prefix: "benchd", pickedUpAt: now - 10 * DAY });
  log(`${fmt(ORDERS)} picked-up orders past their window written for the dispatch runs`);

  const messages = (prefix: string, count: number): Delivery[] =>
    Array.from({ length: count }, (_, k) => {
      const orderId = BULK.orderId(prefix, k + 1);
      return { id: `${prefix}-${k}`, timestamp: new Date(), body: { v: 1, kind: "order.settle", key: `settle:${orderId}`, orderId }, attempts: 1 };
    });
  const reference = await mf.getWorker("reference");
  const consumer = await mf.getWorker("app");
  const floor = await dispatch(reference as never, "ref", messages("benchd", ORDERS));
  log(`ack-only reference consumer: ${fmt(floor.perSecond)} messages/s`);
  const settled = await dispatch(consumer as never, "settlement", messages("benchd", ORDERS));
  const inLedger = Number((await d1.prepare("SELECT count(*) AS n FROM orders WHERE id LIKE 'ord_benchd%' AND settled_at IS NOT NULL").first<{ n: number }>())!.n);
  log(`app consumer: ${fmt(settled.perSecond)} orders/s (${inLedger} of ${ORDERS} settled, ${settled.notAcked} not acked)`);

  // End to end: the cron queues, Miniflare's broker delivers.
  await insertBulkOrders(d1, { count: E2E, prefix: "benche", pickedUpAt: now - 10 * DAY });
  const t0 = performance.now();
  await consumer.scheduled({ cron: "*/5 * * * *", scheduledTime: new Date(now) });
  let done = 0;
  for (let polls = 0; polls < 6000; polls++) {
    done = Number((await d1.prepare("SELECT count(*) AS n FROM orders WHERE id LIKE 'ord_benche%' AND settled_at IS NOT NULL").first<{ n: number }>())!.n);
    if (done === E2E) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const e2eSeconds = (performance.now() - t0) / 1000;
  log(`end to end (cron → queue → consumer): ${fmt(E2E / e2eSeconds)} orders/s (${done} of ${E2E} in ${e2eSeconds.toFixed(1)} s)`);

  const unbalanced = await d1.prepare("SELECT count(*) AS n FROM (SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING sum(debit_fen) <> sum(credit_fen))").first<{ n: number }>();

  console.log("\nSettlement throughput (one Miniflare instance, 2 cores; batches of 25, four in flight)\n");
  console.log("| target | per second | × ack-only |");
  console.log("|---|---|---|");
  console.log(`| ack-only queue handler (messages) | ${fmt(floor.perSecond)} | 1.00 |`);
  console.log(`| settlement consumer (orders) | ${fmt(settled.perSecond)} | ${(settled.perSecond / floor.perSecond).toFixed(2)} |`);
  console.log(`| end to end: cron → queue → consumer (orders) | ${fmt(E2E / e2eSeconds)} | ${(E2E / e2eSeconds / floor.perSecond).toFixed(2)} |`);
  console.log(`\nchecks: ${inLedger}/${ORDERS} and ${done}/${E2E} orders settled; unbalanced transactions: ${Number(unbalanced!.n)}`);
  const errors = stderr.filter((l) => /error/i.test(l));
  if (errors.length) console.log(`worker errors:\n${errors.slice(0, 10).join("\n")}`);
  const settledOk = inLedger === ORDERS && done === E2E && Number(unbalanced!.n) === 0;
  recordSummary("settlement", [
    { metric: "settlement consumer (orders/s) ÷ ack-only handler", measured: `${fmt(settled.perSecond)} vs ${fmt(floor.perSecond)} /s`, ratio: `${(settled.perSecond / floor.perSecond).toFixed(2)} × ack-only`, result: "info" },
    { metric: "end to end: cron → queue → consumer", measured: `${fmt(E2E / e2eSeconds)} orders/s`, ratio: `${(E2E / e2eSeconds / floor.perSecond).toFixed(2)} × ack-only`, result: "info" },
    { metric: "every order settled, every transaction balanced", measured: `${inLedger}/${ORDERS} + ${done}/${E2E}, ${Number(unbalanced!.n)} unbalanced`, target: "all, 0", result: verdict(settledOk) },
  ]);
  if (!settledOk) process.exitCode = 1;
} finally {
  await mf.dispose();
}
