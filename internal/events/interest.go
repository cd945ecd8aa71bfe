package events

import "switchboard/ent"

// Interest narrows the events the bus offers a subscription to those that may concern it, so
// that a subscriber with nothing to do is neither woken nor handed the event: the bus finds a
// workspace's recipients of an event by index (its type, its conversation, the agents it names)
// instead of testing every subscription. The zero Interest is every event of the workspace.
//
// An Interest is a superset of what its subscriber acts on, never less: the subscriber still
// decides. Fields combine as a union.
type Interest struct {
	// Types offers the events of these types.
	Types []string
	// Conversations offers the events about these conversations.
	Conversations []int
	// Agent offers the events whose subject is the agent or that move a conversation to it
	// (ownership, a reopening, a creation with an owner), and every event about a conversation it
	// has owned since the subscription was registered or that Owned lists, until its ownership
	// moves to someone else (events.MovesOwnership).
	Agent int
	// Owned, called once on the subscription's goroutine when its replay has caught up (or at
	// once without a cursor), lists the conversations the subscriber holds as the agent's by then.
	Owned func() []int
}

func (i Interest) zero() bool { return len(i.Types) == 0 && len(i.Conversations) == 0 && i.Agent == 0 }

// set is a set of subscriptions.
type set map[*Subscription]struct{}

func (s *set) add(sub *Subscription) {
	if *s == nil {
		*s = set{}
	}
	(*s)[sub] = struct{}{}
}

// index holds one workspace's subscriptions on this instance, by what they want.
type index struct {
	members set
	// served counts the members the API serves (Open's): the workspace's limit counts only those,
	// not the server's own followers (Subscribe's).
	served int
	// all are offered every event: a zero Interest, or one not narrowed yet (still replaying).
	all    set
	byType map[string]set
	byConv map[int]set // Interest.Conversations of narrowed subscriptions
	// byAgent are narrowed subscriptions by Interest.Agent.
	byAgent map[int]set
	// agents are every subscription with an Agent, narrowed or not: ownership is tracked from
	// registration on, so that nothing moved to the agent while it replays is forgotten.
	agents map[int]set
	// owners are the subscriptions that hold a conversation as their agent's, narrowed or not.
	owners map[int]set
}

func newIndex() *index {
	return &index{byType: map[string]set{}, byConv: map[int]set{}, byAgent: map[int]set{}, agents: map[int]set{}, owners: map[int]set{}}
}

// register adds a subscription, not narrowed yet.
func (x *index) register(s *Subscription) {
	x.members.add(s)
	if s.served != nil {
		x.served++
	}
	x.all.add(s)
	if a := s.interest.Agent; a != 0 {
		m := x.agents[a]
		m.add(s)
		x.agents[a] = m
	}
}

// narrow moves s from all to the indexes of its interest, with the conversations owned lists.
func (x *index) narrow(s *Subscription, owned []int) {
	if s.interest.zero() || s.narrowed {
		return
	}
	for _, c := range owned {
		x.own(s, c)
	}
	s.narrowed = true
	delete(x.all, s)
	for _, t := range s.interest.Types {
		addTo(x.byType, t, s)
	}
	for _, c := range s.interest.Conversations {
		addTo(x.byConv, c, s)
	}
	if a := s.interest.Agent; a != 0 {
		addTo(x.byAgent, a, s)
	}
}

func (x *index) remove(s *Subscription) {
	if _, ok := x.members[s]; ok && s.served != nil {
		x.served--
	}
	delete(x.members, s)
	delete(x.all, s)
	for _, t := range s.interest.Types {
		removeFrom(x.byType, t, s)
	}
	for _, c := range s.interest.Conversations {
		removeFrom(x.byConv, c, s)
	}
	if a := s.interest.Agent; a != 0 {
		removeFrom(x.byAgent, a, s)
		removeFrom(x.agents, a, s)
	}
	for c := range s.owned {
		removeFrom(x.owners, c, s)
	}
}

func addTo[K comparable](m map[K]set, k K, s *Subscription) {
	v := m[k]
	v.add(s)
	m[k] = v
}

func removeFrom[K comparable](m map[K]set, k K, s *Subscription) {
	delete(m[k], s)
	if len(m[k]) == 0 {
		delete(m, k)
	}
}

func (x *index) own(s *Subscription, conv int) {
	if s.owned == nil {
		s.owned = map[int]bool{}
	}
	s.owned[conv] = true
	addTo(x.owners, conv, s)
}

func (x *index) disown(s *Subscription, conv int) {
	delete(s.owned, conv)
	removeFrom(x.owners, conv, s)
}

// each calls fn once for every subscription e is offered to; fn may close the subscription.
func (x *index) each(e *ent.Event, fn func(*Subscription)) {
	seq := seqOf(e)
	send := func(subs set) {
		for s := range subs {
			if s.offered != seq {
				s.offered = seq
				fn(s)
			}
		}
	}
	send(x.all)
	send(x.byType[e.Type])
	if e.ConversationID != nil {
		send(x.byConv[*e.ConversationID])
		send(x.owners[*e.ConversationID])
	}
	if e.SubjectID != nil {
		send(x.byAgent[*e.SubjectID])
	}
	if to, ok := movesTo(e); ok && to != 0 {
		send(x.byAgent[to])
	}
}

// track applies e's ownership move, if any, to the subscriptions' owned conversations (after e
// was offered: a conversation that leaves an agent is offered the event that takes it away).
func (x *index) track(e *ent.Event) {
	to, ok := movesTo(e)
	if !ok || e.ConversationID == nil {
		return
	}
	conv := *e.ConversationID
	if MovesOwnership(e) {
		for s := range x.owners[conv] {
			if s.interest.Agent != to {
				x.disown(s, conv)
			}
		}
	}
	for s := range x.agents[to] {
		x.own(s, conv)
	}
}

// movesTo says whether e may give its conversation an owner, and to whom (0: nobody).
func movesTo(e *ent.Event) (int, bool) {
	if MovesOwnership(e) || e.Type == ConversationCreated {
		return Int(e.After, "owner"), true
	}
	return 0, false
}
