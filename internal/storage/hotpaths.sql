-- The desk's hot paths on Postgres: claims and releases that need nothing out of the ordinary,
-- decided and written a batch at a time, each batch in one statement (one round trip, one implicit
-- transaction) where the ordinary way takes a dozen per operation.
--
-- A batch is one workspace's claims and releases that arrived together (desk/hotpath.go), called
-- through switchboard_hot (at the end); each operation is decided on its own, exactly as
-- desk.Claim / desk.Release decide it, and writes the same rows and events. An operation that is
-- not the ordinary case (a conflict, a lock held by someone else, a cap, a pool, a bot, an
-- intervention, a timer to schedule) gets no row back and has nothing written for it: the desk then
-- runs it its ordinary way, which decides it from scratch. desk's TestHotPathsMatch and
-- TestHotPathBatches run both ways on twin conversations and compare rows and events.
--
-- Each statement inside a PL/pgSQL function takes a fresh snapshot (READ COMMITTED), so what is read
-- after the row locks sees every commit made before they were granted. Every row is found by its
-- key (LATERAL … OFFSET 0 keeps each lookup per operation; "workspace_id IS NOT DISTINCT FROM"
-- confirms the workspace without offering its index; enable_seqscan is off inside the batch, as a
-- small, much-updated table's statistics must never turn a lookup into a scan of its dead rows).
-- As the lookups do not depend on the batch's values, the statements keep their generic plans:
-- planning them afresh for each batch cost more than running them (0.5 ms of a 1 ms claim,
-- measured).
--
-- p_nows are the desk's clock at each operation (claimed_at, lock times, durations); p_walls the
-- wall clock that ent's defaults use (created_at, updated_at, joined_at); p_seq the number the
-- operation's first event follows (E3; NULL leaves the numbering to the bus).

DROP FUNCTION IF EXISTS switchboard_claim(bigint, bigint, bigint, boolean, timestamptz, timestamptz);
DROP FUNCTION IF EXISTS switchboard_release(bigint, bigint, bigint, timestamptz, timestamptz);
DROP FUNCTION IF EXISTS switchboard_claim(bigint, bigint[], bigint[], boolean[], timestamptz[], timestamptz[]);
DROP FUNCTION IF EXISTS switchboard_release(bigint, bigint[], bigint[], timestamptz[], timestamptz[]);

-- A batch's claims (each agent and conversation once); switchboard_hot holds the row locks.
CREATE OR REPLACE FUNCTION switchboard_claim(p_ws bigint, p_convs bigint[], p_agents bigint[], p_supervisors boolean[],
	p_nows timestamptz[], p_walls timestamptz[], p_seq bigint) RETURNS SETOF conversations LANGUAGE plpgsql AS $$
DECLARE
	w workspaces%ROWTYPE;
	k_convs bigint[];   -- the operations that go ahead, in batch order
	k_agents bigint[];
	k_locking boolean[];
	k_nows timestamptz[];
	k_walls timestamptz[];
	rel_ids bigint[];   -- L3: the locks those agents held elsewhere, released first
	rel_versions bigint[];
	rel_agents bigint[];
BEGIN
	SELECT * INTO w FROM workspaces WHERE id = p_ws;
	SELECT array_agg(r.conv ORDER BY r.o), array_agg(r.agent ORDER BY r.o), array_agg(c.lock_holder_id IS NULL ORDER BY r.o),
			array_agg(r.now ORDER BY r.o), array_agg(r.wall ORDER BY r.o)
		INTO k_convs, k_agents, k_locking, k_nows, k_walls
		FROM (SELECT *, count(*) OVER (PARTITION BY u.conv) AS n_conv, count(*) OVER (PARTITION BY u.agent) AS n_agent
			FROM unnest(p_convs, p_agents, p_supervisors, p_nows, p_walls) WITH ORDINALITY AS u(conv, agent, supervisor, now, wall, o)) r
		CROSS JOIN LATERAL (SELECT * FROM conversations c WHERE c.id = r.conv OFFSET 0) c
		-- C6, R1, R2: as routing.LoadOf counts (an agent's conversations are its workspace's).
		JOIN agent_channels ac ON ac.agent_id = r.agent AND ac.channel = c.channel AND ac.workspace_id IS NOT DISTINCT FROM p_ws
		CROSS JOIN LATERAL (SELECT count(*) AS n_open, count(*) FILTER (WHERE l.channel = c.channel
				AND (w.capacity_counts_pending OR l.status = 'NEW') AND (w.capacity_counts_on_hold OR l.state <> 'ON_HOLD')) AS n_channel
			FROM conversations l WHERE l.owner_id = r.agent AND l.human_owned AND l.is_open AND l.status IN ('NEW', 'PENDING')) load
		WHERE r.n_conv = 1 AND r.n_agent = 1 AND c.workspace_id IS NOT DISTINCT FROM p_ws
			-- L1, C1 (unowned only: a bot's conversation is a takeover), L4, C7 (pools).
			AND c.is_open AND c.status IN ('NEW', 'PENDING') AND c.owner_id IS NULL
			AND (c.lock_holder_id IS NULL OR (c.lock_holder_id = r.agent AND c.human_lock))
			AND jsonb_array_length(c.tags) = 0
			AND (w.self_assignment <> 'ROUTING_ONLY' OR r.supervisor) -- C10
			AND NOT EXISTS (SELECT 1 FROM interventions i WHERE i.conversation_id = r.conv
				AND i.status IN ('REQUESTED', 'RETURNED', 'TAKEN_OVER')) -- I2
			AND load.n_open < w.max_claims_per_agent AND load.n_channel < ac.capacity;
	IF k_convs IS NULL THEN
		RETURN;
	END IF;
	WITH released AS ( -- L3: an agent's previous lock goes first (L2's unique index)
		UPDATE conversations x SET lock_holder_id = NULL, human_lock = false, lock_acquired_at = NULL,
			lock_expires_at = NULL, version = x.version + 1, updated_at = k.wall
		FROM unnest(k_convs, k_agents, k_locking, k_walls) AS k(conv, agent, locking, wall)
		WHERE k.locking AND x.lock_holder_id = k.agent AND x.human_lock AND x.id <> k.conv
		RETURNING x.id, x.version, k.agent)
	SELECT array_agg(id ORDER BY id), array_agg(version ORDER BY id), array_agg(agent ORDER BY id)
		INTO rel_ids, rel_versions, rel_agents FROM released;
	-- The writes, in one statement. Events keep the order the desk appends them in, operation by operation.
	RETURN QUERY WITH k AS (
		SELECT k.*, c.version, c.state, c.queued_since,
			-- §6: a human owns it now (desk.Lifecycle with agents and hadHuman).
			CASE WHEN c.state IN ('CLOSED', 'ON_HOLD') THEN c.state WHEN c.customer_present THEN 'ACTIVE'
				WHEN w.wrap_up_enabled THEN 'WRAP_UP' ELSE 'CUSTOMER_LEFT' END AS to_state
		FROM unnest(k_convs, k_agents, k_locking, k_nows, k_walls) WITH ORDINALITY AS k(conv, agent, locking, now, wall, o)
		CROSS JOIN LATERAL (SELECT * FROM conversations c WHERE c.id = k.conv OFFSET 0) c),
	ev AS (
		INSERT INTO events (workspace_id, seq, type, conversation_id, actor_id, subject_id, version, before, after, duration_ms, created_at)
		SELECT p_ws, p_seq + row_number() OVER (ORDER BY e.o, e.eo, e.ro), e.type, e.conv, e.agent, e.subject, e.version, e.before,
			e.after, e.duration, e.wall FROM (
			SELECT k.o, 1 AS eo, 0::bigint AS ro, 'conversation.claimed' AS type, k.conv, k.agent, k.agent AS subject,
				k.version + 1 AS version, jsonb_build_object('owner', NULL) AS before,
				jsonb_build_object('owner', k.agent, 'bulk', false) AS after,
				-- §8 time-to-claim
				CASE WHEN k.queued_since IS NOT NULL THEN greatest(floor(extract(epoch FROM k.now - k.queued_since) * 1000), 1)::bigint
					END AS duration, k.wall
			FROM k
			UNION ALL
			SELECT k.o, 2, r.id, 'lock.released', r.id, k.agent, k.agent, r.version, jsonb_build_object('holder', k.agent),
				jsonb_build_object('holder', NULL, 'reason', 'opened another conversation'), NULL, k.wall
			FROM k JOIN unnest(rel_ids, rel_versions, rel_agents) AS r(id, version, agent) ON r.agent = k.agent
			UNION ALL
			SELECT k.o, 3, 0, 'lock.acquired', k.conv, k.agent, k.agent, k.version + 1, jsonb_build_object('holder', NULL),
				jsonb_build_object('holder', k.agent), NULL, k.wall FROM k WHERE k.locking
			UNION ALL
			SELECT k.o, 4, 0, 'conversation.state_changed', k.conv, k.agent, NULL, k.version + 1, jsonb_build_object('state', k.state),
				jsonb_build_object('state', k.to_state), NULL, k.wall FROM k WHERE k.to_state <> k.state
		) e ORDER BY e.o, e.eo, e.ro),
	part AS (
		INSERT INTO participants (workspace_id, conversation_id, kind, agent_id, active, joined_at)
		SELECT p_ws, k.conv, 'AGENT', k.agent, true, k.wall FROM k
		WHERE NOT EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = k.conv AND p.agent_id = k.agent AND p.active)),
	ag AS (UPDATE agents a SET last_assigned_at = k.now, last_activity_at = k.now FROM k WHERE a.id = ANY(k_agents) AND a.id = k.agent)
	UPDATE conversations x SET owner_id = k.agent, human_owned = true, claimed_at = k.now,
		owner_active_at = k.now, stale = false, queued_since = NULL, last_human_owner_id = k.agent,
		first_reply_at = NULL, bot_paused = w.pause_bot_on_claim,
		lock_holder_id = k.agent, human_lock = true,
		lock_acquired_at = CASE WHEN k.locking THEN k.now ELSE x.lock_acquired_at END,
		lock_expires_at = CASE WHEN k.locking THEN k.now + make_interval(secs => w.lock_grace_period_seconds) -- L6
			ELSE x.lock_expires_at END,
		state = k.to_state, version = x.version + 1, updated_at = k.wall
		FROM k WHERE x.id = ANY(k_convs) AND x.id = k.conv RETURNING x.*;
END $$;

-- A batch's releases (each conversation once); switchboard_hot holds the row locks.
CREATE OR REPLACE FUNCTION switchboard_release(p_ws bigint, p_convs bigint[], p_agents bigint[],
	p_nows timestamptz[], p_walls timestamptz[], p_seq bigint) RETURNS SETOF conversations LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY WITH k AS (
		SELECT r.*, c.version, c.state, c.lock_holder_id IS NOT DISTINCT FROM r.agent AS unlocking,
			-- §6: no human owns it now (desk.Lifecycle without agents).
			CASE WHEN c.state IN ('CLOSED', 'ON_HOLD') THEN c.state
				WHEN c.customer_present AND c.last_human_owner_id IS NULL THEN 'CREATED'
				WHEN c.customer_present THEN 'INACTIVE'
				ELSE 'CLOSING' END AS to_state
		FROM (SELECT *, count(*) OVER (PARTITION BY u.conv) AS n_conv
			FROM unnest(p_convs, p_agents, p_nows, p_walls) WITH ORDINALITY AS u(conv, agent, now, wall, o)) r
		CROSS JOIN LATERAL (SELECT * FROM conversations c WHERE c.id = r.conv OFFSET 0) c
		WHERE r.n_conv = 1 AND c.workspace_id IS NOT DISTINCT FROM p_ws AND c.human_owned AND c.owner_id = r.agent),
	ok AS (SELECT * FROM k WHERE NOT (k.to_state = 'CLOSING' AND k.state <> 'CLOSING')), -- housekeeping needs its timer
	ev AS (
		INSERT INTO events (workspace_id, seq, type, conversation_id, actor_id, subject_id, version, before, after, created_at)
		SELECT p_ws, p_seq + row_number() OVER (ORDER BY e.o, e.eo), e.type, e.conv, e.agent, e.subject, e.version, e.before,
			e.after, e.wall FROM (
			SELECT ok.o, 1 AS eo, 'lock.released' AS type, ok.conv, ok.agent, ok.agent AS subject, ok.version + 1 AS version,
				jsonb_build_object('holder', ok.agent) AS before,
				jsonb_build_object('holder', NULL, 'reason', 'ownership dropped') AS after, ok.wall FROM ok WHERE ok.unlocking
			UNION ALL
			SELECT ok.o, 2, 'conversation.released', ok.conv, ok.agent, ok.agent, ok.version + 1, jsonb_build_object('owner', ok.agent),
				jsonb_build_object('owner', NULL), ok.wall FROM ok
			UNION ALL
			SELECT ok.o, 3, 'conversation.state_changed', ok.conv, ok.agent, NULL, ok.version + 1, jsonb_build_object('state', ok.state),
				jsonb_build_object('state', ok.to_state), ok.wall FROM ok WHERE ok.to_state <> ok.state
		) e ORDER BY e.o, e.eo),
	part AS (UPDATE participants p SET active = false, left_at = ok.now FROM ok
		WHERE p.conversation_id = ANY(p_convs) AND p.conversation_id = ok.conv AND p.agent_id = ok.agent AND p.active)
	UPDATE conversations x SET owner_id = NULL, human_owned = false, claimed_at = NULL, owner_active_at = NULL,
		stale = false, queued_since = ok.now,
		lock_holder_id = CASE WHEN ok.unlocking THEN NULL ELSE x.lock_holder_id END,
		human_lock = CASE WHEN ok.unlocking THEN false ELSE x.human_lock END,
		lock_acquired_at = CASE WHEN ok.unlocking THEN NULL ELSE x.lock_acquired_at END,
		lock_expires_at = CASE WHEN ok.unlocking THEN NULL ELSE x.lock_expires_at END,
		state = ok.to_state, version = x.version + 1, updated_at = ok.wall
		FROM ok WHERE x.id = ANY(p_convs) AND x.id = ok.conv RETURNING x.*;
END $$;

-- The bus's numbering pass (events/sequence.go) and the batches' (below): numbers workspace p_ws's
-- committed, unnumbered events in id order after p_seq, and says how many. The caller holds the
-- workspace's counter and moves it. PL/pgSQL keeps the statement's plan for the session; a SQL
-- function would plan it again at every call (0.1 ms more Postgres time per claim+release pair in
-- the claim benchmark).
CREATE OR REPLACE FUNCTION switchboard_number_events(p_ws bigint, p_seq bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	UPDATE events SET seq = p_seq + t.rn
		FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM events WHERE workspace_id = p_ws AND seq IS NULL) t
		WHERE events.id = t.id;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

-- A batch of claims and releases together, in one statement: the claims are decided first, then the
-- releases (each conversation is in a batch once, so no operation sees another's conversation except
-- through a claimer's L3 release, as when the desk runs a claim before a release). All the row locks
-- are taken here first, in the desk's order (the claimers' agent rows, then every conversation the
-- batch may write, each kind in id order), so two batches never deadlock one another.
--
-- The batch numbers its own events (E3): it takes the workspace's event counter last, after the
-- rows it decides on, numbers the events committed before it that are not numbered yet, then its
-- own as it writes them, and holds the counter to its commit; so its numbers follow every event
-- committed before (a conversation's earlier events come first) and precede every number given
-- after, as the bus's sequencer (events/sequence.go) would have numbered them; the sequencer
-- waits on the same counter. Numbered at insert, an event is written once, not inserted and then
-- updated with its number.
CREATE OR REPLACE FUNCTION switchboard_hot(p_ws bigint,
	c_convs bigint[], c_agents bigint[], c_supervisors boolean[], c_nows timestamptz[], c_walls timestamptz[],
	r_convs bigint[], r_agents bigint[], r_nows timestamptz[], r_walls timestamptz[]) RETURNS SETOF conversations LANGUAGE plpgsql
	SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
DECLARE
	n0 bigint; -- the counter when the batch took it
	n bigint;  -- the last number given
BEGIN
	PERFORM 1 FROM agents WHERE id = ANY(c_agents) AND workspace_id IS NOT DISTINCT FROM p_ws ORDER BY id FOR NO KEY UPDATE;
	PERFORM 1 FROM conversations
		WHERE id = ANY(c_convs || r_convs || ARRAY(SELECT id FROM conversations WHERE lock_holder_id = ANY(c_agents) AND human_lock))
			AND workspace_id IS NOT DISTINCT FROM p_ws
		ORDER BY id FOR NO KEY UPDATE;
	SELECT event_seq INTO n0 FROM workspaces WHERE id = p_ws FOR NO KEY UPDATE;
	-- First the events committed before and not yet numbered: a conversation's earlier events
	-- must come before this batch's.
	n := n0 + switchboard_number_events(p_ws, n0);
	IF cardinality(c_convs) > 0 THEN
		RETURN QUERY SELECT * FROM switchboard_claim(p_ws, c_convs, c_agents, c_supervisors, c_nows, c_walls, n);
		SELECT coalesce(max(e.seq), n) INTO n FROM events e WHERE e.workspace_id = p_ws AND e.seq > n;
	END IF;
	IF cardinality(r_convs) > 0 THEN
		RETURN QUERY SELECT * FROM switchboard_release(p_ws, r_convs, r_agents, r_nows, r_walls, n);
		SELECT coalesce(max(e.seq), n) INTO n FROM events e WHERE e.workspace_id = p_ws AND e.seq > n;
	END IF;
	IF n > n0 THEN
		UPDATE workspaces SET event_seq = n WHERE id = p_ws;
	END IF;
END $$;
