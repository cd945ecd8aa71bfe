package desk_test

import (
	"fmt"
	"strconv"
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

// fixture is testapi's shared one (a workspace with a channel connector), for tests of
// conversations.
type fixture struct{ *testapi.Fixture }

func newFixture(t testing.TB) *fixture {
	s := testapi.New(t)
	return fixtureOn(t, s, "acme")
}

func fixtureOn(t testing.TB, s *testapi.Server, slug string) *fixture {
	return &fixture{testapi.NewFixture(t, s, slug)}
}

// agent creates a signed-in, ONLINE agent of role with capacity cap on every channel.
func (f *fixture) agent(name, role string, capacity int) *testapi.Client {
	f.T.Helper()
	return f.Agent(name, role, fmt.Sprintf("*:%d", capacity), nil).Online()
}

// conversation is a new customer's first message on ch; the inception bot owns it (I1).
func (f *fixture) conversation(ch string, tags ...string) string {
	f.T.Helper()
	id := f.Arrive(ch)
	if len(tags) > 0 {
		f.S.DB.Client.Conversation.UpdateOneID(atoi(f.T, id)).SetTags(tags).ExecX(testapi.Sys())
	}
	return id
}

// queued is a conversation waiting unowned in the queue (as after an escalation).
func (f *fixture) queued(ch string, tags ...string) string {
	f.T.Helper()
	id := f.conversation(ch, tags...)
	f.S.DB.Client.Conversation.UpdateOneID(atoi(f.T, id)).ClearOwnerID().SetHumanOwned(false).ClearLockHolderID().
		SetHumanLock(false).ClearLockAcquiredAt().ExecX(testapi.Sys())
	return id
}

// locksHeld counts the conversations whose lock the agent holds (L2: at most one for a human).
func (f *fixture) locksHeld(agentID string) int {
	f.T.Helper()
	return f.S.DB.Client.Conversation.Query().Where(conversation.LockHolderID(atoi(f.T, agentID))).CountX(testapi.Sys())
}

// eventTypes lists the types of the conversation's events in order.
func (f *fixture) eventTypes(id string) []string {
	f.T.Helper()
	return f.S.DB.Client.Event.Query().Where(event.ConversationID(atoi(f.T, id))).Order(event.ByID()).Select(event.FieldType).StringsX(testapi.Sys())
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
