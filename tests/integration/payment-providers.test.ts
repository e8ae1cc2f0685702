/**
 * WeChat Pay APIv3 and Alipay end to end inside the built Worker (Miniflare), against local
 * stand-ins of the providers (tests/support/fake-payment-providers.ts) that check every request
 * signature with node:crypto and sign their answers and notifications as the real providers do.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { alipaySignContent, rsaVerify, startFakePaymentProviders, yuan, type FakePaymentProviders } from "../support/fake-payment-providers";
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
// Refused notifications are logged with console.warn; nothing else may reach stderr.
afterEach(() => worker.expectNoServerErrors([/payment notification from (wechat|alipay) rejected/]));

const IP = "203.0.113.77";

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
  payableFen: number;
  paidFen: number;
  refundedFen: number;
  payBy: number;
  events: Array<{ event: string; from: string | null; to: string; actorType: string }>;
  payments: Array<{ id: string; provider: string; amountFen: number; status: string }>;
  refunds: Array<{ id: string; kind: string; amountFen: number; status: string }>;
}

async function signIn(email: string): Promise<string> {
  const res = await api("/auth/sign-in", { body: { method: "password", email, password: "demo-pass-2026" } });
  expect(res.status, `sign in ${email}`).toBe(200);
  return (await json<{ token: string }>(res)).token;
}

/** Signs in, chooses the nearest pickup point, puts one bag of rice in the cart and places the order. */
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
  return json<{ paymentId: string; next: { kind: string; url?: string; codeUrl?: string } }>(res);
}

const notify = (provider: "wechat" | "alipay", n: { headers: Record<string, string>; body: string }) =>
  worker.fetch(`/api/v1/payments/notify/${provider}`, { method: "POST", headers: n.headers, body: n.body });
const alipayForm = { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" };

/** Waits for the Worker's "payment notification … rejected: <reason>" warning (stderr arrives asynchronously). */
async function expectWarning(from: number, reason: RegExp, label: string) {
  const seen = () => worker.stderr.slice(from).some((line) => /payment notification from (wechat|alipay) rejected/.test(line) && reason.test(line));
  for (let i = 0; i < 100 && !seen(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(worker.stderr.slice(from).join("\n"), label).toMatch(reason);
}

/** Starts a WeChat Native payment and pays it with a genuine notification. */
async function payWithWechat(token: string, orderId: string, payableFen: number) {
  const { paymentId } = await startPayment(token, orderId, "wechat");
  const paid = fake.wechat.notification({ outTradeNo: paymentId, totalFen: payableFen });
  expect((await notify("wechat", paid)).status).toBe(204);
  expect((await getOrder(token, orderId)).status).toBe("paid");
  return { paymentId, paid };
}

async function payWithAlipay(token: string, orderId: string, payableFen: number) {
  const { paymentId } = await startPayment(token, orderId, "alipay");
  const paid = fake.alipay.notification({ outTradeNo: paymentId, totalFen: payableFen });
  const res = await notify("alipay", { headers: alipayForm, body: paid.body });
  expect(await res.text()).toBe("success");
  expect((await getOrder(token, orderId)).status).toBe("paid");
  return { paymentId, paid };
}

describe("WeChat Pay APIv3 in the Worker", () => {
  it("Native QR: a signed order at the stand-in, then a genuine notification pays the order once; forged ones are refused", async () => {
    const { token, orderId, payableFen } = await placeOrder("leader1@demo.tuangou.test");
    const before = fake.wechat.requests.length;

    const started = await startPayment(token, orderId, "wechat");
    expect(started.paymentId).toMatch(/^pay_[0-9a-z]{20}$/);
    expect(started.next).toEqual({ kind: "qr", codeUrl: `weixin://wxpay/bizpayurl?pr=${started.paymentId}` });

    // What reached the stand-in: one Native order, signed with the merchant key over the request line.
    const sent = fake.wechat.requests.slice(before);
    expect(sent).toHaveLength(1);
    const req = sent[0]!;
    expect(req).toMatchObject({ method: "POST", path: "/wechatpay/v3/pay/transactions/native", signatureValid: true });
    expect(req.authorization).toMatchObject({ mchid: fake.wechat.mchId, serial_no: fake.wechat.mchSerial });
    expect(req.authorization.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/);
    const order = await getOrder(token, orderId);
    const body = req.json as Record<string, any>;
    expect(body).toMatchObject({
      appid: fake.wechat.appId,
      mchid: fake.wechat.mchId,
      out_trade_no: started.paymentId,
      amount: { total: payableFen, currency: "CNY" },
      scene_info: { payer_client_ip: IP },
    });
    expect(body.amount.total).toBe(order.payableFen);
    expect(body.description).toContain(orderId);
    expect(body.notify_url).toBe(`${worker.origin}/api/v1/payments/notify/wechat`);
    expect(body.notify_url.endsWith("/api/v1/payments/notify/wechat")).toBe(true);
    expect(body.time_expire).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(Date.parse(body.time_expire)).toBe(Math.floor(order.payBy / 1000) * 1000);
    expect(order.payments).toEqual([expect.objectContaining({ id: started.paymentId, provider: "wechat", amountFen: payableFen, status: "created" })]);
    // Control: the stand-in really checks what the signature covers. The Worker's own Authorization
    // replayed over a body with another amount is refused, as WeChat Pay refuses it.
    const replayed = await fetch(fake.wechat.baseUrl + "/v3/pay/transactions/native", {
      method: "POST",
      headers: { Authorization: String(req.headers.authorization), "Content-Type": "application/json", Accept: "application/json", "User-Agent": "probe" },
      body: req.body.replace(`"total":${payableFen}`, '"total":1'),
    });
    expect(replayed.status).toBe(401);
    expect(fake.wechat.requests.at(-1)).toMatchObject({ signatureValid: false, problem: "signature" });
    const beforeNotifications = fake.wechat.requests.length;

    // Forged or stale notifications: refused with WeChat's FAIL answer, the order untouched.
    const tx = { outTradeNo: started.paymentId, totalFen: payableFen };
    // Each is refused for its own reason (the FAIL message and the Worker's warning name it).
    const forged: Array<[string, { headers: Record<string, string>; body: string }, RegExp]> = [
      ["tampered ciphertext", fake.wechat.notification(tx, { tamperCiphertext: true }), /does not decrypt/],
      ["body changed after signing", fake.wechat.notification(tx, { tamperBodyAfterSigning: true }), /bad signature/],
      ["unknown serial", fake.wechat.notification(tx, { serial: "PUB_KEY_ID_0000000000000000000000000000" }), /unknown Wechatpay-Serial/],
      ["signed with another key", fake.wechat.notification(tx, { signKey: fake.intruder.privateKey }), /bad signature/],
      ["6-minute-old timestamp", fake.wechat.notification(tx, { timestamp: Math.floor(Date.now() / 1000) - 360 }), /5-minute window/],
      ["encrypted with another APIv3 key", fake.wechat.notification(tx, { apiV3Key: "ZZZZZZZZZZabcdefghijABCDEFGHIJkl" }), /does not decrypt/],
      [
        "amount different from the payment",
        fake.wechat.notification({ ...tx, totalFen: payableFen - 1 }),
        new RegExp(`amount ${payableFen - 1} does not match ${payableFen}`),
      ],
      ["another merchant", fake.wechat.notification({ ...tx, overrides: { mchid: "1900000001" } }), /mchid does not match/],
      [
        "no signature headers",
        { headers: { "Content-Type": "application/json" }, body: fake.wechat.notification(tx).body },
        /missing Wechatpay-\* signature headers/,
      ],
    ];
    for (const [label, n, reason] of forged) {
      const from = worker.stderr.length;
      const res = await notify("wechat", n);
      expect(res.status, label).toBe(500);
      const answer = await json<{ code: string; message: string }>(res);
      expect(answer.code, label).toBe("FAIL");
      expect(answer.message, label).toMatch(reason);
      await expectWarning(from, reason, label);
      const unchanged = await getOrder(token, orderId);
      expect(unchanged.status, label).toBe("pending_payment");
      expect(
        unchanged.events.map((e) => e.event),
        label
      ).toEqual(["place"]);
      expect(unchanged.payments[0]!.status, label).toBe("created");
    }

    // The genuine notification: 204, the order is paid by the provider.
    const genuine = fake.wechat.notification(tx);
    expect((await notify("wechat", genuine)).status).toBe(204);
    const paid = await getOrder(token, orderId);
    expect(paid.status).toBe("paid");
    expect(paid.paidFen).toBe(payableFen);
    expect(paid.events.map((e) => e.event)).toEqual(["place", "pay"]);
    expect(paid.events[1]).toMatchObject({ from: "pending_payment", to: "paid", actorType: "provider" });
    expect(paid.payments[0]).toMatchObject({ id: started.paymentId, status: "succeeded" });

    // WeChat retries until it gets a 2xx: the same bytes three times, then a fresh signature of the same payment.
    for (let i = 0; i < 3; i++) expect((await notify("wechat", genuine)).status).toBe(204);
    expect((await notify("wechat", fake.wechat.notification(tx))).status).toBe(204);
    const after = await getOrder(token, orderId);
    expect(after.events.map((e) => e.event)).toEqual(["place", "pay"]);
    expect(after).toMatchObject({ status: "paid", paidFen: payableFen, refundedFen: 0 });
    expect(after.refunds).toEqual([]);
    // Nothing more went to WeChat Pay (no refund, no retry).
    expect(fake.wechat.requests.slice(beforeNotifications)).toHaveLength(0);
  });

  it("refunds a cancelled paid order through /v3/refund/domestic/refunds", async () => {
    const { token, orderId, payableFen } = await placeOrder("leader2@demo.tuangou.test");
    const { paymentId, paid } = await payWithWechat(token, orderId, payableFen);
    const before = fake.wechat.requests.length;

    const cancelled = await api(`/orders/${orderId}/cancel`, { body: { reason: "买重复了" }, token });
    expect(cancelled.status).toBe(200);
    const { status, refundId } = await json<{ status: string; refundId: string }>(cancelled);
    expect(status).toBe("cancelled");
    expect(refundId).toMatch(/^rfd_[0-9a-z]{20}$/);

    const sent = fake.wechat.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: "POST", path: "/wechatpay/v3/refund/domestic/refunds", signatureValid: true });
    expect(sent[0]!.json).toEqual({
      transaction_id: paid.transactionId,
      out_refund_no: refundId,
      reason: "买重复了",
      amount: { refund: payableFen, total: payableFen, currency: "CNY" },
    });

    const order = await getOrder(token, orderId);
    expect(order).toMatchObject({ status: "cancelled", paidFen: payableFen, refundedFen: payableFen });
    expect(order.events.map((e) => e.event)).toEqual(["place", "pay", "cancel"]);
    expect(order.refunds).toEqual([expect.objectContaining({ id: refundId, kind: "cancellation", amountFen: payableFen, status: "succeeded" })]);
    expect(order.payments).toEqual([expect.objectContaining({ id: paymentId, status: "succeeded" })]);

    // A late retry of the payment notification must not refund a second time.
    expect((await notify("wechat", paid)).status).toBe(204);
    expect((await notify("wechat", fake.wechat.notification({ outTradeNo: paymentId, totalFen: payableFen }))).status).toBe(204);
    const again = await getOrder(token, orderId);
    expect(again).toMatchObject({ status: "cancelled", refundedFen: payableFen });
    expect(again.refunds).toHaveLength(1);
    expect(again.events.map((e) => e.event)).toEqual(["place", "pay", "cancel"]);
    expect(fake.wechat.requests.slice(before)).toHaveLength(1);
    // And the order cannot be cancelled (or refunded) twice.
    expect((await api(`/orders/${orderId}/cancel`, { body: {}, token })).status).toBe(409);
    expect(fake.wechat.requests.slice(before)).toHaveLength(1);
  });
});

describe("Alipay in the Worker", () => {
  it("page pay: an RSA2-signed gateway redirect, then a signed async notification pays the order once; forged ones get fail", async () => {
    const { token, orderId, payableFen } = await placeOrder("leader3@demo.tuangou.test");

    // ALIPAY_PRODUCT is not set: the default product is page pay (电脑网站支付), a redirect to the gateway.
    const started = await startPayment(token, orderId, "alipay");
    expect(started.next.kind).toBe("redirect");
    const url = new URL(started.next.url!);
    expect(url.origin + url.pathname).toBe(fake.alipay.gateway);
    const params = Object.fromEntries(url.searchParams);
    expect(Object.keys(params).length).toBe(url.searchParams.size); // no repeated parameter
    expect(params).toMatchObject({
      app_id: fake.alipay.appId,
      method: "alipay.trade.page.pay",
      format: "JSON",
      charset: "utf-8",
      sign_type: "RSA2",
      version: "1.0",
      notify_url: `${worker.origin}/api/v1/payments/notify/alipay`,
      return_url: `${worker.origin}/orders/${orderId}`,
    });
    expect(params.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // The signature: RSA-SHA256 with the app private key over every non-empty parameter except sign, sorted, k=v&….
    expect(rsaVerify(alipaySignContent(params, ["sign"]), params.sign!, fake.alipay.app.publicKey)).toBe(true);
    expect(rsaVerify(alipaySignContent(params, ["sign"]), params.sign!, fake.intruder.publicKey)).toBe(false);
    const biz = JSON.parse(params.biz_content!) as Record<string, string>;
    expect(biz).toMatchObject({ out_trade_no: started.paymentId, total_amount: yuan(payableFen), product_code: "FAST_INSTANT_TRADE_PAY" });
    expect(biz.subject).toContain(orderId);
    expect(biz.total_amount).toMatch(/^\d+\.\d{2}$/);
    // The shopper's browser follows the redirect: the stand-in cashier accepts the signed query.
    const cashier = await fetch(started.next.url!);
    expect(cashier.status).toBe(200);
    expect(fake.alipay.requests.at(-1)).toMatchObject({ method: "GET", signatureValid: true });
    // Control: a query changed after signing is refused by the stand-in cashier.
    const tampered = new URL(started.next.url!);
    tampered.searchParams.set("biz_content", params.biz_content!.replace(`"${yuan(payableFen)}"`, '"0.01"'));
    expect(tampered.searchParams.get("biz_content")).not.toBe(params.biz_content);
    expect((await fetch(tampered)).status).toBe(400);
    expect(fake.alipay.requests.at(-1)).toMatchObject({ method: "GET", signatureValid: false });

    // Forged notifications: "fail", the order untouched.
    const trade = { outTradeNo: started.paymentId, totalFen: payableFen };
    const forged: Array<[string, { body: string }, RegExp]> = [
      ["total_amount tampered after signing", fake.alipay.notification(trade, { afterSigning: { total_amount: "0.01" } }), /bad signature/],
      [
        "another app_id (genuinely signed)",
        fake.alipay.notification({ ...trade, overrides: { app_id: "2021000000000002", auth_app_id: "2021000000000002" } }),
        /app_id does not match/,
      ],
      [
        "another seller_id (genuinely signed)",
        fake.alipay.notification({ ...trade, overrides: { seller_id: "2088000000000000" } }),
        /seller_id does not match/,
      ],
      ["signed with another key", fake.alipay.notification(trade, { signKey: fake.intruder.privateKey }), /bad signature/],
      ["garbage sign", fake.alipay.notification(trade, { afterSigning: { sign: "AAAA" } }), /bad signature/],
      ["unsigned", { body: fake.alipay.notification(trade).body.replace(/(^|&)sign=[^&]*/, "") }, /missing sign/],
      [
        "amount different from the payment (genuinely signed)",
        fake.alipay.notification({ ...trade, totalFen: payableFen + 100 }),
        new RegExp(`amount ${payableFen + 100} does not match ${payableFen}`),
      ],
      ["unknown out_trade_no (genuinely signed)", fake.alipay.notification({ ...trade, outTradeNo: "pay_00000000000000000000" }), /unknown payment/],
    ];
    for (const [label, n, reason] of forged) {
      const from = worker.stderr.length;
      const res = await notify("alipay", { headers: alipayForm, body: n.body });
      expect(res.status, label).toBe(200);
      expect(await res.text(), label).toBe("fail");
      await expectWarning(from, reason, label);
      const unchanged = await getOrder(token, orderId);
      expect(unchanged.status, label).toBe("pending_payment");
      expect(
        unchanged.events.map((e) => e.event),
        label
      ).toEqual(["place"]);
    }

    // WAIT_BUYER_PAY is not final: acknowledged, nothing changes.
    const waiting = fake.alipay.notification({ ...trade, overrides: { trade_status: "WAIT_BUYER_PAY", gmt_payment: "" } });
    expect(await (await notify("alipay", { headers: alipayForm, body: waiting.body })).text()).toBe("success");
    expect((await getOrder(token, orderId)).status).toBe("pending_payment");

    const genuine = fake.alipay.notification(trade);
    const res = await notify("alipay", { headers: alipayForm, body: genuine.body });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("success");
    const paid = await getOrder(token, orderId);
    expect(paid).toMatchObject({ status: "paid", paidFen: payableFen, refundedFen: 0 });
    expect(paid.events.map((e) => e.event)).toEqual(["place", "pay"]);
    expect(paid.events[1]).toMatchObject({ actorType: "provider" });
    expect(paid.payments[0]).toMatchObject({ id: started.paymentId, provider: "alipay", status: "succeeded" });

    // Alipay retries until it reads "success": replays change nothing.
    for (let i = 0; i < 3; i++) {
      expect(await (await notify("alipay", { headers: alipayForm, body: genuine.body })).text()).toBe("success");
    }
    const after = await getOrder(token, orderId);
    expect(after.events.map((e) => e.event)).toEqual(["place", "pay"]);
    expect(after.refunds).toEqual([]);
    expect(fake.alipay.requests.filter((r) => r.method === "POST")).toHaveLength(0);
  });

  it("refunds a cancelled paid order with alipay.trade.refund at the gateway", async () => {
    const { token, orderId, payableFen } = await placeOrder("shopper1@demo.tuangou.test");
    const { paymentId, paid } = await payWithAlipay(token, orderId, payableFen);
    const before = fake.alipay.requests.length;

    const cancelled = await api(`/orders/${orderId}/cancel`, { body: { reason: "不想要了" }, token });
    expect(cancelled.status).toBe(200);
    const { status, refundId } = await json<{ status: string; refundId: string }>(cancelled);
    expect(status).toBe("cancelled");

    const sent = fake.alipay.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: "POST", signatureValid: true });
    expect(sent[0]!.params).toMatchObject({ method: "alipay.trade.refund", app_id: fake.alipay.appId, sign_type: "RSA2", charset: "utf-8" });
    expect(sent[0]!.biz).toEqual({
      out_trade_no: paymentId,
      trade_no: paid.tradeNo,
      refund_amount: yuan(payableFen),
      out_request_no: refundId,
      refund_reason: "不想要了",
    });
    expect(fake.alipay.trades.get(paymentId)).toMatchObject({ refundedFen: payableFen });

    const order = await getOrder(token, orderId);
    expect(order).toMatchObject({ status: "cancelled", paidFen: payableFen, refundedFen: payableFen });
    expect(order.events.map((e) => e.event)).toEqual(["place", "pay", "cancel"]);
    expect(order.refunds).toEqual([expect.objectContaining({ id: refundId, kind: "cancellation", amountFen: payableFen, status: "succeeded" })]);

    // After a full refund Alipay notifies TRADE_CLOSED (with the refund fields); and may retry the
    // original TRADE_SUCCESS. Both are acknowledged and change nothing: no second refund.
    const closed = fake.alipay.notification({
      outTradeNo: paymentId,
      totalFen: payableFen,
      tradeNo: paid.tradeNo,
      overrides: { trade_status: "TRADE_CLOSED", refund_fee: yuan(payableFen), gmt_refund: "2026-11-25 21:00:01.000", out_biz_no: refundId },
    });
    expect(await (await notify("alipay", { headers: alipayForm, body: closed.body })).text()).toBe("success");
    expect(await (await notify("alipay", { headers: alipayForm, body: paid.body })).text()).toBe("success");
    const again = await getOrder(token, orderId);
    expect(again).toMatchObject({ status: "cancelled", refundedFen: payableFen });
    expect(again.refunds).toHaveLength(1);
    expect(again.payments[0]).toMatchObject({ id: paymentId, status: "succeeded" });
    expect(fake.alipay.requests.slice(before)).toHaveLength(1);
  });
});

describe("late payments", () => {
  it("a WeChat payment that arrives after the unpaid order was cancelled is refunded in full automatically", async () => {
    const { token, orderId, payableFen } = await placeOrder("baby@demo.tuangou.test");
    const { paymentId } = await startPayment(token, orderId, "wechat");
    const cancelled = await api(`/orders/${orderId}/cancel`, { body: {}, token });
    expect(cancelled.status).toBe(200);
    expect(await json(cancelled)).toEqual({ status: "cancelled", refundId: null });
    const before = fake.wechat.requests.length;

    // The shopper had already scanned the QR code: WeChat Pay takes the money and notifies.
    const paid = fake.wechat.notification({ outTradeNo: paymentId, totalFen: payableFen });
    expect((await notify("wechat", paid)).status).toBe(204);
    const sent = fake.wechat.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ path: "/wechatpay/v3/refund/domestic/refunds", signatureValid: true });
    const order = await getOrder(token, orderId);
    expect(sent[0]!.json).toEqual({
      transaction_id: paid.transactionId,
      out_refund_no: order.refunds[0]?.id,
      reason: "payment_after_cancellation",
      amount: { refund: payableFen, total: payableFen, currency: "CNY" },
    });
    // The order was never paid, so its own refunded total stays 0; the refund row carries the money.
    expect(order).toMatchObject({ status: "cancelled", refundedFen: 0 });
    expect(order.events.map((e) => e.event)).toEqual(["place", "cancel"]);
    expect(order.refunds).toEqual([expect.objectContaining({ kind: "late_payment", amountFen: payableFen, status: "succeeded" })]);
    expect(order.payments).toEqual([expect.objectContaining({ id: paymentId, status: "succeeded" })]);

    // WeChat's retries are acknowledged without a second refund.
    for (let i = 0; i < 2; i++) expect((await notify("wechat", paid)).status).toBe(204);
    expect((await getOrder(token, orderId)).refunds).toHaveLength(1);
    expect(fake.wechat.requests.slice(before)).toHaveLength(1);
  });
});
