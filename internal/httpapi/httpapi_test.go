package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHealthReadinessMetrics(t *testing.T) {
	s := testapi.New(t)
	if resp, body := get(t, s.URL+"/healthz"); resp.StatusCode != 200 || body != "ok\n" {
		t.Fatalf("healthz: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(t, s.URL+"/readyz"); resp.StatusCode != 200 {
		t.Fatalf("readyz: %d", resp.StatusCode)
	}
	s.Anonymous().Do(`{__typename}`, nil)
	resp, body := get(t, s.URL+"/metrics")
	if resp.StatusCode != 200 || !strings.Contains(body, `switchboard_http_requests_total{code="200",route="/query"}`) {
		t.Fatalf("metrics: %d\n%s", resp.StatusCode, body)
	}
	// Readiness follows the database.
	s.DB.SQL.Close()
	if resp, _ := get(t, s.URL+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database gone: %d", resp.StatusCode)
	}
}

// SPEC §10: request bodies are bounded and query depth and complexity are limited; each is
// BAD_USER_INPUT, and nothing runs.
func TestRequestLimits(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")

	big := []byte(`{"query":"mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:\"+1\",text:\"` + strings.Repeat("a", 2<<20) + `\"}){id}}"}`)
	r := ws.Admin.Post("/query", "application/json", big)
	if r.Status != http.StatusRequestEntityTooLarge || r.Code() != "BAD_USER_INPUT" {
		t.Fatalf("oversized body: HTTP %d %s", r.Status, r.Raw[:min(len(r.Raw), 300)])
	}

	deep := `{me{teams{members{teams{members{teams{members{teams{members{teams{members{teams{members{name}}}}}}}}}}}}}}`
	r = ws.Admin.Do(deep, nil).WantCode(t, "BAD_USER_INPUT")
	if r.Errors[0].Extensions["reason"] != "DEPTH_LIMIT_EXCEEDED" {
		t.Fatalf("deep query: %s", r.Raw)
	}
	// Fragments count too.
	ws.Admin.Do(`fragment F on Agent{teams{members{teams{members{teams{members{teams{members{teams{members{teams{members{name}}}}}}}}}}}}} {me{...F}}`, nil).WantCode(t, "BAD_USER_INPUT")

	// Every page counts: a hundred conversations with a hundred messages each is too much.
	r = ws.Admin.Do(`{conversations(first:100){edges{node{messages(first:100){edges{node{id createdAt}}}}}}}`, nil).WantCode(t, "BAD_USER_INPUT")
	if r.Errors[0].Extensions["reason"] != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("complex query: %s", r.Raw)
	}
	// Introspection is not counted against depth.
	ws.Admin.Do(`{__schema{types{name fields{name type{name ofType{name ofType{name ofType{name ofType{name}}}}}}}}}`, nil).OK(t)
	// Not JSON at all.
	if r := ws.Admin.Post("/query", "application/json", []byte("{not json")); r.Status != http.StatusBadRequest || r.Code() != "BAD_USER_INPUT" || strings.Contains(string(r.Raw), "not json") {
		t.Fatalf("malformed body: HTTP %d %s (want 400 BAD_USER_INPUT, the body not echoed)", r.Status, r.Raw)
	}
	// Bad ids and cursors.
	ws.Admin.Do(`{node(id:"abc"){id}}`, nil).WantCode(t, "BAD_USER_INPUT")
	ws.Admin.Do(`{node(id:"99999999999"){id}}`, nil).WantCode(t, "NOT_FOUND")
	ws.Admin.Do(`{conversations(after:"%%%"){totalCount}}`, nil).WantCode(t, "BAD_USER_INPUT")
	ws.Admin.Do(`{conversations(first:-1){totalCount}}`, nil).WantCode(t, "BAD_USER_INPUT")
}

func TestGraphQLOverGET(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	resp, body := get(t, s.URL+"/query?query=%7Bme%7Bname%7D%7D", "Authorization", "Bearer "+ws.Admin.Token)
	if resp.StatusCode != 200 || !strings.Contains(body, "Admin acme") {
		t.Fatalf("GET: %d %s", resp.StatusCode, body)
	}
}

// SPEC §10: only configured origins are allowed. Unset means same-origin only; configured
// origins are matched exactly (scheme, host, port); WebSocket upgrades obey the same list.
func TestCORS(t *testing.T) {
	db := testdb.Open(t)
	type answer struct {
		status int
		allow  string
	}
	send := func(s *testapi.Server, method, origin string) answer {
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader(`{"query":"{__typename}"}`)
		}
		req, _ := http.NewRequest(method, s.URL+"/query", body)
		req.Header.Set("Content-Type", "application/json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if method == http.MethodOptions {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return answer{resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin")}
	}
	unset := testapi.NewOn(t, db, httpapi.Config{})
	set := testapi.NewOn(t, db, httpapi.Config{CORSOrigins: []string{"https://desk.example.com"}})
	token := unset.NewWorkspace("cors").Admin.Token
	self := func(s *testapi.Server) string { return s.URL } // httptest: http://127.0.0.1:port

	for _, tc := range []struct {
		name        string
		server      *testapi.Server
		origin      string
		allowed     bool
		allowHeader string // on an allowed cross-origin request
	}{
		{"unset, no Origin (not a browser)", unset, "", true, ""},
		{"unset, same origin", unset, self(unset), true, ""},
		{"unset, another origin", unset, "https://evil.example", false, ""},
		{"unset, null origin", unset, "null", false, ""},
		{"set, the configured origin", set, "https://desk.example.com", true, "https://desk.example.com"},
		{"set, same origin", set, self(set), true, ""},
		{"set, another scheme", set, "http://desk.example.com", false, ""},
		{"set, another port", set, "https://desk.example.com:8443", false, ""},
		{"set, a subdomain", set, "https://x.desk.example.com", false, ""},
		{"set, another origin", set, "https://evil.example", false, ""},
	} {
		for _, method := range []string{http.MethodOptions, http.MethodPost} {
			if method == http.MethodOptions && tc.origin == "" {
				continue
			}
			got := send(tc.server, method, tc.origin)
			if !tc.allowed {
				if got.status != http.StatusForbidden || got.allow != "" {
					t.Errorf("%s, %s: HTTP %d, Allow-Origin %q; want 403 and no Allow-Origin", tc.name, method, got.status, got.allow)
				}
				continue
			}
			if got.status >= 300 || got.allow != tc.allowHeader {
				t.Errorf("%s, %s: HTTP %d, Allow-Origin %q; want success and %q", tc.name, method, got.status, got.allow, tc.allowHeader)
			}
		}
		if tc.origin == "" || tc.origin == "null" {
			continue
		}
		ok, code, reason := tc.server.InitSocket(tc.origin, map[string]any{"authorization": "Bearer " + token})
		if ok != tc.allowed {
			t.Errorf("%s, WebSocket: acked %v (code %d %q), want %v", tc.name, ok, code, reason, tc.allowed)
		}
	}
}

func TestServesTheWorkspaceApp(t *testing.T) {
	db := testdb.Open(t)
	app := fstest.MapFS{
		"index.html":      {Data: []byte("<html>app</html>")},
		"assets/app-1.js": {Data: []byte("console.log(1)")},
	}
	ts := httptest.NewServer(httpapi.New(httpapi.Config{SPA: app, AccessLog: slog.New(slog.DiscardHandler)}, httpapi.Deps{DB: db}))
	defer ts.Close()
	for path, want := range map[string]string{"/": "<html>app</html>", "/inbox/123": "<html>app</html>", "/assets/app-1.js": "console.log(1)"} {
		resp, body := get(t, ts.URL+path)
		if resp.StatusCode != 200 || body != want {
			t.Fatalf("%s: %d %q", path, resp.StatusCode, body)
		}
	}
	if resp, _ := get(t, ts.URL+"/assets/missing.js"); resp.StatusCode != 404 {
		t.Fatalf("missing asset: %d", resp.StatusCode)
	}
	// Without a built app, a page says how to build it.
	ts2 := httptest.NewServer(httpapi.New(httpapi.Config{AccessLog: slog.New(slog.DiscardHandler)}, httpapi.Deps{DB: db}))
	defer ts2.Close()
	if _, body := get(t, ts2.URL+"/"); !strings.Contains(body, "make run") {
		t.Fatalf("placeholder: %q", body)
	}
}

// INTROSPECTION=false refuses introspection (FORBIDDEN, not an internal error); __typename and
// everything else still answer. It is on by default.
func TestIntrospectionSwitch(t *testing.T) {
	db := testdb.Open(t)
	on := testapi.NewOn(t, db, httpapi.Config{})
	off := testapi.NewOn(t, db, httpapi.Config{NoIntrospection: true})
	admin := on.NewWorkspace("intro").Admin
	on.As(admin.Token).Do(`{__schema{queryType{name}}}`, nil).OK(t)
	for _, q := range []string{`{__schema{queryType{name}}}`, `{__type(name:"Conversation"){name}}`} {
		off.As(admin.Token).Do(q, nil).WantCode(t, "FORBIDDEN")
	}
	off.As(admin.Token).Do(`{__typename me{id}}`, nil).OK(t)
}

// SPEC §10, Apollo's automatic persisted queries: a hash the server does not know answers
// PERSISTED_QUERY_NOT_FOUND (so the client sends the query with it), then the hash alone works by
// POST and GET; a hash that does not match its query is BAD_USER_INPUT — never an internal error.
func TestAutomaticPersistedQueries(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("apq")
	query := `query Me{me{id}}`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	post := func(body map[string]any) *testapi.Response {
		raw, _ := json.Marshal(body)
		return ws.Admin.Post("/query", "application/json", raw)
	}
	post(map[string]any{"extensions": ext}).WantCode(t, "PERSISTED_QUERY_NOT_FOUND")
	post(map[string]any{"query": query, "extensions": ext}).OK(t)
	post(map[string]any{"extensions": ext}).OK(t)
	extJSON, _ := json.Marshal(ext)
	req := newRequest(t, http.MethodGet, s.URL+"/query?extensions="+url.QueryEscape(string(extJSON)), "", ws.Admin.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"me":{"id"`) {
		t.Fatalf("GET by hash: HTTP %d %s", resp.StatusCode, body)
	}
	wrong := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}}
	post(map[string]any{"query": query, "extensions": wrong}).WantCode(t, "BAD_USER_INPUT")
	post(map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 2, "sha256Hash": "x"}}}).WantCode(t, "BAD_USER_INPUT")
}
