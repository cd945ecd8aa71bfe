package events

import (
	"context"
	"slices"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/event"
	"switchboard/internal/tenant"
)

// Notice is what a notification tells its agent (graph's NotificationKind); "" when an event
// tells the agent nothing.
type Notice string

// The notifications of E2 (docs/api.md, notifications).
const (
	// NoticeLockStolen: another agent stole a lock the agent held (L5); the event's actor is the
	// stealer.
	NoticeLockStolen Notice = "LOCK_STOLEN"
	// NoticeReassigned: a reassignment made the agent the owner (C4), with the handoff note.
	NoticeReassigned Notice = "REASSIGNED_TO_YOU"
	// NoticeTransferred: a transfer to the agent made it the owner (C11), with the note.
	NoticeTransferred Notice = "TRANSFERRED_TO_YOU"
	// NoticeAssigned: routing gave the agent the conversation (C9, R5).
	NoticeAssigned Notice = "ASSIGNED_TO_YOU"
	// NoticeCustomerReplied: the customer wrote in a conversation the agent owns.
	NoticeCustomerReplied Notice = "CUSTOMER_REPLIED"
)

// Notices decides one agent's notifications from its workspace's events, handed in seq order. It
// follows what the agent owns through them, from what it owned at the cursor the events start
// after (Bus.Notices), so that a replay tells what the agent was told then (E3), not what the
// ownership of now would say. Not safe for concurrent use: a subscription hands its events one
// at a time.
type Notices struct {
	agent int
	owned map[int]bool
}

// NewNotices starts agent's notifications with the conversations it owns, whatever their status
// (a customer writing to a RESOLVED one reopens it to its owner, §6).
func NewNotices(agent int, owned []int) *Notices {
	n := &Notices{agent: agent, owned: make(map[int]bool, len(owned))}
	for _, c := range owned {
		n.owned[c] = true
	}
	return n
}

// Owned lists the conversations the agent owns as of the last event applied (Interest.Owned).
func (n *Notices) Owned() []int {
	out := make([]int, 0, len(n.owned))
	for c := range n.owned {
		out = append(out, c)
	}
	return out
}

// Apply follows e's ownership move, if any, and says what e tells the agent. Nobody is told of
// their own action (a supervisor reassigning a conversation to itself); a customer's message is
// never the agent's action.
func (n *Notices) Apply(e *ent.Event) Notice {
	if e.ConversationID == nil {
		return ""
	}
	c := *e.ConversationID
	if sets, owner := ownerAfter(e); sets {
		if owner == n.agent {
			n.owned[c] = true
		} else {
			delete(n.owned, c)
		}
	}
	// A customer's message is the customer's, whichever key the connector that stored it acts as
	// (an admin's own key, say): only the others are actions of the agent's own.
	if e.ActorID != nil && *e.ActorID == n.agent && e.Type != MessageReceived {
		return ""
	}
	switch e.Type {
	case LockStolen:
		if Int(e.Before, "holder") == n.agent && Int(e.After, "holder") != n.agent {
			return NoticeLockStolen
		}
	case ConversationReassigned, ConversationTransferred, ConversationAssigned:
		if Int(e.After, "owner") == n.agent {
			return map[string]Notice{ConversationReassigned: NoticeReassigned, ConversationTransferred: NoticeTransferred,
				ConversationAssigned: NoticeAssigned}[e.Type]
		}
	case MessageReceived:
		if n.owned[c] {
			return NoticeCustomerReplied
		}
	}
	return ""
}

// ownerAfter says whether e sets its conversation's owner, and to whom: after.owner, or the bot
// after.bot names when no human does (a bot's conversation reopened, an intervention requested
// or cancelled, a delegation).
func ownerAfter(e *ent.Event) (bool, int) {
	if !MovesOwnership(e) && e.Type != ConversationCreated {
		return false, 0
	}
	if o := Int(e.After, "owner"); o != 0 {
		return true, o
	}
	return true, Int(e.After, "bot")
}

// Notices starts agent's notifications in workspace ws for a subscription after the cursor
// after, and returns the cursor to stream from. Without a cursor it is the log's head: the
// subscription is live from now on, and the ownership it starts from is exactly that of the
// head (an ownership read first and a subscription registered later would miss what moved
// between). With one, the ownership is that at the cursor: the agent's conversations now, but
// for those whose ownership moved after the cursor, what their last move up to the cursor left.
// Only events' after values are read, as Apply reads them (a before may name someone else than
// the owner: a supervisor delegating a bot's conversation is its before.owner).
func (b *Bus) Notices(ctx context.Context, ws, agent int, after *int64) (*Notices, *int64, error) {
	sys := tenant.System(ctx)
	if after == nil {
		if err := b.sequence(ctx, ws); err != nil {
			return nil, nil, err
		}
		w, err := b.client.Workspace.Get(sys, ws)
		if err != nil {
			return nil, nil, err
		}
		head := w.EventSeq
		after = &head
	}
	// Now, then the moves after the cursor: a move committed in between is among the moves
	// (numbered before they are read), and what did not move since is as now says.
	// Open ones only: nothing is written to a CLOSED conversation (§6), and an agent's closed ones
	// are a year of history. One closed since the cursor counts among the moves (Archived).
	now, err := b.client.Conversation.Query().Where(conversation.WorkspaceID(ws), conversation.OwnerID(agent), conversation.IsOpen(true)).IDs(sys)
	if err != nil {
		return nil, nil, err
	}
	if err := b.sequence(ctx, ws); err != nil {
		return nil, nil, err
	}
	types := []string{ConversationCreated, Archived}
	for t := range ownershipTypes {
		types = append(types, t)
	}
	moved, err := b.client.Event.Query().
		Where(event.WorkspaceID(ws), event.SeqGT(*after), event.TypeIn(types...), event.ConversationIDNotNil()).
		Unique(true).Select(event.FieldConversationID).Ints(sys)
	if err != nil {
		return nil, nil, err
	}
	owned := map[int]bool{}
	skip := map[int]bool{}
	for _, c := range moved {
		skip[c] = true
	}
	for _, c := range now {
		if !skip[c] {
			owned[c] = true
		}
	}
	for page := range slices.Chunk(moved, 500) {
		then, err := b.client.Event.Query().
			Where(event.WorkspaceID(ws), event.ConversationIDIn(page...), event.SeqLTE(*after), event.TypeIn(types...)).
			Order(event.BySeq()).All(sys)
		if err != nil {
			return nil, nil, err
		}
		owner := map[int]int{}
		for _, e := range then {
			if sets, o := ownerAfter(e); sets {
				owner[*e.ConversationID] = o
			}
		}
		for c, o := range owner {
			if o == agent {
				owned[c] = true
			}
		}
	}
	ids := make([]int, 0, len(owned))
	for c := range owned {
		ids = append(ids, c)
	}
	return NewNotices(agent, ids), after, nil
}
