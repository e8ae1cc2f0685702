import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

/**
 * Issue 10 part 3, the shopper's side of coupons against the built Worker and real D1: the claim
 * centre page (anonymous, claim, limit reached, sold out), exact limits under 300 concurrent
 * claims from 150 shoppers, the API (claimable, claim with 409 codes and Idempotency-Key, my
 * coupons), /me/coupons tabs, coupons coming back when an order is cancelled or expires unpaid
 * (expired meanwhile → back as expired), and the expiry job with its once-only notice.
 */
let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const SUNSHINE = "pkp_demosunshine00000000";
const RICE_SKU = "sku_demorice000000000001";
const DAY = 86_400_000;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const count = async (sql: string, ...args: unknown[]) => Number((await one<{ n: number }>(sql, ...args)).n);
const text = (html: string) => html.replace(/<!-- -->/g, "");

let templateSeq = 0;
async function template(over: { totalLimit?: number | null; perUserLimit?: number; claimable?: boolean; status?: string; startsAt?: number; endsAt?: number; validDays?: number | null; kind?: string } = {}) {
  const id = `cpt_itest${String(++templateSeq).padStart(15, "0")}`;
  const now = Date.now();
  await worker.d1
    .prepare(
      `INSERT INTO coupon_templates (id, name_zh, name_en, funding, kind, amount_fen, threshold_fen, valid_days, starts_at, ends_at, total_limit, per_user_limit, claimable, status, created_at)
       VALUES (?, ?, ?, 'platform', 'threshold', 800, 3000, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(id, `测试券${templateSeq}`, `Test coupon ${templateSeq}`, over.validDays === undefined ? 7 : over.validDays, over.startsAt ?? now - DAY, over.endsAt ?? now + 30 * DAY, over.totalLimit === undefined ? 100 : over.totalLimit, over.perUserLimit ?? 1, over.claimable === false ? 0 : 1, over.status ?? "active", now + templateSeq)
    .run();
  return id;
}

let userSeq = 0;
/** Shoppers with a cookie session and a bearer token, made straight in D1 (signing in by SMS would hit rate limits). */
async function shoppers(n: number) {
  const now = Date.now();
  const made = Array.from({ length: n }, () => {
    const k = ++userSeq;
    return { id: `usr_cpn${String(k).padStart(17, "0")}`, cookie: `cpn-cookie-${k}-${"x".repeat(24)}`, token: `cpn-token-${k}-${"y".repeat(24)}` };
  });
  const statements = made.flatMap((u) => [
    worker.d1.prepare("INSERT INTO users (id, display_name, locale, status, created_at, updated_at) VALUES (?, '领券邻居', 'zh-CN', 'active', ?, ?)").bind(u.id, now, now),
    worker.d1.prepare("INSERT INTO user_roles (user_id, role, created_at) VALUES (?, 'shopper', ?)").bind(u.id, now),
    worker.d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES (?, ?, ?, ?, 'cookie')").bind(sha256(u.cookie), u.id, Math.floor(now / 1000) + 86_400, now),
    worker.d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES (?, ?, ?, ?, 'bearer')").bind(sha256(u.token), u.id, Math.floor(now / 1000) + 86_400, now),
    worker.d1.prepare("INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) VALUES (?, ?, 'chosen', ?)").bind(u.id, SUNSHINE, now),
  ]);
  for (let i = 0; i < statements.length; i += 500) await worker.d1.batch(statements.slice(i, i + 500));
  return made.map((u, i) => {
    const client = worker.client({ ip: `198.18.${20 + Math.floor((userSeq + i) / 250)}.${(userSeq + i) % 250}` });
    client.cookies.set("tg_session", u.cookie);
    return { ...u, client };
  });
}

function api(path: string, init: { token?: string; method?: string; body?: unknown; key?: string; lang?: string } = {}) {
  const headers: Record<string, string> = { "CF-Connecting-IP": "203.0.113.60", "Accept-Language": init.lang ?? "zh-CN" };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.key) headers["Idempotency-Key"] = init.key;
  return worker.fetch(`/api/v1${path}`, { method: init.method ?? (init.body === undefined ? "GET" : "POST"), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}
const json = async <T>(res: Response) => (await res.json()) as T;
const claim = (c: Client, templateId: string) => c.post("/coupons", { intent: "claim", templateId });

describe("the claim centre page", () => {
  it("shows claimable coupons with their terms, funding, scope and stock to anyone; an anonymous claim goes to sign in and back", async () => {
    const guest = worker.client({ ip: "198.18.1.1" });
    const res = await guest.get("/coupons");
    expect(res.status).toBe(200);
    const html = text(await res.text());
    // The demo's claimable templates: limited platform threshold, fresh-produce percentage, a merchant's.
    expect(html).toContain("限量 100 张 · 满 30 减 8");
    expect(html).toContain("满 ¥30.00 可用");
    expect(html).toContain("限量 100 张");
    expect(html).toContain("剩余 100%");
    expect(html).toContain("9.5 折");
    expect(html).toContain("限品类：生鲜果蔬");
    expect(html).toContain("最高减 ¥10.00");
    expect(html).toContain("宝宝优选 店铺券");
    expect(html).toContain("仅限 宝宝优选 的商品");
    expect(html).toContain("领取后 7 天内有效");
    expect(html).toContain("登录后领取");
    // Issued-only templates (every demo account holds one) are not offered.
    expect(html).not.toContain("无门槛 5 元券");

    const anonymous = await guest.post("/coupons", { intent: "claim", templateId: "cpt_demolimited100000000" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent("/coupons")}`);
  });

  it("claims (redirect with the coupon named), then shows the count held, then refuses past the limit (409) and when sold out", async () => {
    const [a, b] = await shoppers(2);
    const twice = await template({ totalLimit: 3, perUserLimit: 2 });

    const first = await claim(a!.client, twice);
    expect(first.status).toBe(302);
    const location = first.headers.get("Location")!;
    expect(location).toMatch(/^\/coupons\?claimed=ucp_[0-9a-z]{20}$/);
    let html = text(await (await a!.client.get(location)).text());
    expect(html).toMatch(/领取成功！“测试券\d+”已放入券包，有效期至/);
    expect(html).toMatch(new RegExp(`data-template-id="${twice}" data-state="available"`));
    expect(html).toContain("已领 1 张");
    expect(html).toContain("再领一张");
    expect(html).toContain("剩余 66%");

    expect((await claim(a!.client, twice)).status).toBe(302);
    const third = await claim(a!.client, twice);
    expect(third.status).toBe(409);
    html = text(await third.text());
    expect(html).toContain("你已领过这张券，达到每人限领数量。");
    expect(html).toMatch(new RegExp(`data-template-id="${twice}" data-state="limit_reached"`));
    expect(html).toContain("已领 2 张");

    expect((await claim(b!.client, twice)).status).toBe(302); // the last of 3
    const late = await claim(b!.client, twice);
    expect(late.status).toBe(409);
    expect(text(await late.text())).toContain("来晚了，这张券已经抢光了。");
    // Sold out: off the list.
    expect(text(await (await b!.client.get("/coupons")).text())).not.toContain(`data-template-id="${twice}"`);

    const hidden = await template({ claimable: false });
    const refused = await claim(a!.client, hidden);
    expect(refused.status).toBe(409);
    expect(text(await refused.text())).toContain("这张券不能在领券中心领取。");
    expect((await claim(a!.client, "cpt_nosuchtemplate000000")).status).toBe(404);
    expect((await a!.client.post("/coupons", { intent: "claim", templateId: "x" })).status).toBe(400);
    expect(await count("SELECT count(*) AS n FROM user_coupons WHERE template_id = ?", hidden)).toBe(0);
  });
});

describe("exact limits under concurrent claims", () => {
  it("300 claims at once from 150 shoppers on a template of 100, one each: exactly 100 coupons, nobody above 1", async () => {
    const id = await template({ totalLimit: 100, perUserLimit: 1 });
    const people = await shoppers(150);
    // Through the API (the page's form POST runs the same claimCoupon; a refused form re-renders the whole page).
    const responses = await Promise.all(people.flatMap((p) => [0, 1].map(() => api(`/coupons/${id}/claim`, { token: p.token, method: "POST" }))));
    const bodies = await Promise.all(responses.map(async (r) => ({ status: r.status, body: await json<{ error?: { code: string } }>(r) })));
    expect(bodies.filter((b) => b.status === 201)).toHaveLength(100);
    expect(bodies.filter((b) => b.status === 409)).toHaveLength(200);
    expect(new Set(bodies.filter((b) => b.status === 409).map((b) => b.body.error!.code))).toEqual(new Set(["sold_out", "limit_reached"]));
    expect(await count("SELECT count(*) AS n FROM user_coupons WHERE template_id = ?", id)).toBe(100);
    expect(await count("SELECT issued_count AS n FROM coupon_templates WHERE id = ?", id)).toBe(100);
    expect(await count("SELECT count(*) AS n FROM (SELECT user_id FROM user_coupons WHERE template_id = ? GROUP BY user_id HAVING count(*) > 1)", id)).toBe(0);
  });

  it("through the page's form: 40 claims at once from 20 shoppers on a template of 10 → exactly 10", async () => {
    const id = await template({ totalLimit: 10, perUserLimit: 1 });
    const people = await shoppers(20);
    const responses = await Promise.all(people.flatMap((p) => [claim(p.client, id), claim(p.client, id)]));
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.body?.cancel()));
    expect(statuses.filter((s) => s === 302)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(30);
    expect(await count("SELECT issued_count AS n FROM coupon_templates WHERE id = ?", id)).toBe(10);
    expect(await count("SELECT count(DISTINCT user_id) AS n FROM user_coupons WHERE template_id = ?", id)).toBe(10);
  });

  it("through the API with a per-user limit of 2: 3 claims each from 60 shoppers on 100 → exactly 100, nobody above 2, codes sold_out / limit_reached", async () => {
    const id = await template({ totalLimit: 100, perUserLimit: 2 });
    const people = await shoppers(60);
    const responses = await Promise.all(people.flatMap((p) => [0, 1, 2].map(() => api(`/coupons/${id}/claim`, { token: p.token, method: "POST" }))));
    const bodies = await Promise.all(responses.map(async (r) => ({ status: r.status, body: await json<{ couponId?: string; error?: { code: string } }>(r) })));
    expect(bodies.filter((b) => b.status === 201)).toHaveLength(100);
    const codes = new Set(bodies.filter((b) => b.status === 409).map((b) => b.body.error!.code));
    expect([...codes].every((c) => c === "sold_out" || c === "limit_reached")).toBe(true);
    expect(bodies.filter((b) => b.status !== 201 && b.status !== 409)).toEqual([]);
    expect(await count("SELECT issued_count AS n FROM coupon_templates WHERE id = ?", id)).toBe(100);
    expect(await count("SELECT count(*) AS n FROM user_coupons WHERE template_id = ?", id)).toBe(100);
    expect(await count("SELECT count(*) AS n FROM (SELECT user_id FROM user_coupons WHERE template_id = ? GROUP BY user_id HAVING count(*) > 2)", id)).toBe(0);
  });
});

describe("the coupon API", () => {
  it("lists claimable coupons, claims with Idempotency-Key (a retry answers the same coupon), answers 409 codes, lists my coupons by tab", async () => {
    const [u] = await shoppers(1);
    const list = await json<{ items: Array<{ id: string; state: string; held: number; remaining: number | null; categories: string[] }> }>(await api("/coupons/claimable", { token: u!.token }));
    const limited = list.items.find((i) => i.id === "cpt_demolimited100000000")!;
    expect(limited).toMatchObject({ state: "available", held: 0 });
    expect(list.items.find((i) => i.id === "cpt_demofreshpct00000000")!.categories).toEqual(["生鲜果蔬"]);
    expect(list.items.some((i) => i.id === "cpt_demofive000000000000")).toBe(false);

    const first = await api("/coupons/cpt_demolimited100000000/claim", { token: u!.token, method: "POST", key: "claim-attempt-001" });
    expect(first.status).toBe(201);
    const claimed = await json<{ couponId: string; validUntil: number; held: number }>(first);
    expect(claimed.held).toBe(1);
    expect(claimed.validUntil).toBeGreaterThan(Date.now() + 6 * DAY);
    const replay = await api("/coupons/cpt_demolimited100000000/claim", { token: u!.token, method: "POST", key: "claim-attempt-001" });
    expect(replay.status).toBe(200);
    expect((await json<{ couponId: string }>(replay)).couponId).toBe(claimed.couponId);
    const again = await api("/coupons/cpt_demolimited100000000/claim", { token: u!.token, method: "POST", key: "claim-attempt-002" });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ error: { code: "limit_reached", message: "你已领过这张券，达到每人限领数量。" } });
    const en = await api("/coupons/cpt_demolimited100000000/claim", { token: u!.token, method: "POST", lang: "en" });
    expect((await json<{ error: { message: string } }>(en)).error.message).toBe("You already hold as many of this coupon as one person may.");
    expect((await api("/coupons/cpt_demolimited100000000/claim", { method: "POST" })).status).toBe(401);
    expect((await api("/coupons/cpt_nosuchtemplate000000/claim", { token: u!.token, method: "POST" })).status).toBe(404);
    expect((await api("/coupons/cpt_demolimited100000000/claim", { token: u!.token, method: "POST", key: "short" })).status).toBe(400);

    const soldOut = await template({ totalLimit: 1 });
    const [v] = await shoppers(1);
    expect((await api(`/coupons/${soldOut}/claim`, { token: v!.token, method: "POST" })).status).toBe(201);
    const late = await api(`/coupons/${soldOut}/claim`, { token: u!.token, method: "POST" });
    expect(late.status).toBe(409);
    expect((await json<{ error: { code: string } }>(late)).error.code).toBe("sold_out");

    const mine = await json<{ items: Array<{ id: string; status: string; name: string }>; counts: Record<string, number> }>(await api("/me/coupons", { token: u!.token }));
    expect(mine.items.map((i) => i.id)).toEqual([claimed.couponId]);
    expect(mine.counts).toEqual({ available: 1, used: 0, expired: 0 });
    expect((await api("/me/coupons?tab=bogus", { token: u!.token })).status).toBe(400);
    expect((await api("/me/coupons")).status).toBe(401);

    const doc = await json<{ paths: Record<string, Record<string, { operationId: string }>> }>(await worker.fetch("/api/v1/openapi.json"));
    expect(doc.paths["/coupons/claimable"]?.get?.operationId).toBe("listClaimableCoupons");
    expect(doc.paths["/coupons/{templateId}/claim"]?.post?.operationId).toBe("claimCoupon");
    expect(doc.paths["/me/coupons"]?.get?.operationId).toBe("listMyCoupons");
  });
});

describe("coupons returned on cancellation, and the expiry job", () => {
  async function orderWithCoupon(u: { token: string }, couponId: string) {
    expect((await api(`/cart/items/${RICE_SKU}`, { token: u.token, method: "PUT", body: { quantity: 1 } })).status).toBe(200);
    const placed = await api("/orders", { token: u.token, body: { couponId } });
    expect(placed.status).toBe(201);
    return (await json<{ orderId: string }>(placed)).orderId;
  }
  const couponOf = (id: string) => one<{ status: string; order_id: string | null; expiry_noticed_at: number | null }>("SELECT status, order_id, expiry_noticed_at FROM user_coupons WHERE id = ?", id);

  it("a shopper's cancel returns the coupon; an unpaid order's expiry returns it; one that ended meanwhile comes back expired", async () => {
    const id = await template({ totalLimit: null, perUserLimit: 3, validDays: 10 });
    const [u] = await shoppers(1);
    const claimOne = async () => (await json<{ couponId: string }>(await api(`/coupons/${id}/claim`, { token: u!.token, method: "POST" }))).couponId;

    const c1 = await claimOne();
    const o1 = await orderWithCoupon(u!, c1);
    expect(await couponOf(c1)).toMatchObject({ status: "locked", order_id: o1 });
    expect((await api(`/orders/${o1}/cancel`, { token: u!.token, body: {} })).status).toBe(200);
    expect(await couponOf(c1)).toMatchObject({ status: "available", order_id: null });

    const o2 = await orderWithCoupon(u!, c1);
    const payBy = (await one<{ pay_by: number }>("SELECT pay_by FROM orders WHERE id = ?", o2)).pay_by;
    await worker.scheduled("* * * * *", payBy + 60_000);
    expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", o2)).status).toBe("cancelled");
    expect(await couponOf(c1)).toMatchObject({ status: "available", order_id: null });

    const c2 = await claimOne();
    const o3 = await orderWithCoupon(u!, c2);
    await worker.d1.prepare("UPDATE user_coupons SET valid_until = ? WHERE id = ?").bind(Date.now() - 1000, c2).run();
    expect((await api(`/orders/${o3}/cancel`, { token: u!.token, body: {} })).status).toBe(200);
    expect(await couponOf(c2)).toMatchObject({ status: "expired", order_id: null });

    const mine = await json<{ items: Array<{ id: string; status: string }>; counts: Record<string, number> }>(await api("/me/coupons?tab=expired", { token: u!.token }));
    expect(mine.items.map((i) => [i.id, i.status])).toEqual([[c2, "expired"]]);
    expect(mine.counts).toEqual({ available: 1, used: 0, expired: 1 });
  });

  it("marks available coupons past their end expired (a locked one is left to its order), and notices a coupon ending within 3 days once", async () => {
    const id = await template({ totalLimit: null, perUserLimit: 3, validDays: 30 });
    const [u] = await shoppers(1);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await json<{ couponId: string }>(await api(`/coupons/${id}/claim`, { token: u!.token, method: "POST" }))).couponId);
    const now = Date.now();
    const [past, soon, locked] = ids as [string, string, string];
    await worker.d1.batch([
      worker.d1.prepare("UPDATE user_coupons SET valid_until = ? WHERE id = ?").bind(now - 60_000, past),
      worker.d1.prepare("UPDATE user_coupons SET valid_until = ? WHERE id = ?").bind(now + 2 * DAY, soon),
      worker.d1.prepare("UPDATE user_coupons SET valid_until = ?, status = 'locked' WHERE id = ?").bind(now - 60_000, locked),
    ]);
    // Before the job, the page already shows the coupon past its end as expired.
    const page = text(await (await u!.client.get("/me/coupons?tab=expired")).text());
    expect(page).toContain(`data-coupon-id="${past}"`);

    await worker.scheduled("*/5 * * * *", now);
    expect((await couponOf(past)).status).toBe("expired");
    expect((await couponOf(locked)).status).toBe("locked");
    expect(await couponOf(soon)).toMatchObject({ status: "available", expiry_noticed_at: now });
    const notices = () => count("SELECT count(*) AS n FROM notifications WHERE user_id = ? AND kind = 'coupon.expiring'", u!.id);
    expect(await notices()).toBe(1);
    const data = JSON.parse((await one<{ data: string }>("SELECT data FROM notifications WHERE user_id = ? AND kind = 'coupon.expiring'", u!.id)).data);
    expect(data).toEqual({ name: `测试券${templateSeq}`, count: 2 });

    await worker.scheduled("*/5 * * * *", now + 5 * 60_000);
    expect(await notices()).toBe(1);
    const inbox = text(await (await u!.client.get("/me/notifications")).text());
    expect(inbox).toContain("优惠券快到期了");
    expect(inbox).toContain(`“测试券${templateSeq}”还有 2 天到期，别忘了使用。`);

    const tabs = text(await (await u!.client.get("/me/coupons")).text());
    expect(tabs).toContain("可使用（2）"); // the one ending soon, and the one an order holds
    expect(tabs).toContain("已过期（1）");
    expect(tabs).toContain('href="/coupons"');
  });
});
