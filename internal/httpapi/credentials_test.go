package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// SPEC §10: a credential that ends — logout, a revoked API key, a deactivated agent, a changed
// role, an expired session — closes every WebSocket that used it with 4403 within 5 s, on every
// instance: here the change is made through instance A and the socket is served by instance B.
func TestCredentialsThatEndCloseTheirSockets(t *testing.T) {
	db := testdb.Open(t)
	a := testapi.NewOn(t, db, httpapi.Config{})
	b := testapi.NewOn(t, db, httpapi.Config{})
	ws := a.NewWorkspace("ends")
	onB := func(c *testapi.Client) *testapi.Client { return b.As(c.Token) }

	cases := []struct {
		name   string
		client func() *testapi.Client // the credential, on A
		end    func(c *testapi.Client)
		reason string
	}{
		{"logout", func() *testapi.Client { return ws.NewAgent("out@ends.test", "AGENT") },
			func(c *testapi.Client) { c.Do(`mutation{logout}`, nil).OK(t) }, "signed out"},
		{"revokeApiKey", func() *testapi.Client {
			bot := ws.NewBot("Integration", "INCEPTION")
			r := ws.Admin.Do(`mutation($a:ID!){createApiKey(agentId:$a,name:"crm"){key apiKey{id}}}`, testapi.Vars{"a": bot}).OK(t)
			k := a.As(r.Str(t, "createApiKey.key"))
			k.AgentID = r.Str(t, "createApiKey.apiKey.id") // the key's id, to revoke it
			return k
		}, func(c *testapi.Client) {
			ws.Admin.Do(`mutation($k:ID!){revokeApiKey(id:$k){revokedAt}}`, testapi.Vars{"k": c.AgentID}).OK(t)
		}, "API key revoked"},
		{"deactivation", func() *testapi.Client { return ws.NewAgent("gone@ends.test", "AGENT") },
			func(c *testapi.Client) {
				ws.Admin.Do(`mutation($a:ID!){updateAgent(id:$a,input:{active:false}){id}}`, testapi.Vars{"a": c.AgentID}).OK(t)
			}, "agent deactivated"},
		{"role change", func() *testapi.Client { return ws.NewAgent("promoted@ends.test", "AGENT") },
			func(c *testapi.Client) {
				ws.Admin.Do(`mutation($a:ID!){updateAgent(id:$a,input:{role:SUPERVISOR}){id}}`, testapi.Vars{"a": c.AgentID}).OK(t)
			}, "role changed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.client()
			sub := onB(c).Subscribe(`subscription{notifications{kind}}`, nil)
			if completed, code := sub.Ended(300 * time.Millisecond); code != -1 || completed {
				t.Fatalf("the socket ended before the credential did: %v %d", completed, code)
			}
			start := time.Now()
			tc.end(c)
			completed, code := sub.Ended(5 * time.Second)
			if completed || code != 4403 {
				t.Fatalf("after %s: completed %v, close code %d; want 4403 within 5 s", tc.name, completed, code)
			}
			if !strings.Contains(sub.CloseReason(), tc.reason) {
				t.Fatalf("close reason %q, want it to say %q", sub.CloseReason(), tc.reason)
			}
			t.Logf("%s: closed on the other instance after %v", tc.name, time.Since(start).Round(time.Millisecond))
			ok, code, reason := b.InitSocket("", map[string]any{"authorization": "Bearer " + c.Token})
			if tc.name == "role change" { // the session holds: a new socket has the new role
				if !ok {
					t.Fatalf("a new socket after the role change: code %d %q", code, reason)
				}
			} else if ok || code != 4403 {
				t.Fatalf("a new socket with the ended credential: acked %v, code %d %q; want 4403", ok, code, reason)
			}
		})
	}
}

// A session that expires while its WebSocket is open closes it (4403, "session expired").
func TestExpiredSessionClosesItsSocket(t *testing.T) {
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{SessionTTL: 2 * time.Second})
	ws := s.NewWorkspace("expiry")
	sub := ws.Admin.Subscribe(`subscription{notifications{kind}}`, nil)
	completed, code := sub.Ended(6 * time.Second)
	if completed || code != 4403 || !strings.Contains(sub.CloseReason(), "expired") {
		t.Fatalf("completed %v, close code %d %q; want 4403 session expired", completed, code, sub.CloseReason())
	}
}

// connection_init takes exactly SPEC §10's payload {"authorization": "Bearer <token or key>"};
// anything else closes the socket with 4403 and a reason that says what to send.
func TestConnectionInitIsStrict(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("init")
	tok := ws.Admin.Token
	for _, tc := range []struct {
		name    string
		payload any
		reason  string
	}{
		{"no payload", nil, "connection_init"},
		{"empty", map[string]any{}, "connection_init"},
		{"capital A", map[string]any{"Authorization": "Bearer " + tok}, "lower case"},
		{"no Bearer", map[string]any{"authorization": tok}, "Bearer"},
		{"another scheme", map[string]any{"authorization": "Basic " + tok}, "Bearer"},
		{"Bearer only", map[string]any{"authorization": "Bearer "}, "Bearer"},
		{"not a string", map[string]any{"authorization": 42}, "connection_init"},
		{"bad token", map[string]any{"authorization": "Bearer sbs_nope"}, "invalid"},
	} {
		ok, code, reason := s.InitSocket("", tc.payload)
		if ok || code != 4403 || !strings.HasPrefix(reason, "Forbidden") || !strings.Contains(reason, tc.reason) {
			t.Errorf("%s: acked %v, code %d, reason %q; want 4403 Forbidden …%s…", tc.name, ok, code, reason, tc.reason)
		}
	}
	if ok, code, reason := s.InitSocket("", map[string]any{"authorization": "Bearer " + tok}); !ok {
		t.Fatalf("the right payload: code %d %q", code, reason)
	}
	if ok, _, _ := s.InitSocket("", map[string]any{"authorization": "bearer " + tok}); !ok {
		t.Fatal("the scheme's case does not matter (RFC 9110)")
	}
	// HTTP too: the scheme is required.
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/query", strings.NewReader(`{"query":"{me{id}}"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("Authorization without Bearer over HTTP: %d, want 401", resp.StatusCode)
	}
}
