CREATE TABLE `decisions` (
	`id` integer PRIMARY KEY NOT NULL,
	`message_id` integer NOT NULL,
	`verdict` text NOT NULL,
	`actor` text NOT NULL,
	`automatic` integer NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decisions_message_idx` ON `decisions` (`message_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `flags` (
	`id` integer PRIMARY KEY NOT NULL,
	`message_id` integer,
	`sender_id` integer,
	`reaction_id` integer,
	`origin` text NOT NULL,
	`rule_id` integer,
	`rule_version` integer,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`reason` text NOT NULL,
	`span_start` integer,
	`span_end` integer,
	`matched_text` text,
	`normalized_text` text,
	`transformations_json` text DEFAULT '[]' NOT NULL,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sender_id`) REFERENCES `senders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reaction_id`) REFERENCES `reactions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `flags_message_idx` ON `flags` (`message_id`);--> statement-breakpoint
CREATE INDEX `flags_sender_idx` ON `flags` (`sender_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `flags_status_idx` ON `flags` (`status`,`severity`,`created_at`);--> statement-breakpoint
CREATE INDEX `flags_rule_idx` ON `flags` (`rule_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `rule_versions` (
	`id` integer PRIMARY KEY NOT NULL,
	`rule_id` integer NOT NULL,
	`version` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`severity` text NOT NULL,
	`action` text NOT NULL,
	`settings_json` text NOT NULL,
	`scope_json` text NOT NULL,
	`enabled` integer NOT NULL,
	`created_at` integer NOT NULL,
	`actor` text NOT NULL,
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rule_versions_rule_version_idx` ON `rule_versions` (`rule_id`,`version`);--> statement-breakpoint
CREATE TABLE `rules` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`severity` text NOT NULL,
	`action` text NOT NULL,
	`settings_json` text NOT NULL,
	`scope_json` text DEFAULT '{}' NOT NULL,
	`enabled` integer NOT NULL,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `messages` ADD `normalized_text` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_source_sent_idx` ON `messages` (`source_id`,`sent_at`);--> statement-breakpoint
CREATE INDEX `reactions_reactor_idx` ON `reactions` (`reactor_sender_id`,`received_at`);