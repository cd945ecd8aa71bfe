package routing

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/internal/events"
)

// R4 across instances, the bookkeeping: random histories of commits on this instance and on
// others, read back from the log in commit order while more commit. The remembered loads of a
// workspace must be forgotten once for every commit here that may move a load (at the commit) and
// once for every such event committed elsewhere (when it is read), never for this instance's own
// events read back (which would forget them at every dispatch), and the marks of what was read back
// must not pile up. FOLLOW_CASES plays more histories, FOLLOW_SEED replays one.
func TestFollowerCountsEachChangeOnce(t *testing.T) {
	cases, seed := 300, uint64(time.Now().UnixNano())
	if v, err := strconv.Atoi(os.Getenv("FOLLOW_CASES")); err == nil {
		cases = v
	}
	if v, err := strconv.ParseUint(os.Getenv("FOLLOW_SEED"), 10, 64); err == nil {
		seed = v
	}
	for i := range cases {
		s := seed + uint64(i)
		if msg := followHistory(s); msg != "" {
			t.Fatalf("FOLLOW_SEED=%d FOLLOW_CASES=1: %s", s, msg)
		}
	}
}

// followHistory plays one history and says what went wrong ("" when nothing did).
func followHistory(seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	r := &Router{pending: map[int]bool{}, kick: make(chan struct{}, 1), loadGen: map[int]uint64{},
		following: map[int]bool{1: true, 2: true}, local: map[change][]time.Time{}}
	moving := []string{events.ConversationClaimed, events.ConversationReleased, events.ConversationReassigned,
		events.ConversationResolved, events.AgentUpdated, events.WorkspaceUpdated}
	still := []string{events.MessageReceived, events.ConversationAssigned, events.LockAcquired, events.PresenceChanged}
	version := map[int]int{}
	type logged struct {
		e     *ent.Event
		local bool
	}
	var log []logged // commit order, as the follower reads it
	read := 0
	want := map[int]uint64{}
	var history []string
	for range 20 + rng.IntN(60) {
		if read < len(log) && rng.IntN(3) == 0 { // the follower reads the next event
			l := log[read]
			read++
			r.read(l.e.WorkspaceID, l.e)
			history = append(history, fmt.Sprintf("read %s of %d", l.e.Type, l.e.WorkspaceID))
			continue
		}
		// A commit of one to three events, here or on another instance.
		ws, here := 1+rng.IntN(2), rng.IntN(2) == 0
		var entries []events.Entry
		bumped := map[int]bool{} // a commit moves a conversation's version once
		for range 1 + rng.IntN(3) {
			e := events.Entry{WorkspaceID: ws, ActorID: 1 + rng.IntN(3)}
			if rng.IntN(3) == 0 {
				e.Type = still[rng.IntN(len(still))]
			} else {
				e.Type = moving[rng.IntN(len(moving))]
			}
			if e.Type == events.AgentUpdated || e.Type == events.WorkspaceUpdated || e.Type == events.PresenceChanged {
				e.SubjectID = 1 + rng.IntN(3) // a change of the workspace: no conversation, no version
			} else {
				e.ConversationID = 1 + rng.IntN(4)
				if !bumped[e.ConversationID] {
					bumped[e.ConversationID] = true
					version[e.ConversationID]++
				}
				e.Version = version[e.ConversationID]
			}
			entries = append(entries, e)
		}
		if here {
			r.committed(ws, entries)
			if movesLoads(entries) {
				want[ws]++
			}
		}
		for _, e := range entries {
			ev := &ent.Event{WorkspaceID: ws, Type: e.Type, Version: e.Version}
			if e.ConversationID != 0 {
				ev.ConversationID = &e.ConversationID
			}
			if e.ActorID != 0 {
				ev.ActorID = &e.ActorID
			}
			if e.SubjectID != 0 {
				ev.SubjectID = &e.SubjectID
			}
			log = append(log, logged{ev, here})
			if !here && movesLoads([]events.Entry{e}) {
				want[ws]++ // when it is read: below
			}
		}
		history = append(history, fmt.Sprintf("commit here=%v %v", here, entries))
	}
	for ; read < len(log); read++ { // the follower catches up
		r.read(log[read].e.WorkspaceID, log[read].e)
	}
	for ws := 1; ws <= 2; ws++ {
		if r.loadGen[ws] != want[ws] {
			return fmt.Sprintf("workspace %d: the loads were forgotten %d times, want %d\n%v", ws, r.loadGen[ws], want[ws], history)
		}
	}
	if len(r.local) != 0 {
		return fmt.Sprintf("%d changes of this instance still marked after all were read back: %v", len(r.local), r.local)
	}
	return ""
}
