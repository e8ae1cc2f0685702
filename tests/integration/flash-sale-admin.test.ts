/**
 * Issue 8, flash sales in the consoles: a merchant creates a sale on its own SKU (field errors,
 * another merchant's SKU not found, an overlapping sale a 409), an admin with `review:product:any`
 * approves it — the units leave the SKU's stock in the same batch, or nothing is written when the
 * SKU holds too few — or rejects it with a reason (finance cannot), the merchant's staff are told;
 * and after the window the reconciliation compares the real FlashSaleStock object with the D1
 * orders, records the result exactly once and puts the unsold units back on the shelf, reporting
 * any difference to the admins.
 */
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { homeShard } from "../../app/modules/flash-sales/shards";
import { signSandboxNotification } from "../../app/modules/payments/providers";
import { startWorker, TEST_SANDBOX_SECRET, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
const as: Record<string, Client> = {};
let ipCounter = 10;
const nextIp = () => `198.18.10.${ipCounter++}`;

const FRUIT = "mch_demofruit00000000000";
const FRUIT_OWNER = "usr_demomerchant01000000";
const REVIEWER = "usr_demoreviewer00000000";
const EGGS = "sku_demoeggs000000000001"; // ¥29.80
const APPLE_BIG = "sku_demoapple00000000002"; // ¥54.90
const TOMATO = "sku_demotomato0000000001";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const local = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 16);
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function signIn(email: string, password = "demo-pass-2026"): Promise<Client> {
  const c = worker.client({ ip: nextIp() });
  const res = await c.post("/login", { intent: "password", email, password });
  expect(res.status, email).toBe(302);
  return c;
}
const one = async <T>(sql: string, ...binds: unknown[]): Promise<T> => (await worker.d1.prepare(sql).bind(...binds).first<T>())!;
const all = async <T>(sql: string, ...binds: unknown[]): Promise<T[]> => (await worker.d1.prepare(sql).bind(...binds).all<T>()).results;
const skuStock = async (id: string) => (await one<{ stock: number }>("SELECT stock FROM skus WHERE id = ?", id)).stock;

async function newAudit<T>(act: () => Promise<T>) {
  const since = (await one<{ m: number | null }>("SELECT max(rowid) AS m FROM audit_log")).m ?? 0;
  await act();
  return all<{ action: string; actor_user_id: string | null; entity_id: string; data: string | null }>("SELECT action, actor_user_id, entity_id, data FROM audit_log WHERE rowid > ? ORDER BY rowid", since);
}

/** Runs `act` and expects no audit row, no flash-sale change and no SKU stock change. */
async function expectNothingWritten(act: () => Promise<void>) {
  const state = async () => [
    (await one<{ n: number }>("SELECT count(*) AS n FROM audit_log")).n,
    await all("SELECT id, status, updated_at FROM flash_sales ORDER BY id"),
    await all("SELECT id, stock FROM skus ORDER BY id"),
  ];
  const before = await state();
  await act();
  expect(await state()).toEqual(before);
}

const now = Date.now();
const window = { startsAt: local(now + DAY), endsAt: local(now + DAY + 2 * HOUR) };
const saleForm = (over: Record<string, string> = {}) => ({
  intent: "create-flash-sale",
  skuId: EGGS,
  flashPrice: "19.90",
  stock: "20",
  perUserLimit: "2",
  paymentTimeoutMinutes: "10",
  ...window,
  earlySilver: "",
  earlyGold: "30",
  ...over,
});

beforeAll(async () => {
  worker = await startWorker();
  const accounts = {
    fruit: "fruit@demo.tuangou.test",
    baby: "baby@demo.tuangou.test",
    admin: "admin@demo.tuangou.test",
    reviewer: "reviewer@demo.tuangou.test",
    finance: "finance@demo.tuangou.test",
    shopper: "shopper1@demo.tuangou.test",
  };
  for (const [who, email] of Object.entries(accounts)) as[who] = await signIn(email);
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

let eggsSale = "";
let appleSale = "";

describe("a merchant creates a flash sale", () => {
  it("only merchants reach the page; it offers the merchant's own on-sale SKUs", async () => {
    expect((await as.shopper!.get("/merchant/flash-sales")).status).toBe(403);
    expect((await as.shopper!.post("/merchant/flash-sales", saleForm())).status).toBe(403);
    expect((await worker.client({ ip: nextIp() }).get("/merchant/flash-sales")).status).toBe(302);
    const page = await as.fruit!.get("/merchant/flash-sales");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("新建限时抢购");
    expect(html).toContain(`value="${EGGS}"`);
    expect(html).toContain('href="/merchant/flash-sales"');
  });

  it("answers bad input with field errors (400), another merchant's SKU with 404, and writes nothing", async () => {
    await expectNothingWritten(async () => {
      const junk = await as.fruit!.post(
        "/merchant/flash-sales",
        saleForm({ flashPrice: "1.999", stock: "0", perUserLimit: "100", paymentTimeoutMinutes: "31", earlyGold: "121", endsAt: local(now + 9 * DAY) }),
      );
      expect(junk.status).toBe(400);
      const html = await junk.text();
      for (const text of [
        "请填写有效金额，例如 9.90。",
        "抢购数量为 1–100000 的整数。",
        "每人限购为 1–99 的整数。",
        "付款时限为 1–30 的整数分钟。",
        "提前分钟数为 0–120 的整数。",
        "限时抢购最长 7 天。",
      ])
        expect(html).toContain(text);

      const notLower = await as.fruit!.post("/merchant/flash-sales", saleForm({ flashPrice: "29.80" }));
      expect(notLower.status).toBe(400);
      expect(await notLower.text()).toContain("抢购价要低于日常价。");

      const tooMany = await as.fruit!.post("/merchant/flash-sales", saleForm({ stock: String((await skuStock(EGGS)) + 1) }));
      expect(tooMany.status).toBe(400);
      expect(await tooMany.text()).toContain("抢购数量不能超过规格当前库存。");

      const past = await as.fruit!.post("/merchant/flash-sales", saleForm({ startsAt: local(now - DAY), endsAt: local(now - DAY + HOUR) }));
      expect(past.status).toBe(400);
      expect(await past.text()).toContain("开始时间不能早于现在。");

      expect((await as.baby!.post("/merchant/flash-sales", saleForm())).status).toBe(404);
    });
  });

  it("creates a sale pending review with one audit row; an overlapping one on the same SKU is a 409", async () => {
    const audit = await newAudit(async () => {
      const res = await as.fruit!.post("/merchant/flash-sales", saleForm());
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("限时抢购已提交，平台审核通过后生效。");
    });
    const row = await one<Record<string, unknown>>("SELECT * FROM flash_sales WHERE sku_id = ?", EGGS);
    eggsSale = row.id as string;
    expect(eggsSale).toMatch(/^fls_[0-9a-z]{20}$/);
    expect(row).toMatchObject({
      merchant_id: FRUIT,
      product_id: "prd_demoeggs000000000000",
      flash_price_fen: 1990,
      stock: 20,
      per_user_limit: 2,
      payment_timeout_seconds: 600,
      early_access_minutes: '{"gold":30}',
      starts_at: Date.parse(`${window.startsAt}:00+08:00`),
      ends_at: Date.parse(`${window.endsAt}:00+08:00`),
      status: "pending_review",
      created_by: FRUIT_OWNER,
      reconciled_at: null,
    });
    expect(audit.map((a) => [a.action, a.actor_user_id, a.entity_id])).toEqual([["flash_sale.create", FRUIT_OWNER, eggsSale]]);

    await expectNothingWritten(async () => {
      const overlap = await as.fruit!.post("/merchant/flash-sales", saleForm({ startsAt: local(now + DAY + HOUR), endsAt: local(now + DAY + 3 * HOUR) }));
      expect(overlap.status).toBe(409);
      expect(await overlap.text()).toContain("这个规格在所选时间内已有限时抢购");
    });

    expect((await as.fruit!.post("/merchant/flash-sales", saleForm({ skuId: APPLE_BIG, flashPrice: "39", stock: "5", earlyGold: "" }))).status).toBe(200);
    appleSale = (await one<{ id: string; early_access_minutes: string }>("SELECT id, early_access_minutes FROM flash_sales WHERE sku_id = ?", APPLE_BIG)).id;

    const page = await (await as.fruit!.get("/merchant/flash-sales")).text();
    expect(page).toContain(eggsSale);
    expect(page).toContain("待审核");
    expect(await (await as.baby!.get("/merchant/flash-sales")).text()).not.toContain(eggsSale);
  });
});

describe("an admin reviews it", () => {
  it("needs review:product:any: the reviewer may, finance may not", async () => {
    expect((await as.finance!.get("/admin/flash-sales")).status).toBe(403);
    await expectNothingWritten(async () => {
      expect((await as.finance!.post("/admin/flash-sales", { intent: "approve", saleId: eggsSale })).status).toBe(403);
      expect((await as.fruit!.post("/admin/flash-sales", { intent: "approve", saleId: eggsSale })).status).toBe(403);
    });
    const html = await (await as.reviewer!.get("/admin/flash-sales")).text();
    expect(html).toContain(eggsSale);
    expect(html).toContain("2 个限时抢购待审核");
    expect(html).toContain('href="/admin/flash-sales"');
    expect(await (await as.finance!.get("/admin")).text()).not.toContain('href="/admin/flash-sales"');
  });

  it("approving more than the SKU holds is a 409 and writes nothing", async () => {
    const held = await skuStock(EGGS);
    await worker.d1.prepare("UPDATE skus SET stock = 19 WHERE id = ?").bind(EGGS).run();
    await expectNothingWritten(async () => {
      const res = await as.reviewer!.post("/admin/flash-sales", { intent: "approve", saleId: eggsSale });
      expect(res.status).toBe(409);
      expect(await res.text()).toContain("规格库存不足以预留这么多件");
    });
    await worker.d1.prepare("UPDATE skus SET stock = ? WHERE id = ?").bind(held, EGGS).run();
  });

  it("approval sets the units aside from the SKU in the same batch; a rejection needs a reason; the merchant is told", async () => {
    await expectNothingWritten(async () => {
      const noReason = await as.reviewer!.post("/admin/flash-sales", { intent: "reject", saleId: appleSale, reason: " " });
      expect(noReason.status).toBe(400);
      expect(await noReason.text()).toContain("请填写驳回原因（至少 2 个字）。");
      expect((await as.reviewer!.post("/admin/flash-sales", { intent: "approve", saleId: "fls_0123456789abcdefghjk" })).status).toBe(404);
      expect((await as.reviewer!.post("/admin/flash-sales", { intent: "approve", saleId: "nope" })).status).toBe(400);
    });
    const before = await skuStock(EGGS);
    const approved = await newAudit(async () => {
      const res = await as.reviewer!.post("/admin/flash-sales", { intent: "approve", saleId: eggsSale });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("已通过，库存已预留，商家已收到通知。");
    });
    expect(approved.map((a) => [a.action, a.actor_user_id])).toEqual([["flash_sale.approve", REVIEWER]]);
    expect(await skuStock(EGGS)).toBe(before - 20);
    expect(await one("SELECT status, reviewed_by, review_note FROM flash_sales WHERE id = ?", eggsSale)).toEqual({ status: "approved", reviewed_by: REVIEWER, review_note: null });

    const appleBefore = await skuStock(APPLE_BIG);
    const rejected = await newAudit(async () => {
      expect((await as.reviewer!.post("/admin/flash-sales", { intent: "reject", saleId: appleSale, reason: "抢购价与日常价差别太小" })).status).toBe(200);
    });
    expect(rejected.map((a) => a.action)).toEqual(["flash_sale.reject"]);
    expect(JSON.parse(rejected[0]!.data!)).toMatchObject({ merchantId: FRUIT, reason: "抢购价与日常价差别太小" });
    expect(await skuStock(APPLE_BIG)).toBe(appleBefore);

    // Decided once: a second decision changes nothing.
    await expectNothingWritten(async () => {
      expect((await as.admin!.post("/admin/flash-sales", { intent: "approve", saleId: eggsSale })).status).toBe(409);
      expect((await as.admin!.post("/admin/flash-sales", { intent: "reject", saleId: eggsSale, reason: "再想想" })).status).toBe(409);
    });

    const notices = await all<{ kind: string; data: string; link: string }>(
      "SELECT kind, data, link FROM notifications WHERE user_id = ? AND kind LIKE 'merchant.flash_sale_%' ORDER BY created_at, rowid",
      FRUIT_OWNER,
    );
    expect(notices.map((n) => [n.kind, JSON.parse(n.data), n.link])).toEqual([
      ["merchant.flash_sale_approved", { product: "农家散养土鸡蛋 30 枚 30 枚装", stock: 20 }, "/merchant/flash-sales"],
      ["merchant.flash_sale_rejected", { product: "烟台红富士苹果 10 斤装", reason: "抢购价与日常价差别太小" }, "/merchant/flash-sales"],
    ]);
    const page = await (await as.fruit!.get("/merchant/flash-sales")).text();
    expect(page).toContain("驳回原因：抢购价与日常价差别太小");
    expect(await (await as.reviewer!.get("/admin/flash-sales")).text()).toContain("没有待审核的限时抢购。");
  });

  it("the merchant may pause its approved sale before anyone can buy: the units go back", async () => {
    await expectNothingWritten(async () => {
      expect((await as.baby!.post("/merchant/flash-sales", { intent: "pause-flash-sale", saleId: eggsSale })).status).toBe(404);
      expect((await as.fruit!.post("/merchant/flash-sales", { intent: "pause-flash-sale", saleId: appleSale })).status).toBe(409);
    });
    const before = await skuStock(EGGS);
    const audit = await newAudit(async () => {
      const res = await as.fruit!.post("/merchant/flash-sales", { intent: "pause-flash-sale", saleId: eggsSale });
      expect(res.status).toBe(200);
    });
    expect(audit.map((a) => a.action)).toEqual(["flash_sale.pause"]);
    expect(await skuStock(EGGS)).toBe(before + 20);
    expect((await one<{ status: string }>("SELECT status FROM flash_sales WHERE id = ?", eggsSale)).status).toBe("paused");
    await expectNothingWritten(async () => {
      expect((await as.fruit!.post("/merchant/flash-sales", { intent: "pause-flash-sale", saleId: eggsSale })).status).toBe(409);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Shoppers through the API (as tests/integration/flash-sales.test.ts does)

let userSeq = 0;
async function shoppers(n: number): Promise<Array<{ id: string; token: string }>> {
  const t = Date.now();
  const made = Array.from({ length: n }, () => {
    const k = ++userSeq;
    return { id: `usr_fsadmintest${String(k).padStart(9, "0")}`, token: `flash-admin-token-${k}-${"q".repeat(24)}` };
  });
  await worker.d1.batch(
    made.flatMap((u) => [
      worker.d1.prepare("INSERT INTO users (id, display_name, locale, status, created_at, updated_at) VALUES (?, '抢购者', 'zh-CN', 'active', ?, ?)").bind(u.id, t, t),
      worker.d1.prepare("INSERT INTO sessions (id, user_id, expires_at, created_at, kind) VALUES (?, ?, ?, ?, 'bearer')").bind(sha256(u.token), u.id, Math.floor(t / 1000) + 86_400, t),
      worker.d1.prepare("INSERT INTO user_pickup_points (user_id, pickup_point_id, source, updated_at) VALUES (?, 'pkp_demosunshine00000000', 'chosen', ?)").bind(u.id, t),
    ]),
  );
  return made;
}

function api(path: string, init: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { "CF-Connecting-IP": "203.0.113.96" };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  return worker.fetch(`/api/v1${path}`, { method: init.body === undefined ? "GET" : "POST", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

let tradeSeq = 0;
async function pay(token: string, orderId: string) {
  const started = await api(`/orders/${orderId}/payments`, { token, body: { provider: "sandbox" } });
  expect(started.status).toBe(201);
  const { paymentId } = (await started.json()) as { paymentId: string };
  const { payable_fen } = await one<{ payable_fen: number }>("SELECT payable_fen FROM orders WHERE id = ?", orderId);
  const signed = await signSandboxNotification(TEST_SANDBOX_SECRET, { paymentId, providerTradeNo: `SBXFSA${++tradeSeq}`, status: "succeeded", amountFen: payable_fen, paidAt: Date.now() }, Date.now());
  expect((await worker.fetch("/api/v1/payments/notify/sandbox", { method: "POST", headers: signed.headers, body: signed.body })).status).toBe(204);
}

async function pendingSale(over: { sku: string; stock: number; shards?: number; startsAt: number; endsAt: number; timeoutSeconds: number; status?: string }) {
  const id = `fls_fsadmin${String(++userSeq).padStart(13, "0")}`;
  const t = Date.now();
  await worker.d1
    .prepare(
      `INSERT INTO flash_sales (id, merchant_id, product_id, sku_id, flash_price_fen, stock, shards, per_user_limit, payment_timeout_seconds, early_access_minutes, starts_at, ends_at, status, created_by, created_at, updated_at)
       VALUES (?, ?, (SELECT product_id FROM skus WHERE id = ?), ?, 990, ?, ?, 4, ?, '{}', ?, ?, ?, ?, ?, ?)`,
    )
    .bind(id, FRUIT, over.sku, over.sku, over.stock, over.shards ?? 1, over.timeoutSeconds, over.startsAt, over.endsAt, over.status ?? "pending_review", FRUIT_OWNER, t, t)
    .run();
  return id;
}

describe("end-of-window reconciliation", () => {
  it("after the window and the last payment time: the object and D1 agree, the result is exact, unsold units go back, a second run changes nothing", async () => {
    const shelf = await skuStock(TOMATO);
    const start = Date.now();
    const saleId = await pendingSale({ sku: TOMATO, stock: 10, startsAt: start - 1_000, endsAt: start + 3_000, timeoutSeconds: 2 });
    // Approved through the admin page: 10 units leave the shelf.
    expect((await as.reviewer!.post("/admin/flash-sales", { intent: "approve", saleId })).status).toBe(200);
    expect(await skuStock(TOMATO)).toBe(shelf - 10);

    const [a, b, c] = await shoppers(3);
    const reserve = async (u: { token: string }, quantity: number) => {
      const res = await api(`/flash-sales/${saleId}/reservations`, { token: u.token, body: { quantity } });
      expect(res.status).toBe(201);
      return (await res.json()) as { orderId: string; reservationId: string };
    };
    const ra = await reserve(a!, 2);
    await reserve(b!, 3); // never paid: released at its expiry
    const rc = await reserve(c!, 1);
    await pay(a!.token, ra.orderId);
    await pay(c!.token, rc.orderId);

    // Not yet: the window (and the last payment time) is not over.
    await worker.scheduled("*/5 * * * *");
    expect((await one<{ reconciled_at: number | null }>("SELECT reconciled_at FROM flash_sales WHERE id = ?", saleId)).reconciled_at).toBeNull();

    await sleep(Math.max(0, start + 3_000 + 2_000 + 300 - Date.now()));
    await worker.scheduled("* * * * *"); // the unpaid order is cancelled
    const audits = await newAudit(() => worker.scheduled("*/5 * * * *"));
    expect(audits).toEqual([]);
    const row = await one<{ reconciled_at: number | null; reconciliation: string }>("SELECT reconciled_at, reconciliation FROM flash_sales WHERE id = ?", saleId);
    expect(row.reconciled_at).not.toBeNull();
    expect(JSON.parse(row.reconciliation)).toEqual({ sold: 3, reserved: 0, remaining: 7, d1Sold: 3, d1Pending: 0, differences: [] });
    expect(await skuStock(TOMATO)).toBe(shelf - 3);

    // Once: a second run changes nothing.
    await worker.scheduled("*/5 * * * *", Date.now() + 60_000);
    expect(await one("SELECT reconciled_at, reconciliation FROM flash_sales WHERE id = ?", saleId)).toEqual(row);
    expect(await skuStock(TOMATO)).toBe(shelf - 3);

    const admin = await (await as.reviewer!.get("/admin/flash-sales?status=approved")).text();
    expect(admin).toContain(saleId);
    expect(admin).toContain("售出 3 / 10 件 · 售罄率 30.0%");
    expect(admin).toContain("库存与订单一致");
    expect(await (await as.fruit!.get("/merchant/flash-sales")).text()).toContain("售出 3 / 10 件 · 售罄率 30.0%");
    const en = await (await as.fruit!.get("/merchant/flash-sales", { "Accept-Language": "en" })).text();
    expect(en).toContain("Sold 3 of 10 · sell-through 30.0%");
    // The analytics dashboard counts it on the day it ended: 3 of 10 sold (with any other sale of that day).
    const day = new Date(start + 3_000 + 8 * HOUR).toISOString().slice(0, 10);
    const ended = await all<{ stock: number; sold: number }>(
      "SELECT stock, json_extract(reconciliation, '$.sold') AS sold FROM flash_sales WHERE reconciled_at IS NOT NULL AND status = 'approved' AND date((ends_at + 28800000) / 1000, 'unixepoch') = ?",
      day,
    );
    const units = ended.reduce((n, r) => n + r.stock, 0);
    const sold = ended.reduce((n, r) => n + Number(r.sold), 0);
    expect(units).toBeGreaterThanOrEqual(10);
    const dashboard = await (await as.admin!.get(`/admin/analytics?from=${day}&to=${day}&g=day`)).text();
    expect(dashboard).toContain("限时抢购售罄率");
    expect(dashboard).toMatch(new RegExp(`data-testid="flash-sales-units"[\\s\\S]*?>${units}<`));
    expect(dashboard).toMatch(new RegExp(`data-testid="flash-sales-sold"[\\s\\S]*?>${sold}<`));
    const csv = await as.admin!.get(`/admin/analytics.csv?table=flash_sales&from=${day}&to=${day}&g=day`);
    expect(csv.status).toBe(200);
    expect((await csv.text()).split("\r\n")[1]).toBe(`${day},${day},${day},${ended.length},${units},${sold},${((sold * 1000) / units / 10).toFixed(1)}`);
    expect(en).toContain("Reconciled");
  }, 30_000);

  it("a sale split across two shards reconciles across both: a dry shard borrowed, sold and moved units add up, no difference", async () => {
    const shelf = await skuStock(EGGS);
    const start = Date.now();
    const saleId = await pendingSale({ sku: EGGS, stock: 10, shards: 2, startsAt: start - 1_000, endsAt: start + 3_000, timeoutSeconds: 2 });
    expect((await as.reviewer!.post("/admin/flash-sales", { intent: "approve", saleId })).status).toBe(200);
    const people = await shoppers(40);
    const [a, c] = people.filter((u) => homeShard(u.id, 2) === 0);
    const [b] = people.filter((u) => homeShard(u.id, 2) === 1);
    const reserve = async (u: { token: string }, quantity: number) => {
      const res = await api(`/flash-sales/${saleId}/reservations`, { token: u.token, body: { quantity } });
      expect(res.status).toBe(201);
      return (await res.json()) as { orderId: string; reservationId: string };
    };
    // Shard 0 holds 5: a takes 2; c wants 4 of the 3 left, so one unit moves over from shard 1.
    const ra = await reserve(a!, 2);
    await reserve(b!, 3); // shard 1, never paid
    const rc = await reserve(c!, 4);
    expect([ra.reservationId.charAt(4), rc.reservationId.charAt(4)]).toEqual(["0", "0"]);
    await pay(a!.token, ra.orderId);
    await pay(c!.token, rc.orderId);
    await sleep(Math.max(0, start + 3_000 + 2_000 + 300 - Date.now()));
    await worker.scheduled("* * * * *");
    expect(await newAudit(() => worker.scheduled("*/5 * * * *"))).toEqual([]);
    const row = await one<{ reconciliation: string }>("SELECT reconciliation FROM flash_sales WHERE id = ?", saleId);
    expect(JSON.parse(row.reconciliation)).toEqual({ sold: 6, reserved: 0, remaining: 4, d1Sold: 6, d1Pending: 0, differences: [] });
    expect(await skuStock(EGGS)).toBe(shelf - 6);
  }, 30_000);

  it("a paid flash order the stock object never reserved is reported: stored, audited, every admin told", async () => {
    const shelf = await skuStock(APPLE_BIG);
    const t = Date.now();
    const saleId = await pendingSale({ sku: APPLE_BIG, stock: 5, startsAt: t - 2 * HOUR, endsAt: t - HOUR, timeoutSeconds: 60, status: "approved" });
    const [u] = await shoppers(1);
    await worker.d1.batch([
      worker.d1
        .prepare(
          `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, flash_sale_id, flash_reservation_id, created_at, updated_at)
           VALUES ('ord_fsadminfake00000001', ?, 'pkp_demosunshine00000000', 'paid', 990, 0, 990, 990, '{}', 1, '{}', 'x', 'fsadmin-fake', ?, ?, ?, 'frv_fakefakefakefakefake', ?, ?)`,
        )
        .bind(u!.id, t - HOUR, t - HOUR, saleId, t - HOUR, t - HOUR),
      worker.d1
        .prepare(
          `INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen)
           SELECT 'oli_fsadminfake00000001', 'ord_fsadminfake00000001', k.id, p.id, p.merchant_id, p.category_id, p.title_zh, k.spec_zh, 1, 990, 990, 0, 990
           FROM skus k JOIN products p ON p.id = k.product_id WHERE k.id = ?`,
        )
        .bind(APPLE_BIG),
    ]);
    const audits = await newAudit(() => worker.scheduled("*/5 * * * *"));
    expect(audits.map((a) => [a.action, a.actor_user_id, a.entity_id])).toEqual([["flash_sale.reconcile_mismatch", null, saleId]]);
    const result = JSON.parse((await one<{ reconciliation: string }>("SELECT reconciliation FROM flash_sales WHERE id = ?", saleId)).reconciliation);
    expect(result).toEqual({
      sold: 0,
      reserved: 0,
      remaining: 5,
      d1Sold: 1,
      d1Pending: 0,
      differences: [{ kind: "order_without_reservation", reservationId: "frv_fakefakefakefakefake", orderId: "ord_fsadminfake00000001" }],
    });
    expect(await skuStock(APPLE_BIG)).toBe(shelf + 5);

    const admins = await all<{ user_id: string }>("SELECT user_id FROM user_roles WHERE role = 'admin' ORDER BY user_id");
    expect(admins.length).toBeGreaterThan(0);
    const told = await all<{ user_id: string; data: string; link: string }>("SELECT user_id, data, link FROM notifications WHERE kind = 'admin.flash_sale_mismatch' ORDER BY user_id");
    expect(told.map((n) => n.user_id)).toEqual(admins.map((a) => a.user_id));
    expect(JSON.parse(told[0]!.data)).toEqual({ product: "烟台红富士苹果 10 斤装", count: 1 });
    expect(told[0]!.link).toBe(`/admin/flash-sales?status=approved#${saleId}`);

    expect(told.map((n) => n.user_id)).toContain(REVIEWER);
    expect(await (await as.reviewer!.get("/me/notifications")).text()).toContain("限时抢购对账有差异");
    const page = await (await as.reviewer!.get("/admin/flash-sales?status=approved")).text();
    expect(page).toContain("对账差异 1 处");
    expect(page).toContain("订单 ord_fsadminfake00000001 在抢购对象中找不到预留 frv_fakefakefakefakefake");
  });
});
