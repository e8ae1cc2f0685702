/**
 * Issue 9, the finance console: withdrawals (approve → the settlement consumer pays out and posts
 * the `payout:<id>` ledger transaction; reject with a reason; field errors, 404 and 409), the
 * reconciliation (run now, the page, the CSV) and the dead-letter queue (re-drive once; an invalid
 * body never), each behind `read:finance:any` / `manage:payouts:any`.
 *
 * Set-up written straight into D1: ledger credits for the payees (a settled order would need the
 * whole order flow) and the withdrawal requests, their payout account encrypted with the test
 * Worker's keys exactly as `requestWithdrawal` stores it — so these tests do not depend on how the
 * leader's and merchant's own pages compute the available balance.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { encryptField } from "../../app/lib/field-crypto.server";
import { startWorker, TEST_SECRETS, type Client, type TestWorker } from "../support/worker";

let worker: TestWorker;
const as: Record<string, Client> = {};

const DAY = 24 * 3600_000;
const LEADER = "usr_demoleader0100000000";
const POINT = "pkp_demosunshine00000000"; // 阳光花园便利店, leader1's
const FRUIT = "mch_demofruit00000000000"; // 鲜果坊
const FRUIT_OWNER = "usr_demomerchant01000000";
const FINANCE = "usr_demofinance000000000";
const PAGES = ["/admin/withdrawals", "/admin/reconciliation", "/admin/dead-letters"];

let seq = 0;
const rid = () => `${Date.now().toString(36)}${(seq++).toString(36).padStart(4, "0")}`.padEnd(20, "0").slice(0, 20);
const one = async <T>(sql: string, ...binds: unknown[]): Promise<T> => (await worker.d1.prepare(sql).bind(...binds).first<T>())!;
const all = async <T>(sql: string, ...binds: unknown[]): Promise<T[]> => (await worker.d1.prepare(sql).bind(...binds).all<T>()).results;
const count = async (sql: string, ...binds: unknown[]) => Number((await one<{ n: number }>(sql, ...binds)).n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting; last value ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

/** A balanced ledger transaction moving `fen` from `from` to `to` (credit − debit is the owner's balance). */
async function post(from: string, to: string, fen: number, at: number) {
  const tx = `ltx_${rid()}`;
  await worker.d1.batch([
    worker.d1.prepare("INSERT INTO ledger_transactions (id, key, kind, memo, created_at) VALUES (?, ?, 'order.settle', 'test credit', ?)").bind(tx, `test:${tx}`, at),
    worker.d1
      .prepare("INSERT INTO ledger_entries (transaction_id, seq, account, kind, debit_fen, credit_fen, created_at) VALUES (?, 1, ?, 'commission', ?, 0, ?), (?, 2, ?, 'commission', 0, ?, ?)")
      .bind(tx, from, fen, at, tx, to, fen, at),
  ]);
}

async function insertWithdrawal(opts: { type: "leader" | "merchant"; amountFen: number; method?: "wechat" | "alipay" | "bank"; account?: string; createdAt?: number }) {
  const id = `wdr_${rid()}`;
  const at = opts.createdAt ?? Date.now() - 3600_000;
  const [accountId, requester] = opts.type === "leader" ? [POINT, LEADER] : [FRUIT, FRUIT_OWNER];
  const enc = await encryptField(TEST_SECRETS, "payout_account", opts.account ?? "zhang_tuan88");
  await worker.d1
    .prepare(
      `INSERT INTO withdrawals (id, account_type, account_id, requested_by, amount_fen, method, payout_account_enc, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)`,
    )
    .bind(id, opts.type, accountId, requester, opts.amountFen, opts.method ?? "wechat", enc, at, at)
    .run();
  return id;
}

async function insertDeadLetter(body: unknown, error = "retries exhausted") {
  const id = `dlq_${rid()}`;
  await worker.d1
    .prepare("INSERT INTO dead_letters (id, queue, message_id, body, error, attempts, created_at) VALUES (?, 'settlement-dlq', ?, ?, ?, 3, ?)")
    .bind(id, `msg-${id}`, typeof body === "string" ? body : JSON.stringify(body), error, Date.now())
    .run();
  return id;
}

const rowOf = (html: string, attr: string, id: string) => html.split(`${attr}="${id}"`)[1]?.split(/<\/tr>|<\/article>/)[0] ?? "";

beforeAll(async () => {
  worker = await startWorker();
  const accounts = { finance: "finance@demo.tuangou.test", reviewer: "reviewer@demo.tuangou.test", admin: "admin@demo.tuangou.test" };
  let ip = 30;
  for (const [who, email] of Object.entries(accounts)) {
    const c = worker.client({ ip: `198.18.40.${ip++}` });
    const res = await c.post("/login", { intent: "password", email, password: "demo-pass-2026" });
    expect(res.status, who).toBe(302);
    as[who] = c;
  }
  as.anonymous = worker.client({ ip: "198.18.40.99" });
});
afterAll(() => worker?.dispose());
afterEach(() => worker.expectNoServerErrors());

describe("who may see and act", () => {
  it("finance and the super admin see the pages and the navigation; the reviewer gets 403; a visitor is sent to sign in", async () => {
    for (const path of PAGES) {
      for (const who of ["finance", "admin"]) {
        const res = await as[who]!.get(path);
        expect(res.status, `${who} ${path}`).toBe(200);
        expect(res.headers.get("cache-control"), path).toBe("private, no-store");
      }
      expect((await as.reviewer!.get(path)).status, path).toBe(403);
      const anonymous = await as.anonymous!.get(path);
      expect(anonymous.status, path).toBe(302);
      expect(anonymous.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
    const financeNav = await (await as.finance!.get("/admin")).text();
    for (const label of ["提现审批", "对账", "死信队列"]) expect(financeNav).toContain(label);
    const reviewerNav = await (await as.reviewer!.get("/admin")).text();
    for (const href of PAGES) expect(reviewerNav).not.toContain(`href="${href}"`);
  });

  it("the reviewer can neither decide, run nor re-drive, and nothing is written", async () => {
    const w = await insertWithdrawal({ type: "leader", amountFen: 1_000 });
    const dl = await insertDeadLetter({ v: 1, kind: "order.settle", key: "settle:ord_reviewertry000000000", orderId: "ord_reviewertry000000000" });
    const audits = await count("SELECT count(*) AS n FROM audit_log");
    const runs = await count("SELECT count(*) AS n FROM reconciliation_runs");
    expect((await as.reviewer!.post("/admin/withdrawals", { intent: "approve", withdrawalId: w })).status).toBe(403);
    expect((await as.reviewer!.post("/admin/reconciliation", { intent: "run-now" })).status).toBe(403);
    expect((await as.reviewer!.post("/admin/dead-letters", { intent: "redrive", deadLetterId: dl })).status).toBe(403);
    expect((await as.reviewer!.get("/admin/reconciliation.csv?run=rcn_00000000000000000000")).status).toBe(403);
    expect((await as.anonymous!.post("/admin/withdrawals", { intent: "approve", withdrawalId: w })).status).toBe(302);
    expect(await one<{ status: string }>("SELECT status FROM withdrawals WHERE id = ?", w)).toEqual({ status: "requested" });
    expect(await one<{ redriven_at: number | null }>("SELECT redriven_at FROM dead_letters WHERE id = ?", dl)).toEqual({ redriven_at: null });
    expect(await count("SELECT count(*) AS n FROM audit_log")).toBe(audits);
    expect(await count("SELECT count(*) AS n FROM reconciliation_runs")).toBe(runs);
    // Tidy for the next tests: these two are decided by finance.
    expect((await as.finance!.post("/admin/withdrawals", { intent: "reject", withdrawalId: w, reason: "测试数据" })).status).toBe(200);
    expect((await as.finance!.post("/admin/dead-letters", { intent: "redrive", deadLetterId: dl })).status).toBe(200);
  });
});

describe("withdrawals", () => {
  it("lists a request with its payee, masked account and ledger balance; approving pays it out through the consumer", async () => {
    await post("clearing:payments", `leader:${LEADER}`, 10_000, Date.now() - 2 * DAY);
    const w = await insertWithdrawal({ type: "leader", amountFen: 2_050, account: "zhang_tuan88" });
    const page = await (await as.finance!.get("/admin/withdrawals")).text();
    const row = rowOf(page, "data-withdrawal-id", w);
    expect(row).toContain("阳光花园便利店");
    expect(row).toContain("团长");
    expect(row).toContain("张团长");
    expect(row).toContain("¥20.50");
    expect(row).toContain("zh****88");
    expect(row).not.toContain("zhang_tuan88");
    expect(row).toContain("¥100.00"); // the leader's ledger balance
    expect(row).toContain("批准");
    expect(row).toContain("驳回原因");
    expect(page).toMatch(/待审批[\s\S]*?1 笔 · ¥20\.50/);

    const res = await as.finance!.post("/admin/withdrawals", { intent: "approve", withdrawalId: w });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("已批准，正在打款");
    const paid = await waitFor(
      () => one<{ status: string; payout_ref: string | null; paid_at: number | null; decided_by: string }>("SELECT status, payout_ref, paid_at, decided_by FROM withdrawals WHERE id = ?", w),
      (r) => r.status === "paid",
    );
    expect(paid.decided_by).toBe(FINANCE);
    expect(paid.payout_ref).toBeTruthy();
    const entries = await all<{ account: string; debit_fen: number; credit_fen: number; kind: string }>(
      "SELECT e.account, e.debit_fen, e.credit_fen, e.kind FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id WHERE t.key = ? ORDER BY e.seq",
      `payout:${w}`,
    );
    expect(entries).toEqual([
      { account: `leader:${LEADER}`, debit_fen: 2_050, credit_fen: 0, kind: "payout" },
      { account: "clearing:payouts", debit_fen: 0, credit_fen: 2_050, kind: "payout" },
    ]);
    const audit = await all<{ action: string; actor_user_id: string | null }>("SELECT action, actor_user_id FROM audit_log WHERE entity_id = ? ORDER BY created_at, rowid", w);
    expect(audit).toEqual([
      { action: "withdrawal.approve", actor_user_id: FINANCE },
      { action: "withdrawal.paid", actor_user_id: null },
    ]);

    const paidTab = rowOf(await (await as.finance!.get("/admin/withdrawals?status=paid")).text(), "data-withdrawal-id", w);
    expect(paidTab).toContain(paid.payout_ref!);
    expect(paidTab).toContain("¥79.50"); // 100.00 − 20.50
    expect(paidTab).not.toContain("驳回原因");

    // A second approval (a double click, another admin) is a 409 that says why.
    const again = await as.finance!.post("/admin/withdrawals", { intent: "approve", withdrawalId: w });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("这笔提现已被处理");
    expect(await count("SELECT count(*) AS n FROM ledger_transactions WHERE key = ?", `payout:${w}`)).toBe(1);
  });

  it("rejecting needs a reason (400 under the field), then tells the requester", async () => {
    const w = await insertWithdrawal({ type: "merchant", amountFen: 3_000, method: "bank", account: "6222020200112233445" });
    const audits = await count("SELECT count(*) AS n FROM audit_log");
    for (const reason of [undefined, "   ", "字".repeat(201)]) {
      const res = await as.finance!.post("/admin/withdrawals", { intent: "reject", withdrawalId: w, ...(reason === undefined ? {} : { reason }) });
      expect(res.status, String(reason)).toBe(400);
      const html = await res.text();
      expect(html).toContain(reason && reason.length > 200 ? "驳回原因最多 200 字" : "请填写驳回原因");
      expect(rowOf(html, "data-withdrawal-id", w)).toContain(`id="reason-${w}-error"`);
    }
    expect(await one<{ status: string }>("SELECT status FROM withdrawals WHERE id = ?", w)).toEqual({ status: "requested" });
    expect(await count("SELECT count(*) AS n FROM audit_log")).toBe(audits);

    const res = await as.finance!.post("/admin/withdrawals", { intent: "reject", withdrawalId: w, reason: " 收款账号与实名不符 " });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("已驳回");
    expect(await one("SELECT status, reason, decided_by FROM withdrawals WHERE id = ?", w)).toEqual({ status: "rejected", reason: "收款账号与实名不符", decided_by: FINANCE });
    const notice = await one<{ data: string; link: string }>("SELECT data, link FROM notifications WHERE user_id = ? AND kind = 'money.withdrawal_rejected' ORDER BY created_at DESC LIMIT 1", FRUIT_OWNER);
    expect(JSON.parse(notice.data)).toEqual({ amount: "¥30.00", reason: "收款账号与实名不符" });
    const rejectedTab = rowOf(await (await as.finance!.get("/admin/withdrawals?status=rejected")).text(), "data-withdrawal-id", w);
    expect(rejectedTab).toContain("鲜果坊");
    expect(rejectedTab).toContain("商家");
    expect(rejectedTab).toContain("**** 3445");
    expect(rejectedTab).toContain("收款账号与实名不符");
    expect((await as.finance!.post("/admin/withdrawals", { intent: "reject", withdrawalId: w, reason: "again" })).status).toBe(409);
  });

  it("answers a malformed id or intent with 400, an unknown withdrawal with 404", async () => {
    const bad = await as.finance!.post("/admin/withdrawals", { intent: "approve", withdrawalId: "wdr_nope" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("提现编号不正确");
    expect((await as.finance!.post("/admin/withdrawals", { intent: "pay", withdrawalId: "wdr_0123456789abcdefghjk" })).status).toBe(400);
    const missing = await as.finance!.post("/admin/withdrawals", { intent: "approve", withdrawalId: "wdr_0123456789abcdefghjk" });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("没有找到这笔提现");
  });

  it("a payout the balance no longer covers ends failed, with the reason on the failed tab", async () => {
    const w = await insertWithdrawal({ type: "merchant", amountFen: 99_900 });
    expect((await as.finance!.post("/admin/withdrawals", { intent: "approve", withdrawalId: w })).status).toBe(200);
    await waitFor(() => one<{ status: string }>("SELECT status FROM withdrawals WHERE id = ?", w), (r) => r.status === "failed");
    const failed = rowOf(await (await as.finance!.get("/admin/withdrawals?status=failed")).text(), "data-withdrawal-id", w);
    expect(failed).toContain("账户余额不足");
    expect(await count("SELECT count(*) AS n FROM ledger_transactions WHERE key = ?", `payout:${w}`)).toBe(0);
  });

  it("speaks English when the admin chose it", async () => {
    const html = await (await as.finance!.get("/admin/withdrawals?status=paid", { "Accept-Language": "en" })).text();
    expect(html).toContain("Withdrawals");
    expect(html).toContain("Payout reference");
    expect(html).toContain("Leader");
  });
});

describe("reconciliation", () => {
  let runId = "";

  it("run now creates today's run and shows it with its differences, explained", async () => {
    // A merchant account below zero (a clawback after a payout): one negative_balance difference.
    await post(`merchant:${FRUIT}`, "platform:fees", 500, Date.now() - 3600_000);
    const res = await as.finance!.post("/admin/reconciliation", { intent: "run-now" });
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    runId = /^\/admin\/reconciliation\?run=(rcn_[a-z0-9]{20})$/.exec(location)?.[1] ?? "";
    expect(runId, location).not.toBe("");
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const run = await one<{ business_date: string; trigger: string; differences: number }>("SELECT business_date, trigger, differences FROM reconciliation_runs WHERE id = ?", runId);
    expect(run.business_date).toBe(today);
    expect(run.trigger).toBe("admin");
    expect(run.differences).toBeGreaterThanOrEqual(1);
    expect(await one<{ actor_user_id: string }>("SELECT actor_user_id FROM audit_log WHERE action = 'reconciliation.run' AND entity_id = ?", runId)).toEqual({ actor_user_id: FINANCE });

    const html = await (await as.finance!.get(location)).text();
    expect(html).toContain(`data-run-id="${runId}"`);
    expect(html).toContain(`data-selected-run="${runId}"`);
    expect(rowOf(html, "data-run-id", runId)).toContain("手动");
    expect(html).toContain("账户余额为负");
    expect(html).toContain("通常是打款后发生了售后退款扣回");
    expect(html).toContain(`merchant:${FRUIT}`);
    expect(html).toContain("-¥5.00");
    expect(html).toContain("团长账户");
    expect(html).toContain("借贷平衡");
    expect(html).toContain(`/admin/reconciliation.csv?run=${runId}`);
  });

  it("a run without differences reads “无差异”; unknown or malformed runs are 404 and 400", async () => {
    const clean = `rcn_${rid()}`;
    await worker.d1
      .prepare("INSERT INTO reconciliation_runs (id, business_date, trigger, orders_checked, transactions_checked, differences, created_at) VALUES (?, '2026-01-01', 'cron', 12, 34, 0, ?)")
      .bind(clean, Date.now() - 10 * DAY)
      .run();
    const html = await (await as.finance!.get(`/admin/reconciliation?run=${clean}`)).text();
    expect(rowOf(html, "data-run-id", clean)).toContain("无差异");
    expect(rowOf(html, "data-run-id", clean)).toContain("定时");
    expect(html).toContain("这次对账没有发现差异");
    const unknown = await as.finance!.get("/admin/reconciliation?run=rcn_00000000000000000000");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("没有找到这次对账");
    expect((await as.finance!.get("/admin/reconciliation?run=nope")).status).toBe(400);
    const en = await (await as.finance!.get(`/admin/reconciliation?run=${clean}`, { "Accept-Language": "en" })).text();
    expect(en).toContain("No differences");
    expect(en).toContain("Ledger balances by account group");
  });

  it("downloads the run's differences as CSV with a BOM, translated headers and plain decimal amounts", async () => {
    const res = await as.finance!.get(`/admin/reconciliation.csv?run=${runId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="reconciliation-${today}-${runId}.csv"`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split("\r\n");
    expect(lines[0]).toBe("差异类型,差异代码,对象类型,对象编号,应为（元）,实际（元）,说明");
    expect(lines).toContain(`账户余额为负,negative_balance,账户,merchant:${FRUIT},0.00,-5.00,`);
    const en = await (await as.finance!.get(`/admin/reconciliation.csv?run=${runId}`, { "Accept-Language": "en" })).text();
    // (Response.text() drops the BOM, as any UTF-8 decoder does.)
    expect(en.split("\r\n")[0]).toBe("Kind,Kind code,Object type,Object id,Expected (yuan),Actual (yuan),Detail");

    const missing = await as.finance!.get("/admin/reconciliation.csv");
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("invalid_query");
    expect((await as.finance!.get("/admin/reconciliation.csv?run=rcn_bad")).status).toBe(400);
    expect((await as.finance!.get("/admin/reconciliation.csv?run=rcn_00000000000000000000")).status).toBe(404);
  });
});

describe("dead letters", () => {
  it("shows each entry with its key, kind, error and body; re-drives a valid one once", async () => {
    const orderId = `ord_${rid()}`;
    const dl = await insertDeadLetter({ v: 1, kind: "order.settle", key: `settle:${orderId}`, orderId }, "D1_ERROR: database is locked");
    const html = await (await as.finance!.get("/admin/dead-letters")).text();
    const entry = rowOf(html, "data-dead-letter-id", dl);
    expect(entry).toContain(`settle:${orderId}`);
    expect(entry).toContain("order.settle");
    expect(entry).toContain("D1_ERROR: database is locked");
    expect(entry).toContain("settlement-dlq");
    expect(entry).toContain("重新投递");
    expect(entry).toContain("待处理");
    expect(entry).toContain("&quot;orderId&quot;");

    const res = await as.finance!.post("/admin/dead-letters", { intent: "redrive", deadLetterId: dl });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`已重新投递 settle:${orderId}`);
    const row = await one<{ redriven_at: number | null }>("SELECT redriven_at FROM dead_letters WHERE id = ?", dl);
    expect(row.redriven_at).toBeGreaterThan(Date.now() - 60_000);
    expect(await all("SELECT actor_user_id, data FROM audit_log WHERE action = 'dead_letter.redrive' AND entity_id = ?", dl)).toEqual([
      { actor_user_id: FINANCE, data: JSON.stringify({ queue: "settlement-dlq", key: `settle:${orderId}`, kind: "order.settle" }) },
    ]);
    const again = await as.finance!.post("/admin/dead-letters", { intent: "redrive", deadLetterId: dl });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("这条消息已经重新投递过了");
    expect(await one("SELECT redriven_at FROM dead_letters WHERE id = ?", dl)).toEqual(row);
    const after = rowOf(await (await as.finance!.get("/admin/dead-letters")).text(), "data-dead-letter-id", dl);
    expect(after).toContain("已重新投递");
    expect(after).not.toContain('name="intent"');
  });

  it("the re-driven message reaches the consumer; two clicks at once re-drive it once", async () => {
    const key = `test:redrive:${rid()}`;
    const dl = await insertDeadLetter({ v: 1, kind: "audit.record", key, action: "test.redriven", entityType: "dead_letter", entityId: "redrive-test" });
    const answers = await Promise.all([0, 1].map(() => as.finance!.post("/admin/dead-letters", { intent: "redrive", deadLetterId: dl })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'dead_letter.redrive' AND entity_id = ?", dl)).toBe(1);
    await waitFor(() => count("SELECT count(*) AS n FROM processed_messages WHERE key = ?", key), (n) => n === 1);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'test.redriven'")).toBe(1);
  });

  it("an invalid body (v: 99) cannot be re-driven: no button, and a 409 that says why", async () => {
    const dl = await insertDeadLetter({ v: 99 }, "invalid message: Invalid type");
    const notJson = await insertDeadLetter("{not json", "invalid message");
    const html = await (await as.finance!.get("/admin/dead-letters")).text();
    for (const id of [dl, notJson]) {
      const entry = rowOf(html, "data-dead-letter-id", id);
      expect(entry).toContain("消息格式无效");
      expect(entry).not.toContain('value="redrive"');
    }
    for (const id of [dl, notJson]) {
      const res = await as.finance!.post("/admin/dead-letters", { intent: "redrive", deadLetterId: id });
      expect(res.status).toBe(409);
      expect(await res.text()).toContain("不能重新投递");
      expect(await one("SELECT redriven_at FROM dead_letters WHERE id = ?", id)).toEqual({ redriven_at: null });
    }
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'dead_letter.redrive' AND entity_id IN (?, ?)", dl, notJson)).toBe(0);
    expect((await as.finance!.post("/admin/dead-letters", { intent: "redrive", deadLetterId: "dlq_00000000000000000000" })).status).toBe(404);
    expect((await as.finance!.post("/admin/dead-letters", { intent: "redrive", deadLetterId: "x" })).status).toBe(400);
  });
});
