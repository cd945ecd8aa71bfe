package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/internal/httpapi"
	"switchboard/internal/storage"
	"switchboard/internal/testapi"
	"switchboard/internal/webhooks"
)

// fast are worker options for tests: short backoffs and passes, so nothing sleeps long.
func fast() webhooks.Options {
	return webhooks.Options{AllowPrivate: true, Timeout: 2 * time.Second, Lease: time.Second, FirstBackoff: 40 * time.Millisecond,
		MaxBackoff: 400 * time.Millisecond, Every: 50 * time.Millisecond}
}

// instance is one server with its delivery worker.
type instance struct {
	*testapi.Server
	stop func() // stops the worker (as if the instance died: leases are left to expire)
}

// start runs a server over db (allowing private targets, as the local receiver is one) and its
// worker with opts.
func start(t *testing.T, db *storage.DB, opts webhooks.Options) *instance {
	t.Helper()
	s := testapi.NewOn(t, db, httpapi.Config{WebhooksAllowPrivate: true})
	w := webhooks.NewWorker(s.DB, s.Bus, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return &instance{Server: s, stop: stop}
}

// hit is one request the receiver got.
type hit struct {
	at        time.Time
	path      string
	signature string
	event     string
	delivery  string
	body      []byte
	p         webhooks.Payload
}

// receiver is a local webhook endpoint that records every request; answer decides the status.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	hits   []hit
	answer func(h hit) int
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{answer: func(hit) int { return 200 }}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		h := hit{at: time.Now(), path: req.URL.Path, signature: req.Header.Get(webhooks.HeaderSignature),
			event: req.Header.Get(webhooks.HeaderEvent), delivery: req.Header.Get(webhooks.HeaderDelivery), body: body}
		_ = json.Unmarshal(body, &h.p)
		r.mu.Lock()
		r.hits = append(r.hits, h)
		answer := r.answer
		r.mu.Unlock()
		if code := answer(h); code >= 300 && code < 400 {
			http.Redirect(w, req, "/elsewhere", code)
		} else {
			w.WriteHeader(code)
		}
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) setAnswer(f func(h hit) int) {
	r.mu.Lock()
	r.answer = f
	r.mu.Unlock()
}

func (r *receiver) all() []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hit(nil), r.hits...)
}

// waitFor polls until cond holds on the hits, or fails after d.
func (r *receiver) waitFor(t *testing.T, d time.Duration, what string, cond func([]hit) bool) []hit {
	t.Helper()
	var hs []hit
	testapi.Eventually(t, d, what, func() bool { hs = r.all(); return cond(hs) })
	return hs
}

// verify checks a hit's signature with secret the way docs/api.md tells receivers to.
func verify(secret string, h hit) bool {
	var ts, sig string
	for _, part := range strings.Split(h.signature, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%s.%s", ts, h.body)
	return hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(sig))
}

// register creates a webhook as admin and returns its id and secret.
func register(t *testing.T, admin *testapi.Client, url string, types []string) (id, secret string) {
	t.Helper()
	r := admin.Do(`mutation($in:CreateWebhookInput!){createWebhook(input:$in){webhook{id url active eventTypes} secret}}`,
		testapi.Vars{"in": map[string]any{"url": url, "eventTypes": types, "description": "test receiver"}}).OK(t)
	return r.Str(t, "createWebhook.webhook.id"), r.Str(t, "createWebhook.secret")
}

// human creates an ONLINE human of ws with room on SMS and signs it in on s.
func human(t *testing.T, s *testapi.Server, ws *testapi.Workspace, email, role string) *testapi.Client {
	t.Helper()
	ws.Admin.Do(`mutation($in:CreateAgentInput!){createAgent(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"email": email, "password": testapi.Password, "name": email, "role": role,
		"channels": []any{map[string]any{"channel": "SMS", "capacity": 100}}}}).OK(t)
	a := s.Login(email, testapi.Password)
	a.Do(`mutation{setPresence(presence:ONLINE){id}}`, nil).OK(t)
	return a
}

// head is the workspace's current cursor as a number.
func head(t *testing.T, c *testapi.Client) int64 {
	t.Helper()
	n, err := strconv.ParseInt(c.Do(`{eventCursor}`, nil).OK(t).Str(t, "eventCursor"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// activity drives conversations through what SPEC §12's webhooks report: a customer writes in,
// one agent claims, releases, claims again, reassigns to another, who resolves it.
func activity(t *testing.T, ws *testapi.Workspace, a, b *testapi.Client, conversations int, tag string) []string {
	t.Helper()
	var ids []string
	for i := range conversations {
		id := ws.Admin.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
			"channel": "SMS", "customerHandle": fmt.Sprintf("%s-%d", tag, i), "text": "hello"}}).OK(t).Str(t, "ingestCustomerMessage.id")
		ids = append(ids, id)
	}
	do := func(c *testapi.Client, doc string, vars testapi.Vars) { t.Helper(); c.Do(doc, vars).OK(t) }
	for _, id := range ids {
		v := testapi.Vars{"id": id}
		do(a, `mutation($id:ID!){claimConversation(id:$id){id}}`, v)
		do(a, `mutation($id:ID!){releaseConversation(id:$id){id}}`, v)
		do(a, `mutation($id:ID!){claimConversation(id:$id){id}}`, v)
		do(a, `mutation($id:ID!,$b:ID!){reassignConversation(id:$id,agentId:$b,note:"yours"){id}}`, testapi.Vars{"id": id, "b": b.AgentID})
		do(b, `mutation($id:ID!){openConversation(id:$id){id}}`, v)
		do(b, `mutation($id:ID!){resolveConversation(id:$id){id}}`, v)
	}
	return ids
}

// firsts keeps each delivery's first arrival (receivers dedupe by delivery id).
func firsts(hs []hit) []hit {
	seen := map[string]bool{}
	var out []hit
	for _, h := range hs {
		if !seen[h.delivery] {
			seen[h.delivery] = true
			out = append(out, h)
		}
	}
	return out
}

// inOrder checks that each conversation's events arrived in cursor order (a repeat of the latest
// one, at least once, is allowed) and returns the problems.
func inOrder(hs []hit) []string {
	last := map[string]int64{}
	var out []string
	for _, h := range hs {
		if h.p.ConversationID == nil {
			continue
		}
		c := *h.p.ConversationID
		seq, _ := strconv.ParseInt(h.p.Cursor, 10, 64)
		if seq < last[c] {
			out = append(out, fmt.Sprintf("conversation %s: event %d (%s) arrived after %d", c, seq, h.p.Type, last[c]))
		}
		last[c] = max(last[c], seq)
	}
	return out
}
