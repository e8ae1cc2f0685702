/**
 * Refunds that never finished finish (issue #3): the "*\/5 * * * *" cron asks the provider about
 * refunds left `processing` and sends `failed` ones again (same out_refund_no / out_request_no),
 * with growing spacing and a 24-hour limit; WeChat Pay refund result notifications complete a
 * refund at once. All inside the built Worker (Miniflare), against the local provider stand-ins
 * (tests/support/fake-payment-providers.ts), which check every signature with node:crypto.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakePaymentProviders, yuan, type FakePaymentProviders } from "../support/fake-payment-providers";
import { startWorker, type TestWorker } from "../support/worker";

let worker: TestWorker;
let fake: FakePaymentProviders;

beforeAll(async () => {
  fake = await startFakePaymentProviders();
  worker = await startWorker({ vars: fake.vars() });
});
afterAll(async () => {
  await worker?.dispose();
  await fake?.close();
});
afterEach(() => {
  fake.wechat.refundStatus = "SUCCESS";
  fake.wechat.failRefunds = 0;
  fake.alipay.failRefunds = 0;
  fake.alipay.pendingRefunds = false;
  // Refused refunds, refused notifications and provider-reported failures are logged with
  // console.warn (each test checks the ones it causes); nothing else may reach stderr.
  worker.expectNoServerErrors([/refund rfd_[0-9a-z]+ (failed at (wechat|alipay)|reported (ABNORMAL|CLOSED) by wechat)/, /payment notification from wechat rejected/]);
});

const IP = "203.0.113.78";
const CRON = "*/5 * * * *";
const MIN = 60_000;

async function api(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = { "CF-Connecting-IP": IP };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  return worker.fetch(`/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}
const json = async <T>(res: Response) => (await res.json()) as T;

interface OrderView {
  id: string;
  status: string;
  paidFen: number;
  refundedFen: number;
  refunds: Array<{ id: string; kind: string; amountFen: number; status: string }>;
}

async function signIn(email: string): Promise<string> {
  const res = await api("/auth/sign-in", { body: { method: "password", email, password: "demo-pass-2026" } });
  expect(res.status, `sign in ${email}`).toBe(200);
  return (await json<{ token: string }>(res)).token;
}

async function placeOrder(email: string): Promise<{ token: string; orderId: string; payableFen: number }> {
  const token = await signIn(email);
  const points = await json<{ items: Array<{ id: string }> }>(await api("/pickup-points?lat=31.23&lng=121.446"));
  expect((await api("/me/pickup-point", { method: "PUT", body: { pickupPointId: points.items[0]!.id }, token })).status).toBe(200);
  const found = await json<{ items: Array<{ skuId: string }> }>(await api(`/products?q=${encodeURIComponent("大米")}`));
  expect((await api(`/cart/items/${found.items[0]!.skuId}`, { method: "PUT", body: { quantity: 1 }, token })).status).toBe(200);
  const placed = await api("/orders", { body: { couponId: "none" }, token });
  expect(placed.status).toBe(201);
  const { orderId, payableFen } = await json<{ orderId: string; payableFen: number }>(placed);
  expect(payableFen).toBeGreaterThan(0);
  return { token, orderId, payableFen };
}

async function getOrder(token: string, orderId: string): Promise<OrderView> {
  const res = await api(`/orders/${orderId}`, { token });
  expect(res.status).toBe(200);
  return (await json<{ order: OrderView }>(res)).order;
}

async function startPayment(token: string, orderId: string, provider: "wechat" | "alipay") {
  const res = await api(`/orders/${orderId}/payments`, { body: { provider }, token });
  expect(res.status).toBe(201);
  return json<{ paymentId: string }>(res);
}

const notify = (provider: "wechat" | "alipay", n: { headers: Record<string, string>; body: string }) =>
  worker.fetch(`/api/v1/payments/notify/${provider}`, { method: "POST", headers: n.headers, body: n.body });

/** Places an order, pays it with a genuine provider notification, then cancels it (which refunds it). */
async function paidThenCancelled(email: string, provider: "wechat" | "alipay") {
  const { token, orderId, payableFen } = await placeOrder(email);
  const { paymentId } = await startPayment(token, orderId, provider);
  if (provider === "wechat") {
    expect((await notify("wechat", fake.wechat.notification({ outTradeNo: paymentId, totalFen: payableFen }))).status).toBe(204);
  } else {
    const paid = fake.alipay.notification({ outTradeNo: paymentId, totalFen: payableFen });
    expect(await (await notify("alipay", { headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" }, body: paid.body })).text()).toBe("success");
  }
  expect((await getOrder(token, orderId)).status).toBe("paid");
  const cancelled = await api(`/orders/${orderId}/cancel`, { body: { reason: "不要了" }, token });
  expect(cancelled.status).toBe(200);
  const { refundId } = await json<{ refundId: string }>(cancelled);
  expect(refundId).toMatch(/^rfd_[0-9a-z]{20}$/);
  return { token, orderId, payableFen, paymentId, refundId, t0: Date.now() };
}

/** Runs the cron tick and checks the handler finished without an exception. */
async function tick(at: number) {
  const result = await worker.scheduled(CRON, at);
  expect(result.outcome).toBe("ok");
}

async function refundRow(id: string) {
  return (await worker.d1
    .prepare("SELECT status, provider_refund_no, updated_at FROM refunds WHERE id = ?")
    .bind(id)
    .first<{ status: string; provider_refund_no: string | null; updated_at: number }>())!;
}

/** Waits for a warning on the Worker's stderr (it arrives asynchronously). */
async function expectLogged(from: number, pattern: RegExp) {
  const seen = () => worker.stderr.slice(from).some((line) => pattern.test(line));
  for (let i = 0; i < 100 && !seen(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(worker.stderr.slice(from).join("\n")).toMatch(pattern);
}

describe("the refund completion cron", () => {
  it("WeChat: a refund left PROCESSING is asked about with a signed GET, and completed once when WeChat Pay says SUCCESS", async () => {
    fake.wechat.refundStatus = "PROCESSING";
    const { token, orderId, payableFen, paymentId, refundId, t0 } = await paidThenCancelled("leader1@demo.tuangou.test", "wechat");
    let order = await getOrder(token, orderId);
    expect(order).toMatchObject({ status: "cancelled", refundedFen: 0 });
    expect(order.refunds).toEqual([expect.objectContaining({ id: refundId, status: "processing" })]);
    const before = fake.wechat.requests.length;

    // Not yet two minutes old: the cron leaves it alone.
    await tick(t0);
    expect(fake.wechat.requests.slice(before)).toHaveLength(0);

    // Three minutes later: one signed query, still PROCESSING, nothing changes but the next poll time.
    await tick(t0 + 3 * MIN);
    const queries = fake.wechat.requests.slice(before);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({ method: "GET", path: `/wechatpay/v3/refund/domestic/refunds/${refundId}`, body: "", signatureValid: true });
    expect(queries[0]!.authorization).toMatchObject({ mchid: fake.wechat.mchId, serial_no: fake.wechat.mchSerial });
    expect(await refundRow(refundId)).toMatchObject({ status: "processing", updated_at: t0 + 3 * MIN });
    expect((await getOrder(token, orderId)).refundedFen).toBe(0);

    // The same tick again changes nothing and asks nothing.
    await tick(t0 + 3 * MIN);
    expect(fake.wechat.requests.slice(before)).toHaveLength(1);

    // The bank pays out. Polls space out (the next is due 3 minutes after the last, not 2).
    fake.wechat.setRefundStatus(refundId, "SUCCESS");
    await tick(t0 + 5 * MIN);
    expect(fake.wechat.requests.slice(before)).toHaveLength(1);
    await tick(t0 + 7 * MIN);
    expect(fake.wechat.requests.slice(before)).toHaveLength(2);
    order = await getOrder(token, orderId);
    expect(order).toMatchObject({ status: "cancelled", paidFen: payableFen, refundedFen: payableFen });
    expect(order.refunds).toEqual([expect.objectContaining({ id: refundId, amountFen: payableFen, status: "succeeded" })]);
    expect((await refundRow(refundId)).provider_refund_no).toBe(fake.wechat.refunds.get(refundId)!.refundId);

    // Later ticks, and WeChat's own notification arriving late, change nothing: counted once.
    await tick(t0 + 60 * MIN);
    await tick(t0 + 60 * MIN);
    expect(fake.wechat.requests.slice(before)).toHaveLength(2);
    expect((await notify("wechat", fake.wechat.refundNotification({ outRefundNo: refundId }))).status).toBe(204);
    order = await getOrder(token, orderId);
    expect(order).toMatchObject({ refundedFen: payableFen });
    expect(order.refunds).toHaveLength(1);
    expect(fake.wechat.transactions.get(paymentId)).toMatchObject({ refundedFen: payableFen });
  });

  it("WeChat: a refund WeChat Pay refused is sent again with the same out_refund_no after 5 minutes, and succeeds once", async () => {
    fake.wechat.failRefunds = 1;
    const from = worker.stderr.length;
    const before = fake.wechat.requests.length;
    const { token, orderId, payableFen, paymentId, refundId, t0 } = await paidThenCancelled("leader2@demo.tuangou.test", "wechat");
    await expectLogged(from, new RegExp(`refund ${refundId} failed at wechat: HTTP 403 NOT_ENOUGH`));
    const first = fake.wechat.requests.slice(before).filter((r) => r.path === "/wechatpay/v3/refund/domestic/refunds");
    expect(first).toHaveLength(1);
    let order = await getOrder(token, orderId);
    expect(order).toMatchObject({ status: "cancelled", refundedFen: 0 });
    expect(order.refunds).toEqual([expect.objectContaining({ id: refundId, status: "failed" })]);

    const sent = fake.wechat.requests.length;
    await tick(t0 + 1 * MIN);
    expect(fake.wechat.requests.slice(sent)).toHaveLength(0);

    await tick(t0 + 6 * MIN);
    const retries = fake.wechat.requests.slice(sent);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ method: "POST", path: "/wechatpay/v3/refund/domestic/refunds", signatureValid: true });
    // The same refund: same out_refund_no and amounts, so WeChat Pay de-duplicates it.
    expect(retries[0]!.json).toEqual(first[0]!.json);
    expect(retries[0]!.json).toMatchObject({ out_refund_no: refundId, amount: { refund: payableFen, total: payableFen, currency: "CNY" } });

    order = await getOrder(token, orderId);
    expect(order).toMatchObject({ status: "cancelled", refundedFen: payableFen });
    expect(order.refunds).toEqual([expect.objectContaining({ id: refundId, status: "succeeded" })]);
    await tick(t0 + 6 * MIN);
    await tick(t0 + 90 * MIN);
    expect(fake.wechat.requests.slice(sent)).toHaveLength(1);
    expect((await getOrder(token, orderId)).refundedFen).toBe(payableFen);
    expect(fake.wechat.transactions.get(paymentId)).toMatchObject({ refundedFen: payableFen });
  });

  it("Alipay: a refused refund is retried with the same out_request_no; a fund_change N refund is confirmed by alipay.trade.fastpay.refund.query", async () => {
    // Refused once (ACQ.SYSTEM_ERROR), then retried by the cron.
    fake.alipay.failRefunds = 1;
    const from = worker.stderr.length;
    const before = fake.alipay.requests.length;
    const a = await paidThenCancelled("leader3@demo.tuangou.test", "alipay");
    await expectLogged(from, new RegExp(`refund ${a.refundId} failed at alipay: 40004 ACQ.SYSTEM_ERROR`));
    const firstTry = fake.alipay.requests.slice(before).filter((r) => r.params.method === "alipay.trade.refund");
    expect(firstTry).toHaveLength(1);
    expect((await getOrder(a.token, a.orderId)).refunds).toEqual([expect.objectContaining({ id: a.refundId, status: "failed" })]);

    const sent = fake.alipay.requests.length;
    await tick(a.t0 + 6 * MIN);
    const retry = fake.alipay.requests.slice(sent);
    expect(retry).toHaveLength(1);
    expect(retry[0]).toMatchObject({ method: "POST", signatureValid: true });
    expect(retry[0]!.params).toMatchObject({ method: "alipay.trade.refund", sign_type: "RSA2", app_id: fake.alipay.appId });
    expect(retry[0]!.biz).toEqual(firstTry[0]!.biz);
    expect(retry[0]!.biz).toMatchObject({ out_trade_no: a.paymentId, out_request_no: a.refundId, refund_amount: yuan(a.payableFen) });
    let order = await getOrder(a.token, a.orderId);
    expect(order).toMatchObject({ status: "cancelled", refundedFen: a.payableFen });
    expect(order.refunds).toEqual([expect.objectContaining({ id: a.refundId, status: "succeeded" })]);
    expect(fake.alipay.trades.get(a.paymentId)).toMatchObject({ refundedFen: a.payableFen });

    // Carried out but answered fund_change N: processing until the query says REFUND_SUCCESS.
    fake.alipay.pendingRefunds = true;
    const b = await paidThenCancelled("shopper1@demo.tuangou.test", "alipay");
    fake.alipay.pendingRefunds = false;
    order = await getOrder(b.token, b.orderId);
    expect(order).toMatchObject({ refundedFen: 0 });
    expect(order.refunds).toEqual([expect.objectContaining({ id: b.refundId, status: "processing" })]);
    const beforeQuery = fake.alipay.requests.length;
    await tick(b.t0 + 3 * MIN);
    const queries = fake.alipay.requests.slice(beforeQuery);
    // Only b is due (a is finished).
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({ method: "POST", signatureValid: true });
    expect(queries[0]!.params).toMatchObject({ method: "alipay.trade.fastpay.refund.query", app_id: fake.alipay.appId, sign_type: "RSA2", charset: "utf-8" });
    expect(queries[0]!.biz).toEqual({ out_trade_no: b.paymentId, out_request_no: b.refundId, query_options: ["gmt_refund_pay"] });
    order = await getOrder(b.token, b.orderId);
    expect(order).toMatchObject({ status: "cancelled", refundedFen: b.payableFen });
    expect(order.refunds).toEqual([expect.objectContaining({ id: b.refundId, status: "succeeded" })]);
    await tick(b.t0 + 3 * MIN);
    await tick(b.t0 + 30 * MIN);
    expect(fake.alipay.requests.slice(beforeQuery)).toHaveLength(1);
    expect((await getOrder(b.token, b.orderId)).refundedFen).toBe(b.payableFen);
    expect(fake.alipay.trades.get(b.paymentId)).toMatchObject({ refundedFen: b.payableFen });
  });

  it("retries with growing spacing, and stops 24 hours after the refund for an admin", async () => {
    fake.wechat.refundStatus = "PROCESSING";
    const { token, orderId, refundId, t0 } = await paidThenCancelled("fruit@demo.tuangou.test", "wechat");
    // WeChat Pay reports the refund ABNORMAL (the card was cancelled): failed at once.
    fake.wechat.setRefundStatus(refundId, "ABNORMAL");
    expect((await notify("wechat", fake.wechat.refundNotification({ outRefundNo: refundId }))).status).toBe(204);
    expect((await getOrder(token, orderId)).refunds).toEqual([expect.objectContaining({ id: refundId, status: "failed" })]);

    const posts = () => fake.wechat.requests.filter((r) => r.method === "POST" && r.path === "/wechatpay/v3/refund/domestic/refunds" && (r.json as { out_refund_no?: string }).out_refund_no === refundId).length;
    const start = posts();
    // The first retry is due 5 minutes after the failure; WeChat answers ABNORMAL again.
    await tick(t0 + 4 * MIN);
    expect(posts()).toBe(start);
    await tick(t0 + 6 * MIN);
    expect(posts()).toBe(start + 1);
    expect(await refundRow(refundId)).toMatchObject({ status: "failed", updated_at: t0 + 6 * MIN });
    // The next one waits as long as the refund had waited then (~6 minutes), not 5.
    await tick(t0 + 11 * MIN);
    expect(posts()).toBe(start + 1);
    await tick(t0 + 13 * MIN);
    expect(posts()).toBe(start + 2);
    // 24 hours after the refund was made, it is left failed for an admin.
    await tick(t0 + 25 * 60 * MIN);
    await tick(t0 + 26 * 60 * MIN);
    expect(posts()).toBe(start + 2);
    const order = await getOrder(token, orderId);
    expect(order).toMatchObject({ refundedFen: 0 });
    expect(order.refunds).toEqual([expect.objectContaining({ id: refundId, status: "failed" })]);
  });

  it("handles at most 50 refunds per run, and one refund's provider error does not stop the others", async () => {
    const { orderId } = await placeOrder("admin@demo.tuangou.test");
    const t0 = Date.now();
    const statements = [];
    // 53 failed sandbox refunds of duplicate payments (they never count in the order's total)…
    for (let i = 0; i < 53; i++) {
      const n = String(i).padStart(2, "0");
      statements.push(
        worker.d1
          .prepare("INSERT INTO payments (id, order_id, provider, amount_fen, status, provider_trade_no, created_at, succeeded_at, expires_at) VALUES (?, ?, 'sandbox', 100, 'succeeded', ?, ?, ?, ?)")
          .bind(`pay_bulk${n}000000000000000`, orderId, `SBXBULK${n}`, t0, t0, t0 + 60 * MIN),
        worker.d1
          .prepare("INSERT INTO refunds (id, order_id, payment_id, kind, amount_fen, reason, lines, status, created_at, updated_at) VALUES (?, ?, ?, 'duplicate_payment', 100, 'order_already_paid', '[]', 'failed', ?, ?)")
          .bind(`rfd_bulk${n}000000000000000`, orderId, `pay_bulk${n}000000000000000`, t0, t0),
      );
    }
    // …and, first in line, one WeChat refund for a transaction WeChat Pay does not know (404).
    statements.push(
      worker.d1
        .prepare("INSERT INTO payments (id, order_id, provider, amount_fen, status, provider_trade_no, created_at, succeeded_at, expires_at) VALUES ('pay_bulkwx00000000000000', ?, 'wechat', 100, 'succeeded', '4200000000000000000000000999', ?, ?, ?)")
        .bind(orderId, t0, t0, t0 + 60 * MIN),
      worker.d1
        .prepare("INSERT INTO refunds (id, order_id, payment_id, kind, amount_fen, reason, lines, status, created_at, updated_at) VALUES ('rfd_0000bulkwx0000000000', ?, 'pay_bulkwx00000000000000', 'duplicate_payment', 100, 'order_already_paid', '[]', 'failed', ?, ?)")
        .bind(orderId, t0, t0),
    );
    await worker.d1.batch(statements);
    const count = async (status: string) =>
      (await worker.d1.prepare("SELECT count(*) AS n FROM refunds WHERE order_id = ? AND status = ?").bind(orderId, status).first<{ n: number }>())!.n;

    const from = worker.stderr.length;
    await tick(t0 + 6 * MIN);
    await expectLogged(from, /refund rfd_0000bulkwx0000000000 failed at wechat: HTTP 404 RESOURCE_NOT_EXISTS/);
    // 50 handled: the WeChat one failed again, 49 sandbox refunds succeeded; 4 wait for the next run.
    expect(await count("succeeded")).toBe(49);
    expect(await count("failed")).toBe(5);
    expect(await refundRow("rfd_0000bulkwx0000000000")).toMatchObject({ status: "failed", updated_at: t0 + 6 * MIN });

    await tick(t0 + 6 * MIN);
    expect(await count("succeeded")).toBe(53);
    expect(await count("failed")).toBe(1);
    const rows = async () => (await worker.d1.prepare("SELECT id, status, provider_refund_no, updated_at FROM refunds WHERE order_id = ? ORDER BY id").bind(orderId).all()).results;
    const snapshot = await rows();
    await tick(t0 + 6 * MIN);
    expect(await rows()).toEqual(snapshot);
    // Refunds of duplicate payments leave the order's own refunded total alone.
    expect((await worker.d1.prepare("SELECT refunded_fen FROM orders WHERE id = ?").bind(orderId).first<{ refunded_fen: number }>())!.refunded_fen).toBe(0);
  });
});

describe("WeChat Pay refund notifications", () => {
  it("forged ones are refused; the genuine REFUND.SUCCESS completes the refund at once; replays change nothing", async () => {
    fake.wechat.refundStatus = "PROCESSING";
    const { token, orderId, payableFen, refundId, t0 } = await paidThenCancelled("baby@demo.tuangou.test", "wechat");
    expect((await getOrder(token, orderId)).refunds).toEqual([expect.objectContaining({ id: refundId, status: "processing" })]);
    fake.wechat.setRefundStatus(refundId, "SUCCESS");

    const r = { outRefundNo: refundId };
    const forged: Array<[string, { headers: Record<string, string>; body: string }, RegExp]> = [
      ["signed with another key", fake.wechat.refundNotification(r, { signKey: fake.intruder.privateKey }), /bad signature/],
      ["body changed after signing", fake.wechat.refundNotification(r, { tamperBodyAfterSigning: true }), /bad signature/],
      ["tampered ciphertext", fake.wechat.refundNotification(r, { tamperCiphertext: true }), /does not decrypt/],
      ["encrypted with another APIv3 key", fake.wechat.refundNotification(r, { apiV3Key: "ZZZZZZZZZZabcdefghijABCDEFGHIJkl" }), /does not decrypt/],
      ["6-minute-old timestamp", fake.wechat.refundNotification(r, { timestamp: Math.floor(Date.now() / 1000) - 360 }), /5-minute window/],
      ["unknown serial", fake.wechat.refundNotification(r, { serial: "PUB_KEY_ID_0000000000000000000000000000" }), /unknown Wechatpay-Serial/],
      ["another merchant (genuinely signed)", fake.wechat.refundNotification({ ...r, overrides: { mchid: "1900000001" } }), /mchid does not match/],
      [
        "another amount (genuinely signed)",
        fake.wechat.refundNotification({ ...r, overrides: { amount: { total: payableFen, refund: payableFen - 1, payer_total: payableFen, payer_refund: payableFen - 1 } } }),
        new RegExp(`refund amount ${payableFen - 1} does not match ${payableFen}`),
      ],
      ["unknown out_refund_no (genuinely signed)", fake.wechat.refundNotification({ ...r, overrides: { out_refund_no: "rfd_00000000000000000000" } }), /unknown refund/],
      ["another transaction (genuinely signed)", fake.wechat.refundNotification({ ...r, overrides: { transaction_id: "4200000000000000000000000001" } }), /another transaction/],
      ["status contradicting the event", fake.wechat.refundNotification({ ...r, status: "SUCCESS" }, { eventType: "REFUND.CLOSED" }), /does not match event_type/],
      ["no signature headers", { headers: { "Content-Type": "application/json" }, body: fake.wechat.refundNotification(r).body }, /missing Wechatpay-\* signature headers/],
    ];
    for (const [label, n, reason] of forged) {
      const from = worker.stderr.length;
      const res = await notify("wechat", n);
      expect(res.status, label).toBe(500);
      const answer = await json<{ code: string; message: string }>(res);
      expect(answer.code, label).toBe("FAIL");
      expect(answer.message, label).toMatch(reason);
      await expectLogged(from, new RegExp(`payment notification from wechat rejected: .*${reason.source}`));
      const unchanged = await getOrder(token, orderId);
      expect(unchanged.refundedFen, label).toBe(0);
      expect(unchanged.refunds[0]!.status, label).toBe("processing");
    }

    const genuine = fake.wechat.refundNotification(r);
    expect((await notify("wechat", genuine)).status).toBe(204);
    let order = await getOrder(token, orderId);
    expect(order).toMatchObject({ status: "cancelled", paidFen: payableFen, refundedFen: payableFen });
    expect(order.refunds).toEqual([expect.objectContaining({ id: refundId, status: "succeeded" })]);

    // WeChat retries until it reads a 2xx: the same bytes, then a fresh signature of the same event.
    for (let i = 0; i < 3; i++) expect((await notify("wechat", genuine)).status).toBe(204);
    expect((await notify("wechat", fake.wechat.refundNotification(r))).status).toBe(204);
    // A later CLOSED/ABNORMAL can never undo a success.
    expect((await notify("wechat", fake.wechat.refundNotification({ ...r, status: "CLOSED" }))).status).toBe(204);
    order = await getOrder(token, orderId);
    expect(order).toMatchObject({ refundedFen: payableFen });
    expect(order.refunds).toEqual([expect.objectContaining({ id: refundId, status: "succeeded" })]);
    const recorded = await worker.d1
      .prepare("SELECT status, outcome FROM payment_notifications WHERE dedupe_key LIKE 'wechat:refund:%' AND amount_fen = ? AND payment_id = (SELECT payment_id FROM refunds WHERE id = ?) ORDER BY received_at")
      .bind(payableFen, refundId)
      .all<{ status: string; outcome: string }>();
    expect(recorded.results).toEqual([
      { status: "refund_succeeded", outcome: "refund_succeeded" },
      // Recorded as received, but a success is final: it changed nothing.
      { status: "refund_failed", outcome: "duplicate" },
    ]);

    // Nothing is left for the cron to ask about.
    const before = fake.wechat.requests.length;
    await tick(t0 + 10 * MIN);
    expect(fake.wechat.requests.slice(before)).toHaveLength(0);
    expect((await getOrder(token, orderId)).refundedFen).toBe(payableFen);
  });
});
