CREATE TABLE `notes` (
	`id` integer PRIMARY KEY NOT NULL,
	`sender_id` integer,
	`message_id` integer,
	`actor` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`sender_id`) REFERENCES `senders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notes_sender_idx` ON `notes` (`sender_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notes_message_idx` ON `notes` (`message_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `decisions` ADD `outcome` text DEFAULT 'applied' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `decision_id` integer;