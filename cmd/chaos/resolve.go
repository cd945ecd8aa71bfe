package main

// Unknown outcomes, decided from the event log where it is unambiguous. Every change appends its
// events in its own transaction (E1), with its actor, and every simulated agent sends one request
// at a time. So an operation whose answer was lost happened exactly when the log has, for its
// agent and conversation, a transaction of its kind written within its interval (stretched by
// the grace a late commit may take), and did nothing when the log has none. It is left unknown
// when another operation of the same agent, conversation and kind could have written that
// transaction too.

import (
	"slices"
	"sort"
)

// signature are the event types an operation's transaction writes when it changes something.
var signature = map[OpKind][]string{
	OpOpen:                {"lock.acquired"},
	OpClose:               {"lock.released"},
	OpSteal:               {"lock.stolen", "lock.acquired", "conversation.claimed"},
	OpClaim:               {"conversation.claimed", "lock.acquired"},
	OpTakeOver:            {"conversation.claimed", "lock.acquired"},
	OpBulkItem:            {"conversation.claimed"},
	OpRelease:             {"conversation.released"},
	OpReassign:            {"conversation.reassigned"},
	OpTransferAgent:       {"conversation.transferred"},
	OpTransferTeam:        {"conversation.transferred"},
	OpPend:                {"conversation.pended"},
	OpResolve:             {"conversation.resolved"},
	OpCancelTakeover:      {"intervention.cancelled"},
	OpReturnToQueue:       {"intervention.returned"},
	OpCompleteTakeover:    {"intervention.completed"},
	OpRequestIntervention: {"intervention.requested"},
}

// txGroup is one transaction's events of one actor on one conversation.
type txGroup struct {
	version int64
	at      int64 // its first event's created_at
	types   []string
}

func (g *txGroup) of(kind OpKind) bool {
	for _, t := range signature[kind] {
		if slices.Contains(g.types, t) {
			return true
		}
	}
	return false
}

const resolveSlack = int64(1_000_000) // 1 ms: created_at is stored in microseconds

// resolver decides unknown outcomes.
type resolver struct {
	groups map[convKey][]txGroup // by actor and conversation, in time order
	ops    map[convKey][]*Op     // the agents' operations that may have changed something
}

func newResolver(events []Event, ops []Op) *resolver {
	r := &resolver{groups: map[convKey][]txGroup{}, ops: map[convKey][]*Op{}}
	byTx := map[[3]int64]int{} // actor, conversation, version → index
	for i := range events {
		e := &events[i]
		if e.Actor == 0 || e.Conv == 0 || (e.Type == "lock.released" && e.Reason == "opened another conversation") {
			continue // the server's own, or a click-away (another operation's)
		}
		k := convKey{e.Actor, e.Conv}
		tk := [3]int64{e.Actor, e.Conv, e.Version}
		if j, ok := byTx[tk]; ok {
			g := &r.groups[k][j]
			g.types = append(g.types, e.Type)
			g.at = min(g.at, e.At)
			continue
		}
		byTx[tk] = len(r.groups[k])
		r.groups[k] = append(r.groups[k], txGroup{version: e.Version, at: e.At, types: []string{e.Type}})
	}
	for k := range r.groups {
		gs := r.groups[k]
		sort.Slice(gs, func(i, j int) bool { return gs[i].at < gs[j].at })
	}
	for i := range ops {
		op := &ops[i]
		if op.Refused || op.Res == resErr || op.Conv == 0 || signature[op.Kind] == nil {
			continue
		}
		k := convKey{op.Agent, op.Conv}
		r.ops[k] = append(r.ops[k], op)
	}
	return r
}

func window(op *Op) (int64, int64) {
	end := op.Ret
	if op.Res == resUnknown {
		end = unknownRet(op)
	}
	return op.Call - resolveSlack, end + resolveSlack
}

// resolve says what an unknown operation did: happened (at version), nothing, or still unknown.
func (r *resolver) resolve(op *Op) (happened bool, version int64, known bool) {
	k := convKey{op.Agent, op.Conv}
	from, to := window(op)
	gs := r.groups[k]
	i := sort.Search(len(gs), func(i int) bool { return gs[i].at >= from })
	var mine []*txGroup
	for ; i < len(gs) && gs[i].at <= to; i++ {
		if gs[i].of(op.Kind) {
			mine = append(mine, &gs[i])
		}
	}
	switch len(mine) {
	case 0:
		return false, 0, true
	case 1:
		g := mine[0]
		for _, other := range r.ops[k] {
			if other == op || !g.of(other.Kind) {
				continue
			}
			if f, t := window(other); g.at >= f && g.at <= t {
				return false, 0, false // another operation could have written it
			}
		}
		return true, g.version, true
	}
	return false, 0, false
}
