CREATE TABLE `share_codes` (
	`user_id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `share_codes_code_uq` ON `share_codes` (`code`);--> statement-breakpoint
CREATE TABLE `share_conversions` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`sharer_user_id` text NOT NULL,
	`buyer_user_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`reward_key` text NOT NULL,
	`reward_kind` text,
	`points` integer,
	`user_coupon_id` text,
	`coupon_fallback` integer DEFAULT false NOT NULL,
	`day` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`sharer_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buyer_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "share_conversions_status_ck" CHECK((status = 'refused' AND reason IS NOT NULL AND reward_kind IS NULL) OR (status = 'rewarded' AND reason IS NULL AND reward_kind IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `share_conversions_order_uq` ON `share_conversions` (`order_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `share_conversions_reward_uq` ON `share_conversions` (`reward_key`) WHERE status = 'rewarded';--> statement-breakpoint
CREATE INDEX `share_conversions_sharer_idx` ON `share_conversions` (`sharer_user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `share_conversions_sharer_day_idx` ON `share_conversions` (`sharer_user_id`,`day`,`status`);--> statement-breakpoint
CREATE TABLE `share_links` (
	`user_id` text NOT NULL,
	`path` text NOT NULL,
	`visits` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`last_visit_at` integer,
	PRIMARY KEY(`user_id`, `path`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `share_links_user_idx` ON `share_links` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `user_devices` (
	`device_hash` text NOT NULL,
	`user_id` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`device_hash`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_devices_user_idx` ON `user_devices` (`user_id`);--> statement-breakpoint
ALTER TABLE `orders` ADD `sharer_user_id` text;--> statement-breakpoint
CREATE INDEX `orders_sharer_idx` ON `orders` (`sharer_user_id`,`created_at`);--> statement-breakpoint
-- hand-written below
-- A conversion is a record of what was decided at pickup: who, which order, rewarded or refused and
-- why never change afterwards (only the reward's details are filled in within the same batch).
CREATE TRIGGER share_conversions_fixed BEFORE UPDATE OF id, order_id, sharer_user_id, buyer_user_id, status, reason, reward_key, day, created_at ON share_conversions
BEGIN
  SELECT RAISE(ABORT, 'share_conversions_fixed');
END;
--> statement-breakpoint
CREATE TRIGGER share_conversions_no_delete BEFORE DELETE ON share_conversions
BEGIN
  SELECT RAISE(ABORT, 'share_conversions_fixed');
END;
