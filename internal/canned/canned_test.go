package canned_test

import (
	"fmt"
	"strings"
	"testing"

	"switchboard/internal/testapi"
)

const (
	create = `mutation($in:CreateCannedResponseInput!){createCannedResponse(input:$in){id shortcut shared owner{id}}}`
	update = `mutation($id:ID!,$in:UpdateCannedResponseInput!){updateCannedResponse(id:$id,input:$in){id text}}`
	del    = `mutation($id:ID!){deleteCannedResponse(id:$id)}`
	list   = `query($t:String){cannedResponses(text:$t){shortcut shared title}}`
)

func newCanned(t *testing.T, c *testapi.Client, shortcut string, shared bool) string {
	t.Helper()
	return c.Do(create, testapi.Vars{"in": map[string]any{"shortcut": shortcut, "title": "T " + shortcut, "text": "Hi {{customer.firstName}}", "shared": shared}}).
		OK(t).Str(t, "createCannedResponse.id")
}

// Generated matrix: every role changes and deletes its own personal response, another agent's
// personal response and a shared one; the outcome follows the rule (its own: yes; another's: it
// does not exist for them; shared: admins only).
func TestCannedResponseRoles(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	other := ws.NewAgent("other@acme.test", "AGENT")
	roles := []string{"CLIENT_USER", "AGENT", "SUPERVISOR", "ADMIN", "SUPER_ADMIN"}
	admin := map[string]bool{"ADMIN": true, "SUPER_ADMIN": true}
	n := 0
	for _, role := range roles {
		c := ws.Admin
		if role != "SUPER_ADMIN" {
			c = ws.NewAgent(strings.ToLower(role)+"-user@acme.test", role)
		}
		// Creating a shared one: admins only.
		r := c.Do(create, testapi.Vars{"in": map[string]any{"shortcut": "s-" + strings.ToLower(role), "title": "x", "text": "y", "shared": true}})
		if admin[role] {
			r.OK(t)
		} else {
			r.WantCode(t, "FORBIDDEN")
		}
		for _, target := range []string{"own", "another's", "shared"} {
			for _, op := range []string{"update", "delete"} {
				n++
				var id string
				switch target {
				case "own":
					id = newCanned(t, c, fmt.Sprintf("own%d", n), false)
				case "another's":
					id = newCanned(t, other, fmt.Sprintf("other%d", n), false)
				case "shared":
					id = newCanned(t, ws.Admin, fmt.Sprintf("shared%d", n), true)
				}
				want := ""
				switch {
				case target == "another's":
					want = "NOT_FOUND"
				case target == "shared" && !admin[role]:
					want = "FORBIDDEN"
				}
				var r *testapi.Response
				if op == "update" {
					r = c.Do(update, testapi.Vars{"id": id, "in": map[string]any{"text": "changed"}})
				} else {
					r = c.Do(del, testapi.Vars{"id": id})
				}
				if want == "" {
					r.OK(t)
				} else {
					r.WantCode(t, want)
				}
			}
		}
	}
	// Another workspace's response does not exist; nor is it listed.
	b := s.NewWorkspace("other")
	id := newCanned(t, b.Admin, "theirs", true)
	ws.Admin.Do(update, testapi.Vars{"id": id, "in": map[string]any{"text": "x"}}).WantCode(t, "NOT_FOUND")
	ws.Admin.Do(del, testapi.Vars{"id": id}).WantCode(t, "NOT_FOUND")
	if got := ws.Admin.Do(list, testapi.Vars{"t": "theirs"}).OK(t).Path(t, "cannedResponses").([]any); len(got) != 0 {
		t.Errorf("another workspace's response listed: %v", got)
	}
}

// The list: shared ones and the viewer's own, by shortcut, its own first on a tie; text narrows.
func TestCannedResponseList(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	ana := ws.NewAgent("ana@acme.test", "AGENT")
	ben := ws.NewAgent("ben@acme.test", "AGENT")
	newCanned(t, ws.Admin, "thanks", true)
	newCanned(t, ws.Admin, "refund", true)
	newCanned(t, ana, "thanks", false) // her own, same shortcut as a shared one
	newCanned(t, ben, "bens", false)
	var out struct {
		CannedResponses []struct {
			Shortcut string
			Shared   bool
		}
	}
	ana.Do(list, nil).OK(t).Decode(t, &out)
	got := fmt.Sprint(out.CannedResponses)
	if want := "[{refund true} {thanks false} {thanks true}]"; got != want {
		t.Errorf("ana's list: %s, want %s", got, want)
	}
	ana.Do(list, testapi.Vars{"t": "REF"}).OK(t).Decode(t, &out)
	if got := fmt.Sprint(out.CannedResponses); got != "[{refund true}]" {
		t.Errorf("ana's list for REF: %s", got)
	}
}

// Bad input is BAD_USER_INPUT naming the field; a taken shortcut is CONFLICT; nothing is stored.
func TestCannedResponseRefusals(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	newCanned(t, ws.Admin, "taken", true)
	for _, tc := range []struct {
		in         map[string]any
		code, what string
	}{
		{map[string]any{"shortcut": "", "title": "t", "text": "x"}, "BAD_USER_INPUT", "shortcut"},
		{map[string]any{"shortcut": "has space", "title": "t", "text": "x"}, "BAD_USER_INPUT", "shortcut"},
		{map[string]any{"shortcut": strings.Repeat("a", 51), "title": "t", "text": "x"}, "BAD_USER_INPUT", "shortcut"},
		{map[string]any{"shortcut": "ok", "title": " ", "text": "x"}, "BAD_USER_INPUT", "title"},
		{map[string]any{"shortcut": "ok", "title": "t", "text": ""}, "BAD_USER_INPUT", "text"},
		{map[string]any{"shortcut": "ok", "title": "t", "text": strings.Repeat("a", 10001)}, "BAD_USER_INPUT", "text"},
		{map[string]any{"shortcut": "ok", "title": "t", "text": "Hi {{customer.age}}"}, "BAD_USER_INPUT", "customer.age"},
		{map[string]any{"shortcut": "ok", "title": "t\x00", "text": "x"}, "BAD_USER_INPUT", "title"},
		{map[string]any{"shortcut": "taken", "title": "t", "text": "x", "shared": true}, "CONFLICT", "#taken"},
		{map[string]any{"shortcut": "#TAKEN", "title": "t", "text": "x", "shared": true}, "CONFLICT", "#taken"},
	} {
		r := ws.Admin.Do(create, testapi.Vars{"in": tc.in}).WantCode(t, tc.code)
		if !strings.Contains(string(r.Raw), tc.what) {
			t.Errorf("%v: the error does not say %q: %.300s", tc.in, tc.what, r.Raw)
		}
	}
	if got := len(ws.Admin.Do(list, nil).OK(t).Path(t, "cannedResponses").([]any)); got != 1 {
		t.Errorf("%d responses stored, want the 1 made before", got)
	}
}

// rendered fills the placeholders in for a conversation of the workspace only.
func TestCannedResponseRendered(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	conv := conn.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"+15550100",customerName:"María García",text:"hi"}){id}}`, nil).
		OK(t).Str(t, "ingestCustomerMessage.id")
	anon := conn.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"+15550101",text:"hi"}){id}}`, nil).
		OK(t).Str(t, "ingestCustomerMessage.id")
	id := ws.Admin.Do(create, testapi.Vars{"in": map[string]any{"shortcut": "hello", "title": "Hello",
		"text": "Hi {{customer.firstName}} ({{ customer.name }}), {{agent.firstName}} of {{workspace.name}} here."}}).OK(t).Str(t, "createCannedResponse.id")
	q := `query($c:ID!){cannedResponses{id rendered(conversationId:$c)}}`
	if got, want := ws.Admin.Do(q, testapi.Vars{"c": conv}).OK(t).Str(t, "cannedResponses.0.rendered"), "Hi María (María García), Admin of Workspace acme here."; got != want {
		t.Errorf("rendered: %q, want %q", got, want)
	}
	if got, want := ws.Admin.Do(q, testapi.Vars{"c": anon}).OK(t).Str(t, "cannedResponses.0.rendered"), "Hi  (), Admin of Workspace acme here."; got != want {
		t.Errorf("rendered without a name: %q, want %q", got, want)
	}
	b := s.NewWorkspace("other")
	bConv := b.NewKey(b.NewBot("Connector", "DELEGATION")).Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"x",customerName:"Secret Name",text:"hi"}){id}}`, nil).
		OK(t).Str(t, "ingestCustomerMessage.id")
	r := ws.Admin.Do(q, testapi.Vars{"c": bConv})
	if r.Code() != "NOT_FOUND" || strings.Contains(string(r.Raw), "Secret") {
		t.Errorf("rendered for another workspace's conversation: %s", r.Data)
	}
	_ = id
}
