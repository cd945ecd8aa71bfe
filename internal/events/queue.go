package events

import (
	"fmt"
	"maps"
	"slices"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
)

// QueueChange is how an event changed a live queue (myQueue, the inbox); "" when it did not
// concern it.
type QueueChange string

// The changes a queue subscriber is told (graph's QueueEventKind).
const (
	QueueAdded   QueueChange = "ADDED"
	QueueRemoved QueueChange = "REMOVED"
	QueueUpdated QueueChange = "UPDATED"
)

// Membership decides, from an event, whether the event's conversation is in a queue after it;
// decided is false when the event says nothing about that (a message, a lock change).
type Membership func(e *ent.Event) (in, decided bool)

// AgentQueue is the membership of agent's own queue: the open conversations it owns.
func AgentQueue(agent int) Membership {
	return func(e *ent.Event) (bool, bool) {
		switch {
		case MovesOwnership(e):
			return Int(e.After, "owner") == agent && queued(e), true
		case e.Type == ConversationResolved, closes(e):
			return false, true
		}
		return false, false
	}
}

// queued says whether an ownership move left its conversation where queues hold it: NEW or
// PENDING, which its after says otherwise (a RESOLVED conversation given back to a bot).
func queued(e *ent.Event) bool {
	st, ok := e.After["status"]
	return !ok || fmt.Sprint(st) == string(enum.StatusNew) || fmt.Sprint(st) == string(enum.StatusPending)
}

// closes reports whether e is its conversation's closing (§6 CLOSED: read-only, in no queue).
func closes(e *ent.Event) bool {
	return e.Type == StateChanged && fmt.Sprint(e.After["state"]) == string(enum.StateClosed)
}

// Inbox is the membership of the shared inbox: open conversations no human owns (a bot's are
// unclaimed to humans, C1). human says whether an owner is a human agent.
func Inbox(human func(agent int) bool) Membership {
	return func(e *ent.Event) (bool, bool) {
		switch {
		case e.Type == ConversationCreated:
			return true, true // created bot-owned or queued: unclaimed to humans (C1)
		case MovesOwnership(e):
			owner := Int(e.After, "owner")
			return (owner == 0 || !human(owner)) && queued(e), true
		case e.Type == ConversationResolved, closes(e): // housekeeping closes bots' and unowned ones
			return false, true
		}
		return false, false
	}
}

// Queue is a live queue's conversations, moved by the events its subscriber is handed in order.
type Queue struct {
	members map[int]bool
	in      Membership
	// resumed is non-nil while a subscriber resuming from a cursor has not passed head, the log's
	// head when members was read: members is then ahead of the subscriber's queue (E3).
	resumed map[int]bool
	head    int64
}

// NewQueue starts a queue with its members as read from the database.
func NewQueue(members []int, in Membership) *Queue {
	q := &Queue{members: make(map[int]bool, len(members)), in: in}
	for _, id := range members {
		q.members[id] = true
	}
	return q
}

// Resume says that the subscriber's queue is as of an older cursor, and that the members were
// read when the log's head was head.
func (q *Queue) Resume(head int64) {
	q.resumed, q.head = map[int]bool{}, head
}

// Members lists the conversations in the queue now.
func (q *Queue) Members() []int { return slices.Collect(maps.Keys(q.members)) }

// Apply applies e to the queue and says how it changed.
//
// While resuming, the members were read now but the subscriber's queue is as of its cursor, so
// the first event that decides a conversation's membership is told from the event itself: ADDED
// when it enters the queue (UPDATED when it was in it already), REMOVED when it leaves it, even if
// it is not in the queue now.
func (q *Queue) Apply(e *ent.Event) QueueChange {
	if q.resumed != nil && e.Seq != nil && *e.Seq > q.head {
		q.resumed = nil // from here on members are exact
	}
	if e.ConversationID == nil {
		return ""
	}
	id := *e.ConversationID
	isIn, decided := q.in(e)
	if !decided {
		if q.members[id] {
			return QueueUpdated
		}
		return ""
	}
	if q.resumed != nil && !q.resumed[id] {
		q.resumed[id] = true
		was := q.wasIn(e)
		if isIn {
			q.members[id] = true
			if was {
				return QueueUpdated
			}
			return QueueAdded
		}
		if q.members[id] || was {
			delete(q.members, id)
			return QueueRemoved
		}
		return ""
	}
	switch {
	case isIn && !q.members[id]:
		q.members[id] = true
		return QueueAdded
	case !isIn && q.members[id]:
		delete(q.members, id)
		return QueueRemoved
	case isIn:
		return QueueUpdated
	}
	return ""
}

// wasIn says whether the conversation was in the queue before e, from e's before values; when
// they do not say (a resolution, a takeover), it answers yes: a REMOVED for a conversation the
// subscriber does not have changes nothing for it, and an UPDATED is what a queue that has it
// expects.
func (q *Queue) wasIn(e *ent.Event) bool {
	if e.Type == ConversationCreated || e.Type == ConversationReopened {
		return false // it was in no queue: new, or resolved
	}
	if _, ok := e.Before["owner"]; !ok {
		return true
	}
	before := *e
	before.After = e.Before
	isIn, decided := q.in(&before)
	return isIn || !decided
}
