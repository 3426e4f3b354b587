CREATE TABLE `blocked_patterns` (
	`id` integer PRIMARY KEY NOT NULL,
	`channel_id` integer,
	`normalized_text` text NOT NULL,
	`max_distance` integer NOT NULL,
	`message_id` integer,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL,
	`disabled_at` integer,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `blocked_patterns_channel_idx` ON `blocked_patterns` (`channel_id`);--> statement-breakpoint
CREATE TABLE `display_channels` (
	`display_id` integer NOT NULL,
	`channel_id` integer NOT NULL,
	PRIMARY KEY(`display_id`, `channel_id`),
	FOREIGN KEY (`display_id`) REFERENCES `displays`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `display_channels_channel_idx` ON `display_channels` (`channel_id`);--> statement-breakpoint
CREATE TABLE `displays` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token` text NOT NULL,
	`is_public` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`token_rotated_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `displays_token_idx` ON `displays` (`token`);--> statement-breakpoint
CREATE TABLE `password_reset_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `password_reset_tokens_account_idx` ON `password_reset_tokens` (`account_id`);--> statement-breakpoint
ALTER TABLE `channels` ADD `mode` text DEFAULT 'post' NOT NULL;--> statement-breakpoint
ALTER TABLE `channels` ADD `approve_trusted` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `channels` ADD `reject_blocked` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `channels` ADD `similar_distance` integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE `channels` ADD `emoji_repeat_seconds` integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE `channels` ADD `screen_names` text DEFAULT 'show' NOT NULL;