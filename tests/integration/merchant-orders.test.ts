/**
 * Merchant orders and after-sales (issue #4): a merchant sees an order only through its own lines,
 * decides after-sales only on its own lines (partial refunds exact to the fen, through the sandbox
 * provider), a rejection returns the order to where it was, and the finance view adds up.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const FRUIT = "mch_demofruit00000000000";
const BABY = "mch_demobaby000000000000";
const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const all = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).all<T>()).results;
const skuOf = async (productId: string) => (await one<{ id: string }>("SELECT id FROM skus WHERE product_id = ? ORDER BY sort LIMIT 1", productId)).id;

async function signIn(email: string, ip: string): Promise<Client> {
  const c = worker.client({ ip });
  expect((await c.post("/login", { intent: "password", email, password: "demo-pass-2026" })).status).toBe(302);
  return c;
}

/** Places and pays (sandbox) an order for the given SKUs and quantities; returns its id. */
async function placePaidOrder(c: Client, items: Array<[string, number]>): Promise<string> {
  await c.post("/pickup", { pickupPointId: "pkp_demosunshine00000000" });
  for (const [skuId, quantity] of items) await c.post("/cart", { intent: "add", skuId, quantity: String(quantity) });
  const html = await (await c.get("/checkout?coupon=none")).text();
  const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
  const placed = await c.post("/checkout", { coupon: "none", provider: "sandbox", expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey") });
  expect(placed.status).toBe(302);
  const paymentId = placed.headers.get("location")!.split("/").pop()!;
  expect((await c.post(`/pay/sandbox/${paymentId}`, { outcome: "succeeded" })).status).toBe(302);
  const { order_id: orderId } = await one<{ order_id: string }>("SELECT order_id FROM payments WHERE id = ?", paymentId);
  expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", orderId)).status).toBe("paid");
  return orderId;
}

/** The cut-off locks the order for delivery (the fulfilment issue's job; simulated on the timeline). */
async function lockForDelivery(orderId: string) {
  await worker.d1.batch([
    worker.d1.prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES (?, ?, 'cut_off', 'paid', 'confirmed', 'system', ?)").bind(`oev_test_${orderId.slice(4)}`, orderId, Date.now()),
    worker.d1.prepare("UPDATE orders SET status = 'confirmed' WHERE id = ?").bind(orderId),
  ]);
}

async function requestAfterSales(c: Client, orderId: string) {
  const fd = new FormData();
  fd.append("intent", "after-sales");
  fd.append("reason", "damaged");
  fd.append("note", "草莓压坏了一盒");
  const encoded = new Request("http://encode.local/", { method: "POST", body: fd });
  const res = await c.request(`/orders/${orderId}`, { method: "POST", body: await encoded.arrayBuffer(), headers: { Origin: c.origin, "Content-Type": encoded.headers.get("Content-Type")! } });
  expect(res.status).toBe(302);
  return (await one<{ id: string }>("SELECT id FROM refunds WHERE order_id = ? AND status = 'requested'", orderId)).id;
}

describe("merchant orders and after-sales", () => {
  let shopper: Client;
  let fruit: Client;
  let baby: Client;
  let mixed: string;
  let fruitOnly: string;
  let strawberry: string;
  let rice: string;

  beforeAll(async () => {
    strawberry = await skuOf("prd_demostrawberry000000");
    rice = await skuOf("prd_demorice000000000000");
    shopper = await signIn("shopper1@demo.tuangou.test", "198.18.4.1");
    mixed = await placePaidOrder(shopper, [
      [strawberry, 3],
      [rice, 1],
    ]);
    fruitOnly = await placePaidOrder(shopper, [[strawberry, 1]]);
    fruit = await signIn("fruit@demo.tuangou.test", "198.18.4.2");
    baby = await signIn("baby@demo.tuangou.test", "198.18.4.3");
  });

  it("each merchant sees the order only through its own lines; filters narrow the list", async () => {
    const a = await (await fruit.get("/merchant/orders")).text();
    expect(a).toContain(mixed);
    expect(a).toContain(fruitOnly);
    expect(a).toContain("丹东 99 红颜草莓");
    expect(a).not.toContain("五常稻花香大米");
    const b = await (await baby.get("/merchant/orders")).text();
    expect(b).toContain(mixed);
    expect(b).not.toContain(fruitOnly);
    expect(b).toContain("五常稻花香大米");
    expect(b).not.toContain("丹东 99 红颜草莓");

    expect(await (await fruit.get(`/merchant/orders?q=${mixed.slice(4, 14)}`)).text()).not.toContain(fruitOnly);
    expect(await (await fruit.get("/merchant/orders?product=prd_demorice000000000000")).text()).not.toContain(mixed);
    expect(await (await fruit.get("/merchant/orders?point=pkp_demosunshine00000000")).text()).toContain(mixed);
    expect(await (await fruit.get("/merchant/orders?from=2099-01-01")).text()).not.toContain(mixed);
    expect(await (await fruit.get("/merchant/orders?tab=refund_requested")).text()).not.toContain(mixed);
    // Bad filter values are dropped, never a 500.
    expect((await fruit.get("/merchant/orders?from=yesterday&page=-3&tab=nope&q=%27%3B")).status).toBe(200);

    // The detail: own lines, the pickup point, no shopper phone and no other merchant's items.
    const detail = await fruit.get(`/merchant/orders/${mixed}`);
    expect(detail.status).toBe(200);
    const html = await detail.text();
    expect(html).toContain("丹东 99 红颜草莓");
    expect(html).toContain("阳光花园");
    expect(html).not.toContain("五常稻花香大米");
    expect(html).not.toContain("13800000101");
  });

  it("a merchant opening another merchant's order gets 404", async () => {
    expect((await baby.get(`/merchant/orders/${fruitOnly}`)).status).toBe(404);
    expect((await baby.get("/merchant/orders/ord_doesnotexist00000000")).status).toBe(404);
    expect((await baby.post(`/merchant/orders/${fruitOnly}`, { intent: "reject", refundId: "rfd_x", reason: "no" })).status).toBe(404);
    expect((await shopper.get(`/merchant/orders/${mixed}`)).status).toBe(403);
  });

  it("after-sales across two merchants: A refunds part of its line exactly, B cannot decide A's lines, B's rejection returns the order", async () => {
    await lockForDelivery(mixed);
    const requestId = await requestAfterSales(shopper, mixed);
    expect(await (await fruit.get("/merchant/orders?tab=refund_requested")).text()).toContain(mixed);

    const lines = await all<{ id: string; merchant_id: string; quantity: number; payable_fen: number }>("SELECT id, merchant_id, quantity, payable_fen FROM order_lines WHERE order_id = ?", mixed);
    const berryLine = lines.find((l) => l.merchant_id === FRUIT)!;
    const riceLine = lines.find((l) => l.merchant_id === BABY)!;

    // B cannot decide on A's line.
    const foreign = await baby.post(`/merchant/orders/${mixed}`, { intent: "approve", refundId: requestId, "lines[0].lineId": berryLine.id, "lines[0].quantity": "1" });
    expect(foreign.status).toBe(400);
    // Field-level 400 for bad input.
    expect((await fruit.post(`/merchant/orders/${mixed}`, { intent: "approve", refundId: requestId, "lines[0].lineId": berryLine.id, "lines[0].quantity": "9" })).status).toBe(400);
    expect((await fruit.post(`/merchant/orders/${mixed}`, { intent: "approve", refundId: requestId, "lines[0].lineId": berryLine.id, "lines[0].quantity": "abc" })).status).toBe(400);
    expect((await fruit.post(`/merchant/orders/${mixed}`, { intent: "reject", refundId: requestId, reason: "" })).status).toBe(400);

    // A approves 1 of 3 strawberries: the line's payable share, half up.
    const approve = { intent: "approve", refundId: requestId, "lines[0].lineId": berryLine.id, "lines[0].quantity": "1" };
    const approved = await fruit.post(`/merchant/orders/${mixed}`, approve);
    expect(approved.status).toBe(302);
    const expected = Math.floor((berryLine.payable_fen * 2 + 3) / 6);
    const refund = await one<{ status: string; amount_fen: number; lines: string; payment_id: string | null }>("SELECT status, amount_fen, lines, payment_id FROM refunds WHERE id = ?", requestId);
    expect(refund).toMatchObject({ status: "succeeded", amount_fen: expected });
    expect(JSON.parse(refund.lines)).toEqual([{ lineId: berryLine.id, quantity: 1, amountFen: expected }]);
    expect(refund.payment_id).toMatch(/^pay_/);
    expect(await one("SELECT refunded_qty, refunded_fen FROM order_lines WHERE id = ?", berryLine.id)).toEqual({ refunded_qty: 1, refunded_fen: expected });
    const afterA = await one<{ status: string; refunded_fen: number }>("SELECT status, refunded_fen FROM orders WHERE id = ?", mixed);
    expect(afterA).toEqual({ status: "refunding", refunded_fen: expected });
    // The rest of the request waits for B.
    const successor = await one<{ id: string; amount_fen: number; return_status: string }>("SELECT id, amount_fen, return_status FROM refunds WHERE order_id = ? AND status = 'requested'", mixed);
    expect(successor).toMatchObject({ amount_fen: riceLine.payable_fen, return_status: "confirmed" });
    expect(await (await fruit.get(`/merchant/orders/${mixed}`)).text()).toContain("同意退款");

    // A double submit changes nothing more.
    const counts = async () => ({
      refunds: (await one<{ n: number }>("SELECT count(*) AS n FROM refunds WHERE order_id = ?", mixed)).n,
      events: (await one<{ n: number }>("SELECT count(*) AS n FROM order_events WHERE order_id = ?", mixed)).n,
      refunded: (await one<{ r: number }>("SELECT refunded_fen AS r FROM orders WHERE id = ?", mixed)).r,
    });
    const before = await counts();
    expect((await fruit.post(`/merchant/orders/${mixed}`, approve)).status).toBe(409);
    expect((await fruit.post(`/merchant/orders/${mixed}`, { ...approve, refundId: successor.id })).status).toBe(409);
    expect(await counts()).toEqual(before);

    // B rejects its part with a reason: the request is over and the order returns to "confirmed".
    const rejected = await baby.post(`/merchant/orders/${mixed}`, { intent: "reject", refundId: successor.id, reason: "大米包装完好，不支持退货" });
    expect(rejected.status).toBe(302);
    expect(await one("SELECT status, refunded_fen FROM orders WHERE id = ?", mixed)).toEqual({ status: "confirmed", refunded_fen: expected });
    expect((await one<{ status: string }>("SELECT status FROM refunds WHERE id = ?", successor.id)).status).toBe("rejected");
    const events = await all<{ event: string; from_status: string; to_status: string; actor_type: string }>("SELECT event, from_status, to_status, actor_type FROM order_events WHERE order_id = ? ORDER BY rowid", mixed);
    expect(events.slice(-3)).toEqual([
      { event: "request_refund", from_status: "confirmed", to_status: "refunding", actor_type: "user" },
      { event: "approve_refund", from_status: "refunding", to_status: "refunding", actor_type: "merchant" },
      { event: "reject_refund", from_status: "refunding", to_status: "confirmed", actor_type: "merchant" },
    ]);
    // Audited, and the shopper told (dev outbox).
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE entity_id IN (?, ?) AND action LIKE 'after_sales.%'", requestId, successor.id)).n).toBe(2);
    const messages = await all<{ body: string }>("SELECT body FROM outbox_messages WHERE body LIKE ?", `%${mixed}%`);
    expect(messages.map((m) => m.body).join("\n")).toContain("大米包装完好");
    // The shopper's page shows the refund.
    expect(await (await shopper.get(`/orders/${mixed}`)).text()).toContain("已退款");
  });

  it("a full approval by the only merchant refunds the order and ends it refunded", async () => {
    await lockForDelivery(fruitOnly);
    const requestId = await requestAfterSales(shopper, fruitOnly);
    const line = await one<{ id: string; payable_fen: number }>("SELECT id, payable_fen FROM order_lines WHERE order_id = ?", fruitOnly);
    expect((await fruit.post(`/merchant/orders/${fruitOnly}`, { intent: "approve", refundId: requestId, "lines[0].lineId": line.id, "lines[0].quantity": "1" })).status).toBe(302);
    expect(await one("SELECT status, refunded_fen, paid_fen FROM orders WHERE id = ?", fruitOnly)).toEqual({ status: "refunded", refunded_fen: line.payable_fen, paid_fen: line.payable_fen });
  });

  it("finance: sale − platform fee − the merchant's share of the leader's commission, to the fen, in the page and the CSV", async () => {
    const lines = await all<{ merchant_id: string; payable_fen: number; refunded_fen: number; platform_funded_fen: number }>(
      "SELECT merchant_id, payable_fen, refunded_fen, platform_funded_fen FROM order_lines WHERE order_id = ?",
      mixed,
    );
    const { rates } = await one<{ rates: string }>("SELECT rates FROM orders WHERE id = ?", mixed);
    const { platformFeeBp, leaderCommissionBp } = JSON.parse(rates) as { platformFeeBp: number; leaderCommissionBp: number };
    const halfUp = (fen: number, bp: number) => Math.floor((fen * bp * 2 + 10_000) / 20_000);
    const netOf = (m: string) => lines.filter((l) => l.merchant_id === m).reduce((s, l) => s + l.payable_fen - l.refunded_fen, 0);
    const line = { payable_fen: lines.filter((l) => l.merchant_id === FRUIT).reduce((s, l) => s + l.payable_fen, 0), refunded_fen: lines.filter((l) => l.merchant_id === FRUIT).reduce((s, l) => s + l.refunded_fen, 0) };
    const netSale = netOf(FRUIT);
    const otherNet = lines.reduce((s, l) => s + l.payable_fen - l.refunded_fen, 0) - netSale;
    const fee = halfUp(netSale, platformFeeBp);
    // The order's commission, shared by the two merchants by net sale (largest remainder): by hand.
    const orderCommission = halfUp(netSale + otherNet, leaderCommissionBp);
    const exactMine = (orderCommission * netSale) / (netSale + otherNet);
    const floorMine = Math.floor(exactMine);
    const floorOther = Math.floor((orderCommission * otherNet) / (netSale + otherNet));
    const commission = floorMine + floorOther === orderCommission || exactMine - floorMine < (orderCommission * otherNet) / (netSale + otherNet) - floorOther ? floorMine : floorMine + 1;
    const dec = (fen: number) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
    // The platform-funded discounts on the merchant's lines, less the refunded share of each (rounded down).
    const subsidy = lines
      .filter((l) => l.merchant_id === FRUIT)
      .reduce((s, l) => s + l.platform_funded_fen - (l.payable_fen > 0 ? Math.floor((l.platform_funded_fen * Math.min(l.refunded_fen, l.payable_fen)) / l.payable_fen) : 0), 0);

    const page = await fruit.get("/merchant/finance");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("账本");

    const csv = await fruit.get("/merchant/finance.csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM
    const text = new TextDecoder().decode(bytes);
    const row = text.split("\r\n").find((l) => l.startsWith(mixed))!;
    expect(row.split(",").slice(3, 9)).toEqual([dec(line.payable_fen), dec(line.refunded_fen), dec(fee), dec(commission), dec(subsidy), dec(netSale - fee - commission + subsidy)]);
    // The fully refunded order nets zero; B's CSV has no row for A's order.
    expect(text.split("\r\n").find((l) => l.startsWith(fruitOnly))!.split(",")[8]).toBe("0.00");
    expect(await (await baby.get("/merchant/finance.csv")).text()).not.toContain(fruitOnly);
    expect((await shopper.get("/merchant/finance.csv")).status).toBe(403);
  });
});
