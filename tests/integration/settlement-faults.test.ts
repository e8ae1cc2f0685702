/**
 * Issue 9's fault test: thousands of completed orders settled through the Worker's real queue consumer
 * (its `queue()` handler in Miniflare, real D1), with every message delivered twice and 20% of
 * consumer calls throwing (SETTLEMENT_FAULT_RATE: half before applying, half after writing but
 * before the ack — a crash or a lost ack). The test plays the queue: it delivers in batches,
 * redelivers what the consumer asked to retry, and moves a message that exhausts max_retries to
 * the dead-letter queue, as Cloudflare Queues does. Afterwards the ledger must be exact to the fen
 * against an independent computation, every order settled exactly once, and the dead-letter
 * queue must hold exactly the deliberately poisoned messages.
 *
 * Scale: SETTLEMENT_FAULT_ORDERS (default 4,000, which keeps the suite's time; 10,000 take about
 * 100 s on two cores).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BULK, insertBulkOrders } from "../support/ledger-orders";
import { startWorker, type TestWorker } from "../support/worker";

const ORDERS = Number(process.env.SETTLEMENT_FAULT_ORDERS ?? 4_000);
/** wrangler.toml's max_retries for the settlement queue. */
const MAX_RETRIES = 10;
const BATCH = 25;
const IN_FLIGHT = 4;
const POISONED = 20;

const DAY = 24 * 60 * 60 * 1000;
const LEADER1 = "usr_demoleader0100000000";
const LEADER2 = "usr_demoleader0200000000";
const FRUIT = "mch_demofruit00000000000";
const BABY = "mch_demobaby000000000000";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker({ vars: { SETTLEMENT_FAULT_RATE: "0.2" } });
});
afterAll(() => worker?.dispose());

const { fruitFen, babyFen } = BULK;
const orderId = (i: number) => BULK.orderId("fault", i);

/** Round half up of fen × bp / 10000 — the oracle, written apart from the app's code. */
const halfUp = (fen: number, bp: number) => Math.floor((fen * bp * 2 + 10_000) / 20_000);

/** What the ledger must hold, computed order by order from the specification. */
function expectedLedger() {
  const out: Record<string, number> = { "clearing:payments": 0, "platform:fees": 0, [`leader:${LEADER1}`]: 0, [`leader:${LEADER2}`]: 0, [`merchant:${FRUIT}`]: 0, [`merchant:${BABY}`]: 0 };
  for (let i = 1; i <= ORDERS; i++) {
    const f = fruitFen(i);
    const b = babyFen(i);
    const commission = halfUp(f + b, 1000);
    // The commission shared by net sale, largest remainder; a tie goes to the larger sale, then to
    // the merchant first in id order (宝宝优选's "mch_demobaby…" sorts before "mch_demofruit…").
    let fShare = Math.floor((commission * f) / (f + b));
    let bShare = Math.floor((commission * b) / (f + b));
    if (fShare + bShare < commission) {
      const fRem = commission * f - fShare * (f + b);
      const bRem = commission * b - bShare * (f + b);
      if (bRem > fRem || (bRem === fRem && b >= f)) bShare++;
      else fShare++;
    }
    const fFee = halfUp(f, 500);
    const bFee = halfUp(b, 500);
    const add = (account: string, fen: number) => (out[account] = (out[account] ?? 0) + fen);
    add("clearing:payments", -(f + b));
    add("platform:fees", fFee + bFee);
    add(`leader:${i % 2 === 0 ? LEADER1 : LEADER2}`, commission);
    add(`merchant:${FRUIT}`, f - fFee - fShare);
    add(`merchant:${BABY}`, b - bFee - bShare);
  }
  return out;
}

interface Delivery {
  id: string;
  timestamp: Date;
  body: unknown;
  attempts: number;
}

describe(`settling ${ORDERS.toLocaleString("en-US")} orders through a faulty consumer`, () => {
  it("every message twice, 20% of calls throwing: the ledger is exact, each order settled once, only poison in the dead-letter queue", { timeout: 900_000 }, async () => {
    const now = Date.now();
    await insertBulkOrders(worker.d1, { count: ORDERS, prefix: "fault", pickedUpAt: now - 10 * DAY });

    // Every order's message twice, interleaved with the poisoned ones, in a fixed shuffled order.
    let rng = 20_261_126;
    const random = () => ((rng = (rng * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const deliveries: Delivery[] = [];
    for (let i = 1; i <= ORDERS; i++) {
      const body = { v: 1, kind: "order.settle", key: `settle:${orderId(i)}`, orderId: orderId(i) };
      deliveries.push({ id: `m${i}a`, timestamp: new Date(), body, attempts: 1 }, { id: `m${i}b`, timestamp: new Date(), body, attempts: 1 });
    }
    for (let p = 0; p < POISONED; p++) deliveries.push({ id: `poison${p}`, timestamp: new Date(), body: { v: 99, kind: "order.settle", key: `poison:${p}`, orderId: orderId(p + 1) }, attempts: 1 });
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }

    // The queue: batches of 25, four in flight; retried messages come back with attempts + 1; past max_retries, the dead-letter queue.
    const consumer = await worker.mf.getWorker();
    let pending = deliveries;
    let calls = 0;
    let retried = 0;
    const deadLettered: Delivery[] = [];
    const started = Date.now();
    while (pending.length) {
      const next: Delivery[] = [];
      const batches: Delivery[][] = [];
      for (let i = 0; i < pending.length; i += BATCH) batches.push(pending.slice(i, i + BATCH));
      for (let i = 0; i < batches.length; i += IN_FLIGHT) {
        await Promise.all(
          batches.slice(i, i + IN_FLIGHT).map(async (batch) => {
            const result = await consumer.queue("settlement", batch as never);
            calls += batch.length;
            expect(result.outcome).toBe("ok");
            const retry = new Set((result.retryMessages ?? []).map((m: { msgId: string }) => m.msgId));
            if (result.retryBatch?.retry) for (const m of batch) retry.add(m.id);
            for (const m of batch) {
              if (!retry.has(m.id)) continue;
              retried++;
              if (m.attempts > MAX_RETRIES) deadLettered.push(m);
              else next.push({ ...m, attempts: m.attempts + 1 });
            }
          }),
        );
      }
      pending = next;
    }
    if (deadLettered.length) await consumer.queue("settlement-dlq", deadLettered as never);
    const seconds = (Date.now() - started) / 1000;
    console.info(`[settlement faults] ${ORDERS} orders, ${calls} consumer calls (${retried} retried) in ${seconds.toFixed(1)} s: ${(ORDERS / seconds).toFixed(0)} orders/s`);

    // Each order settled exactly once.
    const once = await worker.d1
      .prepare("SELECT count(*) AS orders, sum(n = 1) AS once FROM (SELECT o.id, (SELECT count(*) FROM ledger_transactions t WHERE t.order_id = o.id) AS n FROM orders o WHERE o.id LIKE 'ord_fault%')")
      .first<{ orders: number; once: number }>();
    expect(once).toEqual({ orders: ORDERS, once: ORDERS });
    expect(Number((await worker.d1.prepare("SELECT count(*) AS n FROM orders WHERE id LIKE 'ord_fault%' AND (settled_at IS NULL OR status <> 'completed')").first<{ n: number }>())!.n)).toBe(0);

    // The ledger, exact to the fen, account by account.
    const rows = (
      await worker.d1
        .prepare("SELECT account, sum(credit_fen) - sum(debit_fen) AS balance FROM ledger_entries WHERE order_id LIKE 'ord_fault%' GROUP BY account")
        .all<{ account: string; balance: number }>()
    ).results;
    expect(Object.fromEntries(rows.map((r) => [r.account, Number(r.balance)]))).toEqual(expectedLedger());
    expect((await worker.d1.prepare("SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING sum(debit_fen) <> sum(credit_fen) LIMIT 1").all()).results).toEqual([]);

    // The shoppers' points came with the settlements, once each: 1 point per whole yuan, × 1.2 for a
    // shopper whose 12 months' spend (all their orders here) reaches silver's ¥500, × 1.5 at gold's ¥2,000.
    const shoppers = Math.ceil(ORDERS / 10);
    const spend = new Map<number, number>();
    for (let i = 1; i <= ORDERS; i++) spend.set(i % shoppers, (spend.get(i % shoppers) ?? 0) + fruitFen(i) + babyFen(i));
    let points = 0;
    for (let i = 1; i <= ORDERS; i++) {
      const s = spend.get(i % shoppers)!;
      const pct = s >= 200_000 ? 150 : s >= 50_000 ? 120 : 100;
      points += Math.floor((Math.floor((fruitFen(i) + babyFen(i)) / 100) * pct) / 100);
    }
    expect(await worker.d1.prepare("SELECT count(*) AS entries, coalesce(sum(points), 0) AS points FROM points_entries WHERE order_id LIKE 'ord_fault%'").first()).toEqual({
      entries: Array.from({ length: ORDERS }, (_, k) => fruitFen(k + 1) + babyFen(k + 1)).filter((f) => f >= 100).length,
      points,
    });

    // Only the deliberately poisoned messages are dead letters.
    const dead = (await worker.d1.prepare("SELECT body FROM dead_letters ORDER BY body").all<{ body: string }>()).results.map((r) => (JSON.parse(r.body) as { key: string }).key);
    expect(dead.sort()).toEqual(Array.from({ length: POISONED }, (_, p) => `poison:${p}`).sort());
    expect(deadLettered).toEqual([]);
    // The faults really happened (about 20% of calls).
    expect(retried).toBeGreaterThan(calls * 0.1);
    worker.expectNoServerErrors();
  });
});
