-- Search (internal/search): an FTS5 table of indexed texts, each under its conversation.
-- Conversations stored before it are indexed right after this file runs (storage.afterFile).
CREATE VIRTUAL TABLE IF NOT EXISTS `conversation_search` USING fts5(conversation_id UNINDEXED, doc, tokenize = 'unicode61 remove_diacritics 0');
