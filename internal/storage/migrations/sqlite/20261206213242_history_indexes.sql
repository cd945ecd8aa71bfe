-- Create index "conversation_customer_id_channel_id" to table: "conversations"
CREATE INDEX `conversation_customer_id_channel_id` ON `conversations` (`customer_id`, `channel`, `id`);
-- Create index "conversation_stale_workspace_id_updated_at" to table: "conversations"
CREATE INDEX `conversation_stale_workspace_id_updated_at` ON `conversations` (`workspace_id`, `updated_at`) WHERE stale;
-- Create index "customeridentity_customer_id" to table: "customer_identities"
CREATE INDEX `customeridentity_customer_id` ON `customer_identities` (`customer_id`);
