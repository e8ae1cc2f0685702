import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "~/context.server";
import { abortWhen, isGuardAbort, rawBatch, readBatch, type BatchStatement } from "~/db/raw-batch.server";
import { decryptField, encryptField } from "~/lib/field-crypto.server";
import { newId } from "~/lib/ids";
import { formatFen } from "~/lib/format";
import { fail, ok, type Result } from "~/lib/result";
import { auditStatement } from "~/modules/audit/audit.server";
import { maskPayoutAccount, normalisePayoutAccount, type PayoutMethod } from "~/modules/leaders/withdrawal";
import { noticeStatement } from "~/modules/notifications/notify.server";
import { getSettings } from "~/modules/settings/settings.server";
import { withdrawalPayoutMessage } from "~/queues/messages";
import { ACCOUNTS, payoutPostings, type Account } from "./ledger";
import { getPayoutProvider } from "./payouts.server";
import { isDuplicateKey, transactionStatements } from "./settle.server";

/**
 * Withdrawals (issue 9): a leader or a merchant asks for part of their available balance; an admin
 * with `manage:payouts:any` approves (the payout is queued) or rejects; the settlement consumer
 * pays it through the payout provider and writes the `payout:<id>` ledger transaction (debit the
 * owner, credit `clearing:payouts`) in the same batch as the status `paid`.
 *
 * The balance is the ledger's: available = credits older than the frozen period − every debit
 * (fees, commission shares, clawbacks, payouts) − withdrawals still standing (requested or
 * approved, not yet paid). It is computed in SQL inside the request's batch, which aborts when the
 * request would take it below zero, so concurrent requests never withdraw more than there is.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
export const WITHDRAWALS_SHOWN = 20;

/** Where the requester sees their withdrawals. */
const withdrawalsPath = (type: "leader" | "merchant") => (type === "leader" ? "/leader/commission#withdrawals" : "/merchant/finance#withdrawals");

export type WithdrawalOwner = { type: "leader"; pointId: string; userId: string } | { type: "merchant"; merchantId: string };

export function ownerAccount(owner: WithdrawalOwner): Account {
  return owner.type === "leader" ? ACCOUNTS.leader(owner.userId) : ACCOUNTS.merchant(owner.merchantId);
}

/** The ledger account a stored withdrawal pays out of (a leader's is the requesting leader's). */
function withdrawalAccountSql(alias: string): SQL {
  return sql.raw(`(CASE ${alias}.account_type WHEN 'leader' THEN 'leader:' || ${alias}.requested_by ELSE 'merchant:' || ${alias}.account_id END)`);
}

function ownerWhere(owner: WithdrawalOwner): SQL {
  return owner.type === "leader"
    ? sql`w.account_type = 'leader' AND w.requested_by = ${owner.userId}`
    : sql`w.account_type = 'merchant' AND w.account_id = ${owner.merchantId}`;
}

/** Σ credits older than the frozen period − Σ debits, for one account. */
function withdrawableSql(account: Account, frozenSince: number): SQL {
  return sql`(SELECT coalesce(sum(CASE WHEN e.created_at <= ${frozenSince} THEN e.credit_fen ELSE 0 END), 0) - coalesce(sum(e.debit_fen), 0) FROM ledger_entries e WHERE e.account = ${account})`;
}
function standingSql(owner: WithdrawalOwner): SQL {
  return sql`(SELECT coalesce(sum(w.amount_fen), 0) FROM withdrawals w WHERE ${ownerWhere(owner)} AND w.status IN ('requested', 'approved'))`;
}

interface WithdrawalRow {
  id: string;
  amount_fen: number;
  method: PayoutMethod;
  payout_account_enc: string;
  status: string;
  reason: string | null;
  created_at: number;
  decided_at: number | null;
  paid_at: number | null;
}

/** A withdrawal as the pages show it: numbers as numbers, the payout account decrypted and masked. */
async function withdrawalView(ctx: AppContext, w: WithdrawalRow) {
  return {
    id: w.id,
    amountFen: Number(w.amount_fen),
    method: w.method,
    account: maskPayoutAccount(w.method, await decryptField(ctx.env, "payout_account", w.payout_account_enc)),
    status: w.status,
    reason: w.reason,
    createdAt: Number(w.created_at),
    decidedAt: w.decided_at === null ? null : Number(w.decided_at),
    paidAt: w.paid_at === null ? null : Number(w.paid_at),
  };
}

export interface Balance {
  /** Everything settled to the account: sales, fees and commission shares, clawbacks (credit − debit, payouts aside). */
  settledFen: number;
  /** Paid out through withdrawals. */
  paidOutFen: number;
  /** Settled within the frozen period: not withdrawable yet. */
  frozenFen: number;
  /** Requested or approved withdrawals not paid yet. */
  standingFen: number;
  availableFen: number;
  minWithdrawalFen: number;
  frozenDays: number;
}

/** The owner's balance from the ledger, and their latest withdrawals (accounts masked). */
export async function getBalance(ctx: AppContext, owner: WithdrawalOwner, now = Date.now()) {
  const s = await getSettings(ctx, ["withdrawal.min_fen", "withdrawal.frozen_days"]);
  const account = ownerAccount(owner);
  const frozenSince = now - s["withdrawal.frozen_days"] * DAY_MS;
  const [sums, standing, rows] = await readBatch<
    [{ settled: number; paid_out: number; frozen: number }, { fen: number }, { id: string; amount_fen: number; method: PayoutMethod; payout_account_enc: string; status: string; reason: string | null; created_at: number; decided_at: number | null; paid_at: number | null }]
  >(ctx, [
    sql`SELECT coalesce(sum(CASE WHEN kind <> 'payout' THEN credit_fen - debit_fen ELSE 0 END), 0) AS settled,
        coalesce(sum(CASE WHEN kind = 'payout' THEN debit_fen - credit_fen ELSE 0 END), 0) AS paid_out,
        coalesce(sum(CASE WHEN created_at > ${frozenSince} THEN credit_fen ELSE 0 END), 0) AS frozen
      FROM ledger_entries WHERE account = ${account}`,
    sql`SELECT ${standingSql(owner)} AS fen`,
    sql`SELECT w.id, w.amount_fen, w.method, w.payout_account_enc, w.status, w.reason, w.created_at, w.decided_at, w.paid_at FROM withdrawals w
      WHERE ${ownerWhere(owner)} ORDER BY w.created_at DESC, w.id DESC LIMIT ${WITHDRAWALS_SHOWN}`,
  ]);
  const settledFen = Number(sums[0]?.settled ?? 0);
  const paidOutFen = Number(sums[0]?.paid_out ?? 0);
  const frozenFen = Math.min(Number(sums[0]?.frozen ?? 0), Math.max(0, settledFen - paidOutFen));
  const standingFen = Number(standing[0]?.fen ?? 0);
  const balance: Balance = {
    settledFen,
    paidOutFen,
    frozenFen,
    standingFen,
    availableFen: Math.max(0, settledFen - paidOutFen - frozenFen - standingFen),
    minWithdrawalFen: s["withdrawal.min_fen"],
    frozenDays: s["withdrawal.frozen_days"],
  };
  const withdrawals = await Promise.all(rows.map((w) => withdrawalView(ctx, w)));
  return { balance, withdrawals };
}

export type WithdrawalError = "amount_below_min" | "amount_over_balance";


/**
 * A withdrawal request of `amountFen` from the owner's available balance, checked inside the same
 * D1 batch (one transaction) as the insert. The payout account is stored encrypted; an audit row
 * goes in the same batch.
 */
export async function requestWithdrawal(
  ctx: AppContext,
  owner: WithdrawalOwner,
  input: { userId: string; amountFen: number; method: PayoutMethod; account: string },
  now = Date.now(),
): Promise<Result<{ id: string }, WithdrawalError>> {
  const s = await getSettings(ctx, ["withdrawal.min_fen", "withdrawal.frozen_days"]);
  if (input.amountFen < s["withdrawal.min_fen"]) return fail("amount_below_min", "amount");
  const id = newId("wdr");
  const accountEnc = await encryptField(ctx.env, "payout_account", normalisePayoutAccount(input.method, input.account));
  const available = sql`(${withdrawableSql(ownerAccount(owner), now - s["withdrawal.frozen_days"] * DAY_MS)} - ${standingSql(owner)})`;
  const accountId = owner.type === "leader" ? owner.pointId : owner.merchantId;
  try {
    await rawBatch(ctx, [
      abortWhen(sql`${available} < ${input.amountFen}`, "withdrawal_over_balance"),
      sql`INSERT INTO withdrawals (id, account_type, account_id, requested_by, amount_fen, method, payout_account_enc, status, created_at, updated_at)
        VALUES (${id}, ${owner.type}, ${accountId}, ${input.userId}, ${input.amountFen}, ${input.method}, ${accountEnc}, 'requested', ${now}, ${now})`,
      auditStatement(ctx, {
        actorUserId: input.userId,
        action: "withdrawal.request",
        entityType: "withdrawal",
        entityId: id,
        data: { accountType: owner.type, accountId, amountFen: input.amountFen, method: input.method },
      }),
    ]);
  } catch (error) {
    if (isGuardAbort(error)) return fail("amount_over_balance", "amount");
    throw error;
  }
  return ok({ id });
}

export const WITHDRAWAL_TABS = ["requested", "approved", "paid", "failed", "rejected"] as const;
export type WithdrawalTab = (typeof WITHDRAWAL_TABS)[number];
export const ADMIN_WITHDRAWALS_PAGE = 50;

/** The admin queue: one status, oldest request first for the ones waiting, newest first otherwise; the owner named; accounts masked. */
export async function listWithdrawalsForAdmin(ctx: AppContext, status: WithdrawalTab) {
  const oldestFirst = status === "requested" || status === "approved";
  const [rows, counts] = await readBatch<
    [
      { id: string; account_type: "leader" | "merchant"; account_id: string; owner_name: string | null; requester: string | null; amount_fen: number; method: PayoutMethod; payout_account_enc: string; status: string; reason: string | null; created_at: number; decided_at: number | null; paid_at: number | null; payout_ref: string | null; balance: number },
      { status: string; n: number; fen: number },
    ]
  >(ctx, [
    sql`SELECT w.id, w.account_type, w.account_id, coalesce(p.name, m.name) AS owner_name, u.display_name AS requester, w.amount_fen, w.method, w.payout_account_enc,
        w.status, w.reason, w.created_at, w.decided_at, w.paid_at, w.payout_ref,
        (SELECT coalesce(sum(e.credit_fen - e.debit_fen), 0) FROM ledger_entries e WHERE e.account = ${withdrawalAccountSql("w")}) AS balance
      FROM withdrawals w
      LEFT JOIN pickup_points p ON w.account_type = 'leader' AND p.id = w.account_id
      LEFT JOIN merchants m ON w.account_type = 'merchant' AND m.id = w.account_id
      LEFT JOIN users u ON u.id = w.requested_by
      WHERE w.status = ${status} ORDER BY ${oldestFirst ? sql`w.created_at ASC, w.id ASC` : sql`w.created_at DESC, w.id DESC`} LIMIT ${ADMIN_WITHDRAWALS_PAGE}`,
    sql`SELECT status, count(*) AS n, coalesce(sum(amount_fen), 0) AS fen FROM withdrawals GROUP BY status`,
  ]);
  const items = await Promise.all(
    rows.map(async (w) => ({
      ...(await withdrawalView(ctx, w)),
      accountType: w.account_type,
      accountId: w.account_id,
      ownerName: w.owner_name ?? w.account_id,
      requester: w.requester,
      payoutRef: w.payout_ref,
      ledgerBalanceFen: Number(w.balance),
    })),
  );
  const totals = Object.fromEntries(WITHDRAWAL_TABS.map((t) => [t, { count: 0, fen: 0 }])) as Record<WithdrawalTab, { count: number; fen: number }>;
  for (const c of counts) if (c.status in totals) totals[c.status as WithdrawalTab] = { count: Number(c.n), fen: Number(c.fen) };
  return { items, totals };
}

export type DecisionError = "not_found" | "already_decided";

/**
 * An admin approves or rejects a requested withdrawal. The status change is guarded (only a
 * `requested` row moves), audited and, for a rejection, told to the requester, in one batch; an
 * approval then queues the payout (`withdrawal.payout`, key `payout:<id>`). Should the send fail,
 * the settlement cron re-queues approved withdrawals that have waited (`findStuckPayouts`).
 */
export async function decideWithdrawal(
  ctx: AppContext,
  input: { adminUserId: string; withdrawalId: string; decision: "approve" | "reject"; reason?: string },
  now = Date.now(),
): Promise<Result<{ status: "approved" | "rejected" }, DecisionError>> {
  const row = await ctx.env.DB.prepare("SELECT id, status, requested_by, amount_fen, account_type FROM withdrawals WHERE id = ?")
    .bind(input.withdrawalId)
    .first<{ id: string; status: string; requested_by: string; amount_fen: number; account_type: "leader" | "merchant" }>();
  if (!row) return fail("not_found", "withdrawalId");
  if (row.status !== "requested") return fail("already_decided", "withdrawalId");
  const to = input.decision === "approve" ? "approved" : "rejected";
  const statements: BatchStatement[] = [
    abortWhen(sql`(SELECT status FROM withdrawals WHERE id = ${row.id}) <> 'requested'`, "withdrawal_decided"),
    sql`UPDATE withdrawals SET status = ${to}, reason = ${input.decision === "reject" ? (input.reason ?? null) : null}, decided_by = ${input.adminUserId}, decided_at = ${now}, updated_at = ${now}
      WHERE id = ${row.id} AND status = 'requested'`,
    auditStatement(ctx, {
      actorUserId: input.adminUserId,
      action: input.decision === "approve" ? "withdrawal.approve" : "withdrawal.reject",
      entityType: "withdrawal",
      entityId: row.id,
      data: { amountFen: Number(row.amount_fen), ...(input.reason ? { reason: input.reason } : {}) },
    }),
  ];
  if (input.decision === "reject")
    statements.push(noticeStatement([{ userId: row.requested_by, kind: "money.withdrawal_rejected", data: { amount: formatFen(Number(row.amount_fen)), reason: input.reason ?? "" }, link: withdrawalsPath(row.account_type) }], now));
  try {
    await rawBatch(ctx, statements);
  } catch (error) {
    if (isGuardAbort(error)) return fail("already_decided", "withdrawalId");
    throw error;
  }
  if (input.decision === "approve") await ctx.env.SETTLEMENT_QUEUE.send(withdrawalPayoutMessage(row.id));
  return ok({ status: to });
}

export type PayoutOutcome = "paid" | "failed" | "duplicate" | "not_found" | "not_approved";

/**
 * The consumer's half of a payout: an approved withdrawal is sent to the payout provider (its id is
 * the provider's idempotency key); on success the ledger transaction, the status `paid` and the
 * requester's notice are written in one batch, guarded so that the balance still covers it; a
 * refusal marks the withdrawal `failed` with the reason (the money stays on the balance). A
 * transient provider error throws, and the queue retries.
 */
export async function applyWithdrawalPayout(ctx: AppContext, message: { key: string; withdrawalId: string }, now = Date.now()): Promise<PayoutOutcome> {
  const [rows, seen] = await readBatch<[{ id: string; account_type: "leader" | "merchant"; account_id: string; requested_by: string; amount_fen: number; method: PayoutMethod; payout_account_enc: string; status: string }, { n: number }]>(ctx, [
    sql`SELECT id, account_type, account_id, requested_by, amount_fen, method, payout_account_enc, status FROM withdrawals WHERE id = ${message.withdrawalId}`,
    sql`SELECT count(*) AS n FROM ledger_transactions WHERE key = ${message.key}`,
  ]);
  const w = rows[0];
  if (!w) return "not_found";
  if (Number(seen[0]?.n ?? 0) > 0 || w.status === "paid") return "duplicate";
  if (w.status !== "approved") return "not_approved";
  const amountFen = Number(w.amount_fen);
  const account: Account = w.account_type === "leader" ? ACCOUNTS.leader(w.requested_by) : ACCOUNTS.merchant(w.account_id);
  const balance = sql`(SELECT coalesce(sum(credit_fen - debit_fen), 0) FROM ledger_entries WHERE account = ${account})`;
  const failWith = async (reason: string) => {
    await rawBatch(ctx, [
      sql`UPDATE withdrawals SET status = 'failed', reason = ${reason}, updated_at = ${now} WHERE id = ${w.id} AND status = 'approved'`,
      auditStatement(ctx, { actorUserId: null, action: "withdrawal.fail", entityType: "withdrawal", entityId: w.id, data: { amountFen, reason } }),
      noticeStatement([{ userId: w.requested_by, kind: "money.withdrawal_failed", data: { amount: formatFen(amountFen), reason }, link: withdrawalsPath(w.account_type) }], now),
    ]);
    return "failed" as const;
  };
  // The balance may have shrunk since the request (a clawback after a refund): never pay into a negative balance.
  const covered = await ctx.env.DB.prepare(`SELECT coalesce(sum(credit_fen - debit_fen), 0) AS b FROM ledger_entries WHERE account = ?`).bind(account).first<{ b: number }>();
  if (Number(covered?.b ?? 0) < amountFen) return failWith("balance_short");

  const provider = getPayoutProvider(ctx.env);
  const result = await provider.transfer({
    requestId: w.id,
    amountFen,
    method: w.method,
    account: await decryptField(ctx.env, "payout_account", w.payout_account_enc),
  });
  if (result.status === "failed") return failWith(result.reason);

  try {
    await rawBatch(ctx, [
      abortWhen(sql`${balance} < ${amountFen} OR (SELECT status FROM withdrawals WHERE id = ${w.id}) <> 'approved'`, "payout_guard"),
      ...transactionStatements(ctx, { id: newId("ltx"), key: message.key, kind: "payout", withdrawalId: w.id, memo: `${provider.name} ${result.ref}` }, payoutPostings(account, amountFen), now),
      sql`UPDATE withdrawals SET status = 'paid', payout_ref = ${result.ref}, paid_at = ${now}, updated_at = ${now} WHERE id = ${w.id} AND status = 'approved'`,
      auditStatement(ctx, { actorUserId: null, action: "withdrawal.paid", entityType: "withdrawal", entityId: w.id, data: { amountFen, provider: provider.name, ref: result.ref } }),
      noticeStatement([{ userId: w.requested_by, kind: "money.withdrawal_paid", data: { amount: formatFen(amountFen) }, link: withdrawalsPath(w.account_type) }], now),
    ]);
  } catch (error) {
    if (isDuplicateKey(error)) return "duplicate";
    // The provider paid (idempotently, by the withdrawal id) but the books moved under us: retry; the
    // redelivery asks the provider again, which answers with the same transfer.
    throw error;
  }
  return "paid";
}

/** Approved withdrawals whose payout message may have been lost (approved over 10 minutes ago and still unpaid): the cron queues them again. */
export async function findStuckPayouts(ctx: AppContext, now: number): Promise<string[]> {
  const rows = await ctx.env.DB.prepare("SELECT id FROM withdrawals WHERE status = 'approved' AND decided_at <= ? ORDER BY decided_at LIMIT 500")
    .bind(now - 10 * 60 * 1000)
    .all<{ id: string }>();
  return rows.results.map((r) => r.id);
}
