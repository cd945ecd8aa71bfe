-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_workspaces" table
CREATE TABLE `new_workspaces` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `slug` text NOT NULL, `auto_claim_on_reply` bool NOT NULL DEFAULT (true), `max_claims_per_agent` integer NOT NULL DEFAULT (20), `bulk_claim_cap` integer NOT NULL DEFAULT (50), `self_assignment` text NOT NULL DEFAULT ('ALLOWED'), `pause_bot_on_claim` bool NOT NULL DEFAULT (true), `capacity_counts_pending` bool NOT NULL DEFAULT (false), `capacity_counts_on_hold` bool NOT NULL DEFAULT (false), `stale_claim_after_seconds` integer NOT NULL DEFAULT (1800), `auto_release_enabled` bool NOT NULL DEFAULT (false), `auto_release_after_seconds` integer NOT NULL DEFAULT (7200), `lock_grace_period_seconds` integer NOT NULL DEFAULT (60), `audit_retention_days` integer NOT NULL DEFAULT (365), `wrap_up_enabled` bool NOT NULL DEFAULT (false), `customer_inactivity_seconds` integer NOT NULL DEFAULT (1800), `sla_first_response_seconds` integer NOT NULL DEFAULT (300), `away_after_idle_seconds` integer NOT NULL DEFAULT (600), `event_seq` integer NOT NULL DEFAULT (0), `roster_version` integer NOT NULL DEFAULT (0), `stats_rolled_until` datetime NULL);
-- Set sequence for "new_workspaces" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_workspaces", 85899345920);
-- Copy rows from old table "workspaces" to new temporary table "new_workspaces"
INSERT INTO `new_workspaces` (`id`, `created_at`, `name`, `slug`, `auto_claim_on_reply`, `max_claims_per_agent`, `bulk_claim_cap`, `self_assignment`, `pause_bot_on_claim`, `capacity_counts_pending`, `capacity_counts_on_hold`, `stale_claim_after_seconds`, `auto_release_enabled`, `auto_release_after_seconds`, `lock_grace_period_seconds`, `audit_retention_days`, `wrap_up_enabled`, `customer_inactivity_seconds`, `sla_first_response_seconds`, `event_seq`, `roster_version`, `stats_rolled_until`) SELECT `id`, `created_at`, `name`, `slug`, `auto_claim_on_reply`, `max_claims_per_agent`, `bulk_claim_cap`, `self_assignment`, `pause_bot_on_claim`, `capacity_counts_pending`, `capacity_counts_on_hold`, `stale_claim_after_seconds`, `auto_release_enabled`, `auto_release_after_seconds`, `lock_grace_period_seconds`, `audit_retention_days`, `wrap_up_enabled`, `customer_inactivity_seconds`, `sla_first_response_seconds`, `event_seq`, `roster_version`, `stats_rolled_until` FROM `workspaces`;
-- Drop "workspaces" table after copying rows
DROP TABLE `workspaces`;
-- Rename temporary table "new_workspaces" to "workspaces"
ALTER TABLE `new_workspaces` RENAME TO `workspaces`;
-- Create index "workspaces_slug_key" to table: "workspaces"
CREATE UNIQUE INDEX `workspaces_slug_key` ON `workspaces` (`slug`);
-- Create "canned_responses" table
CREATE TABLE `canned_responses` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `shortcut` text NOT NULL, `title` text NOT NULL, `text` text NOT NULL, `shared` bool NOT NULL DEFAULT (false), `updated_at` datetime NOT NULL, `owner_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `canned_responses_agents_owner` FOREIGN KEY (`owner_id`) REFERENCES `agents` (`id`) ON DELETE NO ACTION, CONSTRAINT `canned_responses_workspaces_canned_responses` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "canned_responses" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("canned_responses", 94489280512);
-- Create index "cannedresponse_workspace_id_shortcut" to table: "canned_responses"
CREATE UNIQUE INDEX `cannedresponse_workspace_id_shortcut` ON `canned_responses` (`workspace_id`, `shortcut`) WHERE shared;
-- Create index "cannedresponse_owner_id_shortcut_shared" to table: "canned_responses"
CREATE UNIQUE INDEX `cannedresponse_owner_id_shortcut_shared` ON `canned_responses` (`owner_id`, `shortcut`, `shared`);
-- Create "read_marks" table
CREATE TABLE `read_marks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `read_at` datetime NOT NULL, `conversation_id` integer NOT NULL, `agent_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `read_marks_conversations_read_marks` FOREIGN KEY (`conversation_id`) REFERENCES `conversations` (`id`) ON DELETE NO ACTION, CONSTRAINT `read_marks_agents_agent` FOREIGN KEY (`agent_id`) REFERENCES `agents` (`id`) ON DELETE NO ACTION, CONSTRAINT `read_marks_workspaces_read_marks` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "read_marks" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("read_marks", 98784247808);
-- Create index "readmark_agent_id_conversation_id" to table: "read_marks"
CREATE UNIQUE INDEX `readmark_agent_id_conversation_id` ON `read_marks` (`agent_id`, `conversation_id`);
-- Create index "readmark_conversation_id" to table: "read_marks"
CREATE INDEX `readmark_conversation_id` ON `read_marks` (`conversation_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
