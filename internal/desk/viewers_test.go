package desk_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/ent/viewer"
	"switchboard/internal/desk"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
)

const viewersQuery = `query($id:ID!){node(id:$id){... on Conversation{viewers{agent{name} monitoring}}}}`

// viewersOf lists a conversation's viewers as "Name" or "Name (monitoring)".
func viewersOf(t *testing.T, c *testapi.Client, conv string) []string {
	t.Helper()
	var out struct {
		Node struct {
			Viewers []struct {
				Agent      struct{ Name string }
				Monitoring bool
			}
		}
	}
	c.Do(viewersQuery, testapi.Vars{"id": conv}).OK(t).Decode(t, &out)
	var names []string
	for _, v := range out.Node.Viewers {
		n := v.Agent.Name
		if v.Monitoring {
			n += " (monitoring)"
		}
		names = append(names, n)
	}
	return names
}

// SPEC §12 Conversation.viewers: who has it open now — joined on open, gone on close and on
// opening another (one at a time, as L3); a supervisor monitors without the lock; every change is
// an event of the conversation at its current version.
func TestViewersJoinAndLeave(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	sam := f.agent("Sam", "SUPERVISOR", 5)
	c, d := f.queued("SMS"), f.queued("SMS")
	cursor := sam.Do(`{eventCursor}`, nil).OK(t).Str(t, "eventCursor")
	live := sam.Subscribe(`subscription($c:ID!,$after:String){conversationEvents(conversationId:$c,after:$after){type version subject{name} after}}`,
		testapi.Vars{"c": c, "after": cursor})

	ana.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, id(c)).OK(t)
	ben.Do(`mutation($id:ID!){openConversation(id:$id){viewerCanReply}}`, id(c)).OK(t)
	if got := viewersOf(t, sam, c); !slices.Equal(got, []string{"Ana", "Ben"}) {
		t.Fatalf("viewers after Ana and Ben opened it: %v", got)
	}
	// A supervisor watches without the lock, and keeps their own lock elsewhere.
	sam.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, id(d)).OK(t)
	sam.Do(`mutation($id:ID!){monitorConversation(id:$id){id}}`, id(c)).OK(t)
	if got := viewersOf(t, ana, c); !slices.Equal(got, []string{"Ana", "Ben", "Sam (monitoring)"}) {
		t.Fatalf("viewers with Sam monitoring: %v", got)
	}
	if h := f.Conv(c).LockHolderID; h == nil || fmt.Sprint(*h) != ana.AgentID {
		t.Fatalf("L1: monitoring moved the lock: holder %v", h)
	}
	if h := f.Conv(d).LockHolderID; h == nil || fmt.Sprint(*h) != sam.AgentID {
		t.Fatalf("monitoring released the supervisor's own lock on another conversation: holder %v", h)
	}
	if got := viewersOf(t, ana, d); len(got) != 0 {
		t.Fatalf("Sam still views the conversation he left to monitor another: %v", got)
	}
	// Opening another leaves the view; closing leaves it too.
	ana.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, id(d)).OK(t)
	ben.Do(`mutation($id:ID!){closeConversation(id:$id){id}}`, id(c)).OK(t)
	if got := viewersOf(t, ana, c); !slices.Equal(got, []string{"Sam (monitoring)"}) {
		t.Fatalf("viewers after Ana opened another and Ben closed it: %v", got)
	}
	// Opening again what one views tells nobody anything new.
	sam.Do(`mutation($id:ID!){monitorConversation(id:$id){id}}`, id(c)).OK(t)

	want := []string{"viewer.joined Ana", "lock.acquired Ana", "viewer.joined Ben", "viewer.joined Sam",
		"viewer.left Ana", "lock.released Ana", "viewer.left Ben"}
	var got []string
	last := 0
	for range want {
		var ev struct {
			ConversationEvents struct {
				Type    string
				Version int
				Subject *struct{ Name string }
			}
		}
		if !live.Next(2*time.Second, &ev) {
			t.Fatalf("conversationEvents stopped after %v, want %v", got, want)
		}
		e := ev.ConversationEvents
		if e.Version < last {
			t.Fatalf("E2: version %d after %d (%s)", e.Version, last, e.Type)
		}
		last = e.Version
		got = append(got, e.Type+" "+e.Subject.Name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("conversationEvents: %v, want %v", got, want)
	}
	var extra map[string]any
	if live.Next(300*time.Millisecond, &extra) {
		t.Fatalf("a repeated monitor told the viewers again: %v", extra)
	}
}

// Only supervisors monitor; nobody sees or monitors another workspace's conversation.
func TestMonitorNeedsSupervisor(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	c := f.queued("SMS")
	ana.Do(`mutation($id:ID!){monitorConversation(id:$id){id}}`, id(c)).WantCode(t, "FORBIDDEN")
	f.WS.NewKey(f.WS.NewBot("Helper", "DELEGATION")).Do(`mutation($id:ID!){monitorConversation(id:$id){id}}`, id(c)).WantCode(t, "FORBIDDEN")
	other := fixtureOn(t, f.S, "other").agent("Olga", "SUPERVISOR", 5)
	other.Do(`mutation($id:ID!){monitorConversation(id:$id){id}}`, id(c)).WantCode(t, "NOT_FOUND")
	other.Do(viewersQuery, id(c)).WantCode(t, "NOT_FOUND")
	if n := f.S.DB.Client.Viewer.Query().CountX(testapi.Sys()); n != 0 {
		t.Fatalf("refused calls left %d viewers", n)
	}
}

// L6: a viewer whose connection is gone longer than lockGracePeriod is no longer listed, and the
// expiry tells the conversation once; one who renews (connected, or heartbeat) stays.
func TestViewersExpireWithTheirLease(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	c := f.queued("SMS")
	ana.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, id(c)).OK(t)
	ben.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, id(c)).OK(t)
	f.S.DB.Client.Viewer.Update().SetLastSeenAt(time.Now().Add(-2 * time.Minute)).ExecX(testapi.Sys())
	ben.Do(`mutation{heartbeat}`, nil).OK(t) // Ben is still there
	if got := viewersOf(t, ben, c); !slices.Equal(got, []string{"Ben"}) {
		t.Fatalf("viewers once Ana's lease ran out: %v", got)
	}
	d := desk.New(f.S.DB, f.S.Bus)
	for range 2 { // several instances may expire at once: once is told
		if _, err := d.ExpireViewers(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	left := f.S.DB.Client.Event.Query().Where(event.ConversationID(atoi(t, c)), event.Type(events.ViewerLeft)).AllX(testapi.Sys())
	if len(left) != 1 || left[0].SubjectID == nil || fmt.Sprint(*left[0].SubjectID) != ana.AgentID || left[0].After["reason"] != "connection lost" {
		t.Fatalf("viewer.left events after the expiry: %+v", left)
	}
	if n := f.S.DB.Client.Viewer.Query().Where(viewer.ConversationID(atoi(t, c))).CountX(testapi.Sys()); n != 1 {
		t.Fatalf("%d viewer rows left, want Ben's", n)
	}
}

// Random concurrent opens, monitors and closes by many agents (real goroutines; on Postgres with
// row locks): afterwards every agent views at most one conversation — the one it opened last,
// unless it closed it — and no conversation's events go back in version (E2).
func TestViewersUnderConcurrency(t *testing.T) {
	f := newFixture(t)
	var agents []*testapi.Client
	for i := range 8 {
		role := "AGENT"
		if i%4 == 0 {
			role = "SUPERVISOR"
		}
		agents = append(agents, f.agent(fmt.Sprint("Agent", i), role, 5))
	}
	var convs []string
	for range 4 {
		convs = append(convs, f.queued("SMS"))
	}
	// A subscriber makes the bus number the events (E3), in the order they became visible.
	feed := agents[0].Subscribe(`subscription{workspaceEvents{type}}`, nil)
	defer feed.Close()
	last := make([]string, len(agents)) // what each agent views last, "" when nothing
	var wg sync.WaitGroup
	for i, a := range agents {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 12))
			for range 25 {
				c := convs[rng.IntN(len(convs))]
				op := []string{"openConversation", "openConversation", "closeConversation", "monitorConversation"}[rng.IntN(4)]
				r := a.Do(`mutation($id:ID!){`+op+`(id:$id){id}}`, id(c))
				switch {
				case r.Code() != "":
					if op != "monitorConversation" || i%4 == 0 {
						t.Errorf("%s by agent %d: %s", op, i, r.Raw)
					}
				case op == "closeConversation":
					if last[i] == c {
						last[i] = ""
					}
				default:
					last[i] = c
				}
			}
		})
	}
	wg.Wait()
	sys := testapi.Sys()
	for i, a := range agents {
		rows := f.S.DB.Client.Viewer.Query().Where(viewer.AgentID(atoi(t, a.AgentID))).AllX(sys)
		var got string
		if len(rows) > 1 {
			t.Fatalf("agent %d views %d conversations at once", i, len(rows))
		} else if len(rows) == 1 {
			got = fmt.Sprint(rows[0].ConversationID)
		}
		if got != last[i] {
			t.Errorf("agent %d views %q, want the last it opened and did not close, %q", i, got, last[i])
		}
	}
	testapi.Eventually(t, 5*time.Second, "the events all numbered", func() bool { return !f.S.DB.Client.Event.Query().Where(event.SeqIsNil()).ExistX(sys) })
	evs := f.S.DB.Client.Event.Query().Where(event.ConversationIDNotNil()).Order(ent.Asc(event.FieldSeq)).AllX(sys)
	version := map[int]int{}
	for _, e := range evs {
		if e.Version < version[*e.ConversationID] {
			t.Fatalf("E2: conversation %d: %s at version %d after version %d", *e.ConversationID, e.Type, e.Version, version[*e.ConversationID])
		}
		version[*e.ConversationID] = e.Version
	}
}
