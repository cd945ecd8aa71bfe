package testapi

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/schema/enum"
)

// Fixture is the shared set-up of the tests of conversations: a workspace with its super admin
// signed in (WS.Admin) and a channel connector (Conn, a DELEGATION bot's API key) through which
// customers write.
type Fixture struct {
	T    testing.TB
	S    *Server
	WS   *Workspace
	Conn *Client
	n    atomic.Int64 // customers that arrived
}

// NewFixture creates the workspace slug on s with its connector.
func NewFixture(t testing.TB, s *Server, slug string) *Fixture {
	t.Helper()
	ws := s.NewWorkspace(slug)
	return &Fixture{T: t, S: s, WS: ws, Conn: ws.NewKey(ws.NewBot("Connector", "DELEGATION"))}
}

// WithoutInception deactivates the workspace's inception bot: new conversations go straight to
// the queue instead of to the bot (I1).
func (f *Fixture) WithoutInception() *Fixture {
	f.S.DB.Client.Agent.Update().Where(agent.WorkspaceID(f.WS.Workspace.ID), agent.VaRoleEQ(enum.VARoleInception)).
		SetActive(false).ExecX(Sys())
	return f
}

// Agent creates an agent named name with role (AGENT when ""), a capacity per channel in caps
// ("SMS:2 EMAIL:1"; "*:5" is 5 on every channel) and any more createAgent input, and signs it in.
// Its presence is left as created (OFFLINE): see Online.
func (f *Fixture) Agent(name, role, caps string, extra map[string]any) *Client {
	f.T.Helper()
	if role == "" {
		role = "AGENT"
	}
	var chans []map[string]any
	for _, c := range strings.Fields(caps) {
		ch, n, _ := strings.Cut(c, ":")
		capacity, err := strconv.Atoi(n)
		if err != nil {
			f.T.Fatalf("capacity %q: %v", c, err)
		}
		all := []string{ch}
		if ch == "*" {
			all = enum.ChannelSMS.Values()
		}
		for _, ch := range all {
			chans = append(chans, map[string]any{"channel": ch, "capacity": capacity})
		}
	}
	email := strings.ToLower(name) + "@" + f.WS.Slug + ".test"
	in := map[string]any{"email": email, "password": Password, "name": name, "role": role, "channels": chans}
	for k, v := range extra {
		in[k] = v
	}
	f.WS.Admin.Do(`mutation($in:CreateAgentInput!){createAgent(input:$in){id}}`, Vars{"in": in}).OK(f.T)
	return f.S.Login(email, Password)
}

// Online sets the agent's presence ONLINE and returns it.
func (c *Client) Online() *Client {
	c.s.t.Helper()
	c.Do(`mutation{setPresence(presence:ONLINE){id}}`, nil).OK(c.s.t)
	return c
}

// Ingest is a customer's message on ch from handle (a new conversation, or the customer's open
// one); it returns the conversation's id.
func (f *Fixture) Ingest(ch, handle, text string) string {
	f.T.Helper()
	return f.ingest(map[string]any{"channel": ch, "customerHandle": handle, "text": text})
}

// Arrive is a new customer's first message on ch (customers cust-1, cust-2 …, named Customer); it
// returns the new conversation's id.
func (f *Fixture) Arrive(ch string) string {
	f.T.Helper()
	return f.ingest(map[string]any{"channel": ch, "customerHandle": fmt.Sprintf("cust-%d", f.n.Add(1)), "customerName": "Customer", "text": "Hello"})
}

func (f *Fixture) ingest(in map[string]any) string {
	f.T.Helper()
	return f.Conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, Vars{"in": in}).OK(f.T).
		Str(f.T, "ingestCustomerMessage.id")
}

// Conv reads the conversation with GraphQL id id from the database.
func (f *Fixture) Conv(id string) *ent.Conversation {
	f.T.Helper()
	n, err := strconv.Atoi(id)
	if err != nil {
		f.T.Fatalf("conversation id %q: %v", id, err)
	}
	return f.S.DB.Client.Conversation.GetX(Sys(), n)
}

// OwnerOf is the conversation's owner's id, "" when none.
func (f *Fixture) OwnerOf(id string) string {
	if c := f.Conv(id); c.OwnerID != nil {
		return fmt.Sprint(*c.OwnerID)
	}
	return ""
}
