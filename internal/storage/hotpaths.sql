-- The desk's hot paths on Postgres: a claim and a release that need nothing out of the ordinary,
-- each as one statement (one round trip, one implicit transaction) instead of a dozen.
--
-- Each function decides exactly as desk.Claim / desk.Release do and writes the same rows and
-- events, or returns no row, having written nothing, as soon as the case is not the ordinary one
-- (a conflict, a lock held by someone else, a cap, a pool, a bot, an intervention, a timer to
-- schedule): the desk then runs the operation its ordinary way, which decides it from scratch.
-- desk's TestHotPathsMatch runs both ways on twin conversations and compares rows and events.
--
-- Each statement inside a PL/pgSQL function takes a fresh snapshot (READ COMMITTED), so counts read
-- after a row lock see every commit made before it was granted. Locks are taken in the desk's
-- order: the agent's row, then the conversation's.
--
-- p_now is the desk's clock (claimed_at, lock times, durations); p_wall the wall clock that ent's
-- defaults use (created_at, updated_at, joined_at).

CREATE OR REPLACE FUNCTION switchboard_claim(p_conv bigint, p_ws bigint, p_agent bigint, p_supervisor boolean,
	p_now timestamptz, p_wall timestamptz) RETURNS SETOF conversations LANGUAGE plpgsql AS $$
DECLARE
	c conversations%ROWTYPE;
	w workspaces%ROWTYPE;
	n_open bigint;
	n_channel bigint;
	cap bigint;
	to_state varchar;
	locking boolean;
	rel_ids bigint[];
	rel_versions bigint[];
BEGIN
	PERFORM 1 FROM agents WHERE id = p_agent AND workspace_id = p_ws FOR NO KEY UPDATE;
	SELECT * INTO c FROM conversations WHERE id = p_conv AND workspace_id = p_ws FOR NO KEY UPDATE;
	-- L1, C1 (unowned only: a bot's conversation is a takeover), L4, C7 (pools).
	IF NOT FOUND OR NOT c.is_open OR c.status NOT IN ('NEW', 'PENDING') OR c.owner_id IS NOT NULL
		OR (c.lock_holder_id IS NOT NULL AND NOT (c.lock_holder_id = p_agent AND c.human_lock))
		OR jsonb_array_length(c.tags) > 0 THEN
		RETURN;
	END IF;
	SELECT * INTO w FROM workspaces WHERE id = p_ws;
	IF w.self_assignment = 'ROUTING_ONLY' AND NOT p_supervisor THEN -- C10
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM interventions WHERE conversation_id = p_conv
		AND status IN ('REQUESTED', 'RETURNED', 'TAKEN_OVER')) THEN -- I2
		RETURN;
	END IF;
	-- C6, R1, R2: as routing.LoadOf counts.
	SELECT count(*), count(*) FILTER (WHERE channel = c.channel AND (w.capacity_counts_pending OR status = 'NEW')
			AND (w.capacity_counts_on_hold OR state <> 'ON_HOLD')),
		(SELECT capacity FROM agent_channels WHERE workspace_id = p_ws AND agent_id = p_agent AND channel = c.channel)
		INTO n_open, n_channel, cap
		FROM conversations
		WHERE workspace_id = p_ws AND owner_id = p_agent AND human_owned AND is_open AND status IN ('NEW', 'PENDING');
	IF cap IS NULL OR n_open >= w.max_claims_per_agent OR n_channel >= cap THEN
		RETURN;
	END IF;
	-- §6: a human owns it now (desk.Lifecycle with agents and hadHuman).
	to_state := CASE WHEN c.state IN ('CLOSED', 'ON_HOLD') THEN c.state WHEN c.customer_present THEN 'ACTIVE'
		WHEN w.wrap_up_enabled THEN 'WRAP_UP' ELSE 'CUSTOMER_LEFT' END;
	locking := c.lock_holder_id IS NULL;
	IF locking THEN
		WITH released AS ( -- L3: the agent's previous lock goes first (L2's unique index)
			UPDATE conversations SET lock_holder_id = NULL, human_lock = false, lock_acquired_at = NULL,
				lock_expires_at = NULL, version = version + 1, updated_at = p_wall
			WHERE workspace_id = p_ws AND lock_holder_id = p_agent AND human_lock AND id <> p_conv
			RETURNING id, version)
		SELECT array_agg(id ORDER BY id), array_agg(version ORDER BY id) INTO rel_ids, rel_versions FROM released;
	END IF;
	-- The writes, in one statement. Events keep the order the desk appends them in.
	RETURN QUERY WITH ev AS (
		INSERT INTO events (workspace_id, type, conversation_id, actor_id, subject_id, version, before, after, duration_ms, created_at)
		SELECT p_ws, e.type, e.conv, p_agent, e.subject, e.version, e.before, e.after, e.duration, p_wall FROM (
			SELECT 1 AS o, 'conversation.claimed' AS type, p_conv AS conv, p_agent AS subject, c.version + 1 AS version,
				jsonb_build_object('owner', NULL) AS before, jsonb_build_object('owner', p_agent, 'bulk', false) AS after,
				-- §8 time-to-claim
				CASE WHEN c.queued_since IS NOT NULL THEN greatest(floor(extract(epoch FROM p_now - c.queued_since) * 1000), 1)::bigint END AS duration
			UNION ALL
			SELECT 2, 'lock.released', r.id, p_agent, r.version, jsonb_build_object('holder', p_agent),
				jsonb_build_object('holder', NULL, 'reason', 'opened another conversation'), NULL
			FROM unnest(rel_ids, rel_versions) AS r(id, version)
			UNION ALL
			SELECT 3, 'lock.acquired', p_conv, p_agent, c.version + 1, jsonb_build_object('holder', NULL),
				jsonb_build_object('holder', p_agent), NULL WHERE locking
			UNION ALL
			SELECT 4, 'conversation.state_changed', p_conv, NULL, c.version + 1, jsonb_build_object('state', c.state),
				jsonb_build_object('state', to_state), NULL WHERE to_state <> c.state
		) e ORDER BY e.o, e.conv),
	part AS (
		INSERT INTO participants (workspace_id, conversation_id, kind, agent_id, active, joined_at)
		SELECT p_ws, p_conv, 'AGENT', p_agent, true, p_wall
		WHERE NOT EXISTS (SELECT 1 FROM participants WHERE conversation_id = p_conv AND agent_id = p_agent AND active)),
	ag AS (UPDATE agents SET last_assigned_at = p_now, last_activity_at = p_now WHERE id = p_agent)
	UPDATE conversations SET owner_id = p_agent, human_owned = true, claimed_at = p_now,
		owner_active_at = p_now, stale = false, queued_since = NULL, last_human_owner_id = p_agent,
		first_reply_at = NULL, bot_paused = w.pause_bot_on_claim,
		lock_holder_id = p_agent, human_lock = true,
		lock_acquired_at = CASE WHEN locking THEN p_now ELSE lock_acquired_at END,
		lock_expires_at = CASE WHEN locking THEN p_now + make_interval(secs => w.lock_grace_period_seconds) -- L6
			ELSE lock_expires_at END,
		state = to_state, version = version + 1, updated_at = p_wall
		WHERE id = p_conv RETURNING *;
END $$;

CREATE OR REPLACE FUNCTION switchboard_release(p_conv bigint, p_ws bigint, p_agent bigint,
	p_now timestamptz, p_wall timestamptz) RETURNS SETOF conversations LANGUAGE plpgsql AS $$
DECLARE
	c conversations%ROWTYPE;
	to_state varchar;
	unlocking boolean;
BEGIN
	SELECT * INTO c FROM conversations WHERE id = p_conv AND workspace_id = p_ws FOR NO KEY UPDATE;
	IF NOT FOUND OR NOT c.human_owned OR c.owner_id IS DISTINCT FROM p_agent THEN
		RETURN;
	END IF;
	-- §6: no human owns it now (desk.Lifecycle without agents).
	to_state := CASE WHEN c.state IN ('CLOSED', 'ON_HOLD') THEN c.state
		WHEN c.customer_present AND c.last_human_owner_id IS NULL THEN 'CREATED'
		WHEN c.customer_present THEN 'INACTIVE'
		ELSE 'CLOSING' END;
	IF to_state = 'CLOSING' AND c.state <> 'CLOSING' THEN -- housekeeping needs its timer
		RETURN;
	END IF;
	unlocking := c.lock_holder_id IS NOT DISTINCT FROM p_agent;
	RETURN QUERY WITH ev AS (
		INSERT INTO events (workspace_id, type, conversation_id, actor_id, subject_id, version, before, after, created_at)
		SELECT p_ws, e.type, p_conv, p_agent, e.subject, c.version + 1, e.before, e.after, p_wall FROM (
			SELECT 1 AS o, 'lock.released' AS type, p_agent AS subject, jsonb_build_object('holder', p_agent) AS before,
				jsonb_build_object('holder', NULL, 'reason', 'ownership dropped') AS after WHERE unlocking
			UNION ALL
			SELECT 2, 'conversation.released', p_agent, jsonb_build_object('owner', p_agent), jsonb_build_object('owner', NULL)
			UNION ALL
			SELECT 3, 'conversation.state_changed', NULL, jsonb_build_object('state', c.state), jsonb_build_object('state', to_state)
			WHERE to_state <> c.state
		) e ORDER BY e.o),
	part AS (UPDATE participants SET active = false, left_at = p_now WHERE conversation_id = p_conv AND agent_id = p_agent AND active)
	UPDATE conversations SET owner_id = NULL, human_owned = false, claimed_at = NULL, owner_active_at = NULL,
		stale = false, queued_since = p_now,
		lock_holder_id = CASE WHEN unlocking THEN NULL ELSE lock_holder_id END,
		human_lock = CASE WHEN unlocking THEN false ELSE human_lock END,
		lock_acquired_at = CASE WHEN unlocking THEN NULL ELSE lock_acquired_at END,
		lock_expires_at = CASE WHEN unlocking THEN NULL ELSE lock_expires_at END,
		state = to_state, version = version + 1, updated_at = p_wall
		WHERE id = p_conv RETURNING *;
END $$;
