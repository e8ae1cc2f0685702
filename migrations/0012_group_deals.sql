CREATE TABLE `group_deal_campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`product_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`tiers` text NOT NULL,
	`duration_minutes` integer NOT NULL,
	`per_user_limit` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`leader_only` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`review_note` text,
	`reviewed_by` text,
	`reviewed_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `group_deal_campaigns_merchant_idx` ON `group_deal_campaigns` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `group_deal_campaigns_status_idx` ON `group_deal_campaigns` (`status`,`ends_at`);--> statement-breakpoint
CREATE INDEX `group_deal_campaigns_product_idx` ON `group_deal_campaigns` (`product_id`,`status`);--> statement-breakpoint
CREATE TABLE `group_deal_members` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`user_id` text NOT NULL,
	`order_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`status` text NOT NULL,
	`invited_by` text,
	`joined_at` integer NOT NULL,
	`paid_at` integer,
	`left_at` integer,
	FOREIGN KEY (`group_id`) REFERENCES `group_deals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `group_deal_members_live_uq` ON `group_deal_members` (`group_id`,`user_id`) WHERE status <> 'left';--> statement-breakpoint
CREATE UNIQUE INDEX `group_deal_members_order_uq` ON `group_deal_members` (`order_id`);--> statement-breakpoint
CREATE INDEX `group_deal_members_group_idx` ON `group_deal_members` (`group_id`,`joined_at`);--> statement-breakpoint
CREATE INDEX `group_deal_members_user_idx` ON `group_deal_members` (`user_id`,`joined_at`);--> statement-breakpoint
CREATE INDEX `group_deal_members_campaign_user_idx` ON `group_deal_members` (`campaign_id`,`user_id`,`status`);--> statement-breakpoint
CREATE TABLE `group_deals` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`product_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`starter_user_id` text NOT NULL,
	`pickup_point_id` text NOT NULL,
	`leader_only` integer DEFAULT false NOT NULL,
	`tiers` text NOT NULL,
	`capacity` integer NOT NULL,
	`status` text NOT NULL,
	`deadline_at` integer NOT NULL,
	`paid_count` integer DEFAULT 0 NOT NULL,
	`reached_size` integer,
	`final_unit_price_fen` integer,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `group_deal_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`starter_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `group_deals_campaign_idx` ON `group_deals` (`campaign_id`,`status`,`deadline_at`);--> statement-breakpoint
CREATE INDEX `group_deals_status_deadline_idx` ON `group_deals` (`status`,`deadline_at`);--> statement-breakpoint
CREATE INDEX `group_deals_product_idx` ON `group_deals` (`product_id`,`status`,`deadline_at`);--> statement-breakpoint
CREATE INDEX `group_deals_merchant_idx` ON `group_deals` (`merchant_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `orders` ADD `group_deal_id` text;--> statement-breakpoint
-- A member joins only an open group, and never takes a user past the campaign's per-user limit
-- (units across the user's live groups of the campaign). Either aborts the whole join batch.
CREATE TRIGGER `group_deal_members_join_guard` BEFORE INSERT ON `group_deal_members`
BEGIN
  SELECT RAISE(ABORT, 'group_not_open')
    WHERE (SELECT status FROM group_deals WHERE id = NEW.group_id) IS NOT 'open';
  SELECT RAISE(ABORT, 'group_user_limit')
    WHERE NEW.quantity + (SELECT coalesce(sum(m.quantity), 0) FROM group_deal_members m
      JOIN group_deals g ON g.id = m.group_id
      WHERE m.campaign_id = NEW.campaign_id AND m.user_id = NEW.user_id AND m.status <> 'left' AND g.status <> 'failed')
    > (SELECT per_user_limit FROM group_deal_campaigns WHERE id = NEW.campaign_id);
END;--> statement-breakpoint
CREATE INDEX `orders_group_deal_idx` ON `orders` (`group_deal_id`) WHERE `group_deal_id` IS NOT NULL;
--> statement-breakpoint
-- A payment counts towards a group only while it is open and below its capacity: otherwise the
-- payment's batch aborts and the money is refunded as a late payment (payments.server.ts).
CREATE TRIGGER `group_deals_paid_guard` BEFORE UPDATE OF `paid_count` ON `group_deals`
WHEN NEW.paid_count > OLD.paid_count AND (OLD.status <> 'open' OR NEW.paid_count > OLD.capacity)
BEGIN
  SELECT RAISE(ABORT, 'group_not_open');
END;
