/**
 * Issue #6 part 3: platform settings. The admin page saves a section at a time (only changed
 * keys, each versioned, with history and an audit row, in one batch); a stale form is refused
 * with 409; bad values with field errors (400); orders snapshot the rates and deadlines they
 * depend on, so a change is effective for new orders at once and never retroactive (ADR 015);
 * feature switches work at once and switch back.
 *
 * One demo world, in order. The feature switches run last and end switched on again.
 */
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../app/context.server";
import { parseSettingValue, SETTING_DEFAULTS, SETTING_KEYS, type SettingSection } from "../../app/modules/settings/catalogue";
import { sectionFormValues } from "../../app/modules/settings/forms";
import { saveSettings } from "../../app/modules/settings/settings.server";
import { startFakePushService, type FakePushService } from "../support/fake-push-service";
import { settleDue } from "../support/settlement";
import { startWorker, TEST_SECRETS, TEST_VAPID, type Client, type TestWorker } from "../support/worker";

/** The pickup list's door-delivery badge (zh-CN `pickup.doorDelivery`). */
const DOOR_BADGE = ">可送货上门</span>";
let worker: TestWorker;
let push: FakePushService;
const as: Record<string, Client> = {};
let ipCounter = 10;
const nextIp = () => `198.18.12.${ipCounter++}`;

const ADMIN = "usr_demoadmin00000000000";
const SUNSHINE = "pkp_demosunshine00000000"; // leader1
const STRAWBERRY = "sku_demostrawberry000001"; // fresh produce
const TISSUE = "sku_demotissue0000000001"; // household
const FRESH = "cat_demofresh00000000000";
const HOUSEHOLD = "cat_demohousehold0000000";
const DAY = 24 * 60 * 60 * 1000;
// A PNG by its signature (the server sniffs the bytes).
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);

beforeAll(async () => {
  push = await startFakePushService(TEST_VAPID.VAPID_PUBLIC_KEY);
  worker = await startWorker({ outbound: push.outbound });
  const accounts = {
    admin: "admin@demo.tuangou.test",
    shopper: "shopper1@demo.tuangou.test",
    leader: "leader1@demo.tuangou.test",
    merchant: "fruit@demo.tuangou.test",
  };
  for (const [who, email] of Object.entries(accounts)) {
    const c = worker.client({ ip: nextIp() });
    expect((await c.post("/login", { intent: "password", email, password: "demo-pass-2026" })).status, who).toBe(302);
    as[who] = c;
  }
  expect((await as.shopper!.post("/pickup", { pickupPointId: SUNSHINE })).status).toBe(302);
});
afterAll(async () => {
  await worker?.dispose();
  await push?.close();
});
afterEach(() => worker.expectNoServerErrors());

const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const all = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).all<T>()).results;
const n = async (sql: string, ...args: unknown[]) => (await one<{ n: number }>(sql, ...args)).n;
const fen = (f: number) => `¥${Math.trunc(f / 100).toLocaleString("en-US")}.${String(f % 100).padStart(2, "0")}`;
/** round_half_up(amount × bp / 10000), exactly. */
const bpOf = (amount: number, bp: number) => Number((BigInt(amount) * BigInt(bp) + 5000n) / 10000n);
const text = async (res: Response) => (await res.text()).replace(/<!-- -->/g, "");
/** What a sighted reader sees: tags and screen-reader-only text removed. */
const plain = (html: string) => html.replace(/<span class="sr-only">[^<]*<\/span>/g, "").replace(/<[^>]+>/g, "");
const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const ids = () => createHash("sha256").update(String(Math.random())).digest("hex").slice(0, 20).replace(/[^0-9a-z]/g, "a");

/** Every setting as it is now (stored value, or the default). */
async function currentValues() {
  const rows = await all<{ key: string; value: string }>("SELECT key, value FROM settings");
  const out = { ...SETTING_DEFAULTS } as Record<string, unknown>;
  for (const key of SETTING_KEYS) {
    const row = rows.find((r) => r.key === key);
    const parsed = parseSettingValue(key, row?.value);
    if (parsed !== null) out[key] = parsed;
  }
  return out as typeof SETTING_DEFAULTS;
}

async function settingsPage(c: Client = as.admin!) {
  const res = await c.get("/admin/settings");
  expect(res.status).toBe(200);
  return text(res);
}

/** The versions a section's form carries, as the page rendered them. */
function versionsOf(html: string, section: SettingSection): string {
  const m = new RegExp(`name="intent" value="save-${section}"/><input type="hidden" name="versions" value="([^"]*)"`).exec(html);
  expect(m, section).not.toBeNull();
  return decode(m![1]!);
}

/** Submits a section as the page would: its current values, with `changes` over them (undefined removes a field). */
async function save(section: SettingSection, changes: Record<string, string | undefined>, opts: { versions?: string; reason?: string; client?: Client } = {}) {
  const versions = opts.versions ?? versionsOf(await settingsPage(), section);
  const fields: Record<string, string> = { intent: `save-${section}`, versions, ...sectionFormValues(section, await currentValues()) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete fields[k];
    else fields[k] = v;
  }
  if (opts.reason !== undefined) fields.reason = opts.reason;
  return (opts.client ?? as.admin!).post("/admin/settings", fields);
}

const counts = async () => ({
  changes: await n("SELECT count(*) AS n FROM setting_changes"),
  audits: await n("SELECT count(*) AS n FROM audit_log WHERE action = 'setting.update'"),
  settings: JSON.stringify(await all("SELECT key, value, version FROM settings ORDER BY key")),
});

/** The shopper buys these SKUs at Sunshine (no coupon) and pays in the sandbox; returns the order. */
async function buyAndPay(items: Array<[string, number]>) {
  const c = as.shopper!;
  for (const [skuId, quantity] of items) expect((await c.post("/cart", { intent: "add", skuId, quantity: String(quantity) })).status).toBeLessThan(400);
  const html = await (await c.get("/checkout?coupon=none")).text();
  const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
  const placed = await c.post("/checkout", { coupon: field("coupon"), provider: "sandbox", expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey") });
  expect(placed.status).toBe(302);
  const paymentId = placed.headers.get("location")!.split("/").pop()!;
  expect((await c.post(`/pay/sandbox/${paymentId}`, { outcome: "succeeded" })).status).toBe(302);
  const { order_id: orderId } = await one<{ order_id: string }>("SELECT order_id FROM payments WHERE id = ?", paymentId);
  const order = await one<{ rates: string; payable_fen: number; status: string }>("SELECT rates, payable_fen, status FROM orders WHERE id = ?", orderId);
  expect(order.status).toBe("paid");
  return { id: orderId, payableFen: order.payable_fen, rates: JSON.parse(order.rates) as Record<string, unknown> };
}

/** The leader's commission page row of an order. */
async function commissionRow(orderId: string) {
  const html = await text(await as.leader!.get("/leader/commission"));
  return html.split(`data-order="${orderId}"`)[1]?.split("</tr>")[0] ?? "";
}

describe("who may see and change the settings", () => {
  it("shoppers, leaders and merchants get 403 on the page, its history and its action; signed-out users go to sign in", async () => {
    for (const who of ["shopper", "leader", "merchant"]) {
      const c = as[who]!;
      expect((await c.get("/admin/settings")).status, who).toBe(403);
      expect((await c.get("/admin/settings/history")).status, who).toBe(403);
      expect((await c.post("/admin/settings", { intent: "save-fees", versions: "{}", platformFee: "0", leaderRate: "100" })).status, who).toBe(403);
    }
    const anonymous = worker.client({ ip: nextIp() });
    const res = await anonymous.get("/admin/settings");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    expect(await n("SELECT count(*) AS n FROM setting_changes")).toBe(0);
  });

  it("shows admins every section in human units: percentages, yuan, minutes and days, HH:MM, the categories", async () => {
    const html = await settingsPage();
    for (const title of ["费用与佣金", "订单时间", "超时未取", "提现", "会员等级与权益", "功能开关", "最近修改"]) expect(html).toContain(title);
    expect(html).toMatch(/name="platformFee"[^>]*value="5"/);
    expect(html).toMatch(/name="leaderRate"[^>]*value="10"/);
    expect(html).toMatch(/name="cutoffTime"[^>]*value="21:00"/);
    expect(html).toMatch(/name="withdrawalMin"[^>]*value="10.00"/);
    expect(html).toMatch(/name="goldThreshold"[^>]*value="2000.00"/);
    expect(html).toMatch(/name="silverMultiplier"[^>]*value="1.2"/);
    expect(html).toMatch(/name="goldDiscount"[^>]*value="20"/);
    expect(html).toContain("生鲜果蔬");
    expect(html).toContain(`name="override_${HOUSEHOLD}"`);
    expect(html).toMatch(/name="feature_door_delivery"[^>]*checked=""/);
    expect(versionsOf(html, "fees")).toBe(JSON.stringify({ "fee.platform_rate_bp": 1, "commission.leader_rate_bp": 1, "commission.category_overrides_bp": 0 }));
  });
});

const orders: Record<string, { id: string; payableFen: number; rates: Record<string, unknown> }> = {};

describe("changing the commission: new orders use it, old ones keep theirs", () => {
  it("saves only what changed: the row (version + 1), its history and one audit row, in one go", async () => {
    orders.before = await buyAndPay([[STRAWBERRY, 1]]);
    expect(orders.before.rates).toMatchObject({ platformFeeBp: 500, leaderCommissionBp: 1000, defaultLeaderCommissionBp: 1000, categoryCommissionBp: {}, afterSalesWindowDays: 7 });

    const res = await save("fees", { leaderRate: "12.5" }, { reason: "春季活动" });
    expect(res.status).toBe(200);
    expect(await text(res)).toContain("已保存：修改了 1 项设置");
    expect(await one("SELECT value, version, updated_by FROM settings WHERE key = 'commission.leader_rate_bp'")).toEqual({ value: "1250", version: 2, updated_by: ADMIN });
    // The platform fee was submitted unchanged: not written.
    expect(await one("SELECT version FROM settings WHERE key = 'fee.platform_rate_bp'")).toEqual({ version: 1 });
    expect(await all("SELECT key, old_value, new_value, version, changed_by, reason FROM setting_changes")).toEqual([
      { key: "commission.leader_rate_bp", old_value: "1000", new_value: "1250", version: 2, changed_by: ADMIN, reason: "春季活动" },
    ]);
    const audit = await one<{ actor_user_id: string; entity_type: string; entity_id: string; data: string }>("SELECT actor_user_id, entity_type, entity_id, data FROM audit_log WHERE action = 'setting.update'");
    expect(audit).toMatchObject({ actor_user_id: ADMIN, entity_type: "settings", entity_id: "fees" });
    expect(JSON.parse(audit.data)).toEqual({ section: "fees", reason: "春季活动", changes: [{ key: "commission.leader_rate_bp", old: 1000, new: 1250, version: 2 }] });
  });

  it("a new order snapshots the new rate; the older order keeps its own, and so does its leader commission", async () => {
    orders.after = await buyAndPay([[STRAWBERRY, 1]]);
    expect(orders.after.rates).toMatchObject({ leaderCommissionBp: 1250, defaultLeaderCommissionBp: 1250 });
    expect(JSON.parse((await one<{ rates: string }>("SELECT rates FROM orders WHERE id = ?", orders.before!.id)).rates)).toEqual(orders.before!.rates);
    expect(await commissionRow(orders.before!.id)).toContain(fen(bpOf(orders.before!.payableFen, 1000)));
    expect(await commissionRow(orders.after.id)).toContain(fen(bpOf(orders.after.payableFen, 1250)));
  });

  it("saving the same values again changes nothing and writes nothing", async () => {
    const before = await counts();
    const res = await save("fees", {});
    expect(res.status).toBe(200);
    expect(await text(res)).toContain("没有改动");
    expect(await counts()).toEqual(before);
  });

  it("a per-category override: a mixed cart's rate is the goods-weighted blend, and the order keeps the overrides of its categories", async () => {
    const res = await save("fees", { [`override_${FRESH}`]: "15" });
    expect(res.status).toBe(200);
    expect(await one("SELECT value, version FROM settings WHERE key = 'commission.category_overrides_bp'")).toEqual({ value: JSON.stringify({ [FRESH]: 1500 }), version: 1 });
    const mixed = await buyAndPay([
      [STRAWBERRY, 2],
      [TISSUE, 1],
    ]);
    const lines = await all<{ category_id: string; base_fen: number }>("SELECT category_id, base_fen FROM order_lines WHERE order_id = ?", mixed.id);
    const goods = lines.reduce((s, l) => s + BigInt(l.base_fen), 0n);
    const weighted = lines.reduce((s, l) => s + BigInt(l.base_fen) * BigInt(l.category_id === FRESH ? 1500 : 1250), 0n);
    const blend = Number((2n * weighted + goods) / (2n * goods));
    expect(blend).toBeGreaterThan(1250);
    expect(blend).toBeLessThan(1500);
    expect(mixed.rates).toEqual({
      platformFeeBp: 500,
      leaderCommissionBp: blend,
      defaultLeaderCommissionBp: 1250,
      categoryCommissionBp: { [FRESH]: 1500 },
      afterSalesWindowDays: 7,
      uncollectedAfterDays: 3,
      uncollectedRefundBp: 10_000,
    });
    expect(await commissionRow(mixed.id)).toContain(fen(bpOf(mixed.payableFen, blend)));
    // A cart of one category gets exactly its rate; one without overrides, the default, and no override map.
    const fresh = await buyAndPay([[STRAWBERRY, 1]]);
    expect(fresh.rates).toMatchObject({ leaderCommissionBp: 1500, categoryCommissionBp: { [FRESH]: 1500 } });
    const household = await buyAndPay([[TISSUE, 1]]);
    expect(household.rates).toMatchObject({ leaderCommissionBp: 1250, categoryCommissionBp: {} });
    // The page now shows the override in its row.
    expect(await settingsPage()).toMatch(new RegExp(`name="override_${FRESH}"[^>]*value="15"`));
  });
});

describe("refusals: nothing is written", () => {
  it("invalid values answer 400 with an error under each field", async () => {
    const before = await counts();
    let res = await save("fees", { platformFee: "5.555", leaderRate: "120", [`override_${HOUSEHOLD}`]: "abc", override_cat_zzzzzzzzzzzzzzzzzzzz: "10" });
    expect(res.status).toBe(400);
    let html = await text(res);
    expect(html).toContain('id="set-platformFee-error"');
    expect(html).toContain("最多 2 位小数");
    expect(html).toContain("请输入 0% 到 100% 之间的值");
    expect(html).toContain(`id="set-override_${HOUSEHOLD}-error"`);
    // Not a category (well-formed id): refused on its own field.
    expect(html).toContain("该类目不存在");
    // What was typed is shown again.
    expect(html).toMatch(/name="platformFee"[^>]*value="5.555"/);

    res = await save("membership", { silverThreshold: "3000", goldThreshold: "2000" });
    expect(res.status).toBe(400);
    expect(await text(res)).toContain("金卡门槛必须高于银卡门槛");
    res = await save("timing", { cutoffTime: "25:00", unpaidTimeout: "0", afterSalesWindow: "" });
    expect(res.status).toBe(400);
    html = await text(res);
    expect(html).toContain("24 小时制");
    expect(html).toContain("请填写");
    res = await save("withdrawals", {}, { reason: "x".repeat(201) });
    expect(res.status).toBe(400);
    expect(await text(res)).toContain("200 字以内");
    // Tampered forms: an unknown section, missing or broken versions.
    expect((await as.admin!.post("/admin/settings", { intent: "save-everything", versions: "{}" })).status).toBe(400);
    expect((await save("withdrawals", {}, { versions: "not json" })).status).toBe(400);
    expect((await save("withdrawals", {}, { versions: "{}" })).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("a form rendered before someone else's save answers 409 and writes nothing", async () => {
    const stale = versionsOf(await settingsPage(), "withdrawals");
    expect((await save("withdrawals", { withdrawalMin: "20", withdrawalFrozenDays: "1" })).status).toBe(200);
    const before = await counts();
    const res = await save("withdrawals", { withdrawalMin: "30", withdrawalFrozenDays: "1" }, { versions: stale });
    expect(res.status).toBe(409);
    const html = await text(res);
    expect(html).toContain("其他人修改了这些设置");
    // The form shows the value now in force, with its new version.
    expect(html).toMatch(/name="withdrawalMin"[^>]*value="20.00"/);
    expect(await counts()).toEqual(before);
    expect(await one("SELECT value, version FROM settings WHERE key = 'withdrawal.min_fen'")).toEqual({ value: "2000", version: 2 });
  });

  it("of several saves racing from the same page, exactly one lands", async () => {
    const versions = versionsOf(await settingsPage(), "uncollected");
    const before = await n("SELECT count(*) AS n FROM setting_changes");
    const results = await Promise.all(["1", "2", "4", "5"].map((days) => save("uncollected", { uncollectedAfterDays: days }, { versions })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    expect(await n("SELECT count(*) AS n FROM setting_changes")).toBe(before + 1);
    expect(await one("SELECT version FROM settings WHERE key = 'order.uncollected_after_days'")).toEqual({ version: 2 });
    // Put it back for the tests below (the default, 3 days).
    expect((await save("uncollected", { uncollectedAfterDays: "3" })).status).toBe(200);
  });

  it("the batch itself refuses a version that moved after the check (a save landing in between)", async () => {
    const { version } = await one<{ version: number }>("SELECT version FROM settings WHERE key = 'fee.platform_rate_bp'");
    const d1 = worker.d1;
    const sneaky = {
      prepare: (q: string) => d1.prepare(q),
      // Another admin's save commits between this save's check and its batch.
      batch: async (statements: D1PreparedStatement[]) => {
        await d1.prepare("UPDATE settings SET version = version + 1 WHERE key = 'fee.platform_rate_bp'").run();
        return d1.batch(statements);
      },
    };
    const ctx = { db: worker.db, env: { ...TEST_SECRETS, DB: sneaky }, waitUntil: () => undefined } as unknown as AppContext;
    const before = await counts();
    const result = await saveSettings(ctx, {
      actorUserId: ADMIN,
      section: "fees",
      reason: null,
      expectedVersions: { "fee.platform_rate_bp": version },
      values: { "fee.platform_rate_bp": 777 },
    });
    expect(result).toEqual({ ok: false, error: { code: "version_conflict" } });
    const after = await counts();
    expect(after.changes).toBe(before.changes);
    expect(after.audits).toBe(before.audits);
    expect(await one("SELECT value, version FROM settings WHERE key = 'fee.platform_rate_bp'")).toEqual({ value: "500", version: version + 1 });
  });
});

describe("settings that decide an existing order's money and deadlines come from its snapshot", () => {
  let skuRow: { id: string; product_id: string; merchant_id: string; category_id: string };

  /** A paid order of Sunshine written into D1 at a status, with this `rates` JSON and its timeline. */
  async function insertOrder(opts: { status: "picked_up" | "ready_for_pickup"; rates: Record<string, unknown>; payableFen: number; pickedUpAt?: number; arrivedAt: number; uncollectedAt?: number }) {
    skuRow ??= await one("SELECT s.id, p.id AS product_id, p.merchant_id, p.category_id FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = ?", STRAWBERRY);
    const id = `ord_${ids()}`;
    const createdAt = opts.arrivedAt - DAY;
    const chain: Array<[string, string | null, string]> = [
      ["pay", null, "paid"],
      ["cut_off", "paid", "confirmed"],
      ["ship", "confirmed", "shipped"],
      ["arrive", "shipped", "ready_for_pickup"],
      ...(opts.status === "picked_up" ? [["pick_up", "ready_for_pickup", "picked_up"] as [string, string, string]] : []),
    ];
    const pay = `pay_${ids()}`;
    await worker.d1.batch([
      worker.d1
        .prepare(
          `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, picked_up_at, uncollected_at, created_at, updated_at)
           VALUES (?, 'usr_demoshopper010000000', ?, ?, ?, 0, ?, ?, '{}', 1, ?, 'x', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(id, SUNSHINE, opts.status, opts.payableFen, opts.payableFen, opts.payableFen, JSON.stringify(opts.rates), `h_${id}`, createdAt + 1_800_000, createdAt + 1000, opts.pickedUpAt ?? null, opts.uncollectedAt ?? null, createdAt, createdAt),
      ...chain.map(([event, from, to], i) =>
        worker.d1
          .prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES (?, ?, ?, ?, ?, 'system', ?)")
          .bind(`oev_${ids()}`, id, event, from, to, event === "arrive" ? opts.arrivedAt : event === "pick_up" ? opts.pickedUpAt! : createdAt + i * 1000),
      ),
      worker.d1
        .prepare(
          `INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen, refunded_fen, refunded_qty)
           VALUES (?, ?, ?, ?, ?, ?, '草莓', '一盒', 1, ?, ?, 0, ?, 0, 0)`,
        )
        .bind(`oli_${ids()}`, id, skuRow.id, skuRow.product_id, skuRow.merchant_id, skuRow.category_id, opts.payableFen, opts.payableFen, opts.payableFen),
      worker.d1
        .prepare("INSERT INTO payments (id, order_id, provider, amount_fen, status, provider_trade_no, created_at, succeeded_at, expires_at) VALUES (?, ?, 'sandbox', ?, 'succeeded', ?, ?, ?, ?)")
        .bind(pay, id, opts.payableFen, `sbx_${pay}`, createdAt, createdAt, createdAt + 1_800_000),
      worker.d1
        .prepare("INSERT INTO payment_notifications (dedupe_key, payment_id, provider, status, amount_fen, outcome, received_at) VALUES (?, ?, 'sandbox', 'succeeded', ?, 'paid', ?)")
        .bind(`sandbox:${pay}`, pay, opts.payableFen, createdAt),
    ]);
    return id;
  }

  const OLD_STYLE = { platformFeeBp: 500, leaderCommissionBp: 1000 }; // placed before the snapshot carried deadlines

  it("the after-sales window: a shorter window settles old-style orders sooner, never an order that carries its own", async () => {
    const pickedUpAt = Date.now() - 3 * DAY;
    const oldStyle = await insertOrder({ status: "picked_up", rates: OLD_STYLE, payableFen: 5000, arrivedAt: pickedUpAt - 3600_000, pickedUpAt });
    const own = await insertOrder({ status: "picked_up", rates: { ...OLD_STYLE, afterSalesWindowDays: 7 }, payableFen: 6000, arrivedAt: pickedUpAt - 3600_000, pickedUpAt });
    expect(await commissionRow(oldStyle)).toContain("待结算");
    expect((await save("timing", { afterSalesWindow: "2" })).status).toBe(200);
    // Today's 2 days have passed for the old-style order, so the settlement cron settles it; the other keeps its 7.
    await settleDue(worker, { until: async () => (await one<{ settled: number }>("SELECT settled_at IS NOT NULL AS settled FROM orders WHERE id = ?", oldStyle)).settled === 1 });
    const oldRow = await commissionRow(oldStyle);
    expect(oldRow).toContain("已结算");
    expect(oldRow).toContain(fen(500));
    expect(await commissionRow(own)).toContain("待结算");
    // The ledger agrees with the rows: the old-style order's ¥5.00 is settled.
    const html = await text(await as.leader!.get("/leader/commission"));
    expect(/data-testid="commission-settled"[^>]*>([^<]*)</.exec(html)?.[1]).toBe(fen(500));
    expect((await save("timing", { afterSalesWindow: "7" })).status).toBe(200);
  });

  it("uncollected goods: each order's waiting period and refund share are its own", async () => {
    const now = Date.now();
    // Arrived 2 days ago: the old-style order waits for today's 3 days, the other for its own 1.
    const waitsLonger = await insertOrder({ status: "ready_for_pickup", rates: OLD_STYLE, payableFen: 4000, arrivedAt: now - 2 * DAY });
    const ownPeriod = await insertOrder({ status: "ready_for_pickup", rates: { ...OLD_STYLE, uncollectedAfterDays: 1, uncollectedRefundBp: 10_000 }, payableFen: 3000, arrivedAt: now - 2 * DAY });
    expect((await worker.scheduled("*/5 * * * *", now)).outcome).toBe("ok");
    expect(await one("SELECT uncollected_at IS NOT NULL AS flagged FROM orders WHERE id = ?", ownPeriod)).toEqual({ flagged: 1 });
    expect(await one("SELECT uncollected_at IS NOT NULL AS flagged FROM orders WHERE id = ?", waitsLonger)).toEqual({ flagged: 0 });
    expect(JSON.parse((await one<{ data: string }>("SELECT data FROM notifications WHERE kind = 'order.uncollected' ORDER BY created_at DESC LIMIT 1")).data)).toEqual({ orderId: ownPeriod, days: 1 });

    // The admin halves the refund share: an order that carries its own keeps it; an old-style one follows today's.
    expect((await save("uncollected", { uncollectedRefund: "50" })).status).toBe(200);
    const oldFlagged = await insertOrder({ status: "ready_for_pickup", rates: OLD_STYLE, payableFen: 4001, arrivedAt: now - 5 * DAY, uncollectedAt: now - DAY });
    const ownText = await text(await as.leader!.get(`/leader/uncollected?confirm=${ownPeriod}`));
    expect(ownText).toContain(`退还 ${fen(3000)}`);
    const oldText = await text(await as.leader!.get(`/leader/uncollected?confirm=${oldFlagged}`));
    expect(oldText).toContain(`退还 ${fen(bpOf(4001, 5000))}`);
    const res = await as.leader!.post("/leader/uncollected", { intent: "mark-returned", orderId: ownPeriod });
    expect(res.status).toBe(200);
    expect(await one("SELECT amount_fen FROM refunds WHERE order_id = ?", ownPeriod)).toEqual({ amount_fen: 3000 });
    expect((await save("uncollected", { uncollectedRefund: "100" })).status).toBe(200);
  });
});

describe("history", () => {
  it("lists who changed what and when, old → new in human units, filterable by setting and paged", async () => {
    let res = await as.admin!.get("/admin/settings/history");
    expect(res.status).toBe(200);
    let html = await text(res);
    const seen = plain(html);
    expect(seen).toContain("设置修改记录");
    expect(seen).toContain("平台管理员");
    expect(seen).toContain("10% → 12.5%");
    expect(seen).toContain("春季活动");
    expect(seen).toContain("¥10.00 → ¥20.00");
    expect(seen).toContain("7 天 → 2 天");
    expect(seen).toContain("无 → 生鲜果蔬 15%");
    expect(seen).toMatch(/\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/);

    res = await as.admin!.get("/admin/settings/history?key=commission.leader_rate_bp");
    html = await text(res);
    expect([...html.matchAll(/data-change-key="([^"]+)"/g)].map((m) => m[1])).toEqual(["commission.leader_rate_bp"]);

    // Paging: 25 more changes of one key (written as saves would), 20 per page.
    const base = Date.now() - DAY;
    await worker.d1.batch(
      Array.from({ length: 25 }, (_, i) =>
        worker.d1
          .prepare("INSERT INTO setting_changes (id, key, old_value, new_value, version, changed_by, reason, changed_at) VALUES (?, 'order.unpaid_timeout_minutes', ?, ?, ?, ?, NULL, ?)")
          .bind(`stc_${ids()}`, String(30 + i), String(31 + i), 100 + i, ADMIN, base + i * 1000),
      ),
    );
    html = await text(await as.admin!.get("/admin/settings/history?key=order.unpaid_timeout_minutes"));
    expect([...html.matchAll(/data-change-key=/g)]).toHaveLength(20);
    expect(plain(html)).toContain("第 1 / 2 页");
    expect(plain(html)).toContain("54 分钟 → 55 分钟"); // newest first
    html = await text(await as.admin!.get("/admin/settings/history?key=order.unpaid_timeout_minutes&page=2"));
    expect([...html.matchAll(/data-change-key=/g)]).toHaveLength(5);
    expect(plain(html)).toContain("30 分钟 → 31 分钟");
    // An unknown filter shows everything rather than failing.
    expect((await as.admin!.get("/admin/settings/history?key=nope&page=x")).status).toBe(200);
    // The settings page shows the latest few.
    expect(await settingsPage()).toContain("全部记录");
  });

  it("history is append-only", async () => {
    await expect(worker.d1.prepare("UPDATE setting_changes SET reason = 'x'").run()).rejects.toThrow(/append-only/);
    await expect(worker.d1.prepare("DELETE FROM setting_changes").run()).rejects.toThrow(/append-only/);
  });
});

describe("feature switches", () => {
  const features = (off: string[]) => Object.fromEntries(["feature_group_deals", "feature_flash_sales", "feature_door_delivery", "feature_leader_applications", "feature_merchant_applications", "feature_web_push"].map((f) => [f, off.includes(f) ? undefined : "on"]));

  it("door delivery off: checkout offers pickup only and refuses a door order on its field; back on, it is offered again", async () => {
    const address = await as.shopper!.post("/me/addresses", { recipientName: "陈女士", phone: "13800000199", region: "上海市 浦东新区", detail: "阳光花园 3 号楼 501" });
    expect(address.status).toBe(302);
    const { id: addressId } = await one<{ id: string }>("SELECT id FROM addresses WHERE user_id = 'usr_demoshopper010000000' ORDER BY created_at DESC LIMIT 1");
    await as.shopper!.post("/cart", { intent: "add", skuId: STRAWBERRY, quantity: "1" });
    expect(await text(await as.shopper!.get("/checkout"))).toContain('value="door"');

    const res = await save("features", features(["feature_door_delivery"]), { reason: "配送暂停" });
    expect(res.status).toBe(200);
    expect(await one("SELECT value FROM settings WHERE key = 'feature.door_delivery'")).toEqual({ value: "false" });
    const html = await text(await as.shopper!.get("/checkout?coupon=none"));
    expect(html).not.toContain('value="door"');
    expect(html).toContain('value="pickup"');
    const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
    const ordersBefore = await n("SELECT count(*) AS n FROM orders");
    const refused = await as.shopper!.post("/checkout", {
      coupon: field("coupon"),
      provider: "sandbox",
      expectedPayableFen: field("expectedPayableFen"),
      idempotencyKey: field("idempotencyKey"),
      fulfilment: "door",
      addressId,
    });
    expect(refused.status).toBe(400);
    expect(await text(refused)).toMatch(/<div id="co-fulfilment-errors"[^>]*role="alert"/);
    expect(await n("SELECT count(*) AS n FROM orders")).toBe(ordersBefore);
    // Nor do the pickup-point list or an invite page promise it.
    expect(await text(await as.shopper!.get("/pickup"))).not.toContain(DOOR_BADGE);
    expect(await text(await as.shopper!.get("/join/SUNNY888"))).toContain("<span>到店自提</span>");

    expect((await save("features", features([]))).status).toBe(200);
    expect(await text(await as.shopper!.get("/checkout"))).toContain('value="door"');
    expect(await text(await as.shopper!.get("/pickup"))).toContain(DOOR_BADGE);
    expect(await text(await as.shopper!.get("/join/SUNNY888"))).not.toContain("<span>到店自提</span>");
  });

  it("leader and merchant applications off: the pages say they are paused and their actions refuse; back on, the forms return", async () => {
    const applicant = worker.client({ ip: nextIp() });
    expect((await applicant.signInWithPhone(worker, "13900000777")).status).toBe(302);
    // Someone applied while applications were open: that application is still reviewed after the pause.
    const earlier = worker.client({ ip: nextIp() });
    expect((await earlier.signInWithPhone(worker, "13900000778")).status).toBe(302);
    const fd = new FormData();
    for (const [k, v] of Object.entries({ name: "绿地小区驿站", area: "闵行区 · 绿地小区", address: "上海市闵行区七莘路 100 弄 8 号楼", lat: "31.1123", lng: "121.3811", open: "08:30", close: "20:00", contactPhone: "13900000778", doorDelivery: "no" })) fd.append(k, v);
    fd.append("days", "1");
    fd.append("photo", new File([PNG], "shop.png", { type: "image/png" }));
    expect((await earlier.postMultipart("/me/leader-apply", fd)).status).toBe(302);
    const { id: pendingPoint } = await one<{ id: string }>("SELECT id FROM pickup_points WHERE status = 'pending' AND name = '绿地小区驿站'");

    expect((await save("features", features(["feature_leader_applications", "feature_merchant_applications"]))).status).toBe(200);
    expect((await as.admin!.post("/admin/leaders", { intent: "approve", pointId: pendingPoint })).status).toBe(200);
    expect(await one("SELECT status FROM pickup_points WHERE id = ?", pendingPoint)).toEqual({ status: "active" });
    // Its applicant, a leader now, sees their point rather than the pause.
    expect(await text(await earlier.get("/me/leader-apply"))).not.toContain("暂停受理");

    let html = await text(await applicant.get("/me/leader-apply"));
    expect(html).toContain("团长申请暂停受理");
    expect(html).not.toContain('id="leader-apply"');
    const points = await n("SELECT count(*) AS n FROM pickup_points");
    let res = await applicant.post("/me/leader-apply", { name: "绿地小区驿站", area: "闵行区", address: "七莘路 100 弄", lat: "31.1", lng: "121.4", open: "08:00", close: "21:00", days: "1", contactPhone: "13900000777", doorDelivery: "no" });
    expect(res.status).toBe(409);
    expect(await n("SELECT count(*) AS n FROM pickup_points")).toBe(points);

    html = await text(await applicant.get("/me/merchant-apply"));
    expect(html).toContain("商家入驻申请暂停受理");
    const merchants = await n("SELECT count(*) AS n FROM merchants");
    res = await applicant.post("/me/merchant-apply", { storeName: "小店" });
    expect(res.status).toBe(409);
    expect(await n("SELECT count(*) AS n FROM merchants")).toBe(merchants);

    expect((await save("features", features([]))).status).toBe(200);
    html = await text(await applicant.get("/me/leader-apply"));
    expect(html).not.toContain("暂停受理");
    expect(html).toContain('id="leader-apply"');
    expect(await text(await applicant.get("/me/merchant-apply"))).toContain('id="merchant-apply"');
  });

  it("web push off: the in-app notice is written but nothing is pushed, and the subscribe switch is hidden; back on, pushes resume", async () => {
    const device = push.subscription();
    expect((await as.leader!.post("/me/push", { endpoint: device.endpoint, p256dh: device.keys.p256dh, auth: device.keys.auth })).status).toBe(200);
    expect((await save("features", features(["feature_web_push"]))).status).toBe(200);

    for (const path of ["/leader/notifications", "/leader/me", "/me/notifications"]) {
      const html = await text(await as.leader!.get(path));
      expect(html, path).not.toContain('id="push-toggle-title"');
    }
    const another = push.subscription();
    expect((await as.leader!.post("/me/push", { endpoint: another.endpoint, p256dh: another.keys.p256dh, auth: another.keys.auth })).status).toBe(409);

    const inbox = await n("SELECT count(*) AS n FROM notifications WHERE user_id = 'usr_demoleader0100000000'");
    await buyAndPay([[STRAWBERRY, 1]]);
    expect(await n("SELECT count(*) AS n FROM notifications WHERE user_id = 'usr_demoleader0100000000'")).toBe(inbox + 1);
    await new Promise((r) => setTimeout(r, 400));
    expect(push.pushesTo(device.id)).toHaveLength(0);

    expect((await save("features", features([]))).status).toBe(200);
    await buyAndPay([[STRAWBERRY, 1]]);
    await push.waitFor(device.id, 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(push.pushesTo(device.id)).toHaveLength(1);
    expect(await text(await as.leader!.get("/leader/notifications"))).toContain('id="push-toggle-title"');
  });

  it("every switch change is in the history and the audit log, with its reason", async () => {
    const rows = await all<{ key: string; old_value: string; new_value: string; reason: string | null }>(
      "SELECT key, old_value, new_value, reason FROM setting_changes WHERE key = 'feature.door_delivery' ORDER BY changed_at, rowid",
    );
    expect(rows).toEqual([
      { key: "feature.door_delivery", old_value: "true", new_value: "false", reason: "配送暂停" },
      { key: "feature.door_delivery", old_value: "false", new_value: "true", reason: null },
    ]);
    const audits = await all<{ data: string }>("SELECT data FROM audit_log WHERE action = 'setting.update' AND entity_id = 'features' ORDER BY created_at, rowid");
    expect(audits).toHaveLength(6);
    expect(JSON.parse(audits[0]!.data)).toEqual({ section: "features", reason: "配送暂停", changes: [{ key: "feature.door_delivery", old: true, new: false, version: 1 }] });
    // Every switch ended back on.
    const now = await currentValues();
    for (const key of ["feature.group_deals", "feature.flash_sales", "feature.door_delivery", "feature.leader_applications", "feature.merchant_applications", "feature.web_push"] as const) expect(now[key], key).toBe(true);
  });
});
