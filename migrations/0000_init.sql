CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`details_json` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `channels` (
	`id` integer PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`external_id` text NOT NULL,
	`label` text,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channels_source_external_idx` ON `channels` (`source_id`,`external_id`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`kind` text NOT NULL,
	`received_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`reason` text,
	`detail` text,
	`status` integer NOT NULL,
	`body_sha256` text,
	`size` integer,
	`secret_id` integer,
	`latency_ms` real NOT NULL,
	`body` blob,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`secret_id`) REFERENCES `source_secrets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deliveries_source_outcome_idx` ON `deliveries` (`source_id`,`outcome`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_source_kind_idx` ON `deliveries` (`source_id`,`kind`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_secret_idx` ON `deliveries` (`secret_id`,`id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`external_id` text NOT NULL,
	`channel_id` integer NOT NULL,
	`sender_id` integer,
	`screen_name` text NOT NULL,
	`text` text NOT NULL,
	`language` text,
	`sent_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`delivery_id` integer NOT NULL,
	`reactions_json` text DEFAULT '{}' NOT NULL,
	`moderation_state` text DEFAULT 'unreviewed' NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sender_id`) REFERENCES `senders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_source_external_idx` ON `messages` (`source_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `messages_channel_sent_idx` ON `messages` (`channel_id`,`sent_at`);--> statement-breakpoint
CREATE INDEX `messages_sender_idx` ON `messages` (`sender_id`,`sent_at`);--> statement-breakpoint
CREATE TABLE `reactions` (
	`id` integer PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`channel_id` integer NOT NULL,
	`target_external_id` text NOT NULL,
	`message_id` integer,
	`emoji` text NOT NULL,
	`action` text NOT NULL,
	`reactor_external_id` text,
	`reactor_sender_id` integer,
	`reactor_screen_name` text NOT NULL,
	`snapshot_json` text NOT NULL,
	`received_at` integer NOT NULL,
	`delivery_id` integer NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reactor_sender_id`) REFERENCES `senders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reactions_target_idx` ON `reactions` (`source_id`,`target_external_id`,`id`);--> statement-breakpoint
CREATE INDEX `reactions_message_idx` ON `reactions` (`message_id`);--> statement-breakpoint
CREATE TABLE `rejection_counters` (
	`source_key` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`source_key`, `reason`)
);
--> statement-breakpoint
CREATE TABLE `senders` (
	`id` integer PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`external_id` text NOT NULL,
	`screen_name` text DEFAULT '' NOT NULL,
	`centralauth_id` integer,
	`centralauth_username` text,
	`language` text,
	`status` text DEFAULT 'normal' NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `senders_source_external_idx` ON `senders` (`source_id`,`external_id`);--> statement-breakpoint
CREATE TABLE `source_secrets` (
	`id` integer PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `source_secrets_source_idx` ON `source_secrets` (`source_id`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	`disabled_at` integer
);
