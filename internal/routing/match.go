package routing

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"switchboard/ent/schema/enum"
)

// Candidate is an agent routing may give work to (HUMAN, active, ONLINE, not a CLIENT_USER), with
// what it may take and what it owns now.
type Candidate struct {
	ID        int
	Skills    []string
	Languages []string
	Teams     []int
	Pools     []string             // the tags of the pools it is a member of (C7)
	Capacity  map[enum.Channel]int // permitted channels (R1) and their capacity (R2)
	OnChannel map[enum.Channel]int // owned conversations counting against each channel (R2)
	Open      int                  // owned open conversations (C6)
	IdleSince time.Time            // the later of its last assignment and its coming ONLINE (R4)
}

// Waiting is a queued conversation and what it requires (R3).
type Waiting struct {
	ID       int
	Version  int
	Channel  enum.Channel
	Skills   []string
	Language *string
	Team     *int
	Pools    []string // the pool tags among its tags: only those pools' members may take it (C7)

	// As re-read under its row lock just before the assignment: the bot owning it while it waits
	// for an intervention (I2), and who holds its lock.
	Bot       *int
	Holder    int
	HumanLock bool
	State     enum.State
	// QueuedSince: when it entered the queue (§8 time-to-claim).
	QueuedSince *time.Time
}

// Pair is one routing decision: conversation to agent.
type Pair struct {
	Conversation Waiting
	Agent        int
	// Lock: the assignment gives the agent this conversation's lock (C9, L2; see giveLocks).
	Lock bool
}

// Eligible reports R3: permitted on the channel and under its capacity (R1, R2), under
// maxClaims (C6), with every required skill, the language, the team and the pools.
func (c *Candidate) Eligible(w Waiting, maxClaims int) bool {
	capacity, ok := c.Capacity[w.Channel]
	if !ok || c.OnChannel[w.Channel] >= capacity || c.Open >= maxClaims {
		return false
	}
	return c.Meets(w)
}

// Meets reports R3's requirements alone: every required skill, the language, the team, the pools.
func (c *Candidate) Meets(w Waiting) bool {
	switch {
	case w.Language != nil && !slices.Contains(c.Languages, *w.Language):
		return false
	case w.Team != nil && !slices.Contains(c.Teams, *w.Team):
		return false
	}
	for _, s := range w.Skills {
		if !slices.Contains(c.Skills, s) {
			return false
		}
	}
	for _, p := range w.Pools {
		if !slices.Contains(c.Pools, p) {
			return false
		}
	}
	return true
}

// better reports R4's order: least loaded on the channel, then idle longest, then the lower id
// (so that the choice is deterministic).
func better(a, b *Candidate, ch enum.Channel) bool {
	if d := cmp.Compare(a.OnChannel[ch], b.OnChannel[ch]); d != 0 {
		return d < 0
	}
	if !a.IdleSince.Equal(b.IdleSince) {
		return a.IdleSince.Before(b.IdleSince)
	}
	return a.ID < b.ID
}

// Match decides who gets what: conversations in queue order (the caller's: priority, then
// arrival), each to the best eligible candidate by R4; a conversation nobody may take stays
// queued without holding up the ones behind it. Candidates' loads are updated as it goes, so
// nobody is given more than its capacity.
//
// A candidate's OnChannel may be shared with others (routing's remembered loads): Match writes
// to a copy of it, made when it first gives that candidate something.
func Match(queue []Waiting, cands []*Candidate, maxClaims int, now time.Time) []Pair {
	var out []Pair
	copied := map[*Candidate]bool{}
	for _, w := range queue {
		var best *Candidate
		for _, c := range cands {
			if c.Eligible(w, maxClaims) && (best == nil || better(c, best, w.Channel)) {
				best = c
			}
		}
		if best == nil {
			continue
		}
		if !copied[best] {
			copied[best] = true
			on := make(map[enum.Channel]int, len(best.OnChannel)+1)
			maps.Copy(on, best.OnChannel)
			best.OnChannel = on
		}
		best.OnChannel[w.Channel]++ // a routed conversation is NEW: it counts (R2)
		best.Open++
		best.IdleSince = now
		out = append(out, Pair{Conversation: w, Agent: best.ID})
	}
	return out
}

// giveLocks decides which pairs give their agent the conversation's lock (C9): the agent's first
// pair, when the agent holds no human lock (held, which it updates; L2 allows one) and no human
// holds the conversation's (L4: one looking at it keeps it; a bot's goes with its ownership, L7).
// An agent whose first conversation is held by someone else gets the lock of its next one.
func giveLocks(pairs []Pair, held map[int]bool) {
	for i := range pairs {
		p := &pairs[i]
		p.Lock = !held[p.Agent] && !(p.Conversation.Holder != 0 && p.Conversation.HumanLock)
		held[p.Agent] = held[p.Agent] || p.Lock
	}
}
