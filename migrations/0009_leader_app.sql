CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`link` text,
	`read_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`user_id`,`read_at`);--> statement-breakpoint
CREATE TABLE `pickup_handovers` (
	`id` text PRIMARY KEY NOT NULL,
	`client_ref` text NOT NULL,
	`order_id` text NOT NULL,
	`pickup_point_id` text NOT NULL,
	`leader_user_id` text NOT NULL,
	`lines` text NOT NULL,
	`offline` integer DEFAULT false NOT NULL,
	`handed_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pickup_point_id`) REFERENCES `pickup_points`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`leader_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pickup_handovers_client_ref_uq` ON `pickup_handovers` (`client_ref`);--> statement-breakpoint
CREATE INDEX `pickup_handovers_order_idx` ON `pickup_handovers` (`order_id`);--> statement-breakpoint
CREATE INDEX `pickup_handovers_point_idx` ON `pickup_handovers` (`pickup_point_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `push_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`endpoint` text NOT NULL,
	`p256dh` text NOT NULL,
	`auth` text NOT NULL,
	`user_agent` text,
	`failures` integer DEFAULT 0 NOT NULL,
	`last_sent_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `push_subscriptions_endpoint_uq` ON `push_subscriptions` (`endpoint`);--> statement-breakpoint
CREATE INDEX `push_subscriptions_user_idx` ON `push_subscriptions` (`user_id`);--> statement-breakpoint
CREATE TABLE `withdrawals` (
	`id` text PRIMARY KEY NOT NULL,
	`account_type` text NOT NULL,
	`account_id` text NOT NULL,
	`requested_by` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`method` text NOT NULL,
	`payout_account_enc` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`decided_by` text,
	`decided_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `withdrawals_account_idx` ON `withdrawals` (`account_type`,`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `withdrawals_status_idx` ON `withdrawals` (`status`,`created_at`);--> statement-breakpoint
ALTER TABLE `pickup_points` ADD `invite_code` text;--> statement-breakpoint
ALTER TABLE `pickup_points` ADD `photo_key` text;--> statement-breakpoint
ALTER TABLE `pickup_points` ADD `reviewed_by` text;--> statement-breakpoint
ALTER TABLE `pickup_points` ADD `reviewed_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `pickup_points_invite_code_uq` ON `pickup_points` (`invite_code`);--> statement-breakpoint
ALTER TABLE `orders` ADD `uncollected_at` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `referral_point_id` text;--> statement-breakpoint
CREATE INDEX `orders_referral_idx` ON `orders` (`referral_point_id`,`created_at`);--> statement-breakpoint
-- Existing pickup points get an invite code (8 hex characters; new ones get 8 Crockford base32).
UPDATE `pickup_points` SET `invite_code` = upper(hex(randomblob(4))) WHERE `invite_code` IS NULL;
