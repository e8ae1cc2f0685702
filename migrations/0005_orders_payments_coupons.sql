CREATE TABLE `coupon_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`funding` text NOT NULL,
	`merchant_id` text,
	`kind` text NOT NULL,
	`amount_fen` integer,
	`threshold_fen` integer,
	`discount_bp` integer,
	`max_discount_fen` integer,
	`category_ids` text,
	`product_ids` text,
	`valid_days` integer,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`total_limit` integer,
	`per_user_limit` integer DEFAULT 1 NOT NULL,
	`issued_count` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `coupon_templates_status_idx` ON `coupon_templates` (`status`,`ends_at`);--> statement-breakpoint
CREATE TABLE `full_reductions` (
	`id` text PRIMARY KEY NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`funding` text NOT NULL,
	`merchant_id` text,
	`tiers` text NOT NULL,
	`category_ids` text,
	`product_ids` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `full_reductions_window_idx` ON `full_reductions` (`status`,`ends_at`);--> statement-breakpoint
CREATE TABLE `limited_time_discounts` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`discount_bp` integer,
	`unit_price_fen` integer,
	`product_ids` text,
	`sku_ids` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `limited_time_discounts_merchant_idx` ON `limited_time_discounts` (`merchant_id`,`status`,`ends_at`);--> statement-breakpoint
CREATE TABLE `user_coupons` (
	`id` text PRIMARY KEY NOT NULL,
	`template_id` text NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`order_id` text,
	`valid_from` integer NOT NULL,
	`valid_until` integer NOT NULL,
	`claimed_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`template_id`) REFERENCES `coupon_templates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_coupons_user_idx` ON `user_coupons` (`user_id`,`status`,`valid_until`);--> statement-breakpoint
CREATE INDEX `user_coupons_order_idx` ON `user_coupons` (`order_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`route` text NOT NULL,
	`request_hash` text NOT NULL,
	`status_code` integer,
	`response` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `order_events` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`event` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `order_events_order_idx` ON `order_events` (`order_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`product_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`category_id` text NOT NULL,
	`title` text NOT NULL,
	`spec` text NOT NULL,
	`image_key` text,
	`quantity` integer NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`base_fen` integer NOT NULL,
	`discount_fen` integer NOT NULL,
	`payable_fen` integer NOT NULL,
	`refunded_fen` integer DEFAULT 0 NOT NULL,
	`refunded_qty` integer DEFAULT 0 NOT NULL,
	`picked_up_qty` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `order_lines_order_idx` ON `order_lines` (`order_id`);--> statement-breakpoint
CREATE INDEX `order_lines_merchant_idx` ON `order_lines` (`merchant_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `order_lines_sku_idx` ON `order_lines` (`sku_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`pickup_point_id` text NOT NULL,
	`status` text NOT NULL,
	`goods_fen` integer NOT NULL,
	`discount_fen` integer NOT NULL,
	`payable_fen` integer NOT NULL,
	`paid_fen` integer DEFAULT 0 NOT NULL,
	`refunded_fen` integer DEFAULT 0 NOT NULL,
	`user_coupon_id` text,
	`pricing` text NOT NULL,
	`pricing_version` integer NOT NULL,
	`rates` text NOT NULL,
	`pickup_code_enc` text NOT NULL,
	`pickup_code_hash` text NOT NULL,
	`note` text,
	`idempotency_key` text,
	`pay_by` integer NOT NULL,
	`paid_at` integer,
	`cancelled_at` integer,
	`cancel_reason` text,
	`picked_up_at` integer,
	`completed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pickup_point_id`) REFERENCES `pickup_points`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `orders_user_idx` ON `orders` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_point_status_idx` ON `orders` (`pickup_point_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_status_pay_by_idx` ON `orders` (`status`,`pay_by`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_pickup_code_uq` ON `orders` (`pickup_point_id`,`pickup_code_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_idempotency_uq` ON `orders` (`user_id`,`idempotency_key`);--> statement-breakpoint
CREATE TABLE `payment_notifications` (
	`dedupe_key` text PRIMARY KEY NOT NULL,
	`payment_id` text NOT NULL,
	`provider` text NOT NULL,
	`status` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`outcome` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `payment_notifications_payment_idx` ON `payment_notifications` (`payment_id`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`provider` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`status` text NOT NULL,
	`provider_trade_no` text,
	`created_at` integer NOT NULL,
	`succeeded_at` integer,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `payments_order_idx` ON `payments` (`order_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_trade_no_uq` ON `payments` (`provider`,`provider_trade_no`);--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`payment_id` text,
	`kind` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`reason` text NOT NULL,
	`note` text,
	`photos` text,
	`lines` text NOT NULL,
	`status` text NOT NULL,
	`return_status` text,
	`provider_refund_no` text,
	`decided_by` text,
	`decided_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `refunds_order_idx` ON `refunds` (`order_id`);--> statement-breakpoint
CREATE INDEX `refunds_status_idx` ON `refunds` (`status`,`created_at`);