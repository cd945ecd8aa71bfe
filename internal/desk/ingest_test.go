package desk_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/event"
	"switchboard/ent/message"
	"switchboard/internal/testapi"
)

const ingest = `mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id status state channel version preview owner{name kind} customer{id name}}}`

func msg(ch, handle, text string) testapi.Vars {
	return testapi.Vars{"in": map[string]any{"channel": ch, "customerHandle": handle, "customerName": "Maria", "text": text}}
}

// I1: a new conversation is owned and locked by the inception bot, state CREATED, status NEW; a
// second message lands in the same conversation; the same customer on another channel joins it
// (§1, §6: a new channel session, the conversation stays on its routing channel). E1: each change
// appends its events.
func TestIngestCustomerMessage(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	conn := ws.NewKey(ws.NewBot("WhatsApp connector", "DELEGATION"))

	r := conn.Do(ingest, msg("WHATSAPP", "+34600111222", "Hola, necesito ayuda")).OK(t)
	id := r.Str(t, "ingestCustomerMessage.id")
	if r.Str(t, "ingestCustomerMessage.state") != "CREATED" || r.Str(t, "ingestCustomerMessage.status") != "NEW" {
		t.Fatalf("new conversation: %s", r.Raw)
	}
	if r.Str(t, "ingestCustomerMessage.owner.kind") != "VIRTUAL" || r.Str(t, "ingestCustomerMessage.owner.name") != "Greeter bot" {
		t.Fatalf("I1: owner %s", r.Raw)
	}
	conv := s.DB.Client.Conversation.GetX(testapi.Sys(), atoi(t, id))
	if conv.LockHolderID == nil || *conv.LockHolderID != *conv.OwnerID || conv.HumanLock {
		t.Fatalf("L7: the bot must hold the lock: holder %v owner %v", conv.LockHolderID, conv.OwnerID)
	}

	r2 := conn.Do(ingest, msg("WHATSAPP", "+34600111222", "¿Hay alguien?")).OK(t)
	if r2.Str(t, "ingestCustomerMessage.id") != id {
		t.Fatal("a second message opened a second conversation")
	}
	if v := r2.Path(t, "ingestCustomerMessage.version").(float64); v != 2 {
		t.Fatalf("version %v, want 2", v)
	}
	r3 := conn.Do(ingest, msg("SMS", "+34600111222", "Also by SMS")).OK(t)
	if r3.Str(t, "ingestCustomerMessage.id") != id || r3.Str(t, "ingestCustomerMessage.channel") != "WHATSAPP" {
		t.Fatalf("§6: the customer's open conversation gains a session on SMS and stays on WhatsApp: %s", r3.Raw)
	}
	sessions := conn.Do(`query($id:ID!){node(id:$id){... on Conversation{channelSessions{channel active} participants{kind active}}}}`,
		testapi.Vars{"id": id}).OK(t)
	var chans []string
	for _, cs := range sessions.Path(t, "node.channelSessions").([]any) {
		chans = append(chans, fmt.Sprint(cs.(map[string]any)["channel"], " ", cs.(map[string]any)["active"]))
	}
	if slices.Sort(chans); fmt.Sprint(chans) != "[SMS true WHATSAPP true]" {
		t.Fatalf("channel sessions: %v", chans)
	}

	var out struct {
		Node struct {
			Messages struct {
				TotalCount int
				Edges      []struct {
					Node struct{ Text, AuthorKind, AuthorName string }
				}
			}
		}
	}
	conn.Do(`query($id:ID!){node(id:$id){... on Conversation{messages(first:10){totalCount edges{node{text authorKind authorName}}}}}}`, testapi.Vars{"id": id}).OK(t).Decode(t, &out)
	if out.Node.Messages.TotalCount != 3 || out.Node.Messages.Edges[0].Node.AuthorKind != "CUSTOMER" || out.Node.Messages.Edges[0].Node.AuthorName != "Maria" {
		t.Fatalf("messages: %+v", out)
	}
	types := s.DB.Client.Event.Query().Where(event.ConversationID(atoi(t, id))).Order(event.ByID()).Select(event.FieldType).StringsX(testapi.Sys())
	if strings.Join(types, ",") != "conversation.created,lock.acquired,message.received,message.received,customer.joined_channel,message.received" {
		t.Fatalf("E1 events: %v", types)
	}
}

// Channel connectors (API keys) and admins may ingest; a human agent's session may not.
func TestIngestAuthorisation(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	ws.NewAgent("ana@acme.test", "AGENT").Do(ingest, msg("SMS", "+1", "hi")).WantCode(t, "FORBIDDEN")
	ws.NewAgent("sue@acme.test", "SUPERVISOR").Do(ingest, msg("SMS", "+1", "hi")).WantCode(t, "FORBIDDEN")
	ws.Admin.Do(ingest, msg("SMS", "+1", "hi")).OK(t)
}

func TestIngestRejectsBadInput(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	for name, in := range map[string]map[string]any{
		"empty text":    {"channel": "SMS", "customerHandle": "+1", "text": "   "},
		"huge text":     {"channel": "SMS", "customerHandle": "+1", "text": strings.Repeat("a", 10001)},
		"empty handle":  {"channel": "SMS", "customerHandle": "", "text": "hi"},
		"long name":     {"channel": "SMS", "customerHandle": "+1", "customerName": strings.Repeat("n", 201), "text": "hi"},
		"bad channel":   {"channel": "PIGEON", "customerHandle": "+1", "text": "hi"},
		"missing field": {"channel": "SMS", "text": "hi"},
	} {
		t.Run(name, func(t *testing.T) {
			ws.Admin.Do(ingest, testapi.Vars{"in": in}).WantCode(t, "BAD_USER_INPUT")
		})
	}
	if n := s.DB.Client.Message.Query().CountX(testapi.Sys()); n != 0 {
		t.Fatalf("rejected messages were stored: %d", n)
	}
	if n := s.DB.Client.Customer.Query().CountX(testapi.Sys()); n != 0 {
		t.Fatalf("rejected messages created customers: %d", n)
	}
}

// A workspace without an inception bot queues new conversations unowned (R5).
func TestIngestWithoutInceptionBotQueues(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	s.DB.Client.Agent.Update().Where(agentIsBot()).SetActive(false).ExecX(testapi.Sys())
	r := ws.Admin.Do(ingest, msg("EMAIL", "a@b.c", "hello")).OK(t)
	c := s.DB.Client.Conversation.GetX(testapi.Sys(), atoi(t, r.Str(t, "ingestCustomerMessage.id")))
	if c.OwnerID != nil || c.QueuedSince == nil {
		t.Fatalf("want unowned and queued, got owner %v queued %v", c.OwnerID, c.QueuedSince)
	}
}

// Many first messages from one new customer at once: one customer, one conversation, every
// message kept (the unique indexes decide the race; the losers retry).
func TestConcurrentFirstMessages(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	const n = 20
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := conn.Do(ingest, msg("LIVE_CHAT", "visitor-42", fmt.Sprintf("message %d", i)))
			if len(r.Errors) > 0 {
				errs[i] = string(r.Raw)
				return
			}
			ids[i] = r.Str(t, "ingestCustomerMessage.id")
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Fatalf("concurrent ingest failed: %s", e)
		}
	}
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent first messages forked the conversation: %v", ids)
		}
	}
	ctx := testapi.Sys()
	if c := s.DB.Client.Customer.Query().CountX(ctx); c != 1 {
		t.Fatalf("%d customers, want 1", c)
	}
	if c := s.DB.Client.Conversation.Query().Where(conversation.IsOpen(true)).CountX(ctx); c != 1 {
		t.Fatalf("%d conversations, want 1", c)
	}
	if c := s.DB.Client.Message.Query().Where(message.ConversationID(atoi(t, ids[0]))).CountX(ctx); c != n {
		t.Fatalf("%d messages, want %d", c, n)
	}
	if v := s.DB.Client.Conversation.GetX(ctx, atoi(t, ids[0])).Version; v != n { // the first message came with the conversation
		t.Fatalf("version %d, want %d (one per message)", v, n)
	}
}

// SPEC §9: a NUL character (which Postgres cannot store, nor take as a query parameter) in what a
// connector sends is BAD_USER_INPUT and nothing is stored: the handle is looked up before anything
// is written, the rest is refused by the schema's storable-text hook. Found by internal/attack.
func TestIngestRefusesNUL(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	conn := ws.NewKey(ws.NewBot("SMS connector", "DELEGATION"))
	for field, in := range map[string]map[string]any{
		"customerHandle": {"channel": "SMS", "customerHandle": "+34\x00600", "text": "hello"},
		"customerName":   {"channel": "SMS", "customerHandle": "+34600", "customerName": "Ma\x00ria", "text": "hello"},
		"text":           {"channel": "SMS", "customerHandle": "+34600", "text": "hel\x00lo"},
	} {
		r := conn.Do(ingest, testapi.Vars{"in": in}).WantCode(t, "BAD_USER_INPUT")
		if r.Status >= 500 {
			t.Errorf("%s: HTTP %d", field, r.Status)
		}
	}
	if n := s.DB.Client.Conversation.Query().CountX(testapi.Sys()); n != 0 {
		t.Fatalf("%d conversations stored from refused messages", n)
	}
	if n := s.DB.Client.Customer.Query().CountX(testapi.Sys()); n != 0 {
		t.Fatalf("%d customers stored from refused messages", n)
	}
}

// §6: a customer in a conversation on two channels who ends one session stays in it on the other
// (CUSTOMER_LEFT is every session closed); ending the last one is leaving. A channel without a
// session is INVALID_STATE.
func TestEndingOneChannelsSession(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	f := func(id string) *ent.Conversation { return s.DB.Client.Conversation.GetX(testapi.Sys(), atoi(t, id)) }
	id := conn.Do(ingest, msg("SMS", "+15550123", "hi")).OK(t).Str(t, "ingestCustomerMessage.id")
	conn.Do(ingest, msg("WHATSAPP", "+15550123", "also here")).OK(t)
	end := `mutation($id:ID!,$ch:Channel){endCustomerSession(conversationId:$id,channel:$ch){state channelSessions{channel active} participants{kind active}}}`
	conn.Do(end, testapi.Vars{"id": id, "ch": "EMAIL"}).WantCode(t, "INVALID_STATE")
	r := conn.Do(end, testapi.Vars{"id": id, "ch": "WHATSAPP"}).OK(t)
	active := map[any]any{}
	for _, cs := range r.Path(t, "endCustomerSession.channelSessions").([]any) {
		active[cs.(map[string]any)["channel"]] = cs.(map[string]any)["active"]
	}
	if r.Str(t, "endCustomerSession.state") != "CREATED" || fmt.Sprint(active) != "map[SMS:true WHATSAPP:false]" || !f(id).CustomerPresent {
		t.Fatalf("§6: the customer stays in it on SMS: %s", r.Raw)
	}
	conn.Do(end, testapi.Vars{"id": id, "ch": "WHATSAPP"}).WantCode(t, "INVALID_STATE")
	r = conn.Do(end, testapi.Vars{"id": id, "ch": "SMS"}).OK(t)
	if r.Str(t, "endCustomerSession.state") != "CLOSING" || f(id).CustomerPresent {
		t.Fatalf("§6: the last session ended, the customer left: %s", r.Raw)
	}
	for _, p := range r.Path(t, "endCustomerSession.participants").([]any) {
		if p := p.(map[string]any); p["kind"] == "CUSTOMER" && p["active"] != false {
			t.Fatalf("customer participants end with their sessions: %s", r.Raw)
		}
	}
	types := s.DB.Client.Event.Query().Where(event.ConversationID(atoi(t, id))).Order(event.ByID()).Select(event.FieldType).StringsX(testapi.Sys())
	if got := strings.Join(types, ","); !strings.Contains(got, "customer.joined_channel,message.received,customer.left_channel,customer.left") {
		t.Fatalf("E1: %s", got)
	}
}
