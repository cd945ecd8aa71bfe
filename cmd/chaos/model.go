package main

// The model: one conversation as SPEC §2 (locking), §3 (ownership) and §5 (interventions) describe
// it, as a porcupine NondeterministicModel. A state is what every answer shows of a conversation
// (open, status, owner, lock holder, version) plus the intervention not over yet; the history is
// partitioned per conversation and cut into segments at SQL snapshots (check.go), so a state is
// always one conversation's.
//
// Each operation lists its possible outcomes from a state: an error code (nothing changes), or a
// next state (the version goes up by exactly one). An answer is legal when one outcome matches it;
// an operation whose outcome is unknown (timeout, UNAVAILABLE, a killed instance) may have had any
// of its successful outcomes or none. Outcomes that hang on what the model does not follow
// (capacities, presence) are offered both ways. The invariants L1 (only an open NEW or PENDING
// conversation is locked) and L7 (a bot holds the lock exactly while it owns a lockable
// conversation) are checked apart, on every state an answer or a snapshot shows (rules.go), so
// that one broken rule does not hide the rest of the history.

import (
	"fmt"
	"strings"

	"github.com/anishathalye/porcupine"
)

// Conversation status.
const (
	stNew uint8 = iota + 1
	stPending
	stResolved
)

// The intervention not over yet (I2, I3): none, REQUESTED, TAKEN_OVER or RETURNED.
const (
	ivNone uint8 = iota
	ivRequested
	ivTakenOver
	ivReturned
)

// C1 as the viewer sees it.
const (
	ownUnclaimed uint8 = iota + 1
	ownMe
	ownOther
)

// State is one conversation.
type State struct {
	Open    bool
	Status  uint8
	IV      uint8
	Owner   int64 // 0: none
	Holder  int64 // 0: unlocked
	Version int64
	IVBot   int64 // the bot of the open intervention (0 when none)
}

// Obs is a conversation as an answer shows it: the owner only as C1's ownership, because
// Conversation.owner is loaded again after the commit and may be newer than the version.
type Obs struct {
	Open    bool
	Status  uint8
	Own     uint8
	Holder  int64
	Version int64
}

// World is what the model knows about agents.
type World struct {
	Bots      map[int64]bool
	Inception int64
}

func (w *World) human(id int64) bool { return id > 0 && !w.Bots[id] }

func (w *World) lockable(s State) bool { return s.Open && (s.Status == stNew || s.Status == stPending) }

// legal holds the invariants every state keeps: L1 and L7 (see rules.go).
func (w *World) legal(s State) bool {
	if !w.lockable(s) {
		return s.Holder == 0
	}
	if s.Owner > 0 && !w.human(s.Owner) && s.Holder != s.Owner {
		return false // a bot owns it without its lock
	}
	if s.Holder > 0 && !w.human(s.Holder) && s.Owner != s.Holder {
		return false // a bot holds the lock of what it does not own
	}
	return true
}

func (w *World) ownership(s State, viewer int64) uint8 {
	switch {
	case !w.human(s.Owner):
		return ownUnclaimed
	case s.Owner == viewer:
		return ownMe
	}
	return ownOther
}

// Result is how an operation ended.
type Result uint8

const (
	resOK      Result = iota + 1
	resErr            // a domain error code: nothing changed
	resUnknown        // no answer, UNAVAILABLE, INTERNAL_SERVER_ERROR, 5xx: maybe it happened
)

// MOp is one operation of a segment: its input and its outcome.
type MOp struct {
	Kind   OpKind
	Agent  int64
	Sup    bool
	Target int64 // reassign, transfer: the new owner
	Expect int64 // sendMessage: expectedVersion (0: not sent)

	Res     Result
	Code    string
	Weak    bool  // an error that may lie on either side of a snapshot: accepted as it is
	Obs     *Obs  // the conversation as answered
	Version int64 // the version it produced, from the event log (sendMessage, ingest, system)
	Sys     *SysDelta
	Snap    *State // a snapshot read
	Keep    int8   // ingest reopening a human-owned conversation: 1 kept the owner, 2 queued it, 0 unknown
	CAOnly  bool   // an open that changed nothing here but may have clicked away elsewhere

	Call, Ret int64
	Ref       *Op // the recorded operation, for reports
	Note      string
}

// SysDelta is a change the server made on its own (routing C9, lease expiry L6, timers §6), read
// from the event log: every event of one transaction on one conversation.
type SysDelta struct {
	Version   int64
	Types     []string
	Assign    int64 // conversation.assigned to this human
	TakenOver bool  // intervention.taken_over
	LockTo    int64 // lock.acquired by this agent
	Released  int64 // lock.released of this holder (before.holder); -1 when none
	Closed    bool  // archived: CLOSED, read-only
	AutoRel   bool  // conversation.auto_released (C8)
	Status    uint8 // a status it set (0: none)
	Unknown   []string
}

type outcome struct {
	code string // "" for success
	next State
}

func okay(n State) outcome     { return outcome{next: n} }
func fail(code string) outcome { return outcome{code: code} }

func bump(s State) State { s.Version++; return s }

// needLock is L8 for a human's write: it holds the lock, or gains it under L3's conditions.
func (w *World) needLock(s State, v int64) (State, string) {
	switch {
	case !w.lockable(s):
		return s, "INVALID_STATE"
	case s.Holder == v:
		return s, ""
	case s.Holder == 0 && (s.Owner == 0 || s.Owner == v):
		s.Holder = v
		return s, ""
	}
	return s, "LOCKED"
}

// takenOver records a human taking the conversation from a bot or the intervention queue (I2).
func takenOver(n State, prevOwner int64) State {
	switch {
	case n.IV == ivRequested || n.IV == ivReturned:
		n.IV = ivTakenOver
	case n.IV == ivNone && prevOwner != 0:
		n.IV, n.IVBot = ivTakenOver, prevOwner
	}
	return n
}

// claim is C2/C3 (withLock) and C5 (a bulk claim's item, ownership only).
func (w *World) claim(s State, v int64, withLock bool) []outcome {
	switch {
	case !w.lockable(s):
		return []outcome{fail("INVALID_STATE")}
	case s.Owner == v && w.human(s.Owner):
		if withLock && s.Holder == 0 {
			n := s
			n.Holder = v
			return []outcome{okay(bump(n))}
		}
		return []outcome{okay(s)}
	case w.human(s.Owner):
		return []outcome{fail("CONFLICT")}
	case withLock && w.human(s.Holder) && s.Holder != v:
		return []outcome{fail("LOCKED")}
	}
	n := s
	n.Owner = v
	n = takenOver(n, s.Owner)
	if withLock {
		n.Holder = v
	} else if s.Holder != 0 && !w.human(s.Holder) {
		n.Holder = 0 // the bot's lock goes with its ownership (L7)
	}
	return []outcome{fail("CAPACITY_EXCEEDED"), okay(bump(n))}
}

// handTo is a reassignment or a transfer to agent t (C4, C11).
func (w *World) handTo(s State, t int64) []outcome {
	if !w.lockable(s) {
		return []outcome{fail("INVALID_STATE")}
	}
	if s.Owner == t && w.human(s.Owner) {
		return []outcome{okay(s)}
	}
	n := s
	if s.Owner != 0 && s.Holder == s.Owner {
		n.Holder = 0
	}
	n.Owner = t
	if !w.human(s.Owner) {
		n = takenOver(n, s.Owner)
	}
	// The target may be AWAY or OFFLINE, or full: the model does not follow presence and loads.
	return []outcome{fail("INVALID_STATE"), fail("CAPACITY_EXCEEDED"), okay(bump(n))}
}

// takeover checks that a takeover runs and the viewer may end it (I3, I4).
func (w *World) takeover(s State, v int64, sup bool) string {
	if s.Owner != v && !sup {
		return "FORBIDDEN"
	}
	if s.IV != ivTakenOver || !w.human(s.Owner) {
		return "INVALID_STATE"
	}
	return ""
}

// toBot gives the conversation back to a bot (I3, I4): ownership and its lock (L7); on a
// conversation that cannot be locked (L1: RESOLVED) the lock may stay free (which L1 wants), or
// go to the bot (which rules.go reports as breaking L1).
func (w *World) toBot(s State, bot int64) []outcome {
	s.Owner, s.Holder, s.IV, s.IVBot = bot, bot, ivNone, 0
	n := bump(s)
	if w.lockable(s) {
		return []outcome{okay(n)}
	}
	free := n
	free.Holder = 0
	return []outcome{okay(free), okay(n)}
}

// outcomes lists what op may do from s.
func (w *World) outcomes(s State, op *MOp) []outcome {
	v := op.Agent
	switch op.Kind {
	case OpOpen:
		if w.lockable(s) && s.Holder == 0 && (s.Owner == 0 || s.Owner == v) {
			n := s
			n.Holder = v
			return []outcome{okay(bump(n))}
		}
		return []outcome{okay(s)}
	case OpClose:
		if s.Holder == v {
			n := s
			n.Holder = 0
			return []outcome{okay(bump(n))}
		}
		return []outcome{okay(s)}
	case OpSteal:
		switch {
		case !w.lockable(s):
			return []outcome{fail("INVALID_STATE")}
		case s.Holder == v:
			return []outcome{okay(s)}
		case s.Holder != 0 && !w.human(s.Holder):
			return w.claim(s, v, true) // from a bot: a takeover (L5, I2)
		}
		n := s
		n.Holder = v
		return []outcome{okay(bump(n))}
	case OpClaim:
		return w.claim(s, v, true)
	case OpBulkItem:
		return w.claim(s, v, false)
	case OpTakeOver:
		if w.human(s.Owner) && s.Owner != v {
			return []outcome{fail("CONFLICT")}
		}
		return w.claim(s, v, true)
	case OpRelease:
		switch {
		case !w.human(s.Owner):
			return []outcome{fail("INVALID_STATE")}
		case s.Owner != v:
			return []outcome{fail("FORBIDDEN")}
		case !w.lockable(s): // a RESOLVED one keeps its owner (desk.releasable)
			return []outcome{fail("INVALID_STATE")}
		}
		n := s
		if s.Holder == v {
			n.Holder = 0
		}
		n.Owner = 0
		return []outcome{okay(bump(n))}
	case OpReassign, OpTransferAgent:
		if s.Owner != v && !op.Sup {
			return []outcome{fail("FORBIDDEN")}
		}
		return w.handTo(s, op.Target)
	case OpTransferTeam:
		if s.Owner != v && !op.Sup {
			return []outcome{fail("FORBIDDEN")}
		}
		if !w.lockable(s) {
			return []outcome{fail("INVALID_STATE")}
		}
		n := s
		n.Holder, n.Owner, n.Status = 0, 0, stNew
		return []outcome{okay(bump(n))}
	case OpPend, OpResolve:
		to := stPending
		if op.Kind == OpResolve {
			to = stResolved
		}
		n, code := w.needLock(s, v)
		if code != "" {
			return []outcome{fail(code)}
		}
		if s.Status == to {
			return []outcome{fail("INVALID_STATE")}
		}
		n.Status = to
		if w.human(n.Holder) {
			n.Holder = 0
		}
		return []outcome{okay(bump(n))}
	case OpSend:
		if op.Expect != 0 && op.Expect != s.Version {
			if op.Expect > s.Version {
				return []outcome{fail("BAD_USER_INPUT")}
			}
			return []outcome{fail("CONFLICT")}
		}
		n, code := w.needLock(s, v)
		if code != "" {
			return []outcome{fail(code)}
		}
		if !w.human(s.Owner) { // C3: replying claims it
			n.Owner = v
			n = takenOver(n, s.Owner)
			return []outcome{fail("CAPACITY_EXCEEDED"), okay(bump(n))}
		}
		return []outcome{okay(bump(n))}
	case OpRequestIntervention:
		switch {
		case s.Owner != v && !op.Sup:
			return []outcome{fail("FORBIDDEN")}
		case !w.lockable(s), w.human(s.Owner), s.IV != ivNone:
			return []outcome{fail("INVALID_STATE")}
		}
		n := s
		n.IV, n.Status = ivRequested, stNew
		n.IVBot = 0
		if s.Owner != 0 {
			n.IVBot = s.Owner
		}
		return []outcome{okay(bump(n))}
	case OpCancelTakeover:
		if code := w.takeover(s, v, op.Sup); code != "" {
			return []outcome{fail(code)}
		}
		if s.IVBot == 0 {
			return []outcome{fail("INVALID_STATE")}
		}
		return w.toBot(s, s.IVBot)
	case OpReturnToQueue:
		if code := w.takeover(s, v, op.Sup); code != "" {
			return []outcome{fail(code)}
		}
		if !w.lockable(s) { // a RESOLVED conversation goes back to no queue
			return []outcome{fail("INVALID_STATE")}
		}
		n := s
		if w.human(s.Holder) {
			n.Holder = 0
		}
		n.Owner, n.IV = 0, ivReturned
		return []outcome{okay(bump(n))}
	case OpCompleteTakeover:
		if code := w.takeover(s, v, op.Sup); code != "" {
			return []outcome{fail(code)}
		}
		bot := s.IVBot
		if bot == 0 {
			bot = w.Inception
		}
		return w.toBot(s, bot)
	case OpIngest:
		if !s.Open {
			return nil // a closed conversation gets no message: a new one starts
		}
		n := bump(s)
		if s.Status == stResolved { // §6: reopened, to its last owner when eligible, else queued
			n.Status = stNew
			if w.human(s.Owner) {
				queued := n
				queued.Owner = 0
				if w.human(s.Holder) {
					queued.Holder = 0
				}
				switch op.Keep {
				case 1:
					return []outcome{okay(n)}
				case 2:
					return []outcome{okay(queued)}
				}
				return []outcome{okay(n), okay(queued)}
			}
			if s.Owner != 0 {
				n.Holder = s.Owner // a bot's again, and lockable again: its lock (L7)
			}
		}
		return []outcome{okay(n)}
	}
	return nil
}

// step is the nondeterministic model's step.
func (w *World) step(s State, op *MOp) []State {
	switch op.Kind {
	case OpSnapshot:
		if *op.Snap == s {
			return []State{s}
		}
		return nil
	case OpIngestRead:
		if op.Obs.matches(w, s, op.Agent) {
			return []State{s}
		}
		return nil
	case OpClickAway:
		if s.Holder != op.Agent {
			return []State{s}
		}
		n := bump(s)
		n.Holder = 0
		if op.Res == resUnknown {
			return []State{s, n}
		}
		return []State{n}
	case OpSystem:
		n, ok := w.system(s, op.Sys)
		if !ok {
			return nil
		}
		return []State{n}
	}
	outs := w.outcomes(s, op)
	switch op.Res {
	case resUnknown:
		next := []State{s}
		for _, o := range outs {
			if o.code == "" && (op.Version == 0 || o.next.Version == op.Version) {
				next = append(next, o.next)
			}
		}
		return next
	case resErr:
		if op.Weak || alwaysAllowed[op.Code] {
			return []State{s}
		}
		for _, o := range outs {
			if o.code == op.Code {
				return []State{s}
			}
		}
		return nil
	}
	var next []State
	for _, o := range outs {
		if o.code != "" {
			continue
		}
		if op.Obs != nil && !op.Obs.matches(w, o.next, op.Agent) {
			continue
		}
		if op.Version != 0 && o.next.Version != op.Version {
			continue
		}
		next = append(next, o.next)
	}
	return next
}

// alwaysAllowed are codes any operation may get without a change: a rate limit.
var alwaysAllowed = map[string]bool{"RATE_LIMITED": true}

func (o *Obs) matches(w *World, s State, viewer int64) bool {
	return o.Open == s.Open && o.Status == s.Status && o.Holder == s.Holder && o.Version == s.Version &&
		o.Own == w.ownership(s, viewer)
}

// system applies a change the server made on its own, checking that it was allowed then.
func (w *World) system(s State, d *SysDelta) (State, bool) {
	if d.Version != s.Version+1 {
		return s, false
	}
	n := bump(s)
	if d.Assign != 0 { // C9, R5: only queued conversations no human owns, open and NEW
		if !s.Open || s.Status != stNew || w.human(s.Owner) {
			return s, false
		}
		n.Owner = d.Assign
		if d.TakenOver {
			n.IV = ivTakenOver
		}
		switch {
		case d.LockTo != 0:
			if w.human(s.Holder) {
				return s, false
			}
			n.Holder = d.LockTo
		case d.Released >= 0:
			if s.Holder != d.Released || w.human(s.Holder) {
				return s, false
			}
			n.Holder = 0
		case s.Holder != 0 && !w.human(s.Holder):
			return s, false // the bot kept its lock on what it no longer owns
		}
	} else if d.Released >= 0 { // L6: a lease ran out
		if s.Holder != d.Released || !w.human(s.Holder) {
			return s, false
		}
		n.Holder = 0
	}
	if d.AutoRel { // C8
		if !w.human(s.Owner) {
			return s, false
		}
		if s.Holder == s.Owner {
			n.Holder = 0
		}
		n.Owner = 0
	}
	if d.Closed { // §6: housekeeping closes a CLOSING conversation, which no human owns
		if !s.Open || w.human(s.Owner) {
			return s, false
		}
		n.Open, n.Holder = false, 0
	}
	if d.Status != 0 {
		n.Status = d.Status
	}
	return n, true
}

// porcupineModel wraps the world as porcupine's model of one segment starting at init.
func (w *World) porcupineModel(init State) porcupine.Model {
	nm := porcupine.NondeterministicModel{
		Init: func() []interface{} { return []interface{}{init} },
		Step: func(state, input, _ interface{}) []interface{} {
			next := w.step(state.(State), input.(*MOp))
			out := make([]interface{}, len(next))
			for i, n := range next {
				out[i] = n
			}
			return out
		},
		Hash: func(state interface{}) uint64 {
			s := state.(State)
			h := uint64(s.Version)*1000003 ^ uint64(s.Owner)*7919 ^ uint64(s.Holder)*104729 ^ uint64(s.Status)<<40 ^ uint64(s.IV)<<44
			if s.Open {
				h ^= 1 << 50
			}
			return h
		},
		DescribeOperation: func(input, _ interface{}) string { return input.(*MOp).String() },
		DescribeState:     func(state interface{}) string { return state.(State).String() },
	}
	return nm.ToModel()
}

var statusNames = map[uint8]string{stNew: "NEW", stPending: "PENDING", stResolved: "RESOLVED"}
var ivNames = map[uint8]string{ivNone: "", ivRequested: " iv=REQUESTED", ivTakenOver: " iv=TAKEN_OVER", ivReturned: " iv=RETURNED"}
var ownNames = map[uint8]string{ownUnclaimed: "UNCLAIMED", ownMe: "MINE", ownOther: "OTHER"}

func (s State) String() string {
	open := ""
	if !s.Open {
		open = " CLOSED"
	}
	bot := ""
	if s.IVBot != 0 {
		bot = fmt.Sprintf("(bot %d)", s.IVBot)
	}
	return fmt.Sprintf("v%d %s%s owner=%d holder=%d%s%s", s.Version, statusNames[s.Status], open, s.Owner, s.Holder, ivNames[s.IV], bot)
}

func (o *Obs) String() string {
	open := ""
	if !o.Open {
		open = " CLOSED"
	}
	return fmt.Sprintf("v%d %s%s %s holder=%d", o.Version, statusNames[o.Status], open, ownNames[o.Own], o.Holder)
}

func (op *MOp) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", op.Kind)
	if op.Agent != 0 {
		fmt.Fprintf(&b, " by %d", op.Agent)
	}
	if op.Sup {
		b.WriteString("(sup)")
	}
	if op.Target != 0 {
		fmt.Fprintf(&b, " to %d", op.Target)
	}
	if op.Expect != 0 {
		fmt.Fprintf(&b, " expected v%d", op.Expect)
	}
	switch {
	case op.Kind == OpSnapshot:
		fmt.Fprintf(&b, " = %s", op.Snap)
	case op.Kind == OpSystem:
		fmt.Fprintf(&b, " %s -> v%d", strings.Join(op.Sys.Types, "+"), op.Sys.Version)
	case op.Res == resUnknown:
		b.WriteString(" -> ? (" + op.Code + ")")
	case op.Res == resErr:
		b.WriteString(" -> " + op.Code)
		if op.Weak {
			b.WriteString(" (weak)")
		}
	case op.Obs != nil:
		fmt.Fprintf(&b, " -> %s", op.Obs)
	case op.Version != 0:
		fmt.Fprintf(&b, " -> v%d", op.Version)
	default:
		b.WriteString(" -> ok")
	}
	if op.Note != "" {
		b.WriteString(" [" + op.Note + "]")
	}
	return b.String()
}
