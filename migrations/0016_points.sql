CREATE TABLE `points_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`points` integer NOT NULL,
	`key` text NOT NULL,
	`order_id` text,
	`multiplier_pct` integer,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	CHECK (`points` <> 0),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `points_entries_key_uq` ON `points_entries` (`key`);--> statement-breakpoint
CREATE INDEX `points_entries_user_idx` ON `points_entries` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `points_entries_order_idx` ON `points_entries` (`order_id`);--> statement-breakpoint
CREATE INDEX `points_entries_expiry_idx` ON `points_entries` (`expires_at`);--> statement-breakpoint
-- Points are a ledger too: a correction is a new entry, never an edit.
CREATE TRIGGER points_entries_no_update BEFORE UPDATE ON points_entries
BEGIN
  SELECT RAISE(ABORT, 'points_entries is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER points_entries_no_delete BEFORE DELETE ON points_entries
BEGIN
  SELECT RAISE(ABORT, 'points_entries is append-only');
END;
