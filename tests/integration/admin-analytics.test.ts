/**
 * Analytics (issue 6 part 5, ADR 016): first-party event capture (what is accepted and refused),
 * the daily rollups on a hand-computed data set (two days across the 16:00 UTC boundary, refunds,
 * new and returning buyers) and their idempotency, the cron wiring, the dashboard's guards and the
 * CSV export, all through the built Worker on a real D1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rollupDay } from "../../app/modules/analytics/rollup.server";
import { Client, startWorker, type TestWorker } from "../support/worker";

let worker: TestWorker;
const as: Record<string, Client> = {};
const CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
const BROWSER = { "User-Agent": CHROME };

beforeAll(async () => {
  worker = await startWorker();
  const accounts = { shopper: "shopper1@demo.tuangou.test", leader: "leader1@demo.tuangou.test", merchant: "fruit@demo.tuangou.test", admin: "admin@demo.tuangou.test" };
  let n = 10;
  for (const [who, email] of Object.entries(accounts)) {
    const c = worker.client({ ip: `192.0.2.${n++}` });
    const res = await c.post("/login", { intent: "password", email, password: "demo-pass-2026" });
    expect(res.status, who).toBe(302);
    as[who] = c;
  }
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

type EventRow = { kind: string; day: string; visitor_hash: string; path: string | null; entity_id: string | null };
async function events(): Promise<EventRow[]> {
  return (await worker.d1.prepare("SELECT kind, day, visitor_hash, path, entity_id FROM analytics_events ORDER BY created_at, rowid").all<EventRow>()).results;
}
async function clearEvents() {
  await worker.d1.prepare("DELETE FROM analytics_events").run();
}

describe("event capture", () => {
  afterEach(clearEvents);

  it("stores nothing that identifies a person: the events table has no IP, user agent or user column", async () => {
    const cols = (await worker.d1.prepare("SELECT name FROM pragma_table_info('analytics_events') ORDER BY cid").all<{ name: string }>()).results.map((c) => c.name);
    expect(cols).toEqual(["id", "kind", "day", "visitor_hash", "path", "entity_id", "created_at"]);
  });

  it("a same-origin beacon records a page view (204) and sets the first-party visitor cookie", async () => {
    const visitor = worker.client({ ip: "198.51.100.1" });
    const res = await visitor.post("/beacon", { p: "/categories" }, BROWSER);
    expect(res.status).toBe(204);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("tg_vid="))!;
    expect(cookie).toMatch(/^tg_vid=[0-9a-z]{26}; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly$/);
    // It lasts until the next Shanghai midnight at most.
    expect(Number(/Max-Age=(\d+)/.exec(cookie)![1])).toBeLessThanOrEqual(24 * 60 * 60);
    const [first] = await events();
    expect(first).toMatchObject({ kind: "page_view", path: "/categories", entity_id: null });
    expect(first!.visitor_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The stored hash is not the cookie value.
    expect(first!.visitor_hash).not.toContain(visitor.cookies.get("tg_vid"));

    // The same browser again: same visitor hash, no new cookie; a product page is a product view.
    const again = await visitor.post("/beacon", { p: "/products/prd_demostrawberry000000" }, BROWSER);
    expect(again.status).toBe(204);
    expect(again.headers.getSetCookie().some((c) => c.startsWith("tg_vid="))).toBe(false);
    const rows = await events();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ kind: "product_view", path: "/products/prd_demostrawberry000000", entity_id: "prd_demostrawberry000000", visitor_hash: first!.visitor_hash });
  });

  it("marks the visitor cookie Secure on https", async () => {
    const secure = new Client(worker.fetch, "https://shop.example", "198.51.100.2");
    const res = await secure.post("https://shop.example/beacon", { p: "/" }, BROWSER);
    expect(res.status).toBe(204);
    // Over https it is a __Host- cookie (Secure, Path=/, host-only), renamed at the Worker's edge.
    expect(res.headers.getSetCookie().find((c) => c.startsWith("__Host-tg_vid="))).toMatch(/^__Host-tg_vid=[^;]+; Path=\/;.*; HttpOnly; Secure$/);
  });

  it("honours Global Privacy Control and Do Not Track: nothing recorded, no cookie, an earlier cookie removed", async () => {
    const visitor = worker.client({ ip: "198.51.100.3" });
    const gpc = await visitor.post("/beacon", { p: "/" }, { ...BROWSER, "Sec-GPC": "1" });
    expect(gpc.status).toBe(204);
    expect(gpc.headers.getSetCookie()).toEqual([]);
    const dnt = await visitor.post("/beacon", { p: "/" }, { ...BROWSER, DNT: "1" });
    expect(dnt.status).toBe(204);
    expect(await events()).toEqual([]);

    await visitor.post("/beacon", { p: "/" }, BROWSER);
    expect(visitor.cookies.has("tg_vid")).toBe(true);
    const optOut = await visitor.post("/beacon", { p: "/search" }, { ...BROWSER, "Sec-GPC": "1" });
    expect(optOut.headers.getSetCookie()).toEqual(["tg_vid=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly"]);
    expect(visitor.cookies.has("tg_vid")).toBe(false);
    expect((await events()).map((e) => e.path)).toEqual(["/"]);
  });

  it("ignores bots, browsers without a user agent and console pages", async () => {
    const c = worker.client({ ip: "198.51.100.4" });
    expect((await c.post("/beacon", { p: "/" }, { "User-Agent": "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)" })).status).toBe(204);
    expect((await c.post("/beacon", { p: "/" })).status).toBe(204);
    expect((await c.post("/beacon", { p: "/admin/analytics" }, BROWSER)).status).toBe(204);
    expect((await c.post("/beacon", { p: "/merchant" }, BROWSER)).status).toBe(204);
    expect(await events()).toEqual([]);
    expect(c.cookies.has("tg_vid")).toBe(false);
  });

  it("refuses cross-site beacons and those without an Origin (ADR 008), before they reach the app", async () => {
    const c = worker.client({ ip: "198.51.100.5" });
    const foreign = await c.post("/beacon", { p: "/" }, { ...BROWSER, Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const missing = await c.request("/beacon", { method: "POST", body: "p=%2F", headers: { ...BROWSER, "Content-Type": "application/x-www-form-urlencoded" } });
    expect(missing.status).toBe(403);
    expect(await events()).toEqual([]);
  });

  it("answers bad input with a field error (400), a non-form body with 415, GET with 405", async () => {
    const c = worker.client({ ip: "198.51.100.6" });
    const bodies: Array<Record<string, string>> = [{}, { p: "relative" }, { p: "/search?q=secret" }, { p: `/${"x".repeat(600)}` }];
    for (const body of bodies) {
      const res = await c.post("/beacon", body, BROWSER);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(await res.json()).toEqual({ error: { code: "validation_failed", fields: { p: ["path_invalid"] } } });
    }
    const text = await c.request("/beacon", { method: "POST", body: "/", headers: { ...BROWSER, Origin: c.origin, "Content-Type": "text/plain" } });
    expect(text.status).toBe(415);
    expect((await c.get("/beacon", BROWSER)).status).toBe(405);
    expect(await events()).toEqual([]);
  });

  it("records add-to-cart in the cart action and checkout start in the checkout page, with the beacon's visitor", async () => {
    const sku = (await worker.d1.prepare("SELECT s.id FROM skus s JOIN products p ON p.id = s.product_id WHERE p.id = 'prd_demoeggs000000000000'").first<{ id: string }>())!.id;
    // Anonymous: the guest cart.
    const guest = worker.client({ ip: "198.51.100.7" });
    await guest.post("/beacon", { p: "/products/prd_demoeggs000000000000" }, BROWSER);
    const added = await guest.post("/cart", { intent: "add", skuId: sku, quantity: "1" }, BROWSER);
    expect(added.status).toBe(200);
    // Setting a quantity is not an add.
    await guest.post("/cart", { intent: "set", skuId: sku, quantity: "3" }, BROWSER);
    const rows = await events();
    expect(rows.map((e) => [e.kind, e.entity_id])).toEqual([
      ["product_view", "prd_demoeggs000000000000"],
      ["add_to_cart", sku],
    ]);
    expect(rows[1]!.visitor_hash).toBe(rows[0]!.visitor_hash);

    // Signed in: the checkout page counts; without a user agent (a script) it does not.
    const shopper = as.shopper!;
    expect((await shopper.post("/cart", { intent: "add", skuId: sku, quantity: "1" })).status).toBe(200);
    expect((await shopper.get("/checkout")).status).toBe(200);
    expect((await shopper.get("/checkout", BROWSER)).status).toBe(200);
    const after = await events();
    expect(after.map((e) => e.kind)).toEqual(["product_view", "add_to_cart", "checkout_start"]);
    expect(after[2]!.path).toBe("/checkout");
    expect(shopper.cookies.has("tg_vid")).toBe(true);
    await shopper.post("/cart", { intent: "set", skuId: sku, quantity: "0" });
  });
});

// ---------- rollups on a hand-computed data set ----------

// Two Shanghai days, long past so that nothing else in the test world falls on them.
const D1 = "2025-03-10";
const D2 = "2025-03-11";
const EARLIER = "2025-03-01";
/** Shanghai wall-clock time → UTC epoch ms (UTC+8). */
const cst = (day: string, time: string) => Date.parse(`${day}T${time}+08:00`);

const A = "usr_demoshopper010000000";
const B = "usr_demoshopper020000000";
const C = "usr_demoshopper030000000";
const P1 = "pkp_demosunshine00000000";
const P2 = "pkp_demolakeside00000000";
const X = { product: "prd_demostrawberry000000", category: "cat_demofresh00000000000", merchant: "mch_demofruit00000000000" };
const Y = { product: "prd_demodiapers000000000", category: "cat_demobaby000000000000", merchant: "mch_demobaby000000000000" };
const Z = { product: "prd_demorice000000000000", category: "cat_demogrocery000000000", merchant: "mch_demobaby000000000000" };

let seq = 0;
function orderStatement(o: { id: string; user: string; point: string; status: string; paidFen: number; paidAt: number | null; createdAt?: number }) {
  const createdAt = o.createdAt ?? (o.paidAt ?? Date.parse("2025-03-01T00:00:00Z")) - 60_000;
  return worker.d1
    .prepare(
      `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, 0, ?5, ?6, '{}', 1, '{}', 'x', ?7, ?8, ?9, ?10, ?10)`,
    )
    .bind(o.id, o.user, o.point, o.status, o.paidFen, o.paidAt === null ? 0 : o.paidFen, `analytics-${seq++}`, createdAt + 30 * 60_000, o.paidAt, createdAt);
}
function lineStatement(id: string, orderId: string, dims: typeof X, quantity: number, payableFen: number) {
  return worker.d1
    .prepare(
      `INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen)
       VALUES (?1, ?2, 'sku_x', ?3, ?4, ?5, 't', 's', ?6, ?7, ?8, ?9, ?10)`,
    )
    .bind(id, orderId, dims.product, dims.merchant, dims.category, quantity, Math.ceil(payableFen / quantity), payableFen + 100, 100, payableFen);
}
function refundStatement(r: { id: string; orderId: string; kind: string; amountFen: number; lines: unknown[]; status: string; at: number }) {
  return worker.d1
    .prepare(`INSERT INTO refunds (id, order_id, kind, amount_fen, reason, lines, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'test', ?5, ?6, ?7, ?8)`)
    .bind(r.id, r.orderId, r.kind, r.amountFen, JSON.stringify(r.lines), r.status, r.at - 3_600_000, r.at);
}
function eventStatement(day: string, kind: string, visitor: string) {
  return worker.d1
    .prepare("INSERT INTO analytics_events (id, kind, day, visitor_hash, path, entity_id, created_at) VALUES (?1, ?2, ?3, ?4, NULL, NULL, ?5)")
    .bind(`evt_analytics${String(seq++).padStart(11, "0")}`, kind, day, visitor, cst(day, "12:00:00"));
}

type SalesRow = { day: string; dimension: string; dimension_id: string; orders: number; gmv_fen: number; items: number; buyers: number; refund_fen: number };
async function salesRows(days: string[]): Promise<SalesRow[]> {
  const placeholders = days.map((_, i) => `?${i + 1}`).join(", ");
  return (
    await worker.d1
      .prepare(`SELECT day, dimension, dimension_id, orders, gmv_fen, items, buyers, refund_fen FROM analytics_daily_sales WHERE day IN (${placeholders}) ORDER BY day, dimension, dimension_id`)
      .bind(...days)
      .all<SalesRow>()
  ).results;
}
async function funnelRow(day: string) {
  return worker.d1
    .prepare("SELECT visitors, product_viewers, cart_visitors, checkout_visitors, payers, buyers, new_buyers, returning_buyers, computed_at FROM analytics_daily_funnel WHERE day = ?1")
    .bind(day)
    .first<Record<string, number>>();
}
const row = (day: string, dimension: string, dimension_id: string, orders: number, gmv_fen: number, items: number, buyers: number, refund_fen: number): SalesRow => ({
  day,
  dimension,
  dimension_id,
  orders,
  gmv_fen,
  items,
  buyers,
  refund_fen,
});

/*
 * The data set, by hand:
 *   o5  B  P1  paid 03-01            100  (Z ×1 100)            → B is returning on D1
 *   o1  A  P1  paid D1 10:00         3000 (X ×2 2000, Y ×1 1000)
 *   o2  B  P2  paid D1 23:59:59.999  500  (X ×1 500)            = 15:59:59.999 UTC: still D1
 *   o3  A  P1  paid D2 00:00:00.000  1200 (Y ×3 1200)           = 16:00 UTC: D2; A is returning
 *   o4  C  P2  never paid                 (Y ×1 900)
 *   r1  o1 after-sales, succeeded D2: 1000 on line X of o1
 *   r2  o2 cancellation (no lines), succeeded D2: 500 → o2's lines at their payable amounts
 *   r3  o4 late payment, succeeded D2: 999 → never paid for an order: not counted
 *   r4  o3 after-sales, rejected D2: 1200 → not counted
 * Events on D1: v1 visits, views, adds, checks out; v2 visits twice and views; v3 only adds to cart.
 */
const ord = (n: number) => `ord_analytics${String(n).padStart(11, "0")}`;
const oli = (n: number) => `oli_analytics${String(n).padStart(11, "0")}`;

describe("daily rollups", () => {
  beforeAll(async () => {
    await worker.d1.batch([
      orderStatement({ id: ord(5), user: B, point: P1, status: "completed", paidFen: 100, paidAt: cst(EARLIER, "09:00:00") }),
      lineStatement(oli(50), ord(5), Z, 1, 100),
      orderStatement({ id: ord(1), user: A, point: P1, status: "completed", paidFen: 3000, paidAt: cst(D1, "10:00:00") }),
      lineStatement(oli(10), ord(1), X, 2, 2000),
      lineStatement(oli(11), ord(1), Y, 1, 1000),
      orderStatement({ id: ord(2), user: B, point: P2, status: "refunded", paidFen: 500, paidAt: Date.parse("2025-03-10T15:59:59.999Z") }),
      lineStatement(oli(20), ord(2), X, 1, 500),
      orderStatement({ id: ord(3), user: A, point: P1, status: "paid", paidFen: 1200, paidAt: Date.parse("2025-03-10T16:00:00.000Z") }),
      lineStatement(oli(30), ord(3), Y, 3, 1200),
      orderStatement({ id: ord(4), user: C, point: P2, status: "cancelled", paidFen: 900, paidAt: null, createdAt: cst(D1, "11:00:00") }),
      lineStatement(oli(40), ord(4), Y, 1, 900),
      refundStatement({ id: "rfd_analytics00000000001", orderId: ord(1), kind: "after_sales", amountFen: 1000, lines: [{ lineId: oli(10), quantity: 1, amountFen: 1000 }], status: "succeeded", at: cst(D2, "12:00:00") }),
      refundStatement({ id: "rfd_analytics00000000002", orderId: ord(2), kind: "cancellation", amountFen: 500, lines: [], status: "succeeded", at: cst(D2, "09:30:00") }),
      refundStatement({ id: "rfd_analytics00000000003", orderId: ord(4), kind: "late_payment", amountFen: 999, lines: [], status: "succeeded", at: cst(D2, "10:00:00") }),
      refundStatement({ id: "rfd_analytics00000000004", orderId: ord(3), kind: "after_sales", amountFen: 1200, lines: [{ lineId: oli(30), quantity: 3, amountFen: 1200 }], status: "rejected", at: cst(D2, "13:00:00") }),
      ...["page_view", "product_view", "add_to_cart", "checkout_start"].map((k) => eventStatement(D1, k, "v1")),
      eventStatement(D1, "page_view", "v2"),
      eventStatement(D1, "page_view", "v2"),
      eventStatement(D1, "product_view", "v2"),
      eventStatement(D1, "add_to_cart", "v3"),
      // The day after: a visit that must not count on D1.
      eventStatement(D2, "page_view", "v1"),
    ]);
  });

  const expected: SalesRow[] = [
    row(D1, "all", "", 2, 3500, 4, 2, 0),
    row(D1, "category", X.category, 2, 2500, 3, 2, 0),
    row(D1, "category", Y.category, 1, 1000, 1, 1, 0),
    row(D1, "merchant", Y.merchant, 1, 1000, 1, 1, 0),
    row(D1, "merchant", X.merchant, 2, 2500, 3, 2, 0),
    row(D1, "point", P2, 1, 500, 1, 1, 0),
    row(D1, "point", P1, 1, 3000, 3, 1, 0),
    row(D1, "product", Y.product, 1, 1000, 1, 1, 0),
    row(D1, "product", X.product, 2, 2500, 3, 2, 0),
    row(D2, "all", "", 1, 1200, 3, 1, 1500),
    row(D2, "category", Y.category, 1, 1200, 3, 1, 0),
    row(D2, "category", X.category, 0, 0, 0, 0, 1500),
    row(D2, "merchant", Y.merchant, 1, 1200, 3, 1, 0),
    row(D2, "merchant", X.merchant, 0, 0, 0, 0, 1500),
    row(D2, "point", P2, 0, 0, 0, 0, 500),
    row(D2, "point", P1, 1, 1200, 3, 1, 1000),
    row(D2, "product", Y.product, 1, 1200, 3, 1, 0),
    row(D2, "product", X.product, 0, 0, 0, 0, 1500),
  ].sort((a, b) => (a.day + a.dimension + a.dimension_id < b.day + b.dimension + b.dimension_id ? -1 : 1));

  it("computes sales per dimension exactly, by paid day and refund day, across the 16:00 UTC day boundary", async () => {
    await rollupDay({ db: worker.db }, D1, cst(D2, "01:00:00"));
    await rollupDay({ db: worker.db }, D2, cst(D2, "01:00:00"));
    expect(await salesRows([D1, D2])).toEqual(expected);
  });

  it("computes the funnel: distinct visitors per step that day, payers, new and returning buyers", async () => {
    expect(await funnelRow(D1)).toEqual({
      visitors: 3,
      product_viewers: 2,
      cart_visitors: 2,
      checkout_visitors: 1,
      payers: 2,
      buyers: 2,
      new_buyers: 1, // A: first paid order
      returning_buyers: 1, // B: paid on 03-01
      computed_at: cst(D2, "01:00:00"),
    });
    expect(await funnelRow(D2)).toEqual({
      visitors: 1,
      product_viewers: 0,
      cart_visitors: 0,
      checkout_visitors: 0,
      payers: 1,
      buyers: 1,
      new_buyers: 0,
      returning_buyers: 1, // A again
      computed_at: cst(D2, "01:00:00"),
    });
  });

  it("is idempotent: a rerun rewrites the same rows, and picks up a change to the day whole", async () => {
    await rollupDay({ db: worker.db }, D1, cst(D2, "02:00:00"));
    await rollupDay({ db: worker.db }, D1, cst(D2, "02:00:00"));
    expect(await salesRows([D1, D2])).toEqual(expected);
    expect((await funnelRow(D1))!.computed_at).toBe(cst(D2, "02:00:00"));
    // A product that stops selling on D1 disappears from D1's rows (the day is replaced, not merged).
    await worker.d1.prepare("UPDATE orders SET paid_at = ?1 WHERE id = ?2").bind(cst(EARLIER, "10:00:00"), ord(2)).run();
    await rollupDay({ db: worker.db }, D1);
    const d1 = await salesRows([D1]);
    expect(d1.find((r) => r.dimension === "point" && r.dimension_id === P2)).toBeUndefined();
    expect(d1.find((r) => r.dimension === "all")).toEqual(row(D1, "all", "", 1, 3000, 3, 1, 0));
    await worker.d1.prepare("UPDATE orders SET paid_at = ?1 WHERE id = ?2").bind(Date.parse("2025-03-10T15:59:59.999Z"), ord(2)).run();
    await rollupDay({ db: worker.db }, D1, cst(D2, "02:00:00"));
    expect(await salesRows([D1, D2])).toEqual(expected);
  });

  it("the 5-minute cron rolls up today, yesterday until it is final, and missing days; reruns change nothing", async () => {
    await worker.d1.batch([worker.d1.prepare("DELETE FROM analytics_daily_sales"), worker.d1.prepare("DELETE FROM analytics_daily_funnel")]);
    // 23:58 on D1 (15:58 UTC): today is D1, provisional.
    let res = await worker.scheduled("*/5 * * * *", Date.parse("2025-03-10T15:58:00Z"));
    expect(res.outcome).toBe("ok");
    expect((await funnelRow(D1))!.computed_at).toBe(Date.parse("2025-03-10T15:58:00Z"));
    expect(await funnelRow(D2)).toBeNull();
    // 00:03 on D2 (16:03 UTC): D2 is today; D1 is rolled up again, now with the whole day.
    res = await worker.scheduled("*/5 * * * *", Date.parse("2025-03-10T16:03:00Z"));
    expect(res.outcome).toBe("ok");
    expect((await funnelRow(D1))!.computed_at).toBe(Date.parse("2025-03-10T16:03:00Z"));
    expect((await funnelRow(D2))!.computed_at).toBe(Date.parse("2025-03-10T16:03:00Z"));
    // 00:30: the last run for D1 (final from now on) …
    await worker.scheduled("*/5 * * * *", Date.parse("2025-03-10T16:30:00Z"));
    // … so 00:35 refreshes D2 only.
    await worker.scheduled("*/5 * * * *", Date.parse("2025-03-10T16:35:00Z"));
    expect((await funnelRow(D1))!.computed_at).toBe(Date.parse("2025-03-10T16:30:00Z"));
    expect((await funnelRow(D2))!.computed_at).toBe(Date.parse("2025-03-10T16:35:00Z"));
    // A run lost in between (twice the same tick) changes nothing either.
    await worker.scheduled("*/5 * * * *", Date.parse("2025-03-10T16:35:00Z"));
    expect(await salesRows([D1, D2])).toEqual(expected);
    // Missing days of the last weeks were backfilled, at most 7 per run: 03-01 (o5) among them by now.
    const earlier = await salesRows([EARLIER]);
    expect(earlier.find((r) => r.dimension === "all")).toEqual(row(EARLIER, "all", "", 1, 100, 1, 1, 0));
    const days = (await worker.d1.prepare("SELECT count(*) AS n FROM analytics_daily_funnel WHERE day >= '2025-02-05' AND day <= ?1").bind(D2).first<{ n: number }>())!.n;
    // Newest first, at most 7 a run: 7 + 6 + 5 + 6 + 6 new days in the five runs (D1 twice more, D2 three times more).
    expect(days).toBe(30);
  });

  it("prunes raw events older than 35 days", async () => {
    await worker.d1.batch([eventStatement("2025-02-03", "page_view", "old"), eventStatement("2025-02-04", "page_view", "kept")]);
    // 2025-03-11 − 35 days = 2025-02-04: events before it go.
    await worker.scheduled("*/5 * * * *", Date.parse("2025-03-11T02:00:00Z"));
    const left = (await worker.d1.prepare("SELECT visitor_hash FROM analytics_events WHERE day < '2025-02-10'").all<{ visitor_hash: string }>()).results;
    expect(left.map((e) => e.visitor_hash)).toEqual(["kept"]);
  });
});

describe("the dashboard and its CSV", () => {
  const range = `from=${D1}&to=${D2}`;

  it("is for admins with read:analytics:any only", async () => {
    for (const path of [`/admin/analytics?${range}`, `/admin/analytics.csv?table=sales&${range}`]) {
      expect((await as.admin!.get(path)).status, `admin ${path}`).toBe(200);
      for (const who of ["shopper", "merchant", "leader"]) {
        const res = await as[who]!.get(path);
        expect(res.status, `${who} ${path}`).toBe(403);
      }
      const anonymous = await worker.client({ ip: "198.51.100.9" }).get(path);
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
  });

  it("shows the rollups: KPIs, charts with their tables, names, CSV links", async () => {
    const res = await as.admin!.get(`/admin/analytics?${range}&g=day`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const kpi = (id: string) => new RegExp(`data-testid="${id}-value"[^>]*>([^<]*)<`).exec(html)?.[1];
    expect(kpi("kpi-gmv")).toBe("¥47.00");
    expect(kpi("kpi-orders")).toBe("3");
    expect(kpi("kpi-avg-basket")).toBe("¥15.67"); // 4700 / 3 = 1566.67 → 1567 fen
    expect(kpi("kpi-buyers")).toBe("3");
    expect(kpi("kpi-returning")).toBe("66.7%"); // 2 of 3 buyer-days
    expect((html.match(/role="img"/g) ?? []).length).toBeGreaterThanOrEqual(7);
    for (const name of ["丹东 99 红颜草莓", "婴儿纸尿裤 L 码", "生鲜果蔬", "阳光花园便利店", "鲜果坊"]) expect(html).toContain(name);
    for (const table of ["sales", "funnel", "customers", "products", "categories", "points", "merchants"]) {
      expect(html).toContain(`/admin/analytics.csv?table=${table}&amp;from=${D1}&amp;to=${D2}&amp;g=day`);
    }
    // The table beneath the sales chart has the exact figures of both days.
    expect(html).toMatch(/<th scope="row"[^>]*>2025-03-10<\/th><td[^>]*>¥35.00<\/td><td[^>]*>2<\/td>/);
    expect(html).toMatch(/<th scope="row"[^>]*>2025-03-11<\/th><td[^>]*>¥12.00<\/td><td[^>]*>1<\/td>/);
    // By week: both days are one (partial) ISO week.
    const weekly = await (await as.admin!.get(`/admin/analytics?${range}&g=week`)).text();
    expect(weekly).toContain("2025-W11（03-10 至 03-11）（不完整）");
  });

  it("answers a bad range with 400 and field errors on the page", async () => {
    const res = await as.admin!.get("/admin/analytics?from=2025-03-11&to=2025-03-10");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("开始日期不能晚于结束日期。");
    expect((await as.admin!.get("/admin/analytics?range=14")).status).toBe(400);
  });

  it("exports CSV: BOM, yuan from fen, Shanghai dates, every row, the range in the filename", async () => {
    const res = await as.admin!.get(`/admin/analytics.csv?table=products&${range}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="analytics-products-${D1}_${D2}.csv"`);
    const bytes = new Uint8Array(await res.clone().arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect((await res.text()).replace(/^\uFEFF/, "").split("\r\n")).toEqual([
      "排名,编号,名称,成交额（元）,成交额占比（%）,订单数,件数,退款（元）",
      `1,${X.product},丹东 99 红颜草莓,25.00,53.2,2,3,15.00`,
      `2,${Y.product},婴儿纸尿裤 L 码,22.00,46.8,2,4,0.00`,
      "",
    ]);
    const sales = await (await as.admin!.get(`/admin/analytics.csv?table=sales&${range}&g=day`)).text();
    expect(sales.replace(/^\uFEFF/, "").split("\r\n").slice(1, 3)).toEqual([`${D1},${D1},${D1},2,35.00,4,2,17.50,0.00`, `${D2},${D2},${D2},1,12.00,3,1,12.00,15.00`]);
    const funnel = await (await as.admin!.get(`/admin/analytics.csv?table=funnel&${range}`)).text();
    expect(funnel.replace(/^\uFEFF/, "").split("\r\n").slice(1, 6)).toEqual(["访问,4,,", "浏览商品,2,50.0,50.0", "加入购物车,2,100.0,50.0", "进入结算,1,50.0,25.0", "付款,3,300.0,75.0"]);
    const en = await (await as.admin!.get(`/admin/analytics.csv?table=customers&${range}&g=week`, { "Accept-Language": "en" })).text();
    expect(en.replace(/^\uFEFF/, "").split("\r\n").slice(0, 2)).toEqual(["Period,From,To,Buyer-days,New buyers,Returning buyers,Returning share (%)", `2025-W11,${D1},${D2},3,1,2,66.7`]);
  });

  it("answers a bad CSV request with 400 and field errors", async () => {
    const res = await as.admin!.get(`/admin/analytics.csv?table=orders&from=${D1}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: "validation_failed", message: "The table or range is not valid.", fields: { table: ["table_invalid"], to: ["date_required"] } },
    });
    // Without a table, the sales over time.
    const plain = await as.admin!.get("/admin/analytics.csv");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-disposition")).toMatch(/analytics-sales-/);
  });
});
