/**
 * Issue 10 part 4, share rewards and share cards (ADR 023): a friend who arrives through a
 * shopper's /s/<code> link, buys, and collects rewards the sharer once, at pickup (points in the
 * ledger, an inbox notice); a second order in the period rewards nothing; self-referral, a shared
 * device, the daily cap are refused with their reasons; the coupon reward and its points fallback;
 * the product and group pages' Open Graph/Twitter tags; the product poster.
 *
 * The friend's first order goes through the real pages (arrival, cart, checkout); it is then moved
 * to "ready for pickup" in D1 (payment and arrival are other tests' business) and handed over by the
 * leader through the API. Other orders are written straight into D1 with their sharer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { encryptField, lookupHash } from "../../app/lib/field-crypto.server";
import { startWorker, TEST_SECRETS, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
let leaderToken = "";
const P1 = "pkp_demosunshine00000000"; // leader1 张团长
const SHARER = "usr_demoshopper090000000"; // 何师傅 13800000109
const FRIEND = "usr_demoshopper100000000"; // 高同学 13800000110
const SHARER2 = "usr_demoshopper120000000"; // 梁爸爸 13800000112
const STRAWBERRY = "sku_demostrawberry000001";
let seq = 0;
const suffix = () => `${Date.now().toString(36)}${(seq++).toString(36).padStart(4, "0")}`.padEnd(20, "0").slice(0, 20);
let codeSeq = 20_000_000 + Math.floor(Math.random() * 50_000_000);

const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const all = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).all<T>()).results;

beforeAll(async () => {
  worker = await startWorker();
  const res = await worker.fetch("/api/v1/auth/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": "203.0.113.70" },
    body: JSON.stringify({ method: "password", email: "leader1@demo.tuangou.test", password: "demo-pass-2026" }),
  });
  expect(res.status).toBe(200);
  leaderToken = ((await res.json()) as { token: string }).token;
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

async function signIn(userId: string, ip: string, c: Client = worker.client({ ip })): Promise<Client> {
  const phone = `138000001${userId.slice(15, 17)}`;
  expect((await c.post("/login", { intent: "request-code", channel: "sms", phone })).status).toBeLessThan(400);
  expect((await c.post("/login", { intent: "verify-code", channel: "sms", phone, code: await worker.latestCode(phone) })).status).toBe(302);
  return c;
}

async function setReward(value: Record<string, unknown>) {
  const full = { kind: "points", points: 50, couponTemplateId: null, periodDays: 30, dailyCapPerSharer: 20, ...value };
  await worker.d1.prepare("INSERT INTO settings (key, value, version, updated_at) VALUES ('share.reward', ?, 1, 0) ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = version + 1").bind(JSON.stringify(full)).run();
}

/** A user no other test knows (orders written directly need no sign-in). */
async function newUser(name: string): Promise<string> {
  const id = `usr_${suffix()}`;
  await worker.d1.prepare("INSERT INTO users (id, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)").bind(id, name, Date.now(), Date.now()).run();
  return id;
}

/** A ready-for-pickup order of `buyer` at P1 that came through `sharer`'s link. */
async function readyOrder(buyer: string, sharer: string | null): Promise<string> {
  const id = `ord_${suffix()}`;
  const code = String(codeSeq++);
  const now = Date.now();
  const sku = await one<{ productId: string; merchantId: string; categoryId: string }>("SELECT s.product_id AS productId, p.merchant_id AS merchantId, p.category_id AS categoryId FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = ?", STRAWBERRY);
  await worker.d1.batch([
    worker.d1
      .prepare(
        `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, sharer_user_id, created_at, updated_at)
         VALUES (?, ?, ?, 'ready_for_pickup', 3990, 0, 3990, 3990, '{}', 1, '{}', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(id, buyer, P1, await encryptField(TEST_SECRETS, "pickup_code", code), await lookupHash(TEST_SECRETS, `pickup:${P1}`, code), now, now - 3_600_000, sharer, now - 7_200_000, now - 60_000),
    worker.d1.prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES (?, ?, 'arrive', NULL, 'ready_for_pickup', 'system', ?)").bind(`oev_${suffix()}`, id, now - 3_600_000),
    worker.d1
      .prepare(
        `INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen)
         VALUES (?, ?, ?, ?, ?, ?, '草莓', '1 盒', 1, 3990, 3990, 0, 3990)`,
      )
      .bind(`oli_${suffix()}`, id, STRAWBERRY, sku.productId, sku.merchantId, sku.categoryId),
  ]);
  return id;
}

async function handOver(orderId: string) {
  const res = await worker.fetch("/api/v1/leader/pickups", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${leaderToken}`, "Idempotency-Key": `share-${orderId}`, "CF-Connecting-IP": "203.0.113.70" },
    body: JSON.stringify({ orderId }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

const conversion = (orderId: string) => one<{ status: string; reason: string | null; reward_kind: string | null; points: number | null; user_coupon_id: string | null; coupon_fallback: number } | null>(
  "SELECT status, reason, reward_kind, points, user_coupon_id, coupon_fallback FROM share_conversions WHERE order_id = ?",
  orderId,
);
const sharePoints = async (userId: string) => (await one<{ n: number; total: number | null }>("SELECT count(*) AS n, sum(points) AS total FROM points_entries WHERE user_id = ? AND kind = 'share_reward'", userId));

let sharerClient: Client;
let productId = "";

describe("share rewards", () => {
  it("a friend who arrives through /s/<code> and collects rewards the sharer once, at pickup", async () => {
    productId = (await one<{ product_id: string }>("SELECT product_id FROM skus WHERE id = ?", STRAWBERRY)).product_id;
    sharerClient = await signIn(SHARER, "198.51.100.21");
    expect(sharerClient.cookies.get("tg_dev")).toMatch(/^[0-9a-z]{26}$/);
    const page = await sharerClient.get(`/products/${productId}/share`);
    expect(page.status).toBe(200);
    const shareUrl = /data-testid="share-url"[^>]*>([^<]+)</.exec(await page.text())![1]!;
    const code = (await one<{ code: string }>("SELECT code FROM share_codes WHERE user_id = ?", SHARER)).code;
    // An opaque code, never the user id.
    expect(shareUrl).toBe(`http://localhost/s/${code}?to=/products/${productId}`);
    expect(shareUrl).not.toContain(SHARER);

    const friend = await signIn(FRIEND, "198.51.100.22");
    await worker.d1.prepare("INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) VALUES (?, ?, 'chosen', 0) ON CONFLICT (user_id) DO UPDATE SET pickup_point_id = excluded.pickup_point_id").bind(FRIEND, P1).run();
    const arrived = await friend.get(new URL(shareUrl).pathname + new URL(shareUrl).search);
    expect(arrived.status).toBe(303);
    expect(arrived.headers.get("location")).toBe(`/products/${productId}`);
    expect(friend.cookies.get("tg_share")).toBe(code);
    expect((await one<{ visits: number }>("SELECT visits FROM share_links WHERE user_id = ? AND path = ?", SHARER, `/products/${productId}`)).visits).toBe(1);

    // The friend buys through the checkout page: the order records the sharer.
    expect((await friend.post("/cart", { intent: "add", skuId: STRAWBERRY, quantity: "1" })).status).toBeLessThan(400);
    const html = await (await friend.get("/checkout?coupon=none")).text();
    const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
    const placed = await friend.post("/checkout", { coupon: "none", provider: "sandbox", expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey"), fulfilment: "pickup" });
    expect(placed.status).toBe(302);
    const { id: orderId, sharer_user_id } = await one<{ id: string; sharer_user_id: string }>("SELECT id, sharer_user_id FROM orders WHERE user_id = ? ORDER BY created_at DESC LIMIT 1", FRIEND);
    expect(sharer_user_id).toBe(SHARER);
    // Paid is not enough: nothing yet.
    expect(await conversion(orderId)).toBeNull();

    const now = Date.now();
    await worker.d1.batch([
      worker.d1.prepare("UPDATE orders SET status = 'ready_for_pickup', paid_fen = payable_fen, paid_at = ? WHERE id = ?").bind(now, orderId),
      // (payment and arrival are other tests' business: the timeline jumps straight to "ready").
      worker.d1.prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES (?, ?, 'arrive', 'pending_payment', 'ready_for_pickup', 'system', ?)").bind(`oev_${suffix()}`, orderId, now),
    ]);
    await handOver(orderId);
    expect(await conversion(orderId)).toEqual({ status: "rewarded", reason: null, reward_kind: "points", points: 50, user_coupon_id: null, coupon_fallback: 0 });
    expect(await sharePoints(SHARER)).toEqual({ n: 1, total: 50 });
    expect(await one("SELECT kind, link FROM notifications WHERE user_id = ? AND kind LIKE 'share.%'", SHARER)).toEqual({ kind: "share.reward_points", link: "/me/shares" });
    // The same hand-over again (a replay) changes nothing.
    await handOver(orderId);
    expect(await sharePoints(SHARER)).toEqual({ n: 1, total: 50 });

    // A second order of the same friend in the period: recorded, not rewarded.
    const second = await readyOrder(FRIEND, SHARER);
    await handOver(second);
    expect(await conversion(second)).toMatchObject({ status: "refused", reason: "period_repeat", reward_kind: null });
    expect(await sharePoints(SHARER)).toEqual({ n: 1, total: 50 });

    // The sharer's view: masked friend, the reward and the refusal, the link with its visit.
    const mine = await (await sharerClient.get("/me/shares")).text();
    expect(mine).toContain("高*");
    expect(mine).not.toContain("高同学");
    expect(mine).toContain("50 积分");
    expect(mine).toContain("这位好友本周期内已奖励过");
    expect(mine).toContain("1 次访问");
  });

  it("refuses self-referral and accounts that used the sharer's device, with reasons", async () => {
    const self = await readyOrder(SHARER, SHARER);
    await handOver(self);
    expect(await conversion(self)).toMatchObject({ status: "refused", reason: "self_referral" });

    // Another account signs in on the sharer's browser (the same device-id cookie).
    const sameBrowser = worker.client({ ip: "198.51.100.23" });
    sameBrowser.cookies.set("tg_dev", sharerClient.cookies.get("tg_dev")!);
    await signIn("usr_demoshopper110000000", "198.51.100.23", sameBrowser);
    const clustered = await readyOrder("usr_demoshopper110000000", SHARER);
    await handOver(clustered);
    expect(await conversion(clustered)).toMatchObject({ status: "refused", reason: "same_device" });
    expect(await sharePoints(SHARER)).toEqual({ n: 1, total: 50 });
  });

  it("stops at the sharer's daily cap", async () => {
    await setReward({ dailyCapPerSharer: 2 });
    const a = await readyOrder(await newUser("甲"), SHARER);
    const b = await readyOrder(await newUser("乙"), SHARER);
    await handOver(a);
    await handOver(b);
    expect(await conversion(a)).toMatchObject({ status: "rewarded" });
    expect(await conversion(b)).toMatchObject({ status: "refused", reason: "daily_cap" });
    expect(await sharePoints(SHARER)).toEqual({ n: 2, total: 100 });
  });

  it("gives a coupon when configured, and the points instead once the template cannot issue one", async () => {
    const template = `cpt_${suffix()}`;
    const now = Date.now();
    await worker.d1
      .prepare(
        `INSERT INTO coupon_templates (id, name_zh, name_en, funding, kind, amount_fen, starts_at, ends_at, total_limit, per_user_limit, claimable, status, created_at)
         VALUES (?, '分享奖励券', 'Share reward', 'platform', 'fixed', 500, ?, ?, NULL, 1, 0, 'active', ?)`,
      )
      .bind(template, now - 60_000, now + 30 * 86_400_000, now)
      .run();
    await setReward({ kind: "coupon", couponTemplateId: template, points: 30 });
    const first = await readyOrder(await newUser("丙"), SHARER2);
    await handOver(first);
    const c1 = await conversion(first);
    expect(c1).toMatchObject({ status: "rewarded", reward_kind: "coupon", points: null, coupon_fallback: 0 });
    expect(await one("SELECT user_id, source, template_id FROM user_coupons WHERE id = ?", c1!.user_coupon_id)).toEqual({ user_id: SHARER2, source: "share_reward", template_id: template });
    // Per-user limit 1: the next reward cannot be a coupon, so it is the points.
    const second = await readyOrder(await newUser("丁"), SHARER2);
    await handOver(second);
    expect(await conversion(second)).toMatchObject({ status: "rewarded", reward_kind: "points", points: 30, coupon_fallback: 1 });
    expect(await sharePoints(SHARER2)).toEqual({ n: 1, total: 30 });
    expect((await all<{ kind: string }>("SELECT kind FROM notifications WHERE user_id = ? AND kind LIKE 'share.%' ORDER BY created_at", SHARER2)).map((n) => n.kind)).toEqual(["share.reward_coupon", "share.reward_fallback"]);
    await setReward({});
  });
});

describe("share cards and posters", () => {
  const meta = (html: string, key: string) => new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`).exec(html)?.[1];

  it("product and group pages carry Open Graph and Twitter tags with an absolute picture", async () => {
    const html = await (await worker.fetch(`/products/${productId}`)).text();
    expect(meta(html, "og:image")).toMatch(/^http:\/\/localhost\/images\//);
    expect(meta(html, "og:url")).toBe(`http://localhost/products/${productId}`);
    expect(meta(html, "og:description")).toMatch(/¥\d+\.\d{2}/);
    expect(meta(html, "twitter:card")).toBe("summary_large_image");
    for (const k of ["og:title", "og:type", "og:site_name", "twitter:title", "twitter:description", "twitter:image"]) expect(meta(html, k), k).toBeTruthy();
    expect(html).toContain(`href="/products/${productId}/share"`);

    const group = await (await worker.fetch("/groups/grp_demoapple00000000000?from=usr_demoshopper110000000")).text();
    expect(meta(group, "og:image")).toMatch(/^http:\/\/localhost\/images\//);
    expect(meta(group, "og:url")).toBe("http://localhost/groups/grp_demoapple00000000000");
    expect(meta(group, "twitter:card")).toBe("summary_large_image");
    expect(meta(group, "og:description")).toMatch(/¥\d+\.\d{2}/);
  });

  it("the poster is an SVG with the QR of the viewer's share link and the title escaped", async () => {
    await worker.d1.prepare("UPDATE products SET title_zh = ? WHERE id = ?").bind(`草莓 <b>"甜"</b> & 香`, productId).run();
    const res = await sharerClient.get(`/products/${productId}/poster.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("image/svg+xml");
    const svg = await res.text();
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg).toContain("草莓 &lt;b&gt;&quot;甜&quot;&lt;/b&gt; &amp; 香");
    expect(svg).not.toContain("<b>");
    const code = (await one<{ code: string }>("SELECT code FROM share_codes WHERE user_id = ?", SHARER)).code;
    expect(svg).toContain(`/s/${code}?to=/products/${productId}`);
    // The QR: an SVG document placed inside the poster, drawn as a path.
    expect(svg.match(/<svg /g)!.length).toBe(2);
    expect(svg).toMatch(/<svg x="490" y="900" [^>]*>.*<path[^>]*d="M/);
    // Anonymous viewers get the plain product link.
    const anon = await (await worker.fetch(`/products/${productId}/poster.svg`)).text();
    expect(anon).toContain(`http://localhost/products/${productId}`);
    expect(anon).not.toContain("/s/");
    expect((await worker.fetch("/products/prd_00000000000000000000/poster.svg")).status).toBe(404);
  });
});

describe("the share reward setting", () => {
  it("admins set it on the settings page; bad values answer 400 under their fields", async () => {
    const admin = worker.client({ ip: "198.51.100.30" });
    expect((await admin.post("/login", { intent: "password", email: "admin@demo.tuangou.test", password: "demo-pass-2026" })).status).toBe(302);
    const versions = async () => /name="intent" value="save-share"\/><input type="hidden" name="versions" value="([^"]*)"/.exec(await (await admin.get("/admin/settings")).text())![1]!.replace(/&quot;/g, '"');
    const bad = await admin.post("/admin/settings", { intent: "save-share", versions: await versions(), shareKind: "coupon", shareCouponTemplate: "", sharePoints: "0", sharePeriodDays: "30", shareDailyCap: "abc" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toMatch(/id="set-sharePoints-error"[^>]*>请输入 1 到 100000 之间的值/);
    expect(html).toMatch(/id="set-shareDailyCap-error"[^>]*>请输入整数/);
    const unknown = await admin.post("/admin/settings", { intent: "save-share", versions: await versions(), shareKind: "coupon", shareCouponTemplate: "cpt_00000000000000000000", sharePoints: "20", sharePeriodDays: "7", shareDailyCap: "5" });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/id="set-shareCouponTemplate-error"[^>]*>该券模板不存在/);
    const saved = await admin.post("/admin/settings", { intent: "save-share", versions: await versions(), shareKind: "points", sharePoints: "20", sharePeriodDays: "7", shareDailyCap: "5" });
    expect(saved.status).toBe(200);
    expect(JSON.parse((await one<{ value: string }>("SELECT value FROM settings WHERE key = 'share.reward'")).value)).toEqual({ kind: "points", points: 20, couponTemplateId: null, periodDays: 7, dailyCapPerSharer: 5 });
  });
});
