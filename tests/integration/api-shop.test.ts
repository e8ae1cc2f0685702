import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signSandboxNotification } from "../../app/modules/payments/providers";
import { startWorker, TEST_SANDBOX_SECRET, type TestWorker } from "../support/worker";

let worker: TestWorker;
let token: string;
beforeAll(async () => {
  worker = await startWorker();
  const res = await api("/auth/sign-in", { body: { method: "password", email: "shopper1@demo.tuangou.test", password: "demo-pass-2026" } });
  token = ((await res.json()) as { token: string }).token;
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

function api(path: string, init: { method?: string; body?: unknown; auth?: boolean; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "CF-Connecting-IP": "203.0.113.77", ...init.headers };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (init.auth) headers.Authorization = `Bearer ${token}`;
  return worker.fetch(`/api/v1${path}`, { method: init.method ?? (init.body === undefined ? "GET" : "POST"), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}
const json = async <T>(res: Response) => (await res.json()) as T;

describe("shopper API (SPEC §9)", () => {
  it("buys end to end: pickup point, search, cart, quote with coupon, order with Idempotency-Key, pay, cancel", async () => {
    const points = await json<{ items: Array<{ id: string; name: string; distanceM: number }> }>(await api("/pickup-points?lat=31.23&lng=121.446"));
    expect(points.items[0]!.name).toBe("幸福里社区团购点");
    expect((await api("/me/pickup-point", { method: "PUT", body: { pickupPointId: points.items[0]!.id }, auth: true })).status).toBe(200);

    const found = await json<{ items: Array<{ id: string; skuId: string; priceFen: number }>; total: number }>(await api(`/products?q=${encodeURIComponent("大米")}`));
    expect(found.total).toBe(1);
    const rice = found.items[0]!;
    expect(rice.priceFen).toBe(6990);
    const detail = await json<{ product: { skus: Array<{ wasPriceFen: number | null }> } }>(await api(`/products/${rice.id}`));
    expect(detail.product.skus[0]!.wasPriceFen).toBe(7990);

    expect((await api(`/cart/items/${rice.skuId}`, { method: "PUT", body: { quantity: 2 }, auth: true })).status).toBe(200);
    const quote = await json<{ breakdown: { totals: { goodsFen: number; fullReductionFen: number; couponFen: number; payableFen: number } }; selectedCouponId: string }>(
      await api("/cart/quote", { body: {}, auth: true }),
    );
    // 139.80 → spend 100 save 20 → 119.80 → best coupon: 10% capped at ¥20 = 11.98
    expect(quote.breakdown.totals).toMatchObject({ goodsFen: 13980, fullReductionFen: 2000, couponFen: 1198, payableFen: 10782 });
    expect(quote.selectedCouponId).toBe("ucp_shopper010ninety0000");

    const body = { couponId: quote.selectedCouponId, expectedPayableFen: 10782 };
    const first = await api("/orders", { body, auth: true, headers: { "Idempotency-Key": "order-attempt-0001" } });
    expect(first.status).toBe(201);
    const { orderId } = await json<{ orderId: string }>(first);
    const replay = await api("/orders", { body, auth: true, headers: { "Idempotency-Key": "order-attempt-0001" } });
    expect(replay.status).toBe(200);
    expect((await json<{ orderId: string }>(replay)).orderId).toBe(orderId);

    const started = await json<{ paymentId: string; next: { kind: string; url: string } }>(await api(`/orders/${orderId}/payments`, { body: { provider: "sandbox" }, auth: true }));
    expect(started.next).toEqual({ kind: "redirect", url: `/pay/sandbox/${started.paymentId}` });
    const signed = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId: started.paymentId, providerTradeNo: "SBXAPI1", status: "succeeded", amountFen: 10782, paidAt: Date.now() }, Date.now());
    expect((await worker.fetch("/api/v1/payments/notify/sandbox", { method: "POST", headers: signed.headers, body: signed.body })).status).toBe(204);

    const order = await json<{ order: { status: string; pickupCode: string; events: Array<{ event: string }> } }>(await api(`/orders/${orderId}`, { auth: true }));
    expect(order.order.status).toBe("paid");
    expect(order.order.pickupCode).toMatch(/^\d{8}$/);
    expect(order.order.events.map((e) => e.event)).toEqual(["place", "pay"]);
    const list = await json<{ items: Array<{ id: string }> }>(await api("/orders?tab=active", { auth: true }));
    expect(list.items.map((o) => o.id)).toContain(orderId);

    const cancelled = await api(`/orders/${orderId}/cancel`, { body: { reason: "changed my mind" }, auth: true });
    expect(cancelled.status).toBe(200);
    expect(await json(cancelled)).toMatchObject({ status: "cancelled" });
    expect((await api(`/orders/${orderId}/cancel`, { body: {}, auth: true })).status).toBe(409);
  });

  it("answers bad input with field errors and never a 500", async () => {
    const cases: Array<[string, Parameters<typeof api>[1], number, string?]> = [
      ["/pickup-points?lat=abc&lng=1", {}, 400, "lat"],
      ["/products?page=0x10", {}, 400, "page"],
      ["/products?categoryId=nope", {}, 400, "categoryId"],
      [`/cart/items/sku_demoeggs000000000001`, { method: "PUT", body: { quantity: 1000 }, auth: true }, 400, "quantity"],
      [`/cart/items/sku_demoeggs000000000001`, { method: "PUT", body: { quantity: "2" }, auth: true }, 400, "quantity"],
      ["/cart/items/sku_00000000000000000000", { method: "PUT", body: { quantity: 1 }, auth: true }, 404],
      ["/orders", { body: { couponId: "'; DROP TABLE orders;--" }, auth: true }, 400, "couponId"],
      ["/orders", { body: {}, auth: true, headers: { "Idempotency-Key": "x" } }, 400, "Idempotency-Key"],
      ["/orders?tab=everything", { auth: true }, 400, "tab"],
      ["/orders/ord_00000000000000000000", { auth: true }, 404],
      ["/orders/ord_00000000000000000000/payments", { body: { provider: "bitcoin" }, auth: true }, 400, "provider"],
      ["/products/prd_00000000000000000000", {}, 404],
      ["/cart", {}, 401],
    ];
    for (const [path, init, status, field] of cases) {
      const res = await api(path, init);
      expect(res.status, path).toBe(status);
      const error = (await res.json()) as { error: { code: string; fields?: Record<string, string[]> } };
      if (field) expect(Object.keys(error.error.fields ?? {}), path).toContain(field);
    }
  });

  it("documents every shopper endpoint in the OpenAPI document", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>> };
    for (const path of ["/pickup-points", "/me/pickup-point", "/categories", "/products", "/products/{id}", "/cart", "/cart/items/{skuId}", "/cart/quote", "/orders", "/orders/{id}", "/orders/{id}/cancel", "/orders/{id}/payments"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths["/products"]!.get!.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(["query:q", "query:categoryId", "query:page"]));
  });
});
