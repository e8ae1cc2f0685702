/**
 * Issue #5, the leader's money: commission (settled = in the ledger, issue 9; pending computed from
 * orders), withdrawal requests (validation, the balance guard under concurrency, the encrypted account) and
 * uncollected goods (the cron flag and notices, "mark returned" with the settings' refund rule).
 *
 * How the orders are set up:
 * - Commission figures need orders in every state, some picked up days ago or completed: those
 *   are written straight into D1 (with a consistent timeline and a sandbox payment), because
 *   pickup, the after-sales window and completion cannot be reached quickly through the flows.
 * - Uncollected orders go through the real flows: checkout and sandbox payment as the shopper, the
 *   admin's cut-off, the merchant's shipping, the leader's arrival confirmation, the cron (run with
 *   a scheduled time days ahead) and "mark returned" with the refund through the sandbox. Only the
 *   partial pickup is written into D1 (order_lines.picked_up_qty): the hand-over is another part
 *   of this issue.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorld } from "../../app/modules/demo/seed.server";
import { setSetting, settleDue } from "../support/settlement";
import { startWorker, TEST_SECRETS, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const DAY = 24 * 60 * 60 * 1000;
const P1 = "pkp_demosunshine00000000"; // leader1
const P2 = "pkp_demolakeside00000000"; // leader2
const P3 = "pkp_demohappylane0000000"; // leader3
const SHOPPER = "usr_demoshopper050000000";

let seq = 0;
const ids = () => `${Date.now().toString(36)}${(seq++).toString(36).padStart(4, "0")}`.padEnd(20, "0").slice(0, 20);
const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const all = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).all<T>()).results;
const n = async (sql: string, ...args: unknown[]) => Number((await one<{ n: number }>(sql, ...args)).n);
const fen = (f: number) => `¥${Math.trunc(f / 100).toLocaleString("en-US")}.${String(f % 100).padStart(2, "0")}`;
/** Round half up of amount × bp / 10000, the oracle written independently of the app's code. */
const bpOf = (amount: number, bp: number) => Math.floor((amount * bp * 2 + 10_000) / 20_000);
const shanghaiDate = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

const clients = new Map<string, Client>();
async function signIn(email: string): Promise<Client> {
  const known = clients.get(email);
  if (known) return known;
  const c = worker.client({ ip: `203.0.113.${60 + clients.size}` });
  expect((await c.post("/login", { intent: "password", email, password: "demo-pass-2026" })).status).toBe(302);
  clients.set(email, c);
  return c;
}
const text = (res: Response) => res.text();
const testid = (html: string, id: string) => new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
const row = (html: string, attr: string, value: string) => html.split(`${attr}="${value}"`)[1]?.split("</tr>")[0] ?? "";

// ---------- orders written into D1 ----------

interface LineSpec {
  qty: number;
  payableFen: number;
  refundedFen?: number;
  refundedQty?: number;
}
const CHAIN: Record<string, Array<[string, string | null, string]>> = {
  pending_payment: [],
  paid: [["pay", null, "paid"]],
  cancelled: [["pay", null, "paid"], ["cancel", "paid", "cancelled"]],
  confirmed: [["pay", null, "paid"], ["cut_off", "paid", "confirmed"]],
  shipped: [["pay", null, "paid"], ["cut_off", "paid", "confirmed"], ["ship", "confirmed", "shipped"]],
};
CHAIN.ready_for_pickup = [...CHAIN.shipped!, ["arrive", "shipped", "ready_for_pickup"]];
CHAIN.picked_up = [...CHAIN.ready_for_pickup!, ["pick_up", "ready_for_pickup", "picked_up"]];
CHAIN.completed = [...CHAIN.picked_up!, ["complete", "picked_up", "completed"]];
CHAIN.refunding = [...CHAIN.picked_up!, ["request_refund", "picked_up", "refunding"]];
CHAIN.refunded = [...CHAIN.ready_for_pickup!, ["request_refund", "ready_for_pickup", "refunding"], ["refund_succeeded", "refunding", "refunded"]];

let sku: { id: string; productId: string; merchantId: string; categoryId: string };

async function insertOrder(opts: { point: string; status: string; createdAt: number; bp?: number; lines: LineSpec[]; pickedUpAt?: number; completedAt?: number }) {
  const id = `ord_${ids()}`;
  const payable = opts.lines.reduce((s, l) => s + l.payableFen, 0);
  const refunded = opts.lines.reduce((s, l) => s + (l.refundedFen ?? 0), 0);
  const paid = opts.status === "pending_payment" ? 0 : payable;
  const rates = JSON.stringify({ platformFeeBp: 500, leaderCommissionBp: opts.bp ?? 1000 });
  const stmts = [
    worker.d1
      .prepare(
        `INSERT INTO orders (id, user_id, pickup_point_id, status, goods_fen, discount_fen, payable_fen, paid_fen, refunded_fen, pricing, pricing_version, rates, pickup_code_enc, pickup_code_hash, pay_by, paid_at, picked_up_at, completed_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, '{}', 1, ?, 'x', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(id, SHOPPER, opts.point, opts.status, payable, payable, paid, refunded, rates, `h_${id}`, opts.createdAt + 1_800_000, paid ? opts.createdAt + 1000 : null, opts.pickedUpAt ?? null, opts.completedAt ?? null, opts.createdAt, opts.createdAt),
    ...CHAIN[opts.status]!.map(([event, from, to], i) =>
      worker.d1
        .prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, created_at) VALUES (?, ?, ?, ?, ?, 'system', ?)")
        .bind(`oev_${ids()}`, id, event, from, to, opts.createdAt + i * 1000),
    ),
    ...opts.lines.map((l) =>
      worker.d1
        .prepare(
          `INSERT INTO order_lines (id, order_id, sku_id, product_id, merchant_id, category_id, title, spec, quantity, unit_price_fen, base_fen, discount_fen, payable_fen, refunded_fen, refunded_qty)
           VALUES (?, ?, ?, ?, ?, ?, '测试商品', '默认', ?, ?, ?, 0, ?, ?, ?)`,
        )
        .bind(`oli_${ids()}`, id, sku.id, sku.productId, sku.merchantId, sku.categoryId, l.qty, Math.ceil(l.payableFen / l.qty), l.payableFen, l.payableFen, l.refundedFen ?? 0, l.refundedQty ?? 0),
    ),
  ];
  if (paid > 0) {
    const pay = `pay_${ids()}`;
    stmts.push(
      worker.d1
        .prepare("INSERT INTO payments (id, order_id, provider, amount_fen, status, provider_trade_no, created_at, succeeded_at, expires_at) VALUES (?, ?, 'sandbox', ?, 'succeeded', ?, ?, ?, ?)")
        .bind(pay, id, paid, `sbx_${pay}`, opts.createdAt, opts.createdAt, opts.createdAt + 1_800_000),
      worker.d1
        .prepare("INSERT INTO payment_notifications (dedupe_key, payment_id, provider, status, amount_fen, outcome, received_at) VALUES (?, ?, 'sandbox', 'succeeded', ?, 'paid', ?)")
        .bind(`sandbox:${pay}`, pay, paid, opts.createdAt),
    );
  }
  await worker.d1.batch(stmts);
  return id;
}

// ---------- commission ----------

describe("commission", () => {
  const now = Date.now();
  const today = shanghaiDate(now);
  const todayStart = Date.parse(`${today}T00:00:00+08:00`);
  const todayAt = todayStart + Math.floor((now - todayStart) / 2);
  const o: Record<string, string> = {};
  const expected = { pending: 0, settled: 0, today: 0, todayOrders: 0, month: 0, monthOrders: 0 };

  it("shows pending and settled commission, today, this month, per day and per order — exact to the fen, own point only", async () => {
    sku = await one("SELECT s.id, s.product_id AS productId, p.merchant_id AS merchantId, p.category_id AS categoryId FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = 'sku_demostrawberry000001'");
    const set: Array<[string, Parameters<typeof insertOrder>[0], number, "pending" | "settled" | "none"]> = [
      // key, order, its commission, bucket
      ["A", { point: P1, status: "paid", createdAt: todayAt, lines: [{ qty: 1, payableFen: 500 }, { qty: 1, payableFen: 505 }] }, 101, "pending"], // 100.5 → 101
      ["B", { point: P1, status: "ready_for_pickup", createdAt: todayAt + 1, lines: [{ qty: 3, payableFen: 2345, refundedFen: 345, refundedQty: 1 }] }, 200, "pending"],
      ["C", { point: P1, status: "picked_up", createdAt: now - 3 * DAY, pickedUpAt: now - 2 * DAY, bp: 1234, lines: [{ qty: 1, payableFen: 3333 }] }, 411, "pending"], // 411.29 → 411
      ["D", { point: P1, status: "picked_up", createdAt: now - 11 * DAY, pickedUpAt: now - 10 * DAY, lines: [{ qty: 1, payableFen: 4995 }] }, 500, "settled"], // 499.5 → 500
      ["E", { point: P1, status: "completed", createdAt: now - 20 * DAY, pickedUpAt: now - 19 * DAY, completedAt: now - 12 * DAY, lines: [{ qty: 4, payableFen: 10_000, refundedFen: 2_500, refundedQty: 1 }] }, 750, "settled"],
      ["F", { point: P1, status: "refunded", createdAt: now - 5 * DAY, lines: [{ qty: 1, payableFen: 1200, refundedFen: 1200, refundedQty: 1 }] }, 0, "none"],
      ["G", { point: P1, status: "cancelled", createdAt: todayAt + 2, lines: [{ qty: 1, payableFen: 9999 }] }, 0, "none"],
      ["H", { point: P1, status: "pending_payment", createdAt: todayAt + 3, lines: [{ qty: 1, payableFen: 7777 }] }, 0, "none"],
      ["I", { point: P1, status: "completed", createdAt: now - 45 * DAY, pickedUpAt: now - 44 * DAY, completedAt: now - 37 * DAY, lines: [{ qty: 2, payableFen: 20_000 }] }, 2000, "settled"],
      ["J", { point: P1, status: "refunding", createdAt: now - 4 * DAY, pickedUpAt: now - 3 * DAY, lines: [{ qty: 1, payableFen: 1500 }] }, 150, "pending"],
      // Another leader's point: never in leader1's figures.
      ["K", { point: P2, status: "completed", createdAt: now - 15 * DAY, pickedUpAt: now - 14 * DAY, completedAt: now - 7 * DAY, lines: [{ qty: 5, payableFen: 50_000 }] }, 5000, "settled"],
    ];
    for (const [key, spec, commission, bucket] of set) {
      o[key] = await insertOrder(spec);
      if (spec.point !== P1) continue;
      // The oracle, from the specification, not from the app's code.
      const net = spec.lines.reduce((s, l) => s + l.payableFen - (l.refundedFen ?? 0), 0);
      if (bucket !== "none") expect(bpOf(net, spec.bp ?? 1000)).toBe(commission);
      if (bucket === "pending") expected.pending += commission;
      if (bucket === "settled") expected.settled += commission;
      const date = shanghaiDate(spec.createdAt);
      if (bucket !== "none" && date === today) (expected.today += commission), expected.todayOrders++;
      if (bucket !== "none" && date.slice(0, 7) === today.slice(0, 7)) (expected.month += commission), expected.monthOrders++;
    }
    expect(expected).toMatchObject({ pending: 862, settled: 3250, today: 301, todayOrders: 2 });
    // The settlement cron and queue put D, E, F, I and K into the ledger; with no frozen period
    // everything settled can be withdrawn at once.
    await setSetting(worker, "withdrawal.frozen_days", 0);
    await settleDue(worker);
    expect(await n("SELECT count(*) AS n FROM orders WHERE settled_at IS NOT NULL AND id IN (?, ?, ?, ?, ?)", o.D, o.E, o.F, o.I, o.K)).toBe(5);

    const leader = await signIn("leader1@demo.tuangou.test");
    const res = await leader.get("/leader/commission");
    expect(res.status).toBe(200);
    const html = await text(res);
    expect(html).toContain("账本");
    expect(testid(html, "commission-pending")).toBe(fen(expected.pending));
    expect(testid(html, "commission-settled")).toBe(fen(expected.settled));
    expect(testid(html, "commission-available")).toBe(fen(expected.settled));
    expect(testid(html, "commission-today")).toBe(fen(expected.today));
    expect(testid(html, "commission-month")).toBe(fen(expected.month));
    // Per day: today holds A and B; D's day holds D; I is older than 30 days.
    expect(row(html, "data-date", today)).toContain(fen(301));
    expect(row(html, "data-date", today)).toContain(fen(1005 + 2000));
    expect(row(html, "data-date", shanghaiDate(now - 11 * DAY))).toContain(fen(500));
    expect(html).not.toContain(`data-date="${shanghaiDate(now - 45 * DAY)}"`);
    // Per order: newest first, only the point's sold orders, exact commission and bucket.
    for (const [key, commission, label] of [["A", 101, "待结算"], ["C", 411, "待结算"], ["D", 500, "已结算"], ["E", 750, "已结算"], ["F", 0, "无佣金"], ["J", 150, "待结算"]] as const) {
      const r = row(html, "data-order", o[key]!);
      expect(r, key).toContain(fen(commission));
      expect(r, key).toContain(label);
    }
    for (const key of ["G", "H", "K"]) expect(html).not.toContain(o[key]!);
    const order = [...html.matchAll(/data-order="(ord_[0-9a-z]+)"/g)].map((m) => m[1]);
    expect(order.slice(0, 2)).toEqual([o.B, o.A]);
    expect(order.at(-1)).toBe(o.I);

    // Leader2 sees only their own point's commission.
    const other = await text(await (await signIn("leader2@demo.tuangou.test")).get("/leader/commission"));
    expect(testid(other, "commission-settled")).toBe(fen(5000));
    expect(other).toContain(o.K);
    expect(other).not.toContain(o.A);
  });

  it("pages the orders, newest first", async () => {
    const leader = await signIn("leader1@demo.tuangou.test");
    for (let i = 0; i < 20; i++) await insertOrder({ point: P1, status: "completed", createdAt: now - 50 * DAY - i * 1000, pickedUpAt: now - 49 * DAY, completedAt: now - 40 * DAY, lines: [{ qty: 1, payableFen: 100 }] });
    expected.settled += 20 * 10;
    await settleDue(worker);
    const first = await text(await leader.get("/leader/commission"));
    expect([...first.matchAll(/data-order="/g)]).toHaveLength(20);
    expect(first).toContain('href="/leader/commission?page=2"');
    const second = await text(await leader.get("/leader/commission?page=2"));
    expect([...second.matchAll(/data-order="/g)]).toHaveLength(8); // 28 sold orders in all
    expect(second).toContain('href="/leader/commission?page=1"');
    expect(second).not.toContain('href="/leader/commission?page=3"');
    expect(testid(second, "commission-settled")).toBe(fen(expected.settled));
    expect((await leader.get("/leader/commission?page=abc")).status).toBe(200);
  });

  it("is the leader's only: a shopper is refused, a visitor is sent to sign in", async () => {
    const shopper = await signIn("shopper1@demo.tuangou.test");
    expect((await shopper.get("/leader/commission")).status).toBe(403);
    expect((await shopper.post("/leader/commission", { intent: "request-withdrawal", amount: "10", method: "wechat", account: "13800138000" })).status).toBe(403);
    const anonymous = await worker.fetch("/leader/commission");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toContain("/login");
  });

  describe("withdrawals", () => {
    const form = (over: Record<string, string>) => ({ intent: "request-withdrawal", amount: "20", method: "wechat", account: "zhang_tuan88", ...over });
    const errorsOf = async (res: Response) => {
      const html = await res.text();
      return [...html.matchAll(/class="field-error" role="alert"><p>([^<]+)<\/p>/g)].map((m) => m[1]);
    };

    it("refuses bad requests field by field, with nothing written", async () => {
      const leader = await signIn("leader1@demo.tuangou.test");
      const cases: Array<[Record<string, string>, string[]]> = [
        [{ amount: "", method: "", account: "" }, ["请填写提现金额。", "请选择收款方式。", "请填写收款账号。"]],
        [{ amount: "abc" }, ["请填写有效的金额，例如 50 或 50.5（最多两位小数）。"]],
        [{ amount: "1.234" }, ["请填写有效的金额，例如 50 或 50.5（最多两位小数）。"]],
        [{ amount: "-5" }, ["请填写有效的金额，例如 50 或 50.5（最多两位小数）。"]],
        [{ amount: "0" }, ["提现金额需大于 0。"]],
        [{ method: "paypal" }, ["请选择收款方式。"]],
        [{ method: "bank", account: "1234" }, [expect.stringContaining("账号格式不对") as unknown as string]],
        [{ method: "alipay", account: "zhang_tuan88" }, [expect.stringContaining("账号格式不对") as unknown as string]],
        [{ account: "a".repeat(65) }, ["账号太长了，请检查。"]],
        // Below the minimum (withdrawal.min_fen = ¥10.00) and over the available balance.
        [{ amount: "9.99" }, ["单次提现不能低于 ¥10.00。"]],
        [{ amount: fen(expected.settled + 1).slice(1) }, [`超出可提现金额 ${fen(expected.settled)}，请改小一些。`]],
      ];
      for (const [over, messages] of cases) {
        const res = await leader.post("/leader/commission", form(over));
        expect(res.status, JSON.stringify(over)).toBe(400);
        expect(await errorsOf(res), JSON.stringify(over)).toEqual(messages);
      }
      expect(await n("SELECT count(*) AS n FROM withdrawals")).toBe(0);
      expect(await n("SELECT count(*) AS n FROM audit_log WHERE action = 'withdrawal.request'")).toBe(0);
    });

    it("a valid request is stored with the account encrypted, audited, and listed masked as requested", async () => {
      const leader = await signIn("leader1@demo.tuangou.test");
      const res = await leader.post("/leader/commission", form({ amount: "￥20.5", method: "alipay", account: "+86 138 0013 8000" }));
      expect(res.status).toBe(302);
      const w = await one<{ id: string; account_type: string; account_id: string; amount_fen: number; method: string; payout_account_enc: string; status: string; requested_by: string }>(
        "SELECT * FROM withdrawals",
      );
      expect(w).toMatchObject({ account_type: "leader", account_id: P1, amount_fen: 2050, method: "alipay", status: "requested", requested_by: "usr_demoleader0100000000" });
      expect(w.payout_account_enc).toMatch(/^v1\.k1\./);
      expect(w.payout_account_enc).not.toContain("13800138000");
      expect(res.headers.get("location")).toBe(`/leader/commission?requested=${w.id}#withdrawals`);
      const audit = await one<{ actor_user_id: string; entity_id: string; data: string }>("SELECT actor_user_id, entity_id, data FROM audit_log WHERE action = 'withdrawal.request'");
      expect(audit).toMatchObject({ actor_user_id: "usr_demoleader0100000000", entity_id: w.id });
      expect(audit.data).not.toContain("138");

      const html = await text(await leader.get(`/leader/commission?requested=${w.id}`));
      expect(html).toContain("提现申请已提交，金额 ¥20.50");
      const item = html.split(`data-withdrawal="${w.id}"`)[1]!.split("</li>")[0]!;
      expect(item).toContain("138****8000");
      expect(item).not.toContain("13800138000");
      expect(item).toContain("已申请");
      expect(testid(html, "commission-available")).toBe(fen(expected.settled - 2050));
    });

    it("concurrent requests never withdraw more than the available balance", async () => {
      const leader = await signIn("leader1@demo.tuangou.test");
      const results = await Promise.all(Array.from({ length: 6 }, () => leader.post("/leader/commission", form({ amount: "10" }))));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([302, 400, 400, 400, 400, 400]);
      // (The balance in each message is the one at the time that page was drawn.)
      for (const r of results.filter((x) => x.status === 400)) expect((await errorsOf(r)).join()).toMatch(/^超出可提现金额 ¥\d+\.\d\d，请改小一些。$/);
      const standing = await n("SELECT sum(amount_fen) AS n FROM withdrawals WHERE account_id = ? AND status NOT IN ('rejected', 'failed')", P1);
      expect(standing).toBe(2050 + 1000);
      expect(standing).toBeLessThanOrEqual(expected.settled);
      expect(await n("SELECT count(*) AS n FROM audit_log WHERE action = 'withdrawal.request'")).toBe(2);
    });

    it("a rejected request gives its amount back and shows the reason", async () => {
      const leader = await signIn("leader1@demo.tuangou.test");
      await worker.d1.prepare("UPDATE withdrawals SET status = 'rejected', reason = '账户信息有误' WHERE amount_fen = 2050").run();
      const html = await text(await leader.get("/leader/commission"));
      expect(testid(html, "commission-available")).toBe(fen(expected.settled - 1000));
      expect(html).toContain("已拒绝");
      expect(html).toContain("原因：账户信息有误");
    });
  });
});

// ---------- uncollected goods ----------

describe("uncollected goods", () => {
  const order: Record<string, string> = {};
  let arrivedAt = 0;

  /** Checkout and sandbox payment as shopper1, collecting at 幸福里 (P3). */
  async function placePaidOrder(c: Client, items: Array<[string, number]>): Promise<string> {
    await c.post("/pickup", { pickupPointId: P3 });
    for (const [skuId, quantity] of items) await c.post("/cart", { intent: "add", skuId, quantity: String(quantity) });
    const html = await (await c.get("/checkout?coupon=none")).text();
    const field = (name: string) => new RegExp(`type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
    const placed = await c.post("/checkout", { coupon: "none", provider: "sandbox", expectedPayableFen: field("expectedPayableFen"), idempotencyKey: field("idempotencyKey") });
    expect(placed.status).toBe(302);
    const paymentId = placed.headers.get("location")!.split("/").pop()!;
    expect((await c.post(`/pay/sandbox/${paymentId}`, { outcome: "succeeded" })).status).toBe(302);
    return (await one<{ order_id: string }>("SELECT order_id FROM payments WHERE id = ?", paymentId)).order_id;
  }

  it("orders go through the daily cycle and wait at the pickup point", async () => {
    const shopper = await signIn("shopper1@demo.tuangou.test");
    order.U1 = await placePaidOrder(shopper, [["sku_demostrawberry000001", 3], ["sku_demotomato0000000001", 1]]);
    order.U2 = await placePaidOrder(shopper, [["sku_demogreens0000000001", 2]]);
    order.U3 = await placePaidOrder(shopper, [["sku_demotomato0000000001", 1]]);
    // Paid a day ago: before today's cut-off whatever the time of day now (a manual run after the
    // configured time locks only what was paid before it; later orders wait for tomorrow's).
    await worker.d1.prepare("UPDATE orders SET paid_at = paid_at - 86400000 WHERE id IN (?, ?, ?)").bind(order.U1, order.U2, order.U3).run();
    const admin = await signIn("admin@demo.tuangou.test");
    expect((await admin.post("/admin/fulfilment", { intent: "run-cutoff", businessDate: shanghaiDate(Date.now()) })).status).toBe(200);
    const batch = await one<{ id: string }>("SELECT id FROM delivery_batches WHERE pickup_point_id = ? AND merchant_id = 'mch_demofruit00000000000'", P3);
    const merchant = await signIn("fruit@demo.tuangou.test");
    expect((await merchant.post("/merchant/fulfilment?index", { intent: "ship", batchId: batch.id })).status).toBe(200);
    const items = await all<{ sku_id: string; expected_qty: number }>("SELECT sku_id, expected_qty FROM delivery_batch_items WHERE batch_id = ?", batch.id);
    const f: Record<string, string> = { intent: "confirm-arrival", batchId: batch.id };
    items.forEach((i, k) => {
      f[`items[${k}].skuId`] = i.sku_id;
      f[`items[${k}].received`] = String(i.expected_qty);
    });
    const leader3 = await signIn("leader3@demo.tuangou.test");
    expect((await leader3.post("/leader/arrivals", f)).status).toBe(200);
    for (const id of [order.U1, order.U2, order.U3]) expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", id)).status).toBe("ready_for_pickup");
    arrivedAt = await n("SELECT max(created_at) AS n FROM order_events WHERE event = 'arrive' AND order_id = ?", order.U1);
    // The shopper collects one of the three boxes of strawberries (a partial hand-over).
    await worker.d1.prepare("UPDATE order_lines SET picked_up_qty = 1 WHERE order_id = ? AND sku_id = 'sku_demostrawberry000001'").bind(order.U1).run();
  });

  it("the cron flags them once, after the configured days, and tells the leader (once, with the count) and each shopper", async () => {
    const notices = (kind: string) => all<{ user_id: string; data: string; link: string }>("SELECT user_id, data, link FROM notifications WHERE kind = ? ORDER BY rowid", kind);
    const flaggedAt = (point: string) => all<{ id: string; uncollected_at: number }>("SELECT id, uncollected_at FROM orders WHERE uncollected_at IS NOT NULL AND pickup_point_id = ? ORDER BY id", point);
    // A minute before the third day is over: not yet. (Order B of the commission tests, at P1 since
    // hours earlier, may already be flagged by this run.)
    expect((await worker.scheduled("*/5 * * * *", arrivedAt + 3 * DAY - 60_000)).outcome).toBe("ok");
    expect(await flaggedAt(P3)).toEqual([]);

    const at = arrivedAt + 3 * DAY + 60_000;
    expect((await worker.scheduled("*/5 * * * *", at)).outcome).toBe("ok");
    const flagged = await flaggedAt(P3);
    expect(flagged.map((f) => f.id)).toEqual([order.U1, order.U2, order.U3].sort());
    expect(flagged.every((f) => f.uncollected_at === at)).toBe(true);
    expect(await flaggedAt(P1)).toHaveLength(1);
    const leaders = await notices("leader.orders_uncollected");
    expect(leaders).toEqual(
      expect.arrayContaining([
        { user_id: "usr_demoleader0300000000", data: JSON.stringify({ count: 3, days: 3 }), link: "/leader/uncollected" },
        { user_id: "usr_demoleader0100000000", data: JSON.stringify({ count: 1, days: 3 }), link: "/leader/uncollected" },
      ]),
    );
    expect(leaders).toHaveLength(2);
    const shoppers = await notices("order.uncollected");
    expect(shoppers).toHaveLength(4);
    expect(shoppers).toContainEqual({ user_id: "usr_demoshopper010000000", data: JSON.stringify({ orderId: order.U1, days: 3 }), link: `/orders/${order.U1}` });

    // Later runs flag and notify nothing more.
    expect((await worker.scheduled("*/5 * * * *", at + 5 * 60_000)).outcome).toBe("ok");
    expect((await worker.scheduled("*/5 * * * *", at + DAY)).outcome).toBe("ok");
    expect(await notices("leader.orders_uncollected")).toHaveLength(2);
    expect(await notices("order.uncollected")).toHaveLength(4);
    expect(await flaggedAt(P3)).toEqual(flagged);
    expect(await flaggedAt(P1)).toHaveLength(1);
  });

  it("the leader sees their flagged orders with the customer, the items and what returning refunds; others are refused", async () => {
    const leader3 = await signIn("leader3@demo.tuangou.test");
    const res = await leader3.get("/leader/uncollected");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const id of [order.U1, order.U2, order.U3]) expect(html).toContain(`data-order="${id}"`);
    expect(html).toContain("小美");
    expect(html).toContain("138****0101");
    expect(html).toContain("待取 2 件");
    expect(html).toContain("已取 1 件");
    expect(html).not.toContain(`data-order="${(await one<{ id: string }>("SELECT id FROM orders WHERE uncollected_at IS NOT NULL AND pickup_point_id = ?", P1)).id}"`);
    // The confirmation step (a link, so it works without JavaScript).
    expect(html).toContain(`href="/leader/uncollected?confirm=${order.U1}#order-${order.U1}"`);
    const confirm = await (await leader3.get(`/leader/uncollected?confirm=${order.U1}`)).text();
    expect(confirm).toContain("确认退回订单");

    // Another leader: the order is not found; a shopper: forbidden. Nothing changes.
    const leader2 = await signIn("leader2@demo.tuangou.test");
    expect((await leader2.post("/leader/uncollected", { intent: "mark-returned", orderId: order.U1! })).status).toBe(404);
    const shopper = await signIn("shopper1@demo.tuangou.test");
    expect((await shopper.get("/leader/uncollected")).status).toBe(403);
    expect((await shopper.post("/leader/uncollected", { intent: "mark-returned", orderId: order.U1! })).status).toBe(403);
    expect((await leader3.post("/leader/uncollected", { intent: "mark-returned", orderId: "nope" })).status).toBe(400);
    expect((await one<{ status: string }>("SELECT status FROM orders WHERE id = ?", order.U1)).status).toBe("ready_for_pickup");
    expect(await n("SELECT count(*) AS n FROM refunds WHERE kind = 'uncollected'")).toBe(0);
  });

  it("mark returned refunds exactly the uncollected units under the rule (partial pickup), and the order ends refunded", async () => {
    const lines = await all<{ id: string; sku_id: string; quantity: number; payable_fen: number; picked_up_qty: number }>(
      "SELECT id, sku_id, quantity, payable_fen, picked_up_qty FROM order_lines WHERE order_id = ? ORDER BY id",
      order.U1,
    );
    // What the shopper paid for the units not collected: 2 of 3 strawberries (cumulative half-up share) and the tomatoes.
    const share = (payable: number, q: number, k: number) => (k === q ? payable : Math.floor((payable * k * 2 + q) / (2 * q)));
    const paidFor = lines.map((l) => share(l.payable_fen, l.quantity, l.quantity - l.picked_up_qty));
    const expectedRefund = paidFor.reduce((a, b) => a + b, 0); // the default rule: 10000 bp
    expect(lines.find((l) => l.sku_id === "sku_demostrawberry000001")!.picked_up_qty).toBe(1);

    const leader3 = await signIn("leader3@demo.tuangou.test");
    const res = await leader3.post("/leader/uncollected", { intent: "mark-returned", orderId: order.U1! });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`退款 ${fen(expectedRefund)} 已提交`);

    const refund = await one<{ kind: string; amount_fen: number; status: string; lines: string; payment_id: string | null; decided_by: string }>("SELECT * FROM refunds WHERE order_id = ?", order.U1);
    expect(refund).toMatchObject({ kind: "uncollected", amount_fen: expectedRefund, status: "succeeded", decided_by: "usr_demoleader0300000000" });
    expect(refund.payment_id).toMatch(/^pay_/);
    const parts = JSON.parse(refund.lines) as Array<{ lineId: string; quantity: number; amountFen: number }>;
    expect(parts.sort((a, b) => (a.lineId < b.lineId ? -1 : 1))).toEqual(lines.map((l, i) => ({ lineId: l.id, quantity: l.quantity - l.picked_up_qty, amountFen: paidFor[i] })));
    const after = await all<{ refunded_qty: number; refunded_fen: number; picked_up_qty: number; quantity: number }>("SELECT quantity, refunded_qty, refunded_fen, picked_up_qty FROM order_lines WHERE order_id = ? ORDER BY id", order.U1);
    for (const [i, l] of after.entries()) {
      expect(l.refunded_qty + l.picked_up_qty).toBe(l.quantity);
      expect(l.refunded_fen).toBe(paidFor[i]);
    }
    expect(await one("SELECT status, refunded_fen FROM orders WHERE id = ?", order.U1)).toEqual({ status: "refunded", refunded_fen: expectedRefund });
    const timeline = await all<{ event: string; from_status: string; to_status: string; actor_type: string }>("SELECT event, from_status, to_status, actor_type FROM order_events WHERE order_id = ? ORDER BY rowid", order.U1);
    expect(timeline.slice(-2)).toEqual([
      { event: "return_uncollected", from_status: "ready_for_pickup", to_status: "refunding", actor_type: "leader" },
      { event: "refund_succeeded", from_status: "refunding", to_status: "refunded", actor_type: "system" },
    ]);
    expect(await n("SELECT count(*) AS n FROM audit_log WHERE action = 'order.uncollected.return' AND entity_id = ?", order.U1)).toBe(1);
    expect(await one("SELECT data FROM notifications WHERE kind = 'order.uncollected_returned'")).toEqual({ data: JSON.stringify({ orderId: order.U1, amount: fen(expectedRefund) }) });
    // The collected strawberry stays the shopper's: the order still counts that sale.
    const total = await n("SELECT payable_fen AS n FROM orders WHERE id = ?", order.U1);
    expect(total - expectedRefund).toBe(lines.find((l) => l.sku_id === "sku_demostrawberry000001")!.payable_fen - paidFor[lines.findIndex((l) => l.sku_id === "sku_demostrawberry000001")]!);

    // Again: refused, nothing more refunded.
    expect((await leader3.post("/leader/uncollected", { intent: "mark-returned", orderId: order.U1! })).status).toBe(409);
    expect(await n("SELECT count(*) AS n FROM refunds WHERE order_id = ?", order.U1)).toBe(1);
  });

  it("a partial rule refunds its share, rounded half up; a 0 bp rule moves no money and completes the order", async () => {
    const leader3 = await signIn("leader3@demo.tuangou.test");
    // The rule is the one in force when the order was placed (its rates snapshot, ADR 015): these
    // orders are given a 33.33 % and a 0 % rule as if the setting had been so at placement.
    await worker.d1.prepare("UPDATE orders SET rates = json_set(rates, '$.uncollectedRefundBp', 3333) WHERE id = ?").bind(order.U3).run();
    const paid3 = await n("SELECT payable_fen AS n FROM orders WHERE id = ?", order.U3);
    expect((await leader3.post("/leader/uncollected", { intent: "mark-returned", orderId: order.U3! })).status).toBe(200);
    expect(await one("SELECT amount_fen, status FROM refunds WHERE order_id = ?", order.U3)).toEqual({ amount_fen: bpOf(paid3, 3333), status: "succeeded" });
    expect(await one("SELECT status, refunded_fen FROM orders WHERE id = ?", order.U3)).toEqual({ status: "refunded", refunded_fen: bpOf(paid3, 3333) });

    await worker.d1.prepare("UPDATE orders SET rates = json_set(rates, '$.uncollectedRefundBp', 0) WHERE id = ?").bind(order.U2).run();
    const confirm = await (await leader3.get(`/leader/uncollected?confirm=${order.U2}`)).text();
    expect(confirm).toContain("本单不退款");
    const res = await leader3.post("/leader/uncollected", { intent: "mark-returned", orderId: order.U2! });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("按规则不退款");
    expect(await n("SELECT count(*) AS n FROM refunds WHERE order_id = ?", order.U2)).toBe(0);
    const u2 = await one<{ status: string; refunded_fen: number; completed_at: number | null }>("SELECT status, refunded_fen, completed_at FROM orders WHERE id = ?", order.U2);
    expect(u2).toMatchObject({ status: "completed", refunded_fen: 0 });
    expect(u2.completed_at).toBeGreaterThan(0);
    expect(await one("SELECT event, to_status FROM order_events WHERE order_id = ? ORDER BY rowid DESC LIMIT 1", order.U2)).toEqual({ event: "forfeit_uncollected", to_status: "completed" });
    expect(await n("SELECT count(*) AS n FROM notifications WHERE kind = 'order.uncollected_forfeited'")).toBe(1);

    const html = await (await leader3.get("/leader/uncollected")).text();
    expect(html).toContain("没有超时未取的订单");
  });

  it("a refund the provider finishes later still ends the order refunded (refund-completion cron)", async () => {
    const id = await insertOrder({ point: P3, status: "ready_for_pickup", createdAt: Date.now() - 5 * DAY, lines: [{ qty: 2, payableFen: 1990 }] });
    const payment = (await one<{ id: string }>("SELECT id FROM payments WHERE order_id = ?", id)).id;
    const old = Date.now() - 10 * 60_000;
    // What markUncollectedReturned leaves when the provider accepted the refund asynchronously.
    await worker.d1.batch([
      worker.d1.prepare("INSERT INTO order_events (id, order_id, event, from_status, to_status, actor_type, note, created_at) VALUES (?, ?, 'return_uncollected', 'ready_for_pickup', 'refunding', 'leader', 'uncollected', ?)").bind(`oev_${ids()}`, id, old),
      worker.d1.prepare("UPDATE orders SET status = 'refunding', uncollected_at = ? WHERE id = ?").bind(old, id),
      worker.d1
        .prepare("INSERT INTO refunds (id, order_id, payment_id, kind, amount_fen, reason, lines, status, provider_refund_no, decided_at, created_at, updated_at) VALUES (?, ?, ?, 'uncollected', 1990, 'uncollected', '[]', 'processing', 'sbx_r', ?, ?, ?)")
        .bind(`rfd_${ids()}`, id, payment, old, old, old),
    ]);
    expect((await worker.scheduled("*/5 * * * *")).outcome).toBe("ok");
    expect(await one("SELECT status, refunded_fen FROM orders WHERE id = ?", id)).toEqual({ status: "refunded", refunded_fen: 1990 });
    expect((await worker.scheduled("*/5 * * * *")).outcome).toBe("ok");
    expect(await n("SELECT count(*) AS n FROM order_events WHERE order_id = ? AND to_status = 'refunded'", id)).toBe(1);
  });
});

// ---------- the demo world ----------

describe("the demo world's past orders", () => {
  it("give each demo leader commission to see, seeded idempotently with consistent timelines", async () => {
    const demo = await startWorker({ seed: false });
    try {
      const ctx = { db: demo.db, env: { ...TEST_SECRETS, IMAGES: demo.images } };
      await seedDemoWorld(ctx, { pastOrders: true });
      await seedDemoWorld(ctx, { pastOrders: true });
      const q = async <T>(sql: string) => (await demo.d1.prepare(sql).all<T>()).results;
      const byPoint = await q<{ point: string; orders: number; completed: number }>(
        "SELECT pickup_point_id AS point, count(*) AS orders, sum(status = 'completed') AS completed FROM orders WHERE id LIKE 'ord_demopast%' GROUP BY point ORDER BY point",
      );
      expect(byPoint).toEqual([
        { point: P3, orders: 3, completed: 2 },
        { point: P2, orders: 3, completed: 2 },
        { point: P1, orders: 6, completed: 4 },
      ]);
      // Every order's lines add up to it, it was paid in full, and its timeline ends in its status.
      const bad = await q(`SELECT o.id FROM orders o WHERE o.id LIKE 'ord_demopast%' AND (
        o.payable_fen <> (SELECT sum(payable_fen) FROM order_lines WHERE order_id = o.id) OR o.paid_fen <> o.payable_fen
        OR o.status <> (SELECT to_status FROM order_events WHERE order_id = o.id ORDER BY rowid DESC LIMIT 1)
        OR (SELECT count(*) FROM order_events WHERE order_id = o.id) < 6
        OR (SELECT count(*) FROM payments WHERE order_id = o.id AND status = 'succeeded' AND amount_fen = o.payable_fen) <> 1)`);
      expect(bad).toEqual([]);
      // The completed ones were settled when their window passed: one balanced ledger transaction each, dated then.
      expect(await q("SELECT count(*) AS n FROM ledger_transactions t JOIN orders o ON o.id = t.order_id WHERE t.key = 'settle:' || o.id AND o.status = 'completed' AND t.created_at = o.completed_at AND o.settled_at = o.completed_at")).toEqual([{ n: 8 }]);
      expect(await q("SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING sum(debit_fen) <> sum(credit_fen)")).toEqual([]);
      const c = demo.client({ ip: "203.0.113.99" });
      expect((await c.post("/login", { intent: "password", email: "leader1@demo.tuangou.test", password: "demo-pass-2026" })).status).toBe(302);
      const html = await (await c.get("/leader/commission")).text();
      // 阳光花园: four completed orders (¥69.70, ¥69.90, ¥89.00, ¥53.70) settled at 10%; two picked up within the window.
      expect(testid(html, "commission-settled")).toBe(fen(697 + 699 + 890 + 537));
      expect(testid(html, "commission-pending")).toBe(fen(458 + 518));
      expect([...html.matchAll(/data-date="/g)].length).toBeGreaterThanOrEqual(5);
      demo.expectNoServerErrors();
    } finally {
      await demo.dispose();
    }
  });
});
