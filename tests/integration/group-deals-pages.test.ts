import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

/**
 * The shopper's group-deal pages (issue 7) against the built Worker: the group page (ladder,
 * members, countdown, share link and QR, the join form and its refusals, the member's charge and
 * refund after the close), the product page's ladder and start form, /me/groups, the home strip,
 * the order page, the leader's group-deal posters, the feature switch, and the live WebSocket.
 */
let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const APPLE = "prd_demoapple00000000000";
const DEMO_GROUP = "grp_demoapple00000000000";
const DEMO_CAMPAIGN = "gdc_demoapple00000000000";
const DEMO_STARTER = "usr_demoshopper110000000";
const EGGS = "prd_demoeggs000000000000";
const EGGS_SKU = "sku_demoeggs000000000001"; // ¥29.80
const SUNSHINE = "pkp_demosunshine00000000";
const LAKESIDE = "pkp_demolakeside00000000";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;

let ipSeq = 0;
let userSeq = 0;
/** Signed-in shoppers (cookie sessions made straight in D1), with a pickup point unless `point` is null. */
async function shoppers(n: number, point: string | null = SUNSHINE): Promise<Array<{ id: string; client: Client }>> {
  const now = Date.now();
  const made = Array.from({ length: n }, () => {
    const k = ++userSeq;
    return { id: `usr_gdpage${String(k).padStart(14, "0")}`, token: `gd-page-token-${k}-${"y".repeat(24)}`, name: `邻居${String.fromCharCode(0x4e00 + k)}` };
  });
  await worker.d1.batch(
    made.flatMap((u) => [
      worker.d1.prepare("INSERT INTO users (id, display_name, locale, status, created_at, updated_at) VALUES (?, ?, 'zh-CN', 'active', ?, ?)").bind(u.id, u.name, now, now),
      worker.d1.prepare("INSERT INTO user_roles (user_id, role, created_at) VALUES (?, 'shopper', ?)").bind(u.id, now),
      worker.d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES (?, ?, ?, ?, 'cookie')").bind(sha256(u.token), u.id, Math.floor(now / 1000) + 86_400, now),
      ...(point ? [worker.d1.prepare("INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) VALUES (?, ?, 'chosen', ?)").bind(u.id, point, now)] : []),
    ]),
  );
  return made.map((u) => {
    const client = worker.client({ ip: `198.18.7.${++ipSeq}` });
    client.cookies.set("tg_session", u.token);
    return { id: u.id, client };
  });
}

let campaignSeq = 0;
/**
 * An approved campaign on the eggs (no demo campaign there), live now: the eggs' only live one
 * (earlier ones are paused, so the product page offers this one).
 */
async function eggCampaign(over: { tiers?: Array<{ size: number; unitPriceFen: number }>; endsAt?: number; leaderOnly?: boolean } = {}) {
  const id = `gdc_page${String(++campaignSeq).padStart(16, "0")}`;
  const now = Date.now();
  await worker.d1.prepare("UPDATE group_deal_campaigns SET status = 'paused' WHERE product_id = ? AND status = 'approved'").bind(EGGS).run();
  await worker.d1
    .prepare(
      `INSERT INTO group_deal_campaigns (id, merchant_id, product_id, sku_id, tiers, duration_minutes, per_user_limit, starts_at, ends_at, leader_only, status, created_by, created_at, updated_at)
       VALUES (?, 'mch_demofruit00000000000', ?, ?, ?, 1440, 2, ?, ?, ?, 'approved', 'usr_demomerchant01000000', ?, ?)`,
    )
    .bind(id, EGGS, EGGS_SKU, JSON.stringify(over.tiers ?? [{ size: 2, unitPriceFen: 2590 }, { size: 3, unitPriceFen: 2290 }]), now - 60_000, over.endsAt ?? now + 7 * 86_400_000, over.leaderOnly ? 1 : 0, now, now)
    .run();
  return id;
}

/** The hidden fields of a page's form, as a browser would submit them. */
function hidden(html: string, name: string): string {
  return new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? new RegExp(`name="${name}" type="hidden" value="([^"]*)"`).exec(html)?.[1] ?? "";
}

async function joinForm(c: Client, groupId: string, query = "") {
  const html = await (await c.get(`/groups/${groupId}${query}`)).text();
  return { html, idempotencyKey: hidden(html, "idempotencyKey"), invitedBy: hidden(html, "invitedBy") };
}

/** Joins through the page's form and returns the cashier's payment id. */
async function joinThroughPage(c: Client, groupId: string, quantity = "1", query = "") {
  const form = await joinForm(c, groupId, query);
  const res = await c.post(`/groups/${groupId}${query}`, { quantity, provider: "sandbox", idempotencyKey: form.idempotencyKey, ...(form.invitedBy ? { invitedBy: form.invitedBy } : {}) });
  expect(res.status, await res.clone().text()).toBe(302);
  const cashier = res.headers.get("location")!;
  expect(cashier).toMatch(/^\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
  return cashier.split("/").pop()!;
}

/** Pays in the sandbox cashier (the confirm button), landing on the order page. */
async function payAtCashier(c: Client, paymentId: string) {
  const paid = await c.post(`/pay/sandbox/${paymentId}`, { outcome: "succeeded" });
  expect(paid.status).toBe(302);
  return paid.headers.get("location")!.replace(/^\/orders\//, "");
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function setGroupDeals(on: boolean) {
  await worker.d1
    .prepare("INSERT INTO settings (key, value, updated_at) VALUES ('feature.group_deals', ?, 0) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .bind(on ? "true" : "false")
    .run();
}

const text = (html: string) => html.replace(/<!-- -->/g, "");

describe("the group page", () => {
  it("shows the product, the ladder with the next tier, the members, the time left, a sign-in link and the share link with its QR", async () => {
    const guest = worker.client({ ip: "198.18.9.1" });
    const res = await guest.get(`/groups/${DEMO_GROUP}`);
    expect(res.status).toBe(200);
    const html = text(await res.text());
    expect(html).toContain("烟台红富士苹果");
    expect(html).toContain("5 斤装");
    expect(html).toContain("3人团");
    expect(html).toContain("¥25.90");
    expect(html).toContain("5人团");
    expect(html).toContain("¥22.90");
    expect(html).toContain("再邀 2 人成团，每人 ¥25.90");
    expect(html).toContain("1/5 人");
    expect(html).toContain("已有 1 人参团");
    expect(html).toMatch(/aria-live="polite"/);
    expect(html).toContain("发起人");
    expect(html).not.toContain("团长</span>");
    // The countdown as plain text (about 20 hours left), before any script runs.
    expect(html).toMatch(/role="timer"[^>]*>(1\d|20):\d{2}:\d{2}</);
    // An anonymous visitor signs in and comes back here.
    expect(html).toContain(`href="/login?redirectTo=${encodeURIComponent(`/groups/${DEMO_GROUP}`)}"`);
    // Shared through the pickup point leader's link (attribution), plain page for a non-member.
    expect(html).toContain(`value="http://localhost/r/SUNNY888?to=/groups/${DEMO_GROUP}"`);
    expect(html).toMatch(/data-testid="group-qr"[^>]*><svg/);
    // Open Graph: the price in the title, the product image.
    expect(html).toContain('property="og:title" content="3人团 ¥25.90 · 烟台红富士苹果"');
    expect(html).toMatch(/property="og:image" content="http:\/\/localhost\/images\/[^"]+"/);
    expect(html).toContain("<title>3人团 ¥25.90 · 烟台红富士苹果 · ");
  });

  it("a member's share link says who invited; the leader's /r/ link passes it on and still refuses other sites", async () => {
    const [viewer] = await shoppers(1);
    // The demo starter's page, as the demo starter: a share link with ?from=.
    await worker.d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES (?, ?, ?, ?, 'cookie')").bind(sha256("demo-starter-token-xxxxxxxxxxxxxxxxxxxx"), DEMO_STARTER, Math.floor(Date.now() / 1000) + 86_400, Date.now()).run();
    const demoStarter = worker.client({ ip: "198.18.9.2" });
    demoStarter.cookies.set("tg_session", "demo-starter-token-xxxxxxxxxxxxxxxxxxxx");
    const html = text(await (await demoStarter.get(`/groups/${DEMO_GROUP}`)).text());
    const link = `http://localhost/r/SUNNY888?to=/groups/${DEMO_GROUP}%3Ffrom%3D${DEMO_STARTER}`;
    // A signed-in viewer's link goes through their share code first (share rewards, ADR 023), then the leader's link.
    const shareCode = async (userId: string) => (await worker.d1.prepare("SELECT code FROM share_codes WHERE user_id = ?").bind(userId).first<{ code: string }>())!.code;
    const viaShare = (code: string, to: string) => `http://localhost/s/${code}?to=${encodeURIComponent(to.replace("http://localhost", "")).replace(/%2F/gi, "/")}`;
    const shared = viaShare(await shareCode(DEMO_STARTER), link);
    expect(html).toContain(`value="${shared}"`);
    expect(html).toContain("已付款 ¥25.90，等待成团");
    expect(html).not.toContain("立即参团");
    // Following it: the attribution cookie, then the group page with ?from.
    const guest = worker.client({ ip: "198.18.9.3" });
    const first = await guest.get(shared.replace("http://localhost", ""));
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(link.replace("http://localhost", ""));
    expect(guest.cookies.get("tg_share")).toBe(await shareCode(DEMO_STARTER));
    const arrived = await guest.get(link.replace("http://localhost", ""));
    expect(arrived.status).toBe(303);
    expect(arrived.headers.get("location")).toBe(`/groups/${DEMO_GROUP}?from=${DEMO_STARTER}`);
    expect(guest.cookies.get("tg_ref")).toBe(SUNSHINE);
    for (const evil of ["//evil.example/x", "https://evil.example/", "/\\evil.example"]) {
      const refused = await guest.get(`/r/SUNNY888?to=${encodeURIComponent(evil)}`);
      expect(refused.headers.get("location")).toBe("/");
    }
    // A signed-in non-member arriving with ?from carries it into the join form.
    const form = await joinForm(viewer!.client, DEMO_GROUP, `?from=${DEMO_STARTER}`);
    expect(form.invitedBy).toBe(DEMO_STARTER);
    expect(form.html).toContain(`value="${viaShare(await shareCode(viewer!.id), `/r/SUNNY888?to=/groups/${DEMO_GROUP}`)}"`);
    // Their own id in ?from is not an inviter.
    expect((await joinForm(viewer!.client, DEMO_GROUP, `?from=${viewer!.id}`)).invitedBy).toBe("");
  });

  it("joins through the page's form like the checkout: the member's order, the inviter and the leader's attribution, then the sandbox cashier", async () => {
    const cid = await eggCampaign({ tiers: [{ size: 3, unitPriceFen: 2590 }, { size: 4, unitPriceFen: 2390 }] });
    const [starter, friend] = await shoppers(2);
    // The starter starts on the product page (the campaign is the eggs' live one).
    const product = text(await (await starter!.client.get(`/products/${EGGS}`)).text());
    expect(product).toContain("发起拼团 ¥25.90");
    const started = await starter!.client.post(`/products/${EGGS}`, { intent: "start-group", campaignId: cid, quantity: "1", provider: "sandbox", idempotencyKey: hidden(product, "idempotencyKey") });
    expect(started.status).toBe(302);
    expect(started.headers.get("location")).toMatch(/^\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
    const { group_id: groupId } = await one<{ group_id: string }>("SELECT group_id FROM group_deal_members WHERE user_id = ?", starter!.id);
    await payAtCashier(starter!.client, started.headers.get("location")!.split("/").pop()!);
    // The friend came through the leader's link with the starter's ?from.
    friend!.client.cookies.set("tg_ref", SUNSHINE);
    const paymentId = await joinThroughPage(friend!.client, groupId, "2", `?from=${starter!.id}`);
    const member = await one<{ invited_by: string; quantity: number; status: string; order_id: string }>("SELECT invited_by, quantity, status, order_id FROM group_deal_members WHERE group_id = ? AND user_id = ?", groupId, friend!.id);
    expect(member).toMatchObject({ invited_by: starter!.id, quantity: 2, status: "pending" });
    const order = await one<{ payable_fen: number; referral_point_id: string; group_deal_id: string }>("SELECT payable_fen, referral_point_id, group_deal_id FROM orders WHERE id = ?", member.order_id);
    expect(order).toEqual({ payable_fen: 5180, referral_point_id: SUNSHINE, group_deal_id: groupId });
    // While paying: the friend's page says so and links to the order.
    const paying = text(await (await friend!.client.get(`/groups/${groupId}`)).text());
    expect(paying).toContain("已占座");
    expect(paying).toContain(`href="/orders/${member.order_id}"`);
    expect(paying).toContain("1 人正在支付");
    await payAtCashier(friend!.client, paymentId);
    // The order page explains the wait and links back to the group; no cancel while waiting.
    const orderPage = text(await (await friend!.client.get(`/orders/${member.order_id}`)).text());
    expect(orderPage).toContain("已付款，等待成团；成团后按成团价结算，差价自动退回。");
    expect(orderPage).toContain(`href="/groups/${groupId}"`);
    expect(orderPage).not.toContain("取消订单");
  });

  it("answers every refusal with a clear message: 400 with the quantity's field error, 403, 404 and 409 pages", async () => {
    const cid = await eggCampaign({ tiers: [{ size: 2, unitPriceFen: 2690 }] });
    const [a, b, c] = await shoppers(3);
    const [pointless] = await shoppers(1, null);
    const [lakeside] = await shoppers(1, LAKESIDE);
    const product = text(await (await a!.client.get(`/products/${EGGS}`)).text());
    const started = await a!.client.post(`/products/${EGGS}`, { intent: "start-group", campaignId: cid, quantity: "1", provider: "sandbox", idempotencyKey: hidden(product, "idempotencyKey") });
    expect(started.status).toBe(302);
    const { group_id: groupId } = await one<{ group_id: string }>("SELECT group_id FROM group_deal_members WHERE user_id = ?", a!.id);

    // Over the per-user limit of 2: a field error under the quantity.
    let form = await joinForm(b!.client, groupId);
    let res = await b!.client.post(`/groups/${groupId}`, { quantity: "3", provider: "sandbox", idempotencyKey: form.idempotencyKey });
    expect(res.status).toBe(400);
    let html = text(await res.text());
    expect(html).toContain("请选择有效的数量。");
    expect(html).toMatch(/<select[^>]*aria-invalid="true"[^>]*name="quantity"|<select[^>]*name="quantity"[^>]*aria-invalid="true"/);
    // Not a number; no way to pay: 400 with field errors.
    res = await b!.client.post(`/groups/${groupId}`, { quantity: "x", provider: "sandbox", idempotencyKey: form.idempotencyKey });
    expect(res.status).toBe(400);
    expect(text(await res.text())).toContain("请选择有效的数量。");
    res = await b!.client.post(`/groups/${groupId}`, { quantity: "1", idempotencyKey: form.idempotencyKey });
    expect(res.status).toBe(400);
    expect(text(await res.text())).toContain("不支持这种支付方式。");
    // No pickup point: 400, with the way to choose one.
    form = await joinForm(pointless!.client, groupId);
    expect(form.html).toContain(`href="/pickup?returnTo=${encodeURIComponent(`/groups/${groupId}`)}"`);
    res = await pointless!.client.post(`/groups/${groupId}`, { quantity: "1", provider: "sandbox", idempotencyKey: "a".repeat(24) });
    expect(res.status).toBe(400);
    expect(text(await res.text())).toContain("请先选择自提点。");
    // b joins (the seat is held): the group is full for c (capacity 2, b paying).
    await joinThroughPage(b!.client, groupId);
    form = await joinForm(c!.client, groupId);
    expect(form.html).toContain("名额已满（有人正在支付）");
    res = await c!.client.post(`/groups/${groupId}`, { quantity: "1", provider: "sandbox", idempotencyKey: "c".repeat(24) });
    expect(res.status).toBe(409);
    expect(text(await res.text())).toContain("名额已满（有人正在支付），稍后再看看或发起一个新团。");
    // b again: already in.
    res = await b!.client.post(`/groups/${groupId}`, { quantity: "1", provider: "sandbox", idempotencyKey: "b".repeat(24) });
    expect(res.status).toBe(409);
    expect(text(await res.text())).toContain("你已经在这个团里了。");
    // A closed group: 409, and the page offers starting a new one.
    await worker.d1.prepare("UPDATE group_deals SET status = 'failed', closed_at = ? WHERE id = ?").bind(Date.now(), groupId).run();
    res = await c!.client.post(`/groups/${groupId}`, { quantity: "1", provider: "sandbox", idempotencyKey: "f".repeat(24) });
    expect(res.status).toBe(409);
    html = text(await res.text());
    expect(html).toContain("这个团已经结束，可以发起一个新团。");
    expect(html).toContain("我也发起一个团");
    // A leader-only group of another point: 403.
    const only = await eggCampaign({ leaderOnly: true });
    const onlyStarted = await a!.client.post(`/products/${EGGS}`, { intent: "start-group", campaignId: only, quantity: "1", provider: "sandbox", idempotencyKey: "e".repeat(24) });
    expect(onlyStarted.status).toBe(302);
    const { group_id: onlyGroup } = await one<{ group_id: string }>("SELECT group_id FROM group_deal_members WHERE user_id = ? AND campaign_id = ?", a!.id, only);
    const lakesideForm = await joinForm(lakeside!.client, onlyGroup);
    expect(lakesideForm.html).toContain("仅限 阳光花园");
    res = await lakeside!.client.post(`/groups/${onlyGroup}`, { quantity: "1", provider: "sandbox", idempotencyKey: lakesideForm.idempotencyKey });
    expect(res.status).toBe(403);
    expect(text(await res.text())).toContain("这个团仅限同一自提点的邻居参加。");
    // Starting from a product page whose campaign has meanwhile ended (here: paused): 409, said plainly.
    const stale = await b!.client.post(`/products/${EGGS}`, { intent: "start-group", campaignId: cid, quantity: "1", provider: "sandbox", idempotencyKey: "d".repeat(24) });
    expect(stale.status).toBe(409);
    expect(text(await stale.text())).toContain("这个拼团活动已结束或已暂停。");
    // Unknown groups are 404s; an anonymous post goes to sign in.
    expect((await c!.client.get("/groups/grp_00000000000000000000")).status).toBe(404);
    expect((await c!.client.get("/groups/nope")).status).toBe(404);
    const anonymous = await worker.client({ ip: "198.18.9.9" }).post(`/groups/${groupId}`, { quantity: "1", provider: "sandbox", idempotencyKey: "g".repeat(24) });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });

  it("after the close each member sees the final charge and the refund, on the group page, /me/groups and the order", async () => {
    const cid = await eggCampaign({ tiers: [{ size: 2, unitPriceFen: 2590 }, { size: 3, unitPriceFen: 2290 }] });
    const members = await shoppers(3);
    const [a, b, c] = members;
    // The empty state first.
    const empty = text(await (await a!.client.get("/me/groups")).text());
    expect(empty).toContain("还没有参加过拼团。");
    const product = text(await (await a!.client.get(`/products/${EGGS}`)).text());
    const started = await a!.client.post(`/products/${EGGS}`, { intent: "start-group", campaignId: cid, quantity: "2", provider: "sandbox", idempotencyKey: hidden(product, "idempotencyKey") });
    expect(started.status).toBe(302);
    const aOrder = await payAtCashier(a!.client, started.headers.get("location")!.split("/").pop()!);
    const { group_deal_id: groupId } = await one<{ group_deal_id: string }>("SELECT group_deal_id FROM orders WHERE id = ?", aOrder);
    await payAtCashier(b!.client, await joinThroughPage(b!.client, groupId, "1", `?from=${a!.id}`));
    // Two paid: the first tier is reached, the next needs one more.
    const midway = text(await (await a!.client.get(`/groups/${groupId}`)).text());
    expect(midway).toContain("再邀 1 人，每人 ¥22.90");
    expect(midway).toMatch(/aria-current="step"[^>]*>.*?2人团/);
    await payAtCashier(c!.client, await joinThroughPage(c!.client, groupId));
    // The third payment fills the top tier: the room closes the group at once.
    await waitFor(() => one<{ status: string }>("SELECT status FROM group_deals WHERE id = ?", groupId), (g) => g.status !== "open");
    await waitFor(() => one<{ n: number }>("SELECT count(*) AS n FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.group_deal_id = ? AND r.status = 'succeeded'", groupId), (r) => r.n === 3);
    const page = text(await (await a!.client.get(`/groups/${groupId}`)).text());
    expect(page).toContain("已成团");
    expect(page).toContain("拼团成功，每人按 3 人价 ¥22.90 结算");
    expect(page).toContain("拼团成功，按 3 人价结算，已退差价 ¥6.00");
    expect(page).toContain("最终实付 ¥45.80");
    expect(text(await (await b!.client.get(`/groups/${groupId}`)).text())).toContain("拼团成功，按 3 人价结算，已退差价 ¥3.00");
    const mine = text(await (await a!.client.get("/me/groups")).text());
    expect(mine).toContain("已成团");
    expect(mine).toContain("3/3 人");
    expect(mine).toContain("实付 ¥45.80");
    expect(mine).toContain("已退 ¥6.00");
    expect(mine).toContain(`href="/groups/${groupId}"`);
    expect(mine).toContain(`href="/orders/${aOrder}"`);
    const me = text(await (await a!.client.get("/me")).text());
    expect(me).toContain('href="/me/groups"');
    expect(me).toContain("我的拼团");
  });

  it("a group that stays below the first tier fails: the page says everything was refunded", async () => {
    const cid = await eggCampaign({ endsAt: Date.now() + 4_000 });
    const [alone] = await shoppers(1);
    const product = text(await (await alone!.client.get(`/products/${EGGS}`)).text());
    const started = await alone!.client.post(`/products/${EGGS}`, { intent: "start-group", campaignId: cid, quantity: "2", provider: "sandbox", idempotencyKey: hidden(product, "idempotencyKey") });
    expect(started.status).toBe(302);
    const orderId = await payAtCashier(alone!.client, started.headers.get("location")!.split("/").pop()!);
    const { group_deal_id: groupId } = await one<{ group_deal_id: string }>("SELECT group_deal_id FROM orders WHERE id = ?", orderId);
    await waitFor(() => one<{ status: string }>("SELECT status FROM orders WHERE id = ?", orderId), (o) => o.status === "refunded", 20_000);
    const page = text(await (await alone!.client.get(`/groups/${groupId}`)).text());
    expect(page).toContain("未成团");
    expect(page).toContain("拼团未成，已全额退款 ¥51.80");
    const mine = text(await (await alone!.client.get("/me/groups")).text());
    expect(mine).toContain("未成团");
    expect(mine).toContain("已退 ¥51.80");
  });
});

describe("the product page, home and the leader's posters", () => {
  it("the product page shows the ladder, the open groups (fullest first) and the start button; anonymous visitors sign in first", async () => {
    const guest = text(await (await worker.client({ ip: "198.18.9.20" }).get(`/products/${APPLE}`)).text());
    expect(guest).toContain("拼团价");
    expect(guest).toContain("3人团");
    expect(guest).toContain("¥25.90");
    expect(guest).toContain("¥22.90");
    expect(guest).toContain(`href="/groups/${DEMO_GROUP}"`);
    expect(guest).toContain("去参团");
    expect(guest).toContain("登录后发起拼团");
    expect(guest).toContain("单独购买 ¥29.90");
    // The existing add-to-cart buttons are still there.
    expect(guest).toContain('name="intent" value="add"');
    const [shopper] = await shoppers(1);
    const signedIn = text(await (await shopper!.client.get(`/products/${APPLE}`)).text());
    expect(signedIn).toContain("发起拼团 ¥25.90");
    expect(signedIn).toContain(`name="campaignId" value="${DEMO_CAMPAIGN}"`);
    expect(signedIn).toMatch(/<select[^>]*form="group-start"/);
  });

  it("the home page shows the open groups strip (nothing personal: the same for a guest)", async () => {
    const html = text(await (await worker.client({ ip: "198.18.9.21" }).get("/")).text());
    expect(html).toContain("正在拼团");
    expect(html).toContain(`href="/groups/${DEMO_GROUP}"`);
    expect(html).toContain("5人团 ¥22.90");
    expect(html).toContain("还差 2 人");
  });

  it("the leader's promote page lists live group deals with an attributed link and a poster of the first tier", async () => {
    const leader = worker.client({ ip: "198.18.9.22" });
    expect((await leader.post("/login", { intent: "password", email: "leader1@demo.tuangou.test", password: "demo-pass-2026" })).status).toBe(302);
    const html = text(await (await leader.get("/leader/promote")).text());
    expect(html).toContain("拼团活动");
    expect(html).toContain(`value="http://localhost/r/SUNNY888?to=/products/${APPLE}"`);
    expect(html).toContain("3人团 ¥25.90 → 5人团 ¥22.90");
    expect(html).toContain(`href="/leader/promote/poster?campaign=${DEMO_CAMPAIGN}"`);
    const poster = await leader.get(`/leader/promote/poster?campaign=${DEMO_CAMPAIGN}`);
    expect(poster.status).toBe(200);
    expect(poster.headers.get("Content-Type")).toContain("image/svg+xml");
    const svg = await poster.text();
    expect(svg).toContain("3人团 </tspan>");
    expect(svg).toContain("25.90");
    expect(svg).toContain("烟台红富士苹果");
    expect(svg).toContain(`http://localhost/r/SUNNY888?to=/products/${APPLE}`);
    expect(svg).toContain("扫码参团");
    expect((await leader.get("/leader/promote/poster?campaign=gdc_00000000000000000000")).status).toBe(404);
    expect((await leader.get("/leader/promote/poster?campaign=nope")).status).toBe(400);
  });
});

describe("the feature switch", () => {
  it("off: no strip, no ladder, no start, the group page and the poster say it is off, actions refuse clearly", async () => {
    const [shopper] = await shoppers(1);
    await setGroupDeals(false);
    try {
      const home = text(await (await shopper!.client.get("/")).text());
      expect(home).not.toContain("正在拼团");
      const product = text(await (await shopper!.client.get(`/products/${APPLE}`)).text());
      expect(product).not.toContain("拼团价");
      expect(product).not.toContain("发起拼团");
      const group = await shopper!.client.get(`/groups/${DEMO_GROUP}`);
      expect(group.status).toBe(404);
      expect(text(await group.text())).toContain("拼团暂未开放");
      const join = await shopper!.client.post(`/groups/${DEMO_GROUP}`, { quantity: "1", provider: "sandbox", idempotencyKey: "h".repeat(24) });
      expect(join.status).toBe(403);
      expect(text(await join.text())).toContain("拼团暂未开放");
      const start = await shopper!.client.post(`/products/${APPLE}`, { intent: "start-group", campaignId: DEMO_CAMPAIGN, quantity: "1", provider: "sandbox", idempotencyKey: "i".repeat(24) });
      expect(start.status).toBe(403);
      expect(text(await start.text())).toContain("拼团活动暂未开放。");
      expect(text(await (await shopper!.client.get("/me")).text())).not.toContain('href="/me/groups"');
      const leader = worker.client({ ip: "198.18.9.23" });
      await leader.post("/login", { intent: "password", email: "leader1@demo.tuangou.test", password: "demo-pass-2026" });
      expect(text(await (await leader.get("/leader/promote")).text())).not.toContain("拼团活动");
      expect((await leader.get(`/leader/promote/poster?campaign=${DEMO_CAMPAIGN}`)).status).toBe(404);
    } finally {
      await setGroupDeals(true);
    }
  });
});

describe("live progress", () => {
  it("the room's WebSocket sends the state on connect and again when a member pays", async () => {
    const cid = await eggCampaign({ tiers: [{ size: 3, unitPriceFen: 2590 }, { size: 5, unitPriceFen: 2290 }] });
    const [a, b] = await shoppers(2);
    const product = text(await (await a!.client.get(`/products/${EGGS}`)).text());
    const started = await a!.client.post(`/products/${EGGS}`, { intent: "start-group", campaignId: cid, quantity: "1", provider: "sandbox", idempotencyKey: hidden(product, "idempotencyKey") });
    await payAtCashier(a!.client, started.headers.get("location")!.split("/").pop()!);
    const { group_id: groupId } = await one<{ group_id: string }>("SELECT group_id FROM group_deal_members WHERE user_id = ? AND campaign_id = ?", a!.id, cid);

    const res = await worker.fetch(`/groups/${groupId}/live`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = (res as unknown as { webSocket: WebSocket & { accept(): void } }).webSocket;
    const messages: string[] = [];
    ws.addEventListener("message", (e: MessageEvent) => messages.push(String(e.data)));
    ws.accept();
    const next = async (n: number) => {
      await waitFor(async () => messages.length, (len) => len >= n, 10_000);
      return JSON.parse(messages[n - 1]!) as { type: string; groupId: string; status: string; paid: number; held: number; capacity: number };
    };
    expect(await next(1)).toMatchObject({ type: "state", groupId, status: "open", paid: 1, held: 0, capacity: 5 });
    // b joins (a seat held), then pays: the snapshots follow.
    const paymentId = await joinThroughPage(b!.client, groupId);
    expect(await next(2)).toMatchObject({ paid: 1, held: 1 });
    await payAtCashier(b!.client, paymentId);
    expect(await next(3)).toMatchObject({ paid: 2, held: 0, status: "open" });
    ws.send("ping");
    await waitFor(async () => messages.includes("pong"), (v) => v, 5_000);
    expect(messages).toContain("pong");
    ws.close(1000, "done");
    // A cross-site upgrade is refused; an unknown group is not found.
    expect((await worker.fetch(`/groups/${groupId}/live`, { headers: { Upgrade: "websocket", Origin: "https://evil.example" } })).status).toBe(403);
    expect((await worker.fetch("/groups/grp_00000000000000000000/live", { headers: { Upgrade: "websocket" } })).status).toBe(404);
  });
});
