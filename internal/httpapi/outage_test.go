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

// SPEC §9: an outage is not a bug. While the database is out of reach every answer says
// UNAVAILABLE (HTTP 503 with Retry-After), never INTERNAL_SERVER_ERROR, and /readyz says not
// ready; when it is back the server answers again within 2 s, without a restart, and live updates
// flow again.
func TestOutageAnswersUnavailableAndRecovers(t *testing.T) {
	db, proxy := testdb.OpenBehindProxy(t)
	s := testapi.NewOn(t, db, httpapi.Config{})
	ws := s.NewWorkspace("outage")
	ana := ws.NewAgent("ana@outage.test", "AGENT")
	ana.Do(`query{me{id}}`, nil).OK(t)

	proxy.Cut()
	for _, q := range []string{`query{me{id name}}`, `mutation{setPresence(presence:ONLINE){presence}}`, `query{conversations(first:5){totalCount}}`} {
		if r := ana.Do(q, nil); r.Code() != "UNAVAILABLE" || r.Status != http.StatusServiceUnavailable {
			t.Fatalf("%s during the outage: HTTP %d %s", q, r.Status, r.Raw)
		}
	}
	login := s.Anonymous().Do(`mutation{login(email:"ana@outage.test",password:"`+testapi.Password+`"){token}}`, nil)
	if login.Code() != "UNAVAILABLE" {
		t.Fatalf("login during the outage: HTTP %d %s", login.Status, login.Raw)
	}
	for _, req := range []*http.Request{
		newRequest(t, http.MethodPost, s.URL+"/query", `{"query":"query{me{id}}"}`, ana.Token),
		newRequest(t, http.MethodPost, s.URL+"/v1/conversations/1/claim", "", ana.Token),
		newRequest(t, http.MethodGet, s.URL+"/readyz", "", ""),
	} {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || (req.URL.Path != "/readyz" && resp.Header.Get("Retry-After") == "") {
			t.Fatalf("%s during the outage: HTTP %d, Retry-After %q", req.URL.Path, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}

	proxy.Restore()
	back := time.Now()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for ana.Do(`query{me{id}}`, nil).Code() != "" {
		if time.Since(back) > 2*time.Second {
			t.Fatal("the server did not answer again within 2 s of the database's return")
		}
		<-tick.C
	}
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	c := conn.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"+1555",text:"back?"}){id}}`, nil).OK(t).
		Str(t, "ingestCustomerMessage.id")
	// From the log's start (cursor 0), so that the subscription cannot miss the live event by
	// registering after it: the replay brings the first message, the bus the second.
	sub := ana.Subscribe(`subscription($c:ID!){conversationEvents(conversationId:$c,after:"0"){type}}`, testapi.Vars{"c": c})
	conn.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"+1555",text:"hello?"}){id}}`, nil).OK(t)
	for messages := 0; messages < 2; {
		var ev struct{ ConversationEvents struct{ Type string } }
		if !sub.Next(5*time.Second, &ev) {
			t.Fatalf("no live event after the outage (%d messages seen)", messages)
		}
		if ev.ConversationEvents.Type == "message.received" {
			messages++
		}
	}
}

func newRequest(t *testing.T, method, url, body, token string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}
