package events_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
)

// noticeStream is an agent's notifications as the bus serves them: Bus.Notices, then a
// subscription to Interest{Agent, Owned} served from its cursor, each event classified by Apply
// (what the notifications subscription does, without GraphQL).
type noticeStream struct {
	ch     chan notice
	cursor int64
}

func streamNotices(t *testing.T, s *testapi.Server, ws int, agent string, after *int64) *noticeStream {
	t.Helper()
	ctx, cancel := context.WithCancel(testapi.Sys())
	t.Cleanup(cancel)
	n, from, err := s.Bus.Notices(ctx, ws, atoi(agent), after)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.Bus.Open(ctx, ws, events.Interest{Agent: atoi(agent), Owned: n.Owned})
	if err != nil {
		t.Fatal(err)
	}
	out := &noticeStream{ch: make(chan notice, 256), cursor: *from}
	sub.Serve(ctx, from, func(e *ent.Event, _ bool) bool {
		if kind := n.Apply(e); kind != "" {
			nt := notice{Kind: string(kind), Conv: strconv.Itoa(*e.ConversationID), Cursor: events.Cursor(e)}
			if e.ActorID != nil && kind != events.NoticeCustomerReplied {
				nt.Actor = strconv.Itoa(*e.ActorID)
			}
			if kind == events.NoticeReassigned || kind == events.NoticeTransferred {
				nt.Note, _ = e.After["note"].(string)
			}
			out.ch <- nt
		}
		return true
	}, func(error) {})
	return out
}

// upTo collects the notices until one about conversation last arrives (a signal the test sends
// last), and returns those before it.
func (n *noticeStream) upTo(t *testing.T, last string) []notice {
	t.Helper()
	var got []notice
	for {
		select {
		case nt := <-n.ch:
			if nt.Conv == last {
				return got
			}
			got = append(got, nt)
		case <-time.After(10 * time.Second):
			t.Fatalf("the closing notification never came; got %v", got)
		}
	}
}

func kinds(ns []notice) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Kind+" "+n.Conv)
	}
	return out
}

// sentinel ends a test's history: a new conversation the admin reassigns to each agent, whose
// notification every stream waits for.
func sentinel(t *testing.T, f *fixture, agents ...*testapi.Client) string {
	t.Helper()
	c := f.ingest("+1999", "last")
	for _, a := range agents {
		f.WS.Admin.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to,force:true){id}}`, testapi.Vars{"id": c, "to": a.AgentID}).OK(t)
	}
	return c
}

// E2, §6: a customer writing to a RESOLVED conversation reopens it to its last owner, who is told
// (CUSTOMER_REPLIED) even when its subscription began while the conversation was resolved; a
// reopening into the queue (the owner is no longer available) takes it from that owner, who is
// told nothing more of it. A reopening moves ownership (events.MovesOwnership). Found by
// TestNotificationsFollowTheLog: the former owner went on being told what the customer wrote.
func TestReopeningMovesNotifications(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "acme")
	ana := f.agent("Ana")
	c := f.ingest("+1", "hello")
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	ana.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)

	sub := ana.Subscribe(noticeSub, nil) // while it is resolved
	f.ingest("+1", "one more question")  // reopened to Ana, who is available
	if f.OwnerOf(c) != ana.AgentID {
		t.Fatalf("§6: reopened to %q, not its last owner", f.OwnerOf(c))
	}
	var ev noticeEvent
	if !sub.Next(5*time.Second, &ev) || ev.notice().Kind != "CUSTOMER_REPLIED" || ev.notice().Conv != c {
		t.Fatalf("E2: the owner it reopened to must be told: %+v", ev)
	}
	ana.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	ana.Do(`mutation{setPresence(presence:OFFLINE){id}}`, nil).OK(t)
	f.ingest("+1", "hello again") // into the queue: Ana is OFFLINE
	if f.OwnerOf(c) != "" {
		t.Fatalf("§6: reopened to %q, not into the queue", f.OwnerOf(c))
	}
	f.ingest("+1", "anyone?")
	last := sentinel(t, f, ana)
	if !sub.Next(5*time.Second, &ev) || ev.notice().Conv != last {
		t.Fatalf("E2: the former owner was told of a conversation reopened past it: %+v", ev)
	}
	st := streamNotices(t, s, f.WS.Workspace.ID, ana.AgentID, nil)
	f.ingest("+1", "still there?")
	if got := st.upTo(t, sentinel(t, f, ana)); len(got) != 0 {
		t.Fatalf("E2: Ana no longer owns it: %v", got)
	}
}

// E3: a subscription resumed from a cursor is told what happened after it as it was then: the
// customer's replies go to whoever owned the conversation when they came, not to its owner now.
// Found by TestNotificationsFollowTheLog: a resumed subscription read the ownership of now, and
// told the new owner of messages written to the former one and the former owner nothing.
func TestResumedNotificationsFollowTheOwnershipOfThen(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "acme")
	ana, ben := f.agent("Ana"), f.agent("Ben")
	c := f.ingest("+1", "hello")
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	from, _ := strconv.ParseInt(ana.Do(`{eventCursor}`, nil).OK(t).Str(t, "eventCursor"), 10, 64)
	f.ingest("+1", "for Ana")
	ana.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to,note:"yours"){id}}`, testapi.Vars{"id": c, "to": ben.AgentID}).OK(t)
	f.ingest("+1", "for Ben")
	d := f.ingest("+2", "hello")
	ben.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": d}).OK(t)
	f.ingest("+2", "for Ben too")
	ben.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to){id}}`, testapi.Vars{"id": d, "to": ana.AgentID}).OK(t)
	// Now Ben owns c and Ana d; both resume from before all of it.
	last := sentinel(t, f, ana, ben)
	want := map[*testapi.Client][]string{
		ana: {"CUSTOMER_REPLIED " + c, "REASSIGNED_TO_YOU " + d},
		ben: {"REASSIGNED_TO_YOU " + c, "CUSTOMER_REPLIED " + c, "CUSTOMER_REPLIED " + d},
	}
	for a, w := range want {
		if got := kinds(streamNotices(t, s, f.WS.Workspace.ID, a.AgentID, &from).upTo(t, last)); !slices.Equal(got, w) {
			t.Errorf("E3: agent %s resumed: %v, want %v", a.AgentID, got, w)
		}
	}
}

// E2: nobody is told of their own action: a supervisor who reassigns or transfers a conversation
// to itself, or an agent who claims or steals, is not notified; the one it happened to is. Found
// by TestNotificationsFollowTheLog: a supervisor transferring a conversation to itself was told
// TRANSFERRED_TO_YOU.
func TestNobodyIsToldOfTheirOwnAction(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "acme")
	ana := f.agent("Ana")
	sue := f.Agent("Sue", "SUPERVISOR", "SMS:10", nil).Online()
	from, _ := strconv.ParseInt(ana.Do(`{eventCursor}`, nil).OK(t).Str(t, "eventCursor"), 10, 64)
	c, d := f.ingest("+1", "hello"), f.ingest("+2", "hello")
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	sue.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to,note:"mine"){id}}`, testapi.Vars{"id": c, "to": sue.AgentID}).OK(t)
	sue.Do(`mutation($id:ID!,$to:ID!){transferConversation(id:$id,agentId:$to){id}}`, testapi.Vars{"id": d, "to": sue.AgentID}).OK(t)
	sue.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, testapi.Vars{"id": d}).OK(t) // Sue holds its lock
	ana.Do(`mutation($id:ID!){stealLock(id:$id){id}}`, testapi.Vars{"id": d}).OK(t)
	last := sentinel(t, f, ana, sue)
	if got := kinds(streamNotices(t, s, f.WS.Workspace.ID, sue.AgentID, &from).upTo(t, last)); !slices.Equal(got, []string{"LOCK_STOLEN " + d}) {
		t.Errorf("Sue: %v, want only Ana's steal of her lock", got)
	}
	if got := kinds(streamNotices(t, s, f.WS.Workspace.ID, ana.AgentID, &from).upTo(t, last)); len(got) != 0 {
		t.Errorf("Ana: %v, want nothing (her claim and steal are her own; losing c is no notification)", got)
	}
}

// E2: a subscription without a cursor starts from the log's head, with the ownership of the head:
// a conversation the agent came to own after that (before the subscription was registered) is
// still followed, and its customer's replies are told.
func TestLiveNotificationsStartFromTheHead(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "acme")
	ana := f.agent("Ana")
	ws := f.WS.Workspace.ID
	c := f.ingest("+1", "hello")
	n, from, err := s.Bus.Notices(testapi.Sys(), ws, atoi(ana.AgentID), nil)
	if err != nil {
		t.Fatal(err)
	}
	if from == nil {
		t.Fatal("no cursor: a subscription registered later would miss what moved between")
	}
	if head, _ := s.Bus.Head(testapi.Sys(), ws); strconv.FormatInt(*from, 10) != head || len(n.Owned()) != 0 {
		t.Fatalf("from %d owning %v, want the head %s owning nothing", *from, n.Owned(), head)
	}
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t) // between the read and the subscription
	st := &noticeStream{ch: make(chan notice, 16)}
	ctx, cancel := context.WithCancel(testapi.Sys())
	defer cancel()
	sub, err := s.Bus.Open(ctx, ws, events.Interest{Agent: atoi(ana.AgentID), Owned: n.Owned})
	if err != nil {
		t.Fatal(err)
	}
	sub.Serve(ctx, from, func(e *ent.Event, _ bool) bool {
		if k := n.Apply(e); k != "" {
			st.ch <- notice{Kind: string(k), Conv: strconv.Itoa(*e.ConversationID)}
		}
		return true
	}, func(error) {})
	f.ingest("+1", "are you there?")
	if got := kinds(st.upTo(t, sentinel(t, f, ana))); !slices.Equal(got, []string{"CUSTOMER_REPLIED " + c}) {
		t.Fatalf("E2: %v, want Ana told of the reply in the conversation she claimed", got)
	}
}

// E2: the conversations an agent's notifications follow are its open ones: a closed conversation
// is never written to again (§6), and a year of them would be indexed for every subscription.
func TestNoticesFollowOpenConversationsOnly(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	ana := ws.NewAgent("ana@acme.test", "AGENT")
	c := s.DB.Client
	cust := c.Customer.Create().SetWorkspaceID(ws.Workspace.ID).SetName("Grace").SaveX(testapi.Sys())
	owned := func(open bool) int {
		return c.Conversation.Create().SetWorkspaceID(ws.Workspace.ID).SetCustomerID(cust.ID).SetChannel("SMS").
			SetOwnerID(atoi(ana.AgentID)).SetHumanOwned(true).SetIsOpen(open).SaveX(testapi.Sys()).ID
	}
	open := owned(true)
	for range 3 {
		owned(false)
	}
	n, _, err := s.Bus.Notices(testapi.Sys(), ws.Workspace.ID, atoi(ana.AgentID), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Owned(); !slices.Equal(got, []int{open}) {
		t.Fatalf("notifications follow %v; want only the open conversation %d", got, open)
	}
}

// E2: a customer's message tells its owner even when the connector that stored it uses the
// owner's own API key (an admin trying the desk out): it is the customer's action, not the owner's.
func TestCustomerRepliedWhateverKeyStoredIt(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	admin := ws.Admin
	me := admin.Do(`{me{id}}`, nil).OK(t).Str(t, "me.id")
	own := ws.NewKey(me)
	in := `mutation($h:String!){ingestCustomerMessage(input:{channel:SMS,customerHandle:$h,text:"hi"}){id}}`
	c := own.Do(in, testapi.Vars{"h": "+15550100"}).OK(t).Str(t, "ingestCustomerMessage.id")
	admin.Do(`mutation($id:ID!,$in:UpdateAgentInput!){updateAgent(id:$id,input:$in){id}}`,
		testapi.Vars{"id": me, "in": map[string]any{"channels": []map[string]any{{"channel": "SMS", "capacity": 5}}}}).OK(t)
	admin.Do(`mutation($id:ID!){takeOverConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	sub := admin.Subscribe(`subscription{notifications{kind conversation{id}}}`, nil)
	own.Do(in, testapi.Vars{"h": "+15550100"}).OK(t)
	var ev struct {
		Notifications struct {
			Kind         string
			Conversation struct{ ID string }
		}
	}
	if !sub.Next(5*time.Second, &ev) || ev.Notifications.Kind != "CUSTOMER_REPLIED" || ev.Notifications.Conversation.ID != c {
		t.Fatalf("E2: the owner is told the customer replied: %+v", ev)
	}
}
