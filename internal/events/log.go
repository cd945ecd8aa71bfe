// Package events owns the event log (E1): every change appends its events in the transaction that
// makes it, and the log is the audit trail and the source of all live updates.
package events

import (
	"context"
	"fmt"
	"time"

	"switchboard/ent"
)

// Event types. Dotted names: the subject, then what happened to it.
const (
	ConversationCreated  = "conversation.created"
	ConversationReopened = "conversation.reopened"
	MessageReceived      = "message.received"
	MessageSent          = "message.sent"
	NoteAdded            = "note.added"
	LockAcquired         = "lock.acquired"
	LockReleased         = "lock.released"
	LockStolen           = "lock.stolen"
	ConversationClaimed  = "conversation.claimed"
	ConversationReleased = "conversation.released"
	// ConversationReassigned carries the handoff note; its subject is the new owner.
	ConversationReassigned    = "conversation.reassigned"
	ConversationForceReleased = "conversation.force_released"
	ConversationAutoReleased  = "conversation.auto_released"
	// ConversationAssigned: routing gave the conversation to its subject (R4, C9).
	ConversationAssigned = "conversation.assigned"
	// ConversationTransferred: to an agent (subject) or a team (after.team, back to the queue) (C11).
	ConversationTransferred = "conversation.transferred"
	ConversationJoined      = "conversation.joined"
	// ConversationLeft: a participant who joined (subject, C11) left; ownership and loads stay.
	ConversationLeft     = "conversation.left"
	ConversationPended   = "conversation.pended"
	ConversationResolved = "conversation.resolved"
	ClaimStale           = "claim.stale"
	// CapOverridden audits a supervisor's force: true past a cap (SPEC §12).
	CapOverridden    = "cap.overridden"
	AgentCreated     = "agent.created"
	AgentUpdated     = "agent.updated"
	PresenceChanged  = "agent.presence_changed"
	WorkspaceUpdated = "workspace.updated"
	APIKeyCreated    = "apikey.created"
	APIKeyRevoked    = "apikey.revoked"
	TeamCreated      = "team.created"
	PoolCreated      = "pool.created"
	// ViewerJoined and ViewerLeft: the subject opened or left the conversation's view (SPEC §12
	// Conversation.viewers); they carry the conversation's version without changing it.
	ViewerJoined = "viewer.joined"
	ViewerLeft   = "viewer.left"
)

// HandedAsClaim is the key, true in a reassignment's or transfer's after, when the new owner is a
// human and no human owned the conversation before (from the queue or a bot): §8 counts it as the
// new owner's claim, timed when it was waiting in the queue.
const HandedAsClaim = "claim"

// Ref is an agent id as event payloads carry it: nil for none (0).
func Ref(id int) any {
	if id == 0 {
		return nil
	}
	return id
}

// Entry is an event to append. WorkspaceID and Type are required.
type Entry struct {
	WorkspaceID    int
	Type           string
	ConversationID int // 0: not about a conversation
	ActorID        int // 0: the system or a customer
	SubjectID      int // 0: none
	Version        int
	Before, After  map[string]any
	// Duration is what §8 averages (time-to-claim, first response); 0: none.
	Duration time.Duration
}

// Append writes entries in tx and has the bus sequence and announce them once tx commits (never
// before: a rolled-back change publishes nothing). Writers take no shared lock: the events are
// numbered after the commit (see Event).
func (b *Bus) Append(ctx context.Context, tx *ent.Tx, entries ...Entry) error {
	if len(entries) == 0 {
		return nil
	}
	builders := make([]*ent.EventCreate, len(entries))
	for i, e := range entries {
		if e.WorkspaceID == 0 || e.Type == "" {
			return fmt.Errorf("events: entry %d lacks workspace or type", i)
		}
		c := tx.Event.Create().SetWorkspaceID(e.WorkspaceID).SetType(e.Type).SetVersion(e.Version)
		if e.ConversationID != 0 {
			c.SetConversationID(e.ConversationID)
		}
		if e.ActorID != 0 {
			c.SetActorID(e.ActorID)
		}
		if e.SubjectID != 0 {
			c.SetSubjectID(e.SubjectID)
		}
		if e.Before != nil {
			c.SetBefore(e.Before)
		}
		if e.After != nil {
			c.SetAfter(e.After)
		}
		if e.Duration > 0 {
			c.SetDurationMs(e.Duration.Milliseconds())
		}
		builders[i] = c
	}
	if err := tx.Event.CreateBulk(builders...).Exec(ctx); err != nil {
		return fmt.Errorf("events: append: %w", err)
	}
	if b != nil {
		tx.OnCommit(func(next ent.Committer) ent.Committer {
			return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
				err := next.Commit(ctx, tx)
				if err == nil {
					b.Announce(entries)
				}
				return err
			})
		})
	}
	return nil
}

// Announce tells the bus that entries are committed: it sequences and delivers them, and its
// watchers see them. Append does it after its transaction commits.
func (b *Bus) Announce(entries []Entry) { b.announce(entries, false) }

// AnnounceNumbered is Announce for events numbered as they were written (the desk's hot paths on
// Postgres, which call it after their statement returns).
func (b *Bus) AnnounceNumbered(entries []Entry) { b.announce(entries, true) }

func (b *Bus) announce(entries []Entry, numbered bool) {
	if b == nil {
		return
	}
	seen := map[int]bool{}
	for _, e := range entries {
		if !seen[e.WorkspaceID] {
			seen[e.WorkspaceID] = true
			b.committed(e.WorkspaceID, numbered)
		}
	}
	b.notifyWatchers(entries)
}

// StateChanged: the conversation's lifecycle state moved (§6); before/after carry "state".
const StateChanged = "conversation.state_changed"

// FirstResponse: the owner's first reply since it got the conversation (§8), with its Duration.
const FirstResponse = "conversation.first_response"

// SLABreached: nobody answered the customer within the first-response SLA (§6, §8 queueStats).
const SLABreached = "sla.breached"

// CustomerLeft: the customer's channel sessions ended (§6); CustomerReturned: they wrote again.
// CustomerJoinedChannel and CustomerLeftChannel: a customer still in the conversation began or
// ended a session on another channel (after.channel).
const (
	CustomerLeft          = "customer.left"
	CustomerReturned      = "customer.returned"
	CustomerJoinedChannel = "customer.joined_channel"
	CustomerLeftChannel   = "customer.left_channel"
	// CustomersMerged: a supervisor made one customer of two (mergeCustomers): before.customer
	// was removed, its handles and conversations are after.customer's. Of no conversation.
	CustomersMerged = "customer.merged"
	// Archived: housekeeping stored the conversation's activity; it is CLOSED and read-only (§6).
	Archived = "conversation.archived"
)

// Interventions and delegation (I2–I6).
const (
	InterventionRequested = "intervention.requested"
	// InterventionTakenOver: a human took the conversation from the bot (subject), by takeover,
	// claim or routing.
	InterventionTakenOver  = "intervention.taken_over"
	InterventionCancelled  = "intervention.cancelled"
	InterventionReturned   = "intervention.returned"
	InterventionCompleted  = "intervention.completed"
	ConversationDelegated  = "conversation.delegated"
	ConversationHandedBack = "conversation.handed_back"
)
