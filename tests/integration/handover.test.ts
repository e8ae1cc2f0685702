/**
 * Issue #5, the leader's Today and the pickup hand-over: typed codes through the page (no
 * JavaScript needed), partial pickups, double and concurrent hand-overs, replays of a clientRef,
 * other points' codes and orders, refusals by order state, role guards, the leader API (today,
 * pickup list, lookup, hand-over, arrivals) and the Today page's object-level scope.
 *
 * Orders are written straight into D1 in the state each test needs, with real pickup codes
 * (encrypted and hashed per point with the test keys, as checkout does).
 */
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { encryptField, lookupHash } from "../../app/lib/field-crypto.server";
import { startWorker, TEST_SECRETS, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
let seq = 0;
const ids = () => `${Date.now().toString(36)}${(seq++).toString(36).padStart(4, "0")}`.padEnd(20, "0").slice(0, 20);

const P1 = "pkp_demosunshine00000000"; // leader1 张团长
const P2 = "pkp_demolakeside00000000"; // leader2 刘团长
const SHOPPER = "usr_demoshopper010000000"; // 小美, 13800000101
const SHOPPER2 = "usr_demoshopper020000000"; // 阿强

interface Sku {
  id: string;
  productId: string;
  merchantId: string;
  categoryId: string;
  title: string;
}
let skus: Sku[];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  worker = await startWorker();
  const { results } = await worker.d1
    .prepare(
      `SELECT s.id, s.product_id AS productId, p.merchant_id AS merchantId, p.category_id AS categoryId, p.title_zh AS title
       FROM skus s JOIN products p ON p.id = s.product_id WHERE p.merchant_id = 'mch_demofruit00000000000' ORDER BY s.id`,
    )
    .all<Sku>();
  skus = results;
  for (const [who, email] of [
    ["leader1", "leader1@demo.tuangou.test"],
    ["leader2", "leader2@demo.tuangou.test"],
    ["leader3", "leader3@demo.tuangou.test"],
    ["shopper", "shopper1@demo.tuangou.test"],
    ["merchant", "fruit@demo.tuangou.test"],
  ] as const) {
    const res = await api("/auth/sign-in", { body: { method: "password", email, password: "demo-pass-2026" } });
    expect(res.status).toBe(200);
    tokens[who] = ((await res.json()) as { token: string }).token;
  }
});
afterAll(async () => {
  await worker?.dispose();
});
afterEach(() => {
  worker.expectNoServerErrors();
});

function api(path: string, init: { method?: string; body?: unknown; as?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "CF-Connecting-IP": "203.0.113.88", "Accept-Language": "zh-CN", ...init.headers };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (init.as) headers.Authorization = `Bearer ${tokens[init.as]}`;
  return worker.fetch(`/api/v1${path}`, { method: init.method ?? (init.body === undefined ? "GET" : "POST"), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}
const json = async <T = Record<string, any>>(res: Response) => (await res.json()) as T;

/** 8-digit codes no other test order has (codes are unique per point; these are unique everywhere). */
let codeSeq = 10_000_000 + Math.floor(Math.random() * 50_000_000);
const nextCode = () => String(codeSeq++);

interface MadeOrder {
  id: string;
  code: string;
  lines: string[];
}

/** An order at `point` in `status` with real pickup code, the lines given, and an `arrive` event when it is at the point. */
async function makeOrder(opts: { point: string; status: string; lines: Array<{ sku: Sku; qty: number; refunded?: number; picked?: number }>; user?: string; fulfilment?: "door" }): Promise<MadeOrder> {
  const id = `ord_${ids()}`;
  const code = nextCode();
  const now = Date.now();
  const payable = opts.lines.reduce((s, l) => s + l.qty * 1000, 0);
  const lineIds = opts.lines.map(() => `oli_${ids()}`);
  const stmts = [
    worker.d1
      .prepare(
        `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 0, ?, ?, '{}', 1, '{}', ?, ?, ?, ?, ?, ?)`,
      )
      .bind(id, opts.user ?? SHOPPER, opts.point, opts.status, payable, payable, payable, await encryptField(TEST_SECRETS, "pickup_code", code), await lookupHash(TEST_SECRETS, `pickup:${opts.point}`, code), now + 1_800_000, now - 3_600_000, now - 7_200_000, now - 60_000),
    worker.d1
      .prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES (?, ?, ?, NULL, ?, 'system', ?)")
      .bind(`oev_${ids()}`, id, opts.status === "ready_for_pickup" ? "arrive" : "pay", opts.status, now - 3_600_000),
    ...opts.lines.map((l, i) =>
      worker.d1
        .prepare(
          `INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen, refunded_qty, picked_up_qty)
           VALUES (?, ?, ?, ?, ?, ?, ?, '1 盒', ?, 1000, ?, 0, ?, ?, ?)`,
        )
        .bind(lineIds[i], id, l.sku.id, l.sku.productId, l.sku.merchantId, l.sku.categoryId, l.sku.title, l.qty, l.qty * 1000, l.qty * 1000, l.refunded ?? 0, l.picked ?? 0),
    ),
  ];
  await worker.d1.batch(stmts);
  return { id, code, lines: lineIds };
}

const row = <T>(sql: string, ...args: unknown[]) => worker.d1.prepare(sql).bind(...args).first<T>();
const orderStatus = async (id: string) => (await row<{ status: string }>("SELECT status FROM orders WHERE id = ?", id))!.status;
const picked = async (id: string) =>
  (await worker.d1.prepare("SELECT picked_up_qty AS q FROM order_lines WHERE order_id = ? ORDER BY rowid").bind(id).all<{ q: number }>()).results.map((r) => r.q);
const events = async (id: string) =>
  (await worker.d1.prepare("SELECT event, from_status, to_status FROM order_events WHERE order_id = ? ORDER BY rowid").bind(id).all<{ event: string; from_status: string | null; to_status: string }>()).results;

/** One browser-like client per demo phone (sign-in codes: one per phone per minute). */
const clients = new Map<string, Client>();
async function page(phone: string): Promise<Client> {
  const known = clients.get(phone);
  if (known) return known;
  const c = worker.client({ ip: `203.0.113.${60 + clients.size}` });
  expect((await c.signInWithPhone(worker, phone)).status).toBe(302);
  clients.set(phone, c);
  return c;
}

describe("hand-over by typed code on the page (works without JavaScript)", () => {
  it("looks the code up, shows the order, and confirms it in one form post", async () => {
    const o = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 2 }, { sku: skus[1]!, qty: 1 }] });
    const leader = await page("13800000021");
    const shown = await leader.get("/leader/handover");
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain("核销取货");
    expect(html).toContain("小美");
    expect(html).not.toContain(o.code); // the list carries digests, never the codes

    const bad = await leader.post("/leader/handover", { intent: "lookup", code: "1234" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("取货码是 8 位数字");

    const found = await leader.post("/leader/handover", { intent: "lookup", code: `TG-PICKUP:${o.code}` });
    expect(found.status).toBe(200);
    const form = await found.text();
    expect(form).toContain("小美 的订单");
    expect(form).toContain(skus[0]!.title);
    const clientRef = /name="clientRef" value="([^"]+)"/.exec(form)?.[1];
    expect(clientRef).toMatch(/^[0-9a-f-]{36}$/);

    const confirm = { intent: "handover", code: o.code, clientRef: clientRef!, "lines[0].lineId": o.lines[0]!, "lines[0].quantity": "2", "lines[1].lineId": o.lines[1]!, "lines[1].quantity": "1" };
    const done = await leader.post("/leader/handover", confirm);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("已核销：小美 的 3 件商品已全部交付");
    expect(await orderStatus(o.id)).toBe("picked_up");
    expect(await picked(o.id)).toEqual([2, 1]);
    expect((await row<{ picked_up_at: number }>("SELECT picked_up_at FROM orders WHERE id = ?", o.id))!.picked_up_at).toBeGreaterThan(Date.now() - 60_000);
    expect((await events(o.id)).at(-1)).toEqual({ event: "pick_up", from_status: "ready_for_pickup", to_status: "picked_up" });
    expect((await row<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'pickup.handover' AND entity_id = ?", o.id))!.n).toBe(1);

    // The shopper gets a receipt in their inbox.
    const receipt = "SELECT count(*) AS n FROM notifications n JOIN orders o ON o.user_id = n.user_id AND o.id = ? WHERE n.kind = 'order.picked_up' AND n.link = '/orders/' || o.id";
    expect((await row<{ n: number }>(receipt, o.id))!.n).toBe(1);

    // The same form posted again (a double tap, a reload): the same outcome, nothing more.
    const again = await leader.post("/leader/handover", confirm);
    expect(again.status).toBe(200);
    expect((await row<{ n: number }>("SELECT count(*) AS n FROM pickup_handovers WHERE order_id = ?", o.id))!.n).toBe(1);
    expect((await row<{ n: number }>(receipt, o.id))!.n).toBe(1);
    // Looking it up now: refused, distinctly.
    const collected = await leader.post("/leader/handover", { intent: "lookup", code: o.code });
    expect(collected.status).toBe(409);
    expect(await collected.text()).toContain("这个订单已经取过货了");
  });

  it("refuses a quantity above what remains with the order shown again, and saves nothing", async () => {
    const o = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 2, refunded: 1 }] });
    const leader = await page("13800000021");
    const res = await leader.post("/leader/handover", { intent: "handover", code: o.code, clientRef: "11111111-2222-4333-8444-555555555555", "lines[0].lineId": o.lines[0]!, "lines[0].quantity": "2" });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("数量超过了剩余未取的件数");
    expect(html).toContain("小美 的订单");
    const zero = await leader.post("/leader/handover", { intent: "handover", code: o.code, clientRef: "11111111-2222-4333-8444-555555555556", "lines[0].lineId": o.lines[0]!, "lines[0].quantity": "0" });
    expect(zero.status).toBe(400);
    expect(await zero.text()).toContain("至少交付 1 件商品");
    expect(await picked(o.id)).toEqual([0]);
    expect(await orderStatus(o.id)).toBe("ready_for_pickup");
  });

  it("tells another point's code from an unknown one, and refuses orders that are not at the point", async () => {
    const elsewhere = await makeOrder({ point: P2, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 1 }] });
    const leader = await page("13800000021");
    const other = await leader.post("/leader/handover", { intent: "lookup", code: elsewhere.code });
    expect(other.status).toBe(404);
    expect(await other.text()).toContain("这是其他自提点的订单");
    const unknown = await leader.post("/leader/handover", { intent: "lookup", code: "99999999" });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("找不到这个取货码");

    for (const [status, text] of [
      ["shipped", "还没到货"],
      ["confirmed", "还没到货"],
      ["refunding", "正在退款"],
      ["refunded", "已经退款"],
      ["cancelled", "已经取消"],
    ] as const) {
      const o = await makeOrder({ point: P1, status, lines: [{ sku: skus[0]!, qty: 1 }] });
      const res = await leader.post("/leader/handover", { intent: "lookup", code: o.code });
      expect(res.status, status).toBe(409);
      expect(await res.text(), status).toContain(text);
      const direct = await leader.post("/leader/handover", { intent: "handover", code: o.code, clientRef: crypto.randomUUID(), "lines[0].lineId": o.lines[0]!, "lines[0].quantity": "1" });
      expect(direct.status, status).toBe(409);
      expect(await orderStatus(o.id)).toBe(status);
    }
  });

  it("keeps shoppers and merchants out of the leader pages", async () => {
    const shopper = await page("13800000102");
    expect((await shopper.get("/leader/handover")).status).toBe(403);
    expect((await shopper.post("/leader/handover", { intent: "lookup", code: "12345678" })).status).toBe(403);
    expect((await shopper.get("/leader")).status).toBe(403);
    const merchant = await page("13800000011");
    expect((await merchant.get("/leader/handover")).status).toBe(403);
    expect((await merchant.get("/leader")).status).toBe(403);
    const anonymous = worker.client();
    expect((await anonymous.get("/leader/handover")).status).toBe(302);
  });
});

describe("hand-over through the API", () => {
  it("partial, then the rest; a replayed Idempotency-Key answers the original outcome and changes nothing", async () => {
    const o = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 3 }, { sku: skus[1]!, qty: 1 }] });
    const first = await api("/leader/pickups", { as: "leader1", headers: { "Idempotency-Key": "handover-partial-1" }, body: { code: o.code, lines: [{ lineId: o.lines[0], quantity: 2 }] } });
    expect(first.status).toBe(201);
    const partial = await json(first);
    expect(partial.handover).toMatchObject({ clientRef: "handover-partial-1", orderId: o.id, lines: [{ lineId: o.lines[0], quantity: 2 }], completed: false, replayed: false, offline: false });
    expect(partial.order).toEqual({ id: o.id, status: "ready_for_pickup", remaining: [{ lineId: o.lines[0], remaining: 1 }, { lineId: o.lines[1], remaining: 1 }] });
    expect(await events(o.id)).toEqual([
      { event: "arrive", from_status: null, to_status: "ready_for_pickup" },
      { event: "pick_up_partial", from_status: "ready_for_pickup", to_status: "ready_for_pickup" },
    ]);

    const handedAt = Date.now() - 5 * 60_000;
    const rest = await api("/leader/pickups", { as: "leader1", headers: { "Idempotency-Key": "handover-rest-0001" }, body: { orderId: o.id, handedAt, offline: true } });
    expect(rest.status).toBe(201);
    const restBody = await json(rest);
    expect(restBody.handover).toMatchObject({ completed: true, offline: true, handedAt, lines: [{ lineId: o.lines[0], quantity: 1 }, { lineId: o.lines[1], quantity: 1 }] });
    expect(restBody.order.status).toBe("picked_up");
    expect(await picked(o.id)).toEqual([3, 1]);
    expect((await row<{ picked_up_at: number }>("SELECT picked_up_at FROM orders WHERE id = ?", o.id))!.picked_up_at).toBe(handedAt);

    // Replays: the original outcome (partial stays partial), status 200, nothing written.
    const replay = await api("/leader/pickups", { as: "leader1", headers: { "Idempotency-Key": "handover-partial-1" }, body: { code: o.code, lines: [{ lineId: o.lines[0], quantity: 2 }] } });
    expect(replay.status).toBe(200);
    const replayed = await json(replay);
    expect(replayed.handover).toEqual({ ...partial.handover, replayed: true });
    expect(replayed.order.status).toBe("picked_up");
    const replayRest = await json(await api("/leader/pickups", { as: "leader1", headers: { "Idempotency-Key": "handover-rest-0001" }, body: { orderId: o.id } }));
    expect(replayRest.handover).toMatchObject({ id: restBody.handover.id, completed: true, replayed: true });
    expect(await picked(o.id)).toEqual([3, 1]);
    expect((await row<{ n: number }>("SELECT count(*) AS n FROM pickup_handovers WHERE order_id = ?", o.id))!.n).toBe(2);
    expect((await events(o.id)).map((e) => e.event)).toEqual(["arrive", "pick_up_partial", "pick_up"]);

    // A key reused for another order is refused; a new key for the collected order too.
    const other = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 1 }] });
    const reused = await api("/leader/pickups", { as: "leader1", headers: { "Idempotency-Key": "handover-rest-0001" }, body: { orderId: other.id } });
    expect(reused.status).toBe(409);
    expect((await json(reused)).error.code).toBe("idempotency_key_reused");
    const twice = await api("/leader/pickups", { as: "leader1", headers: { "Idempotency-Key": "handover-again-01" }, body: { code: o.code } });
    expect(twice.status).toBe(409);
    expect((await json(twice)).error).toMatchObject({ code: "already_collected", message: "这个订单已经取走了。" });
    expect(await orderStatus(other.id)).toBe("ready_for_pickup");
  });

  it("concurrent hand-overs of one order from two devices never over-collect", async () => {
    for (let round = 0; round < 3; round++) {
      const o = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 2 }, { sku: skus[1]!, qty: 1 }] });
      const results = await Promise.all(
        ["a", "b", "c", "d"].map((device) => api("/leader/pickups", { as: "leader1", headers: { "Idempotency-Key": `race-${round}-${device}-${o.id}` }, body: { code: o.code } })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(["handover_conflict", "already_collected"]).toContain((await json(r)).error.code);
      expect(await picked(o.id)).toEqual([2, 1]);
      expect((await row<{ n: number }>("SELECT count(*) AS n FROM pickup_handovers WHERE order_id = ?", o.id))!.n).toBe(1);
      expect((await events(o.id)).filter((e) => e.event === "pick_up")).toHaveLength(1);
    }
  });

  it("two partial hand-overs racing on different lines both count, and the order closes", async () => {
    const o = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 1 }, { sku: skus[1]!, qty: 1 }] });
    const [a, b] = await Promise.all([
      api("/leader/pickups", { as: "leader1", headers: { "Idempotency-Key": `split-a-${o.id}` }, body: { code: o.code, lines: [{ lineId: o.lines[0], quantity: 1 }] } }),
      api("/leader/pickups", { as: "leader1", headers: { "Idempotency-Key": `split-b-${o.id}` }, body: { code: o.code, lines: [{ lineId: o.lines[1], quantity: 1 }] } }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(await picked(o.id)).toEqual([1, 1]);
    expect(await orderStatus(o.id)).toBe("picked_up");
    expect((await events(o.id)).map((e) => e.event)).toEqual(["arrive", "pick_up_partial", "pick_up"]);
  });

  it("the same Idempotency-Key racing itself records one hand-over", async () => {
    const o = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 1 }] });
    const results = await Promise.all([1, 2, 3].map(() => api("/leader/pickups", { as: "leader1", headers: { "Idempotency-Key": `same-${o.id}` }, body: { code: o.code } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const bodies = await Promise.all(results.map((r) => json(r)));
    expect(new Set(bodies.map((x) => x.handover.id)).size).toBe(1);
    expect((await row<{ n: number }>("SELECT count(*) AS n FROM pickup_handovers WHERE order_id = ?", o.id))!.n).toBe(1);
  });

  it("another leader's order or code is not found; shoppers and merchants are refused", async () => {
    const o = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 1 }] });
    const byCode = await api("/leader/pickups", { as: "leader2", headers: { "Idempotency-Key": `other-code-${o.id}` }, body: { code: o.code } });
    expect(byCode.status).toBe(404);
    expect((await json(byCode)).error.code).toBe("code_other_point");
    const byId = await api("/leader/pickups", { as: "leader2", body: { orderId: o.id } });
    expect(byId.status).toBe(404);
    expect((await json(byId)).error.code).toBe("order_not_found");
    expect((await api(`/leader/pickups/${o.code}`, { as: "leader2" })).status).toBe(404);
    for (const who of ["shopper", "merchant"]) {
      expect((await api("/leader/pickups", { as: who, body: { code: o.code } })).status, who).toBe(403);
      expect((await api(`/leader/pickups/${o.code}`, { as: who })).status, who).toBe(403);
      expect((await api("/leader/today", { as: who })).status, who).toBe(403);
      expect((await api("/leader/pickups", { as: who })).status, who).toBe(403);
      // The role is checked before the body: an empty or broken body is still a 403, not a 400.
      expect((await api("/leader/pickups", { as: who, body: {} })).status, who).toBe(403);
      expect((await api(`/leader/arrivals/${o.id}`, { as: who, body: { items: "x" } })).status, who).toBe(403);
    }
    expect((await api("/leader/today")).status).toBe(401);
    expect(await orderStatus(o.id)).toBe("ready_for_pickup");
  });

  it("looks codes up, with the state that decides whether they can be handed over", async () => {
    const ready = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 2, picked: 1 }], user: SHOPPER2 });
    const res = await api(`/leader/pickups/${encodeURIComponent(`TG-PICKUP:${ready.code}`)}`, { as: "leader1" });
    expect(res.status).toBe(200);
    expect((await json(res)).order).toMatchObject({ orderId: ready.id, status: "ready_for_pickup", customerName: "阿强", phoneMasked: "138****0102", refusal: null, lines: [{ lineId: ready.lines[0], remaining: 1, owed: 2 }] });
    const shipped = await makeOrder({ point: P1, status: "shipped", lines: [{ sku: skus[0]!, qty: 1 }] });
    expect((await json(await api(`/leader/pickups/${shipped.code}`, { as: "leader1" }))).order.refusal).toBe("not_arrived");
    expect((await api("/leader/pickups/12ab", { as: "leader1" })).status).toBe(400);
  });

  it("answers bad input with field errors (never a 500) and refuses a clock far off", async () => {
    const o = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 1 }] });
    const cases: Array<[unknown, Record<string, string>, number, string]> = [
      [{}, {}, 400, "code"],
      [{ code: "1234567" }, {}, 400, "code"],
      [{ code: o.code, lines: [{ lineId: "oli_nope", quantity: 1 }] }, {}, 400, "lines.0.lineId"],
      [{ code: o.code, lines: [{ lineId: o.lines[0], quantity: -1 }] }, {}, 400, "lines.0.quantity"],
      [{ code: o.code, lines: [{ lineId: o.lines[0], quantity: 1.5 }] }, {}, 400, "lines.0.quantity"],
      [{ code: o.code, lines: [] }, {}, 400, "lines"],
      [{ code: o.code, lines: [{ lineId: `oli_${"0".repeat(20)}`, quantity: 1 }] }, {}, 400, "lines[0].lineId"],
      [{ code: o.code, lines: [{ lineId: o.lines[0], quantity: 0 }] }, {}, 400, "lines"],
      [{ code: o.code, handedAt: Date.now() + 2 * 24 * 3_600_000 }, {}, 400, "handedAt"],
      [{ code: o.code, handedAt: Date.now() - 31 * 24 * 3_600_000 }, {}, 400, "handedAt"],
      [{ code: o.code }, { "Idempotency-Key": "short" }, 400, "Idempotency-Key"],
    ];
    for (const [body, headers, status, field] of cases) {
      const res = await api("/leader/pickups", { as: "leader1", body, headers });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(Object.keys((await json(res)).error.fields ?? {}), JSON.stringify(body)).toContain(field);
    }
    const over = await api("/leader/pickups", { as: "leader1", body: { code: o.code, lines: [{ lineId: o.lines[0], quantity: 2 }] } });
    expect(over.status).toBe(409);
    expect((await json(over)).error.code).toBe("quantity_over_remaining");
    expect(await picked(o.id)).toEqual([0]);

    // A phone clock running an hour ahead: recorded as now, not refused.
    const ahead = await api("/leader/pickups", { as: "leader1", body: { code: o.code, handedAt: Date.now() + 3_600_000 } });
    expect(ahead.status).toBe(201);
    expect((await json(ahead)).handover.handedAt).toBeLessThanOrEqual(Date.now());
  });

  it("gives the pickup list with code digests only, for the point's own orders", async () => {
    const ready = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 1 }] });
    const notYet = await makeOrder({ point: P1, status: "confirmed", lines: [{ sku: skus[0]!, qty: 1 }] });
    const theirs = await makeOrder({ point: P2, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 1 }] });
    const res = await api("/leader/pickups", { as: "leader1" });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(ready.code);
    const list = JSON.parse(text) as { pickupPointId: string; orders: Array<{ orderId: string; digest: string }>; others: Array<{ digest: string; refusal: string }>; recorded: string[] };
    const digest = (point: string, code: string) => createHash("sha256").update(`${point}:${code}`).digest("hex");
    expect(list.pickupPointId).toBe(P1);
    expect(list.orders.find((x) => x.orderId === ready.id)?.digest).toBe(digest(P1, ready.code));
    expect(list.others).toContainEqual({ digest: digest(P1, notYet.code), refusal: "not_arrived" });
    expect(list.orders.some((x) => x.orderId === theirs.id)).toBe(false);
    expect(list.recorded).toContain("handover-partial-1");
    const leader2 = await json<{ orders: Array<{ orderId: string }> }>(await api("/leader/pickups", { as: "leader2" }));
    expect(leader2.orders.map((x) => x.orderId)).toContain(theirs.id);
    expect(leader2.orders.map((x) => x.orderId)).not.toContain(ready.id);
  });

  it("limits codes that match nothing (guessing)", async () => {
    const guesses = [];
    for (let i = 0; i < 30; i++) guesses.push((await api(`/leader/pickups/${String(90_000_000 + i)}`, { as: "leader3" })).status);
    expect(guesses.every((s) => s === 404)).toBe(true);
    const limited = await api(`/leader/pickups/90000099`, { as: "leader3" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});

describe("arrivals through the API", () => {
  it("confirms the point's shipped batch (shortage refunded), refuses others' batches and a second confirmation", async () => {
    const o = await makeOrder({ point: P1, status: "shipped", lines: [{ sku: skus[2]!, qty: 2 }] });
    const batchId = `dlb_${ids()}`;
    const now = Date.now();
    await worker.d1.batch([
      worker.d1.prepare("INSERT INTO delivery_batches (id, merchant_id, pickup_point_id, delivery_date, status, cutoff_at, shipped_at, created_at, updated_at) VALUES (?, 'mch_demofruit00000000000', ?, '2026-01-02', 'shipped', ?, ?, ?, ?)").bind(batchId, P1, now - 86_400_000, now - 3_600_000, now, now),
      worker.d1.prepare("INSERT INTO delivery_batch_items (batch_id, sku_id, product_id, title, spec, expected_qty) VALUES (?, ?, ?, ?, '1 盒', 2)").bind(batchId, skus[2]!.id, skus[2]!.productId, skus[2]!.title),
      worker.d1.prepare("INSERT INTO delivery_batch_lines (order_line_id, batch_id, order_id, sku_id, quantity, shortage_qty) VALUES (?, ?, ?, ?, 2, 0)").bind(o.lines[0], batchId, o.id, skus[2]!.id),
    ]);
    const body = { items: [{ skuId: skus[2]!.id, received: 1, note: "压坏一盒" }] };
    expect((await api(`/leader/arrivals/${batchId}`, { as: "leader2", body })).status).toBe(404);
    expect((await api(`/leader/arrivals/dlb_nope`, { as: "leader1", body })).status).toBe(404);
    expect((await api(`/leader/arrivals/${batchId}`, { as: "merchant", body })).status).toBe(403);
    const badBody = await api(`/leader/arrivals/${batchId}`, { as: "leader1", body: { items: [{ skuId: skus[2]!.id, received: -1 }] } });
    expect(badBody.status).toBe(400);
    const tooMany = await api(`/leader/arrivals/${batchId}`, { as: "leader1", body: { items: [{ skuId: skus[2]!.id, received: 3 }] } });
    expect(tooMany.status).toBe(400);
    expect(Object.keys((await json(tooMany)).error.fields)).toContain("items[0].received");

    const res = await api(`/leader/arrivals/${batchId}`, { as: "leader1", body });
    expect(res.status).toBe(200);
    const confirmed = await json(res);
    expect(confirmed).toMatchObject({ batchId, shortageQty: 1 });
    expect(confirmed.refundIds).toHaveLength(1);
    expect(await orderStatus(o.id)).toBe("ready_for_pickup");
    const again = await api(`/leader/arrivals/${batchId}`, { as: "leader1", body });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe("not_shipped");

    // One box arrived for this order: the hand-over takes what remains (1), not what was bought (2).
    const handed = await json(await api("/leader/pickups", { as: "leader1", body: { code: o.code } }));
    expect(handed.handover).toMatchObject({ completed: true, lines: [{ lineId: o.lines[0], quantity: 1 }] });
  });
});

describe("Today", () => {
  it("shows the point's current cycle, its totals and who has not collected, and nothing of other points", async () => {
    const mine = await makeOrder({ point: P1, status: "paid", lines: [{ sku: skus[3]!, qty: 4 }, { sku: skus[4]!, qty: 1, refunded: 1 }] });
    await makeOrder({ point: P2, status: "paid", lines: [{ sku: skus[3]!, qty: 9 }] });
    const waiting = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 2, picked: 1 }], user: SHOPPER2 });
    const theirs = await makeOrder({ point: P2, status: "ready_for_pickup", lines: [{ sku: skus[0]!, qty: 1 }], user: SHOPPER2 });

    const today = await json(await api("/leader/today", { as: "leader1" }));
    expect(today.cycle.kind).toBe("current");
    expect(today.cycle.cutoffAt).toBeGreaterThan(today.now);
    const all = await worker.d1.prepare("SELECT count(*) AS n FROM orders WHERE pickup_point_id = ? AND status = 'paid'").bind(P1).first<{ n: number }>();
    expect(today.counts.orders).toBe(all!.n);
    expect(today.products.find((p: { skuId: string }) => p.skuId === skus[3]!.id)?.quantity).toBe(4);
    expect(today.products.some((p: { skuId: string }) => p.skuId === skus[4]!.id)).toBe(false); // wholly refunded
    const entry = today.awaiting.find((a: { orderId: string }) => a.orderId === waiting.id);
    expect(entry).toMatchObject({ customerName: "阿强", phoneMasked: "138****0102", phone: "13800000102", lines: [{ title: skus[0]!.title, remaining: 1 }] });
    expect(today.awaiting.some((a: { orderId: string }) => a.orderId === theirs.id)).toBe(false);
    expect(today.counts.awaitingPickup).toBe(today.awaiting.length);
    expect(today.dates.length).toBeGreaterThanOrEqual(13);
    expect(JSON.stringify(today)).not.toContain(mine.code);

    const leader = await page("13800000021");
    const html = await (await leader.get("/leader")).text();
    expect(html).toContain("本轮订单");
    expect(html).toContain("距截单");
    expect(html).toContain("阿强");
    expect(html).toContain('href="tel:13800000102"');
    expect(html).toContain("138****0102");
    expect(html).toContain("自提点概况");

    const leader2 = await json(await api("/leader/today", { as: "leader2" }));
    expect(leader2.awaiting.map((a: { orderId: string }) => a.orderId)).toContain(theirs.id);
    expect(leader2.awaiting.map((a: { orderId: string }) => a.orderId)).not.toContain(waiting.id);
    expect(leader2.products.find((p: { skuId: string }) => p.skuId === skus[3]!.id)?.quantity).toBe(9);
  });

  it("shows a past day's cycle from its batches; refuses days outside the history", async () => {
    const o = await makeOrder({ point: P1, status: "ready_for_pickup", lines: [{ sku: skus[5]!, qty: 3 }] });
    const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
    const delivery = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const batchId = `dlb_${ids()}`;
    const now = Date.now();
    await worker.d1.batch([
      worker.d1.prepare("INSERT INTO delivery_batches (id, merchant_id, pickup_point_id, delivery_date, status, cutoff_at, created_at, updated_at) VALUES (?, 'mch_demofruit00000000000', ?, ?, 'arrived', ?, ?, ?)").bind(batchId, P1, delivery, now - 20 * 3_600_000, now, now),
      worker.d1.prepare("INSERT INTO delivery_batch_lines (order_line_id, batch_id, order_id, sku_id, quantity, shortage_qty) VALUES (?, ?, ?, ?, 3, 1)").bind(o.lines[0], batchId, o.id, skus[5]!.id),
    ]);
    const past = await json(await api(`/leader/today?date=${yesterday}`, { as: "leader1" }));
    expect(past.cycle).toMatchObject({ kind: "past", businessDate: yesterday, deliveryDate: delivery });
    expect(past.counts).toMatchObject({ orders: 1, items: 2, awaitingPickup: 1, collected: 0 });
    expect(past.products).toEqual([{ skuId: skus[5]!.id, title: skus[5]!.title, spec: "1 盒", quantity: 2 }]);
    expect(past.awaiting.map((a: { orderId: string }) => a.orderId)).toEqual([o.id]);
    expect((await json(await api(`/leader/today?date=${yesterday}`, { as: "leader2" }))).counts.orders).toBe(0);

    const leader = await page("13800000021");
    const html = await (await leader.get(`/leader?date=${yesterday}`)).text();
    expect(html).toContain("截单的订单");
    expect((await leader.get("/leader?date=2001-01-01")).status).toBe(400);
    expect((await leader.get("/leader?date=nope")).status).toBe(400);
    expect((await api("/leader/today?date=2001-01-01", { as: "leader1" })).status).toBe(400);
    expect((await api("/leader/today?date=x", { as: "leader1" })).status).toBe(400);
  });
});
