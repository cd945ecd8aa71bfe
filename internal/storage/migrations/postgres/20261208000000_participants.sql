-- Participants as §6 keeps them from now on (desk.participants, customerLeaves, housekeeping,
-- routing.participate), for the conversations of before: nobody is in a CLOSED conversation, its
-- customer's sessions included; a customer's participant is its session's, in its own
-- conversation, and ends with it; a customer who came back has a participant for the new
-- session; an agent is in a conversation once (routing added a second row for a SUPER_ADMIN who
-- had joined); a delegation bot is in the conversation it owns. Each statement reads through an
-- index or a list it builds once (a correlated scan of participants per session would take
-- minutes on SQLite with a few hundred thousand sessions).
UPDATE channel_sessions SET active = false,
	ended_at = coalesce(ended_at, (SELECT coalesce(c.closed_at, c.updated_at) FROM conversations c WHERE c.id = channel_sessions.conversation_id))
WHERE active AND conversation_id IN (SELECT id FROM conversations WHERE state = 'CLOSED');
DELETE FROM participants WHERE kind = 'CUSTOMER' AND (channel_session_id IS NULL
	OR NOT EXISTS (SELECT 1 FROM channel_sessions s WHERE s.id = participants.channel_session_id AND s.conversation_id = participants.conversation_id));
UPDATE participants SET active = false,
	left_at = (SELECT coalesce(s.ended_at, s.started_at) FROM channel_sessions s WHERE s.id = participants.channel_session_id)
WHERE kind = 'CUSTOMER' AND active AND channel_session_id IN (SELECT id FROM channel_sessions WHERE NOT active);
INSERT INTO participants (workspace_id, conversation_id, kind, channel_session_id, active, joined_at, left_at)
SELECT s.workspace_id, s.conversation_id, 'CUSTOMER', s.id, s.active, s.started_at,
	CASE WHEN s.active THEN NULL ELSE coalesce(s.ended_at, s.started_at) END
FROM channel_sessions s
WHERE s.id NOT IN (SELECT channel_session_id FROM participants WHERE channel_session_id IS NOT NULL);
DELETE FROM participants WHERE active AND agent_id IS NOT NULL
	AND EXISTS (SELECT 1 FROM participants o WHERE o.conversation_id = participants.conversation_id
		AND o.agent_id = participants.agent_id AND o.active AND o.id < participants.id);
UPDATE participants SET active = false,
	left_at = (SELECT coalesce(c.closed_at, c.updated_at) FROM conversations c WHERE c.id = participants.conversation_id)
WHERE active AND conversation_id IN (SELECT id FROM conversations WHERE state = 'CLOSED');
INSERT INTO participants (workspace_id, conversation_id, kind, agent_id, active, joined_at)
SELECT c.workspace_id, c.id, 'BOT', c.owner_id, true, coalesce(c.claimed_at, c.updated_at)
FROM conversations c JOIN agents a ON a.id = c.owner_id
WHERE c.is_open AND NOT c.human_owned AND a.va_role = 'DELEGATION'
	AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.agent_id = c.owner_id AND p.active);
