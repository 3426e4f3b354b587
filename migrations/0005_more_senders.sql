CREATE TABLE `message_edits` (
	`id` integer PRIMARY KEY NOT NULL,
	`message_id` integer NOT NULL,
	`previous_text` text NOT NULL,
	`text` text NOT NULL,
	`edited_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`delivery_id` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `message_edits_message_idx` ON `message_edits` (`message_id`,`id`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `webhook_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_source_webhook_idx` ON `deliveries` (`source_id`,`webhook_id`) WHERE webhook_id IS NOT NULL AND outcome IN ('accepted', 'ignored');--> statement-breakpoint
ALTER TABLE `flags` ADD `comment` text;--> statement-breakpoint
ALTER TABLE `flags` ADD `reporter_sender_id` integer REFERENCES senders(id);--> statement-breakpoint
ALTER TABLE `messages` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `sources` ADD `settings_json` text DEFAULT '{}' NOT NULL;