package events_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/ent/event"
	"switchboard/internal/events"
	"switchboard/internal/httpapi"
	"switchboard/internal/storage"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// fixture is testapi's shared one, with agents on SMS and customers writing by SMS.
type fixture struct{ *testapi.Fixture }

func newFixture(t *testing.T, s *testapi.Server, slug string) *fixture {
	return &fixture{testapi.NewFixture(t, s, slug)}
}

// agent is an ONLINE agent with room for 10 conversations on SMS.
func (f *fixture) agent(name string) *testapi.Client {
	f.T.Helper()
	return f.Agent(name, "", "SMS:10", nil).Online()
}

// ingest is a customer's SMS.
func (f *fixture) ingest(handle, text string) string {
	f.T.Helper()
	return f.Ingest("SMS", handle, text)
}

type lockEvent struct {
	LockChanged struct {
		ConversationID string
		Holder         *struct{ ID, Name string }
		Version        int
		Cursor         string
	}
}

const lockSub = `subscription($ids:[ID!]!,$after:String){lockChanged(conversationIds:$ids,after:$after){conversationId holder{id name} version cursor}}`

// E2, E5: another agent's screen sees a lock change live (well within 1 s).
func TestLockChangedIsLive(t *testing.T) {
	f := newFixture(t, testapi.New(t), "acme")
	ana, ben := f.agent("Ana"), f.agent("Ben")
	c := f.ingest("+1", "hello")
	f.S.DB.Client.Conversation.UpdateOneID(atoi(c)).ClearOwnerID().ClearLockHolderID().ExecX(testapi.Sys())

	sub := ana.Subscribe(lockSub, testapi.Vars{"ids": []string{c}})
	registered(t, f.S, 1)
	start := time.Now()
	ben.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	var ev lockEvent
	if !sub.Next(2*time.Second, &ev) {
		t.Fatal("E2: no lock event")
	}
	if ev.LockChanged.Holder == nil || ev.LockChanged.Holder.ID != ben.AgentID {
		t.Fatalf("holder: %+v", ev)
	}
	t.Logf("E5: lock change seen after %v", time.Since(start))
	if time.Since(start) > time.Second {
		t.Fatalf("E5: took %v", time.Since(start))
	}
	ben.Do(`mutation($id:ID!){closeConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	if !sub.Next(2*time.Second, &ev) || ev.LockChanged.Holder != nil {
		t.Fatalf("release: %+v", ev)
	}
	// Too many ids, bad cursor: clear errors.
	bad := ana.Subscribe(lockSub, testapi.Vars{"ids": []string{c}, "after": "x"})
	if e := bad.Err(2 * time.Second); !strings.Contains(e, "cursor") {
		t.Fatalf("bad cursor: %q", e)
	}
}

type convEvent struct {
	ConversationEvents struct {
		Type    string
		Version int
		Cursor  string
		After   map[string]any
	}
}

const convSub = `subscription($id:ID!,$after:String){conversationEvents(conversationId:$id,after:$after){type version cursor after}}`

// E3: a subscriber that drops in the middle of a burst and resumes from its last cursor gets
// every event once, in order.
func TestResumeInTheMiddleOfABurstLosesNothing(t *testing.T) {
	f := newFixture(t, testapi.New(t), "acme")
	ana := f.agent("Ana")
	c := f.ingest("+1", "hello")
	const burst = 60

	sub := ana.Subscribe(convSub, testapi.Vars{"id": c, "after": "0"})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range burst {
			ana.Do(`mutation($id:ID!,$t:String!){addNote(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": c, "t": fmt.Sprintf("note %d", i)})
		}
	}()
	var seen []string
	var cursor string
	var ev convEvent
	for len(seen) < 15 && sub.Next(5*time.Second, &ev) {
		seen = append(seen, ev.ConversationEvents.Type)
		cursor = ev.ConversationEvents.Cursor
	}
	notes := 0
	for _, typ := range seen {
		if typ == "note.added" {
			notes++
		}
	}
	held := f.S.Bus.Count()
	sub.Close() // gone in the middle of the burst
	// It resumes once the server has dropped it and more of the burst has committed unseen.
	testapi.Eventually(t, 5*time.Second, "the subscription dropped while the burst goes on", func() bool {
		committed := f.S.DB.Client.Event.Query().Where(event.ConversationID(atoi(c)), event.Type(events.NoteAdded)).CountX(testapi.Sys())
		return f.S.Bus.Count() < held && committed >= min(notes+5, burst)
	})
	sub2 := ana.Subscribe(convSub, testapi.Vars{"id": c, "after": cursor})
	last := -1
	for notes < burst && sub2.Next(5*time.Second, &ev) {
		if ev.ConversationEvents.Cursor <= cursor && len(ev.ConversationEvents.Cursor) == len(cursor) {
			t.Fatalf("E3: duplicate event %s after cursor %s", ev.ConversationEvents.Cursor, cursor)
		}
		if ev.ConversationEvents.Version <= last {
			t.Fatalf("E3: out of order: version %d after %d", ev.ConversationEvents.Version, last)
		}
		last = ev.ConversationEvents.Version
		if ev.ConversationEvents.Type == "note.added" {
			notes++
		}
	}
	wg.Wait()
	if notes != burst {
		t.Fatalf("E3: %d of %d notes arrived", notes, burst)
	}
	// Nothing more (no duplicates trailing).
	if sub2.Next(300*time.Millisecond, &ev) {
		t.Fatalf("E3: unexpected extra event %+v", ev)
	}
}

type queueEvent struct {
	MyQueue struct {
		Kind         string
		Reason       string
		Conversation struct{ ID string }
	}
}

type notification struct {
	Notifications struct {
		Kind         string
		Note         *string
		Actor        *struct{ Name string }
		Conversation struct{ ID string }
	}
}

// E2: reassignment lands in the new owner's My Queue and notifications, with the note; a steal
// notifies the robbed holder; a customer reply notifies the owner.
func TestMyQueueAndNotifications(t *testing.T) {
	f := newFixture(t, testapi.New(t), "acme")
	ana, ben := f.agent("Ana"), f.agent("Ben")
	c := f.ingest("+1", "hello")
	benQueue := ben.Subscribe(`subscription{myQueue{kind reason conversation{id}}}`, nil)
	benNotes := ben.Subscribe(`subscription{notifications{kind note actor{name} conversation{id}}}`, nil)
	anaNotes := ana.Subscribe(`subscription{notifications{kind note actor{name} conversation{id}}}`, nil)
	registered(t, f.S, 3)

	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	ana.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to,note:"refund pending"){id}}`, testapi.Vars{"id": c, "to": ben.AgentID}).OK(t)
	var q queueEvent
	if !benQueue.Next(2*time.Second, &q) || q.MyQueue.Kind != "ADDED" || q.MyQueue.Conversation.ID != c {
		t.Fatalf("C4: reassigned conversation must appear in My Queue: %+v", q)
	}
	var n notification
	if !benNotes.Next(2*time.Second, &n) || n.Notifications.Kind != "REASSIGNED_TO_YOU" || n.Notifications.Note == nil || *n.Notifications.Note != "refund pending" {
		t.Fatalf("C4 notification: %+v", n)
	}
	// Ana opens another conversation, Ben steals... then Ana steals back from Ben: Ben is told.
	ben.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	ana.Do(`mutation($id:ID!){stealLock(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	if !benNotes.Next(2*time.Second, &n) || n.Notifications.Kind != "LOCK_STOLEN" || n.Notifications.Actor == nil || n.Notifications.Actor.Name != "Ana" {
		t.Fatalf("L5 notification: %+v", n)
	}
	f.ingest("+1", "are you there?")
	if !benNotes.Next(2*time.Second, &n) || n.Notifications.Kind != "CUSTOMER_REPLIED" {
		t.Fatalf("customer replied: %+v", n)
	}
	if !benQueue.Next(2*time.Second, &q) || q.MyQueue.Kind != "UPDATED" {
		t.Fatalf("My Queue update: %+v", q)
	}
	if anaNotes.Next(300*time.Millisecond, &n) {
		t.Fatalf("Ana got a notification meant for Ben: %+v", n)
	}
}

// Nothing crosses workspaces, and a change that rolled back publishes nothing.
func TestIsolationAndRollback(t *testing.T) {
	s := testapi.New(t)
	x, y := newFixture(t, s, "x"), newFixture(t, s, "y")
	xa := x.agent("Ana")
	inbox := xa.Subscribe(`subscription{inbox{kind reason conversation{id}}}`, nil)
	registered(t, s, 1)
	y.ingest("+1", "for workspace y")
	var q struct{ Inbox struct{ Kind, Reason string } }
	if inbox.Next(500*time.Millisecond, &q) {
		t.Fatalf("workspace x saw y's event: %+v", q)
	}
	c := x.ingest("+1", "for workspace x")
	if !inbox.Next(2*time.Second, &q) || q.Inbox.Kind != "ADDED" {
		t.Fatalf("inbox: %+v", q)
	}
	// A refused claim (Ana has no EMAIL permission… use a capacity of 0) writes and publishes
	// nothing; the next real change is the next event.
	events := xa.Subscribe(convSub, testapi.Vars{"id": c})
	registered(t, s, 2)
	x.WS.Admin.Do(`mutation($id:ID!){updateAgent(id:$id,input:{channels:[]}){id}}`, testapi.Vars{"id": xa.AgentID}).OK(t)
	xa.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).WantCode(t, "FORBIDDEN")
	xa.Do(`mutation($id:ID!,$t:String!){addNote(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": c, "t": "after"}).OK(t)
	var ev convEvent
	if !events.Next(2*time.Second, &ev) || ev.ConversationEvents.Type != "note.added" {
		t.Fatalf("a rolled-back change published something: %+v", ev)
	}
}

// E4: an event committed on instance A reaches a subscriber on instance B (Postgres).
func TestCrossInstanceDelivery(t *testing.T) {
	testdb.RequirePostgres(t)
	a := testapi.New(t)
	b := testapi.NewOn(t, a.DB, httpapi.Config{})
	f := newFixture(t, a, "acme")
	ana := f.agent("Ana")
	c := f.ingest("+1", "hello")
	onB := b.As(ana.Token).Subscribe(convSub, testapi.Vars{"id": c})
	registered(t, b, 1)
	var lat []time.Duration
	for i := range 20 {
		start := time.Now()
		ana.Do(`mutation($id:ID!,$t:String!){addNote(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": c, "t": fmt.Sprint(i)}).OK(t)
		var ev convEvent
		if !onB.Next(2*time.Second, &ev) || ev.ConversationEvents.Type != "note.added" {
			t.Fatalf("E4: event %d did not reach instance B: %+v", i, ev)
		}
		lat = append(lat, time.Since(start))
	}
	t.Logf("E4: cross-instance latencies (mutation start to receipt): %v", lat)
}

// §8 live dashboard: a supervisor follows the whole workspace, filtered by type; agents may not,
// and another workspace sees nothing.
func TestWorkspaceEventsForSupervisors(t *testing.T) {
	s := testapi.New(t)
	x, y := newFixture(t, s, "x"), newFixture(t, s, "y")
	ana := x.agent("Ana")
	const sub = `subscription($types:[String!]){workspaceEvents(types:$types){type cursor actor{name} conversation{id}}}`
	all := x.WS.Admin.Subscribe(sub, testapi.Vars{"types": []string{"conversation.claimed"}})
	other := y.WS.Admin.Subscribe(sub, nil)
	denied := ana.Subscribe(sub, nil)
	if msg := denied.Err(2 * time.Second); !strings.Contains(msg, "role does not allow") {
		t.Fatalf("an agent must not follow the whole workspace: %q", msg)
	}
	tooMany := make([]string, 51)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("type.%d", i)
	}
	if msg := x.WS.Admin.Subscribe(sub, testapi.Vars{"types": tooMany}).Err(2 * time.Second); !strings.Contains(msg, "at most 50") {
		t.Fatalf("51 event types must be refused: %q", msg)
	}
	registered(t, s, 2)
	c := x.ingest("+1", "hello")
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	var ev struct {
		WorkspaceEvents struct {
			Type, Cursor string
			Actor        *struct{ Name string }
			Conversation *struct{ ID string }
		}
	}
	if !all.Next(2*time.Second, &ev) || ev.WorkspaceEvents.Type != "conversation.claimed" || ev.WorkspaceEvents.Actor == nil ||
		ev.WorkspaceEvents.Actor.Name != "Ana" || ev.WorkspaceEvents.Conversation.ID != c {
		t.Fatalf("workspaceEvents: %+v", ev)
	}
	if other.Next(300*time.Millisecond, &ev) {
		t.Fatalf("workspace y saw x's event: %+v", ev)
	}
	// Resuming from before the claim replays it.
	again := x.WS.Admin.Subscribe(`subscription($after:String){workspaceEvents(types:["conversation.claimed"],after:$after){type}}`, testapi.Vars{"after": "0"})
	if !again.Next(2*time.Second, &ev) || ev.WorkspaceEvents.Type != "conversation.claimed" {
		t.Fatalf("resume: %+v", ev)
	}
}

// E3 for queues: a subscriber that resumes from its cursor is told what left its queue while it
// was away, although the queue it is rebuilt from (now) no longer has it.
func TestQueueResumeToldOfRemovals(t *testing.T) {
	f := newFixture(t, testapi.New(t), "acme")
	ana, ben := f.agent("Ana"), f.agent("Ben")
	inbox := ana.Subscribe(`subscription{inbox{kind cursor conversation{id}}}`, nil)
	queue := ben.Subscribe(`subscription{myQueue{kind cursor conversation{id}}}`, nil)
	registered(t, f.S, 2)
	c := f.ingest("+1", "hello")
	var in struct {
		Inbox struct {
			Kind, Cursor string
			Conversation struct{ ID string }
		}
	}
	if !inbox.Next(2*time.Second, &in) || in.Inbox.Kind != "ADDED" || in.Inbox.Conversation.ID != c {
		t.Fatalf("inbox: %+v", in)
	}
	inbox.Close()
	ben.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	var q struct {
		MyQueue struct {
			Kind, Cursor string
			Conversation struct{ ID string }
		}
	}
	if !queue.Next(2*time.Second, &q) || q.MyQueue.Kind != "ADDED" {
		t.Fatalf("my queue: %+v", q)
	}
	queue.Close()
	ben.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to){id}}`, testapi.Vars{"id": c, "to": ana.AgentID}).OK(t)

	resumedInbox := ana.Subscribe(`subscription($after:String){inbox(after:$after){kind reason cursor conversation{id}}}`, testapi.Vars{"after": in.Inbox.Cursor})
	if !resumedInbox.Next(2*time.Second, &in) || in.Inbox.Kind != "REMOVED" || in.Inbox.Conversation.ID != c {
		t.Fatalf("E3: the claim made while away must reach the resumed inbox as REMOVED: %+v %s", in, toJSON(in))
	}
	// Ben had read the claim only: what followed it (the takeover of the bot's conversation, the
	// lock, the state) updates it, then the reassignment removes it.
	resumedQueue := ben.Subscribe(`subscription($after:String){myQueue(after:$after){kind reason conversation{id}}}`, testapi.Vars{"after": q.MyQueue.Cursor})
	var got []string
	for resumedQueue.Next(2*time.Second, &q) {
		got = append(got, q.MyQueue.Kind)
		if q.MyQueue.Kind == "ADDED" || q.MyQueue.Conversation.ID != c {
			t.Fatalf("E3: resumed My Queue: %v then %+v", got, q)
		}
		if q.MyQueue.Kind == "REMOVED" {
			break
		}
	}
	if len(got) == 0 || got[len(got)-1] != "REMOVED" {
		t.Fatalf("E3: the reassignment made while away must reach the resumed My Queue as REMOVED: %v", got)
	}
	if resumedQueue.Next(300*time.Millisecond, &q) {
		t.Fatalf("nothing else happened to Ben's queue: %+v", q)
	}
}

// E3: eventCursor, read before loading a screen, resumes exactly after everything committed
// before it.
func TestEventCursorStartsASubscription(t *testing.T) {
	f := newFixture(t, testapi.New(t), "acme")
	ana := f.agent("Ana")
	f.ingest("+1", "before")
	head := ana.Do(`{eventCursor}`, nil).OK(t).Str(t, "eventCursor")
	c := f.ingest("+2", "after")
	sub := ana.Subscribe(`subscription($after:String){inbox(after:$after){kind conversation{id}}}`, testapi.Vars{"after": head})
	var in struct {
		Inbox struct {
			Kind         string
			Conversation struct{ ID string }
		}
	}
	if !sub.Next(2*time.Second, &in) || in.Inbox.Kind != "ADDED" || in.Inbox.Conversation.ID != c {
		t.Fatalf("the first event after eventCursor is the second arrival: %+v", in)
	}
	f.S.Anonymous().Do(`{eventCursor}`, nil).WantCode(t, "UNAUTHENTICATED")
}

// E3: events no subscriber asked for are numbered all the same, within about a second, so a
// later replay finds them in order.
func TestStragglersAreNumbered(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "x")
	c := atoi(f.ingest("+1", "nobody is watching"))
	if s.DB.Client.Event.Query().Where(event.ConversationID(c)).CountX(testapi.Sys()) == 0 {
		t.Fatal("the ingest wrote no events")
	}
	testapi.Eventually(t, 5*time.Second, "every event numbered", func() bool {
		return s.DB.Client.Event.Query().Where(event.ConversationID(c), event.SeqIsNil()).CountX(testapi.Sys()) == 0
	})
}

// myQueueFollower keeps one agent's My Queue as a screen does: eventCursor, then the myQueue
// query, then the myQueue subscription from that cursor.
type myQueueFollower struct {
	c   *testapi.Client
	set map[string]bool
	sub *testapi.Sub
}

func followMyQueue(t *testing.T, c *testapi.Client) *myQueueFollower {
	t.Helper()
	cursor := c.Do(`{eventCursor}`, nil).OK(t).Str(t, "eventCursor")
	f := &myQueueFollower{c: c, set: map[string]bool{}}
	for _, id := range myQueueNow(t, c) {
		f.set[id] = true
	}
	f.sub = c.Subscribe(`subscription($after:String){myQueue(after:$after){kind conversation{id}}}`, testapi.Vars{"after": cursor})
	return f
}

// myQueueNow reads every page of the myQueue query, checking its order (newest message first).
func myQueueNow(t *testing.T, c *testapi.Client) []string {
	t.Helper()
	var ids []string
	var after any
	var last time.Time
	for {
		var page struct {
			MyQueue struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID            string
						LastMessageAt time.Time
					}
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		c.Do(`query($after:Cursor){myQueue(first:2,after:$after){totalCount edges{node{id lastMessageAt}} pageInfo{hasNextPage endCursor}}}`,
			testapi.Vars{"after": after}).OK(t).Decode(t, &page)
		for _, e := range page.MyQueue.Edges {
			if !last.IsZero() && e.Node.LastMessageAt.After(last) {
				t.Fatalf("myQueue is not newest first: %v after %v", e.Node.LastMessageAt, last)
			}
			last = e.Node.LastMessageAt
			ids = append(ids, e.Node.ID)
		}
		if !page.MyQueue.PageInfo.HasNextPage {
			if page.MyQueue.TotalCount != len(ids) {
				t.Fatalf("myQueue totalCount %d, %d on its pages", page.MyQueue.TotalCount, len(ids))
			}
			return ids
		}
		after = page.MyQueue.PageInfo.EndCursor
	}
}

// caughtUp applies the subscription's events until the set equals the query's answer (true), or
// nothing more arrives for a while (false).
func (f *myQueueFollower) caughtUp(t *testing.T) bool {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		want := map[string]bool{}
		for _, id := range myQueueNow(t, f.c) {
			want[id] = true
		}
		if reflect.DeepEqual(want, f.set) && !f.apply(300*time.Millisecond) {
			return true // and nothing more came that would change it
		}
		f.apply(100 * time.Millisecond)
	}
	return false
}

// apply applies the events that arrive until none has for quiet; it reports whether any did.
func (f *myQueueFollower) apply(quiet time.Duration) bool {
	got := false
	var q queueEvent
	for f.sub.Next(quiet, &q) {
		got = true
		{
			switch q.MyQueue.Kind {
			case "ADDED", "UPDATED":
				f.set[q.MyQueue.Conversation.ID] = true
			case "REMOVED":
				delete(f.set, q.MyQueue.Conversation.ID)
			}
		}
	}
	return got
}

// SPEC §9 Query.myQueue: the query and the subscription describe the same queue. Random
// histories of claims, releases, reassignments, pends, resolves and customer replies among three
// agents; each agent's screen (query, then subscription from the cursor read before it) — and one
// that joins halfway through the activity — ends equal to the query's answer.
func TestMyQueueQueryAgreesWithSubscription(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			f := newFixture(t, testapi.New(t), "acme")
			agents := []*testapi.Client{f.agent("Ana"), f.agent("Ben"), f.agent("Cy")}
			var convs []string
			for i := range 6 {
				convs = append(convs, f.ingest(fmt.Sprint("+", i), "hello"))
			}
			var screens []*myQueueFollower
			for _, a := range agents {
				screens = append(screens, followMyQueue(t, a))
			}
			rng := rand.New(rand.NewPCG(seed, 18))
			claim, reassign := `mutation($id:ID!){claimConversation(id:$id){id}}`, `mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to){id}}`
			ops := []string{claim, claim, claim, reassign, reassign,
				`mutation($id:ID!){releaseConversation(id:$id){id}}`,
				`mutation($id:ID!){pendConversation(id:$id){id}}`,
				`mutation($id:ID!){resolveConversation(id:$id){id}}`,
			}
			took := 0
			for step := range 120 {
				if step == 60 {
					screens = append(screens, followMyQueue(t, agents[1]))
				}
				c := convs[rng.IntN(len(convs))]
				if rng.IntN(8) == 0 {
					f.ingest(fmt.Sprint("+", slices.Index(convs, c)), "still there?")
					continue
				}
				op := ops[rng.IntN(len(ops))]
				if r := agents[rng.IntN(len(agents))].Do(op, testapi.Vars{"id": c, "to": agents[rng.IntN(len(agents))].AgentID}); len(r.Errors) == 0 {
					took++
				}
			}
			sizes := []int{}
			for i, s := range screens {
				if !s.caughtUp(t) {
					t.Fatalf("screen %d: the subscription's queue %v never matched the query's %v", i, s.set, myQueueNow(t, s.c))
				}
				sizes = append(sizes, len(s.set))
			}
			t.Logf("%d of 120 steps changed something; the queues end with %v conversations", took, sizes)
		})
	}
}

// Delivery does not queue behind the requests waiting for the shared pool: with every connection
// of instance B's shared pool held, an event committed on instance A still reaches B's
// subscriber, because B's bus reads the log, and turns the event into its message, through the
// event path's own pool (storage.EventPath). Under a load past the database's capacity the shared
// pool has such a queue, and every delivery waited in it (docs/benchmarks.md).
func TestDeliveryDoesNotQueueBehindTheSharedPool(t *testing.T) {
	testdb.RequirePostgres(t)
	a := testapi.New(t)
	ctx := context.Background()
	dbB, err := storage.Open(ctx, a.DB.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dbB.Close() })
	b := testapi.NewOn(t, dbB, httpapi.Config{})
	f := newFixture(t, a, "acme")
	ana := f.agent("Ana")
	c := f.ingest("+1", "hello")
	queue := b.As(ana.Token).Subscribe(`subscription{myQueue{kind reason conversation{id}}}`, nil)
	registered(t, b, 1)

	var held []*sql.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for range dbB.SQL.Stats().MaxOpenConnections {
		conn, err := dbB.SQL.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, conn)
	}
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	var q queueEvent
	if !queue.Next(5*time.Second, &q) || q.MyQueue.Kind != "ADDED" || q.MyQueue.Conversation.ID != c {
		t.Fatalf("the claim committed on A did not reach B's subscriber while B's shared pool was taken: %+v", q)
	}
}
