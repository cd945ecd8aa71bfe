package main

import (
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

const (
	bot    = int64(1)
	agentA = int64(10)
	agentB = int64(11)
	agentC = int64(12)
)

var world = &World{Bots: map[int64]bool{bot: true}, Inception: bot}

func obs(v int64, status uint8, own uint8, holder int64) *Obs {
	return &Obs{Open: true, Status: status, Own: own, Holder: holder, Version: v}
}

func ms(n int) int64 { return int64(n) * int64(time.Millisecond) }

func check(t *testing.T, init State, ops ...*MOp) porcupine.CheckResult {
	t.Helper()
	s := &segment{init: init, ops: ops}
	return porcupine.CheckOperationsTimeout(world.porcupineModel(init), s.history(), 5*time.Second)
}

// L5, L3: B steals A's lock while A opens another conversation. A's click-away must not release
// B's lock: the robbed holder's stale click-away (version going back) is a violation.
func TestModelStolenLockReleasedByClickAway(t *testing.T) {
	init := State{Open: true, Status: stNew, Holder: agentA, Version: 2}
	steal := &MOp{Kind: OpSteal, Agent: agentB, Res: resOK, Obs: obs(3, stNew, ownUnclaimed, agentB), Call: ms(10), Ret: ms(20)}
	clickAway := &MOp{Kind: OpClickAway, Agent: agentA, Res: resOK, Call: ms(15), Ret: ms(25)}
	buggy := &MOp{Kind: OpSnapshot, Snap: &State{Open: true, Status: stNew, Version: 4}, Call: ms(30), Ret: ms(31)}
	if got := check(t, init, steal, clickAway, buggy); got != porcupine.Illegal {
		t.Errorf("stolen lock released by the robbed holder's click-away: %s, want Illegal", got)
	}
	right := &MOp{Kind: OpSnapshot, Snap: &State{Open: true, Status: stNew, Holder: agentB, Version: 3}, Call: ms(30), Ret: ms(31)}
	if got := check(t, init, steal, clickAway, right); got != porcupine.Ok {
		t.Errorf("the lock stays with the stealer: %s, want Ok", got)
	}
	// The click-away first, then the steal finds the conversation unlocked: version 4.
	steal4 := &MOp{Kind: OpSteal, Agent: agentB, Res: resOK, Obs: obs(4, stNew, ownUnclaimed, agentB), Call: ms(10), Ret: ms(20)}
	if got := check(t, init, steal4, clickAway); got != porcupine.Ok {
		t.Errorf("click-away then steal: %s, want Ok", got)
	}
}

// C2: of two concurrent claims only one wins; the other gets CONFLICT.
func TestModelOneClaimWins(t *testing.T) {
	init := State{Open: true, Status: stNew, Owner: bot, Holder: bot, Version: 1}
	a := &MOp{Kind: OpClaim, Agent: agentA, Res: resOK, Obs: obs(2, stNew, ownMe, agentA), Call: ms(0), Ret: ms(10)}
	b := &MOp{Kind: OpClaim, Agent: agentB, Res: resOK, Obs: obs(2, stNew, ownMe, agentB), Call: ms(1), Ret: ms(11)}
	if got := check(t, init, a, b); got != porcupine.Illegal {
		t.Errorf("two claims won: %s, want Illegal", got)
	}
	lost := &MOp{Kind: OpClaim, Agent: agentB, Res: resErr, Code: "CONFLICT", Call: ms(1), Ret: ms(11)}
	if got := check(t, init, a, lost); got != porcupine.Ok {
		t.Errorf("one claim won: %s, want Ok", got)
	}
	early := &MOp{Kind: OpClaim, Agent: agentB, Res: resErr, Code: "CONFLICT", Call: ms(-10), Ret: ms(-5)}
	if got := check(t, init, a, early); got != porcupine.Illegal {
		t.Errorf("CONFLICT before anyone owned it: %s, want Illegal", got)
	}
}

// An operation whose answer was lost may or may not have happened; either is accepted.
func TestModelUnknownOutcome(t *testing.T) {
	init := State{Open: true, Status: stNew, Owner: bot, Holder: bot, Version: 1}
	claim := &MOp{Kind: OpClaim, Agent: agentA, Res: resUnknown, Code: "UNAVAILABLE", Call: ms(0), Ret: ms(100)}
	happened := &MOp{Kind: OpOpen, Agent: agentC, Res: resOK, Obs: obs(2, stNew, ownOther, agentA), Call: ms(50), Ret: ms(60)}
	if got := check(t, init, claim, happened); got != porcupine.Ok {
		t.Errorf("the claim happened: %s, want Ok", got)
	}
	not := &MOp{Kind: OpOpen, Agent: agentC, Res: resOK, Obs: obs(1, stNew, ownUnclaimed, bot), Call: ms(50), Ret: ms(60)}
	if got := check(t, init, claim, not); got != porcupine.Ok {
		t.Errorf("the claim did not happen: %s, want Ok", got)
	}
	twice := &MOp{Kind: OpOpen, Agent: agentC, Res: resOK, Obs: obs(3, stNew, ownOther, agentA), Call: ms(50), Ret: ms(60)}
	if got := check(t, init, claim, twice); got != porcupine.Illegal {
		t.Errorf("a version nobody made: %s, want Illegal", got)
	}
}

// Every change bumps the version by exactly one; reads do not.
func TestModelVersionBumpsOnce(t *testing.T) {
	init := State{Open: true, Status: stNew, Owner: agentA, Holder: agentA, Version: 5}
	release := &MOp{Kind: OpRelease, Agent: agentA, Res: resOK, Obs: obs(7, stNew, ownUnclaimed, 0), Call: ms(0), Ret: ms(10)}
	if got := check(t, init, release); got != porcupine.Illegal {
		t.Errorf("release bumped twice: %s, want Illegal", got)
	}
	open := &MOp{Kind: OpOpen, Agent: agentB, Res: resOK, Obs: obs(6, stNew, ownOther, agentA), Call: ms(0), Ret: ms(10)}
	if got := check(t, init, open); got != porcupine.Illegal {
		t.Errorf("a read-only open bumped the version: %s, want Illegal", got)
	}
	send := &MOp{Kind: OpSend, Agent: agentA, Expect: 4, Res: resErr, Code: "CONFLICT", Call: ms(0), Ret: ms(10)}
	if got := check(t, init, send); got != porcupine.Ok {
		t.Errorf("sendMessage with an old version: %s, want Ok (CONFLICT)", got)
	}
	sendNow := &MOp{Kind: OpSend, Agent: agentA, Expect: 5, Res: resErr, Code: "CONFLICT", Call: ms(0), Ret: ms(10)}
	if got := check(t, init, sendNow); got != porcupine.Illegal {
		t.Errorf("CONFLICT for the current version: %s, want Illegal", got)
	}
}

// L6: a lease runs out (a change the server makes itself): only the holder's lock is released.
func TestModelLeaseExpiry(t *testing.T) {
	init := State{Open: true, Status: stNew, Holder: agentA, Version: 3}
	steal := &MOp{Kind: OpSteal, Agent: agentB, Res: resOK, Obs: obs(4, stNew, ownUnclaimed, agentB), Call: ms(0), Ret: ms(10)}
	expiry := &MOp{Kind: OpSystem, Res: resOK, Sys: &SysDelta{Version: 5, Released: agentA, Types: []string{"lock.released"}}, Call: ms(20), Ret: ms(30)}
	if got := check(t, init, steal, expiry); got != porcupine.Illegal {
		t.Errorf("an expired lease released the stealer's lock: %s, want Illegal", got)
	}
	expiryFirst := &MOp{Kind: OpSystem, Res: resOK, Sys: &SysDelta{Version: 4, Released: agentA, Types: []string{"lock.released"}}, Call: ms(-20), Ret: ms(-10)}
	steal5 := &MOp{Kind: OpSteal, Agent: agentB, Res: resOK, Obs: obs(5, stNew, ownUnclaimed, agentB), Call: ms(0), Ret: ms(10)}
	if got := check(t, init, expiryFirst, steal5); got != porcupine.Ok {
		t.Errorf("lease expired, then the lock was taken: %s, want Ok", got)
	}
}

// The whole pipeline: events, operations, click-aways and snapshots into segments.
func TestCheckerFindsStolenLockRelease(t *testing.T) {
	const c1, c2 = int64(100), int64(200)
	created := func(conv int64) []Event {
		return []Event{
			{Seq: 1, Type: "conversation.created", Conv: conv, Actor: bot, Version: 1, AfterOwner: bot, HasAfterOwner: true},
			{Seq: 2, Type: "lock.acquired", Conv: conv, Actor: bot, Version: 1, AfterHolder: bot},
		}
	}
	events := append(created(c1), created(c2)...)
	ops := []Op{
		{Kind: OpClaim, Agent: agentA, Conv: c1, Res: resOK, Obs: obs(2, stNew, ownMe, agentA), Call: ms(1), Ret: ms(2)},
		{Kind: OpSteal, Agent: agentB, Conv: c1, Res: resOK, Obs: obs(3, stNew, ownOther, agentB), Call: ms(3), Ret: ms(5)},
		{Kind: OpOpen, Agent: agentA, Conv: c2, Res: resOK, Obs: obs(1, stNew, ownUnclaimed, bot), Call: ms(4), Ret: ms(6)},
	}
	run := func(final State) *linResult {
		snap := &Snapshot{Call: ms(10), Ret: ms(11), States: map[int64]State{c1: final, c2: {Open: true, Status: stNew, Owner: bot, Holder: bot, Version: 1}}}
		return checkLinearizability(&linInput{world: world, ops: ops, events: events, snaps: []*Snapshot{snap}, recv: &recvTimes{},
			end: ms(20)}, t.TempDir(), 5*time.Second, 1)
	}
	if r := run(State{Open: true, Status: stNew, Owner: agentA, Version: 4, IV: ivTakenOver, IVBot: bot}); r.Illegal != 1 || r.ClickAways != 1 {
		t.Errorf("the stealer's lock released: %d violations, %d click-aways; want 1 and 1 (notes %v)", r.Illegal, r.ClickAways, r.Notes)
	}
	if r := run(State{Open: true, Status: stNew, Owner: agentA, Holder: agentB, Version: 3, IV: ivTakenOver, IVBot: bot}); r.Illegal != 0 {
		t.Errorf("the stealer keeps the lock: %d violations, want none: %v", r.Illegal, r.Violations)
	}
}

// A viewer the server removes once its connection is gone (actor 0, the conversation's version
// kept) is no change of the conversation: the chaos run of 2026-12-07 (seed 17) settled for 15 s,
// its agents' viewers expired meanwhile, and the checker took each for a change that had to bump
// the version.
func TestCheckerIgnoresExpiredViewers(t *testing.T) {
	const c = int64(100)
	events := []Event{
		{Seq: 1, Type: "conversation.created", Conv: c, Actor: bot, Version: 1, AfterOwner: bot, HasAfterOwner: true},
		{Seq: 2, Type: "lock.acquired", Conv: c, Actor: bot, Version: 1, AfterHolder: bot},
		{Seq: 3, Type: "viewer.left", Conv: c, Actor: 0, Subject: agentA, Version: 1, At: ms(5)},
	}
	snap := &Snapshot{Call: ms(10), Ret: ms(11), States: map[int64]State{c: {Open: true, Status: stNew, Owner: bot, Holder: bot, Version: 1}}}
	r := checkLinearizability(&linInput{world: world, events: events, snaps: []*Snapshot{snap}, recv: &recvTimes{}, end: ms(20)},
		t.TempDir(), 5*time.Second, 1)
	if r.Illegal != 0 {
		t.Errorf("an expired viewer broke the history: %d violations: %v", r.Illegal, r.Violations)
	}
}

// L1, L2, L7 on what answers and snapshots show.
func TestRules(t *testing.T) {
	locked := func(holder int64) State { return State{Open: true, Status: stNew, Holder: holder, Version: 2} }
	snap := &Snapshot{States: map[int64]State{100: locked(agentA), 200: locked(agentA)}}
	if r := checkRules(world, nil, []*Snapshot{snap}); r.Broken != 1 || r.ByCause["L2 (snapshot)"] != 1 {
		t.Errorf("one agent holding two locks: %+v, want one L2", r)
	}
	resolvedLocked := []Op{{Kind: OpCompleteTakeover, Agent: agentA, Conv: 100, Res: resOK,
		Obs: &Obs{Open: true, Status: stResolved, Own: ownUnclaimed, Holder: bot, Version: 9}}}
	if r := checkRules(world, resolvedLocked, nil); r.Broken != 1 || r.ByCause["L1 after completeTakeover"] != 1 {
		t.Errorf("a RESOLVED conversation locked: %+v, want one L1", r)
	}
	fine := &Snapshot{States: map[int64]State{100: locked(agentA), 200: locked(agentB), 300: {Open: true, Status: stNew, Owner: bot, Holder: bot, Version: 1}}}
	if r := checkRules(world, nil, []*Snapshot{fine}); r.Broken != 0 {
		t.Errorf("nothing broken: %+v", r)
	}
}
