/**
 * Issue 10, membership perks at checkout: the platform chooses member-exclusive products (admin),
 * a gold member gets the level's discount on them and sees the points they will earn; points pay
 * part of an order (1 point = 1 fen, within the cap), come back when the order is cancelled, can
 * never be spent twice by racing checkouts; and the platform-funded part of every discount is
 * paid to the merchant at settlement from the platform's subsidy account.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { insertLedgerOrders } from "../support/ledger-orders";
import { settleDue } from "../support/settlement";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const DAY = 24 * 60 * 60 * 1000;
const GOLD = "usr_demoshopper110000000";
const STRAWBERRY_SKU = "sku_demostrawberry000001"; // ¥39.90, 鲜果坊
const FRUIT = "mch_demofruit00000000000";

const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const hidden = (html: string, name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
const balance = async (userId: string) => Number((await one<{ b: number }>("SELECT coalesce(sum(points), 0) AS b FROM points_entries WHERE user_id = ?", userId)).b);

async function signIn(email: string, ip: string): Promise<Client> {
  const c = worker.client({ ip });
  expect((await c.post("/login", { intent: "password", email, password: "demo-pass-2026" })).status).toBe(302);
  return c;
}

/** Signs a demo shopper in by phone code (their phone is 138000001 + the two digits of their id). */
async function signInShopper(userId: string, ip: string): Promise<Client> {
  const c = worker.client({ ip });
  expect((await c.signInWithPhone(worker, `138000001${userId.slice(15, 17)}`)).status).toBe(302);
  return c;
}

describe("member perks at checkout", () => {
  let shopper: Client;
  let productId: string;

  it("an admin chooses the member-exclusive products; the product page shows each level's price", async () => {
    productId = (await one<{ product_id: string }>("SELECT product_id FROM skus WHERE id = ?", STRAWBERRY_SKU)).product_id;
    const admin = await signIn("admin@demo.tuangou.test", "198.18.7.1");
    const page = await admin.get("/admin/member-products?q=%E8%8D%89%E8%8E%93");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(productId);
    expect((await admin.post("/admin/member-products", { productId: "prd_nope", intent: "add" })).status).toBe(400);
    expect((await admin.post("/admin/member-products", { productId: "prd_missing0000000000000", intent: "add" })).status).toBe(404);
    expect((await admin.post("/admin/member-products", { productId, intent: "add" })).status).toBe(200);
    expect(await one("SELECT member_exclusive FROM products WHERE id = ?", productId)).toEqual({ member_exclusive: 1 });
    expect(await one("SELECT action, entity_id FROM audit_log WHERE action = 'setting.member_exclusive_add'")).toEqual({ action: "setting.member_exclusive_add", entity_id: productId });
    // Gold 20% off (the default levels): ¥39.90 → ¥31.92, shown to everyone (the page stays cacheable).
    const html = await (await worker.client({ ip: "198.18.7.2" }).get(`/products/${productId}`)).text();
    expect(html).toContain("黄金会员专享 ¥31.92");
    // A shopper without the settings permission cannot change the list.
    const other = await signIn("shopper1@demo.tuangou.test", "198.18.7.3");
    expect((await other.post("/admin/member-products", { productId, intent: "remove" })).status).toBe(403);
  });

  it("a gold member gets the exclusive discount and sees the points the order earns at 1.5×", async () => {
    // ¥2,500.00 paid in the last 12 months: gold (threshold ¥2,000.00).
    const sku = await one<{ skuId: string; productId: string; merchantId: string; categoryId: string }>(
      "SELECT s.id AS skuId, p.id AS productId, p.merchant_id AS merchantId, p.category_id AS categoryId FROM skus s JOIN products p ON p.id = s.product_id WHERE p.merchant_id = ? ORDER BY s.id LIMIT 1",
      FRUIT,
    );
    await insertLedgerOrders(worker, [
      { id: "ord_perksgoldspend0000000", userId: GOLD, pointId: "pkp_demosunshine00000000", status: "picked_up", createdAt: Date.now() - 3 * DAY, pickedUpAt: Date.now() - 2 * DAY, rates: { platformFeeBp: 500, leaderCommissionBp: 1000, afterSalesWindowDays: 7 }, lines: [{ ...sku, payableFen: 250_000 }] },
    ]);
    shopper = await signInShopper(GOLD, "198.18.7.4");
    await shopper.post("/pickup", { pickupPointId: "pkp_demosunshine00000000" });
    await shopper.post("/cart", { intent: "add", skuId: STRAWBERRY_SKU, quantity: "1" });
    const html = await (await shopper.get("/checkout?coupon=none")).text();
    expect(html).toContain("会员优惠");
    expect(hidden(html, "expectedPayableFen")).toBe("3192");
    // ⌊31 × 1.5⌋ = 46 points.
    expect(html).toMatch(/黄金会员 · 本单预计得 46 积分(<!-- -->)?（1.5 倍）/);
    // No points yet: nothing to spend.
    expect(html).toContain("积分余额 0");
  });

  it("points pay within the cap, are taken in the order's batch, and come back when it is cancelled", async () => {
    await worker.d1
      .prepare("INSERT INTO points_entries (id, user_id, kind, points, key, created_at, expires_at) VALUES ('pnt_perksgift00000000000', ?, 'earn', 5000, 'test:perks:gift', ?, ?)")
      .bind(GOLD, Date.now(), Date.now() + 300 * DAY)
      .run();
    // 50% of ¥31.92 = ¥15.96 at most.
    const html = await (await shopper.get("/checkout?coupon=none&points=max")).text();
    expect(html).toContain("用 1596 积分抵 ¥15.96");
    expect(hidden(html, "points")).toBe("max");
    expect(hidden(html, "expectedPayableFen")).toBe(String(3192 - 1596));
    const placed = await shopper.post("/checkout", {
      coupon: "none",
      points: "max",
      provider: "sandbox",
      expectedPayableFen: hidden(html, "expectedPayableFen"),
      idempotencyKey: hidden(html, "idempotencyKey"),
    });
    expect(placed.status).toBe(302);
    const paymentId = placed.headers.get("location")!.split("/").pop()!;
    const { order_id: orderId } = await one<{ order_id: string }>("SELECT order_id FROM payments WHERE id = ?", paymentId);
    expect(await one("SELECT kind, points FROM points_entries WHERE key = ?", `spend:${orderId}`)).toEqual({ kind: "spend", points: -1596 });
    expect(await balance(GOLD)).toBe(5000 - 1596);
    // The platform funds the member discount (¥7.98) and the points (¥15.96) on the line.
    expect(await one("SELECT payable_fen, platform_funded_fen FROM order_lines WHERE order_id = ?", orderId)).toEqual({ payable_fen: 1596, platform_funded_fen: 798 + 1596 });

    const cancelled = await shopper.post(`/orders/${orderId}`, { intent: "cancel", reason: "changed my mind" });
    expect(cancelled.status).toBeLessThan(400);
    expect(await one("SELECT status FROM orders WHERE id = ?", orderId)).toEqual({ status: "cancelled" });
    expect(await one("SELECT kind, points FROM points_entries WHERE key = ?", `spend_return:${orderId}`)).toEqual({ kind: "spend_return", points: 1596 });
    expect(await balance(GOLD)).toBe(5000);
    expect(await (await shopper.get("/me/points")).text()).toContain("取消订单退回");
  });

  it("two checkouts racing for the same points: only one spends them, the balance never goes below zero", async () => {
    // Leave 1,000 points: two orders each wanting 1,000 cannot both have them.
    await worker.d1
      .prepare("INSERT INTO points_entries (id, user_id, kind, points, key, created_at) VALUES ('pnt_perksspent0000000000', ?, 'adjust', -4000, 'test:perks:trim', ?)")
      .bind(GOLD, Date.now())
      .run();
    await shopper.post("/cart", { intent: "add", skuId: STRAWBERRY_SKU, quantity: "1" });
    const form = await (await shopper.get("/checkout?coupon=none&points=max")).text();
    expect(hidden(form, "expectedPayableFen")).toBe(String(3192 - 1000));
    const attempt = (key: string) =>
      shopper.post("/checkout", { coupon: "none", points: "max", provider: "sandbox", expectedPayableFen: String(3192 - 1000), idempotencyKey: key });
    const results = await Promise.all([attempt("racea00000000000000000000"), attempt("raceb00000000000000000000")]);
    // One pays; the other finds the cart already ordered (back to /cart) or the points gone (409).
    expect(results.filter((r) => r.headers.get("location")?.startsWith("/pay/sandbox/"))).toHaveLength(1);
    expect(await one("SELECT count(*) AS n FROM points_entries WHERE user_id = ? AND kind = 'spend' AND key NOT IN (SELECT 'spend:' || order_id FROM points_entries WHERE kind = 'spend_return')", GOLD)).toEqual({ n: 1 });
    expect(await balance(GOLD)).toBe(0);
    // Whatever path tries, the database refuses a spend the balance does not cover.
    await expect(
      worker.d1.prepare("INSERT INTO points_entries (id, user_id, kind, points, key, created_at) VALUES ('pnt_perksoverspend000000', ?, 'spend', -1, 'spend:ord_perksoverspend0000000', ?)").bind(GOLD, Date.now()).run(),
    ).rejects.toThrow(/points_insufficient/);
  });

  it("a refund gives back the points in step with the money: half the goods, half the points; the rest with the rest", async () => {
    await worker.d1
      .prepare("INSERT INTO points_entries (id, user_id, kind, points, key, created_at, expires_at) VALUES ('pnt_perksrefund000000000', ?, 'earn', 2000, 'test:perks:refund', ?, ?)")
      .bind(GOLD, Date.now(), Date.now() + 300 * DAY)
      .run();
    const before = await balance(GOLD);
    await shopper.post("/cart", { intent: "add", skuId: STRAWBERRY_SKU, quantity: "2" });
    const html = await (await shopper.get("/checkout?coupon=none&points=max")).text();
    const placed = await shopper.post("/checkout", { coupon: "none", points: "max", provider: "sandbox", expectedPayableFen: hidden(html, "expectedPayableFen"), idempotencyKey: hidden(html, "idempotencyKey") });
    const paymentId = placed.headers.get("location")!.split("/").pop()!;
    const { order_id: orderId } = await one<{ order_id: string }>("SELECT order_id FROM payments WHERE id = ?", paymentId);
    expect((await shopper.post(`/pay/sandbox/${paymentId}`, { outcome: "succeeded" })).status).toBe(302);
    const spent = -(await one<{ points: number }>("SELECT points FROM points_entries WHERE key = ?", `spend:${orderId}`)).points;
    expect(spent).toBe(Math.min(before, Math.floor((2 * 3192) / 2))); // half of 2 × ¥31.92
    // Locked for delivery, then the shopper asks for a refund and the merchant gives back one box of two.
    await worker.d1.batch([
      worker.d1.prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES (?, ?, 'cut_off', 'paid', 'confirmed', 'system', ?)").bind(`oev_perks_${orderId.slice(4)}`, orderId, Date.now()),
      worker.d1.prepare("UPDATE orders SET status = 'confirmed' WHERE id = ?").bind(orderId),
    ]);
    const askRefund = async () => {
      const fd = new FormData();
      fd.append("intent", "after-sales");
      fd.append("reason", "damaged");
      const encoded = new Request("http://encode.local/", { method: "POST", body: fd });
      const res = await shopper.request(`/orders/${orderId}`, { method: "POST", body: await encoded.arrayBuffer(), headers: { Origin: shopper.origin, "Content-Type": encoded.headers.get("Content-Type")! } });
      expect(res.status).toBe(302);
    };
    await askRefund();
    const request = (await one<{ id: string }>("SELECT id FROM refunds WHERE order_id = ? AND status = 'requested'", orderId)).id;
    const line = await one<{ id: string }>("SELECT id FROM order_lines WHERE order_id = ?", orderId);
    const fruit = await signIn("fruit@demo.tuangou.test", "198.18.7.11");
    expect((await fruit.post(`/merchant/orders/${orderId}`, { intent: "approve", refundId: request, "lines[0].lineId": line.id, "lines[0].quantity": "1" })).status).toBe(302);
    const order = await one<{ paid_fen: number; refunded_fen: number }>("SELECT paid_fen, refunded_fen FROM orders WHERE id = ?", orderId);
    expect(order.refunded_fen * 2).toBe(order.paid_fen);
    expect(await one("SELECT points FROM points_entries WHERE key = ?", `spend_return:${request}`)).toEqual({ points: Math.floor(spent / 2) });
    // The rest: a second request for the other box brings the points back in full.
    await askRefund();
    const second = (await one<{ id: string }>("SELECT id FROM refunds WHERE order_id = ? AND status = 'requested'", orderId)).id;
    expect((await fruit.post(`/merchant/orders/${orderId}`, { intent: "approve", refundId: second, "lines[0].lineId": line.id, "lines[0].quantity": "1" })).status).toBe(302);
    expect(await one("SELECT sum(points) AS back FROM points_entries WHERE order_id = ? AND kind = 'spend_return'", orderId)).toEqual({ back: spent });
    expect(await balance(GOLD)).toBe(before);
  });

  it("the API prices points too", async () => {
    // The API takes the same session as a bearer token.
    const token = /(?:^|; )[^=]*session[^=]*=([^;]+)/.exec(shopper.cookieHeader())![1]!;
    await worker.d1.prepare("INSERT INTO points_entries (id, user_id, kind, points, key, created_at) VALUES ('pnt_perksapi000000000000', ?, 'review', 300, 'test:perks:api', ?)").bind(GOLD, Date.now()).run();
    const held = await balance(GOLD);
    await shopper.post("/cart", { intent: "add", skuId: STRAWBERRY_SKU, quantity: "1" });
    const quote = (await (
      await worker.fetch("/api/v1/cart/quote", { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "CF-Connecting-IP": "198.18.7.9" }, body: JSON.stringify({ couponId: "none", points: 200 }) })
    ).json()) as { breakdown: { totals: { pointsFen: number; payableFen: number } }; membership: { level: string; pointsBalance: number } };
    expect(quote.membership).toMatchObject({ level: "gold", pointsBalance: held });
    expect(quote.breakdown.totals.pointsFen).toBe(200);
    const bad = await worker.fetch("/api/v1/cart/quote", { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "CF-Connecting-IP": "198.18.7.9" }, body: JSON.stringify({ points: "lots" }) });
    expect(bad.status).toBe(400);
  });
});

describe("platform-funded discounts at settlement", () => {
  it("the merchant is paid the subsidy from platform:subsidies; fee and commission stay on what the shopper paid", async () => {
    const sku = await one<{ skuId: string; productId: string; merchantId: string; categoryId: string }>(
      "SELECT s.id AS skuId, p.id AS productId, p.merchant_id AS merchantId, p.category_id AS categoryId FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = ?",
      STRAWBERRY_SKU,
    );
    const id = "ord_perkssubsidy00000000";
    await insertLedgerOrders(worker, [
      { id, userId: GOLD, pointId: "pkp_demosunshine00000000", status: "picked_up", createdAt: Date.now() - 12 * DAY, pickedUpAt: Date.now() - 10 * DAY, rates: { platformFeeBp: 500, leaderCommissionBp: 1000, afterSalesWindowDays: 7 }, lines: [{ ...sku, payableFen: 2000 }] },
    ]);
    await worker.d1.prepare("UPDATE order_lines SET platform_funded_fen = 1000 WHERE order_id = ?").bind(id).run();
    await settleDue(worker);
    const entries = await worker.d1.prepare("SELECT account, kind, sum(credit_fen - debit_fen) AS net FROM ledger_entries WHERE order_id = ? GROUP BY account, kind ORDER BY account, kind").bind(id).all<{ account: string; kind: string; net: number }>();
    expect(entries.results).toEqual(
      expect.arrayContaining([
        { account: "platform:subsidies", kind: "subsidy", net: -1000 },
        { account: `merchant:${FRUIT}`, kind: "subsidy", net: 1000 },
        { account: `merchant:${FRUIT}`, kind: "sale", net: 2000 },
        { account: `merchant:${FRUIT}`, kind: "fee", net: -100 },
        { account: `merchant:${FRUIT}`, kind: "commission", net: -200 },
      ]),
    );
    const merchant = await signIn("fruit@demo.tuangou.test", "198.18.7.10");
    const html = await (await merchant.get(`/merchant/orders/${id}`)).text();
    expect(html).toContain("平台补贴");
    expect(html).toMatch(/\+(<!-- -->)?¥10.00/);
    expect(html).toContain("¥27.00"); // 20.00 − 1.00 − 2.00 + 10.00
  });
});
