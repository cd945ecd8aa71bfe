package desk_test

import (
	"testing"

	"switchboard/ent/event"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
)

// §6: a human taking ownership makes the conversation ACTIVE; hold and resume move it between
// ACTIVE and ON_HOLD, each with its event; anything else is INVALID_STATE; only the owner, the
// agent replying or a supervisor may; resuming needs channel room again (R2).
func TestHoldAndResume(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 1), f.agent("Ben", "AGENT", 5)
	hold := `mutation($id:ID!){holdConversation(id:$id){state}}`
	resume := `mutation($id:ID!){resumeConversation(id:$id){state}}`
	a := f.conversation("SMS")
	if f.conv(a).State != "CREATED" {
		t.Fatal("§6: CREATED with the bot")
	}
	ana.Do(hold, id(a)).WantCode(t, "FORBIDDEN") // not hers yet
	ana.Do(claim, id(a)).OK(t)
	if f.conv(a).State != "ACTIVE" {
		t.Fatal("§6: ACTIVE once a human owns it")
	}
	ana.Do(resume, id(a)).WantCode(t, "INVALID_STATE")
	ben.Do(hold, id(a)).WantCode(t, "FORBIDDEN")
	if r := ana.Do(hold, id(a)).OK(t); r.Str(t, "holdConversation.state") != "ON_HOLD" {
		t.Fatalf("hold: %s", r.Raw)
	}
	ana.Do(hold, id(a)).WantCode(t, "INVALID_STATE")
	// On hold it frees Ana's one SMS slot (R2 default): she takes another; resuming the first
	// would exceed her capacity.
	b := f.conversation("SMS")
	ana.Do(claim, id(b)).OK(t)
	ana.Do(resume, id(a)).WantCode(t, "CAPACITY_EXCEEDED")
	ana.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, id(b)).OK(t)
	if r := ana.Do(resume, id(a)).OK(t); r.Str(t, "resumeConversation.state") != "ACTIVE" {
		t.Fatalf("resume: %s", r.Raw)
	}
	n := f.s.DB.Client.Event.Query().Where(event.Type(events.StateChanged), event.ConversationID(atoi(t, a))).CountX(testapi.Sys())
	if n != 3 { // CREATED→ACTIVE, ACTIVE→ON_HOLD, ON_HOLD→ACTIVE
		t.Fatalf("state events: %d", n)
	}
}
