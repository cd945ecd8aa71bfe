// Package routing owns who may receive a conversation and who gets it next: channel permissions
// and capacity (R1, R2, C6), eligibility, the queue and auto-assignment (R3–R5, C9).
package routing

import (
	"context"
	"fmt"

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

// countsAgainstChannel selects, among owned ones, those R2 counts: NEW always; PENDING and
// ON_HOLD only when the workspace says so.
func countsAgainstChannel(ws *ent.Workspace, ch enum.Channel) []predicate.Conversation {
	ps := []predicate.Conversation{conversation.ChannelEQ(ch)}
	if !ws.CapacityCountsPending {
		ps = append(ps, conversation.StatusEQ(enum.StatusNew))
	}
	if !ws.CapacityCountsOnHold {
		ps = append(ps, conversation.StateNEQ(enum.StateOnHold))
	}
	return ps
}

// LoadOf counts agentID's load for channel ch, in tx. Callers that then give ownership must hold
// the agent's row lock, so that concurrent assignments to one agent cannot both see room.
func LoadOf(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, agentID int, ch enum.Channel) (Load, error) {
	var l Load
	var err error
	base := owned(agentID)
	if l.Open, err = tx.Conversation.Query().Where(base...).Count(ctx); err != nil {
		return l, fmt.Errorf("count owned: %w", err)
	}
	if l.OnChannel, err = tx.Conversation.Query().Where(append(base, countsAgainstChannel(ws, ch)...)...).Count(ctx); err != nil {
		return l, fmt.Errorf("count owned on channel: %w", err)
	}
	perm, err := tx.AgentChannel.Query().Where(agentchannel.AgentID(agentID), agentchannel.ChannelEQ(ch)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		l.Capacity = -1
	case err != nil:
		return l, fmt.Errorf("channel capacity: %w", err)
	default:
		l.Capacity = perm.Capacity
	}
	return l, nil
}

// CheckRoom fails unless agentID may take one more conversation on ch: permitted on the channel
// (R1, else FORBIDDEN), under its channel capacity (R2) and under maxClaimsPerAgent (C6), else
// CAPACITY_EXCEEDED with the limit in extensions. who names the agent in messages.
func CheckRoom(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, agentID int, ch enum.Channel, who string) error {
	l, err := LoadOf(ctx, tx, ws, agentID, ch)
	if err != nil {
		return err
	}
	switch {
	case l.Capacity < 0:
		return fault.New(fault.Forbidden, "%s: not permitted on %s; an admin can add the channel to the agent", who, ch).
			With("channel", string(ch))
	case l.Open >= ws.MaxClaimsPerAgent:
		return fault.New(fault.CapacityExceeded, "%s: already owns %d open conversations, the workspace limit; resolve or release one first", who, l.Open).
			With("limit", "maxClaimsPerAgent").With("capacity", ws.MaxClaimsPerAgent).With("current", l.Open)
	case l.OnChannel >= l.Capacity:
		return fault.New(fault.CapacityExceeded, "%s: at capacity on %s (%d of %d); resolve or pend one first", who, ch, l.OnChannel, l.Capacity).
			With("limit", "channel").With("channel", string(ch)).With("capacity", l.Capacity).With("current", l.OnChannel)
	}
	return nil
}
