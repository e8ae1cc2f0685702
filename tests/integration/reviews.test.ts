/**
 * Issue 10 part 5, reviews: a shopper reviews each picked-up line of their own order once (not
 * before pickup, not someone else's), with photos checked by their bytes; the review and its
 * points are one batch, so points come once; the product page (edge-cached for anonymous visitors)
 * shows the new numbers at once; the merchant of the product — and only they — replies and the
 * shopper hears of it; an admin with the moderation permission hides a review, which leaves the
 * page, its aggregates and its photos; the API lists and writes reviews (Idempotency-Key honoured).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { insertLedgerOrders, type LedgerOrderSpec } from "../support/ledger-orders";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
let ipN = 40;
const nextIp = () => `203.0.113.${ipN++}`;

const DAY = 24 * 60 * 60 * 1000;
const FRUIT = "mch_demofruit00000000000";
const A = "usr_demoshopper030000000";
const B = "usr_demoshopper040000000";
const id = (name: string) => `ord_rv${name}`.padEnd(24, "0");
const lineOf = (orderId: string, i = 0) => `oli_${orderId.slice(4, 20)}l${String(i).padStart(3, "0")}`;

let product: { skuId: string; productId: string; merchantId: string; categoryId: string };
let other: { skuId: string; productId: string; merchantId: string; categoryId: string };
const as: Record<string, Client> = {};

const one = async <T>(q: string, ...args: unknown[]) => (await worker.d1.prepare(q).bind(...args).first<T>())!;
const testid = (html: string, tid: string) => new RegExp(`data-testid="${tid}"[^>]*>([^<]*)<`).exec(html)?.[1];

async function signInPassword(email: string): Promise<Client> {
  const c = worker.client({ ip: nextIp() });
  expect((await c.post("/login", { intent: "password", email, password: "demo-pass-2026" })).status, email).toBe(302);
  return c;
}

async function signInPhone(userId: string): Promise<Client> {
  const c = worker.client({ ip: nextIp() });
  const phone = `138000001${userId.slice(15, 17)}`;
  expect((await c.post("/login", { intent: "request-code", channel: "sms", phone })).status).toBeLessThan(400);
  expect((await c.post("/login", { intent: "verify-code", channel: "sms", phone, code: await worker.latestCode(phone) })).status).toBe(302);
  return c;
}

function api(p: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "CF-Connecting-IP": nextIp(), ...init.headers };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  return worker.fetch(`/api/v1${p}`, { method: init.method ?? (init.body === undefined ? "GET" : "POST"), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

/** A tiny PNG whose header says 40 × 30 (the server reads the type and size from the bytes). */
function png(): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(64);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 40, 0, 0, 0, 30, 8, 6, 0, 0, 0]);
  return b;
}

function reviewForm(fields: Record<string, string>, photos: Array<{ bytes: Uint8Array<ArrayBuffer>; name: string; type: string }> = []) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const p of photos) form.append("photos", new Blob([p.bytes], { type: p.type }), p.name);
  return form;
}

/** The anonymous product page, as the edge cache serves it, with its summary numbers. */
async function productPage() {
  const res = await worker.client({ ip: nextIp() }).get(`/products/${product.productId}`);
  const html = await res.text();
  await new Promise((r) => setTimeout(r, 30));
  return { html, cache: res.headers.get("X-Edge-Cache"), average: testid(html, "review-average"), count: testid(html, "review-count") };
}

beforeAll(async () => {
  // The edge cache is on, as in production: a new or hidden review must show at once anyway.
  worker = await startWorker({ vars: { EDGE_CACHE_TTL: "60" } });
  const skus = (
    await worker.d1
      .prepare("SELECT s.id AS skuId, p.id AS productId, p.merchant_id AS merchantId, p.category_id AS categoryId FROM skus s JOIN products p ON p.id = s.product_id WHERE p.merchant_id = ? AND p.status = 'on_shelf' ORDER BY p.id, s.sort LIMIT 40")
      .bind(FRUIT)
      .all<typeof product>()
  ).results;
  product = skus[0]!;
  other = skus.find((s) => s.productId !== product.productId)!;
  const now = Date.now();
  const order = (name: string, userId: string, status: LedgerOrderSpec["status"], lines: LedgerOrderSpec["lines"]): LedgerOrderSpec => ({
    id: id(name),
    userId,
    pointId: "pkp_demosunshine00000000",
    status,
    createdAt: now - 3 * DAY,
    pickedUpAt: status === "ready_for_pickup" ? null : now - 2 * DAY,
    completedAt: status === "completed" ? now - DAY : null,
    rates: { platformFeeBp: 500, leaderCommissionBp: 1000, afterSalesWindowDays: 7 },
    lines,
  });
  await insertLedgerOrders(worker, [
    order("apicked", A, "picked_up", [
      { ...product, payableFen: 2990 },
      { ...other, payableFen: 1990 },
    ]),
    order("aready", A, "ready_for_pickup", [{ ...product, payableFen: 2990 }]),
    order("bdone", B, "completed", [{ ...product, payableFen: 2990 }]),
  ]);
  // The synthetic orders need what the order page reads: a pickup code it can decrypt (the seeded group order's) and a pricing breakdown.
  await worker.d1
    .prepare("UPDATE orders SET pickup_code_enc = (SELECT pickup_code_enc FROM orders WHERE pickup_code_enc <> 'x' LIMIT 1), pricing = '{\"applied\":[]}' WHERE id LIKE 'ord_rv%'")
    .run();
  as.a = await signInPhone(A);
  as.fruit = await signInPassword("fruit@demo.tuangou.test");
  as.baby = await signInPassword("baby@demo.tuangou.test");
  as.reviewer = await signInPassword("reviewer@demo.tuangou.test");
  as.finance = await signInPassword("finance@demo.tuangou.test");
}, 60_000);
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

let reviewA = "";

describe("a shopper's review", () => {
  it("is offered on each picked-up line of their order, and not before pickup", async () => {
    const page = await (await as.a!.get(`/orders/${id("apicked")}`)).text();
    expect(page).toContain(`/orders/${id("apicked")}/review/${lineOf(id("apicked"), 0)}`);
    expect(page).toContain(`/orders/${id("apicked")}/review/${lineOf(id("apicked"), 1)}`);
    const ready = await (await as.a!.get(`/orders/${id("aready")}`)).text();
    expect(ready).not.toContain("/review/");
    // The form itself says "not yet" for the uncollected order, and refuses to write.
    const form = await as.a!.get(`/orders/${id("aready")}/review/${lineOf(id("aready"))}`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("取货后才能评价");
    const early = await as.a!.postMultipart(`/orders/${id("aready")}/review/${lineOf(id("aready"))}`, reviewForm({ rating: "5", body: "还没拿到" }));
    expect(early.status).toBe(409);
    expect(await one("SELECT count(*) AS n FROM reviews")).toEqual({ n: 0 });
  });

  it("answers bad input with field errors and writes nothing", async () => {
    const path = `/orders/${id("apicked")}/review/${lineOf(id("apicked"))}`;
    const noRating = await as.a!.postMultipart(path, reviewForm({ body: "不错" }));
    expect(noRating.status).toBe(400);
    expect(await noRating.text()).toContain("请选择 1 到 5 星的评分");
    const tooLong = await as.a!.postMultipart(path, reviewForm({ rating: "4", body: "好".repeat(501) }));
    expect(tooLong.status).toBe(400);
    const notImage = await as.a!.postMultipart(path, reviewForm({ rating: "4" }, [{ bytes: new TextEncoder().encode("<svg onload=alert(1)>"), name: "x.png", type: "image/png" }]));
    expect(notImage.status).toBe(400);
    expect(await notImage.text()).toContain("只支持 JPG、PNG 或 WebP");
    const four = Array.from({ length: 4 }, (_, i) => ({ bytes: png(), name: `${i}.png`, type: "image/png" }));
    expect((await as.a!.postMultipart(path, reviewForm({ rating: "4" }, four))).status).toBe(400);
    expect(await one("SELECT count(*) AS n FROM reviews")).toEqual({ n: 0 });
    expect((await worker.images.list({ prefix: "reviews/" })).objects).toHaveLength(0);
  });

  it("is written once per line with its photo, and earns the points once", async () => {
    const path = `/orders/${id("apicked")}/review/${lineOf(id("apicked"))}`;
    const before = await productPage();
    expect(before.html).toContain("还没有评价");
    expect((await productPage()).cache).toBe("HIT");
    const res = await as.a!.postMultipart(path, reviewForm({ rating: "5", body: "草莓很甜，个头也大。" }, [{ bytes: png(), name: "berry.png", type: "image/png" }]));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`${path}?done=10`);
    const row = await one<{ id: string; rating: number; photos: string; product_id: string; merchant_id: string }>("SELECT id, rating, photos, product_id, merchant_id FROM reviews WHERE order_line_id = ?", lineOf(id("apicked")));
    reviewA = row.id;
    expect(row).toMatchObject({ rating: 5, product_id: product.productId, merchant_id: FRUIT });
    expect(JSON.parse(row.photos)).toEqual([`reviews/${reviewA}/1.png`]);
    expect(await one("SELECT kind, points, key FROM points_entries WHERE user_id = ? AND kind = 'review'", A)).toEqual({ kind: "review", points: 10, key: `review:${reviewA}` });
    // The page now shows the review instead of the form.
    const done = await (await as.a!.get(`${path}?done=10`)).text();
    expect(done).toContain("已获得 10 积分");
    expect(done).toContain("草莓很甜");
    // Again (another tab): refused, nothing more written, no second points.
    const again = await as.a!.postMultipart(path, reviewForm({ rating: "1", body: "再评一次" }));
    expect(again.status).toBe(409);
    expect(await one("SELECT count(*) AS n FROM reviews WHERE order_line_id = ?", lineOf(id("apicked")))).toEqual({ n: 1 });
    expect(await one("SELECT count(*) AS n, sum(points) AS total FROM points_entries WHERE user_id = ? AND kind = 'review'", A)).toEqual({ n: 1, total: 10 });
    // The review is final: the database refuses an edit of what it says.
    await expect(worker.d1.prepare("UPDATE reviews SET rating = 1 WHERE id = ?").bind(reviewA).run()).rejects.toThrow(/review_is_final/);
    // The photo is served publicly while the review is visible.
    const photo = await worker.client({ ip: nextIp() }).get(`/review-photos/${reviewA}/1.png`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get("Content-Type")).toBe("image/png");
  });

  it("cannot be written on someone else's order", async () => {
    const res = await as.a!.postMultipart(`/orders/${id("bdone")}/review/${lineOf(id("bdone"))}`, reviewForm({ rating: "1" }));
    expect(res.status).toBe(404);
    expect((await as.a!.get(`/orders/${id("bdone")}/review/${lineOf(id("bdone"))}`)).status).toBe(404);
    expect(await one("SELECT count(*) AS n FROM reviews WHERE order_id = ?", id("bdone"))).toEqual({ n: 0 });
  });
});

describe("the API and the product page", () => {
  let tokenB = "";
  it("writes a review by JSON, honouring Idempotency-Key, and refuses bad input", async () => {
    // B signs in by code for a bearer token.
    const phone = `138000001${B.slice(15, 17)}`;
    expect((await api("/auth/code", { body: { channel: "sms", phone } })).status).toBeLessThan(300);
    const signed = await api("/auth/sign-in", { body: { method: "code", channel: "sms", phone, code: await worker.latestCode(phone) } });
    expect(signed.status).toBe(200);
    tokenB = ((await signed.json()) as { token: string }).token;
    const path = `/orders/${id("bdone")}/lines/${lineOf(id("bdone"))}/review`;
    const bad = await api(path, { token: tokenB, body: { rating: 6 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Record<string, string[]> } }).error.fields.rating).toEqual(["rating_invalid"]);
    const headers = { "Idempotency-Key": "review-b-0001" };
    const first = await api(path, { token: tokenB, body: { rating: 2, body: "有两颗坏了。" }, headers });
    expect(first.status).toBe(201);
    const written = (await first.json()) as { reviewId: string; points: number };
    expect(written.points).toBe(10);
    const replay = await api(path, { token: tokenB, body: { rating: 2, body: "有两颗坏了。" }, headers });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(written);
    const otherKey = await api(path, { token: tokenB, body: { rating: 3 }, headers: { "Idempotency-Key": "review-b-0002" } });
    expect(otherKey.status).toBe(409);
    expect(((await otherKey.json()) as { error: { code: string } }).error.code).toBe("already_reviewed");
    expect(await one("SELECT count(*) AS n, sum(points) AS total FROM points_entries WHERE user_id = ? AND kind = 'review'", B)).toEqual({ n: 1, total: 10 });
    // A's other line, with A's review of someone else's line refused by the API too.
    expect((await api(`/orders/${id("apicked")}/lines/${lineOf(id("apicked"), 1)}/review`, { token: tokenB, body: { rating: 4 } })).status).toBe(404);
  });

  it("shows the summary and the best reviews on the (edge-cached) product page, at once", async () => {
    const page = await productPage();
    expect(page.average).toBe("3.5");
    expect(page.count).toBe("2 条评价");
    expect(page.html).toContain("草莓很甜");
    // Only good reviews are highlighted; the bad one is in the list, under its filter.
    expect(page.html).not.toContain("有两颗坏了");
    expect(page.html).toContain(`/review-photos/${reviewA}/1.png`);
    expect(page.html).toMatch(/data-testid="review-dist-5"[\s\S]*?>1<\/td>/);
    expect((await productPage()).cache).toBe("HIT");

    const list = await (await worker.client({ ip: nextIp() }).get(`/products/${product.productId}/reviews?filter=bad`)).text();
    expect(list).toContain("有两颗坏了");
    expect(list).not.toContain("草莓很甜");
    expect(list).toContain("差评（1）");
    expect(list).toContain("有图（1）");
    // Masked names: the first character and two stars.
    expect(list).toMatch(/>[^<>]\*\*</);

    const json = (await (await api(`/products/${product.productId}/reviews?filter=all`)).json()) as { summary: { count: number; average: number; distribution: Array<{ stars: number; count: number; percent: number }> }; items: Array<{ rating: number; name: string }>; pages: number };
    expect(json.summary.count).toBe(2);
    expect(json.summary.average).toBe(3.5);
    expect(json.summary.distribution.map((d) => [d.stars, d.count, d.percent])).toEqual([[5, 1, 50], [4, 0, 0], [3, 0, 0], [2, 1, 50], [1, 0, 0]]);
    expect(json.items.map((i) => i.rating)).toEqual([2, 5]);
    expect(json.items.every((i) => i.name.endsWith("**"))).toBe(true);
    expect((await api(`/products/${product.productId}/reviews?page=0`)).status).toBe(400);
    expect((await api(`/products/prd_00000000000000000000/reviews`)).status).toBe(404);
  });
});

describe("merchant replies", () => {
  it("only the product's merchant replies; the shopper hears of it and the page shows it", async () => {
    expect((await as.baby!.post("/merchant/reviews", { intent: "reply", reviewId: reviewA, reply: "谢谢" })).status).toBe(404);
    expect((await as.a!.post("/merchant/reviews", { intent: "reply", reviewId: reviewA, reply: "谢谢" })).status).toBe(403);
    expect((await as.fruit!.post("/merchant/reviews", { intent: "reply", reviewId: reviewA, reply: "   " })).status).toBe(400);
    const list = await (await as.fruit!.get("/merchant/reviews?filter=unanswered")).text();
    expect(list).toContain(reviewA);
    expect((await as.baby!.get("/merchant/reviews")).status).toBe(200);
    expect(await (await as.baby!.get("/merchant/reviews")).text()).not.toContain(reviewA);

    expect((await as.fruit!.post("/merchant/reviews", { intent: "reply", reviewId: reviewA, reply: "感谢支持，欢迎再来！" })).status).toBe(200);
    expect((await as.fruit!.post("/merchant/reviews", { intent: "reply", reviewId: reviewA, reply: "感谢支持，明天还有新到的草莓！" })).status).toBe(200);
    expect(await one("SELECT reply FROM reviews WHERE id = ?", reviewA)).toEqual({ reply: "感谢支持，明天还有新到的草莓！" });
    // One notice, for the first reply only.
    expect(await one("SELECT count(*) AS n, max(link) AS link FROM notifications WHERE user_id = ? AND kind = 'order.review_replied'", A)).toEqual({ n: 1, link: `/products/${product.productId}/reviews` });
    expect((await productPage()).html).toContain("明天还有新到的草莓");
  });
});

describe("admin moderation", () => {
  it("needs the moderation permission and a reason", async () => {
    expect((await as.finance!.get("/admin/reviews")).status).toBe(403);
    expect((await as.finance!.post("/admin/reviews", { intent: "hide", reviewId: reviewA, reason: "x" })).status).toBe(403);
    expect((await as.fruit!.get("/admin/reviews")).status).toBe(403);
    const noReason = await as.reviewer!.post("/admin/reviews", { intent: "hide", reviewId: reviewA, reason: "" });
    expect(noReason.status).toBe(400);
    expect(await one("SELECT status FROM reviews WHERE id = ?", reviewA)).toEqual({ status: "visible" });
    expect(await (await as.reviewer!.get("/admin/reviews?filter=low")).text()).not.toContain(reviewA);
  });

  it("hides a review from the page, its numbers and its photos (points stay), audited; and shows it again", async () => {
    const hidden = await as.reviewer!.post("/admin/reviews", { intent: "hide", reviewId: reviewA, reason: "含有他人电话号码" });
    expect(hidden.status).toBe(200);
    expect(await one("SELECT action, data FROM audit_log WHERE entity_id = ? ORDER BY created_at DESC LIMIT 1", reviewA)).toMatchObject({ action: "review.hide" });
    const page = await productPage();
    expect(page.average).toBe("2.0");
    expect(page.count).toBe("1 条评价");
    expect(page.html).not.toContain("草莓很甜");
    expect(await one("SELECT stars_5, stars_2, with_photos FROM product_review_stats WHERE product_id = ?", product.productId)).toEqual({ stars_5: 0, stars_2: 1, with_photos: 0 });
    expect((await worker.client({ ip: nextIp() }).get(`/review-photos/${reviewA}/1.png`)).status).toBe(404);
    expect((await as.reviewer!.get(`/review-photos/${reviewA}/1.png`)).status).toBe(200);
    expect(await one("SELECT sum(points) AS total FROM points_entries WHERE user_id = ? AND kind = 'review'", A)).toEqual({ total: 10 });
    expect(await (await as.reviewer!.get("/admin/reviews?filter=hidden")).text()).toContain("含有他人电话号码");
    // Twice: refused, one audit row.
    expect((await as.reviewer!.post("/admin/reviews", { intent: "hide", reviewId: reviewA, reason: "again" })).status).toBe(409);
    expect(await one("SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action = 'review.hide'", reviewA)).toEqual({ n: 1 });

    expect((await as.reviewer!.post("/admin/reviews", { intent: "unhide", reviewId: reviewA, reason: "号码已核实是商家客服电话" })).status).toBe(200);
    expect((await productPage()).average).toBe("3.5");
  });

  it("keeps the per-product counts equal to a recount of the visible reviews", async () => {
    const kept = await one("SELECT stars_1, stars_2, stars_3, stars_4, stars_5, with_photos FROM product_review_stats WHERE product_id = ?", product.productId);
    const recount = await one(
      `SELECT sum(rating = 1) AS stars_1, sum(rating = 2) AS stars_2, sum(rating = 3) AS stars_3, sum(rating = 4) AS stars_4, sum(rating = 5) AS stars_5, sum(json_array_length(photos) > 0) AS with_photos
       FROM reviews WHERE product_id = ? AND status = 'visible'`,
      product.productId,
    );
    expect(kept).toEqual(recount);
  });

  it("reads the product page's highlights and lists from their indexes, without sorting", async () => {
    const plan = async (q: string) =>
      (await worker.d1.prepare(`EXPLAIN QUERY PLAN ${q}`).bind(product.productId).all<{ detail: string }>()).results.map((r) => r.detail).join(" | ");
    const highlights = await plan(
      "SELECT r.id FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.product_id = ? AND r.status = 'visible' AND r.rank >= 1 ORDER BY r.rank DESC, r.created_at DESC LIMIT 3",
    );
    expect(highlights).toContain("reviews_product_rank_idx");
    expect(highlights).not.toContain("TEMP B-TREE");
    const list = await plan("SELECT r.id FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.product_id = ? AND r.status = 'visible' AND r.rating <= 2 ORDER BY r.created_at DESC, r.rowid DESC LIMIT 10");
    expect(list).toContain("reviews_product_idx");
    expect(list).not.toContain("TEMP B-TREE");
  });
});
