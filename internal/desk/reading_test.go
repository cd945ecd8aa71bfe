package desk_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/internal/testapi"
)

// unread follows the customer's messages and each agent's markConversationRead, per agent.
func TestUnreadPerAgent(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	id := f.conversation("SMS")
	unread := func(c *testapi.Client) bool {
		t.Helper()
		return c.Do(`query($id:ID!){node(id:$id){... on Conversation{unread}}}`, testapi.Vars{"id": id}).OK(t).Path(t, "node.unread").(bool)
	}
	if !unread(ana) || !unread(ben) {
		t.Fatal("a new conversation is not unread to everyone")
	}
	if got := ana.Do(`mutation($id:ID!){markConversationRead(id:$id){id unread}}`, testapi.Vars{"id": id}).OK(t).Path(t, "markConversationRead.unread"); got != false {
		t.Errorf("markConversationRead answered unread %v", got)
	}
	if unread(ana) || !unread(ben) {
		t.Errorf("after Ana read it: unread to Ana %v, to Ben %v; want false, true", unread(ana), unread(ben))
	}
	// Ana's reply makes nothing unread to her; the customer's next message does.
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	ana.Do(`mutation($id:ID!){sendMessage(conversationId:$id,text:"hello"){id}}`, testapi.Vars{"id": id}).OK(t)
	if unread(ana) {
		t.Error("her own reply made it unread to Ana")
	}
	handle := f.S.DB.Client.Conversation.GetX(testapi.Sys(), atoi(t, id)).QueryCustomer().QueryIdentities().OnlyX(testapi.Sys()).Handle
	f.Conn.Do(`mutation($h:String!){ingestCustomerMessage(input:{channel:SMS,customerHandle:$h,text:"still there?"}){id}}`, testapi.Vars{"h": handle}).OK(t)
	if !unread(ana) {
		t.Error("the customer's new message is not unread to Ana")
	}
	// Not in the workspace: NOT_FOUND, nothing written.
	other := fixtureOn(t, f.S, "other")
	other.WS.Admin.Do(`mutation($id:ID!){markConversationRead(id:$id){id}}`, testapi.Vars{"id": id}).WantCode(t, "NOT_FOUND")
	f.S.Anonymous().Do(`mutation($id:ID!){markConversationRead(id:$id){id}}`, testapi.Vars{"id": id}).WantCode(t, "UNAUTHENTICATED")
}

// firstResponseDueAt is the running SLA's end: set by the customer's first message, gone after
// the owner's first reply.
func TestFirstResponseDueAt(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	id := f.queued("SMS")
	f.Conn.Do(`mutation($h:String!){ingestCustomerMessage(input:{channel:SMS,customerHandle:$h,text:"anyone?"}){id}}`,
		testapi.Vars{"h": "cust-1"}).OK(t)
	q := `query($id:ID!){node(id:$id){... on Conversation{firstResponseDueAt lastCustomerMessageAt}}}`
	r := ana.Do(q, testapi.Vars{"id": id}).OK(t)
	due, err := time.Parse(time.RFC3339Nano, r.Str(t, "node.firstResponseDueAt"))
	if err != nil {
		t.Fatalf("firstResponseDueAt: %v (%s)", err, r.Raw)
	}
	last, _ := time.Parse(time.RFC3339Nano, r.Str(t, "node.lastCustomerMessageAt"))
	if d := due.Sub(last); d < 299*time.Second || d > 301*time.Second {
		t.Errorf("due %s after the customer's message, want the workspace's 300 s", d)
	}
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	ana.Do(`mutation($id:ID!){sendMessage(conversationId:$id,text:"here"){id}}`, testapi.Vars{"id": id}).OK(t)
	if got := ana.Do(q, testapi.Vars{"id": id}).OK(t).Path(t, "node.firstResponseDueAt"); got != nil {
		t.Errorf("after the first reply firstResponseDueAt is %v, want null", got)
	}
}

// Over the limits: BAD_USER_INPUT saying how long and the limit, the limit in
// extensions.maxLength and in Query.limits; nothing stored.
func TestTextLimits(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	id := f.queued("SMS")
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	var lim struct {
		Limits struct{ MessageMaxLength, NoteMaxLength, CannedResponseMaxLength, SearchMaxLength int }
	}
	ana.Do(`{limits{messageMaxLength noteMaxLength cannedResponseMaxLength searchMaxLength}}`, nil).OK(t).Decode(t, &lim)
	if lim.Limits.MessageMaxLength != 10000 || lim.Limits.NoteMaxLength != 5000 || lim.Limits.SearchMaxLength != 200 {
		t.Errorf("limits: %+v", lim.Limits)
	}
	for _, tc := range []struct {
		op  string
		max int
	}{
		{`mutation($id:ID!,$t:String!){sendMessage(conversationId:$id,text:$t){id}}`, lim.Limits.MessageMaxLength},
		{`mutation($id:ID!,$t:String!){addNote(conversationId:$id,text:$t){id}}`, lim.Limits.NoteMaxLength},
	} {
		ana.Do(tc.op, testapi.Vars{"id": id, "t": strings.Repeat("é", tc.max)}).OK(t) // characters, not bytes
		r := ana.Do(tc.op, testapi.Vars{"id": id, "t": strings.Repeat("a", tc.max+1)}).WantCode(t, "BAD_USER_INPUT")
		if got := r.Errors[0].Extensions["maxLength"]; got != float64(tc.max) {
			t.Errorf("maxLength %v, want %d: %s", got, tc.max, r.Raw)
		}
		if msg := r.Errors[0].Message; !strings.Contains(msg, "is "+strconv.Itoa(tc.max+1)+" characters long; the limit is "+strconv.Itoa(tc.max)) {
			t.Errorf("message %q does not say the length and the limit", msg)
		}
	}
	var n struct {
		Node struct {
			Messages struct{ TotalCount int }
			Notes    []struct{ ID string }
		}
	}
	ana.Do(`query($id:ID!){node(id:$id){... on Conversation{messages{totalCount} notes{id}}}}`, testapi.Vars{"id": id}).OK(t).Decode(t, &n)
	if n.Node.Messages.TotalCount != 2 || len(n.Node.Notes) != 1 {
		t.Errorf("stored %d messages and %d notes, want 2 (the customer's and one reply) and 1", n.Node.Messages.TotalCount, len(n.Node.Notes))
	}
}
