-- switchboard_hot (20261204000001_hotpaths.sql) again, with one more case it declines: a release
-- of a conversation in which a human agent other than the releaser participates (a SUPER_ADMIN who
-- joined, C11). §6 counts every human agent who participates (desk.follow), so such a release
-- leaves the conversation ACTIVE (or CUSTOMER_LEFT, WRAP_UP), not INACTIVE as a release by the
-- only human in it does; the ordinary way decides it. A claim needs no such case: the claimer is a
-- human agent in it whoever else is, so the state it gives is the same. And a release of a
-- conversation that is not NEW or PENDING (a RESOLVED one keeps its owner; the ordinary way
-- refuses it, desk.releasable).
--
-- Named …_hotpaths as the first is, so that storage counts it among the hand-written files
-- (customFiles): a database made before versioned migrations runs it too, and
-- `go run ./cmd/migrations diff` leaves it out of its replay (a function returning conversations'
-- rows keeps Atlas from emptying its dev database).
CREATE OR REPLACE FUNCTION switchboard_hot(p_ws bigint, p_waiting text[],
	c_convs bigint[], c_agents bigint[], c_supervisors boolean[], c_nows timestamptz[], c_walls timestamptz[],
	r_convs bigint[], r_agents bigint[], r_nows timestamptz[], r_walls timestamptz[]) RETURNS SETOF conversations LANGUAGE plpgsql
	SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off SET enable_hashjoin = off
	SET enable_mergejoin = off AS $$
DECLARE
	w workspaces%ROWTYPE;
	n0 bigint;        -- the counter when the batch took it
	n bigint;         -- the last number given before this batch's own events
	held_elsewhere boolean; -- a claimer holds a lock on a conversation it does not claim (L3)
	k_convs bigint[]; -- the claims that go ahead, in batch order
	k_agents bigint[];
	k_locking boolean[];
	k_nows timestamptz[];
	k_walls timestamptz[];
	rel_ids bigint[]; -- L3: the locks those agents held elsewhere, released first
	rel_versions bigint[];
	rel_agents bigint[];
BEGIN
	IF cardinality(c_agents) > 0 THEN
		PERFORM 1 FROM agents WHERE id = ANY(c_agents) AND workspace_id IS NOT DISTINCT FROM p_ws ORDER BY id FOR NO KEY UPDATE;
	END IF;
	-- held_elsewhere: a claimer's lock on a conversation other than the one it claims.
	SELECT coalesce(bool_or(l.lock_holder_id = ANY(c_agents) AND l.human_lock
			AND l.lock_holder_id IS DISTINCT FROM c_agents[array_position(c_convs, l.id)]), false) INTO held_elsewhere
		FROM (SELECT id, lock_holder_id, human_lock FROM conversations
			WHERE id = ANY(c_convs || r_convs || ARRAY(SELECT id FROM conversations WHERE lock_holder_id = ANY(c_agents) AND human_lock))
				AND workspace_id IS NOT DISTINCT FROM p_ws
			ORDER BY id FOR NO KEY UPDATE) l;
	SELECT * INTO w FROM workspaces WHERE id = p_ws FOR NO KEY UPDATE;
	n0 := w.event_seq;
	n := n0;
	-- First the events committed before and not yet numbered: a conversation's earlier events
	-- must come before this batch's.
	IF EXISTS (SELECT 1 FROM events WHERE workspace_id = p_ws AND seq IS NULL) THEN
		n := n0 + switchboard_number_events(p_ws, n0);
	END IF;

	-- The claims' decision, each on its own (each agent and conversation once).
	IF cardinality(c_convs) > 0 THEN
		SELECT array_agg(r.conv ORDER BY r.o), array_agg(r.agent ORDER BY r.o), array_agg(c.lock_holder_id IS NULL ORDER BY r.o),
				array_agg(r.now ORDER BY r.o), array_agg(r.wall ORDER BY r.o)
			INTO k_convs, k_agents, k_locking, k_nows, k_walls
			FROM (SELECT *, count(*) OVER (PARTITION BY u.conv) AS n_conv, count(*) OVER (PARTITION BY u.agent) AS n_agent
				FROM unnest(c_convs, c_agents, c_supervisors, c_nows, c_walls) WITH ORDINALITY AS u(conv, agent, supervisor, now, wall, o)) r
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
					AND i.status = ANY(p_waiting)) -- I2
				AND load.n_open < w.max_claims_per_agent AND load.n_channel < ac.capacity;
		IF held_elsewhere AND k_convs IS NOT NULL THEN
			WITH released AS ( -- L3: an agent's previous lock goes first (L2's unique index)
				UPDATE conversations x SET lock_holder_id = NULL, human_lock = false, lock_acquired_at = NULL,
					lock_expires_at = NULL, version = x.version + 1, updated_at = k.wall
				FROM unnest(k_convs, k_agents, k_locking, k_walls) AS k(conv, agent, locking, wall)
				WHERE k.locking AND x.lock_holder_id = k.agent AND x.human_lock AND x.id <> k.conv
				RETURNING x.id, x.version, k.agent)
			SELECT array_agg(id ORDER BY id), array_agg(version ORDER BY id), array_agg(agent ORDER BY id)
				INTO rel_ids, rel_versions, rel_agents FROM released;
		END IF;
	END IF;

	-- Everything the batch writes, in one statement. The releases are decided here, after the L3
	-- releases above. Each operation's events get consecutive numbers after n, claims first, then
	-- releases, each kind in batch order, each operation's events in the order the desk appends them.
	RETURN QUERY WITH kc AS ( -- the claims that go ahead
		SELECT k.*, c.version, c.state, c.queued_since, rel.id AS rel_id, rel.version AS rel_version,
			-- §6: a human owns it now (desk.Lifecycle with agents and hadHuman; open, so not CLOSED),
			-- whoever else joined it (C11).
			CASE WHEN c.state = 'ON_HOLD' THEN c.state WHEN c.customer_present THEN 'ACTIVE'
				WHEN w.wrap_up_enabled THEN 'WRAP_UP' ELSE 'CUSTOMER_LEFT' END AS to_state,
			NOT EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = k.conv AND p.agent_id = k.agent AND p.active) AS joins
		FROM unnest(k_convs, k_agents, k_locking, k_nows, k_walls) WITH ORDINALITY AS k(conv, agent, locking, now, wall, o)
		CROSS JOIN LATERAL (SELECT * FROM conversations c WHERE c.id = k.conv OFFSET 0) c
		LEFT JOIN unnest(rel_ids, rel_versions, rel_agents) AS rel(id, version, agent) ON rel.agent = k.agent),
	kr AS ( -- the releases that go ahead: owned by the releaser, each conversation once
		SELECT r.*, c.version, c.state, c.lock_holder_id IS NOT DISTINCT FROM r.agent AS unlocking,
			-- §6: no human is in it now (declined below when one who joined is), one was
			-- (desk.Lifecycle without agents, with hadHuman).
			CASE WHEN c.state = 'ON_HOLD' THEN c.state ELSE 'INACTIVE' END AS to_state
		FROM (SELECT *, count(*) OVER (PARTITION BY u.conv) AS n_conv
			FROM unnest(r_convs, r_agents, r_nows, r_walls) WITH ORDINALITY AS u(conv, agent, now, wall, o)) r
		CROSS JOIN LATERAL (SELECT * FROM conversations c WHERE c.id = r.conv OFFSET 0) c
		WHERE r.n_conv = 1 AND c.workspace_id IS NOT DISTINCT FROM p_ws AND c.human_owned AND c.owner_id = r.agent
			-- Only what the differential test reaches: the desk names every human owner
			-- last_human_owner_id, and no human owns a closed conversation. The customer gone, the
			-- state would be CLOSING, whose housekeeping timer the ordinary way schedules.
			AND c.is_open AND c.status IN ('NEW', 'PENDING') AND c.last_human_owner_id IS NOT NULL
			AND (c.customer_present OR c.state = 'ON_HOLD')
			-- C11: a human who joined is still in it, so it stays ACTIVE (desk.follow): the ordinary way.
			AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = r.conv AND p.active AND p.kind = 'AGENT'
				AND p.agent_id <> r.agent)),
	ops AS ( -- both kinds, each operation with its number of events and the number before its first
		SELECT o.*, n + sum(o.n_events) OVER (ORDER BY o.releasing, o.o) - o.n_events AS base FROM (
			SELECT false AS releasing, kc.o, kc.conv, kc.agent, kc.now, kc.wall, kc.version, kc.state, kc.to_state,
				kc.locking, false AS unlocking, kc.queued_since, kc.rel_id, kc.rel_version, kc.joins,
				1 + (kc.rel_id IS NOT NULL)::int + kc.locking::int + (kc.to_state <> kc.state)::int AS n_events
			FROM kc
			UNION ALL
			SELECT true, kr.o, kr.conv, kr.agent, kr.now, kr.wall, kr.version, kr.state, kr.to_state,
				false, kr.unlocking, NULL, NULL, NULL, false, kr.unlocking::int + 1 + (kr.to_state <> kr.state)::int
			FROM kr
		) o),
	ev AS (
		INSERT INTO events (workspace_id, seq, type, conversation_id, actor_id, subject_id, version, before, after, duration_ms, created_at)
		SELECT p_ws, ops.base + e.i, e.type, e.conv, ops.agent, e.subject, e.version, e.before, e.after, e.duration, ops.wall
		FROM ops CROSS JOIN LATERAL (VALUES
			-- a claim: claimed, the L3 release, the lock, the state
			(NOT ops.releasing, 1, 'conversation.claimed', ops.conv, ops.agent, ops.version + 1, '{"owner": null}'::jsonb,
				jsonb_build_object('owner', ops.agent, 'bulk', false),
				-- §8 time-to-claim
				CASE WHEN ops.queued_since IS NOT NULL THEN greatest(floor(extract(epoch FROM ops.now - ops.queued_since) * 1000), 1)::bigint END),
			(ops.rel_id IS NOT NULL, 2, 'lock.released', ops.rel_id, ops.agent, ops.rel_version, jsonb_build_object('holder', ops.agent),
				'{"holder": null, "reason": "opened another conversation"}'::jsonb, NULL),
			(ops.locking, 2 + (ops.rel_id IS NOT NULL)::int, 'lock.acquired', ops.conv, ops.agent, ops.version + 1,
				'{"holder": null}'::jsonb, jsonb_build_object('holder', ops.agent), NULL),
			-- a release: the lock, released, the state
			(ops.unlocking, 1, 'lock.released', ops.conv, ops.agent, ops.version + 1, jsonb_build_object('holder', ops.agent),
				'{"holder": null, "reason": "ownership dropped"}'::jsonb, NULL),
			(ops.releasing, 1 + ops.unlocking::int, 'conversation.released', ops.conv, ops.agent, ops.version + 1,
				jsonb_build_object('owner', ops.agent), '{"owner": null}'::jsonb, NULL),
			(ops.to_state <> ops.state, ops.n_events, 'conversation.state_changed', ops.conv, NULL, ops.version + 1,
				jsonb_build_object('state', ops.state), jsonb_build_object('state', ops.to_state), NULL)
		) AS e(keep, i, type, conv, subject, version, before, after, duration)
		WHERE e.keep ORDER BY 2),
	counter AS (UPDATE workspaces SET event_seq = coalesce((SELECT max(ops.base + ops.n_events) FROM ops), n)
		WHERE id = p_ws AND (n > n0 OR EXISTS (SELECT 1 FROM ops))),
	joined AS (
		INSERT INTO participants (workspace_id, conversation_id, kind, agent_id, active, joined_at)
		SELECT p_ws, ops.conv, 'AGENT', ops.agent, true, ops.wall FROM ops WHERE NOT ops.releasing AND ops.joins),
	left_ AS (UPDATE participants p SET active = false, left_at = ops.now FROM ops
		WHERE p.conversation_id = ANY(r_convs) AND ops.releasing AND p.conversation_id = ops.conv AND p.agent_id = ops.agent AND p.active),
	assigned AS (UPDATE agents a SET last_assigned_at = ops.now, last_activity_at = ops.now
		FROM ops WHERE a.id = ANY(k_agents) AND NOT ops.releasing AND a.id = ops.agent)
	UPDATE conversations x SET
		owner_id = CASE WHEN ops.releasing THEN NULL ELSE ops.agent END,
		human_owned = NOT ops.releasing,
		claimed_at = CASE WHEN ops.releasing THEN NULL ELSE ops.now END,
		owner_active_at = CASE WHEN ops.releasing THEN NULL ELSE ops.now END,
		stale = false,
		queued_since = CASE WHEN ops.releasing THEN ops.now END,
		last_human_owner_id = CASE WHEN ops.releasing THEN x.last_human_owner_id ELSE ops.agent END,
		first_reply_at = CASE WHEN ops.releasing THEN x.first_reply_at END,
		bot_paused = CASE WHEN ops.releasing THEN x.bot_paused ELSE w.pause_bot_on_claim END,
		lock_holder_id = CASE WHEN NOT ops.releasing THEN ops.agent WHEN ops.unlocking THEN NULL ELSE x.lock_holder_id END,
		human_lock = CASE WHEN NOT ops.releasing THEN true WHEN ops.unlocking THEN false ELSE x.human_lock END,
		lock_acquired_at = CASE WHEN ops.locking THEN ops.now WHEN ops.unlocking THEN NULL ELSE x.lock_acquired_at END,
		lock_expires_at = CASE WHEN ops.locking THEN ops.now + make_interval(secs => w.lock_grace_period_seconds) -- L6
			WHEN ops.unlocking THEN NULL ELSE x.lock_expires_at END,
		state = ops.to_state, version = x.version + 1, updated_at = ops.wall
	FROM ops WHERE x.id = ANY(c_convs || r_convs) AND x.id = ops.conv RETURNING x.*;
END $$;
