// Package routing owns who may receive a conversation and who gets it next: channel permissions
// and capacity (R1, R2, C6), eligibility, the queue and auto-assignment (R3–R5, C9).
package routing

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/agentchannel"
	"switchboard/ent/conversation"
	"switchboard/ent/predicate"
	"switchboard/ent/schema/enum"
	"switchboard/internal/fault"
)

// Load is what an agent owns now, as the caps count it.
type Load struct {
	Open      int // open conversations owned (C6)
	OnChannel int // conversations counting against the channel's capacity (R2)
	Capacity  int // the agent's capacity on the channel; -1 when not permitted (R1)
}

// owned selects the open conversations a human owns (C6: NEW and PENDING, not resolved).
func owned(agentID int) []predicate.Conversation {
	return []predicate.Conversation{
		conversation.OwnerID(agentID), conversation.HumanOwned(true), conversation.IsOpen(true),
		conversation.StatusIn(enum.StatusNew, enum.StatusPending),
	}
}

// LoadOf counts agentID's load for channel ch, in tx, in one query. Callers that then give
// ownership must hold the agent's row lock, so that concurrent assignments to one agent cannot
// both see room.
func LoadOf(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, agentID int, ch enum.Channel) (Load, error) {
	var rows []struct {
		Open      int           `sql:"open"`
		OnChannel int           `sql:"on_channel"`
		Capacity  sql.NullInt64 `sql:"capacity"`
	}
	err := tx.Conversation.Query().Where(owned(agentID)...).Modify(func(s *sql.Selector) {
		// R2 counts, among the owned ones, NEW on the channel; PENDING and ON_HOLD only when the
		// workspace says so.
		onChannel := []*sql.Predicate{sql.EQ(s.C(conversation.FieldChannel), string(ch))}
		if !ws.CapacityCountsPending {
			onChannel = append(onChannel, sql.EQ(s.C(conversation.FieldStatus), string(enum.StatusNew)))
		}
		if !ws.CapacityCountsOnHold {
			onChannel = append(onChannel, sql.NEQ(s.C(conversation.FieldState), string(enum.StateOnHold)))
		}
		capacity := sql.Select(agentchannel.FieldCapacity).From(sql.Table(agentchannel.Table)).
			Where(sql.And(sql.EQ(agentchannel.FieldAgentID, agentID), sql.EQ(agentchannel.FieldChannel, string(ch))))
		s.Select().
			AppendSelectExprAs(sql.Raw("COUNT(*)"), "open").
			AppendSelectExprAs(sql.ExprFunc(func(b *sql.Builder) {
				b.WriteString("COALESCE(SUM(CASE WHEN ").Join(sql.And(onChannel...)).WriteString(" THEN 1 ELSE 0 END), 0)")
			}), "on_channel").
			AppendSelectExprAs(sql.ExprFunc(func(b *sql.Builder) { b.Wrap(func(b *sql.Builder) { b.Join(capacity) }) }), "capacity")
	}).Scan(ctx, &rows)
	if err != nil {
		return Load{}, fmt.Errorf("load of agent %d: %w", agentID, err)
	}
	l := Load{Capacity: -1}
	if len(rows) == 1 {
		l.Open, l.OnChannel = rows[0].Open, rows[0].OnChannel
		if rows[0].Capacity.Valid {
			l.Capacity = int(rows[0].Capacity.Int64)
		}
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
