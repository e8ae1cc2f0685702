import { sql } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { rawBatch, readBatch, type BatchStatement } from "~/db/raw-batch.server";
import { newId } from "~/lib/ids";
import { auditStatement } from "~/modules/audit/audit.server";
import { addDays, businessDateOf, cutoffInstant } from "~/modules/fulfilment/business-date";
import { noticeStatement } from "~/modules/notifications/notify.server";
import { getSettings } from "~/modules/settings/settings.server";
import { snapshotIntSql } from "~/modules/settings/order-rates.server";

/**
 * The daily reconciliation (issue 9): orders, payments, refunds, withdrawals and the ledger
 * compared, everything settled up to the end of a business date (Asia/Shanghai) — cumulative, so
 * a difference stays on every report until it is put right. Each finding is one row:
 *
 * - `transaction_unbalanced`: a ledger transaction whose debits and credits differ;
 * - `order_ledger_mismatch`: a settled order whose net sale (its lines' payable − refunded) is not
 *   what the ledger moved out of `clearing:payments` for it;
 * - `order_payments_mismatch`: a settled order whose money at the provider (payments succeeded −
 *   refunds succeeded) is not what the ledger holds for it (a refund still with the provider, a
 *   payment never confirmed…);
 * - `settlement_overdue`: an order due for settlement over a day ago that the ledger does not hold;
 * - `payout_mismatch`: a paid withdrawal without its payout transaction (or another amount), or a
 *   payout transaction whose withdrawal is not paid;
 * - `negative_balance`: a merchant or leader account below zero (a clawback after a payout).
 *
 * A run writes its counts and findings in one batch. The cron runs it once a day, after 02:00
 * Beijing time, for the day before; an admin can run it for today at any time.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** Findings stored per run (the counts are always complete). */
export const MAX_DIFFERENCES = 1000;

export const DIFFERENCE_KINDS = ["transaction_unbalanced", "order_ledger_mismatch", "order_payments_mismatch", "settlement_overdue", "payout_mismatch", "negative_balance"] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

export interface Difference {
  kind: DifferenceKind;
  entityType: "transaction" | "order" | "withdrawal" | "account";
  entityId: string;
  expectedFen: number | null;
  actualFen: number | null;
  detail?: string;
}

const netSaleSql = sql`(SELECT coalesce(sum(max(0, l.payable_fen)) - sum(min(max(0, l.refunded_fen), max(0, l.payable_fen))), 0) FROM order_lines l WHERE l.order_id = o.id)`;
const ledgerNetSql = sql`(SELECT coalesce(sum(e.debit_fen - e.credit_fen), 0) FROM ledger_entries e WHERE e.order_id = o.id AND e.account = 'clearing:payments')`;
const providerNetSql = sql`((SELECT coalesce(sum(p.amount_fen), 0) FROM payments p WHERE p.order_id = o.id AND p.status = 'succeeded')
  - (SELECT coalesce(sum(r.amount_fen), 0) FROM refunds r WHERE r.order_id = o.id AND r.status = 'succeeded'))`;

/** Compares everything settled up to the end of `businessDate` and returns the findings (nothing is written). */
export async function findDifferences(ctx: AppContext, businessDate: string, now: number) {
  const until = Math.min(now, cutoffInstant(addDays(businessDate, 1), "00:00"));
  const s = await getSettings(ctx, ["order.after_sales_window_days"]);
  const window = snapshotIntSql(sql`o.rates`, "afterSalesWindowDays", s["order.after_sales_window_days"]);
  const overdueBefore = until - DAY_MS;
  const [unbalanced, orderRows, overdue, payouts, negative, counts] = await readBatch<
    [
      { id: string; key: string; d: number; c: number },
      { id: string; net: number; ledger: number; provider: number },
      { id: string; status: string },
      { id: string; expected: number; actual: number; status: string },
      { account: string; balance: number },
      { orders: number; transactions: number },
    ]
  >(ctx, [
    sql`SELECT t.id, t.key, coalesce(sum(e.debit_fen), 0) AS d, coalesce(sum(e.credit_fen), 0) AS c
      FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id WHERE t.created_at < ${until}
      GROUP BY t.id HAVING coalesce(sum(e.debit_fen), 0) <> coalesce(sum(e.credit_fen), 0) LIMIT ${MAX_DIFFERENCES}`,
    sql`SELECT * FROM (SELECT o.id, ${netSaleSql} AS net, ${ledgerNetSql} AS ledger, ${providerNetSql} AS provider
        FROM orders o WHERE o.settled_at IS NOT NULL AND o.settled_at < ${until})
      WHERE net <> ledger OR provider <> ledger LIMIT ${MAX_DIFFERENCES}`,
    sql`SELECT o.id, o.status FROM orders o WHERE o.settled_at IS NULL AND (
        (o.status IN ('completed', 'refunded') AND o.updated_at < ${overdueBefore})
        OR (o.status = 'picked_up' AND o.picked_up_at IS NOT NULL AND o.picked_up_at + ${window} * ${DAY_MS} < ${overdueBefore})
      ) LIMIT ${MAX_DIFFERENCES}`,
    sql`SELECT * FROM (
        SELECT w.id, w.amount_fen AS expected, w.status,
          (SELECT coalesce(sum(e.debit_fen), 0) FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
            WHERE t.key = 'payout:' || w.id AND e.kind = 'payout' AND e.account <> 'clearing:payouts') AS actual
        FROM withdrawals w WHERE w.status = 'paid' OR EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.key = 'payout:' || w.id)
      ) WHERE status <> 'paid' OR expected <> actual LIMIT ${MAX_DIFFERENCES}`,
    sql`SELECT account, sum(credit_fen - debit_fen) AS balance FROM ledger_entries
      WHERE (account LIKE 'merchant:%' OR account LIKE 'leader:%') AND created_at < ${until}
      GROUP BY account HAVING sum(credit_fen - debit_fen) < 0 LIMIT ${MAX_DIFFERENCES}`,
    sql`SELECT (SELECT count(*) FROM orders WHERE settled_at IS NOT NULL AND settled_at < ${until}) AS orders,
        (SELECT count(*) FROM ledger_transactions WHERE created_at < ${until}) AS transactions`,
  ]);
  const differences: Difference[] = [];
  for (const t of unbalanced) differences.push({ kind: "transaction_unbalanced", entityType: "transaction", entityId: t.id, expectedFen: Number(t.d), actualFen: Number(t.c), detail: t.key });
  for (const o of orderRows) {
    const net = Number(o.net);
    const ledger = Number(o.ledger);
    const provider = Number(o.provider);
    if (net !== ledger) differences.push({ kind: "order_ledger_mismatch", entityType: "order", entityId: o.id, expectedFen: net, actualFen: ledger });
    if (provider !== ledger) differences.push({ kind: "order_payments_mismatch", entityType: "order", entityId: o.id, expectedFen: provider, actualFen: ledger });
  }
  for (const o of overdue) differences.push({ kind: "settlement_overdue", entityType: "order", entityId: o.id, expectedFen: null, actualFen: null, detail: o.status });
  for (const w of payouts) differences.push({ kind: "payout_mismatch", entityType: "withdrawal", entityId: w.id, expectedFen: w.status === "paid" ? Number(w.expected) : 0, actualFen: Number(w.actual), detail: w.status });
  for (const a of negative) differences.push({ kind: "negative_balance", entityType: "account", entityId: a.account, expectedFen: 0, actualFen: Number(a.balance) });
  return {
    ordersChecked: Number(counts[0]?.orders ?? 0),
    transactionsChecked: Number(counts[0]?.transactions ?? 0),
    differences: differences.slice(0, MAX_DIFFERENCES),
    differenceCount: differences.length,
  };
}

/** Runs the reconciliation for `businessDate` and stores the run and its findings; admins are told when something differs. */
export async function runReconciliation(ctx: AppContext, input: { businessDate: string; trigger: "cron" | "admin"; actorUserId?: string | null }, now = Date.now()) {
  const found = await findDifferences(ctx, input.businessDate, now);
  const runId = newId("rcn");
  const rows = JSON.stringify(
    found.differences.map((d, i) => ({ seq: i + 1, kind: d.kind, entityType: d.entityType, entityId: d.entityId, expected: d.expectedFen, actual: d.actualFen, detail: d.detail ?? null })),
  );
  const statements: BatchStatement[] = [
    sql`INSERT INTO reconciliation_runs (id, business_date, trigger, orders_checked, transactions_checked, differences, created_at)
      VALUES (${runId}, ${input.businessDate}, ${input.trigger}, ${found.ordersChecked}, ${found.transactionsChecked}, ${found.differenceCount}, ${now})`,
    sql`INSERT INTO reconciliation_differences (run_id, seq, kind, entity_type, entity_id, expected_fen, actual_fen, detail)
      SELECT ${runId}, json_extract(j.value, '$.seq'), json_extract(j.value, '$.kind'), json_extract(j.value, '$.entityType'), json_extract(j.value, '$.entityId'),
        json_extract(j.value, '$.expected'), json_extract(j.value, '$.actual'), json_extract(j.value, '$.detail') FROM json_each(${rows}) j`,
    auditStatement(ctx, {
      actorUserId: input.actorUserId ?? null,
      action: "reconciliation.run",
      entityType: "reconciliation",
      entityId: runId,
      data: { businessDate: input.businessDate, trigger: input.trigger, ordersChecked: found.ordersChecked, differences: found.differenceCount },
    }),
  ];
  if (found.differenceCount > 0 && input.trigger === "cron") {
    const admins = await ctx.env.DB.prepare(
      `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin'
       JOIN user_admin_roles g ON g.user_id = u.id
       LEFT JOIN admin_role_permissions p ON p.admin_role = g.admin_role
       WHERE u.status = 'active' AND (g.admin_role = 'super_admin' OR p.permission = 'read:finance:any')`,
    ).all<{ id: string }>();
    if (admins.results.length)
      statements.push(
        noticeStatement(
          admins.results.map((a) => ({ userId: a.id, kind: "admin.reconciliation_differences", data: { date: input.businessDate, count: found.differenceCount }, link: `/admin/reconciliation?run=${runId}` })),
          now,
        ),
      );
  }
  await rawBatch(ctx, statements);
  return { runId, ...found };
}

/** The cron's part: once a day, after 02:00 Beijing time, yesterday's reconciliation (if it has not run). */
export async function runDueReconciliation(ctx: AppContext, now: number) {
  const today = businessDateOf(now);
  if (now < cutoffInstant(today, "02:00")) return null;
  const yesterday = addDays(today, -1);
  const done = await ctx.env.DB.prepare("SELECT 1 AS x FROM reconciliation_runs WHERE business_date = ? AND trigger = 'cron' LIMIT 1").bind(yesterday).first();
  if (done) return null;
  return runReconciliation(ctx, { businessDate: yesterday, trigger: "cron" }, now);
}

/** The admin page: the latest runs, one run's findings, and the ledger's balances by kind of account. */
export async function getReconciliationPage(ctx: AppContext, runId: string | null) {
  const [runs, balances] = await readBatch<
    [
      { id: string; business_date: string; trigger: string; orders_checked: number; transactions_checked: number; differences: number; created_at: number },
      { group_name: string; debit: number; credit: number; accounts: number },
    ]
  >(ctx, [
    sql`SELECT id, business_date, trigger, orders_checked, transactions_checked, differences, created_at FROM reconciliation_runs ORDER BY created_at DESC, id DESC LIMIT 30`,
    sql`SELECT CASE WHEN account LIKE 'merchant:%' THEN 'merchants' WHEN account LIKE 'leader:%' THEN 'leaders' ELSE account END AS group_name,
        coalesce(sum(debit_fen), 0) AS debit, coalesce(sum(credit_fen), 0) AS credit, count(DISTINCT account) AS accounts
      FROM ledger_entries GROUP BY group_name ORDER BY group_name`,
  ]);
  // A run asked for by id may be older than the latest 30; an unknown id selects nothing.
  const run = (runId ? (runs.find((r) => r.id === runId) ?? (await getRun(ctx, runId))) : runs[0]) ?? null;
  const differences = run ? await listDifferences(ctx, run.id) : [];
  const runOf = (r: { id: string; business_date: string; trigger: string; orders_checked: number; transactions_checked: number; differences: number; created_at: number }) => ({
    id: r.id,
    businessDate: r.business_date,
    trigger: r.trigger as "cron" | "admin",
    ordersChecked: Number(r.orders_checked),
    transactionsChecked: Number(r.transactions_checked),
    differences: Number(r.differences),
    createdAt: Number(r.created_at),
  });
  return {
    runs: runs.map(runOf),
    selectedRunId: run?.id ?? null,
    selectedRun: run ? runOf(run) : null,
    differences,
    balances: balances.map((b) => ({ group: b.group_name, debitFen: Number(b.debit), creditFen: Number(b.credit), balanceFen: Number(b.credit) - Number(b.debit), accounts: Number(b.accounts) })),
  };
}

export async function listDifferences(ctx: AppContext, runId: string, limit = MAX_DIFFERENCES) {
  const rows = await ctx.env.DB.prepare(
    "SELECT seq, kind, entity_type, entity_id, expected_fen, actual_fen, detail FROM reconciliation_differences WHERE run_id = ? ORDER BY seq LIMIT ?",
  )
    .bind(runId, limit)
    .all<{ seq: number; kind: DifferenceKind; entity_type: string; entity_id: string; expected_fen: number | null; actual_fen: number | null; detail: string | null }>();
  return rows.results.map((d) => ({
    seq: Number(d.seq),
    kind: d.kind,
    entityType: d.entity_type,
    entityId: d.entity_id,
    expectedFen: d.expected_fen === null ? null : Number(d.expected_fen),
    actualFen: d.actual_fen === null ? null : Number(d.actual_fen),
    detail: d.detail,
  }));
}

export async function getRun(ctx: AppContext, runId: string) {
  return ctx.env.DB.prepare("SELECT id, business_date, trigger, orders_checked, transactions_checked, differences, created_at FROM reconciliation_runs WHERE id = ?")
    .bind(runId)
    .first<{ id: string; business_date: string; trigger: string; orders_checked: number; transactions_checked: number; differences: number; created_at: number }>();
}
