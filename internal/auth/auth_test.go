package auth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"switchboard/ent/event"
	"switchboard/ent/session"
	"switchboard/internal/testapi"
)

// SPEC §10: sign in with a password, get a session token; logout revokes it.
func TestLoginAndLogout(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")

	me := ws.Admin.Do(`{me{name role workspace{slug}}}`, nil).OK(t)
	if got := me.Str(t, "me.role"); got != "SUPER_ADMIN" {
		t.Fatalf("role = %q", got)
	}
	if got := me.Str(t, "me.workspace.slug"); got != "acme" {
		t.Fatalf("workspace = %q", got)
	}
	// What login returns resolves as the new viewer (its workspace, teams …), and the rest of
	// the operation runs signed in.
	r := s.Anonymous().Do(`mutation{login(email:"admin@acme.test",password:"`+testapi.Password+`"){agent{workspace{slug} teams{name} channels{channel}}} me:logout}`, nil).OK(t)
	if r.Str(t, "login.agent.workspace.slug") != "acme" || r.Path(t, "me") != true {
		t.Fatalf("login payload: %s", r.Raw)
	}
	// Emails are case-insensitive.
	s.Login("  ADMIN@acme.test ", testapi.Password)

	ws.Admin.Do(`mutation{logout}`, nil).OK(t)
	r = ws.Admin.Do(`{me{name}}`, nil).WantCode(t, "UNAUTHENTICATED")
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("revoked token: HTTP %d, want 401", r.Status)
	}
}

func TestLoginFailuresAreIndistinguishable(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	ws.NewAgent("bot-free@acme.test", "AGENT")
	for name, in := range map[string][2]string{
		"wrong password": {"admin@acme.test", "nope-nope-nope"},
		"unknown email":  {"nobody@acme.test", testapi.Password},
		"empty":          {"", ""},
		"huge password":  {"admin@acme.test", strings.Repeat("x", 10000)},
	} {
		t.Run(name, func(t *testing.T) {
			r := s.Anonymous().Do(`mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}`, testapi.Vars{"e": in[0], "p": in[1]})
			r.WantCode(t, "UNAUTHENTICATED")
			if r.Errors[0].Message != "wrong email or password" {
				t.Fatalf("message %q reveals more than it should", r.Errors[0].Message)
			}
		})
	}
	// A deactivated agent can neither sign in nor keep using its session.
	agent := s.Login("bot-free@acme.test", testapi.Password)
	ws.Admin.Do(`mutation($id:ID!){updateAgent(id:$id,input:{active:false}){active}}`, testapi.Vars{"id": agent.AgentID}).OK(t)
	agent.Do(`{me{name}}`, nil).WantCode(t, "UNAUTHENTICATED")
	s.Anonymous().Do(`mutation{login(email:"bot-free@acme.test",password:"`+testapi.Password+`"){token}}`, nil).WantCode(t, "UNAUTHENTICATED")
}

func TestExpiredSessionIsRejected(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	n, err := s.DB.Client.Session.Update().SetExpiresAt(time.Now().Add(-time.Minute)).Save(testapi.Sys())
	if err != nil || n == 0 {
		t.Fatalf("expire sessions: %d %v", n, err)
	}
	ws.Admin.Do(`{me{name}}`, nil).WantCode(t, "UNAUTHENTICATED")
}

func TestUnauthenticatedRequests(t *testing.T) {
	s := testapi.New(t)
	s.NewWorkspace("acme")
	for _, q := range []string{`{me{name}}`, `{conversations{totalCount}}`, `{node(id:"1"){id}}`,
		`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"+1",text:"hi"}){id}}`} {
		s.Anonymous().Do(q, nil).WantCode(t, "UNAUTHENTICATED")
	}
	for _, bad := range []string{"sbs_forged", "sbk_forged", "Basic abc", "garbage"} {
		r := s.As(bad).Do(`{me{name}}`, nil).WantCode(t, "UNAUTHENTICATED")
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("%q: HTTP %d, want 401", bad, r.Status)
		}
	}
	// Introspection stays open for tools.
	s.Anonymous().Do(`{__schema{queryType{name}}}`, nil).OK(t)
	if n, _ := s.DB.Client.Conversation.Query().Count(testapi.Sys()); n != 0 {
		t.Fatalf("an unauthenticated mutation wrote %d conversations", n)
	}
}

// SPEC §10: API keys are shown once, stored hashed, act as their agent and can be revoked.
func TestAPIKeys(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	botID := ws.NewBot("Connector", "DELEGATION")
	r := ws.Admin.Do(`mutation($a:ID!){createApiKey(agentId:$a,name:"whatsapp connector"){key apiKey{id name prefix agent{name}}}}`, testapi.Vars{"a": botID}).OK(t)
	key, keyID := r.Str(t, "createApiKey.key"), r.Str(t, "createApiKey.apiKey.id")
	if !strings.HasPrefix(key, r.Str(t, "createApiKey.apiKey.prefix")) || len(key) < 40 {
		t.Fatalf("key %q does not look like a key with its prefix", key)
	}
	stored, err := s.DB.Client.APIKey.Query().Only(testapi.Sys())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored.KeyHash, key) || stored.KeyHash == key {
		t.Fatal("the key is stored in clear")
	}

	bot := s.As(key)
	if got := bot.Do(`{me{name kind}}`, nil).OK(t).Str(t, "me.name"); got != "Connector" {
		t.Fatalf("key acts as %q", got)
	}
	// An agent (not admin) cannot mint keys, not even for itself.
	agent := ws.NewAgent("ana@acme.test", "AGENT")
	agent.Do(`mutation($a:ID!){createApiKey(agentId:$a,name:"mine"){key}}`, testapi.Vars{"a": agent.AgentID}).WantCode(t, "FORBIDDEN")
	// Nor revoke someone else's, nor read it by id.
	agent.Do(`mutation($id:ID!){revokeApiKey(id:$id){id}}`, testapi.Vars{"id": keyID}).WantCode(t, "FORBIDDEN")
	agent.Do(`query($id:ID!){node(id:$id){id}}`, testapi.Vars{"id": keyID}).WantCode(t, "NOT_FOUND")

	ws.Admin.Do(`mutation($id:ID!){revokeApiKey(id:$id){revokedAt}}`, testapi.Vars{"id": keyID}).OK(t)
	bot.Do(`{me{name}}`, nil).WantCode(t, "UNAUTHENTICATED")
	// E1: creating and revoking keys is audited.
	for _, typ := range []string{"apikey.created", "apikey.revoked"} {
		if n := s.DB.Client.Event.Query().Where(event.Type(typ)).CountX(testapi.Sys()); n != 1 {
			t.Fatalf("%d %s events", n, typ)
		}
	}

	// Bad input: empty name, unknown agent.
	ws.Admin.Do(`mutation($a:ID!){createApiKey(agentId:$a,name:"  "){key}}`, testapi.Vars{"a": botID}).WantCode(t, "BAD_USER_INPUT")
	ws.Admin.Do(`mutation{createApiKey(agentId:"4294967999",name:"x"){key}}`, nil).WantCode(t, "NOT_FOUND")
	ws.Admin.Do(`mutation{createApiKey(agentId:"not-a-number",name:"x"){key}}`, nil).WantCode(t, "BAD_USER_INPUT")
	if n, _ := s.DB.Client.APIKey.Query().Count(testapi.Sys()); n != 1 {
		t.Fatalf("%d keys stored, want 1", n)
	}
	// Logout needs a session, not a key.
	s.As(key).Do(`mutation{logout}`, nil).WantCode(t, "UNAUTHENTICATED")
}

// SPEC §10: the same credentials authenticate WebSockets in connection_init; a bad one closes
// the socket with 4403.
func TestWebSocketAuthentication(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dial := func() *websocket.Conn {
		c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/query",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		if resp.Header.Get("Sec-WebSocket-Protocol") != "graphql-transport-ws" {
			t.Fatalf("subprotocol %q", resp.Header.Get("Sec-WebSocket-Protocol"))
		}
		return c
	}

	good := dial()
	defer good.CloseNow()
	if err := wsjson.Write(ctx, good, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + ws.Admin.Token}}); err != nil {
		t.Fatal(err)
	}
	var msg map[string]any
	if err := wsjson.Read(ctx, good, &msg); err != nil || msg["type"] != "connection_ack" {
		t.Fatalf("want connection_ack, got %v %v", msg, err)
	}
	// Queries work over the socket as the viewer.
	_ = wsjson.Write(ctx, good, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "{me{name}}"}})
	for msg["type"] != "next" {
		if err := wsjson.Read(ctx, good, &msg); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(toJSON(msg), "Admin acme") {
		t.Fatalf("me over ws: %v", msg)
	}

	for _, cred := range []string{"Bearer sbs_forged", ""} {
		bad := dial()
		_ = wsjson.Write(ctx, bad, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": cred}})
		var err error
		for err == nil {
			_, _, err = bad.Read(ctx)
		}
		if websocket.CloseStatus(err) != 4403 {
			t.Fatalf("credential %q: close status %d (%v), want 4403", cred, websocket.CloseStatus(err), err)
		}
	}
}

func TestSessionsAreStoredHashed(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	n, err := s.DB.Client.Session.Query().Where(session.TokenHash(ws.Admin.Token)).Count(testapi.Sys())
	if err != nil || n != 0 {
		t.Fatalf("token stored in clear (%d, %v)", n, err)
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
