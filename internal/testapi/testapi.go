// Package testapi runs the real HTTP handler (httpapi.New) over a test database and speaks
// GraphQL to it, for black-box tests of every package.
package testapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/internal/desk"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/httpapi"
	"switchboard/internal/ratelimit"
	"switchboard/internal/routing"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
	"switchboard/internal/testdb"
	"switchboard/internal/workers"
)

// Password is the password of every agent the tests create.
const Password = "test-password-1"

// Server is a running handler over a fresh database.
type Server struct {
	t      testing.TB
	URL    string
	DB     *storage.DB
	Bus    *events.Bus
	Leases *desk.Leases
	// Router is set by Route.
	Router *routing.Router
	// Handler is the handler being served (Drain, as on SIGTERM).
	Handler *httpapi.Handler
	ctx     context.Context
}

// New starts a server on a fresh database.
func New(t testing.TB) *Server {
	t.Helper()
	db := testdb.Open(t)
	return NewOn(t, db, httpapi.Config{})
}

// NewOn starts a server over db with cfg: several servers on one database act as several
// instances. Rate limits are off unless cfg sets some.
func NewOn(t testing.TB, db *storage.DB, cfg httpapi.Config) *Server {
	t.Helper()
	if cfg.AccessLog == nil {
		cfg.AccessLog = slog.New(slog.DiscardHandler)
	}
	if l := cfg.Limits; !l.Off && l.PerCredential == (ratelimit.Rate{}) && l.PerAddress == (ratelimit.Rate{}) && l.Logins == nil && !l.TrustForwardedFor { // tests of the rate limits set theirs
		cfg.Limits.Off = true
	}
	bus := events.NewBus(db.Client, db.URL)
	ctx, cancel := context.WithCancel(context.Background())
	go bus.Run(ctx)
	leases := desk.NewLeases(desk.New(db, bus))
	h := httpapi.New(cfg, httpapi.Deps{DB: db, Bus: bus, Leases: leases})
	ts := httptest.NewServer(h)
	t.Cleanup(func() { ts.Close(); cancel() })
	return &Server{t: t, URL: ts.URL, DB: db, Bus: bus, Leases: leases, Handler: h, ctx: ctx}
}

// Twin serves the same database, bus and leases as s with another cfg: one instance, two ways of
// serving it, for tests that compare them.
func (s *Server) Twin(cfg httpapi.Config) *Server {
	s.t.Helper()
	if cfg.AccessLog == nil {
		cfg.AccessLog = slog.New(slog.DiscardHandler)
	}
	cfg.Limits.Off = true
	h := httpapi.New(cfg, httpapi.Deps{DB: s.DB, Bus: s.Bus, Leases: s.Leases})
	ts := httptest.NewServer(h)
	s.t.Cleanup(ts.Close)
	return &Server{t: s.t, URL: ts.URL, DB: s.DB, Bus: s.Bus, Leases: s.Leases, Handler: h, ctx: s.ctx}
}

// Route starts the router (R5) as server.go does, sweeping every sweep. Without it, nothing is
// assigned on its own, so tests of claims and locks decide every change themselves.
func (s *Server) Route(sweep time.Duration) *routing.Router {
	s.Router = s.Start(workers.Set{Routing: sweep}).Router
	return s.Router
}

// Start runs background workers as server.go does (workers.Production is its whole set), until
// the test ends.
func (s *Server) Start(set workers.Set) workers.Started {
	return workers.Start(s.ctx, set, s.DB, s.Bus, s.Leases)
}

// Sys is a context for direct database reads in assertions (all workspaces).
func Sys() context.Context { return tenant.System(context.Background()) }

// Workspace is a workspace created for a test, with its super admin signed in.
type Workspace struct {
	*ent.Workspace
	Admin *Client
}

// NewWorkspace creates a workspace (with its super admin and inception bot) named slug.
func (s *Server) NewWorkspace(slug string) *Workspace {
	s.t.Helper()
	email := "admin@" + slug + ".test"
	ws, err := directory.New(s.DB.Client, nil).CreateWorkspace(Sys(), "Workspace "+slug, slug, email, "Admin "+slug, Password)
	if err != nil {
		s.t.Fatalf("create workspace: %v", err)
	}
	return &Workspace{Workspace: ws, Admin: s.Login(email, Password)}
}

// Client sends GraphQL with one credential.
type Client struct {
	s       *Server
	Token   string
	AgentID string
}

// Anonymous is a client without credentials.
func (s *Server) Anonymous() *Client { return &Client{s: s} }

// As is a client with a raw bearer credential.
func (s *Server) As(token string) *Client { return &Client{s: s, Token: token} }

// Login signs in and fails the test if it cannot.
func (s *Server) Login(email, password string) *Client {
	s.t.Helper()
	r := s.Anonymous().Do(`mutation($e:String!,$p:String!){login(email:$e,password:$p){token agent{id}}}`, Vars{"e": email, "p": password})
	r.OK(s.t)
	var out struct {
		Login struct {
			Token string
			Agent struct{ ID string }
		}
	}
	r.Decode(s.t, &out)
	return &Client{s: s, Token: out.Login.Token, AgentID: out.Login.Agent.ID}
}

// Vars are GraphQL variables.
type Vars map[string]any

// Response is a GraphQL response with its HTTP status.
type Response struct {
	Status int
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
	Raw []byte
}

// Do posts a GraphQL operation.
func (c *Client) Do(query string, vars Vars) *Response {
	c.s.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return c.Post("/query", "application/json", body)
}

// Post sends a raw POST with the client's credential.
func (c *Client) Post(path, contentType string, body []byte) *Response {
	c.s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.s.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.s.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := &Response{Status: resp.StatusCode, Raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || strings.HasPrefix(resp.Header.Get("Content-Type"), "application/graphql-response+json") {
		_ = json.Unmarshal(raw, r)
	}
	return r
}

// OK fails the test if the response has errors.
func (r *Response) OK(t testing.TB) *Response {
	t.Helper()
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("unexpected errors (HTTP %d): %s", r.Status, r.Raw)
	}
	return r
}

// Code returns the first error's extensions.code ("" when none).
func (r *Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// WantCode fails the test unless the first error has code.
func (r *Response) WantCode(t testing.TB, code string) *Response {
	t.Helper()
	if r.Code() != code {
		t.Fatalf("want error code %s, got %q (HTTP %d): %s", code, r.Code(), r.Status, r.Raw)
	}
	return r
}

// Decode unmarshals data into v.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
}

// Path extracts a value from data by dotted path (numbers index lists), for short assertions.
func (r *Response) Path(t testing.TB, path string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.Data, &v); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			var i int
			if _, err := fmt.Sscan(k, &i); err != nil || i >= len(x) {
				t.Fatalf("path %s: bad index %s in %s", path, k, r.Data)
			}
			v = x[i]
		default:
			t.Fatalf("path %s: %s not found in %s", path, k, r.Data)
		}
	}
	return v
}

// Str is Path for strings.
func (r *Response) Str(t testing.TB, path string) string {
	t.Helper()
	s, _ := r.Path(t, path).(string)
	return s
}

// NewAgent creates a human agent with role in the workspace (through the API, as its admin) and
// signs it in.
func (w *Workspace) NewAgent(email, role string) *Client {
	w.Admin.s.t.Helper()
	w.Admin.Do(`mutation($e:String!,$p:String!,$r:Role!){createAgent(input:{email:$e,password:$p,name:$e,role:$r}){id}}`,
		Vars{"e": email, "p": Password, "r": role}).OK(w.Admin.s.t)
	return w.Admin.s.Login(email, Password)
}

// NewBot creates a VIRTUAL agent and returns its id.
func (w *Workspace) NewBot(name, vaRole string) string {
	w.Admin.s.t.Helper()
	return w.Admin.Do(`mutation($n:String!,$r:VARole!){createAgent(input:{name:$n,kind:VIRTUAL,vaRole:$r}){id}}`,
		Vars{"n": name, "r": vaRole}).OK(w.Admin.s.t).Str(w.Admin.s.t, "createAgent.id")
}

// NewKey creates an API key acting as agentID and returns a client using it.
func (w *Workspace) NewKey(agentID string) *Client {
	w.Admin.s.t.Helper()
	key := w.Admin.Do(`mutation($a:ID!){createApiKey(agentId:$a,name:"test"){key}}`, Vars{"a": agentID}).OK(w.Admin.s.t).Str(w.Admin.s.t, "createApiKey.key")
	return w.Admin.s.As(key)
}

// ID is the workspace's GraphQL id.
func (w *Workspace) ID() string { return fmt.Sprint(w.Workspace.ID) }
