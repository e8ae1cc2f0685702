CREATE TABLE `ledger_entries` (
	`transaction_id` text NOT NULL,
	`seq` integer NOT NULL,
	`account` text NOT NULL,
	`kind` text NOT NULL,
	`debit_fen` integer NOT NULL,
	`credit_fen` integer NOT NULL,
	`order_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`transaction_id`, `seq`),
	CHECK (`debit_fen` >= 0 AND `credit_fen` >= 0 AND ((`debit_fen` = 0) <> (`credit_fen` = 0))),
	FOREIGN KEY (`transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ledger_entries_account_idx` ON `ledger_entries` (`account`,`created_at`);--> statement-breakpoint
CREATE INDEX `ledger_entries_order_idx` ON `ledger_entries` (`order_id`,`account`);--> statement-breakpoint
CREATE TABLE `ledger_transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`order_id` text,
	`refund_id` text,
	`withdrawal_id` text,
	`memo` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transactions_key_uq` ON `ledger_transactions` (`key`);--> statement-breakpoint
CREATE INDEX `ledger_transactions_order_idx` ON `ledger_transactions` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `ledger_transactions_created_idx` ON `ledger_transactions` (`created_at`);--> statement-breakpoint
CREATE TABLE `reconciliation_differences` (
	`run_id` text NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`expected_fen` integer,
	`actual_fen` integer,
	`detail` text,
	PRIMARY KEY(`run_id`, `seq`),
	FOREIGN KEY (`run_id`) REFERENCES `reconciliation_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reconciliation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`business_date` text NOT NULL,
	`trigger` text NOT NULL,
	`orders_checked` integer NOT NULL,
	`transactions_checked` integer NOT NULL,
	`differences` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reconciliation_runs_date_idx` ON `reconciliation_runs` (`business_date`,`created_at`);--> statement-breakpoint
ALTER TABLE `orders` ADD `settled_at` integer;--> statement-breakpoint
CREATE INDEX `orders_unsettled_idx` ON `orders` (`status`,`picked_up_at`) WHERE settled_at IS NULL AND status IN ('picked_up', 'completed', 'refunded');--> statement-breakpoint
ALTER TABLE `withdrawals` ADD `payout_ref` text;--> statement-breakpoint
ALTER TABLE `withdrawals` ADD `paid_at` integer;
--> statement-breakpoint
-- The ledger is append-only: a correction is a new transaction, never an edit.
CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
BEGIN
  SELECT RAISE(ABORT, 'ledger_transactions is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
BEGIN
  SELECT RAISE(ABORT, 'ledger_transactions is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;
--> statement-breakpoint
-- The finance sub-role reads the ledger, reconciliation and dead letters, and decides withdrawals.
INSERT INTO admin_role_permissions (admin_role, permission, granted_by, created_at) VALUES
  ('finance', 'read:finance:any', NULL, 0),
  ('finance', 'manage:payouts:any', NULL, 0);
