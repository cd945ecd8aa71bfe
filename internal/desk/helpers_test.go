package desk_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/conversation"
	"switchboard/ent/event"
	"switchboard/ent/predicate"
	"switchboard/ent/schema/enum"
	"switchboard/internal/testapi"
)

func atoi(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

func agentIsBot() predicate.Agent { return agent.KindEQ(enum.KindVirtual) }

// fixture is a workspace with a channel connector, for tests of conversations.
type fixture struct {
	t    testing.TB
	s    *testapi.Server
	ws   *testapi.Workspace
	conn *testapi.Client
	n    atomic.Int64
}

func newFixture(t testing.TB) *fixture {
	s := testapi.New(t)
	return fixtureOn(t, s, "acme")
}

func fixtureOn(t testing.TB, s *testapi.Server, slug string) *fixture {
	ws := s.NewWorkspace(slug)
	return &fixture{t: t, s: s, ws: ws, conn: ws.NewKey(ws.NewBot("Connector", "DELEGATION"))}
}

// agent creates a signed-in, ONLINE agent of role with capacity cap on every channel.
func (f *fixture) agent(name, role string, capacity int) *testapi.Client {
	f.t.Helper()
	var chans []map[string]any
	for _, ch := range enum.ChannelSMS.Values() {
		chans = append(chans, map[string]any{"channel": ch, "capacity": capacity})
	}
	email := strings.ToLower(name) + "@" + f.ws.Slug + ".test"
	f.ws.Admin.Do(`mutation($in:CreateAgentInput!){createAgent(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"email": email, "password": testapi.Password, "name": name, "role": role, "channels": chans}}).OK(f.t)
	c := f.s.Login(email, testapi.Password)
	c.Do(`mutation{setPresence(presence:ONLINE){presence}}`, nil).OK(f.t)
	return c
}

// conversation is a new customer's first message on ch; the inception bot owns it (I1).
func (f *fixture) conversation(ch string, tags ...string) string {
	f.t.Helper()
	r := f.conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": ch, "customerHandle": fmt.Sprintf("cust-%d", f.n.Add(1)), "customerName": "Customer", "text": "Hello"}}).OK(f.t)
	id := r.Str(f.t, "ingestCustomerMessage.id")
	if len(tags) > 0 {
		f.s.DB.Client.Conversation.UpdateOneID(atoi(f.t, id)).SetTags(tags).ExecX(testapi.Sys())
	}
	return id
}

// queued is a conversation waiting unowned in the queue (as after an escalation).
func (f *fixture) queued(ch string, tags ...string) string {
	f.t.Helper()
	id := f.conversation(ch, tags...)
	f.s.DB.Client.Conversation.UpdateOneID(atoi(f.t, id)).ClearOwnerID().SetHumanOwned(false).ClearLockHolderID().
		SetHumanLock(false).ClearLockAcquiredAt().ExecX(testapi.Sys())
	return id
}

func (f *fixture) conv(id string) *ent.Conversation {
	f.t.Helper()
	return f.s.DB.Client.Conversation.GetX(testapi.Sys(), atoi(f.t, id))
}

// locksHeld counts the conversations whose lock the agent holds (L2: at most one for a human).
func (f *fixture) locksHeld(agentID string) int {
	f.t.Helper()
	return f.s.DB.Client.Conversation.Query().Where(conversation.LockHolderID(atoi(f.t, agentID))).CountX(testapi.Sys())
}

// eventTypes lists the types of the conversation's events in order.
func (f *fixture) eventTypes(id string) []string {
	f.t.Helper()
	return f.s.DB.Client.Event.Query().Where(event.ConversationID(atoi(f.t, id))).Order(event.ByID()).Select(event.FieldType).StringsX(testapi.Sys())
}

const (
	open    = `mutation($id:ID!){openConversation(id:$id){id version viewerCanReply ownership lock{holder{id name}} owner{id}}}`
	closeQ  = `mutation($id:ID!){closeConversation(id:$id){id viewerCanReply}}`
	steal   = `mutation($id:ID!){stealLock(id:$id){id viewerCanReply ownership lock{holder{id}} owner{id} botPaused}}`
	claim   = `mutation($id:ID!){claimConversation(id:$id){id version ownership viewerCanReply owner{id} lock{holder{id}} botPaused}}`
	claimF  = `mutation($id:ID!){claimConversation(id:$id,force:true){id owner{id}}}`
	release = `mutation($id:ID!){releaseConversation(id:$id){id ownership owner{id} lock{holder{id}} queuedSince}}`
	send    = `mutation($id:ID!,$t:String!,$v:Int){sendMessage(conversationId:$id,text:$t,expectedVersion:$v){id text authorKind authorName}}`
	pend    = `mutation($id:ID!){pendConversation(id:$id){id status lock{holder{id}}}}`
	resolve = `mutation($id:ID!){resolveConversation(id:$id){id status lock{holder{id}}}}`
	addNote = `mutation($id:ID!,$t:String!){addNote(conversationId:$id,text:$t){id text author{id}}}`
	view    = `query($id:ID!){node(id:$id){... on Conversation{id version status ownership viewerCanReply stale lock{holder{id}} owner{id}}}}`
)

func id(v string) testapi.Vars { return testapi.Vars{"id": v} }

func eventByIDDesc() event.OrderOption { return ent.Desc(event.FieldID) }

// ownerOf is the conversation's owner's id, "" when none.
func (f *fixture) ownerOf(id string) string {
	if c := f.conv(id); c.OwnerID != nil {
		return fmt.Sprint(*c.OwnerID)
	}
	return ""
}
