CREATE TABLE `processed_messages` (
	`key` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`processed_at` integer NOT NULL
);
