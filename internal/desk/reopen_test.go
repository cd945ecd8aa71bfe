package desk_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"switchboard/ent/agent"
	"switchboard/ent/event"
	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
	"switchboard/internal/desk"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
)

// R5, §8: a bot's conversation whose intervention still asks for a human, resolved and then
// reopened by its customer, waits in the queue from the reopen, not from the old request (it
// would jump the queue, and time-to-claim would count the time it was resolved).
func TestReopenedEscalatedBotConversationQueuesFromNow(t *testing.T) {
	f := newFixture(t)
	sys := testapi.Sys()
	greeter := f.S.DB.Client.Agent.Query().Where(agent.WorkspaceID(f.WS.Workspace.ID), agent.VaRoleEQ(enum.VARoleInception)).OnlyIDX(sys)
	bot := f.WS.NewKey(strconv.Itoa(greeter))
	c := f.conversation("SMS") // customer cust-1, the bot's
	bot.Do(`mutation($id:ID!){requestIntervention(id:$id,summary:"a human, please"){id}}`, id(c)).OK(t)
	bot.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, id(c)).OK(t)
	asked := time.Now().Add(-time.Hour)
	f.S.DB.Client.Conversation.UpdateOneID(f.Conv(c).ID).SetQueuedSince(asked).ExecX(sys)
	f.Conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": "cust-1", "text": "it broke again"}}).OK(t)
	cv := f.Conv(c)
	if cv.Status != enum.StatusNew || cv.QueuedSince == nil || !cv.QueuedSince.After(asked.Add(time.Minute)) {
		t.Fatalf("reopened, waiting from now: %s queued since %v (asked %v)", cv.Status, cv.QueuedSince, asked)
	}
}

// §6: a RESOLVED conversation reopened into the queue (its last owner OFFLINE) no longer has that
// owner in it: its participation ends and the state follows (INACTIVE: the customer is there, no
// agent is).
func TestReopenedIntoTheQueueLosesItsOwner(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	c := f.conversation("SMS") // customer cust-1
	ana.Do(claim, id(c)).OK(t)
	ana.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, id(c)).OK(t)
	ana.Do(`mutation{setPresence(presence:OFFLINE){id}}`, nil).OK(t)
	f.Conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": "cust-1", "text": "it broke again"}}).OK(t)
	cv := f.Conv(c)
	in := f.S.DB.Client.Participant.Query().Where(participant.ConversationID(cv.ID), participant.AgentID(atoi(t, ana.AgentID)),
		participant.Active(true)).ExistX(testapi.Sys())
	if cv.OwnerID != nil || cv.State != enum.StateInactive || in {
		t.Fatalf("reopened into the queue: owner %v, state %s (want INACTIVE), Ana still in it: %v", cv.OwnerID, cv.State, in)
	}
}

// §6, C11: reopened into the queue while a SUPER_ADMIN who joined is still in it, the conversation
// stays ACTIVE (an agent is in it), without its former owner; the reopening says who that was.
func TestReopenedIntoTheQueueKeepsItsJoiner(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	c := f.conversation("SMS") // customer cust-1
	ana.Do(claim, id(c)).OK(t)
	f.WS.Admin.Do(`mutation($id:ID!){joinConversation(id:$id){id}}`, id(c)).OK(t)
	f.WS.Admin.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, id(c)).OK(t)
	ana.Do(`mutation{setPresence(presence:OFFLINE){id}}`, nil).OK(t)
	f.Conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": "cust-1", "text": "it broke again"}}).OK(t)
	cv := f.Conv(c)
	sys := testapi.Sys()
	anaIn := f.S.DB.Client.Participant.Query().Where(participant.ConversationID(cv.ID), participant.AgentID(atoi(t, ana.AgentID)),
		participant.Active(true)).ExistX(sys)
	if cv.OwnerID != nil || cv.State != enum.StateActive || anaIn {
		t.Fatalf("reopened into the queue, the joiner still in it: owner %v, state %s (want ACTIVE), Ana in it: %v", cv.OwnerID, cv.State, anaIn)
	}
	ev := f.S.DB.Client.Event.Query().Where(event.ConversationID(cv.ID), event.Type(events.ConversationReopened)).OnlyX(sys)
	if fmt.Sprint(events.Int(ev.Before, "owner")) != ana.AgentID {
		t.Fatalf("the reopening names the former owner: before %v", ev.Before)
	}
}

// C8, §6: a claim auto-released by the sweep leaves its owner out of the conversation and the
// state follows (INACTIVE: the customer is there, no agent is).
func TestAutoReleaseLeavesTheConversation(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	c := f.queued("SMS")
	ana.Do(claim, id(c)).OK(t)
	f.WS.Admin.Do(`mutation{updateWorkspaceSettings(input:{autoReleaseEnabled:true}){id}}`, nil).OK(t)
	later := time.Now().Add(3 * time.Hour)
	if _, rel, err := desk.New(f.S.DB, f.S.Bus).WithClock(func() time.Time { return later }).SweepStale(context.Background()); err != nil || rel != 1 {
		t.Fatalf("auto-release: %d released, %v", rel, err)
	}
	cv := f.Conv(c)
	anaIn := f.S.DB.Client.Participant.Query().Where(participant.ConversationID(cv.ID), participant.AgentID(atoi(t, ana.AgentID)),
		participant.Active(true)).ExistX(testapi.Sys())
	if cv.OwnerID != nil || cv.State != enum.StateInactive || anaIn {
		t.Fatalf("auto-released: owner %v, state %s (want INACTIVE), Ana in it: %v", cv.OwnerID, cv.State, anaIn)
	}
}
