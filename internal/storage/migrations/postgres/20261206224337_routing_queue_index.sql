-- Create index "conversation_queue" to table: "conversations"
CREATE INDEX "conversation_queue" ON "conversations" ("workspace_id", "status", "human_owned", "priority" DESC, "queued_since", "id") WHERE is_open;
