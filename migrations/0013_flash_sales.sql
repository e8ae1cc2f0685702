CREATE TABLE `flash_sale_reminders` (
	`sale_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	PRIMARY KEY(`sale_id`, `user_id`),
	FOREIGN KEY (`sale_id`) REFERENCES `flash_sales`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `flash_sale_reminders_due_idx` ON `flash_sale_reminders` (`sent_at`,`sale_id`);--> statement-breakpoint
CREATE TABLE `flash_sales` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`product_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`flash_price_fen` integer NOT NULL,
	`stock` integer NOT NULL,
	`per_user_limit` integer NOT NULL,
	`payment_timeout_seconds` integer NOT NULL,
	`early_access_minutes` text DEFAULT '{}' NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`status` text NOT NULL,
	`review_note` text,
	`reviewed_by` text,
	`reviewed_at` integer,
	`reconciled_at` integer,
	`reconciliation` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `flash_sales_merchant_idx` ON `flash_sales` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `flash_sales_status_window_idx` ON `flash_sales` (`status`,`ends_at`,`starts_at`);--> statement-breakpoint
CREATE INDEX `flash_sales_product_idx` ON `flash_sales` (`product_id`,`status`);--> statement-breakpoint
ALTER TABLE `orders` ADD `flash_sale_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `flash_reservation_id` text;--> statement-breakpoint
-- One order per flash reservation: a replayed reservation finds its order, never makes a second.
CREATE UNIQUE INDEX `orders_flash_reservation_uq` ON `orders` (`flash_reservation_id`) WHERE `flash_reservation_id` IS NOT NULL;--> statement-breakpoint
CREATE INDEX `orders_flash_sale_idx` ON `orders` (`flash_sale_id`, `status`) WHERE `flash_sale_id` IS NOT NULL;
