ALTER TABLE `users` ADD `birthday` text;--> statement-breakpoint
ALTER TABLE `coupon_templates` ADD `claimable` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `user_coupons` ADD `source` text DEFAULT 'claim' NOT NULL;--> statement-breakpoint
ALTER TABLE `user_coupons` ADD `grant_key` text;--> statement-breakpoint
CREATE INDEX `user_coupons_template_user_idx` ON `user_coupons` (`template_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `user_coupons_expiry_idx` ON `user_coupons` (`status`,`valid_until`);--> statement-breakpoint
CREATE UNIQUE INDEX `user_coupons_grant_key_uq` ON `user_coupons` (`grant_key`);--> statement-breakpoint
-- Coupons issued so far, counted by the database itself: one per user_coupons row, whoever wrote it
-- (claim centre, segment issue, birthday job, share reward, seed).
UPDATE `coupon_templates` SET `issued_count` = (SELECT count(*) FROM `user_coupons` u WHERE u.`template_id` = `coupon_templates`.`id`);
--> statement-breakpoint
CREATE TRIGGER user_coupons_count_issued AFTER INSERT ON user_coupons
BEGIN
  UPDATE coupon_templates SET issued_count = issued_count + 1 WHERE id = NEW.template_id;
END;
--> statement-breakpoint
-- The total limit is exact: a coupon past it aborts its statement, whatever path tried to issue it.
CREATE TRIGGER user_coupons_total_limit BEFORE INSERT ON user_coupons
WHEN (SELECT t.total_limit IS NOT NULL AND t.issued_count >= t.total_limit FROM coupon_templates t WHERE t.id = NEW.template_id)
BEGIN
  SELECT RAISE(ABORT, 'coupon_sold_out');
END;
