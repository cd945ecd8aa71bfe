package desk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/agentchannel"
	"switchboard/ent/event"
	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/desk"
	"switchboard/internal/fault"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// twin is one side of a hot-path comparison: an agent, the conversation it acts on, another
// conversation it may hold the lock of, and another agent who may hold this one's (L2: one each).
type twin struct {
	agent           *testapi.Client
	agentID, holder int
	conv, other     int
}

// hotCase is one comparison of the hot path with the ordinary way.
type hotCase struct {
	name    string
	arrange func(s twin)
	act     func(d *desk.Desk, s twin) (*ent.Conversation, error)
	code    string // the error both must give; "" for none
	hot     bool   // the hot path decides it (else it declines)
}

// hotBench holds the two desks (one clock) and the cases TestHotPathsMatch and TestHotPathBatches
// run both ways.
type hotBench struct {
	f         *fixture
	db        *ent.Client
	now       time.Time
	hot, slow *desk.Desk
	cases     []hotCase
}

func newHotBench(t *testing.T) *hotBench {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	third := f.agent("Third", "AGENT", 5)
	other := fixtureOn(t, f.S, "other")
	sys := testapi.Sys()
	db := f.S.DB.Client
	now := time.Now().UTC().Truncate(time.Millisecond)
	hot := desk.New(f.S.DB, nil).WithClock(func() time.Time { return now })
	slow := hot.WithoutHotPaths()
	set := func(c int) *ent.ConversationUpdateOne { return db.Conversation.UpdateOneID(c) }
	claimBy := func(d *desk.Desk, s twin) (*ent.Conversation, error) { return d.Claim(viewerCtx(f, s), s.conv, false) }
	releaseBy := func(d *desk.Desk, s twin) (*ent.Conversation, error) { return d.Release(viewerCtx(f, s), s.conv) }
	claimed := func(s twin) {
		if _, err := slow.Claim(viewerCtx(f, s), s.conv, false); err != nil {
			t.Fatal(err)
		}
	}
	cases := []hotCase{
		{"claim a queued conversation", nil, claimBy, "", true},
		{"claim while holding another conversation's lock (L3)", func(s twin) {
			s.agent.Do(open, id(fmt.Sprint(s.other))).OK(t)
		}, claimBy, "", true},
		{"claim while holding this conversation's lock", func(s twin) {
			set(s.conv).SetLockHolderID(s.agentID).SetHumanLock(true).SetLockAcquiredAt(now.Add(-time.Minute)).
				SetLockExpiresAt(now.Add(time.Minute)).ExecX(sys)
		}, claimBy, "", true},
		{"claim after the customer left (§6 CUSTOMER_LEFT)", func(s twin) {
			set(s.conv).SetCustomerPresent(false).ExecX(sys)
		}, claimBy, "", true},
		{"claim on hold (§6)", func(s twin) { set(s.conv).SetState(enum.StateOnHold).ExecX(sys) }, claimBy, "", true},
		{"claim never queued (no time-to-claim)", func(s twin) { set(s.conv).ClearQueuedSince().ExecX(sys) }, claimBy, "", true},
		{"claim what another agent owns (C2)", func(s twin) {
			set(s.conv).SetOwnerID(atoi(t, third.AgentID)).SetHumanOwned(true).ExecX(sys)
		}, claimBy, "CONFLICT", false},
		{"claim what another agent is replying to (L4)", func(s twin) {
			set(s.conv).SetLockHolderID(s.holder).SetHumanLock(true).ExecX(sys)
		}, claimBy, "LOCKED", false},
		{"claim at capacity (R2)", func(s twin) {
			set(s.other).SetOwnerID(s.agentID).SetHumanOwned(true).ExecX(sys) // capacity 1 on SMS
		}, claimBy, "CAPACITY_EXCEEDED", false},
		{"claim a tagged conversation (C7)", func(s twin) { set(s.conv).SetTags([]string{"vip"}).ExecX(sys) }, claimBy, "", false},
		{"claim a bot's conversation (C1)", func(s twin) {
			bot := f.S.DB.Client.Agent.Query().Where(agentIsBot()).FirstIDX(sys)
			set(s.conv).SetOwnerID(bot).SetLockHolderID(bot).ExecX(sys)
		}, claimBy, "", false},
		{"claim another workspace's conversation (NOT_FOUND; it stays unowned)", nil, func(d *desk.Desk, s twin) (*ent.Conversation, error) {
			theirs := atoi(t, other.queued("SMS"))
			before := db.Conversation.GetX(sys, theirs).Version
			c, err := d.Claim(viewerCtx(f, s), theirs, false)
			if row := db.Conversation.GetX(sys, theirs); row.OwnerID != nil || row.LockHolderID != nil || row.Version != before {
				t.Errorf("another workspace's conversation changed: owner %v, lock %v, version %d→%d", row.OwnerID, row.LockHolderID, before, row.Version)
			}
			return c, err
		}, "NOT_FOUND", false},
		{"claim a resolved conversation (L1)", func(s twin) { set(s.conv).SetStatus(enum.StatusResolved).ExecX(sys) }, claimBy, "INVALID_STATE", false},
		{"release with the lock", claimed, releaseBy, "", true},
		{"release after the lock was stolen", func(s twin) {
			claimed(s)
			set(s.conv).SetLockHolderID(s.holder).ExecX(sys)
		}, releaseBy, "", true},
		{"release on hold", func(s twin) { claimed(s); set(s.conv).SetState(enum.StateOnHold).ExecX(sys) }, releaseBy, "", true},
		{"release after the customer left (§6 CLOSING, a timer)", func(s twin) {
			claimed(s)
			set(s.conv).SetCustomerPresent(false).ExecX(sys)
		}, releaseBy, "", false},
		{"release what another agent owns", func(s twin) {
			set(s.conv).SetOwnerID(atoi(t, third.AgentID)).SetHumanOwned(true).ExecX(sys)
		}, releaseBy, "FORBIDDEN", false},
		{"release an unclaimed conversation", nil, releaseBy, "INVALID_STATE", false},
	}
	return &hotBench{f: f, db: db, now: now, hot: hot, slow: slow, cases: cases}
}

// twin arranges side j ('A' hot, 'B' ordinary) of case i.
func (b *hotBench) twin(t *testing.T, i, j int) twin {
	sys := testapi.Sys()
	a := b.f.agent(fmt.Sprintf("Twin%d%c", i, 'A'+j), "AGENT", 1)
	h := b.f.agent(fmt.Sprintf("Holder%d%c", i, 'A'+j), "AGENT", 1)
	s := twin{agent: a, agentID: atoi(t, a.AgentID), holder: atoi(t, h.AgentID),
		conv: atoi(t, b.f.queued("SMS")), other: atoi(t, b.f.queued("SMS"))}
	for _, c := range []int{s.conv, s.other} {
		b.db.Conversation.UpdateOneID(c).SetQueuedSince(b.now.Add(-90 * time.Second)).ExecX(sys)
	}
	if tc := b.cases[i]; tc.arrange != nil {
		tc.arrange(s)
	}
	return s
}

// outcome is what case tc left on twin s (answer c, err): the answer or error code, the rows, and
// the twin's events after event id mark.
func (b *hotBench) outcome(t *testing.T, tc hotCase, s twin, c *ent.Conversation, err error, mark int) (got any, evs []any) {
	sys := testapi.Sys()
	code := ""
	if err != nil {
		fe, ok := fault.As(err)
		if !ok {
			t.Fatal(err)
		}
		code = string(fe.Code)
	}
	if code != tc.code {
		t.Fatalf("error %q, want %q (%v)", code, tc.code, err)
	}
	ids := map[int]string{s.agentID: "agent", s.holder: "holder", s.conv: "conv", s.other: "other"}
	for _, e := range b.db.Event.Query().Where(event.IDGT(mark), event.ConversationIDIn(s.conv, s.other)).Order(event.ByID()).AllX(sys) {
		e.ID, e.Seq, e.CreatedAt = 0, nil, time.Time{}
		evs = append(evs, normalized(t, e, ids))
	}
	parts := b.db.Participant.Query().Where(participant.ConversationID(s.conv), participant.KindEQ(enum.ParticipantAgent)).
		Order(participant.ByID()).AllX(sys)
	for _, p := range parts {
		p.ID, p.JoinedAt = 0, time.Time{}
	}
	ag := b.db.Agent.GetX(sys, s.agentID)
	return map[string]any{"code": code, "answer": conv(t, c, ids), "row": conv(t, b.db.Conversation.GetX(sys, s.conv), ids),
		"participants": normalized(t, parts, ids), "agent": []any{ag.LastAssignedAt, ag.LastActivityAt},
		"other": conv(t, b.db.Conversation.GetX(sys, s.other), ids)}, evs
}

// lastEvent is the newest event id.
func (b *hotBench) lastEvent() int {
	return b.db.Event.Query().Aggregate(ent.Max(event.FieldID)).IntX(testapi.Sys())
}

// compare fails t unless both sides of a case came out the same.
func compare(t *testing.T, got [2]any, evs [2][]any) {
	t.Helper()
	if !reflect.DeepEqual(evs[0], evs[1]) {
		t.Errorf("events differ:\nhot  %v\nslow %v", evs[0], evs[1])
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Errorf("outcomes differ:\nhot  %v\nslow %v", got[0], got[1])
	}
}

// TestHotPathsMatch holds storage/migrations/postgres/…_hotpaths.sql to the ordinary way: each case is arranged twice,
// on twin agents and conversations; one twin is claimed or released through the hot path (a batch
// of one), the other the ordinary way, on one clock; both must end with the same answer (or error
// code), the same conversation rows, events, participants and agent row. Cases the hot path
// declines (C2 conflict, C6/R2 caps, C7 pools, C10, C1 bots, I2) must come out the same too, which
// also proves that declining wrote nothing (L1–L6, C1–C7, C10, §6 lifecycle, §8 time-to-claim).
func TestHotPathsMatch(t *testing.T) {
	b := newHotBench(t)
	for i, tc := range b.cases {
		t.Run(tc.name, func(t *testing.T) {
			sides := [2]twin{b.twin(t, i, 0), b.twin(t, i, 1)}
			var got [2]any
			var evs [2][]any
			for j, d := range []*desk.Desk{b.hot, b.slow} {
				mark, hits := b.lastEvent(), desk.HotDecided()
				c, err := tc.act(d, sides[j])
				if decided := desk.HotDecided() - hits; decided != 0 != (tc.hot && j == 0) {
					t.Fatalf("side %d: the hot path decided %d operations", j, decided)
				}
				got[j], evs[j] = b.outcome(t, tc, sides[j], c, err, mark)
			}
			compare(t, got, evs)
		})
	}
}

// TestHotPathBatches runs every case's hot side at once, gathered into one batch of claims and
// releases (each operation decided on its own, the declined ones then going the ordinary way
// concurrently), and holds each to its ordinary twin as TestHotPathsMatch does.
func TestHotPathBatches(t *testing.T) {
	b := newHotBench(t)
	n := len(b.cases)
	sides := make([][2]twin, n)
	for i := range b.cases {
		sides[i] = [2]twin{b.twin(t, i, 0), b.twin(t, i, 1)}
	}
	mark, hits, batches := b.lastEvent(), desk.HotDecided(), desk.HotBatches()
	waiting, release := desk.HoldHotPaths(b.hot)
	t.Cleanup(release) // also when the operations never arrive
	type answer struct {
		c   *ent.Conversation
		err error
	}
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i, tc := range b.cases {
		wg.Go(func() {
			c, err := tc.act(b.hot, sides[i][0])
			answers[i] = answer{c, err}
		})
	}
	testapi.Eventually(t, 10*time.Second, "every operation reaches the hot-path queues", func() bool { return waiting() >= n })
	release()
	wg.Wait()
	want := 0
	for _, tc := range b.cases {
		if tc.hot {
			want++
		}
	}
	if decided := desk.HotDecided() - hits; decided != int64(want) {
		t.Errorf("the hot path decided %d operations, want %d", decided, want)
	}
	if n := desk.HotBatches() - batches; n != 1 {
		t.Errorf("%d batches decided them, want 1 (claims and releases together)", n)
	}
	for i, tc := range b.cases {
		t.Run(tc.name, func(t *testing.T) {
			var got [2]any
			var evs [2][]any
			got[0], evs[0] = b.outcome(t, tc, sides[i][0], answers[i].c, answers[i].err, mark)
			slowMark := b.lastEvent()
			c, err := tc.act(b.slow, sides[i][1])
			got[1], evs[1] = b.outcome(t, tc, sides[i][1], c, err, slowMark)
			compare(t, got, evs)
		})
	}
}

// viewerCtx is the context of twin s's agent.
func viewerCtx(f *fixture, s twin) context.Context {
	return auth.WithViewer(context.Background(), &auth.Viewer{AgentID: s.agentID, WorkspaceID: f.WS.Workspace.ID,
		Role: enum.RoleAgent, Kind: enum.KindHuman})
}

// conv is c (nil allowed) without what differs between twins by construction.
func conv(t *testing.T, c *ent.Conversation, ids map[int]string) any {
	if c == nil {
		return nil
	}
	cp := *c
	cp.ID, cp.CustomerID, cp.CreatedAt, cp.UpdatedAt, cp.LastMessageAt, cp.LastCustomerMessageAt = 0, 0, time.Time{}, time.Time{}, time.Time{}, nil
	cp.Edges = ent.ConversationEdges{}
	return normalized(t, cp, ids)
}

// normalized is v as JSON values, times in UTC, with the twins' ids named by ids.
func normalized(t *testing.T, v any, ids map[int]string) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	var walk func(any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case map[string]any:
			for k, v := range x {
				x[k] = walk(v)
			}
		case []any:
			for i, v := range x {
				x[i] = walk(v)
			}
		case float64:
			if name, ok := ids[int(x)]; ok {
				return name
			}
		case string:
			if tm, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return tm.UTC().Format(time.RFC3339Nano)
			}
		}
		return x
	}
	return walk(out)
}

// TestHotPathBatchFails: a batch that fails as a whole (here its function raises) answers nothing;
// each of its operations then goes the ordinary way and succeeds there, and nothing is written
// twice (C2: one owner, one claim event).
func TestHotPathBatchFails(t *testing.T) {
	b := newHotBench(t)
	if _, err := b.f.S.DB.SQL.ExecContext(context.Background(), `CREATE OR REPLACE FUNCTION switchboard_hot(p_ws bigint, p_waiting text[],
		c_convs bigint[], c_agents bigint[], c_supervisors boolean[], c_nows timestamptz[], c_walls timestamptz[],
		r_convs bigint[], r_agents bigint[], r_nows timestamptz[], r_walls timestamptz[])
		RETURNS SETOF conversations LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'broken'; END $$`); err != nil {
		t.Fatal(err)
	}
	s := b.twin(t, 0, 0)
	hits := desk.HotDecided()
	c, err := b.hot.Claim(viewerCtx(b.f, s), s.conv, false)
	if err != nil || c.OwnerID == nil || *c.OwnerID != s.agentID {
		t.Fatalf("claim: %v, %+v", err, c)
	}
	if n := desk.HotDecided() - hits; n != 0 {
		t.Errorf("the broken hot path decided %d operations", n)
	}
	if n := b.db.Event.Query().Where(event.ConversationID(s.conv), event.Type("conversation.claimed")).CountX(testapi.Sys()); n != 1 {
		t.Errorf("%d claim events, want 1", n)
	}
}

// E3 with batches: a batch numbers its own events as it writes them, the bus numbers everyone
// else's after their commit. While batches and ordinary claims and releases interleave in one
// workspace (some agents claim the ordinary way and release through a batch), a subscriber
// streaming from the start receives every event of the workspace once, in order, numbered without a
// gap, each conversation's in the order they happened (versions never go back), and the workspace's
// counter ends at the last number.
func TestHotPathNumbersEvents(t *testing.T) {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	sys, ws := testapi.Sys(), f.WS.Workspace.ID
	hot := desk.New(f.S.DB, f.S.Bus)
	slow := hot.WithoutHotPaths()
	const agents, rounds = 12, 10
	ctxs, convs := make([]context.Context, agents), make([]int, agents)
	for i := range agents {
		a := f.agent(fmt.Sprintf("Numbered%d", i), "AGENT", 5)
		ctxs[i] = auth.WithViewer(context.Background(), &auth.Viewer{AgentID: atoi(t, a.AgentID), WorkspaceID: ws,
			Role: enum.RoleAgent, Kind: enum.KindHuman})
		convs[i] = atoi(t, f.queued("SMS"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan *ent.Event, 10000)
	go func() { // a subscriber dropped as too slow resumes from its last cursor, as clients do (E3)
		var last int64
		for ctx.Err() == nil {
			from := last
			_ = f.S.Bus.Stream(ctx, ws, &from, func(e *ent.Event) bool {
				if e.Seq != nil {
					last = *e.Seq
				}
				got <- e
				return true
			})
		}
	}()
	hits := desk.HotDecided()
	var wg sync.WaitGroup
	for i := range agents {
		claimer := hot
		if i%3 == 2 {
			claimer = slow // a third of the agents claim the ordinary way, then release through a batch
		}
		wg.Go(func() {
			for range rounds {
				if _, err := claimer.Claim(ctxs[i], convs[i], false); err != nil {
					t.Error(err)
					return
				}
				if _, err := hot.Release(ctxs[i], convs[i]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if desk.HotDecided() == hits {
		t.Fatal("no batch decided anything")
	}
	total := f.S.DB.Client.Event.Query().Where(event.WorkspaceID(ws)).CountX(sys)
	seen, version := map[int]bool{}, map[int]int{}
	for want := int64(1); want <= int64(total); want++ {
		select {
		case e := <-got:
			if e.Seq == nil || *e.Seq != want || seen[e.ID] {
				t.Fatalf("event %d (%s) arrived with number %v, want %d (each once)", e.ID, e.Type, e.Seq, want)
			}
			seen[e.ID] = true
			if c := e.ConversationID; c != nil {
				if e.Version < version[*c] {
					t.Fatalf("conversation %d: %s (version %d) arrived after version %d", *c, e.Type, e.Version, version[*c])
				}
				version[*c] = e.Version
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the stream stopped after %d of %d events", want-1, total)
		}
	}
	if w := f.S.DB.Client.Workspace.GetX(sys, ws); w.EventSeq != int64(total) {
		t.Errorf("the counter is at %d after %d events", w.EventSeq, total)
	}
}

// L3 inside one batch: an agent claims one conversation while releasing the one whose lock it
// holds. The batch decides the claim first (its L3 releases the other lock), then the release; the
// rows, events, participants and answers are those of the ordinary way's claim followed by release.
func TestHotPathBatchClaimAndRelease(t *testing.T) {
	b := newHotBench(t)
	sides := [2]twin{b.twin(t, 0, 0), b.twin(t, 0, 1)}
	for _, s := range sides {
		b.db.AgentChannel.Update().Where(agentchannel.AgentID(s.agentID)).SetCapacity(2).ExecX(testapi.Sys())
		if _, err := b.slow.Claim(viewerCtx(b.f, s), s.other, false); err != nil {
			t.Fatal(err)
		}
	}
	s, o := sides[0], sides[1]
	mark, hits, batches := b.lastEvent(), desk.HotDecided(), desk.HotBatches()
	waiting, release := desk.HoldHotPaths(b.hot)
	t.Cleanup(release) // also when the operations never arrive
	var claimed, released *ent.Conversation
	var claimErr, releaseErr error
	var wg sync.WaitGroup
	wg.Go(func() { claimed, claimErr = b.hot.Claim(viewerCtx(b.f, s), s.conv, false) })
	wg.Go(func() { released, releaseErr = b.hot.Release(viewerCtx(b.f, s), s.other) })
	testapi.Eventually(t, 10*time.Second, "both operations reach the hot-path queue", func() bool { return waiting() >= 2 })
	release()
	wg.Wait()
	if releaseErr != nil {
		t.Fatal(releaseErr)
	}
	if n := desk.HotBatches() - batches; n != 1 {
		t.Errorf("%d batches decided them, want 1", n)
	}
	if n := desk.HotDecided() - hits; n != 2 {
		t.Errorf("the batch decided %d operations, want 2", n)
	}
	slowMark := b.lastEvent()
	slowClaimed, slowClaimErr := b.slow.Claim(viewerCtx(b.f, o), o.conv, false)
	slowReleased, err := b.slow.Release(viewerCtx(b.f, o), o.other)
	if err != nil {
		t.Fatal(err)
	}
	var got [2]any
	var evs [2][]any
	got[0], evs[0] = b.outcome(t, b.cases[0], s, claimed, claimErr, mark)
	got[1], evs[1] = b.outcome(t, b.cases[0], o, slowClaimed, slowClaimErr, slowMark)
	compare(t, got, evs)
	ids := func(w twin) map[int]string {
		return map[int]string{w.agentID: "agent", w.holder: "holder", w.conv: "conv", w.other: "other"}
	}
	if a, c := conv(t, released, ids(s)), conv(t, slowReleased, ids(o)); !reflect.DeepEqual(a, c) {
		t.Errorf("release answers differ:\nhot  %v\nslow %v", a, c)
	}
}
