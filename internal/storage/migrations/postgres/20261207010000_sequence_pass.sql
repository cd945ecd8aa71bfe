-- The bus's numbering pass (events/sequence.go) in one statement, one round trip and the
-- statement's own transaction, where it took five: look without locks for committed, unnumbered
-- events of workspace p_ws; only when there are some, take the workspace's event counter (waiting
-- for the pass or batch that holds it), number them after it (switchboard_number_events, whose
-- statement takes a fresh snapshot after the lock was granted, so it sees every number given
-- before) and move the counter. Returns how many it numbered.
CREATE OR REPLACE FUNCTION switchboard_sequence(p_ws bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	seq0 bigint;
	n bigint;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM events WHERE workspace_id = p_ws AND seq IS NULL) THEN
		RETURN 0;
	END IF;
	SELECT event_seq INTO seq0 FROM workspaces WHERE id = p_ws FOR NO KEY UPDATE;
	n := switchboard_number_events(p_ws, seq0);
	IF n > 0 THEN
		UPDATE workspaces SET event_seq = event_seq + n WHERE id = p_ws;
	END IF;
	RETURN n;
END $$;
