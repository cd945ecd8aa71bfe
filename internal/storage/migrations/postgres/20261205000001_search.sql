-- Search (internal/search): each conversation's document, the terms of its customer, messages and
-- notes, and its GIN index. Not ent fields: loading a conversation never reads the document.
-- Conversations stored before it are indexed right after this file runs (storage.afterFile).
ALTER TABLE "conversations" ADD COLUMN IF NOT EXISTS "search_doc" tsvector;
CREATE INDEX IF NOT EXISTS "conversations_search_doc" ON "conversations" USING gin ("search_doc");
