import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signSandboxNotification } from "../../app/modules/payments/providers";
import { startWorker, TEST_SANDBOX_SECRET, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors([/payment notification from sandbox rejected/]));

const STRAWBERRY = "sku_demostrawberry000001"; // ¥39.90
const EGGS = "sku_demoeggs000000000001"; // ¥29.80

async function shopper(email: string, ip: string): Promise<Client> {
  const c = worker.client({ ip });
  expect((await c.post("/login", { intent: "password", email, password: "demo-pass-2026" })).status).toBe(302);
  await c.post("/pickup", { pickupPointId: "pkp_demosunshine00000000" });
  return c;
}

const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const stock = async (sku: string) => (await one<{ stock: number }>("SELECT stock FROM skus WHERE id = ?", sku)).stock;

/** Reads the checkout form's hidden fields, as the browser would submit them. */
async function checkoutForm(c: Client, query = "") {
  const html = await (await c.get(`/checkout${query}`)).text();
  const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
  return { html, coupon: field("coupon"), expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey") };
}

async function placeAndReachCashier(c: Client, query = "") {
  const form = await checkoutForm(c, query);
  const placed = await c.post("/checkout", { coupon: form.coupon, provider: "sandbox", expectedPayableFen: form.expectedPayableFen, idempotencyKey: form.idempotencyKey });
  expect(placed.status).toBe(302);
  const cashier = placed.headers.get("location")!;
  expect(cashier).toMatch(/^\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  const paymentId = cashier.split("/").pop()!;
  const { order_id: orderId } = await one<{ order_id: string }>("SELECT order_id FROM payments WHERE id = ?", paymentId);
  return { form, paymentId, orderId };
}

describe("checkout, sandbox payment and the order page", () => {
  it("prices on the server with the spend-and-save and the best coupon, pays, and shows the pickup QR", async () => {
    const c = await shopper("shopper1@demo.tuangou.test", "198.18.0.1");
    const before = await stock(STRAWBERRY);
    await c.post("/cart", { intent: "add", skuId: STRAWBERRY, quantity: "3" }); // ¥119.70
    const form = await checkoutForm(c);
    expect(form.html).toContain("满减");
    expect(form.html).toContain("¥20.00"); // spend 100 save 20
    // 119.70 − 20 = 99.70 → best coupon: 鲜果坊's ¥15 off ¥80 (beats 10% = 9.97, ¥10 off ¥50, ¥5)
    expect(form.coupon).toBe("ucp_shopper010fruit00000");
    expect(form.expectedPayableFen).toBe(String(11970 - 2000 - 1500));
    const { paymentId, orderId } = await placeAndReachCashier(c);
    expect(await stock(STRAWBERRY)).toBe(before - 3);
    expect((await one<{ status: string }>("SELECT status FROM user_coupons WHERE id = 'ucp_shopper010fruit00000'")).status).toBe("locked");
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM cart_items WHERE user_id = 'usr_demoshopper010000000'")).n).toBe(0);

    const cashier = await c.get(`/pay/sandbox/${paymentId}`);
    expect(cashier.status).toBe(200);
    expect(await cashier.text()).toContain("¥84.70");
    const paid = await c.post(`/pay/sandbox/${paymentId}`, { outcome: "succeeded" });
    expect(paid.headers.get("location")).toBe(`/orders/${orderId}`);

    const order = await one<{ status: string; paid_fen: number; pricing: string }>("SELECT status, paid_fen, pricing FROM orders WHERE id = ?", orderId);
    expect(order.status).toBe("paid");
    expect(order.paid_fen).toBe(8470);
    const pricing = JSON.parse(order.pricing) as { lines: Array<{ payableFen: number }>; totals: { payableFen: number } };
    expect(pricing.lines.reduce((s, l) => s + l.payableFen, 0)).toBe(pricing.totals.payableFen);
    expect((await one<{ status: string }>("SELECT status FROM user_coupons WHERE id = 'ucp_shopper010fruit00000'")).status).toBe("used");
    const page = await (await c.get(`/orders/${orderId}`)).text();
    expect(page).toContain("已付款，等待截单");
    expect(page).toContain("<svg");
    expect(page).toMatch(/tracking-\[0\.3em\]">\d{8}</);
    expect(page).toContain("支付成功");
    const lines = await worker.d1.prepare("SELECT unit_price_fen, quantity, payable_fen FROM order_lines WHERE order_id = ?").bind(orderId).all();
    expect(lines.results).toEqual([{ unit_price_fen: 3990, quantity: 3, payable_fen: 8470 }]);
  });

  it("verifies notifications: replays change nothing; forged, tampered and stale ones are refused", async () => {
    const c = await shopper("leader1@demo.tuangou.test", "198.18.0.2");
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    const { paymentId, orderId } = await placeAndReachCashier(c, "?coupon=none");
    const amount = (await one<{ amount_fen: number }>("SELECT amount_fen FROM payments WHERE id = ?", paymentId)).amount_fen;
    const notify = (h: Record<string, string>, body: string) =>
      worker.fetch("/api/v1/payments/notify/sandbox", { method: "POST", headers: { ...h, "CF-Connecting-IP": "203.0.113.250" }, body });
    const now = Date.now();
    const tampered = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId, providerTradeNo: "SBXTAMPER", status: "succeeded", amountFen: 1, paidAt: now }, now);
    expect((await notify(tampered.headers, tampered.body)).status).toBe(400);
    const forged = await signSandboxNotification("not-the-secret", { paymentId, providerTradeNo: "SBXFORGED", status: "succeeded", amountFen: amount, paidAt: now }, now);
    expect((await notify(forged.headers, forged.body)).status).toBe(400);
    const stale = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId, providerTradeNo: "SBXSTALE", status: "succeeded", amountFen: amount, paidAt: now }, now - 6 * 60_000);
    expect((await notify(stale.headers, stale.body)).status).toBe(400);
    const good = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId, providerTradeNo: "SBXGOOD", status: "succeeded", amountFen: amount, paidAt: now }, now);
    const edited = good.body.replace(`"amountFen":${amount}`, `"amountFen":${amount + 1}`);
    expect((await notify(good.headers, edited)).status).toBe(400);
    expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", orderId)).status).toBe("pending_payment");
    const replies = await Promise.all(Array.from({ length: 5 }, () => notify(good.headers, good.body)));
    expect(replies.map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM order_events WHERE order_id = ? AND event = 'pay'", orderId)).n).toBe(1);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM payment_notifications WHERE payment_id = ?", paymentId)).n).toBe(1);
    expect((await one<{ status: string; paid_fen: number }>("SELECT status, paid_fen FROM orders WHERE id = ?", orderId)).paid_fen).toBe(amount);
  });

  it("cancelling a paid order refunds it through the provider and returns stock and coupon", async () => {
    const c = await shopper("leader2@demo.tuangou.test", "198.18.0.3");
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "2" }); // 59.60 → ¥10 off ¥50 or 10% (5.96) → ¥10
    const before = await stock(EGGS);
    const { paymentId, orderId, form } = await placeAndReachCashier(c);
    expect(form.coupon).toBe("ucp_leader0200fifty00000");
    await c.post(`/pay/sandbox/${paymentId}`, { outcome: "succeeded" });
    expect(await stock(EGGS)).toBe(before - 2);
    const cancelled = await c.post(`/orders/${orderId}`, { intent: "cancel" });
    expect(cancelled.status).toBe(302);
    const order = await one<{ status: string; refunded_fen: number; paid_fen: number }>("SELECT status, refunded_fen, paid_fen FROM orders WHERE id = ?", orderId);
    expect(order.status).toBe("cancelled");
    expect(order.refunded_fen).toBe(order.paid_fen);
    expect((await one<{ status: string }>("SELECT status FROM refunds WHERE order_id = ?", orderId)).status).toBe("succeeded");
    expect(await stock(EGGS)).toBe(before);
    expect((await one<{ status: string }>("SELECT status FROM user_coupons WHERE id = 'ucp_leader0200fifty00000'")).status).toBe("available");
    const again = await c.post(`/orders/${orderId}`, { intent: "cancel" });
    expect(again.status).toBe(409);
    expect(await stock(EGGS)).toBe(before);
  });

  it("an unpaid order expires by cron, and a payment arriving afterwards is refunded, never fulfilled", async () => {
    const c = await shopper("leader3@demo.tuangou.test", "198.18.0.4");
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    const before = await stock(EGGS);
    const { paymentId, orderId } = await placeAndReachCashier(c, "?coupon=none");
    await worker.d1.prepare("UPDATE orders SET pay_by = ? WHERE id = ?").bind(Date.now() - 1000, orderId).run();
    await worker.scheduled("* * * * *");
    await worker.scheduled("* * * * *");
    expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", orderId)).status).toBe("cancelled");
    expect(await stock(EGGS)).toBe(before);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM order_events WHERE order_id = ? AND event = 'expire'", orderId)).n).toBe(1);
    const amount = (await one<{ amount_fen: number }>("SELECT amount_fen FROM payments WHERE id = ?", paymentId)).amount_fen;
    const late = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId, providerTradeNo: "SBXLATE", status: "succeeded", amountFen: amount, paidAt: Date.now() }, Date.now());
    const res = await worker.fetch("/api/v1/payments/notify/sandbox", { method: "POST", headers: late.headers, body: late.body });
    expect(res.status).toBe(204);
    expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", orderId)).status).toBe("cancelled");
    const refund = await one<{ kind: string; status: string; amount_fen: number }>("SELECT kind, status, amount_fen FROM refunds WHERE order_id = ?", orderId);
    expect(refund).toEqual({ kind: "late_payment", status: "succeeded", amount_fen: amount });
    expect(await stock(EGGS)).toBe(before);
  });

  it("honours the idempotency key: a double submit makes one order", async () => {
    const c = await shopper("shopper1@demo.tuangou.test", "198.18.0.5");
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    const form = await checkoutForm(c, "?coupon=none");
    const body = { coupon: "none", provider: "sandbox", expectedPayableFen: form.expectedPayableFen, idempotencyKey: form.idempotencyKey };
    const [a, b] = await Promise.all([c.post("/checkout", body), c.post("/checkout", body)]);
    expect([a.status, b.status]).toEqual([302, 302]);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM orders WHERE idempotency_key = ?", form.idempotencyKey)).n).toBe(1);
  });

  it("never oversells: the stock trigger aborts the whole order", async () => {
    const c = await shopper("shopper1@demo.tuangou.test", "198.18.0.6");
    await c.post("/cart", { intent: "add", skuId: STRAWBERRY, quantity: "2" });
    const form = await checkoutForm(c, "?coupon=none");
    await worker.d1.prepare("UPDATE skus SET stock = 1 WHERE id = ?").bind(STRAWBERRY).run();
    const res = await c.post("/checkout", { coupon: "none", provider: "sandbox", expectedPayableFen: form.expectedPayableFen, idempotencyKey: form.idempotencyKey });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("库存不足");
    expect(await stock(STRAWBERRY)).toBe(1);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM orders WHERE idempotency_key = ?", form.idempotencyKey)).n).toBe(0);
    await worker.d1.prepare("UPDATE skus SET stock = 200 WHERE id = ?").bind(STRAWBERRY).run();
  });

  it("refuses a stale price, a foreign coupon and bad input with clear errors", async () => {
    const c = await shopper("shopper1@demo.tuangou.test", "198.18.0.7");
    await c.post("/cart", { intent: "set", skuId: STRAWBERRY, quantity: "1" });
    const form = await checkoutForm(c, "?coupon=none");
    const stale = await c.post("/checkout", { coupon: "none", provider: "sandbox", expectedPayableFen: "1", idempotencyKey: form.idempotencyKey });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("价格有变化");
    const foreign = await c.post("/checkout", { coupon: "ucp_leader0300five000000", provider: "sandbox", expectedPayableFen: form.expectedPayableFen, idempotencyKey: form.idempotencyKey });
    expect(foreign.status).toBe(409);
    for (const bad of [
      { coupon: "none", provider: "paypal", expectedPayableFen: "100", idempotencyKey: form.idempotencyKey },
      { coupon: "'; drop", provider: "sandbox", expectedPayableFen: "100", idempotencyKey: form.idempotencyKey },
      { coupon: "none", provider: "sandbox", expectedPayableFen: "-5", idempotencyKey: form.idempotencyKey },
      { coupon: "none", provider: "sandbox", expectedPayableFen: "100", idempotencyKey: "short" },
    ]) {
      expect((await c.post("/checkout", bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM orders WHERE idempotency_key = ?", form.idempotencyKey)).n).toBe(0);
  });

  it("takes an after-sales request with photos once the order is locked for delivery", async () => {
    const c = await shopper("baby@demo.tuangou.test", "198.18.0.9");
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    const { paymentId, orderId } = await placeAndReachCashier(c, "?coupon=none");
    await c.post(`/pay/sandbox/${paymentId}`, { outcome: "succeeded" });
    const send = (fields: Record<string, string>, files: Array<[string, Uint8Array<ArrayBuffer>, string]>) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(fields)) fd.append(k, v);
      for (const [name, bytes, type] of files) fd.append("photos", new File([bytes], name, { type }));
      // Serialise as a browser would (multipart with a boundary) before handing it to Miniflare.
      const encoded = new Request("http://encode.local/", { method: "POST", body: fd });
      return encoded.arrayBuffer().then((body) =>
        c.request(`/orders/${orderId}`, { method: "POST", body, headers: { Origin: c.origin, "Content-Type": encoded.headers.get("Content-Type")! } }),
      );
    };
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    // While it can still be cancelled, the shopper cancels instead.
    const early = await send({ intent: "after-sales", reason: "damaged" }, []);
    expect(early.status).toBe(409);
    // The cut-off locks it for delivery (the merchant issue's job; simulated on the timeline here).
    await worker.d1.batch([
      worker.d1.prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES ('oev_test_cutoff', ?, 'cut_off', 'paid', 'confirmed', 'system', ?)").bind(orderId, Date.now()),
      worker.d1.prepare("UPDATE orders SET status = 'confirmed' WHERE id = ?").bind(orderId),
    ]);
    expect((await send({ intent: "after-sales", reason: "teleported" }, [])).status).toBe(400);
    expect((await send({ intent: "after-sales", reason: "damaged" }, [["fake.png", new Uint8Array(new TextEncoder().encode("<html>not an image")), "image/png"]])).status).toBe(400);
    const ok = await send({ intent: "after-sales", reason: "damaged", note: "蛋碎了两个" }, [["broken.png", png, "image/png"]]);
    expect(ok.status).toBe(302);
    const refund = await one<{ status: string; photos: string; return_status: string; amount_fen: number }>("SELECT status, photos, return_status, amount_fen FROM refunds WHERE order_id = ? AND kind = 'after_sales'", orderId);
    expect(refund).toMatchObject({ status: "requested", return_status: "confirmed", amount_fen: 2980 });
    const [key] = JSON.parse(refund.photos) as string[];
    expect(await worker.images.head(key!)).not.toBeNull();
    expect((await worker.fetch(`/images/${key}`)).status).toBe(404);
    expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", orderId)).status).toBe("refunding");
    expect((await send({ intent: "after-sales", reason: "damaged" }, [])).status).toBe(409);
    expect(await (await c.get(`/orders/${orderId}`)).text()).toContain("退款申请 ¥29.80");
  });

  it("a second payment for an already paid order is refunded on its own; cancelling refunds the payment that paid", async () => {
    const c = await shopper("leader2@demo.tuangou.test", "198.18.0.10");
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    const { paymentId: first, orderId } = await placeAndReachCashier(c, "?coupon=none");
    const again = await c.post(`/orders/${orderId}`, { intent: "pay", provider: "sandbox" });
    const second = again.headers.get("location")!.split("/").pop()!;
    expect(second).not.toBe(first);
    await c.post(`/pay/sandbox/${first}`, { outcome: "succeeded" });
    await c.post(`/pay/sandbox/${second}`, { outcome: "succeeded" });
    const paid = await one<{ status: string; paid_fen: number; refunded_fen: number }>("SELECT status, paid_fen, refunded_fen FROM orders WHERE id = ?", orderId);
    expect(paid).toEqual({ status: "paid", paid_fen: 2980, refunded_fen: 0 });
    expect(await one("SELECT kind, status, payment_id FROM refunds WHERE order_id = ?", orderId)).toEqual({ kind: "duplicate_payment", status: "succeeded", payment_id: second });
    await c.post(`/orders/${orderId}`, { intent: "cancel" });
    const refunds = await worker.d1.prepare("SELECT kind, status, payment_id FROM refunds WHERE order_id = ? ORDER BY created_at, rowid").bind(orderId).all();
    expect(refunds.results).toEqual([
      { kind: "duplicate_payment", status: "succeeded", payment_id: second },
      { kind: "cancellation", status: "succeeded", payment_id: first },
    ]);
    expect(await one("SELECT status, refunded_fen FROM orders WHERE id = ?", orderId)).toEqual({ status: "cancelled", refunded_fen: 2980 });
  });

  it("keeps orders private: another shopper gets a 404, anonymous users sign in first", async () => {
    const { id } = await one<{ id: string }>("SELECT id FROM orders WHERE user_id = 'usr_demoshopper010000000' LIMIT 1");
    const other = await shopper("leader1@demo.tuangou.test", "198.18.0.8");
    expect((await other.get(`/orders/${id}`)).status).toBe(404);
    expect((await other.post(`/orders/${id}`, { intent: "cancel" })).status).toBe(404);
    const anon = await worker.client().get(`/orders/${id}`);
    expect(anon.status).toBe(302);
    expect((await other.get(`/pay/sandbox/pay_00000000000000000000`)).status).toBe(404);
  });
});
