CREATE TABLE `cutoff_runs` (
	`delivery_date` text PRIMARY KEY NOT NULL,
	`cutoff_at` integer NOT NULL,
	`trigger` text NOT NULL,
	`triggered_by` text,
	`batches` integer NOT NULL,
	`orders` integer NOT NULL,
	`finished_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `delivery_batch_items` (
	`batch_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`product_id` text NOT NULL,
	`title` text NOT NULL,
	`spec` text NOT NULL,
	`expected_qty` integer NOT NULL,
	`received_qty` integer,
	`shortage_note` text,
	`shortage_photo_key` text,
	PRIMARY KEY(`batch_id`, `sku_id`),
	FOREIGN KEY (`batch_id`) REFERENCES `delivery_batches`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `delivery_batch_lines` (
	`order_line_id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`order_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`shortage_qty` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `delivery_batches`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `delivery_batch_lines_batch_idx` ON `delivery_batch_lines` (`batch_id`,`sku_id`);--> statement-breakpoint
CREATE INDEX `delivery_batch_lines_order_idx` ON `delivery_batch_lines` (`order_id`);--> statement-breakpoint
CREATE TABLE `delivery_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`pickup_point_id` text NOT NULL,
	`delivery_date` text NOT NULL,
	`status` text NOT NULL,
	`cutoff_at` integer NOT NULL,
	`shipped_at` integer,
	`shipped_by` text,
	`arrived_at` integer,
	`arrived_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pickup_point_id`) REFERENCES `pickup_points`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_batches_uq` ON `delivery_batches` (`merchant_id`,`pickup_point_id`,`delivery_date`);--> statement-breakpoint
CREATE INDEX `delivery_batches_merchant_idx` ON `delivery_batches` (`merchant_id`,`delivery_date`);--> statement-breakpoint
CREATE INDEX `delivery_batches_point_idx` ON `delivery_batches` (`pickup_point_id`,`delivery_date`);--> statement-breakpoint
CREATE TABLE `merchant_categories` (
	`merchant_id` text NOT NULL,
	`category_id` text NOT NULL,
	PRIMARY KEY(`merchant_id`, `category_id`),
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `merchant_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`note` text,
	`invited_by` text NOT NULL,
	`expires_at` integer NOT NULL,
	`accepted_by` text,
	`accepted_at` integer,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invited_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `merchant_invitations_token_uq` ON `merchant_invitations` (`token_hash`);--> statement-breakpoint
CREATE INDEX `merchant_invitations_merchant_idx` ON `merchant_invitations` (`merchant_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `product_images` ADD `variants` text;--> statement-breakpoint
ALTER TABLE `products` ADD `submitted_at` integer;--> statement-breakpoint
ALTER TABLE `products` ADD `reviewed_by` text;--> statement-breakpoint
ALTER TABLE `products` ADD `reviewed_at` integer;