CREATE INDEX `decisions_created_idx` ON `decisions` (`created_at`);--> statement-breakpoint
CREATE INDEX `flags_created_idx` ON `flags` (`created_at`);--> statement-breakpoint
CREATE INDEX `messages_received_idx` ON `messages` (`received_at`);