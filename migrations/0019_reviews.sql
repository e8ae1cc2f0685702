CREATE TABLE `product_review_stats` (
	`product_id` text PRIMARY KEY NOT NULL,
	`stars_1` integer DEFAULT 0 NOT NULL,
	`stars_2` integer DEFAULT 0 NOT NULL,
	`stars_3` integer DEFAULT 0 NOT NULL,
	`stars_4` integer DEFAULT 0 NOT NULL,
	`stars_5` integer DEFAULT 0 NOT NULL,
	`with_photos` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`order_line_id` text NOT NULL,
	`user_id` text NOT NULL,
	`product_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`spec` text NOT NULL,
	`rating` integer NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`photos` text DEFAULT '[]' NOT NULL,
	`photo_count` integer GENERATED ALWAYS AS (json_array_length(photos)) VIRTUAL NOT NULL,
	`rank` integer GENERATED ALWAYS AS (CASE WHEN rating >= 4 THEN 1 + (json_array_length(photos) > 0) ELSE 0 END) VIRTUAL NOT NULL,
	`status` text DEFAULT 'visible' NOT NULL,
	`hidden_reason` text,
	`hidden_by` text,
	`hidden_at` integer,
	`reply` text,
	`replied_by` text,
	`replied_at` integer,
	`idempotency_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_line_id`) REFERENCES `order_lines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "reviews_rating_ck" CHECK(rating BETWEEN 1 AND 5),
	CONSTRAINT "reviews_body_ck" CHECK(length(body) <= 500),
	CONSTRAINT "reviews_photos_ck" CHECK(json_valid(photos) AND json_type(photos) = 'array' AND json_array_length(photos) <= 3),
	CONSTRAINT "reviews_reply_ck" CHECK(reply IS NULL OR length(reply) <= 500),
	CONSTRAINT "reviews_status_ck" CHECK(status IN ('visible', 'hidden') AND (status = 'hidden') = (hidden_at IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reviews_line_uq` ON `reviews` (`order_line_id`);--> statement-breakpoint
CREATE INDEX `reviews_product_idx` ON `reviews` (`product_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `reviews_product_rank_idx` ON `reviews` (`product_id`,`status`,`rank`,`created_at`);--> statement-breakpoint
CREATE INDEX `reviews_merchant_idx` ON `reviews` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reviews_status_idx` ON `reviews` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `reviews_order_idx` ON `reviews` (`order_id`);--> statement-breakpoint
-- hand-written below
-- A review is final once written: what it says, its stars and photos, and whose line it reviews never
-- change (its points were earned once, and the aggregates below rely on it). Status, reply and the
-- hiding details may change.
CREATE TRIGGER reviews_final BEFORE UPDATE OF rating, body, photos, product_id, order_line_id, order_id, user_id ON reviews
WHEN NEW.rating IS NOT OLD.rating OR NEW.body IS NOT OLD.body OR NEW.photos IS NOT OLD.photos OR NEW.product_id IS NOT OLD.product_id
  OR NEW.order_line_id IS NOT OLD.order_line_id OR NEW.order_id IS NOT OLD.order_id OR NEW.user_id IS NOT OLD.user_id
BEGIN
  SELECT RAISE(ABORT, 'review_is_final');
END;
--> statement-breakpoint
-- product_review_stats counts the visible reviews of each product, per star and with photos.
CREATE TRIGGER reviews_stats_insert AFTER INSERT ON reviews
WHEN NEW.status = 'visible'
BEGIN
  INSERT OR IGNORE INTO product_review_stats (product_id) VALUES (NEW.product_id);
  UPDATE product_review_stats SET
    stars_1 = stars_1 + (NEW.rating = 1), stars_2 = stars_2 + (NEW.rating = 2), stars_3 = stars_3 + (NEW.rating = 3),
    stars_4 = stars_4 + (NEW.rating = 4), stars_5 = stars_5 + (NEW.rating = 5),
    with_photos = with_photos + (json_array_length(NEW.photos) > 0)
  WHERE product_id = NEW.product_id;
END;
--> statement-breakpoint
CREATE TRIGGER reviews_stats_status AFTER UPDATE OF status ON reviews
WHEN NEW.status IS NOT OLD.status
BEGIN
  INSERT OR IGNORE INTO product_review_stats (product_id) VALUES (NEW.product_id);
  UPDATE product_review_stats SET
    stars_1 = stars_1 + (NEW.rating = 1) * (CASE NEW.status WHEN 'visible' THEN 1 ELSE -1 END),
    stars_2 = stars_2 + (NEW.rating = 2) * (CASE NEW.status WHEN 'visible' THEN 1 ELSE -1 END),
    stars_3 = stars_3 + (NEW.rating = 3) * (CASE NEW.status WHEN 'visible' THEN 1 ELSE -1 END),
    stars_4 = stars_4 + (NEW.rating = 4) * (CASE NEW.status WHEN 'visible' THEN 1 ELSE -1 END),
    stars_5 = stars_5 + (NEW.rating = 5) * (CASE NEW.status WHEN 'visible' THEN 1 ELSE -1 END),
    with_photos = with_photos + (json_array_length(NEW.photos) > 0) * (CASE NEW.status WHEN 'visible' THEN 1 ELSE -1 END)
  WHERE product_id = NEW.product_id;
END;
--> statement-breakpoint
CREATE TRIGGER reviews_stats_delete AFTER DELETE ON reviews
WHEN OLD.status = 'visible'
BEGIN
  UPDATE product_review_stats SET
    stars_1 = stars_1 - (OLD.rating = 1), stars_2 = stars_2 - (OLD.rating = 2), stars_3 = stars_3 - (OLD.rating = 3),
    stars_4 = stars_4 - (OLD.rating = 4), stars_5 = stars_5 - (OLD.rating = 5),
    with_photos = with_photos - (json_array_length(OLD.photos) > 0)
  WHERE product_id = OLD.product_id;
END;
--> statement-breakpoint
-- The reviewer sub-role moderates reviews (hide / unhide with a reason).
INSERT INTO admin_role_permissions (admin_role, permission, granted_by, created_at) VALUES
  ('reviewer', 'moderate:review:any', NULL, 0);
