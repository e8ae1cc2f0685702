CREATE TABLE `cart_items` (
	`user_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `sku_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sku_id`) REFERENCES `skus`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `favourites` (
	`user_id` text NOT NULL,
	`product_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `product_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `favourites_user_idx` ON `favourites` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `sku_price_history` (
	`sku_id` text NOT NULL,
	`price_fen` integer NOT NULL,
	`effective_at` integer NOT NULL,
	PRIMARY KEY(`sku_id`, `effective_at`),
	FOREIGN KEY (`sku_id`) REFERENCES `skus`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `user_pickup_points` (
	`user_id` text PRIMARY KEY NOT NULL,
	`pickup_point_id` text NOT NULL,
	`source` text DEFAULT 'chosen' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`pickup_point_id`) REFERENCES `pickup_points`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `user_pickup_points_point_idx` ON `user_pickup_points` (`pickup_point_id`);--> statement-breakpoint
CREATE INDEX `products_shelf_idx` ON `products` (`status`,`sold_count`);