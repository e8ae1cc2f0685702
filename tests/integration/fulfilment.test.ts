/**
 * Issue #4, fulfilment: the daily cut-off (admin and cron), the merchant's sheets and CSV, shipping,
 * and the leader's arrival confirmation with shortages (partial refunds through the sandbox).
 * Orders are written straight into D1 as paid (a sandbox payment and its "paid" notification), so
 * each test controls exactly what the cut-off finds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
let seq = 0;
const ids = () => `${Date.now().toString(36)}${(seq++).toString(36).padStart(4, "0")}`.padEnd(20, "0").slice(0, 20);

beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.dispose();
});
afterEach(() => {
  worker.expectNoServerErrors();
});

interface Sku {
  id: string;
  productId: string;
  merchantId: string;
  categoryId: string;
  title: string;
}
async function skusOf(merchantName: string): Promise<Sku[]> {
  const { results } = await worker.d1
    .prepare(
      `SELECT s.id, s.product_id AS productId, p.merchant_id AS merchantId, p.category_id AS categoryId, p.title_zh AS title FROM skus s JOIN products p ON p.id = s.product_id
       JOIN merchants m ON m.id = p.merchant_id WHERE m.name = ? ORDER BY s.id`,
    )
    .bind(merchantName)
    .all<Sku>();
  return results;
}
async function pointOf(leaderPhoneEmail: string): Promise<string> {
  return (await worker.d1.prepare("SELECT p.id FROM pickup_points p JOIN users u ON u.id = p.leader_user_id WHERE u.email = ?").bind(leaderPhoneEmail).first<{ id: string }>())!.id;
}

/** A paid order (or another status) with the given lines, as checkout and a sandbox payment leave it. */
async function order(opts: { point: string; lines: Array<{ sku: Sku; qty: number; payableFen: number }>; status?: string; createdAt?: number; paidAt?: number }) {
  const id = `ord_${ids()}`;
  const now = Date.now();
  const createdAt = opts.createdAt ?? now - 60_000;
  const status = opts.status ?? "paid";
  const payable = opts.lines.reduce((s, l) => s + l.payableFen, 0);
  const paid = status === "pending_payment" ? 0 : payable;
  const stmts = [
    worker.d1
      .prepare(
        `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, created_at, updated_at)
         VALUES (?, 'usr_demoadmin00000000000', ?, ?, ?, 0, ?, ?, '{}', 1, '{}', 'x', ?, ?, ?, ?, ?)`,
      )
      .bind(id, opts.point, status, payable, payable, paid, `h_${id}`, now + 1_800_000, status === "pending_payment" ? null : (opts.paidAt ?? createdAt + 1000), createdAt, createdAt),
    worker.d1
      .prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES (?, ?, 'pay', NULL, ?, 'system', ?)")
      .bind(`oev_${ids()}`, id, status, createdAt),
    ...opts.lines.map((l) =>
      worker.d1
        .prepare(
          `INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen)
           VALUES (?, ?, ?, ?, ?, ?, ?, '默认', ?, ?, ?, 0, ?)`,
        )
        .bind(`oli_${ids()}`, id, l.sku.id, l.sku.productId, l.sku.merchantId, l.sku.categoryId, l.sku.title, l.qty, Math.ceil(l.payableFen / l.qty), l.payableFen, l.payableFen),
    ),
  ];
  if (paid > 0) {
    const pay = `pay_${ids()}`;
    stmts.push(
      worker.d1
        .prepare("INSERT INTO payments (id, order_id, provider, amount_fen, status, provider_trade_no, created_at, succeeded_at, expires_at) VALUES (?, ?, 'sandbox', ?, 'succeeded', ?, ?, ?, ?)")
        .bind(pay, id, paid, `sbx_${pay}`, createdAt, createdAt, now + 1_800_000),
      worker.d1
        .prepare("INSERT INTO payment_notifications (dedupe_key, payment_id, provider, status, amount_fen, outcome, received_at) VALUES (?, ?, 'sandbox', 'succeeded', ?, 'paid', ?)")
        .bind(`sandbox:${pay}`, pay, paid, createdAt),
    );
  }
  await worker.d1.batch(stmts);
  return id;
}

const status = async (orderId: string) => (await worker.d1.prepare("SELECT status FROM orders WHERE id = ?").bind(orderId).first<{ status: string }>())!.status;
const count = async (sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<{ n: number }>())!.n;

/** One signed-in client per phone (a code per number per minute: sign in once, reuse the session). */
const clients = new Map<string, Client>();
async function signIn(phone: string): Promise<Client> {
  const known = clients.get(phone);
  if (known) return known;
  const c = worker.client({ ip: `203.0.113.${40 + (seq++ % 50)}` });
  const res = await c.signInWithPhone(worker, phone);
  expect(res.status).toBe(302);
  clients.set(phone, c);
  return c;
}

let fruit: Sku[];
let baby: Sku[];
let p1: string;
let p2: string;
let deliveryDate: string;
const o: Record<string, string> = {};

describe("the cut-off", () => {
  it("admin locks paid orders only, one batch per merchant × pickup point; twice changes nothing", async () => {
    fruit = await skusOf("鲜果坊");
    baby = await skusOf("宝宝优选");
    p1 = await pointOf("leader1@demo.tuangou.test");
    p2 = await pointOf("leader2@demo.tuangou.test");
    // Paid a day ago: before today's cut-off whatever the time of day now (a manual run after the
    // configured time locks only what was paid before it).
    const t = Date.now() - 26 * 3_600_000;
    o.A = await order({ point: p1, createdAt: t, lines: [{ sku: fruit[0]!, qty: 2, payableFen: 1000 }, { sku: baby[0]!, qty: 1, payableFen: 2990 }] });
    o.B = await order({ point: p1, createdAt: t + 1000, lines: [{ sku: fruit[0]!, qty: 3, payableFen: 1000 }] });
    o.G = await order({ point: p1, createdAt: t + 2000, lines: [{ sku: fruit[1]!, qty: 1, payableFen: 1590 }] });
    o.C = await order({ point: p2, createdAt: t, lines: [{ sku: fruit[0]!, qty: 4, payableFen: 4000 }] });
    o.unpaid = await order({ point: p1, status: "pending_payment", lines: [{ sku: fruit[0]!, qty: 1, payableFen: 500 }] });
    o.cancelled = await order({ point: p1, status: "cancelled", lines: [{ sku: fruit[0]!, qty: 1, payableFen: 500 }] });

    const admin = await signIn("13800000000");
    expect((await admin.get("/admin/fulfilment")).status).toBe(200);
    const bad = await admin.post("/admin/fulfilment", { intent: "run-cutoff", businessDate: "2999-01-01" });
    expect(bad.status).toBe(400);
    const res = await admin.post("/admin/fulfilment", { intent: "run-cutoff", businessDate: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) });
    expect(res.status).toBe(200);
    const run = await worker.d1.prepare("SELECT * FROM cutoff_runs").first<{ delivery_date: string; batches: number; orders: number; trigger: string }>();
    expect(run).toMatchObject({ batches: 3, orders: 4, trigger: "manual" });
    deliveryDate = run!.delivery_date;

    for (const k of ["A", "B", "G", "C"]) expect(await status(o[k]!)).toBe("confirmed");
    expect(await status(o.unpaid!)).toBe("pending_payment");
    expect(await status(o.cancelled!)).toBe("cancelled");
    expect(await count("SELECT count(*) AS n FROM order_events WHERE event = 'cut_off'")).toBe(4);
    const items = await worker.d1
      .prepare("SELECT b.pickup_point_id AS point, i.sku_id AS sku, i.expected_qty AS qty FROM delivery_batch_items i JOIN delivery_batches b ON b.id = i.batch_id ORDER BY point, sku")
      .all<{ point: string; sku: string; qty: number }>();
    expect(items.results).toEqual(
      expect.arrayContaining([
        { point: p1, sku: fruit[0]!.id, qty: 5 },
        { point: p1, sku: fruit[1]!.id, qty: 1 },
        { point: p1, sku: baby[0]!.id, qty: 1 },
        { point: p2, sku: fruit[0]!.id, qty: 4 },
      ]),
    );
    expect(items.results).toHaveLength(4);
    expect(await count("SELECT count(*) AS n FROM delivery_batch_lines")).toBe(5);

    // Again (by hand, and by the cron for the same day): nothing more.
    o.late = await order({ point: p1, lines: [{ sku: fruit[0]!, qty: 1, payableFen: 500 }] });
    const again = await admin.post("/admin/fulfilment", { intent: "run-cutoff", businessDate: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) });
    expect(await again.text()).toContain("已经截过单");
    expect((await worker.scheduled("*/2 * * * *", Date.now())).outcome).toBe("ok");
    expect(await count("SELECT count(*) AS n FROM delivery_batches")).toBe(3);
    expect(await count("SELECT count(*) AS n FROM order_events WHERE event = 'cut_off'")).toBe(4);
    expect(await status(o.late!)).toBe("paid");
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'fulfilment.cutoff.run'")).toBe(1);
  });

  it("refuses a leader or merchant", async () => {
    const leader = await signIn("13800000021");
    expect((await leader.get("/admin/fulfilment")).status).toBe(403);
    expect((await leader.post("/admin/fulfilment", { intent: "run-cutoff", businessDate: "2026-01-01" })).status).toBe(403);
  });
});

describe("merchant sheets and shipping", () => {
  it("shows the day's procurement, picking and delivery sheets, and CSV with a BOM", async () => {
    const m = await signIn("13800000011");
    const page = await (await m.get(`/merchant/fulfilment?date=${deliveryDate}`)).text();
    expect(page).toContain("采购汇总");
    expect(page).toContain("阳光花园便利店");
    const picking = await m.get(`/merchant/fulfilment/picking?date=${deliveryDate}`);
    expect(picking.status).toBe(200);
    expect(await picking.text()).toContain("拣货人签字");
    const delivery = await (await m.get(`/merchant/fulfilment/delivery?date=${deliveryDate}`)).text();
    expect(delivery).toContain("张团长");
    const csv = await m.get(`/merchant/fulfilment/export?date=${deliveryDate}&sheet=picking`);
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("Content-Disposition")).toBe(`attachment; filename="picking-${deliveryDate}.csv"`);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = new TextDecoder().decode(bytes).trim().split("\r\n");
    expect(rows[0]).toBe("自提点,小区/区域,订单数,SKU,商品,规格,数量");
    expect(rows.filter((r) => r.includes(fruit[0]!.id)).map((r) => r.split(",").at(-1)).sort()).toEqual(["4", "5"]);
    const dcsv = await (await m.get(`/merchant/fulfilment/export?date=${deliveryDate}&sheet=delivery`)).text();
    expect(dcsv).toContain("张团长");
    expect((await m.get(`/merchant/fulfilment/export?date=bad&sheet=picking`)).status).toBe(400);
    expect((await m.get(`/merchant/fulfilment/picking?date=2026-02-31x`)).status).toBe(400);
    // The procurement list: fruit[0] 9 across both points.
    const proc = await (await m.get(`/merchant/fulfilment/export?date=${deliveryDate}&sheet=procurement`)).text();
    expect(proc).toContain(`${fruit[0]!.id},`);
    expect(proc.split("\r\n").find((r) => r.startsWith(fruit[0]!.id))?.endsWith(",9")).toBe(true);
  });

  it("a merchant sees and ships only its own batches; an order ships with its last batch", async () => {
    const batch = async (merchant: string, point: string) =>
      (await worker.d1
        .prepare("SELECT b.id FROM delivery_batches b JOIN merchants m ON m.id = b.merchant_id WHERE m.name = ? AND b.pickup_point_id = ?")
        .bind(merchant, point)
        .first<{ id: string }>())!.id;
    const fruitP1 = await batch("鲜果坊", p1);
    const babyP1 = await batch("宝宝优选", p1);
    const fruitMerchant = await signIn("13800000011");
    const babyMerchant = await signIn("13800000012");
    expect((await babyMerchant.get(`/merchant/fulfilment/batches/${fruitP1}`)).status).toBe(404);
    expect((await babyMerchant.post("/merchant/fulfilment?index", { intent: "ship", batchId: fruitP1 })).status).toBe(404);
    expect((await fruitMerchant.get(`/merchant/fulfilment/batches/${fruitP1}`)).status).toBe(200);
    expect((await fruitMerchant.post("/merchant/fulfilment?index", { intent: "ship", batchId: "nope" })).status).toBe(400);

    expect((await fruitMerchant.post("/merchant/fulfilment?index", { intent: "ship", batchId: fruitP1 })).status).toBe(200);
    expect(await status(o.B!)).toBe("shipped");
    expect(await status(o.G!)).toBe("shipped");
    expect(await status(o.A!)).toBe("confirmed"); // its baby goods are still locked
    expect((await fruitMerchant.post("/merchant/fulfilment?index", { intent: "ship", batchId: fruitP1 })).status).toBe(409);
    expect((await babyMerchant.post("/merchant/fulfilment?index", { intent: "ship", batchId: babyP1 })).status).toBe(200);
    expect(await status(o.A!)).toBe("shipped");
    expect(await count("SELECT count(*) AS n FROM order_events WHERE event = 'ship'")).toBe(3);
  });
});

describe("arrival with shortages", () => {
  it("another leader cannot confirm; the own leader's shortage refunds exactly the affected lines", async () => {
    const batchOf = async (merchant: string) =>
      (await worker.d1
        .prepare("SELECT b.id FROM delivery_batches b JOIN merchants m ON m.id = b.merchant_id WHERE m.name = ? AND b.pickup_point_id = ?")
        .bind(merchant, p1)
        .first<{ id: string }>())!.id;
    const fruitP1 = await batchOf("鲜果坊");
    const form = (received: Record<string, number>, note = "") => {
      const f: Record<string, string> = { intent: "confirm-arrival", batchId: fruitP1 };
      Object.entries(received).forEach(([sku, n], i) => {
        f[`items[${i}].skuId`] = sku;
        f[`items[${i}].received`] = String(n);
        f[`items[${i}].note`] = note;
      });
      return f;
    };
    const other = await signIn("13800000022");
    expect((await other.post("/leader/arrivals", form({ [fruit[0]!.id]: 5, [fruit[1]!.id]: 1 }))).status).toBe(404);

    const leader = await signIn("13800000021");
    const list = await (await leader.get("/leader/arrivals")).text();
    expect(list).toContain("鲜果坊");
    expect((await leader.post("/leader/arrivals", form({ [fruit[0]!.id]: 6, [fruit[1]!.id]: 1 }))).status).toBe(400);
    // fruit[0]: 5 expected, 3 received → 2 short, from the newest order (B: 3 × for ¥10.00 → 333 + 333).
    // fruit[1]: 1 expected, 0 received → G (its only line) is refunded in full.
    // A shortage needs a reason; nothing is written without one.
    const unexplained = await leader.post("/leader/arrivals", form({ [fruit[0]!.id]: 3, [fruit[1]!.id]: 1 }));
    expect(unexplained.status).toBe(400);
    expect(await unexplained.text()).toContain("请写明缺货原因");
    expect(await count("SELECT count(*) AS n FROM delivery_batches WHERE id = ? AND status = 'arrived'", fruitP1)).toBe(0);
    // A "photo" that is not an image is refused by its bytes.
    const multipart = (photo: File) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(form({ [fruit[0]!.id]: 3, [fruit[1]!.id]: 0 }, "压坏了"))) fd.append(k, v);
      fd.append("items[0].photo", photo);
      return fd;
    };
    const fake = await leader.postMultipart("/leader/arrivals", multipart(new File(["<svg/>"], "x.png", { type: "image/png" })));
    expect(fake.status).toBe(400);
    expect(await fake.text()).toContain("照片只支持 JPG、PNG 或 WebP 格式");
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const res = await leader.postMultipart("/leader/arrivals", multipart(new File([png], "short.png", { type: "image/png" })));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("缺货 3 件");

    const refunds = await worker.d1.prepare("SELECT order_id, kind, amount_fen, status, lines FROM refunds ORDER BY amount_fen").all<{ order_id: string; kind: string; amount_fen: number; status: string; lines: string }>();
    expect(refunds.results.map((r) => [r.order_id, r.kind, r.amount_fen, r.status])).toEqual([
      [o.B, "shortage", 666, "succeeded"],
      [o.G, "shortage", 1590, "succeeded"],
    ]);
    const orders = await worker.d1.prepare("SELECT id, status, refunded_fen FROM orders WHERE id IN (?, ?, ?)").bind(o.A, o.B, o.G).all<{ id: string; status: string; refunded_fen: number }>();
    const by = Object.fromEntries(orders.results.map((r) => [r.id, r]));
    expect(by[o.B!]).toMatchObject({ status: "ready_for_pickup", refunded_fen: 666 });
    expect(by[o.G!]).toMatchObject({ status: "refunded", refunded_fen: 1590 });
    expect(by[o.A!]).toMatchObject({ status: "shipped", refunded_fen: 0 }); // waits for its baby batch
    const lineB = await worker.d1.prepare("SELECT refunded_qty, refunded_fen FROM order_lines WHERE order_id = ?").bind(o.B).first();
    expect(lineB).toEqual({ refunded_qty: 2, refunded_fen: 666 });
    expect(await count("SELECT sum(shortage_qty) AS n FROM delivery_batch_lines WHERE batch_id = ?", fruitP1)).toBe(3);
    expect(await count("SELECT count(*) AS n FROM delivery_batch_lines WHERE order_id = ? AND shortage_qty > 0", o.A)).toBe(0);
    const timelineG = await worker.d1.prepare("SELECT event, to_status FROM order_events WHERE order_id = ? ORDER BY rowid").bind(o.G).all<{ event: string; to_status: string }>();
    expect(timelineG.results.map((e) => e.to_status)).toEqual(["paid", "confirmed", "shipped", "refunding", "refunded"]);
    expect(await worker.d1.prepare("SELECT received_qty, shortage_note FROM delivery_batch_items WHERE batch_id = ? AND sku_id = ?").bind(fruitP1, fruit[0]!.id).first()).toEqual({ received_qty: 3, shortage_note: "压坏了" });
    // The merchant is told.
    expect(await count("SELECT count(*) AS n FROM outbox_messages WHERE body LIKE '%缺货 3 件%'")).toBe(1);

    // A double submit changes nothing.
    expect((await leader.post("/leader/arrivals", form({ [fruit[0]!.id]: 3, [fruit[1]!.id]: 0 }, "压坏了"))).status).toBe(409);
    expect(await count("SELECT count(*) AS n FROM refunds")).toBe(2);
    expect(await count("SELECT refunded_fen AS n FROM orders WHERE id = ?", o.B)).toBe(666);

    // The merchant sees the arrival and the shortage.
    const m = await signIn("13800000011");
    const detail = await (await m.get(`/merchant/fulfilment/batches/${fruitP1}`)).text();
    expect(detail).toContain("压坏了");
    // …with the leader's photo, private to the two of them.
    const photoPath = `/merchant/fulfilment/batches/${fruitP1}/photo/${fruit[0]!.id}`;
    expect(detail).toContain(photoPath);
    const photo = await m.get(photoPath);
    expect(photo.status).toBe(200);
    expect(photo.headers.get("Content-Type")).toBe("image/png");
    expect(photo.headers.get("Cache-Control")).toBe("private, no-store");
    expect(new Uint8Array(await photo.arrayBuffer())).toEqual(png);
    expect((await leader.get(`/leader/arrivals/photo/${fruitP1}/${fruit[0]!.id}`)).status).toBe(200);
    expect((await other.get(`/leader/arrivals/photo/${fruitP1}/${fruit[0]!.id}`)).status).toBe(404);
    expect((await (await signIn("13800000012")).get(photoPath)).status).toBe(404);
    // No photo for a line that was not photographed.
    expect((await m.get(`/merchant/fulfilment/batches/${fruitP1}/photo/${fruit[1]!.id}`)).status).toBe(404);

    // The baby batch arrives complete: A is now ready for pickup.
    const babyP1 = await batchOf("宝宝优选");
    const ok = await leader.post("/leader/arrivals", { intent: "confirm-arrival", batchId: babyP1, "items[0].skuId": baby[0]!.id, "items[0].received": "1" });
    expect(ok.status).toBe(200);
    expect(await status(o.A!)).toBe("ready_for_pickup");
  });

  it("an order refunded whole for a shortage ends refunded when its refund completes late (provider answered 'processing')", async () => {
    const fruit = await skusOf("鲜果坊");
    const point = await pointOf("leader1@demo.tuangou.test");
    const id = await order({ point, lines: [{ sku: fruit[0]!, qty: 1, payableFen: 3990 }], status: "shipped" });
    const payment = (await worker.d1.prepare("SELECT id FROM payments WHERE order_id = ?").bind(id).first<{ id: string }>())!.id;
    const old = Date.now() - 10 * 60_000;
    await worker.d1.batch([
      // What confirmArrival leaves when every unit was short and the provider took the refund asynchronously.
      worker.d1
        .prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, note, created_at) VALUES (?, ?, 'request_refund', 'shipped', 'refunding', 'leader', 'shortage', ?)")
        .bind(`oev_${ids()}`, id, old),
      worker.d1.prepare("UPDATE orders SET status = 'refunding' WHERE id = ?").bind(id),
      worker.d1
        .prepare(
          `INSERT INTO refunds (id, order_id, payment_id, kind, amount_fen, reason, lines, status, provider_refund_no, decided_at, created_at, updated_at)
           VALUES (?, ?, ?, 'shortage', 3990, 'shortage', '[]', 'processing', 'sbx_r', ?, ?, ?)`,
        )
        .bind(`rfd_${ids()}`, id, payment, old, old, old),
    ]);
    // The refund-completion cron asks the provider (the sandbox says succeeded) and books it once.
    expect((await worker.scheduled("*/5 * * * *")).outcome).toBe("ok");
    expect(await status(id)).toBe("refunded");
    expect(await count("SELECT refunded_fen AS n FROM orders WHERE id = ?", id)).toBe(3990);
    expect(await count("SELECT count(*) AS n FROM order_events WHERE order_id = ? AND to_status = 'refunded'", id)).toBe(1);
    expect((await worker.scheduled("*/5 * * * *")).outcome).toBe("ok");
    expect(await count("SELECT count(*) AS n FROM order_events WHERE order_id = ? AND to_status = 'refunded'", id)).toBe(1);
  });

  it("the cron runs a due cut-off once for its day", async () => {
    // Tomorrow 21:00:30 in Shanghai: the late order is locked for the day after.
    const shanghaiToday = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const at = Date.parse(`${shanghaiToday}T13:00:30Z`) + 24 * 3_600_000;
    expect((await worker.scheduled("*/2 * * * *", at)).outcome).toBe("ok");
    expect((await worker.scheduled("*/2 * * * *", at + 60_000)).outcome).toBe("ok");
    expect(await status(o.late!)).toBe("confirmed");
    expect(await count("SELECT count(*) AS n FROM cutoff_runs WHERE \"trigger\" = 'cron'")).toBe(1);
    expect(await count("SELECT count(*) AS n FROM order_events WHERE order_id = ? AND event = 'cut_off'", o.late)).toBe(1);
  });
});
