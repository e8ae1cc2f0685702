import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

/**
 * Door delivery by the leader: the fulfilment choice at checkout (web form and API), the address
 * snapshot written with the order, and who may see it.
 */
let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const SUNSHINE = "pkp_demosunshine00000000"; // delivers to the door
const LAKESIDE = "pkp_demolakeside00000000"; // does not
const HAPPY_LANE = "pkp_demohappylane0000000"; // delivers to the door
const EGGS = "sku_demoeggs000000000001"; // ¥29.80

const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const orderCount = async (key: string) => (await one<{ n: number }>("SELECT count(*) AS n FROM orders WHERE idempotency_key = ?", key)).n;

async function signIn(email: string, ip: string, point: string): Promise<Client> {
  const c = worker.client({ ip });
  expect((await c.post("/login", { intent: "password", email, password: "demo-pass-2026" })).status).toBe(302);
  expect((await c.post("/pickup", { pickupPointId: point })).status).toBe(302);
  return c;
}

/** Saves an address through /me/addresses as the shopper would; returns its id. */
async function addAddress(c: Client, userEmail: string, fields: { recipientName: string; phone: string; region: string; detail: string }) {
  const res = await c.post("/me/addresses", fields);
  expect(res.status).toBe(302);
  const { id } = await one<{ id: string }>(
    "SELECT a.id FROM addresses a JOIN users u ON u.id = a.user_id WHERE u.email = ? AND a.recipient_name = ? ORDER BY a.created_at DESC, a.rowid DESC LIMIT 1",
    userEmail,
    fields.recipientName,
  );
  return id;
}

/** The checkout page and its hidden fields, as the browser would submit them. */
async function checkoutForm(c: Client, query = "?coupon=none") {
  const res = await c.get(`/checkout${query}`);
  expect(res.status).toBe(200);
  const html = await res.text();
  const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
  return { html, base: { coupon: field("coupon"), provider: "sandbox", expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey") } };
}

/** The `<input>` tag of one radio button (by name and value), to read its checked/disabled state. */
function radio(html: string, name: string, value: string): string {
  const tag = new RegExp(`<input type="radio"[^>]*name="${name}"[^>]*value="${value}"[^>]*/>`).exec(html)?.[0];
  expect(tag, `${name}=${value}`).toBeDefined();
  return tag!;
}

/** The text of a field-error block rendered under the delivery choice (`co-fulfilment-errors` / `co-address-errors`). */
function fieldError(html: string, id: string): string | null {
  const m = new RegExp(`<div id="${id}"[^>]*role="alert"[^>]*>(.*?)</div>`).exec(html);
  return m ? m[1]!.replace(/<[^>]+>/g, "") : null;
}

async function orderIdFromCashier(location: string | null) {
  expect(location).toMatch(/^\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  const paymentId = location!.split("/").pop()!;
  return { paymentId, orderId: (await one<{ order_id: string }>("SELECT order_id FROM payments WHERE id = ?", paymentId)).order_id };
}

describe("door delivery at checkout (web)", () => {
  it("places a door order with an encrypted snapshot of the address on the order row", async () => {
    const c = await signIn("shopper1@demo.tuangou.test", "198.18.1.1", SUNSHINE);
    // No address yet: the door option is offered with a way to add one that comes back here.
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    let page = await checkoutForm(c);
    expect(page.html).toContain("团长送货上门");
    expect(page.html).toContain("还没有收货地址");
    expect(page.html).toContain('href="/me/addresses?returnTo=%2Fcheckout%3Ffulfilment%3Ddoor"');
    expect(radio(page.html, "fulfilment", "pickup")).toContain('checked=""');
    expect(radio(page.html, "fulfilment", "pickup")).toContain('form="checkout-place"');

    const added = await c.post("/me/addresses", { recipientName: "小美", phone: "13800000101", region: "上海市 浦东新区", detail: "锦绣路 1888 弄 3 号 502 室", returnTo: "/checkout?fulfilment=door" });
    expect(added.status).toBe(302);
    const back = new URL(added.headers.get("location")!, "http://x");
    expect(back.pathname).toBe("/checkout");
    expect(back.searchParams.get("fulfilment")).toBe("door");
    const addressId = back.searchParams.get("addressId")!;
    expect(addressId).toMatch(/^adr_[0-9a-z]{20}$/);
    expect((await one<{ user_id: string }>("SELECT user_id FROM addresses WHERE id = ?", addressId)).user_id).toBe("usr_demoshopper010000000");

    page = await checkoutForm(c, `${back.search}&coupon=none`);
    expect(radio(page.html, "fulfilment", "door")).toContain('checked=""');
    expect(radio(page.html, "addressId", addressId)).toContain('checked=""');
    expect(page.html).toContain("138****0101");

    const placed = await c.post("/checkout", { ...page.base, fulfilment: "door", addressId });
    const { orderId, paymentId } = await orderIdFromCashier(placed.headers.get("location"));
    const row = await one<{ fulfilment: string; delivery_recipient: string; delivery_phone_enc: string; delivery_address_enc: string; pickup_code_hash: string; status: string }>(
      "SELECT fulfilment, delivery_recipient, delivery_phone_enc, delivery_address_enc, pickup_code_hash, status FROM orders WHERE id = ?",
      orderId,
    );
    expect(row.fulfilment).toBe("door");
    expect(row.delivery_recipient).toBe("小美");
    expect(row.delivery_phone_enc).toMatch(/^v1\.k1\./);
    expect(row.delivery_address_enc).toMatch(/^v1\.k1\./);
    expect(row.delivery_phone_enc).not.toContain("13800000101");
    expect(row.delivery_address_enc).not.toContain("锦绣路");
    expect(row.pickup_code_hash).toBeTruthy();

    // Paid: the pickup code still applies, handed over at the door.
    await c.post(`/pay/sandbox/${paymentId}`, { outcome: "succeeded" });
    const detail = await (await c.get(`/orders/${orderId}`)).text();
    expect(detail).toContain("收货方式");
    expect(detail).toContain("团长送货上门");
    expect(detail).toContain("上海市 浦东新区 锦绣路 1888 弄 3 号 502 室");
    expect(detail).toContain("138****0101");
    expect(detail).toContain("团长送货上门时，出示二维码或报取货码签收。");
    expect(detail).toMatch(/tracking-\[0\.3em\]">\d{8}</);
    const list = await (await c.get("/orders")).text();
    expect(list).toContain(">送货上门</p>");

    // A pickup order from the same shopper stays a pickup order, without any address.
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    page = await checkoutForm(c);
    const pickup = await c.post("/checkout", page.base);
    const { orderId: pickupOrderId } = await orderIdFromCashier(pickup.headers.get("location"));
    expect(await one("SELECT fulfilment, delivery_recipient, delivery_phone_enc, delivery_address_enc FROM orders WHERE id = ?", pickupOrderId)).toEqual({
      fulfilment: "pickup",
      delivery_recipient: null,
      delivery_phone_enc: null,
      delivery_address_enc: null,
    });
    expect(await (await c.get(`/orders/${pickupOrderId}`)).text()).toContain("到自提点自取");

    // The database refuses a door order without its snapshot, and a pickup order with one.
    await expect(worker.d1.prepare("UPDATE orders SET fulfilment = 'door' WHERE id = ?").bind(pickupOrderId).run()).rejects.toThrow(/order_fulfilment_invalid/);
    await expect(worker.d1.prepare("UPDATE orders SET fulfilment = 'pickup' WHERE id = ?").bind(orderId).run()).rejects.toThrow(/order_fulfilment_invalid/);
  });

  it("refuses another user's address with a field error, and orders nothing", async () => {
    const other = await signIn("leader1@demo.tuangou.test", "198.18.1.2", SUNSHINE);
    const foreign = await addAddress(other, "leader1@demo.tuangou.test", { recipientName: "张团长", phone: "13800000021", region: "上海市 浦东新区", detail: "锦绣路 1888 弄 12 号楼" });
    const c = await signIn("fruit@demo.tuangou.test", "198.18.1.3", SUNSHINE);
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    const stockBefore = (await one<{ stock: number }>("SELECT stock FROM skus WHERE id = ?", EGGS)).stock;
    const { base } = await checkoutForm(c);

    const res = await c.post("/checkout", { ...base, fulfilment: "door", addressId: foreign });
    expect(res.status).toBe(400);
    expect(fieldError(await res.text(), "co-address-errors")).toBe("找不到这个地址。");

    const missing = await c.post("/checkout", { ...base, fulfilment: "door" });
    expect(missing.status).toBe(400);
    const missingHtml = await missing.text();
    expect(fieldError(missingHtml, "co-address-errors")).toBe("请选择送货地址。");
    // The page keeps what was chosen (plain form post, no JavaScript needed).
    expect(radio(missingHtml, "fulfilment", "door")).toContain('checked=""');

    for (const bad of [{ fulfilment: "drone" }, { fulfilment: "door", addressId: "adr_'; DROP TABLE orders" }] as Array<Record<string, string>>) {
      const r = await c.post("/checkout", { ...base, ...bad });
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await orderCount(base.idempotencyKey)).toBe(0);
    expect((await one<{ stock: number }>("SELECT stock FROM skus WHERE id = ?", EGGS)).stock).toBe(stockBefore);
  });

  it("explains, and refuses, door delivery where the pickup point does not offer it", async () => {
    const c = await signIn("baby@demo.tuangou.test", "198.18.1.4", LAKESIDE);
    const addressId = await addAddress(c, "baby@demo.tuangou.test", { recipientName: "王宝宝", phone: "13800000012", region: "上海市 徐汇区", detail: "龙华中路 600 号 8 楼" });
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    const { html, base } = await checkoutForm(c, "?fulfilment=door&coupon=none");
    expect(html).toContain("这个自提点暂不提供送货上门");
    expect(radio(html, "fulfilment", "door")).toContain('disabled=""');
    expect(radio(html, "fulfilment", "pickup")).toContain('checked=""');
    expect(html).not.toContain(`value="${addressId}"`);

    const res = await c.post("/checkout", { ...base, fulfilment: "door", addressId });
    expect(res.status).toBe(400);
    expect(fieldError(await res.text(), "co-fulfilment-errors")).toBe("这个自提点不提供送货上门，请选择到店自取，或更换自提点。");
    expect(await orderCount(base.idempotencyKey)).toBe(0);

    // The pickup list says which points deliver.
    const points = await (await c.get("/pickup")).text();
    expect(points.match(/可送货上门/g)).toHaveLength(2);
  });

  it("keeps the order's address when the saved address is edited or deleted afterwards", async () => {
    const c = await signIn("leader2@demo.tuangou.test", "198.18.1.5", HAPPY_LANE);
    const addressId = await addAddress(c, "leader2@demo.tuangou.test", { recipientName: "刘团长", phone: "13800000022", region: "上海市 静安区", detail: "延平路 99 弄 5 号 301 室" });
    await c.post("/cart", { intent: "add", skuId: EGGS, quantity: "1" });
    const { base } = await checkoutForm(c);
    const { orderId } = await orderIdFromCashier((await c.post("/checkout", { ...base, fulfilment: "door", addressId })).headers.get("location"));
    const before = await one("SELECT delivery_recipient, delivery_phone_enc, delivery_address_enc FROM orders WHERE id = ?", orderId);

    expect((await c.post("/me/addresses", { id: addressId, recipientName: "刘先生", phone: "13900000000", region: "上海市 黄浦区", detail: "南京东路 1 号" })).status).toBe(302);
    expect(await (await c.get("/me/addresses")).text()).toContain("南京东路 1 号");
    let detail = await (await c.get(`/orders/${orderId}`)).text();
    expect(detail).toContain("上海市 静安区 延平路 99 弄 5 号 301 室");
    expect(detail).toContain("138****0022");
    expect(detail).not.toContain("南京东路");
    expect(detail).not.toContain("刘先生");

    expect((await c.post("/me/addresses", { intent: "delete", id: addressId })).status).toBe(302);
    detail = await (await c.get(`/orders/${orderId}`)).text();
    expect(detail).toContain("上海市 静安区 延平路 99 弄 5 号 301 室");
    expect(await one("SELECT delivery_recipient, delivery_phone_enc, delivery_address_enc FROM orders WHERE id = ?", orderId)).toEqual(before);
  });
});

describe("door delivery in the API", () => {
  function api(path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { "CF-Connecting-IP": "203.0.113.91", ...init.headers };
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    return worker.fetch(`/api/v1${path}`, { method: init.method ?? (init.body === undefined ? "GET" : "POST"), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  }
  const json = async <T>(res: Response) => (await res.json()) as T;
  async function token(email: string) {
    const res = await api("/auth/sign-in", { body: { method: "password", email, password: "demo-pass-2026" } });
    expect(res.status).toBe(200);
    return (await json<{ token: string }>(res)).token;
  }

  it("lists which points deliver, places a door order, and returns the address to its owner only", async () => {
    const points = await json<{ items: Array<{ id: string; doorDelivery: boolean }> }>(await api("/pickup-points"));
    expect(Object.fromEntries(points.items.map((p) => [p.id, p.doorDelivery]))).toEqual({ [SUNSHINE]: true, [LAKESIDE]: false, [HAPPY_LANE]: true });

    // leader3 saves an address on the web, then buys through the API.
    const web = await signIn("leader3@demo.tuangou.test", "198.18.1.6", LAKESIDE);
    const addressId = await addAddress(web, "leader3@demo.tuangou.test", { recipientName: "陈团长", phone: "13800000023", region: "上海市 静安区", detail: "延平路 99 弄 5 号" });
    const other = await signIn("admin@demo.tuangou.test", "198.18.1.7", SUNSHINE);
    const foreign = await addAddress(other, "admin@demo.tuangou.test", { recipientName: "平台管理员", phone: "13800000000", region: "上海市", detail: "世纪大道 100 号" });
    const t = await token("leader3@demo.tuangou.test");
    expect((await api(`/cart/items/${EGGS}`, { method: "PUT", body: { quantity: 1 }, token: t })).status).toBe(200);

    const refusals: Array<[unknown, string, string]> = [
      [{ fulfilment: "door", addressId }, "fulfilment", "door_delivery_unavailable"], // lakeside does not deliver
      [{ fulfilment: "drone" }, "fulfilment", "fulfilment_invalid"],
      [{ fulfilment: "door", addressId: "adr_nope" }, "addressId", "address_not_found"],
    ];
    for (const [body, field, code] of refusals) {
      const res = await api("/orders", { body, token: t });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await json<{ error: { fields: Record<string, string[]> } }>(res)).error.fields[field]).toEqual([code]);
    }
    expect((await api("/me/pickup-point", { method: "PUT", body: { pickupPointId: HAPPY_LANE }, token: t })).status).toBe(200);
    for (const [body, code] of [
      [{ fulfilment: "door" }, "delivery_address_required"],
      [{ fulfilment: "door", addressId: foreign }, "address_not_found"],
    ] as const) {
      const res = await api("/orders", { body, token: t });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = (await json<{ error: { code: string; message: string; fields: Record<string, string[]> } }>(res)).error;
      expect(error).toMatchObject({ code, fields: { addressId: [code] } });
      expect(error.message).not.toBe("请求失败。");
    }
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM orders WHERE user_id = 'usr_demoleader0300000000'")).n).toBe(0);

    const placed = await api("/orders", { body: { fulfilment: "door", addressId }, token: t, headers: { "Idempotency-Key": "door-order-0001" } });
    expect(placed.status).toBe(201);
    const { orderId, fulfilment } = await json<{ orderId: string; fulfilment: string }>(placed);
    expect(fulfilment).toBe("door");
    const replay = await api("/orders", { body: { fulfilment: "door", addressId }, token: t, headers: { "Idempotency-Key": "door-order-0001" } });
    expect(replay.status).toBe(200);
    expect(await json(replay)).toMatchObject({ orderId, fulfilment: "door" });

    const { order } = await json<{ order: { fulfilment: string; delivery: unknown; pickupCode: string } }>(await api(`/orders/${orderId}`, { token: t }));
    expect(order.fulfilment).toBe("door");
    expect(order.delivery).toEqual({ recipientName: "陈团长", phone: "13800000023", phoneMasked: "138****0023", address: "上海市 静安区 延平路 99 弄 5 号" });
    expect(order.pickupCode).toMatch(/^\d{8}$/);
    const list = await json<{ items: Array<{ id: string; fulfilment: string }> }>(await api("/orders", { token: t }));
    expect(list.items.find((o) => o.id === orderId)?.fulfilment).toBe("door");

    // Someone else never sees it.
    expect((await api(`/orders/${orderId}`, { token: await token("admin@demo.tuangou.test") })).status).toBe(404);
  });

  it("documents fulfilment and addressId from the schema, and doorDelivery on pickup points", async () => {
    type Schema = { properties: Record<string, { enum?: string[]; default?: unknown; type?: string }>; required?: string[] };
    const doc = (await (await api("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: { "application/json": { schema: Schema } } }; responses: Record<string, { content?: { "application/json": { schema: Record<string, unknown> } } }> }>>;
    };
    const body = doc.paths["/orders"]!.post!.requestBody!.content["application/json"].schema;
    expect(body.properties.fulfilment).toMatchObject({ enum: ["pickup", "door"], default: "pickup" });
    expect(body.properties.addressId).toMatchObject({ type: "string" });
    expect(body.required ?? []).not.toContain("fulfilment");
    expect(body.required ?? []).not.toContain("addressId");
    expect(JSON.stringify(doc.paths["/pickup-points"]!.get!.responses["200"]!.content!["application/json"].schema)).toContain('"doorDelivery":{"type":"boolean"');
  });
});
