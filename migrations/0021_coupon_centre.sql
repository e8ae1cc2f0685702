CREATE TABLE `coupon_job_days` (
	`job` text NOT NULL,
	`business_date` text NOT NULL,
	`done_at` integer NOT NULL,
	PRIMARY KEY(`job`, `business_date`)
);
--> statement-breakpoint
ALTER TABLE `user_coupons` ADD `expiry_noticed_at` integer;--> statement-breakpoint
CREATE INDEX `users_birthday_idx` ON `users` (`birthday`);--> statement-breakpoint
-- hand-written below
-- Coupon templates, segment issues and their pause/end are an operations job (ADR 021).
INSERT INTO admin_role_permissions (admin_role, permission, granted_by, created_at) VALUES
  ('operations', 'manage:coupons:any', NULL, 0);
--> statement-breakpoint
-- A birthday is "MM-DD" of a real calendar day (02-29 allowed: 2000 was a leap year), or NULL.
CREATE TRIGGER users_birthday_valid_insert BEFORE INSERT ON users
WHEN NEW.birthday IS NOT NULL AND (NEW.birthday NOT GLOB '[01][0-9]-[0-3][0-9]' OR date('2000-' || NEW.birthday, '+0 days') IS NOT '2000-' || NEW.birthday)
BEGIN
  SELECT RAISE(ABORT, 'birthday_invalid');
END;
--> statement-breakpoint
CREATE TRIGGER users_birthday_valid_update BEFORE UPDATE OF birthday ON users
WHEN NEW.birthday IS NOT NULL AND (NEW.birthday NOT GLOB '[01][0-9]-[0-3][0-9]' OR date('2000-' || NEW.birthday, '+0 days') IS NOT '2000-' || NEW.birthday)
BEGIN
  SELECT RAISE(ABORT, 'birthday_invalid');
END;
