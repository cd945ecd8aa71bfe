-- Create "api_keys" table
CREATE TABLE `api_keys` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `prefix` text NOT NULL, `key_hash` text NOT NULL, `last_used_at` datetime NULL, `revoked_at` datetime NULL, `agent_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `api_keys_agents_api_keys` FOREIGN KEY (`agent_id`) REFERENCES `agents` (`id`) ON DELETE NO ACTION, CONSTRAINT `api_keys_workspaces_api_keys` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Create index "api_keys_key_hash_key" to table: "api_keys"
CREATE UNIQUE INDEX `api_keys_key_hash_key` ON `api_keys` (`key_hash`);
-- Create "agents" table
CREATE TABLE `agents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `kind` text NOT NULL DEFAULT ('HUMAN'), `role` text NOT NULL DEFAULT ('AGENT'), `va_role` text NULL, `name` text NOT NULL, `email` text NULL, `password_hash` text NULL, `presence` text NOT NULL DEFAULT ('OFFLINE'), `presence_changed_at` datetime NOT NULL, `skills` json NOT NULL, `languages` json NOT NULL, `last_activity_at` datetime NULL, `last_assigned_at` datetime NULL, `active` bool NOT NULL DEFAULT (true), `workspace_id` integer NOT NULL, CONSTRAINT `agents_workspaces_agents` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "agents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("agents", 4294967296);
-- Create index "agents_email_key" to table: "agents"
CREATE UNIQUE INDEX `agents_email_key` ON `agents` (`email`);
-- Create index "agent_workspace_id_kind_presence" to table: "agents"
CREATE INDEX `agent_workspace_id_kind_presence` ON `agents` (`workspace_id`, `kind`, `presence`);
-- Create "agent_channels" table
CREATE TABLE `agent_channels` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `channel` text NOT NULL, `capacity` integer NOT NULL, `agent_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `agent_channels_agents_channels` FOREIGN KEY (`agent_id`) REFERENCES `agents` (`id`) ON DELETE NO ACTION, CONSTRAINT `agent_channels_workspaces_agent_channels` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "agent_channels" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("agent_channels", 8589934592);
-- Create index "agentchannel_agent_id_channel" to table: "agent_channels"
CREATE UNIQUE INDEX `agentchannel_agent_id_channel` ON `agent_channels` (`agent_id`, `channel`);
-- Create "archives" table
CREATE TABLE `archives` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `payload` json NOT NULL, `conversation_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `archives_conversations_archive` FOREIGN KEY (`conversation_id`) REFERENCES `conversations` (`id`) ON DELETE NO ACTION, CONSTRAINT `archives_workspaces_archives` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "archives" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("archives", 12884901888);
-- Create index "archives_conversation_id_key" to table: "archives"
CREATE UNIQUE INDEX `archives_conversation_id_key` ON `archives` (`conversation_id`);
-- Create "channel_sessions" table
CREATE TABLE `channel_sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `channel` text NOT NULL, `active` bool NOT NULL DEFAULT (true), `started_at` datetime NOT NULL, `ended_at` datetime NULL, `identity_id` integer NULL, `conversation_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `channel_sessions_customer_identities_identity` FOREIGN KEY (`identity_id`) REFERENCES `customer_identities` (`id`) ON DELETE SET NULL, CONSTRAINT `channel_sessions_conversations_channel_sessions` FOREIGN KEY (`conversation_id`) REFERENCES `conversations` (`id`) ON DELETE NO ACTION, CONSTRAINT `channel_sessions_workspaces_channel_sessions` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "channel_sessions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("channel_sessions", 17179869184);
-- Create index "channelsession_conversation_id_active" to table: "channel_sessions"
CREATE INDEX `channelsession_conversation_id_active` ON `channel_sessions` (`conversation_id`, `active`);
-- Create "conversations" table
CREATE TABLE `conversations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `channel` text NOT NULL, `status` text NOT NULL DEFAULT ('NEW'), `state` text NOT NULL DEFAULT ('CREATED'), `is_open` bool NOT NULL DEFAULT (true), `priority` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `tags` json NOT NULL, `required_skills` json NOT NULL, `required_language` text NULL, `human_owned` bool NOT NULL DEFAULT (false), `claimed_at` datetime NULL, `owner_active_at` datetime NULL, `stale` bool NOT NULL DEFAULT (false), `last_human_owner_id` integer NULL, `human_lock` bool NOT NULL DEFAULT (false), `lock_acquired_at` datetime NULL, `lock_expires_at` datetime NULL, `bot_paused` bool NOT NULL DEFAULT (false), `first_reply_at` datetime NULL, `customer_present` bool NOT NULL DEFAULT (true), `delegated_by_id` integer NULL, `queued_since` datetime NULL, `preview` text NOT NULL DEFAULT (''), `last_message_at` datetime NOT NULL, `last_customer_message_at` datetime NULL, `updated_at` datetime NOT NULL, `resolved_at` datetime NULL, `closed_at` datetime NULL, `owner_id` integer NULL, `lock_holder_id` integer NULL, `required_team_id` integer NULL, `previous_id` integer NULL, `customer_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `conversations_agents_owned_conversations` FOREIGN KEY (`owner_id`) REFERENCES `agents` (`id`) ON DELETE SET NULL, CONSTRAINT `conversations_agents_locked_conversations` FOREIGN KEY (`lock_holder_id`) REFERENCES `agents` (`id`) ON DELETE SET NULL, CONSTRAINT `conversations_teams_required_team` FOREIGN KEY (`required_team_id`) REFERENCES `teams` (`id`) ON DELETE SET NULL, CONSTRAINT `conversations_conversations_next` FOREIGN KEY (`previous_id`) REFERENCES `conversations` (`id`) ON DELETE SET NULL, CONSTRAINT `conversations_customers_conversations` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION, CONSTRAINT `conversations_workspaces_conversations` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "conversations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("conversations", 21474836480);
-- Create index "conversations_previous_id_key" to table: "conversations"
CREATE UNIQUE INDEX `conversations_previous_id_key` ON `conversations` (`previous_id`);
-- Create index "conversation_lock_holder_id" to table: "conversations"
CREATE UNIQUE INDEX `conversation_lock_holder_id` ON `conversations` (`lock_holder_id`) WHERE human_lock;
-- Create index "conversation_customer_id_channel" to table: "conversations"
CREATE UNIQUE INDEX `conversation_customer_id_channel` ON `conversations` (`customer_id`, `channel`) WHERE is_open;
-- Create index "conversation_workspace_id_status_last_message_at" to table: "conversations"
CREATE INDEX `conversation_workspace_id_status_last_message_at` ON `conversations` (`workspace_id`, `status`, `last_message_at`);
-- Create index "conversation_owner_id_human_owned_status_channel" to table: "conversations"
CREATE INDEX `conversation_owner_id_human_owned_status_channel` ON `conversations` (`owner_id`, `human_owned`, `status`, `channel`);
-- Create index "conversation_workspace_id_channel_priority_queued_since" to table: "conversations"
CREATE INDEX `conversation_workspace_id_channel_priority_queued_since` ON `conversations` (`workspace_id`, `channel`, `priority`, `queued_since`);
-- Create index "conversation_workspace_id_updated_at" to table: "conversations"
CREATE INDEX `conversation_workspace_id_updated_at` ON `conversations` (`workspace_id`, `updated_at`);
-- Create "customers" table
CREATE TABLE `customers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL DEFAULT (''), `workspace_id` integer NOT NULL, CONSTRAINT `customers_workspaces_customers` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "customers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("customers", 25769803776);
-- Create "customer_identities" table
CREATE TABLE `customer_identities` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `channel` text NOT NULL, `handle` text NOT NULL, `customer_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `customer_identities_customers_identities` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE NO ACTION, CONSTRAINT `customer_identities_workspaces_customer_identities` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "customer_identities" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("customer_identities", 30064771072);
-- Create index "customeridentity_workspace_id_channel_handle" to table: "customer_identities"
CREATE UNIQUE INDEX `customeridentity_workspace_id_channel_handle` ON `customer_identities` (`workspace_id`, `channel`, `handle`);
-- Create "daily_stats" table
CREATE TABLE `daily_stats` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `day` datetime NOT NULL, `agent_id` integer NULL, `channel` text NULL, `claims` integer NOT NULL DEFAULT (0), `claim_ms` integer NOT NULL DEFAULT (0), `claims_timed` integer NOT NULL DEFAULT (0), `first_responses` integer NOT NULL DEFAULT (0), `first_response_ms` integer NOT NULL DEFAULT (0), `first_responses_timed` integer NOT NULL DEFAULT (0), `released` integer NOT NULL DEFAULT (0), `resolved` integer NOT NULL DEFAULT (0), `sla_breaches` integer NOT NULL DEFAULT (0), `workspace_id` integer NOT NULL, CONSTRAINT `daily_stats_workspaces_daily_stats` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "daily_stats" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("daily_stats", 90194313216);
-- Create index "dailystat_workspace_id_day" to table: "daily_stats"
CREATE INDEX `dailystat_workspace_id_day` ON `daily_stats` (`workspace_id`, `day`);
-- Create "events" table
CREATE TABLE `events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `seq` integer NULL, `type` text NOT NULL, `version` integer NOT NULL DEFAULT (0), `duration_ms` integer NULL, `before` json NULL, `after` json NULL, `conversation_id` integer NULL, `actor_id` integer NULL, `subject_id` integer NULL, `workspace_id` integer NOT NULL, CONSTRAINT `events_conversations_events` FOREIGN KEY (`conversation_id`) REFERENCES `conversations` (`id`) ON DELETE SET NULL, CONSTRAINT `events_agents_actor` FOREIGN KEY (`actor_id`) REFERENCES `agents` (`id`) ON DELETE SET NULL, CONSTRAINT `events_agents_subject` FOREIGN KEY (`subject_id`) REFERENCES `agents` (`id`) ON DELETE SET NULL, CONSTRAINT `events_workspaces_events` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("events", 34359738368);
-- Create index "event_workspace_id_seq" to table: "events"
CREATE UNIQUE INDEX `event_workspace_id_seq` ON `events` (`workspace_id`, `seq`);
-- Create index "event_conversation_id_seq" to table: "events"
CREATE INDEX `event_conversation_id_seq` ON `events` (`conversation_id`, `seq`);
-- Create index "event_created_at" to table: "events"
CREATE INDEX `event_created_at` ON `events` (`created_at`);
-- Create index "event_workspace_id_type_created_at" to table: "events"
CREATE INDEX `event_workspace_id_type_created_at` ON `events` (`workspace_id`, `type`, `created_at`);
-- Create "interventions" table
CREATE TABLE `interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `status` text NOT NULL DEFAULT ('REQUESTED'), `summary` text NOT NULL, `taken_over_at` datetime NULL, `topic` text NULL, `outcome` text NULL, `tags` json NOT NULL, `block` text NULL, `completed_at` datetime NULL, `conversation_id` integer NOT NULL, `requested_by_id` integer NULL, `bot_id` integer NULL, `taken_over_by_id` integer NULL, `workspace_id` integer NOT NULL, CONSTRAINT `interventions_conversations_interventions` FOREIGN KEY (`conversation_id`) REFERENCES `conversations` (`id`) ON DELETE NO ACTION, CONSTRAINT `interventions_agents_requested_by` FOREIGN KEY (`requested_by_id`) REFERENCES `agents` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_agents_bot` FOREIGN KEY (`bot_id`) REFERENCES `agents` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_agents_taken_over_by` FOREIGN KEY (`taken_over_by_id`) REFERENCES `agents` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_workspaces_interventions` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("interventions", 38654705664);
-- Create index "intervention_workspace_id_status_created_at" to table: "interventions"
CREATE INDEX `intervention_workspace_id_status_created_at` ON `interventions` (`workspace_id`, `status`, `created_at`);
-- Create index "intervention_conversation_id_status" to table: "interventions"
CREATE INDEX `intervention_conversation_id_status` ON `interventions` (`conversation_id`, `status`);
-- Create "messages" table
CREATE TABLE `messages` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `author_kind` text NOT NULL, `author_name` text NOT NULL DEFAULT (''), `channel` text NOT NULL, `text` text NOT NULL, `conversation_id` integer NOT NULL, `author_id` integer NULL, `workspace_id` integer NOT NULL, CONSTRAINT `messages_conversations_messages` FOREIGN KEY (`conversation_id`) REFERENCES `conversations` (`id`) ON DELETE NO ACTION, CONSTRAINT `messages_agents_author` FOREIGN KEY (`author_id`) REFERENCES `agents` (`id`) ON DELETE SET NULL, CONSTRAINT `messages_workspaces_messages` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "messages" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("messages", 42949672960);
-- Create index "message_conversation_id_created_at" to table: "messages"
CREATE INDEX `message_conversation_id_created_at` ON `messages` (`conversation_id`, `created_at`);
-- Create "notes" table
CREATE TABLE `notes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `text` text NOT NULL, `conversation_id` integer NOT NULL, `author_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `notes_conversations_notes` FOREIGN KEY (`conversation_id`) REFERENCES `conversations` (`id`) ON DELETE NO ACTION, CONSTRAINT `notes_agents_author` FOREIGN KEY (`author_id`) REFERENCES `agents` (`id`) ON DELETE NO ACTION, CONSTRAINT `notes_workspaces_notes` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "notes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("notes", 47244640256);
-- Create index "note_conversation_id_created_at" to table: "notes"
CREATE INDEX `note_conversation_id_created_at` ON `notes` (`conversation_id`, `created_at`);
-- Create "participants" table
CREATE TABLE `participants` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `kind` text NOT NULL, `active` bool NOT NULL DEFAULT (true), `joined_at` datetime NOT NULL, `left_at` datetime NULL, `conversation_id` integer NOT NULL, `agent_id` integer NULL, `channel_session_id` integer NULL, `workspace_id` integer NOT NULL, CONSTRAINT `participants_conversations_participants` FOREIGN KEY (`conversation_id`) REFERENCES `conversations` (`id`) ON DELETE NO ACTION, CONSTRAINT `participants_agents_agent` FOREIGN KEY (`agent_id`) REFERENCES `agents` (`id`) ON DELETE SET NULL, CONSTRAINT `participants_channel_sessions_channel_session` FOREIGN KEY (`channel_session_id`) REFERENCES `channel_sessions` (`id`) ON DELETE SET NULL, CONSTRAINT `participants_workspaces_participants` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "participants" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("participants", 51539607552);
-- Create index "participant_conversation_id_active_kind" to table: "participants"
CREATE INDEX `participant_conversation_id_active_kind` ON `participants` (`conversation_id`, `active`, `kind`);
-- Create "pools" table
CREATE TABLE `pools` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `tag` text NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `pools_workspaces_pools` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "pools" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("pools", 55834574848);
-- Create index "pool_workspace_id_tag" to table: "pools"
CREATE UNIQUE INDEX `pool_workspace_id_tag` ON `pools` (`workspace_id`, `tag`);
-- Create "sessions" table
CREATE TABLE `sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `token_hash` text NOT NULL, `expires_at` datetime NOT NULL, `revoked_at` datetime NULL, `agent_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `sessions_agents_sessions` FOREIGN KEY (`agent_id`) REFERENCES `agents` (`id`) ON DELETE NO ACTION, CONSTRAINT `sessions_workspaces_sessions` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "sessions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sessions", 60129542144);
-- Create index "sessions_token_hash_key" to table: "sessions"
CREATE UNIQUE INDEX `sessions_token_hash_key` ON `sessions` (`token_hash`);
-- Create index "session_expires_at" to table: "sessions"
CREATE INDEX `session_expires_at` ON `sessions` (`expires_at`);
-- Create "teams" table
CREATE TABLE `teams` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `teams_workspaces_teams` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "teams" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("teams", 64424509440);
-- Create index "team_workspace_id_name" to table: "teams"
CREATE UNIQUE INDEX `team_workspace_id_name` ON `teams` (`workspace_id`, `name`);
-- Create "timers" table
CREATE TABLE `timers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `kind` text NOT NULL, `status` text NOT NULL DEFAULT ('PENDING'), `due_at` datetime NOT NULL, `remaining_ms` integer NULL, `payload` json NULL, `attempts` integer NOT NULL DEFAULT (0), `locked_by` text NULL, `locked_until` datetime NULL, `fired_at` datetime NULL, `conversation_id` integer NULL, `workspace_id` integer NOT NULL, CONSTRAINT `timers_conversations_timers` FOREIGN KEY (`conversation_id`) REFERENCES `conversations` (`id`) ON DELETE SET NULL, CONSTRAINT `timers_workspaces_timers` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "timers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("timers", 68719476736);
-- Create index "timer_status_due_at" to table: "timers"
CREATE INDEX `timer_status_due_at` ON `timers` (`status`, `due_at`);
-- Create index "timer_conversation_id_kind_status" to table: "timers"
CREATE INDEX `timer_conversation_id_kind_status` ON `timers` (`conversation_id`, `kind`, `status`);
-- Create "viewers" table
CREATE TABLE `viewers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `opened_at` datetime NOT NULL, `last_seen_at` datetime NOT NULL, `monitoring` bool NOT NULL DEFAULT (false), `conversation_id` integer NOT NULL, `agent_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `viewers_conversations_viewers` FOREIGN KEY (`conversation_id`) REFERENCES `conversations` (`id`) ON DELETE NO ACTION, CONSTRAINT `viewers_agents_agent` FOREIGN KEY (`agent_id`) REFERENCES `agents` (`id`) ON DELETE NO ACTION, CONSTRAINT `viewers_workspaces_viewers` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "viewers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("viewers", 73014444032);
-- Create index "viewer_conversation_id_agent_id" to table: "viewers"
CREATE UNIQUE INDEX `viewer_conversation_id_agent_id` ON `viewers` (`conversation_id`, `agent_id`);
-- Create index "viewer_agent_id" to table: "viewers"
CREATE INDEX `viewer_agent_id` ON `viewers` (`agent_id`);
-- Create "webhooks" table
CREATE TABLE `webhooks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `url` text NOT NULL, `description` text NOT NULL DEFAULT (''), `secret` text NOT NULL, `event_types` json NOT NULL, `active` bool NOT NULL DEFAULT (true), `scanned_until` integer NOT NULL DEFAULT (0), `last_success_at` datetime NULL, `consecutive_failures` integer NOT NULL DEFAULT (0), `failing_since` datetime NULL, `disabled_reason` text NULL, `workspace_id` integer NOT NULL, CONSTRAINT `webhooks_workspaces_webhooks` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "webhooks" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhooks", 77309411328);
-- Create index "webhook_active" to table: "webhooks"
CREATE INDEX `webhook_active` ON `webhooks` (`active`);
-- Create "webhook_deliveries" table
CREATE TABLE `webhook_deliveries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `event_id` integer NOT NULL, `seq` integer NOT NULL, `event_type` text NOT NULL, `lane` integer NOT NULL DEFAULT (0), `original` bool NOT NULL DEFAULT (true), `status` text NOT NULL DEFAULT ('PENDING'), `attempts` integer NOT NULL DEFAULT (0), `next_attempt_at` datetime NOT NULL, `last_error` text NULL, `last_status_code` integer NULL, `latency_ms` integer NULL, `delivered_at` datetime NULL, `locked_by` text NULL, `locked_until` datetime NULL, `webhook_id` integer NOT NULL, `workspace_id` integer NOT NULL, CONSTRAINT `webhook_deliveries_webhooks_deliveries` FOREIGN KEY (`webhook_id`) REFERENCES `webhooks` (`id`) ON DELETE NO ACTION, CONSTRAINT `webhook_deliveries_workspaces_webhook_deliveries` FOREIGN KEY (`workspace_id`) REFERENCES `workspaces` (`id`) ON DELETE NO ACTION);
-- Set sequence for "webhook_deliveries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_deliveries", 81604378624);
-- Create index "webhookdelivery_status_next_attempt_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_status_next_attempt_at` ON `webhook_deliveries` (`status`, `next_attempt_at`);
-- Create index "webhookdelivery_webhook_id_lane_status" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_webhook_id_lane_status` ON `webhook_deliveries` (`webhook_id`, `lane`, `status`);
-- Create index "webhookdelivery_webhook_id_event_id" to table: "webhook_deliveries"
CREATE UNIQUE INDEX `webhookdelivery_webhook_id_event_id` ON `webhook_deliveries` (`webhook_id`, `event_id`) WHERE original;
-- Create "workspaces" table
CREATE TABLE `workspaces` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NOT NULL, `slug` text NOT NULL, `auto_claim_on_reply` bool NOT NULL DEFAULT (true), `max_claims_per_agent` integer NOT NULL DEFAULT (20), `bulk_claim_cap` integer NOT NULL DEFAULT (50), `self_assignment` text NOT NULL DEFAULT ('ALLOWED'), `pause_bot_on_claim` bool NOT NULL DEFAULT (true), `capacity_counts_pending` bool NOT NULL DEFAULT (false), `capacity_counts_on_hold` bool NOT NULL DEFAULT (false), `stale_claim_after_seconds` integer NOT NULL DEFAULT (1800), `auto_release_enabled` bool NOT NULL DEFAULT (false), `auto_release_after_seconds` integer NOT NULL DEFAULT (7200), `lock_grace_period_seconds` integer NOT NULL DEFAULT (60), `audit_retention_days` integer NOT NULL DEFAULT (365), `wrap_up_enabled` bool NOT NULL DEFAULT (false), `customer_inactivity_seconds` integer NOT NULL DEFAULT (1800), `sla_first_response_seconds` integer NOT NULL DEFAULT (300), `event_seq` integer NOT NULL DEFAULT (0), `roster_version` integer NOT NULL DEFAULT (0), `stats_rolled_until` datetime NULL);
-- Set sequence for "workspaces" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("workspaces", 85899345920);
-- Create index "workspaces_slug_key" to table: "workspaces"
CREATE UNIQUE INDEX `workspaces_slug_key` ON `workspaces` (`slug`);
-- Create "pool_members" table
CREATE TABLE `pool_members` (`pool_id` integer NOT NULL, `agent_id` integer NOT NULL, PRIMARY KEY (`pool_id`, `agent_id`), CONSTRAINT `pool_members_pool_id` FOREIGN KEY (`pool_id`) REFERENCES `pools` (`id`) ON DELETE CASCADE, CONSTRAINT `pool_members_agent_id` FOREIGN KEY (`agent_id`) REFERENCES `agents` (`id`) ON DELETE CASCADE);
-- Create "team_members" table
CREATE TABLE `team_members` (`team_id` integer NOT NULL, `agent_id` integer NOT NULL, PRIMARY KEY (`team_id`, `agent_id`), CONSTRAINT `team_members_team_id` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE CASCADE, CONSTRAINT `team_members_agent_id` FOREIGN KEY (`agent_id`) REFERENCES `agents` (`id`) ON DELETE CASCADE);
