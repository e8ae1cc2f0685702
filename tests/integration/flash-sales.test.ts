import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signSandboxNotification } from "../../app/modules/payments/providers";
import { homeShard } from "../../app/modules/flash-sales/shards";
import { flashFixtures, json, TOMATO_SKU, type Counts } from "../support/flash";
import { startWorker, TEST_SANDBOX_SECRET, type TestWorker } from "../support/worker";

/**
 * Flash sales (issue 8) against the built Worker: real D1 and the real FlashSaleStock Durable
 * Object. The torture test at CI scale: 2,000 concurrent attempts by 1,000 shoppers on 100 units,
 * at most 2 each, a fifth of them repeating an earlier idempotency key.
 */
let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const all = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).all<T>()).results;
const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;

const { sale, shoppers, api } = flashFixtures(() => worker);


let tradeSeq = 0;
async function pay(token: string, orderId: string): Promise<Response> {
  const started = await api(`/orders/${orderId}/payments`, { token, body: { provider: "sandbox" } });
  expect(started.status).toBe(201);
  const { paymentId } = await json<{ paymentId: string }>(started);
  const { payable_fen } = await one<{ payable_fen: number }>("SELECT payable_fen FROM orders WHERE id = ?", orderId);
  const signed = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId, providerTradeNo: `SBXFL${++tradeSeq}`, status: "succeeded", amountFen: payable_fen, paidAt: Date.now() }, Date.now());
  return worker.fetch("/api/v1/payments/notify/sandbox", { method: "POST", headers: signed.headers, body: signed.body });
}

describe("flash sales", () => {
  it("torture: 2,000 concurrent attempts by 1,000 shoppers on 100 units — exactly 100 reserved, no one over the limit, no duplicate reservations, counts always add up", async () => {
    const saleId = await sale({ stock: 100, perUserLimit: 2 });
    const people = await shoppers(1000);
    // 2,000 attempts: every shopper twice with quantity 1 or 2; a fifth of the attempts repeat an earlier key.
    const attempts = people.flatMap((u, i) => [
      { u, quantity: 1 + (i % 2), key: `k-${u.id}-a` },
      { u, quantity: 1, key: i % 5 === 0 ? `k-${u.id}-a` : `k-${u.id}-b` },
    ]);
    for (let i = attempts.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [attempts[i], attempts[j]] = [attempts[j]!, attempts[i]!];
    }
    const observations: Counts[] = [];
    let storming = true;
    const observer = (async () => {
      while (storming) {
        observations.push((await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${saleId}`))).sale.counts);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const answers: Array<{ status: number; body: { reservationId?: string; orderId?: string; error?: { code: string } }; key: string; u: string }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (let a = attempts[next++]; a; a = attempts[next++]) {
          const res = await api(`/flash-sales/${saleId}/reservations`, { token: a.u.token, body: { quantity: a.quantity }, key: a.key });
          answers.push({ status: res.status, body: await res.json(), key: a.key, u: a.u.id });
        }
      }),
    );
    storming = false;
    await observer;

    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    expect([...statuses.keys()].every((s) => [200, 201, 409].includes(s))).toBe(true);
    const refused = answers.filter((a) => a.status === 409).map((a) => a.body.error!.code);
    expect(new Set(refused)).toEqual(new Set(["sold_out", "over_limit"].filter((c) => refused.includes(c))));
    // Same key, same reservation and order; never two reservations for one key.
    const byKey = new Map<string, Set<string>>();
    for (const a of answers.filter((x) => x.status < 300)) (byKey.get(`${a.u}/${a.key}`) ?? byKey.set(`${a.u}/${a.key}`, new Set()).get(`${a.u}/${a.key}`)!).add(a.body.reservationId!);
    expect([...byKey.values()].every((s) => s.size === 1)).toBe(true);
    const final = (await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${saleId}`))).sale.counts;
    expect(final).toEqual({ stock: 100, sold: 0, reserved: 100, remaining: 0 });
    expect(observations.length).toBeGreaterThan(5);
    for (const o of observations) {
      expect(o.sold + o.reserved + o.remaining).toBe(100);
      expect(o.remaining).toBeGreaterThanOrEqual(0);
    }
    // D1 agrees: one order per reservation, 100 units, nobody above 2.
    const orders = await all<{ user_id: string; units: number; n: number }>(
      "SELECT o.user_id, sum(l.quantity) AS units, count(DISTINCT o.id) AS n FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.flash_sale_id = ? GROUP BY o.user_id",
      saleId,
    );
    expect(orders.reduce((s, r) => s + r.units, 0)).toBe(100);
    expect(orders.every((r) => r.units <= 2)).toBe(true);
    expect((await one<{ n: number; d: number }>("SELECT count(*) AS n, count(DISTINCT flash_reservation_id) AS d FROM orders WHERE flash_sale_id = ?", saleId))).toEqual({ n: byKey.size, d: byKey.size });
  }, 120_000);

  it("pays within the timeout; unpaid reservations are back in stock within timeout + 2 s; a payment after expiry is refunded, never fulfilled", async () => {
    const saleId = await sale({ stock: 10, perUserLimit: 3, timeoutSeconds: 2 });
    const [payer, idler, late] = await shoppers(3);
    const reserve = async (u: { token: string }, quantity: number) => json<{ orderId: string; reservationId: string; expiresAt: number; payableFen: number }>(await api(`/flash-sales/${saleId}/reservations`, { token: u.token, body: { quantity } }));
    const paid = await reserve(payer!, 2);
    expect(paid.payableFen).toBe(1980);
    expect((await pay(payer!.token, paid.orderId)).status).toBe(204);
    expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", paid.orderId)).status).toBe("paid");
    const idle = await reserve(idler!, 3);
    const slow = await reserve(late!, 1);
    let counts = (await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${saleId}`))).sale.counts;
    expect(counts).toEqual({ stock: 10, sold: 2, reserved: 4, remaining: 4 });
    // The alarm releases at the expiry; within timeout + 2 s the units are back.
    const deadline = idle.expiresAt + 2_000;
    while (Date.now() < deadline) {
      counts = (await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${saleId}`))).sale.counts;
      if (counts.reserved === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(Date.now()).toBeLessThanOrEqual(deadline + 200);
    expect(counts).toEqual({ stock: 10, sold: 2, reserved: 0, remaining: 8 });
    // The late shopper's money arrives after the expiry: order cancelled, refunded in full, stock untouched.
    await new Promise((r) => setTimeout(r, Math.max(0, slow.expiresAt - Date.now() + 50)));
    const { paymentId } = await (async () => {
      // The payment was started in time (before the expiry), its notification comes late.
      const row = await one<{ id: string } | null>("SELECT id FROM payments WHERE order_id = ?", slow.orderId);
      return { paymentId: row?.id ?? null };
    })();
    expect(paymentId).toBeNull();
    await worker.d1.prepare("INSERT INTO payments (id, order_id, provider, amount_fen, status, created_at, expires_at) VALUES ('pay_flashlate0000000001', ?, 'sandbox', 990, 'created', ?, ?)").bind(slow.orderId, Date.now() - 3_000, slow.expiresAt).run();
    const signed = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId: "pay_flashlate0000000001", providerTradeNo: "SBXFLLATE", status: "succeeded", amountFen: 990, paidAt: Date.now() }, Date.now());
    expect((await worker.fetch("/api/v1/payments/notify/sandbox", { method: "POST", headers: signed.headers, body: signed.body })).status).toBe(204);
    expect(await one("SELECT status, cancel_reason FROM orders WHERE id = ?", slow.orderId)).toEqual({ status: "cancelled", cancel_reason: "flash_reservation_expired" });
    expect(await all("SELECT kind, amount_fen, status FROM refunds WHERE order_id = ?", slow.orderId)).toEqual([{ kind: "late_payment", amount_fen: 990, status: "succeeded" }]);
    counts = (await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${saleId}`))).sale.counts;
    expect(counts).toEqual({ stock: 10, sold: 2, reserved: 0, remaining: 8 });
  }, 30_000);

  it("refuses with distinct codes, and before the window or after it never touches stock; early access by membership level", async () => {
    const now = Date.now();
    const upcoming = await sale({ startsAt: now + 10 * 60_000, early: { gold: 30 } });
    const over = await sale({ startsAt: now - 7_200_000, endsAt: now - 60_000 });
    const small = await sale({ stock: 1, perUserLimit: 1 });
    const [normal, gold, other] = await shoppers(3);
    // Gold: 200,000 fen spent in the last 12 months (a completed order).
    await worker.d1
      .prepare(
        `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, created_at, updated_at)
         VALUES ('ord_flashgoldspend00001', ?, 'pkp_demosunshine00000000', 'completed', 200000, 0, 200000, 200000, '{}', 1, '{}', 'x', 'gold-spend', ?, ?, ?, ?)`,
      )
      .bind(gold!.id, now, now - 86_400_000, now - 86_400_000, now)
      .run();
    const code = async (res: Response) => ({ status: res.status, code: (await json<{ error?: { code: string } }>(res)).error?.code ?? "ok" });
    expect(await code(await api(`/flash-sales/${upcoming}/reservations`, { token: normal!.token, body: { quantity: 1 } }))).toEqual({ status: 409, code: "not_started" });
    expect(await code(await api(`/flash-sales/${upcoming}/reservations`, { token: gold!.token, body: { quantity: 1 } }))).toEqual({ status: 201, code: "ok" });
    const view = await json<{ sale: { level: string; opensAt: number; phase: string } }>(await api(`/flash-sales/${upcoming}`, { token: gold!.token }));
    expect(view.sale).toMatchObject({ level: "gold", opensAt: now + 10 * 60_000 - 30 * 60_000, phase: "live" });
    expect(await code(await api(`/flash-sales/${over}/reservations`, { token: normal!.token, body: { quantity: 1 } }))).toEqual({ status: 409, code: "ended" });
    expect((await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${over}`))).sale.counts).toEqual({ stock: 100, sold: 0, reserved: 0, remaining: 100 });
    expect(await code(await api(`/flash-sales/${small}/reservations`, { token: normal!.token, body: { quantity: 1 } }))).toEqual({ status: 201, code: "ok" });
    expect(await code(await api(`/flash-sales/${small}/reservations`, { token: normal!.token, body: { quantity: 1 } }))).toEqual({ status: 409, code: "over_limit" });
    expect(await code(await api(`/flash-sales/${small}/reservations`, { token: other!.token, body: { quantity: 1 } }))).toEqual({ status: 409, code: "sold_out" });
    expect(await code(await api(`/flash-sales/${small}/reservations`, { token: other!.token, body: { quantity: 0 } }))).toEqual({ status: 400, code: "validation_failed" });
    expect((await api(`/flash-sales/${small}/reservations`, { body: { quantity: 1 } })).status).toBe(401);
    expect((await api("/flash-sales/fls_00000000000000000000")).status).toBe(404);
    const list = await json<{ serverNow: number; items: Array<{ id: string; phase: string }> }>(await api("/flash-sales"));
    expect(list.items.map((i) => i.id)).toEqual(expect.arrayContaining([upcoming, small]));
    expect(list.items.find((i) => i.id === upcoming)!.phase).toBe("upcoming");
    expect(list.items.find((i) => i.id === small)!.phase).toBe("sold_out");
    expect(list.items.map((i) => i.id)).not.toContain(over);
    // A shopper's cancellation gives the units back to the sale, not to the SKU's shelf stock.
    const skuStock = (await one<{ stock: number }>("SELECT stock FROM skus WHERE id = ?", TOMATO_SKU)).stock;
    const { order_id } = await one<{ order_id: string }>("SELECT id AS order_id FROM orders WHERE flash_sale_id = ? AND user_id = ?", small, normal!.id);
    expect((await api(`/orders/${order_id}/cancel`, { token: normal!.token, body: {} })).status).toBe(200);
    expect((await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${small}`))).sale.counts).toEqual({ stock: 1, sold: 0, reserved: 0, remaining: 1 });
    expect((await one<{ stock: number }>("SELECT stock FROM skus WHERE id = ?", TOMATO_SKU)).stock).toBe(skuStock);
  });
  it("a hot sale split across 4 shards: shoppers of one shard buy all 60 units — the dry shard borrows from the others, exactly 60, the limit holds, payment finds the shard", async () => {
    const saleId = await sale({ stock: 60, shards: 4, perUserLimit: 2 });
    // Only shoppers whose home is shard 0 come: its 15 units run out, the other 45 must move to it.
    const people = (await shoppers(400)).filter((u) => homeShard(u.id, 4) === 0);
    expect(people.length).toBeGreaterThan(40);
    const attempts = people.flatMap((u, i) => [
      { u, quantity: 1 + (i % 2), key: `h-${u.id}-a` },
      { u, quantity: 1, key: `h-${u.id}-b` },
    ]);
    const observations: Counts[] = [];
    let storming = true;
    const observer = (async () => {
      while (storming) {
        observations.push((await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${saleId}`))).sale.counts);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const answers: Array<{ status: number; body: { reservationId?: string; orderId?: string; counts?: Counts; error?: { code: string } }; u: { id: string; token: string } }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let a = attempts[next++]; a; a = attempts[next++]) {
          const res = await api(`/flash-sales/${saleId}/reservations`, { token: a.u.token, body: { quantity: a.quantity }, key: a.key });
          answers.push({ status: res.status, body: await res.json(), u: a.u });
        }
      }),
    );
    storming = false;
    await observer;
    expect(answers.every((a) => [201, 409].includes(a.status))).toBe(true);
    const final = (await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${saleId}`))).sale.counts;
    expect(final).toEqual({ stock: 60, sold: 0, reserved: 60, remaining: 0 });
    for (const o of [...observations, ...answers.filter((a) => a.status === 201).map((a) => a.body.counts!)]) {
      expect(o.stock).toBe(60);
      expect(o.sold + o.reserved + o.remaining).toBe(60);
      expect(o.remaining).toBeGreaterThanOrEqual(0);
    }
    const made = answers.filter((a) => a.status === 201);
    expect(new Set(made.map((a) => a.body.reservationId!.charAt(4)))).toEqual(new Set(["0"]));
    const perUser = await all<{ units: number }>(
      "SELECT sum(l.quantity) AS units FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.flash_sale_id = ? GROUP BY o.user_id",
      saleId,
    );
    expect(perUser.reduce((s, r) => s + r.units, 0)).toBe(60);
    expect(perUser.every((r) => r.units <= 2)).toBe(true);
    // Paying confirms the reservation in its shard.
    const paying = made[0]!;
    expect((await pay(paying.u.token, paying.body.orderId!)).status).toBe(204);
    const after = (await json<{ sale: { counts: Counts } }>(await api(`/flash-sales/${saleId}`))).sale.counts;
    const { units } = await one<{ units: number }>("SELECT sum(quantity) AS units FROM order_lines WHERE order_id = ?", paying.body.orderId);
    expect(after).toEqual({ stock: 60, sold: units, reserved: 60 - units, remaining: 0 });
  }, 120_000);
});
