package desk_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"

	"switchboard/ent/conversation"
	"switchboard/ent/customer"
	"switchboard/ent/customeridentity"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
)

const merge = `mutation($into:ID!,$from:ID!){mergeCustomers(into:$into,from:$from){id name identities{channel handle}}}`

// customerOfConv is the customer id of the conversation an ingestCustomerMessage answered.
func customerOfConv(t *testing.T, r *testapi.Response) string {
	t.Helper()
	return r.Str(t, "ingestCustomerMessage.customer.id")
}

// §1, I7: one person known as two customers (a Facebook id and a phone number are never matched
// by themselves) becomes one: handles and conversations move, history spans both, the next
// message from either handle is the customer's, and the merged customer is gone.
func TestMergeCustomers(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	sup := ws.NewAgent("sue@acme.test", "SUPERVISOR")
	fb := conn.Do(ingest, testapi.Vars{"in": map[string]any{"channel": "FACEBOOK", "customerHandle": "fb-4711", "text": "hi from messenger"}}).OK(t)
	sms := conn.Do(ingest, msg("SMS", "+15550104711", "hi by text")).OK(t)
	into, from := customerOfConv(t, fb), customerOfConv(t, sms)
	if into == from {
		t.Fatal("a Facebook id and a phone number were matched by themselves")
	}
	r := sup.Do(merge, testapi.Vars{"into": into, "from": from}).OK(t)
	if r.Str(t, "mergeCustomers.id") != into || r.Str(t, "mergeCustomers.name") != "Maria" {
		t.Fatalf("merged: %s (want the customer kept, named as the other one since it had no name)", r.Raw)
	}
	if n := len(r.Path(t, "mergeCustomers.identities").([]any)); n != 2 {
		t.Fatalf("identities after the merge: %s", r.Raw)
	}
	fbConv, smsConv := fb.Str(t, "ingestCustomerMessage.id"), sms.Str(t, "ingestCustomerMessage.id")
	h := sup.Do(`query($id:ID!){node(id:$id){... on Conversation{version customer{id} history{id}}}}`, testapi.Vars{"id": fbConv}).OK(t)
	if h.Str(t, "node.customer.id") != into || fmt.Sprint(h.Path(t, "node.history")) != fmt.Sprintf("[map[id:%s]]", smsConv) {
		t.Fatalf("I7: the history spans both customers' conversations: %s", h.Raw)
	}
	for _, id := range []string{fbConv, smsConv} { // both open: a change each, for the screens showing them
		v := sup.Do(`query($id:ID!){node(id:$id){... on Conversation{version customer{id}}}}`, testapi.Vars{"id": id}).OK(t)
		if v.Str(t, "node.customer.id") != into || v.Path(t, "node.version").(float64) != 2 {
			t.Fatalf("open conversation %s after the merge: %s (want into's, version 2)", id, v.Raw)
		}
		e := s.DB.Client.Event.Query().Where(event.Type("customer.merged"), event.ConversationID(atoi(t, id))).OnlyX(testapi.Sys())
		if e.Version != 2 || fmt.Sprint(events.Int(e.After, "customer")) != into {
			t.Fatalf("conversation %s's customer.merged: version %d after %v", id, e.Version, e.After)
		}
	}
	sup.Do(`query($id:ID!){node(id:$id){id}}`, testapi.Vars{"id": from}).WantCode(t, "NOT_FOUND") // removed
	again := conn.Do(ingest, msg("SMS", "+15550104711", "still me")).OK(t)
	if customerOfConv(t, again) != into || again.Str(t, "ingestCustomerMessage.id") != smsConv {
		t.Fatalf("a message from the merged handle: %s", again.Raw)
	}
	e := s.DB.Client.Event.Query().Where(event.Type("customer.merged"), event.ConversationIDIsNil()).OnlyX(testapi.Sys())
	if fmt.Sprint(events.Int(e.Before, "customer")) != from || fmt.Sprint(events.Int(e.After, "customer")) != into || events.Int(e.After, "conversations") != 1 {
		t.Fatalf("customer.merged: before %v after %v", e.Before, e.After)
	}
	sup.Do(merge, testapi.Vars{"into": into, "from": from}).WantCode(t, "NOT_FOUND")
}

// Refusals change nothing: a role under supervisor, the same customer twice, another workspace's
// customer, and two conversations open on one channel (a customer has one per channel).
func TestMergeCustomersRefusals(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	other := s.NewWorkspace("globex")
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	sup := ws.NewAgent("sue@acme.test", "SUPERVISOR")
	agent := ws.NewAgent("ana@acme.test", "AGENT")
	a := conn.Do(ingest, msg("EMAIL", "maria@example.test", "by mail")).OK(t)
	b := conn.Do(ingest, msg("EMAIL", "m.garcia@example.test", "by mail again")).OK(t)
	c := other.NewKey(other.NewBot("Connector", "DELEGATION")).Do(ingest, msg("SMS", "+15550107777", "elsewhere")).OK(t)
	into, from, foreign := customerOfConv(t, a), customerOfConv(t, b), customerOfConv(t, c)
	before := s.DB.Client.CustomerIdentity.Query().Select(customeridentity.FieldCustomerID).IntsX(testapi.Sys())

	agent.Do(merge, testapi.Vars{"into": into, "from": from}).WantCode(t, "FORBIDDEN")
	conn.Do(merge, testapi.Vars{"into": into, "from": from}).WantCode(t, "FORBIDDEN") // a bot of role AGENT
	sup.Do(merge, testapi.Vars{"into": into, "from": into}).WantCode(t, "BAD_USER_INPUT")
	sup.Do(merge, testapi.Vars{"into": into, "from": foreign}).WantCode(t, "NOT_FOUND")
	sup.Do(merge, testapi.Vars{"into": foreign, "from": from}).WantCode(t, "NOT_FOUND")
	other.Admin.Do(merge, testapi.Vars{"into": into, "from": from}).WantCode(t, "NOT_FOUND")
	sup.Do(merge, testapi.Vars{"into": into, "from": from}).WantCode(t, "INVALID_STATE")
	after := s.DB.Client.CustomerIdentity.Query().Select(customeridentity.FieldCustomerID).IntsX(testapi.Sys())
	if fmt.Sprint(before) != fmt.Sprint(after) || s.DB.Client.Event.Query().Where(event.Type("customer.merged")).ExistX(testapi.Sys()) {
		t.Fatalf("a refused merge changed something: identities' customers %v → %v", before, after)
	}

	// Closed by housekeeping, the older one no longer stands in the way.
	s.DB.Client.Conversation.UpdateOneID(atoi(t, a.Str(t, "ingestCustomerMessage.id"))).
		SetState(enum.StateClosed).SetIsOpen(false).ExecX(testapi.Sys())
	sup.Do(merge, testapi.Vars{"into": into, "from": from}).OK(t)
}

// Merges racing with the customers' messages and with each other, on Postgres: every message is
// stored on a conversation of a customer that exists, each handle names one customer, a customer
// has at most one open conversation per channel, and of two merges of the same pair in opposite
// directions exactly one wins.
func TestMergeCustomersUnderRaces(t *testing.T) {
	s := testapi.New(t)
	if s.DB.Dialect != dialect.Postgres {
		t.Skip("SQLite has one writer: nothing races")
	}
	ws := s.NewWorkspace("acme")
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	sup := ws.NewAgent("sue@acme.test", "SUPERVISOR")
	for round := range 6 {
		handles := []struct{ ch, h string }{
			{"FACEBOOK", fmt.Sprintf("fb-%d", round)}, {"SMS", fmt.Sprintf("+1555020%04d", round)},
			{"INSTAGRAM", fmt.Sprintf("ig-%d", round)},
		}
		var ids []string
		for _, h := range handles {
			r := conn.Do(ingest, testapi.Vars{"in": map[string]any{"channel": h.ch, "customerHandle": h.h, "text": "first"}}).OK(t)
			ids = append(ids, customerOfConv(t, r))
		}
		var won [3]atomic.Bool
		var wg sync.WaitGroup
		for i, pair := range [][2]string{{ids[0], ids[1]}, {ids[1], ids[0]}, {ids[2], ids[1]}} {
			wg.Go(func() {
				r := sup.Do(merge, testapi.Vars{"into": pair[0], "from": pair[1]})
				switch code := r.Code(); code {
				case "":
					won[i].Store(true)
				case "NOT_FOUND": // the other customer went first
				default:
					t.Errorf("merge %v: %s", pair, r.Raw)
				}
			})
		}
		for i := range 12 {
			h := handles[i%len(handles)]
			wg.Go(func() {
				conn.Do(ingest, testapi.Vars{"in": map[string]any{"channel": h.ch, "customerHandle": h.h, "text": fmt.Sprint("msg ", i)}}).OK(t)
			})
		}
		wg.Wait()
		// The two opposite merges exclude each other; the third needs the customer both merge.
		w0, w1, w2 := won[0].Load(), won[1].Load(), won[2].Load()
		if w0 && w1 || !(w0 || w1 || w2) || w0 && w2 {
			t.Fatalf("round %d: merges won %v %v %v", round, w0, w1, w2)
		}
		distinct := map[int]bool{}
		for _, h := range handles {
			distinct[s.DB.Client.CustomerIdentity.Query().Where(customeridentity.Handle(h.h)).OnlyX(testapi.Sys()).CustomerID] = true
		}
		if wins := btoi(w0) + btoi(w1) + btoi(w2); len(distinct) != 3-wins {
			t.Fatalf("round %d: %d merges won, and the three handles name %d customers", round, wins, len(distinct))
		}
	}
	ctx := testapi.Sys()
	for _, id := range s.DB.Client.CustomerIdentity.Query().Select(customeridentity.FieldCustomerID).IntsX(ctx) {
		if !s.DB.Client.Customer.Query().Where(customer.ID(id)).ExistX(ctx) {
			t.Fatalf("a handle names customer %d, which is gone", id)
		}
	}
	convs := s.DB.Client.Conversation.Query().Where(conversation.WorkspaceID(ws.Workspace.ID)).AllX(ctx)
	open := map[string]int{}
	for _, c := range convs {
		if !s.DB.Client.Customer.Query().Where(customer.ID(c.CustomerID)).ExistX(ctx) {
			t.Fatalf("conversation %d belongs to customer %d, which is gone", c.ID, c.CustomerID)
		}
		if c.IsOpen {
			open[fmt.Sprint(c.CustomerID, c.Channel)]++
		}
	}
	for k, n := range open {
		if n > 1 {
			t.Fatalf("customer and channel %s: %d open conversations", k, n)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
