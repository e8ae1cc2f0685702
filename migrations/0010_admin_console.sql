CREATE TABLE `admin_role_permissions` (
	`admin_role` text NOT NULL,
	`permission` text NOT NULL,
	`granted_by` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`admin_role`, `permission`)
);
--> statement-breakpoint
CREATE TABLE `setting_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`old_value` text,
	`new_value` text NOT NULL,
	`version` integer NOT NULL,
	`changed_by` text,
	`reason` text,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `setting_changes_key_idx` ON `setting_changes` (`key`,`changed_at`);--> statement-breakpoint
CREATE INDEX `setting_changes_at_idx` ON `setting_changes` (`changed_at`);--> statement-breakpoint
CREATE TABLE `user_admin_roles` (
	`user_id` text NOT NULL,
	`admin_role` text NOT NULL,
	`granted_by` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `admin_role`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_admin_roles_role_idx` ON `user_admin_roles` (`admin_role`);--> statement-breakpoint
CREATE TABLE `analytics_daily_funnel` (
	`day` text PRIMARY KEY NOT NULL,
	`visitors` integer NOT NULL,
	`product_viewers` integer NOT NULL,
	`cart_visitors` integer NOT NULL,
	`checkout_visitors` integer NOT NULL,
	`payers` integer NOT NULL,
	`buyers` integer NOT NULL,
	`new_buyers` integer NOT NULL,
	`returning_buyers` integer NOT NULL,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `analytics_daily_sales` (
	`day` text NOT NULL,
	`dimension` text NOT NULL,
	`dimension_id` text NOT NULL,
	`orders` integer NOT NULL,
	`gmv_fen` integer NOT NULL,
	`items` integer NOT NULL,
	`buyers` integer NOT NULL,
	`refund_fen` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `dimension`, `dimension_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_daily_sales_dim_idx` ON `analytics_daily_sales` (`dimension`,`dimension_id`,`day`);--> statement-breakpoint
CREATE TABLE `analytics_events` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`day` text NOT NULL,
	`visitor_hash` text NOT NULL,
	`path` text,
	`entity_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `analytics_events_day_idx` ON `analytics_events` (`day`,`kind`,`visitor_hash`);--> statement-breakpoint
-- Setting history is append-only, like the audit log.
CREATE TRIGGER setting_changes_no_update BEFORE UPDATE ON setting_changes
BEGIN
  SELECT RAISE(ABORT, 'setting_changes is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER setting_changes_no_delete BEFORE DELETE ON setting_changes
BEGIN
  SELECT RAISE(ABORT, 'setting_changes is append-only');
END;
--> statement-breakpoint
-- Every existing admin becomes a super admin, so nobody loses access with the sub-roles.
INSERT INTO user_admin_roles (user_id, admin_role, granted_by, created_at)
SELECT user_id, 'super_admin', NULL, created_at FROM user_roles WHERE role = 'admin';
--> statement-breakpoint
-- The default permission sets of the other sub-roles (ADMIN_ROLE_DEFAULTS in app/auth/permissions.ts;
-- a unit test keeps the two equal). super_admin holds every admin permission in code and has no rows.
INSERT INTO admin_role_permissions (admin_role, permission, granted_by, created_at) VALUES
  ('operations', 'read:user:any', NULL, 0),
  ('operations', 'update:user-status:any', NULL, 0),
  ('operations', 'read:merchant:any', NULL, 0),
  ('operations', 'read:pickup-point:any', NULL, 0),
  ('operations', 'run:cutoff:any', NULL, 0),
  ('operations', 'read:analytics:any', NULL, 0),
  ('operations', 'read:settings:any', NULL, 0),
  ('operations', 'update:settings:any', NULL, 0),
  ('operations', 'read:audit-log:any', NULL, 0),
  ('reviewer', 'read:user:any', NULL, 0),
  ('reviewer', 'read:merchant:any', NULL, 0),
  ('reviewer', 'review:merchant:any', NULL, 0),
  ('reviewer', 'review:leader:any', NULL, 0),
  ('reviewer', 'review:product:any', NULL, 0),
  ('reviewer', 'read:pickup-point:any', NULL, 0),
  ('finance', 'read:user:any', NULL, 0),
  ('finance', 'read:merchant:any', NULL, 0),
  ('finance', 'read:pickup-point:any', NULL, 0),
  ('finance', 'read:analytics:any', NULL, 0),
  ('finance', 'read:settings:any', NULL, 0),
  ('finance', 'read:audit-log:any', NULL, 0);
