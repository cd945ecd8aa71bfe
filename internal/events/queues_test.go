package events_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/conversation"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/internal/testapi"
	"switchboard/internal/workers"
)

// E2, E3: the live queues follow the database. Random histories through the API — customers
// writing (new conversations, replies, reopening resolved ones), claims, bulk claims, steals,
// releases, forced releases, reassignments, transfers to agents and to a team, pends, resolves,
// holds and resumes, interventions requested by the bot, taken over, cancelled, returned and
// completed, delegations and hand-backs, customers leaving (so that housekeeping, running, closes
// conversations) — while every agent follows its myQueue and a supervisor the inbox, each as a
// screen does (cursor, query, subscription from the cursor), and a second follower of each starts
// halfway. At the end every follower's set, built from ADDED and REMOVED alone, must be the
// queue the database holds: an agent's open NEW or PENDING conversations (myQueue's query), the
// open NEW or PENDING conversations no human owns (the inbox's).
//
// QUEUES_CASES=<n> plays more histories; QUEUES_SEED=<seed> QUEUES_CASES=1 replays one.
func TestQueuesFollowTheDatabase(t *testing.T) {
	cases, seed := 2, time.Now().UnixNano()
	if n, err := strconv.Atoi(os.Getenv("QUEUES_CASES")); err == nil {
		cases = n
	}
	if s, err := strconv.ParseInt(os.Getenv("QUEUES_SEED"), 10, 64); err == nil {
		seed = s
	}
	for i := range cases {
		playQueues(t, seed+int64(i))
	}
}

func playQueues(t *testing.T, seed int64) {
	r := rand.New(rand.NewPCG(uint64(seed), 21))
	s := testapi.New(t)
	f := newFixture(t, s, fmt.Sprintf("q%d", seed&0xffff))
	s.Start(workers.Set{Instance: "queues", Timers: 20 * time.Millisecond}) // housekeeping closes what is CLOSING
	sys := testapi.Sys()
	ws := f.WS.Workspace.ID
	var agents []*testapi.Client
	for _, n := range []string{"Ana", "Ben", "Cy"} {
		agents = append(agents, f.Agent(n, "", "*:20", nil).Online())
	}
	sup := f.Agent("Sue", "SUPERVISOR", "*:20", nil).Online()
	greeter := s.DB.Client.Agent.Query().Where(agent.WorkspaceID(ws), agent.VaRoleEQ(enum.VARoleInception)).OnlyIDX(sys)
	bot := f.WS.NewKey(strconv.Itoa(greeter))
	if r.IntN(3) == 0 {
		f.WithoutInception() // new conversations wait unowned
	}
	payments := f.WS.NewBot("Payments", "DELEGATION")
	paymentsKey := f.WS.NewKey(payments)
	team := f.WS.Admin.Do(`mutation($m:[ID!]){createTeam(input:{name:"Tier2",memberIds:$m}){id}}`,
		testapi.Vars{"m": []string{agents[0].AgentID, agents[1].AgentID}}).OK(t).Str(t, "createTeam.id")

	var convs []string
	handles := []string{}
	write := func() {
		var h string
		if len(handles) > 0 && r.IntN(2) == 0 {
			h = handles[r.IntN(len(handles))]
		} else {
			h = fmt.Sprintf("+1555%04d", len(handles))
			handles = append(handles, h)
		}
		id := f.Ingest([]string{"SMS", "EMAIL"}[r.IntN(2)], h, "hello")
		if !slices.Contains(convs, id) {
			convs = append(convs, id)
		}
	}
	for range 4 {
		write()
	}
	var followers []*queueFollower
	follow := func() {
		for _, a := range agents {
			followers = append(followers, followQueue(t, a, "myQueue", func() map[string]bool { return setOf(myQueueNow(t, a)) }))
		}
		followers = append(followers, followQueue(t, sup, "inbox", func() map[string]bool {
			ids := s.DB.Client.Conversation.Query().Where(conversation.WorkspaceID(ws), conversation.HumanOwned(false), conversation.IsOpen(true),
				conversation.StatusIn(enum.StatusNew, enum.StatusPending)).IDsX(sys)
			out := map[string]bool{}
			for _, id := range ids {
				out[strconv.Itoa(id)] = true
			}
			return out
		}))
	}
	follow()
	type op struct {
		name, query string
		by          func() *testapi.Client
		vars        func(id string) testapi.Vars
	}
	human := func() *testapi.Client {
		if r.IntN(5) == 0 {
			return sup
		}
		return agents[r.IntN(len(agents))]
	}
	idOnly := func(id string) testapi.Vars { return testapi.Vars{"id": id} }
	ops := []op{
		{"claim", `mutation($id:ID!){claimConversation(id:$id){id}}`, human, idOnly},
		{"claim", `mutation($id:ID!){claimConversation(id:$id){id}}`, human, idOnly},
		{"bulkClaim", `mutation($id:ID!){bulkClaimConversations(ids:[$id]){conversation{id}}}`, human, idOnly},
		{"steal", `mutation($id:ID!){stealLock(id:$id){id}}`, human, idOnly},
		{"release", `mutation($id:ID!){releaseConversation(id:$id){id}}`, human, idOnly},
		{"forceRelease", `mutation($id:ID!){forceRelease(id:$id){id}}`, func() *testapi.Client { return sup }, idOnly},
		{"reassign", `mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to){id}}`, human,
			func(id string) testapi.Vars { return testapi.Vars{"id": id, "to": agents[r.IntN(len(agents))].AgentID} }},
		{"transfer", `mutation($id:ID!,$to:ID!){transferConversation(id:$id,agentId:$to){id}}`, human,
			func(id string) testapi.Vars { return testapi.Vars{"id": id, "to": agents[r.IntN(len(agents))].AgentID} }},
		{"transferTeam", `mutation($id:ID!,$to:ID!){transferConversation(id:$id,teamId:$to){id}}`, human,
			func(id string) testapi.Vars { return testapi.Vars{"id": id, "to": team} }},
		{"pend", `mutation($id:ID!){pendConversation(id:$id){id}}`, human, idOnly},
		{"resolve", `mutation($id:ID!){resolveConversation(id:$id){id}}`, human, idOnly},
		{"hold", `mutation($id:ID!){holdConversation(id:$id){id}}`, human, idOnly},
		{"resume", `mutation($id:ID!){resumeConversation(id:$id){id}}`, human, idOnly},
		{"requestIntervention", `mutation($id:ID!){requestIntervention(id:$id,summary:"a human"){id}}`, func() *testapi.Client { return bot }, idOnly},
		{"takeOver", `mutation($id:ID!){takeOverConversation(id:$id){id}}`, human, idOnly},
		{"cancelTakeover", `mutation($id:ID!){cancelTakeover(id:$id){id}}`, human, idOnly},
		{"returnToQueue", `mutation($id:ID!){returnToQueue(id:$id){id}}`, human, idOnly},
		{"completeTakeover", `mutation($id:ID!){completeTakeover(id:$id,input:{topic:"billing",outcome:"solved"}){id}}`, human, idOnly},
		{"delegate", `mutation($id:ID!,$to:ID!){delegateToBot(id:$id,botId:$to){id}}`, human,
			func(id string) testapi.Vars { return testapi.Vars{"id": id, "to": payments} }},
		{"handBack", `mutation($id:ID!){handBackConversation(id:$id){id}}`, func() *testapi.Client { return paymentsKey }, idOnly},
		{"customerLeaves", `mutation($id:ID!){endCustomerSession(conversationId:$id){id}}`, func() *testapi.Client { return f.Conn }, idOnly},
	}
	done := map[string]int{}
	for step := range 140 {
		if step == 70 {
			follow() // screens opened halfway, from a cursor of their own
		}
		if r.IntN(7) == 0 {
			write()
			done["write"]++
			continue
		}
		o := ops[r.IntN(len(ops))]
		if res := o.by().Do(o.query, o.vars(convs[r.IntN(len(convs))])); len(res.Errors) == 0 {
			done[o.name]++
		} else if code := res.Code(); code == "INTERNAL_SERVER_ERROR" || code == "UNAVAILABLE" {
			t.Fatalf("seed %d, %s: %s", seed, o.name, code)
		}
	}
	explain := func(got, want map[string]bool) string {
		out := ""
		for id := range got {
			if want[id] {
				continue
			}
			n, _ := strconv.Atoi(id)
			c := s.DB.Client.Conversation.GetX(sys, n)
			var types []string
			for _, e := range s.DB.Client.Event.Query().Where(event.ConversationID(n)).Order(ent.Asc(event.FieldID)).AllX(sys) {
				types = append(types, e.Type)
			}
			out += fmt.Sprintf("\n  %s: owner %v human %v open %v %s %s; events %v", id, c.OwnerID, c.HumanOwned, c.IsOpen, c.Status, c.State, types)
		}
		return out
	}
	for i, fl := range followers {
		if !fl.caughtUp(t) {
			t.Log("in the subscription's set only:", explain(fl.set, fl.want()), "\nin the database's only:", explain(fl.want(), fl.set))
			t.Fatalf("seed %d: %s follower %d (%s): the subscription's set %v never became the database's %v\n(replay: QUEUES_SEED=%d QUEUES_CASES=1 go test -run QueuesFollowTheDatabase ./internal/events/; done: %v)",
				seed, fl.field, i, fl.c.AgentID, slices.Sorted(maps.Keys(fl.set)), slices.Sorted(maps.Keys(fl.want())), seed, done)
		}
	}
	if testing.Verbose() {
		t.Logf("seed %d: operations that changed something: %v", seed, done)
	}
}

// queueFollower keeps a live queue as a screen does: eventCursor, the set now, then the
// subscription from that cursor.
type queueFollower struct {
	c     *testapi.Client
	field string
	set   map[string]bool
	want  func() map[string]bool
	sub   *testapi.Sub
}

func followQueue(t *testing.T, c *testapi.Client, field string, want func() map[string]bool) *queueFollower {
	t.Helper()
	cursor := c.Do(`{eventCursor}`, nil).OK(t).Str(t, "eventCursor")
	f := &queueFollower{c: c, field: field, set: want(), want: want}
	f.sub = c.Subscribe(fmt.Sprintf(`subscription($after:String){%s(after:$after){kind conversation{id}}}`, field), testapi.Vars{"after": cursor})
	return f
}

// caughtUp applies the subscription's events until the set equals the database's (true), or
// nothing more arrives for a while (false).
func (f *queueFollower) caughtUp(t *testing.T) bool {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if want := f.want(); maps.Equal(want, f.set) && !f.apply(300*time.Millisecond) {
			return true
		}
		f.apply(100 * time.Millisecond)
	}
	return false
}

func (f *queueFollower) apply(quiet time.Duration) bool {
	got := false
	var ev map[string]struct {
		Kind         string
		Conversation struct{ ID string }
	}
	for f.sub.Next(quiet, &ev) {
		got = true
		q := ev[f.field]
		switch q.Kind {
		case "ADDED", "UPDATED":
			f.set[q.Conversation.ID] = true
		case "REMOVED":
			delete(f.set, q.Conversation.ID)
		}
		ev = nil
	}
	return got
}

func setOf(ids []string) map[string]bool {
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// E2, §6: a conversation housekeeping closes leaves the inbox (a bot's, the customer gone), and a
// RESOLVED one given back to its bot (completeTakeover) does not enter it; releasing or returning
// a RESOLVED one to the queue is INVALID_STATE (it is in no queue). Found by
// TestQueuesFollowTheDatabase.
func TestInboxLeavesClosedAndResolvedOut(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "acme")
	s.Start(workers.Set{Instance: "inbox", Timers: 20 * time.Millisecond})
	ana := f.agent("Ana")
	sup := f.Agent("Sue", "SUPERVISOR", "SMS:5", nil).Online()
	gone, done := f.ingest("+1", "hello"), f.ingest("+2", "hello")
	inbox := followQueue(t, sup, "inbox", func() map[string]bool {
		ids := s.DB.Client.Conversation.Query().Where(conversation.HumanOwned(false), conversation.IsOpen(true),
			conversation.StatusIn(enum.StatusNew, enum.StatusPending)).IDsX(testapi.Sys())
		out := map[string]bool{}
		for _, id := range ids {
			out[strconv.Itoa(id)] = true
		}
		return out
	})
	if !inbox.set[gone] || !inbox.set[done] {
		t.Fatalf("both start in the inbox: %v", inbox.set)
	}
	f.Conn.Do(`mutation($id:ID!){endCustomerSession(conversationId:$id){id}}`, testapi.Vars{"id": gone}).OK(t)
	testapi.Eventually(t, 5*time.Second, "housekeeping closes it", func() bool {
		n, _ := strconv.Atoi(gone)
		return !s.DB.Client.Conversation.GetX(testapi.Sys(), n).IsOpen
	})
	ana.Do(`mutation($id:ID!){takeOverConversation(id:$id){id}}`, testapi.Vars{"id": done}).OK(t)
	ana.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, testapi.Vars{"id": done}).OK(t)
	for _, q := range []string{`mutation($id:ID!){releaseConversation(id:$id){id}}`, `mutation($id:ID!){returnToQueue(id:$id){id}}`} {
		ana.Do(q, testapi.Vars{"id": done}).WantCode(t, "INVALID_STATE")
	}
	sup.Do(`mutation($id:ID!){forceRelease(id:$id){id}}`, testapi.Vars{"id": done}).WantCode(t, "INVALID_STATE")
	ana.Do(`mutation($id:ID!){completeTakeover(id:$id,input:{topic:"billing",outcome:"solved"}){id}}`, testapi.Vars{"id": done}).OK(t)
	if !inbox.caughtUp(t) || inbox.set[gone] || inbox.set[done] {
		t.Fatalf("the inbox holds %v: neither the closed nor the resolved one", slices.Sorted(maps.Keys(inbox.set)))
	}
}
