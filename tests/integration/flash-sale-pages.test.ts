import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type Client, type TestWorker } from "../support/worker";

/**
 * The shopper's flash-sale pages (issue 8) against the built Worker, real D1 and the real
 * FlashSaleStock object: the sale page in each state with its absolute times before JavaScript,
 * buying through the page's form to the sandbox cashier at the flash price, every refusal as a
 * page with its message and status, early access for a gold member, "notify me" and the cron that
 * sends it once, the feature switch, the list, the home strip, the product block and the order page.
 */
let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const TOMATO = "prd_demotomato0000000000";
const TOMATO_SKU = "sku_demotomato0000000001"; // ¥15.90, 普罗旺斯西红柿 约 1.5kg
const SUNSHINE = "pkp_demosunshine00000000";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const text = (html: string) => html.replace(/<!-- -->/g, "");
const pad = (n: number) => String(n).padStart(2, "0");
/** The absolute time as the page writes it before JavaScript: Asia/Shanghai (UTC+8), "11月26日 20:00". */
function at(ms: number) {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

let saleSeq = 0;
async function sale(over: { stock?: number; perUserLimit?: number; startsAt?: number; endsAt?: number; early?: Record<string, number>; productId?: string; skuId?: string } = {}) {
  const id = `fls_page${String(++saleSeq).padStart(16, "0")}`;
  const now = Date.now();
  const startsAt = over.startsAt ?? now - 60_000;
  const endsAt = over.endsAt ?? now + 3_600_000;
  await worker.d1
    .prepare(
      `INSERT INTO flash_sales (id, merchant_id, product_id, sku_id, flash_price_fen, stock, per_user_limit, payment_timeout_seconds, early_access_minutes, starts_at, ends_at, status, created_by, created_at, updated_at)
       VALUES (?, 'mch_demofruit00000000000', ?, ?, 990, ?, ?, 900, ?, ?, ?, 'approved', 'usr_demomerchant01000000', ?, ?)`,
    )
    .bind(id, over.productId ?? TOMATO, over.skuId ?? TOMATO_SKU, over.stock ?? 100, over.perUserLimit ?? 2, JSON.stringify(over.early ?? {}), startsAt, endsAt, now, now)
    .run();
  return { id, startsAt, endsAt };
}

let ipSeq = 0;
let userSeq = 0;
/** Signed-in shoppers (cookie sessions made straight in D1), with a pickup point unless `point` is null. */
async function shoppers(n: number, point: string | null = SUNSHINE): Promise<Array<{ id: string; client: Client }>> {
  const now = Date.now();
  const made = Array.from({ length: n }, () => {
    const k = ++userSeq;
    return { id: `usr_fspage${String(k).padStart(14, "0")}`, token: `fs-page-token-${k}-${"x".repeat(24)}` };
  });
  await worker.d1.batch(
    made.flatMap((u) => [
      worker.d1.prepare("INSERT INTO users (id, display_name, locale, status, created_at, updated_at) VALUES (?, '抢购邻居', 'zh-CN', 'active', ?, ?)").bind(u.id, now, now),
      worker.d1.prepare("INSERT INTO user_roles (user_id, role, created_at) VALUES (?, 'shopper', ?)").bind(u.id, now),
      worker.d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES (?, ?, ?, ?, 'cookie')").bind(sha256(u.token), u.id, Math.floor(now / 1000) + 86_400, now),
      ...(point ? [worker.d1.prepare("INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) VALUES (?, ?, 'chosen', ?)").bind(u.id, point, now)] : []),
    ]),
  );
  return made.map((u) => {
    const client = worker.client({ ip: `198.18.8.${++ipSeq}` });
    client.cookies.set("tg_session", u.token);
    return { id: u.id, client };
  });
}

/** Gold: 200,000 fen spent in a completed order in the last 12 months. */
async function makeGold(userId: string) {
  const now = Date.now();
  await worker.d1
    .prepare(
      `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, created_at, updated_at)
       VALUES (?, ?, ?, 'completed', 200000, 0, 200000, 200000, '{}', 1, '{}', 'x', ?, ?, ?, ?, ?)`,
    )
    .bind(`ord_fsgold${userId.slice(-14)}`, userId, SUNSHINE, `gold-${userId}`, now, now - 86_400_000, now - 86_400_000, now)
    .run();
}

/** The hidden fields of a page's form, as a browser would submit them. */
function hidden(html: string, name: string): string {
  return new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
}

async function buy(c: Client, saleId: string, quantity = "1", key?: string) {
  const idempotencyKey = key ?? hidden(await (await c.get(`/flash-sales/${saleId}`)).text(), "idempotencyKey");
  const res = await c.post(`/flash-sales/${saleId}`, { intent: "buy", quantity, provider: "sandbox", idempotencyKey });
  return { res, idempotencyKey };
}

async function setFlashSales(on: boolean) {
  await worker.d1
    .prepare("INSERT INTO settings (key, value, updated_at) VALUES ('feature.flash_sales', ?, 0) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    .bind(on ? "true" : "false")
    .run();
}

describe("the flash-sale page", () => {
  it("shows each state with its absolute times before JavaScript: upcoming, live, sold out, ended; an anonymous visitor gets sign-in links", async () => {
    const now = Date.now();
    const upcoming = await sale({ startsAt: now + 2 * 3_600_000, endsAt: now + 4 * 3_600_000 });
    const live = await sale({ endsAt: now + 3_600_000 });
    const ended = await sale({ startsAt: now - 2 * 3_600_000, endsAt: now - 60_000 });
    const guest = worker.client({ ip: "198.18.9.1" });

    const up = await guest.get(`/flash-sales/${upcoming.id}`);
    expect(up.status).toBe(200);
    let html = text(await up.text());
    expect(html).toContain("普罗旺斯西红柿");
    expect(html).toContain("约 1.5kg");
    expect(html).toMatch(/data-testid="flash-price"[^>]*>¥9.90</);
    expect(html).toContain("¥15.90");
    expect(html).toContain("每人限购 2 件");
    expect(html).toMatch(/data-testid="flash-phase"[^>]*>即将开抢</);
    expect(html).toMatch(new RegExp(`role="timer"[^>]*>${at(upcoming.startsAt)} 开抢<`));
    expect(html).toContain(`抢购时间：${at(upcoming.startsAt)} – ${at(upcoming.endsAt)}`);
    expect(html).toContain("已抢 0%");
    expect(html).toContain(`href="/login?redirectTo=${encodeURIComponent(`/flash-sales/${upcoming.id}`)}"`);
    expect(html).toContain("登录后设置开抢提醒");
    expect(html).not.toContain('name="intent" value="buy"');
    // The server's time travels with the page, for the countdowns to synchronise on.
    expect(html).toContain("serverNow");
    expect(html).toContain(`<title>¥9.90 限时抢购 · 普罗旺斯西红柿 · `);

    html = text(await (await guest.get(`/flash-sales/${live.id}`)).text());
    expect(html).toMatch(/data-testid="flash-phase"[^>]*>抢购中</);
    expect(html).toMatch(new RegExp(`role="timer"[^>]*>${at(live.endsAt)} 结束<`));
    expect(html).toContain("登录后抢购");
    expect(html).toContain(`href="/login?redirectTo=${encodeURIComponent(`/flash-sales/${live.id}`)}"`);

    const gone = await guest.get(`/flash-sales/${ended.id}`);
    expect(gone.status).toBe(200);
    html = text(await gone.text());
    expect(html).toMatch(/data-testid="flash-phase"[^>]*>已结束</);
    expect(html).toContain("本场抢购已结束");
    expect(html).not.toContain("登录后抢购");

    // A reservation takes the last unit: sold out for everyone else (held units count as taken).
    const small = await sale({ stock: 1, perUserLimit: 1 });
    const [first] = await shoppers(1);
    expect((await buy(first!.client, small.id)).res.status).toBe(302);
    html = text(await (await guest.get(`/flash-sales/${small.id}`)).text());
    expect(html).toMatch(/data-testid="flash-phase"[^>]*>已抢光</);
    expect(html).toContain("已被抢光。有人超时未付款时名额会释放");
    expect(html).toMatch(/aria-valuenow="100"/);

    expect((await guest.get("/flash-sales/fls_00000000000000000000")).status).toBe(404);
    expect((await guest.get("/flash-sales/not-an-id")).status).toBe(404);
  });

  it("buys through the page's form like a group-deal join: the sandbox cashier, an order at the flash price payable until the reservation expires, the order page's countdown, then paid", async () => {
    const s = await sale({ perUserLimit: 2 });
    const [shopper] = await shoppers(1);
    const page = text(await (await shopper!.client.get(`/flash-sales/${s.id}`)).text());
    expect(page).toContain("¥9.90 立即抢购");
    expect(page).toContain("抢到后请在 15 分钟内付款");
    const before = Date.now();
    const { res, idempotencyKey } = await buy(shopper!.client, s.id, "2");
    expect(res.status).toBe(302);
    const cashier = res.headers.get("location")!;
    expect(cashier).toMatch(/^\/pay\/sandbox\/pay_[0-9a-z]{20}$/);
    const order = await one<{ id: string; status: string; payable_fen: number; pay_by: number; flash_sale_id: string }>(
      "SELECT id, status, payable_fen, pay_by, flash_sale_id FROM orders WHERE user_id = ? AND flash_sale_id = ?",
      shopper!.id,
      s.id,
    );
    expect(order).toMatchObject({ status: "pending_payment", payable_fen: 1980, flash_sale_id: s.id });
    expect(order.pay_by).toBeGreaterThanOrEqual(before + 900_000);
    expect(order.pay_by).toBeLessThanOrEqual(Date.now() + 900_000);
    // The same form again (a double submit): the same reservation and order.
    expect((await buy(shopper!.client, s.id, "2", idempotencyKey)).res.status).toBe(302);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM orders WHERE flash_sale_id = ?", s.id)).n).toBe(1);
    // The sale page points to the order waiting for payment; the order page says how long is left.
    const back = text(await (await shopper!.client.get(`/flash-sales/${s.id}`)).text());
    expect(back).toContain(`你有一笔待付款的抢购订单，请在 ${at(order.pay_by)} 前付款。`);
    expect(back).toContain(`href="/orders/${order.id}"`);
    expect(back).toContain("已抢 2%");
    const orderPage = text(await (await shopper!.client.get(`/orders/${order.id}`)).text());
    expect(orderPage).toContain("限时抢购订单");
    expect(orderPage).toMatch(new RegExp(`role="timer"[^>]*>请在 ${at(order.pay_by)} 前付款，超时名额将释放<`));
    expect(orderPage).toContain(`href="/flash-sales/${s.id}"`);
    // Paying at the cashier.
    const paid = await shopper!.client.post(cashier, { outcome: "succeeded" });
    expect(paid.status).toBe(302);
    expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", order.id)).status).toBe("paid");
    const after = text(await (await shopper!.client.get(`/orders/${order.id}`)).text());
    expect(after).toContain("限时抢购订单");
    expect(after).not.toContain("超时名额将释放");
  });

  it("says every refusal with its status: over the limit, sold out, not started, ended, a bad quantity, no pickup point; an anonymous post signs in", async () => {
    const now = Date.now();
    const s = await sale({ stock: 3, perUserLimit: 2 });
    const [a, b, c, pointless] = [...(await shoppers(3)), ...(await shoppers(1, null))];
    expect((await buy(a!.client, s.id, "2")).res.status).toBe(302);
    let refused = await buy(a!.client, s.id, "1");
    expect(refused.res.status).toBe(409);
    let html = text(await refused.res.text());
    expect(html).toContain("超过每人限购数量了");
    expect(html).toMatch(/id="flash-quantity-errors"/);
    expect((await buy(b!.client, s.id, "1")).res.status).toBe(302);
    // Their page was loaded while units were left; the form arrives after the last one went.
    refused = await buy(c!.client, s.id, "1", "s".repeat(24));
    expect(refused.res.status).toBe(409);
    html = text(await refused.res.text());
    expect(html).toContain("手慢了，已被抢光");
    expect(html).toMatch(/data-testid="flash-phase"[^>]*>已抢光</);

    const upcoming = await sale({ startsAt: now + 3_600_000, endsAt: now + 7_200_000 });
    refused = await buy(c!.client, upcoming.id, "1", "k".repeat(24));
    expect(refused.res.status).toBe(409);
    expect(text(await refused.res.text())).toContain("还没到你的开抢时间");

    const ended = await sale({ startsAt: now - 7_200_000, endsAt: now - 60_000 });
    refused = await buy(c!.client, ended.id, "1", "e".repeat(24));
    expect(refused.res.status).toBe(409);
    expect(text(await refused.res.text())).toContain("本场抢购已经结束");

    const open = await sale({ perUserLimit: 2 });
    refused = await buy(c!.client, open.id, "3");
    expect(refused.res.status).toBe(400);
    expect(text(await refused.res.text())).toContain("请选择限购范围内的数量");
    refused = await buy(c!.client, open.id, "0");
    expect(refused.res.status).toBe(400);
    refused = await buy(c!.client, open.id, "1", "not a key");
    expect(refused.res.status).toBe(400);
    expect((await c!.client.post(`/flash-sales/${open.id}`, { quantity: "1" })).status).toBe(400);
    expect((await c!.client.post(`/flash-sales/${open.id}`, { intent: "buy", quantity: "1", provider: "paypal", idempotencyKey: "q".repeat(24) })).status).toBe(400);

    // Without a pickup point: the page asks for one instead of the form; a post is refused.
    const noPoint = text(await (await pointless!.client.get(`/flash-sales/${open.id}`)).text());
    expect(noPoint).toContain("先选择自提点再抢购");
    refused = await buy(pointless!.client, open.id, "1", "p".repeat(24));
    expect(refused.res.status).toBe(400);
    expect(text(await refused.res.text())).toContain("请先选择自提点，再来抢购");

    const guest = worker.client({ ip: "198.18.9.2" });
    const anonymous = await guest.post(`/flash-sales/${open.id}`, { intent: "buy", quantity: "1", provider: "sandbox", idempotencyKey: "a".repeat(24) });
    expect([302, 303]).toContain(anonymous.status);
    expect(anonymous.headers.get("location")).toContain("/login");
    // Nothing was reserved by any refusal.
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM orders WHERE flash_sale_id IN (?, ?, ?)", upcoming.id, ended.id, open.id)).n).toBe(0);
  });

  it("early access: a gold member may buy 30 minutes before the start and is told so; an ordinary member counts down to the start", async () => {
    const now = Date.now();
    const s = await sale({ startsAt: now + 10 * 60_000, endsAt: now + 3_600_000, early: { gold: 30 } });
    const [gold, normal] = await shoppers(2);
    await makeGold(gold!.id);
    let html = text(await (await gold!.client.get(`/flash-sales/${s.id}`)).text());
    expect(html).toContain("你是金卡会员，可提前 30 分钟开抢");
    expect(html).toMatch(/data-testid="flash-phase"[^>]*>抢购中</);
    expect(html).toContain('name="intent" value="buy"');
    expect((await buy(gold!.client, s.id)).res.status).toBe(302);

    html = text(await (await normal!.client.get(`/flash-sales/${s.id}`)).text());
    expect(html).toContain("金卡会员提前 30 分钟");
    expect(html).not.toContain("你是金卡会员");
    expect(html).toMatch(/data-testid="flash-phase"[^>]*>即将开抢</);
    expect(html).toMatch(new RegExp(`role="timer"[^>]*>${at(s.startsAt)} 开抢<`));
    expect(html).not.toContain('name="intent" value="buy"');
    const refused = await buy(normal!.client, s.id, "1", "n".repeat(24));
    expect(refused.res.status).toBe(409);
  });
});

describe("notify me", () => {
  it("signs up on an upcoming sale; the minute cron after the start sends one inbox notice, and a second run nothing", async () => {
    const now = Date.now();
    const s = await sale({ startsAt: now + 2 * 60_000, endsAt: now + 3_600_000 });
    const [watcher, other] = await shoppers(2);
    let html = text(await (await watcher!.client.get(`/flash-sales/${s.id}`)).text());
    expect(html).toContain("开抢提醒我");
    const signUp = () => watcher!.client.post(`/flash-sales/${s.id}`, { intent: "remind" });
    let res = await signUp();
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/flash-sales/${s.id}`);
    expect((await signUp()).status).toBe(302);
    html = text(await (await watcher!.client.get(`/flash-sales/${s.id}`)).text());
    expect(html).toContain("已设置提醒：开抢时会通知你。");
    expect(html).toContain('name="intent" value="unremind"');
    // Withdraw and sign up again: one row.
    expect((await watcher!.client.post(`/flash-sales/${s.id}`, { intent: "unremind" })).status).toBe(302);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM flash_sale_reminders WHERE sale_id = ?", s.id)).n).toBe(0);
    expect((await signUp()).status).toBe(302);
    expect((await other!.client.post(`/flash-sales/${s.id}`, { intent: "remind" })).status).toBe(302);
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM flash_sale_reminders WHERE sale_id = ?", s.id)).n).toBe(2);

    const notices = (userId: string) => one<{ n: number }>("SELECT count(*) AS n FROM notifications WHERE user_id = ? AND kind = 'order.flash_sale_started'", userId);
    // Before the start nothing goes out.
    await worker.scheduled("* * * * *", now);
    expect((await notices(watcher!.id)).n).toBe(0);
    // The first run after the start: one notice each, linking to the sale.
    await worker.scheduled("* * * * *", s.startsAt + 1_000);
    expect((await notices(watcher!.id)).n).toBe(1);
    expect((await notices(other!.id)).n).toBe(1);
    const row = await one<{ data: string; link: string }>("SELECT data, link FROM notifications WHERE user_id = ? AND kind = 'order.flash_sale_started'", watcher!.id);
    expect(row.link).toBe(`/flash-sales/${s.id}`);
    expect(JSON.parse(row.data)).toEqual({ product: "普罗旺斯西红柿", price: "¥9.90" });
    expect((await one<{ n: number }>("SELECT count(*) AS n FROM flash_sale_reminders WHERE sale_id = ? AND sent_at IS NOT NULL", s.id)).n).toBe(2);
    // A second run sends nothing more.
    await worker.scheduled("* * * * *", s.startsAt + 61_000);
    expect((await notices(watcher!.id)).n).toBe(1);
    const inbox = text(await (await watcher!.client.get("/me/notifications")).text());
    expect(inbox).toContain("你关注的限时抢购开始了");
    expect(inbox).toContain("“普罗旺斯西红柿”限时价 ¥9.90");

    // A sale already open takes no sign-ups.
    const live = await sale();
    res = await watcher!.client.post(`/flash-sales/${live.id}`, { intent: "remind" });
    expect(res.status).toBe(409);
    expect(text(await res.text())).toContain("已经开抢了，不需要提醒");
  });
});

describe("the list, the home strip, the product block and the switch", () => {
  it("lists the sales that have not ended; the home strip and the product block show the next sale the same for everyone", async () => {
    const now = Date.now();
    const greens = await one<{ id: string; product_id: string }>("SELECT id, product_id FROM skus WHERE product_id = 'prd_demogreens0000000000'");
    const live = await sale({ productId: greens.product_id, skuId: greens.id, stock: 10, endsAt: now + 30 * 60_000 });
    const ended = await sale({ startsAt: now - 7_200_000, endsAt: now - 60_000 });
    const guest = worker.client({ ip: "198.18.9.3" });

    const list = text(await (await guest.get("/flash-sales")).text());
    expect(list).toContain(`href="/flash-sales/${live.id}"`);
    expect(list).not.toContain(`href="/flash-sales/${ended.id}"`);
    expect(list).toContain("上海青 新鲜现摘");

    const home = text(await (await guest.get("/")).text());
    expect(home).toMatch(/data-testid="home-flash"/);
    expect(home).toContain("限时抢购");
    expect(home).toContain(`href="/flash-sales/${live.id}"`);
    expect(home).toContain(`${at(live.endsAt)} 结束`);
    // Nothing personal in the strip: a gold member's home shows the same sale the same way.
    const [gold] = await shoppers(1);
    await makeGold(gold!.id);
    const goldHome = text(await (await gold!.client.get("/")).text());
    expect(goldHome).toContain(`${at(live.endsAt)} 结束`);
    expect(goldHome).not.toContain("你是金卡会员");

    const product = text(await (await guest.get(`/products/${greens.product_id}`)).text());
    expect(product).toMatch(/data-testid="product-flash"/);
    expect(product).toContain(`href="/flash-sales/${live.id}"`);
    expect(product).toContain("去抢购");
    expect(product).toContain(`${at(live.endsAt)} 结束`);
    expect(product).toContain("已抢 0%");
  });

  it("switched off: the pages answer 404 with a message, the home strip and the product block are gone, buying is refused", async () => {
    const s = await sale();
    const soon = await sale({ startsAt: Date.now() + 60_000 });
    const [shopper] = await shoppers(1);
    const key = hidden(await (await shopper!.client.get(`/flash-sales/${s.id}`)).text(), "idempotencyKey");
    expect((await shopper!.client.post(`/flash-sales/${soon.id}`, { intent: "remind" })).status).toBe(302);
    const told = async () => (await one<{ n: number }>("SELECT count(*) AS n FROM notifications WHERE user_id = ? AND link = ?", shopper!.id, `/flash-sales/${soon.id}`)).n;
    await setFlashSales(false);
    try {
      // No reminder leads to a closed page.
      await worker.scheduled("* * * * *", soon.startsAt + 1_000);
      expect(await told()).toBe(0);
      const page = await shopper!.client.get(`/flash-sales/${s.id}`);
      expect(page.status).toBe(404);
      expect(text(await page.text())).toContain("限时抢购暂未开放");
      expect((await shopper!.client.get("/flash-sales")).status).toBe(404);
      const home = text(await (await shopper!.client.get("/")).text());
      expect(home).not.toMatch(/data-testid="home-flash"/);
      expect(text(await (await shopper!.client.get(`/products/${TOMATO}`)).text())).not.toMatch(/data-testid="product-flash"/);
      const refused = await buy(shopper!.client, s.id, "1", key);
      expect(refused.res.status).toBe(403);
      expect((await shopper!.client.post(`/flash-sales/${s.id}`, { intent: "remind" })).status).toBe(403);
    } finally {
      await setFlashSales(true);
    }
    expect((await shopper!.client.get(`/flash-sales/${s.id}`)).status).toBe(200);
    // Switched back on while the sale is still on: the reminder goes out.
    await worker.scheduled("* * * * *", soon.startsAt + 2_000);
    expect(await told()).toBe(1);
  });
});
