// Package routing owns who may receive a conversation and who gets it next: channel permissions
// and capacity (R1, R2, C6), eligibility, the queue and auto-assignment (R3–R5, C9).
package routing

import (
	"context"
	stdsql "database/sql"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/agentchannel"
	"switchboard/ent/conversation"
	"switchboard/ent/predicate"
	"switchboard/ent/schema/enum"
	"switchboard/ent/workspace"
	"switchboard/internal/fault"
	"switchboard/internal/storage"
)

// Load is what an agent owns now, as the caps count it.
type Load struct {
	Open      int // open conversations owned (C6)
	OnChannel int // conversations counting against the channel's capacity (R2)
	Capacity  int // the agent's capacity on the channel; -1 when not permitted (R1)
}

// countsAgainstCaps selects the conversations owned by any of the humans ids that count against
// their caps: open, NEW or PENDING (C6, R2). It is the one definition of an agent's load: LoadOf
// and Loads count with it, and the Postgres hot path's claim
// (storage/migrations/postgres/…_hotpaths.sql, `load`) says the same in SQL, held to it by the
// desk's differential test (internal/desk/hotpath_diff_test.go: random histories, capacities
// and workspace settings on both paths, compared after every operation).
func countsAgainstCaps(ids ...int) predicate.Conversation {
	return conversation.And(conversation.OwnerIDIn(ids...), conversation.HumanOwned(true), conversation.IsOpen(true),
		conversation.StatusIn(enum.StatusNew, enum.StatusPending))
}

// countsOnChannel is R2 for one conversation that counts against the caps: NEW counts against
// its channel's capacity; PENDING and ON_HOLD only when the workspace says so.
func countsOnChannel(ws *ent.Workspace, st enum.Status, state enum.State) bool {
	return (st == enum.StatusNew || ws.CapacityCountsPending) && (state != enum.StateOnHold || ws.CapacityCountsOnHold)
}

// AgentLoad is what an agent owns now, on every channel.
type AgentLoad struct {
	Open      int                  // owned open conversations (C6)
	OnChannel map[enum.Channel]int // counting against each channel's capacity (R2)
}

// Loads counts the loads of agents ids in one grouped query.
func Loads(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, ids []int) (map[int]AgentLoad, error) {
	var rows []struct {
		OwnerID int          `json:"owner_id"`
		Channel enum.Channel `json:"channel"`
		Status  enum.Status  `json:"status"`
		State   enum.State   `json:"state"`
		Count   int          `json:"count"`
	}
	err := tx.Conversation.Query().Where(countsAgainstCaps(ids...)).
		GroupBy(conversation.FieldOwnerID, conversation.FieldChannel, conversation.FieldStatus, conversation.FieldState).
		Aggregate(ent.Count()).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("loads: %w", err)
	}
	out := make(map[int]AgentLoad, len(ids))
	for _, row := range rows {
		addLoad(out, ws, row.OwnerID, row.Channel, row.Status, row.State, row.Count)
	}
	return out, nil
}

// addLoad adds n of agent's conversations on ch with status st and state to loads.
func addLoad(loads map[int]AgentLoad, ws *ent.Workspace, agent int, ch enum.Channel, st enum.Status, state enum.State, n int) {
	l, ok := loads[agent]
	if !ok {
		l = AgentLoad{OnChannel: map[enum.Channel]int{}}
	}
	l.Open += n
	if countsOnChannel(ws, st, state) {
		l.OnChannel[ch] += n
	}
	loads[agent] = l
}

// locked is what a dispatch reads of the agents it chose once their rows are locked.
type locked struct {
	Loads   map[int]AgentLoad // their loads (R2, C6)
	Holders map[int]bool      // those holding a human lock (L2)
	Roster  int64             // the workspace's roster version (R3: what the roster said is still true)
}

// readLocked reads locked for agents ids of ws in one statement: the loads as Loads counts them,
// the lock holders and the roster's version. The caller has locked the agents' rows in an
// earlier statement, so this one sees every change committed before it got them.
func readLocked(ctx context.Context, tx *ent.Tx, dia string, ws *ent.Workspace, ids []int) (*locked, error) {
	c := entsql.Table(conversation.Table)
	loads := entsql.Dialect(dia).Select(c.C(conversation.FieldOwnerID), c.C(conversation.FieldChannel),
		c.C(conversation.FieldStatus), c.C(conversation.FieldState)).
		AppendSelectExpr(entsql.Expr("COUNT(*)"), entsql.Expr("'load'")).From(c).
		Where(entsql.EQ(c.C(conversation.FieldWorkspaceID), ws.ID))
	countsAgainstCaps(ids...)(loads)
	loads.GroupBy(c.C(conversation.FieldOwnerID), c.C(conversation.FieldChannel), c.C(conversation.FieldStatus), c.C(conversation.FieldState))
	h := entsql.Table(conversation.Table)
	holders := entsql.Dialect(dia).Select(h.C(conversation.FieldLockHolderID)).
		AppendSelectExpr(entsql.Expr("NULL"), entsql.Expr("NULL"), entsql.Expr("NULL"), entsql.Expr("0"), entsql.Expr("'lock'")).From(h).
		Where(entsql.And(entsql.EQ(h.C(conversation.FieldWorkspaceID), ws.ID), entsql.EQ(h.C(conversation.FieldHumanLock), true)))
	storage.IntsIn(conversation.FieldLockHolderID, ids)(holders)
	w := entsql.Table(workspace.Table)
	roster := entsql.Dialect(dia).Select().
		AppendSelectExpr(entsql.Expr("0"), entsql.Expr("NULL"), entsql.Expr("NULL"), entsql.Expr("NULL")).
		AppendSelect(w.C(workspace.FieldRosterVersion)).AppendSelectExpr(entsql.Expr("'roster'")).From(w).
		Where(entsql.EQ(w.C(workspace.FieldID), ws.ID))
	query, args := loads.UnionAll(holders).UnionAll(roster).Query()
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("loads: %w", err)
	}
	defer rows.Close()
	out := &locked{Loads: make(map[int]AgentLoad, len(ids)), Holders: map[int]bool{}, Roster: -1}
	for rows.Next() {
		var agent, n int64
		var ch, st, state stdsql.NullString
		var kind string
		if err := rows.Scan(&agent, &ch, &st, &state, &n, &kind); err != nil {
			return nil, fmt.Errorf("loads: %w", err)
		}
		switch kind {
		case "load":
			addLoad(out.Loads, ws, int(agent), enum.Channel(ch.String), enum.Status(st.String), enum.State(state.String), int(n))
		case "lock":
			out.Holders[int(agent)] = true
		case "roster":
			out.Roster = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loads: %w", err)
	}
	return out, nil
}

// LoadOf counts agentID's load for channel ch, in tx. Callers that then give ownership must hold
// the agent's row lock, so that concurrent assignments to one agent cannot both see room.
func LoadOf(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, agentID int, ch enum.Channel) (Load, error) {
	loads, err := Loads(ctx, tx, ws, []int{agentID})
	if err != nil {
		return Load{}, fmt.Errorf("load of agent %d: %w", agentID, err)
	}
	l := Load{Open: loads[agentID].Open, OnChannel: loads[agentID].OnChannel[ch], Capacity: -1}
	perm, err := tx.AgentChannel.Query().Where(agentchannel.AgentID(agentID), agentchannel.ChannelEQ(ch)).Only(ctx)
	switch {
	case err == nil:
		l.Capacity = perm.Capacity
	case !ent.IsNotFound(err):
		return Load{}, fmt.Errorf("capacity of agent %d: %w", agentID, err)
	}
	return l, nil
}

// CheckRoom fails unless agentID may take one more conversation on ch: permitted on the channel
// (R1, else FORBIDDEN), under maxClaimsPerAgent (C6) and under its channel capacity (R2), else
// CAPACITY_EXCEEDED with the limit in extensions. who names the agent in messages.
func CheckRoom(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, agentID int, ch enum.Channel, who string) error {
	return check(ctx, tx, ws, agentID, ch, who, true)
}

// CheckChannel is CheckRoom without maxClaimsPerAgent: for a conversation the agent owns already
// that starts counting on its channel again (resumed from hold, R2).
func CheckChannel(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, agentID int, ch enum.Channel, who string) error {
	return check(ctx, tx, ws, agentID, ch, who, false)
}

func check(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, agentID int, ch enum.Channel, who string, claims bool) error {
	l, err := LoadOf(ctx, tx, ws, agentID, ch)
	if err != nil {
		return err
	}
	switch {
	case l.Capacity < 0:
		return fault.New(fault.Forbidden, "%s: not permitted on %s; an admin can add the channel to the agent", who, ch).
			With("channel", string(ch))
	case claims && l.Open >= ws.MaxClaimsPerAgent:
		return overClaims(ws, who, l)
	case l.OnChannel >= l.Capacity:
		return fault.New(fault.CapacityExceeded, "%s: at capacity on %s (%d of %d); resolve or pend one first", who, ch, l.OnChannel, l.Capacity).
			With("limit", "channel").With("channel", string(ch)).With("capacity", l.Capacity).With("current", l.OnChannel)
	}
	return nil
}

// CheckClaims fails with CAPACITY_EXCEEDED unless agentID owns fewer than maxClaimsPerAgent open
// conversations (C6). It serves hand-overs to CLIENT_USERs, who work outside the channels (C11).
func CheckClaims(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, agentID int, ch enum.Channel, who string) error {
	l, err := LoadOf(ctx, tx, ws, agentID, ch)
	if err != nil {
		return err
	}
	if l.Open >= ws.MaxClaimsPerAgent {
		return overClaims(ws, who, l)
	}
	return nil
}

func overClaims(ws *ent.Workspace, who string, l Load) error {
	return fault.New(fault.CapacityExceeded, "%s: already owns %d open conversations, the workspace limit; resolve or release one first", who, l.Open).
		With("limit", "maxClaimsPerAgent").With("capacity", ws.MaxClaimsPerAgent).With("current", l.Open)
}
