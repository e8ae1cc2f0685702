import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The double-entry ledger (issue 9, ADR 019). Append-only: triggers in the migration refuse UPDATE
 * and DELETE. A transaction's `key` is deterministic per business event (`settle:<order>`,
 * `refund:<refund>`, `payout:<withdrawal>`), so a redelivered queue message that tries to write it
 * again fails the unique index and its whole D1 batch rolls back.
 */
export const LEDGER_KINDS = ["order.settle", "refund.settle", "payout"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const ledgerTransactions = sqliteTable(
  "ledger_transactions",
  {
    id: text("id").primaryKey(),
    key: text("key").notNull(),
    kind: text("kind", { enum: LEDGER_KINDS }).notNull(),
    orderId: text("order_id"),
    refundId: text("refund_id"),
    withdrawalId: text("withdrawal_id"),
    /** Free text shown in statements, e.g. "订单结算". */
    memo: text("memo"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("ledger_transactions_key_uq").on(t.key),
    index("ledger_transactions_order_idx").on(t.orderId, t.createdAt),
    index("ledger_transactions_created_idx").on(t.createdAt),
  ],
);

export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    transactionId: text("transaction_id")
      .notNull()
      .references(() => ledgerTransactions.id),
    seq: integer("seq").notNull(),
    /** `clearing:payments`, `clearing:payouts`, `platform:fees`, `merchant:<id>`, `leader:<userId>`. */
    account: text("account").notNull(),
    /** sale | fee | commission | payout (app/modules/settlement/ledger.ts POSTING_KINDS). */
    kind: text("kind", { enum: ["sale", "fee", "commission", "subsidy", "payout"] }).notNull(),
    debitFen: integer("debit_fen").notNull(),
    creditFen: integer("credit_fen").notNull(),
    /** Copied from the transaction, so per-order and per-account statements need no join. */
    orderId: text("order_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.transactionId, t.seq] }),
    index("ledger_entries_account_idx").on(t.account, t.createdAt),
    index("ledger_entries_order_idx").on(t.orderId, t.account),
  ],
);

/** One run of the daily reconciliation (one per Asia/Shanghai date; a rerun replaces nothing, it adds a run). */
export const reconciliationRuns = sqliteTable(
  "reconciliation_runs",
  {
    id: text("id").primaryKey(),
    /** The Asia/Shanghai business date the run covers (orders settled up to its end). */
    businessDate: text("business_date").notNull(),
    trigger: text("trigger", { enum: ["cron", "admin"] }).notNull(),
    ordersChecked: integer("orders_checked").notNull(),
    transactionsChecked: integer("transactions_checked").notNull(),
    differences: integer("differences").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("reconciliation_runs_date_idx").on(t.businessDate, t.createdAt)],
);

export const reconciliationDifferences = sqliteTable(
  "reconciliation_differences",
  {
    runId: text("run_id")
      .notNull()
      .references(() => reconciliationRuns.id),
    seq: integer("seq").notNull(),
    kind: text("kind").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id").notNull(),
    expectedFen: integer("expected_fen"),
    actualFen: integer("actual_fen"),
    detail: text("detail"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);
