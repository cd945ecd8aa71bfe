package desk_test

import (
	"strconv"
	"testing"
	"time"

	"switchboard/ent/agent"
	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
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
