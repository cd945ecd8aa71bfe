package desk_test

import (
	"slices"
	"testing"

	"switchboard/internal/testapi"
)

// L3, L6, L2: opening a free conversation gains its lock; opening another releases it ("clicking
// away"); a human never holds two.
func TestOpenGainsTheLockAndClickingAwayReleasesIt(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	a, b := f.queued("SMS"), f.queued("EMAIL")

	r := ana.Do(open, id(a)).OK(t)
	if r.Path(t, "openConversation.viewerCanReply") != true || r.Str(t, "openConversation.lock.holder.id") != ana.AgentID {
		t.Fatalf("L3: open did not give the lock: %s", r.Raw)
	}
	if r.Str(t, "openConversation.ownership") != "UNCLAIMED" {
		t.Fatalf("L3: the lock is not ownership: %s", r.Raw)
	}
	ana.Do(open, id(b)).OK(t)
	if f.Conv(a).LockHolderID != nil || f.locksHeld(ana.AgentID) != 1 {
		t.Fatal("L6/L2: opening another conversation must release the first lock")
	}
	if !slices.Contains(f.eventTypes(a), "lock.released") {
		t.Fatalf("E1: %v", f.eventTypes(a))
	}
	// Opening again what one holds changes nothing.
	v := f.Conv(b).Version
	ana.Do(open, id(b)).OK(t)
	if f.Conv(b).Version != v {
		t.Fatal("re-opening a held conversation bumped its version")
	}
	// L6: closing the view releases it.
	if ana.Do(closeQ, id(b)).OK(t).Path(t, "closeConversation.viewerCanReply") != false || f.locksHeld(ana.AgentID) != 0 {
		t.Fatal("L6: closing the view must release the lock")
	}
}

// L4: a conversation locked or owned by someone else opens read-only, saying who.
func TestReadOnlyView(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	a := f.queued("SMS")
	ana.Do(open, id(a)).OK(t)
	r := ben.Do(open, id(a)).OK(t)
	if r.Path(t, "openConversation.viewerCanReply") != false || r.Str(t, "openConversation.lock.holder.id") != ana.AgentID {
		t.Fatalf("L4: %s", r.Raw)
	}
	// Owned by Ana and unlocked: still read-only for Ben.
	ana.Do(claim, id(a)).OK(t)
	ana.Do(closeQ, id(a)).OK(t)
	r = ben.Do(open, id(a)).OK(t)
	if r.Path(t, "openConversation.viewerCanReply") != false || r.Str(t, "openConversation.ownership") != "CLAIMED_BY_OTHER" || r.Path(t, "openConversation.lock") != nil {
		t.Fatalf("L4 owned by other: %s", r.Raw)
	}
	// The owner regains it by opening.
	if ana.Do(open, id(a)).OK(t).Path(t, "openConversation.viewerCanReply") != true {
		t.Fatal("L3: the owner must gain the lock of its unlocked conversation")
	}
	// A bot-owned conversation is locked by the bot (L7): read-only for humans.
	c := f.conversation("WHATSAPP")
	if ben.Do(open, id(c)).OK(t).Path(t, "openConversation.viewerCanReply") != false {
		t.Fatal("L7: the bot holds the lock while it owns the conversation")
	}
}

// L1: RESOLVED conversations are never locked.
func TestResolvedConversationsAreNotLockable(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	a := f.queued("SMS")
	ana.Do(open, id(a)).OK(t)
	ana.Do(resolve, id(a)).OK(t)
	if r := ana.Do(open, id(a)).OK(t); r.Path(t, "openConversation.viewerCanReply") != false || r.Path(t, "openConversation.lock") != nil {
		t.Fatalf("L1: a RESOLVED conversation was locked: %s", r.Raw)
	}
	ana.Do(steal, id(a)).WantCode(t, "INVALID_STATE")
	ana.Do(send, testapi.Vars{"id": a, "t": "hi"}).WantCode(t, "INVALID_STATE")
}

// L5: steal moves the lock in one step; the stealer's previous lock goes (L2); the robbed holder
// is named in the event so they can be told.
func TestStealLock(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	a, b := f.queued("SMS"), f.queued("EMAIL")
	ana.Do(open, id(a)).OK(t)
	ben.Do(open, id(b)).OK(t)

	r := ben.Do(steal, id(a)).OK(t)
	if r.Str(t, "stealLock.lock.holder.id") != ben.AgentID || r.Path(t, "stealLock.viewerCanReply") != true {
		t.Fatalf("L5: %s", r.Raw)
	}
	if f.Conv(b).LockHolderID != nil || f.locksHeld(ben.AgentID) != 1 || f.locksHeld(ana.AgentID) != 0 {
		t.Fatal("L5/L2: the stealer's previous lock must be released")
	}
	ev := f.S.DB.Client.Event.Query().Order(eventByIDDesc()).FirstX(testapi.Sys())
	if ev.Type != "lock.stolen" || ev.SubjectID == nil || *ev.SubjectID != atoi(t, ana.AgentID) {
		t.Fatalf("L5: the robbed holder must be the event's subject: %+v", ev)
	}
	// Ana can no longer write (L8) and is told who holds it.
	r = ana.Do(send, testapi.Vars{"id": a, "t": "hello"}).WantCode(t, "LOCKED")
	if h, _ := r.Errors[0].Extensions["holder"].(map[string]any); h["id"] != ben.AgentID {
		t.Fatalf("LOCKED must carry the holder: %s", r.Raw)
	}
	// Stealing what one holds is a no-op.
	ben.Do(steal, id(a)).OK(t)
}

// L5 + C1 + I5: stealing from a bot is a takeover: the human owns and locks it, the bot pauses.
func TestStealFromABotTakesTheConversationOver(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	c := f.conversation("WHATSAPP")
	r := ana.Do(steal, id(c)).OK(t)
	if r.Str(t, "stealLock.owner.id") != ana.AgentID || r.Str(t, "stealLock.lock.holder.id") != ana.AgentID || r.Path(t, "stealLock.botPaused") != true {
		t.Fatalf("takeover: %s", r.Raw)
	}
	// I5/L7: the bot may no longer reply.
	f.Conn.Do(send, testapi.Vars{"id": c, "t": "bot here"}).WantCode(t, "LOCKED")
}

// L8: every write on behalf of a human needs the lock, except internal notes (C12).
func TestWritesNeedTheLock(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	a := f.queued("SMS")
	ana.Do(open, id(a)).OK(t)
	v := f.Conv(a).Version
	for _, q := range []struct {
		q    string
		vars testapi.Vars
	}{{send, testapi.Vars{"id": a, "t": "hi"}}, {pend, id(a)}, {resolve, id(a)}, {claim, id(a)}} {
		r := ben.Do(q.q, q.vars).WantCode(t, "LOCKED")
		if _, ok := r.Errors[0].Extensions["holder"]; !ok {
			t.Fatalf("LOCKED without holder: %s", r.Raw)
		}
	}
	if f.Conv(a).Version != v {
		t.Fatal("a refused write changed the conversation")
	}
	r := ben.Do(addNote, testapi.Vars{"id": a, "t": "VIP customer, be nice"}).OK(t)
	if r.Str(t, "addNote.author.id") != ben.AgentID {
		t.Fatalf("C12: %s", r.Raw)
	}
	// A client user may add notes too.
	casey := f.agent("Casey", "CLIENT_USER", 0)
	casey.Do(addNote, testapi.Vars{"id": a, "t": "from the client"}).OK(t)
	casey.Do(steal, id(a)).WantCode(t, "FORBIDDEN")
	ben.Do(addNote, testapi.Vars{"id": a, "t": "   "}).WantCode(t, "BAD_USER_INPUT")
}

// SPEC §9: a reply with an expectedVersion older than the conversation is CONFLICT; nothing is
// sent.
func TestExpectedVersion(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	a := f.queued("SMS")
	seen := int(ana.Do(open, id(a)).OK(t).Path(t, "openConversation.version").(float64))
	ben.Do(addNote, testapi.Vars{"id": a, "t": "customer called, refund done"}).OK(t)
	r := ana.Do(send, testapi.Vars{"id": a, "t": "I will refund you", "v": seen}).WantCode(t, "CONFLICT")
	if r.Errors[0].Extensions["currentVersion"].(float64) != float64(seen+1) {
		t.Fatalf("CONFLICT must carry the current version: %s", r.Raw)
	}
	if n := f.Conv(a).Version; n != seen+1 {
		t.Fatalf("a refused reply changed the version to %d", n)
	}
	ana.Do(send, testapi.Vars{"id": a, "t": "Your refund is done", "v": seen + 1}).OK(t)
	ana.Do(send, testapi.Vars{"id": a, "t": "x", "v": 999}).WantCode(t, "BAD_USER_INPUT")
}

// L6: pend and resolve release the lock; both need it first.
func TestStatusChangesReleaseTheLock(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	a := f.queued("SMS")
	ana.Do(open, id(a)).OK(t)
	if r := ana.Do(pend, id(a)).OK(t); r.Str(t, "pendConversation.status") != "PENDING" || r.Path(t, "pendConversation.lock") != nil {
		t.Fatalf("pend: %s", r.Raw)
	}
	ana.Do(pend, id(a)).WantCode(t, "INVALID_STATE") // regains the lock (L3) but is already PENDING
	if r := ana.Do(resolve, id(a)).OK(t); r.Str(t, "resolveConversation.status") != "RESOLVED" || r.Path(t, "resolveConversation.lock") != nil {
		t.Fatalf("resolve: %s", r.Raw)
	}
	ana.Do(resolve, id(a)).WantCode(t, "INVALID_STATE")
}
