-- Participants as §6 keeps them from now on (desk.participants, customerLeaves, housekeeping,
-- routing.participate), for the conversations of before: a customer's participant ended with its
-- channel session; a customer who came back has a participant for the new session; an agent is in
-- a conversation once (routing added a second row for a SUPER_ADMIN who had joined); nobody is
-- in a CLOSED conversation.
UPDATE participants SET active = false,
	left_at = (SELECT coalesce(s.ended_at, s.started_at) FROM channel_sessions s WHERE s.id = participants.channel_session_id)
WHERE kind = 'CUSTOMER' AND active
	AND EXISTS (SELECT 1 FROM channel_sessions s WHERE s.id = participants.channel_session_id AND NOT s.active);
INSERT INTO participants (workspace_id, conversation_id, kind, channel_session_id, active, joined_at, left_at)
SELECT s.workspace_id, s.conversation_id, 'CUSTOMER', s.id, s.active, s.started_at, s.ended_at FROM channel_sessions s
WHERE NOT EXISTS (SELECT 1 FROM participants p WHERE p.channel_session_id = s.id);
DELETE FROM participants WHERE active AND agent_id IS NOT NULL
	AND EXISTS (SELECT 1 FROM participants o WHERE o.conversation_id = participants.conversation_id
		AND o.agent_id = participants.agent_id AND o.active AND o.id < participants.id);
UPDATE participants SET active = false,
	left_at = (SELECT coalesce(c.closed_at, c.updated_at) FROM conversations c WHERE c.id = participants.conversation_id)
WHERE active AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = participants.conversation_id AND c.state = 'CLOSED');
