package events

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"switchboard/ent"
)

// The subscribers below act on events as graph/live.resolvers.go's do (myQueue through the same
// Queue, notifications, lockChanged, workspaceEvents with types); each runs twice over a generated history, once
// offered every event and once offered what its Interest selects through the bus's index, and
// both must send the same things (E3: narrowing loses nothing).

type subscriber interface {
	interest(agent int, convs []int, types []string) Interest
	act(e *ent.Event) string // what it sends for e, "" for nothing
	clone() subscriber
}

// queueModel is myQueue: the agent's Queue.
type queueModel struct {
	me int
	q  *Queue
}

func (m *queueModel) interest(agent int, _ []int, _ []string) Interest {
	return Interest{Agent: agent, Owned: m.q.Members}
}

func (m *queueModel) clone() subscriber {
	return &queueModel{me: m.me, q: NewQueue(m.q.Members(), AgentQueue(m.me))}
}

func (m *queueModel) act(e *ent.Event) string {
	if change := m.q.Apply(e); change != "" {
		return fmt.Sprint(change, " ", *e.ConversationID)
	}
	return ""
}

// notificationModel is notifications: what happened to the agent, and replies in what it owns.
type notificationModel struct {
	me   int
	mine map[int]bool
}

func (m *notificationModel) interest(agent int, _ []int, _ []string) Interest {
	return Interest{Agent: agent, Owned: func() []int { return slices.Collect(maps.Keys(m.mine)) }}
}

func (m *notificationModel) clone() subscriber {
	return &notificationModel{me: m.me, mine: maps.Clone(m.mine)}
}

func (m *notificationModel) act(e *ent.Event) string {
	if e.ConversationID == nil {
		return ""
	}
	id := *e.ConversationID
	if MovesOwnership(e) {
		if Int(e.After, "owner") == m.me {
			m.mine[id] = true
		} else {
			delete(m.mine, id)
		}
	}
	toMe := e.SubjectID != nil && *e.SubjectID == m.me
	switch {
	case toMe && (e.Type == LockStolen || e.Type == ConversationReassigned || e.Type == ConversationAssigned || e.Type == ConversationTransferred):
		return e.Type
	case e.Type == MessageReceived && m.mine[id]:
		return "replied"
	}
	return ""
}

// lockModel is lockChanged of some conversations.
type lockModel struct{ convs map[int]bool }

func (m *lockModel) interest(_ int, convs []int, _ []string) Interest {
	return Interest{Conversations: convs}
}
func (m *lockModel) clone() subscriber { return m }
func (m *lockModel) act(e *ent.Event) string {
	if e.ConversationID != nil && m.convs[*e.ConversationID] && MovesLock(e) {
		return e.Type
	}
	return ""
}

// typesModel is workspaceEvents of some types.
type typesModel struct{ types map[string]bool }

func (m *typesModel) interest(_ int, _ []int, types []string) Interest { return Interest{Types: types} }
func (m *typesModel) clone() subscriber                                { return m }
func (m *typesModel) act(e *ent.Event) string {
	if m.types[e.Type] {
		return e.Type
	}
	return ""
}

var historyTypes = []string{
	ConversationCreated, ConversationReopened, MessageReceived, MessageSent, NoteAdded, LockAcquired,
	LockReleased, LockStolen, ConversationClaimed, ConversationReleased, ConversationReassigned,
	ConversationForceReleased, ConversationAutoReleased, ConversationAssigned, ConversationTransferred,
	ConversationResolved, InterventionTakenOver, InterventionReturned, ConversationDelegated,
	ConversationHandedBack, PresenceChanged, "x.unclassified",
}

func randomEvent(r *rand.Rand, seq int64) *ent.Event {
	e := &ent.Event{Type: historyTypes[r.IntN(len(historyTypes))], Seq: &seq, Before: map[string]any{}, After: map[string]any{}}
	if e.Type != PresenceChanged {
		c := 1 + r.IntN(6)
		e.ConversationID = &c
	}
	if r.IntN(3) > 0 {
		s := r.IntN(5)
		e.SubjectID = &s
	}
	// Owners 0 (nobody) to 4; as stored, JSON numbers.
	if r.IntN(4) > 0 {
		e.After["owner"] = float64(r.IntN(5))
	}
	if r.IntN(2) > 0 {
		e.Before["owner"] = float64(r.IntN(5))
	}
	return e
}

func TestInterestLosesNothing(t *testing.T) {
	for seed := range uint64(400) {
		r := rand.New(rand.NewPCG(seed, 7))
		x := newIndex()
		type pair struct {
			sub          *Subscription
			full, narrow subscriber
			narrowAt     int // events after which the replay has caught up
			got, want    []string
			closed       bool
		}
		var pairs []*pair
		for i := range 12 {
			agent := 1 + r.IntN(4)
			start := map[int]bool{}
			for c := 1; c <= 6; c++ {
				if r.IntN(3) == 0 {
					start[c] = true
				}
			}
			var m subscriber
			convs := []int{1 + r.IntN(6), 1 + r.IntN(6)}
			types := []string{historyTypes[r.IntN(len(historyTypes))], historyTypes[r.IntN(len(historyTypes))]}
			switch i % 4 {
			case 0:
				m = &queueModel{me: agent, q: NewQueue(slices.Collect(maps.Keys(start)), AgentQueue(agent))}
			case 1:
				m = &notificationModel{me: agent, mine: start}
			case 2:
				m = &lockModel{convs: map[int]bool{convs[0]: true, convs[1]: true}}
			case 3:
				m = &typesModel{types: map[string]bool{types[0]: true, types[1]: true}}
			}
			p := &pair{full: m.clone(), narrow: m.clone(), narrowAt: r.IntN(20)}
			p.sub = &Subscription{interest: p.narrow.interest(agent, convs, types)}
			x.register(p.sub)
			pairs = append(pairs, p)
		}
		for seq := int64(1); seq <= 300; seq++ {
			e := randomEvent(r, seq)
			offered := map[*Subscription]bool{}
			x.each(e, func(s *Subscription) { offered[s] = true })
			x.track(e)
			for _, p := range pairs {
				if p.closed {
					continue
				}
				if out := p.full.act(e); out != "" {
					p.want = append(p.want, fmt.Sprint(seq, " ", out))
				}
				if offered[p.sub] {
					if out := p.narrow.act(e); out != "" {
						p.got = append(p.got, fmt.Sprint(seq, " ", out))
					}
				}
				if int(seq) == p.narrowAt {
					var owned []int
					if p.sub.interest.Owned != nil {
						owned = p.sub.interest.Owned()
					}
					x.narrow(p.sub, owned)
				}
				if r.IntN(200) == 0 { // unsubscribing leaves the others as they were
					x.remove(p.sub)
					p.closed = true
				}
			}
		}
		for i, p := range pairs {
			if !slices.Equal(p.got, p.want) {
				t.Fatalf("seed %d, subscriber %d (%T): narrowed it sent\n%v\nall events would have sent\n%v", seed, i, p.full, p.got, p.want)
			}
		}
		if n := len(x.members); n != countOpen(pairs, func(p *pair) bool { return !p.closed }) {
			t.Fatalf("seed %d: %d members left", seed, n)
		}
	}
}

func countOpen[T any](xs []T, ok func(T) bool) int {
	n := 0
	for _, x := range xs {
		if ok(x) {
			n++
		}
	}
	return n
}

// TestInterestNarrows checks the index's point: a subscriber is offered only what may concern it.
func TestInterestNarrows(t *testing.T) {
	x := newIndex()
	lock := &Subscription{interest: Interest{Conversations: []int{7}}}
	queue := &Subscription{interest: Interest{Agent: 3}}
	everything := &Subscription{}
	for _, s := range []*Subscription{lock, queue, everything} {
		x.register(s)
		x.narrow(s, nil)
	}
	conv := func(c int) *int { return &c }
	offered := func(e *ent.Event) []*Subscription {
		var out []*Subscription
		x.each(e, func(s *Subscription) { out = append(out, s) })
		x.track(e)
		return out
	}
	seq := int64(0)
	ev := func(typ string, c int, after map[string]any) *ent.Event {
		seq++
		return &ent.Event{Type: typ, ConversationID: conv(c), Seq: &seq, After: after}
	}
	if got := offered(ev(MessageReceived, 8, nil)); len(got) != 1 || got[0] != everything {
		t.Fatalf("a message in conversation 8 went to %d subscribers, want only the unnarrowed one", len(got))
	}
	if got := offered(ev(ConversationClaimed, 8, map[string]any{"owner": float64(3)})); len(got) != 2 {
		t.Fatalf("a claim by agent 3 went to %d subscribers, want its queue and the unnarrowed one", len(got))
	}
	if got := offered(ev(MessageReceived, 8, nil)); len(got) != 2 {
		t.Fatalf("a message in agent 3's conversation went to %d subscribers, want 2", len(got))
	}
	if got := offered(ev(ConversationReassigned, 8, map[string]any{"owner": float64(4)})); len(got) != 2 {
		t.Fatalf("its reassignment went to %d subscribers, want 2 (agent 3's queue loses it)", len(got))
	}
	if got := offered(ev(MessageReceived, 8, nil)); len(got) != 1 {
		t.Fatalf("a message after it left agent 3 went to %d subscribers, want 1", len(got))
	}
	if got := offered(ev(LockStolen, 7, nil)); len(got) != 2 {
		t.Fatalf("a lock change in conversation 7 went to %d subscribers, want 2", len(got))
	}
}
