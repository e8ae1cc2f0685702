/**
 * Issue 9: settlement through the real cron, queue and consumer into the double-entry ledger.
 *
 * A simulated week: orders of two pickup points and two merchants, placed and picked up over the
 * days (one with two merchants, one with a shortage refund before settlement, one refunded in
 * full, one completed, one still inside its window, one at a category commission rate), then a
 * refund after settlement. Every leader's commission and merchant's income is compared with a
 * hand computation written out below; the reconciliation finds nothing; a leader withdraws and is
 * paid; redelivered messages change nothing; the ledger refuses edits.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { insertLedgerOrders, ledgerByAccount, type LedgerOrderSpec } from "../support/ledger-orders";
import { setSetting, settleDue } from "../support/settlement";
import { startWorker, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

const DAY = 24 * 60 * 60 * 1000;
const P1 = "pkp_demosunshine00000000";
const P2 = "pkp_demolakeside00000000";
const LEADER1 = "usr_demoleader0100000000";
const LEADER2 = "usr_demoleader0200000000";
const FRUIT = "mch_demofruit00000000000";
const BABY = "mch_demobaby000000000000";
const SHOPPER = "usr_demoshopper050000000";

const one = async <T>(sql: string, ...args: unknown[]) => (await worker.d1.prepare(sql).bind(...args).first<T>())!;
const n = async (sql: string, ...args: unknown[]) => Number((await one<{ n: number }>(sql, ...args)).n);
const testid = (html: string, id: string) => new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
const fen = (f: number) => `¥${Math.trunc(f / 100).toLocaleString("en-US")}.${String(f % 100).padStart(2, "0")}`;

async function signIn(email: string, ip: string): Promise<Client> {
  const c = worker.client({ ip });
  expect((await c.post("/login", { intent: "password", email, password: "demo-pass-2026" })).status).toBe(302);
  return c;
}

describe("settlement of a simulated week", () => {
  const now = Date.now();
  const id = (name: string) => `ord_settleweek${name}`.padEnd(24, "0");
  const O = { o1: id("o1"), o2: id("o2"), o3: id("o3"), o4: id("o4"), o5: id("o5"), o6: id("o6") };
  const std = { platformFeeBp: 500, leaderCommissionBp: 1000, afterSalesWindowDays: 7 };
  let fruitSku: { skuId: string; productId: string; merchantId: string; categoryId: string };
  let babySku: typeof fruitSku;

  it("settles what is due, exactly as computed by hand, and leaves the rest pending", async () => {
    const skuOf = async (merchantId: string) =>
      one<typeof fruitSku>("SELECT s.id AS skuId, p.id AS productId, p.merchant_id AS merchantId, p.category_id AS categoryId FROM skus s JOIN products p ON p.id = s.product_id WHERE p.merchant_id = ? ORDER BY s.id LIMIT 1", merchantId);
    fruitSku = await skuOf(FRUIT);
    babySku = await skuOf(BABY);
    const at = (daysAgo: number) => now - daysAgo * DAY;
    const week: LedgerOrderSpec[] = [
      // O1 · 阳光花园 · 鲜果坊 ¥39.90, picked up 9 days ago.
      { id: O.o1, userId: SHOPPER, pointId: P1, status: "picked_up", createdAt: at(10), pickedUpAt: at(9), rates: std, lines: [{ ...fruitSku, payableFen: 3990 }] },
      // O2 · 阳光花园 · 鲜果坊 ¥20.00 + 宝宝优选 ¥60.00, picked up 8 days ago.
      { id: O.o2, userId: SHOPPER, pointId: P1, status: "picked_up", createdAt: at(9), pickedUpAt: at(8), rates: std, lines: [{ ...fruitSku, payableFen: 2000 }, { ...babySku, payableFen: 6000 }] },
      // O3 · 翠湖 · 宝宝优选 ¥123.45 with ¥23.45 short (refunded at arrival), picked up 10 days ago.
      { id: O.o3, userId: SHOPPER, pointId: P2, status: "picked_up", createdAt: at(11), pickedUpAt: at(10), rates: std, refundKind: "shortage", lines: [{ ...babySku, payableFen: 12_345, refundedFen: 2_345 }] },
      // O4 · 翠湖 · 鲜果坊 ¥55.55, refunded in full.
      { id: O.o4, userId: SHOPPER, pointId: P2, status: "refunded", createdAt: at(6), rates: std, lines: [{ ...fruitSku, payableFen: 5555, refundedFen: 5555 }] },
      // O5 · 阳光花园 · 鲜果坊 ¥10.01 at a 12.34% category rate, picked up 3 days ago: inside its window.
      { id: O.o5, userId: SHOPPER, pointId: P1, status: "picked_up", createdAt: at(4), pickedUpAt: at(3), rates: { ...std, leaderCommissionBp: 1234 }, lines: [{ ...fruitSku, payableFen: 1001 }] },
      // O6 · 翠湖 · 宝宝优选 ¥88.88, already completed.
      { id: O.o6, userId: SHOPPER, pointId: P2, status: "completed", createdAt: at(12), pickedUpAt: at(11), completedAt: at(4), rates: std, lines: [{ ...babySku, payableFen: 8888 }] },
    ];
    await insertLedgerOrders(worker, week);
    await settleDue(worker);

    // By hand (fee 5%, commission 10%, both rounded half up; the commission of an order shared by its merchants by net sale):
    // O1: 3990 → fee 199.5→200, commission 399, 鲜果坊 3391.
    // O2: 鲜果坊 2000 → fee 100; 宝宝优选 6000 → fee 300; commission 800 shared 200 / 600 → 鲜果坊 1700, 宝宝优选 5100.
    // O3: 12345 − 2345 = 10000 → fee 500, commission 1000, 宝宝优选 8500.
    // O4: nothing left to settle.
    // O6: 8888 → fee 444.4→444, commission 888.8→889, 宝宝优选 7555.
    expect(await ledgerByAccount(worker, Object.values(O))).toEqual({
      "clearing:payments": -(3990 + 8000 + 10_000 + 8888),
      "platform:fees": 200 + 400 + 500 + 444,
      [`leader:${LEADER1}`]: 399 + 800,
      [`leader:${LEADER2}`]: 1000 + 889,
      [`merchant:${FRUIT}`]: 3391 + 1700,
      [`merchant:${BABY}`]: 5100 + 8500 + 7555,
    });
    // Each due order settled once (O4 with a transaction that moves nothing), picked-up ones completed; O5 untouched.
    for (const o of [O.o1, O.o2, O.o3, O.o4, O.o6]) expect(await n("SELECT count(*) AS n FROM ledger_transactions WHERE order_id = ? AND kind = 'order.settle'", o), o).toBe(1);
    expect(await one("SELECT status, settled_at IS NOT NULL AS settled FROM orders WHERE id = ?", O.o1)).toEqual({ status: "completed", settled: 1 });
    expect(await one("SELECT to_status, event FROM order_events WHERE order_id = ? ORDER BY rowid DESC LIMIT 1", O.o2)).toEqual({ to_status: "completed", event: "complete" });
    expect(await one("SELECT status, settled_at FROM orders WHERE id = ?", O.o5)).toEqual({ status: "picked_up", settled_at: null });
    expect(await n("SELECT count(*) AS n FROM ledger_entries WHERE order_id = ?", O.o4)).toBe(0);
  });

  it("a message delivered again writes nothing new", async () => {
    const before = await n("SELECT count(*) AS n FROM ledger_entries");
    const queue = await worker.queueProducer();
    for (const o of [O.o1, O.o2, O.o3]) await queue.send({ v: 1, kind: "order.settle", key: `settle:${o}`, orderId: o });
    await worker.scheduled("*/5 * * * *", now);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await n("SELECT count(*) AS n FROM ledger_entries")).toBe(before);
    expect(await n("SELECT count(*) AS n FROM dead_letters")).toBe(0);
  });

  it("a refund after settlement claws back fee and commission in proportion, exactly", async () => {
    // ¥9.90 of O1 refunded after it settled (e.g. a late complaint handled by the platform).
    await worker.d1.batch([
      worker.d1.prepare("UPDATE order_lines SET refunded_fen = 990, refunded_qty = 1 WHERE order_id = ?").bind(O.o1),
      worker.d1.prepare("UPDATE orders SET refunded_fen = 990 WHERE id = ?").bind(O.o1),
      worker.d1
        .prepare("INSERT INTO refunds (id, order_id, payment_id, kind, amount_fen, reason, lines, status, created_at, updated_at) VALUES ('rfd_settleweeklate000000', ?, ?, 'after_sales', 990, 'late', '[]', 'succeeded', ?, ?)")
        .bind(O.o1, `pay_${O.o1.slice(4)}`, Date.now(), Date.now()),
    ]);
    await settleDue(worker, { until: async () => (await n("SELECT count(*) AS n FROM ledger_transactions WHERE key = 'refund:rfd_settleweeklate000000'")) === 1 });
    // O1 now nets 3000: fee 150, commission 300, 鲜果坊 2550 — the deltas −50, −99, −841 and +990 back to clearing.
    const entries = (
      await worker.d1
        .prepare("SELECT e.account, e.kind, e.debit_fen, e.credit_fen FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id WHERE t.key = 'refund:rfd_settleweeklate000000' ORDER BY e.seq")
        .all<{ account: string; kind: string; debit_fen: number; credit_fen: number }>()
    ).results;
    const net = (account: string) => entries.filter((e) => e.account === account).reduce((s, e) => s + e.credit_fen - e.debit_fen, 0);
    expect(net("clearing:payments")).toBe(990);
    expect(net("platform:fees")).toBe(-50);
    expect(net(`leader:${LEADER1}`)).toBe(-99);
    expect(net(`merchant:${FRUIT}`)).toBe(-841);
    expect(entries.reduce((s, e) => s + e.debit_fen - e.credit_fen, 0)).toBe(0);
    const ledger = await ledgerByAccount(worker, Object.values(O));
    expect(ledger[`leader:${LEADER1}`]).toBe(300 + 800);
    expect(ledger[`merchant:${FRUIT}`]).toBe(2550 + 1700);
    expect(ledger["platform:fees"]).toBe(150 + 400 + 500 + 444);
  });

  it("the pages show the ledger's figures: the leader's commission and the merchant's income", async () => {
    await setSetting(worker, "withdrawal.frozen_days", 0);
    const leader2 = await signIn("leader2@demo.tuangou.test", "203.0.113.71");
    const html = await (await leader2.get("/leader/commission")).text();
    expect(testid(html, "commission-settled")).toBe(fen(1000 + 889));
    expect(testid(html, "commission-available")).toBe(fen(1000 + 889));
    const baby = await signIn("baby@demo.tuangou.test", "203.0.113.72");
    const from = new Date(now - 14 * DAY + 8 * 3_600_000).toISOString().slice(0, 10);
    const finance = await (await baby.get(`/merchant/finance?from=${from}`)).text();
    expect(testid(finance, "merchant-available")).toBe(fen(5100 + 8500 + 7555));
    expect(testid(finance, "total-settled")).toBe(fen(5100 + 8500 + 7555));
    const o2 = finance.split(`data-order="${O.o2}"`)[1]!.split("</tr>")[0]!;
    // 宝宝优选's part of O2: sale ¥60.00, fee ¥3.00, its share of the commission ¥6.00, income ¥51.00.
    for (const figure of [fen(6000), fen(300), fen(600), fen(5100)]) expect(o2).toContain(figure);
  });

  it("the reconciliation finds no difference; a broken order is reported", async () => {
    const admin = await signIn("finance@demo.tuangou.test", "203.0.113.73");
    const run = await admin.post("/admin/reconciliation", { intent: "run-now" });
    expect(run.status).toBe(302);
    const runId = new URL(run.headers.get("location")!, worker.origin).searchParams.get("run")!;
    expect(await one("SELECT differences, orders_checked >= 5 AS enough FROM reconciliation_runs WHERE id = ?", runId)).toEqual({ differences: 0, enough: 1 });
    // The daily job runs once for yesterday after 02:00 Beijing time, and finds nothing either.
    const tomorrow2am = Date.parse(`${new Date(now + 8 * 3_600_000 + DAY).toISOString().slice(0, 10)}T02:05:00+08:00`);
    await worker.scheduled("*/5 * * * *", tomorrow2am);
    await worker.scheduled("*/5 * * * *", tomorrow2am + 5 * 60_000);
    const today = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(await n("SELECT count(*) AS n FROM reconciliation_runs WHERE trigger = 'cron' AND business_date = ?", today)).toBe(1);
    expect(await n("SELECT differences AS n FROM reconciliation_runs WHERE trigger = 'cron' AND business_date = ?", today)).toBe(0);
    // (When the test runs after 02:00 Beijing time, the first settlement tick above also ran yesterday's
    // reconciliation — before the week's orders were settled, so it rightly reported them overdue.)

    // A line's refund recorded without the money leaving the provider: the order no longer matches its payments.
    await worker.d1.prepare("UPDATE refunds SET status = 'processing' WHERE id = ?").bind(`rfd_${O.o3.slice(4, 20)}r000`).run();
    const again = await admin.post("/admin/reconciliation", { intent: "run-now" });
    const againId = new URL(again.headers.get("location")!, worker.origin).searchParams.get("run")!;
    expect(await one("SELECT kind, entity_id, expected_fen, actual_fen FROM reconciliation_differences WHERE run_id = ?", againId)).toEqual({
      kind: "order_payments_mismatch",
      entity_id: O.o3,
      expected_fen: 12_345,
      actual_fen: 10_000,
    });
    const csv = await (await admin.get(`/admin/reconciliation.csv?run=${againId}`)).text();
    expect(csv).toContain(O.o3);
    await worker.d1.prepare("UPDATE refunds SET status = 'succeeded' WHERE id = ?").bind(`rfd_${O.o3.slice(4, 20)}r000`).run();
  });

  it("a leader withdraws: requested, approved by finance, paid out through the sandbox, debited in the ledger", async () => {
    const leader2 = await signIn("leader2@demo.tuangou.test", "203.0.113.74");
    const res = await leader2.post("/leader/commission", { intent: "request-withdrawal", amount: "15.00", method: "alipay", account: "13900001234" });
    expect(res.status).toBe(302);
    const w = await one<{ id: string; status: string }>("SELECT id, status FROM withdrawals WHERE requested_by = ? ORDER BY created_at DESC LIMIT 1", LEADER2);
    expect(w.status).toBe("requested");
    // Requested money is no longer available, so a second request for the rest plus a fen is refused.
    expect((await leader2.post("/leader/commission", { intent: "request-withdrawal", amount: "3.90", method: "alipay", account: "13900001234" })).status).toBe(400);

    const admin = await signIn("finance@demo.tuangou.test", "203.0.113.75");
    expect((await admin.post("/admin/withdrawals", { intent: "approve", withdrawalId: w.id })).status).toBe(200);
    for (let i = 0; i < 100 && (await one<{ status: string }>("SELECT status FROM withdrawals WHERE id = ?", w.id)).status !== "paid"; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await one("SELECT status, payout_ref FROM withdrawals WHERE id = ?", w.id)).toEqual({ status: "paid", payout_ref: `sandbox-payout-${w.id}` });
    expect(
      (await worker.d1.prepare("SELECT e.account, e.kind, e.debit_fen, e.credit_fen FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id WHERE t.key = ? ORDER BY e.seq").bind(`payout:${w.id}`).all()).results,
    ).toEqual([
      { account: `leader:${LEADER2}`, kind: "payout", debit_fen: 1500, credit_fen: 0 },
      { account: "clearing:payouts", kind: "payout", debit_fen: 0, credit_fen: 1500 },
    ]);
    const html = await (await leader2.get("/leader/commission")).text();
    expect(testid(html, "commission-available")).toBe(fen(1889 - 1500));
    expect(html.split(`data-withdrawal="${w.id}"`)[1]!.split("</li>")[0]).toContain("已打款");
    expect(await n("SELECT count(*) AS n FROM notifications WHERE user_id = ? AND kind = 'money.withdrawal_paid'", LEADER2)).toBe(1);
  });

  it("a payout the provider refuses fails the withdrawal and leaves the money on the balance", async () => {
    const leader1 = await signIn("leader1@demo.tuangou.test", "203.0.113.76");
    expect((await leader1.post("/leader/commission", { intent: "request-withdrawal", amount: "10.00", method: "bank", account: "6222 0000 1111 0000" })).status).toBe(302);
    const w = await one<{ id: string }>("SELECT id FROM withdrawals WHERE requested_by = ? ORDER BY created_at DESC LIMIT 1", LEADER1);
    const admin = await signIn("finance@demo.tuangou.test", "203.0.113.77");
    expect((await admin.post("/admin/withdrawals", { intent: "approve", withdrawalId: w.id })).status).toBe(200);
    for (let i = 0; i < 100 && (await one<{ status: string }>("SELECT status FROM withdrawals WHERE id = ?", w.id)).status === "approved"; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await one("SELECT status, reason FROM withdrawals WHERE id = ?", w.id)).toEqual({ status: "failed", reason: "account_rejected" });
    expect(await n("SELECT count(*) AS n FROM ledger_transactions WHERE key = ?", `payout:${w.id}`)).toBe(0);
    const html = await (await leader1.get("/leader/commission")).text();
    expect(testid(html, "commission-available")).toBe(fen(300 + 800));
  });

  it("a merchant's owner withdraws from the store's balance; more than the balance is refused", async () => {
    const baby = await signIn("baby@demo.tuangou.test", "203.0.113.78");
    const over = await baby.post("/merchant/finance", { intent: "request-withdrawal", amount: "211.56", method: "bank", account: "6222 0212 3456 7890" });
    expect(over.status).toBe(400);
    expect(await over.text()).toContain("超出可提现金额 ¥211.55");
    expect((await baby.post("/merchant/finance", { intent: "request-withdrawal", amount: "200.00", method: "bank", account: "6222 0212 3456 7890" })).status).toBe(302);
    const w = await one<{ id: string; account_type: string; account_id: string }>("SELECT id, account_type, account_id FROM withdrawals WHERE account_type = 'merchant' ORDER BY created_at DESC LIMIT 1");
    expect(w).toMatchObject({ account_type: "merchant", account_id: BABY });
    const admin = await signIn("finance@demo.tuangou.test", "203.0.113.79");
    expect((await admin.post("/admin/withdrawals", { intent: "approve", withdrawalId: w.id })).status).toBe(200);
    for (let i = 0; i < 100 && (await one<{ status: string }>("SELECT status FROM withdrawals WHERE id = ?", w.id)).status !== "paid"; i++) await new Promise((r) => setTimeout(r, 100));
    const html = await (await baby.get("/merchant/finance")).text();
    expect(testid(html, "merchant-available")).toBe(fen(21_155 - 20_000));
    expect(html.split(`data-withdrawal="${w.id}"`)[1]!.split("</li>")[0]).toContain("已打款");
    // Someone who is not a merchant cannot withdraw from a store.
    expect((await admin.post("/merchant/finance", { intent: "request-withdrawal", amount: "10", method: "bank", account: "6222021234567890" })).status).toBe(403);
  });

  it("every transaction balances, and the ledger refuses edits and deletions", async () => {
    expect((await worker.d1.prepare("SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING sum(debit_fen) <> sum(credit_fen)").all()).results).toEqual([]);
    expect(await n("SELECT sum(credit_fen) - sum(debit_fen) AS n FROM ledger_entries")).toBe(0);
    await expect(worker.d1.prepare("UPDATE ledger_entries SET credit_fen = credit_fen + 1").run()).rejects.toThrow(/append-only/);
    await expect(worker.d1.prepare("DELETE FROM ledger_transactions").run()).rejects.toThrow(/append-only/);
    await expect(
      worker.d1.prepare("INSERT INTO ledger_entries (transaction_id, seq, account, kind, debit_fen, credit_fen, created_at) SELECT id, 99, 'platform:fees', 'fee', 5, 5, 0 FROM ledger_transactions LIMIT 1").run(),
    ).rejects.toThrow(/CHECK/);
  });
});
