package webhooks_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/ent/event"
	"switchboard/ent/intercept"
	"switchboard/ent/schema/enum"
	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
	"switchboard/internal/webhooks"
)

// expected is the workspace's log after cursor from, up to its head: what an all-types webhook
// registered at from must receive.
func expected(t *testing.T, s *testapi.Server, ws int, from, to int64) map[int64]string {
	t.Helper()
	evs, err := s.DB.Client.Event.Query().Where(event.WorkspaceID(ws), event.SeqGT(from), event.SeqLTE(to)).All(testapi.Sys())
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, e := range evs {
		out[*e.Seq] = e.Type
	}
	return out
}

// covered reports whether hs hold every event of want.
func covered(hs []hit, want map[int64]string) bool {
	got := map[int64]bool{}
	for _, h := range hs {
		n, _ := strconv.ParseInt(h.p.Cursor, 10, 64)
		got[n] = true
	}
	for seq := range want {
		if !got[seq] {
			return false
		}
	}
	return true
}

// SPEC §12: outbound webhooks deliver the same events as the subscriptions (E1, E2), each once
// when the endpoint answers, in order per conversation, signed with the webhook's secret.
func TestDeliversEveryEventOnceInOrderSigned(t *testing.T) {
	t.Parallel()
	in := start(t, testdb.Open(t), fast())
	ws := in.NewWorkspace("hooks")
	rcv := newReceiver(t)
	id, secret := register(t, ws.Admin, rcv.URL+"/in", nil)
	from := head(t, ws.Admin)
	a := human(t, in.Server, ws, "a@hooks.test", "AGENT")
	b := human(t, in.Server, ws, "b@hooks.test", "AGENT")
	activity(t, ws, a, b, 3, "c")
	to := head(t, ws.Admin)
	want := expected(t, in.Server, ws.Workspace.ID, from, to)
	hs := rcv.waitFor(t, 20*time.Second, "every event", func(hs []hit) bool { return covered(hs, want) })

	seen := map[string]int{}
	for _, h := range hs {
		seen[h.p.EventID]++
		if !verify(secret, h) {
			t.Errorf("delivery %s (%s): the signature does not verify with the secret: %s", h.delivery, h.p.Type, h.signature)
		}
		if err := webhooks.Verify(secret, h.signature, h.body, time.Minute, time.Now()); err != nil {
			t.Errorf("delivery %s: webhooks.Verify: %v", h.delivery, err)
		}
		if h.p.WebhookID != id || h.delivery != h.p.DeliveryID || h.event != h.p.Type {
			t.Errorf("headers and payload disagree: webhook %s (want %s), delivery %s/%s, event %s/%s", h.p.WebhookID, id, h.delivery, h.p.DeliveryID, h.event, h.p.Type)
		}
	}
	for ev, n := range seen {
		if n != 1 {
			t.Errorf("event %s arrived %d times, want once (the endpoint always answered 200)", ev, n)
		}
	}
	for _, p := range inOrder(hs) {
		t.Error(p)
	}
	types := map[string]bool{}
	for _, h := range hs {
		types[h.p.Type] = true
		if h.p.Type == "conversation.claimed" && (h.p.Actor == nil || h.p.Actor.Name == "" || h.p.ConversationID == nil || h.p.Version == 0) {
			t.Errorf("a claim without actor, conversation or version: %s", h.body)
		}
	}
	for _, want := range []string{"conversation.created", "conversation.claimed", "conversation.released", "conversation.reassigned", "conversation.resolved", "lock.acquired"} {
		if !types[want] {
			t.Errorf("no %s event arrived (got %v)", want, types)
		}
	}
	// The delivery log says the same.
	var out struct {
		Webhooks []struct {
			Health     struct{ ConsecutiveFailures int }
			Deliveries struct {
				Nodes []struct {
					Status, EventType, Cursor string
					Attempts                  int
					LastStatusCode            *int
				}
				HasNextPage bool
			}
		}
	}
	// The receiver may have a delivery before its worker recorded the answer: wait for the log.
	testapi.Eventually(t, 10*time.Second, "the delivery log records the answers", func() bool {
		ws.Admin.Do(`{webhooks{health{consecutiveFailures lastSuccessAt} deliveries(first:5){nodes{status eventType cursor attempts lastStatusCode latencyMs nextAttemptAt} hasNextPage endCursor}}}`, nil).OK(t).Decode(t, &out)
		return len(out.Webhooks) != 1 || len(out.Webhooks[0].Deliveries.Nodes) == 0 || out.Webhooks[0].Deliveries.Nodes[0].Status != "PENDING"
	})
	if len(out.Webhooks) != 1 || len(out.Webhooks[0].Deliveries.Nodes) != 5 || !out.Webhooks[0].Deliveries.HasNextPage {
		t.Fatalf("delivery log: %+v", out)
	}
	for _, d := range out.Webhooks[0].Deliveries.Nodes {
		if d.Status != "DELIVERED" || d.Attempts != 1 || d.LastStatusCode == nil || *d.LastStatusCode != 200 {
			t.Errorf("delivery log entry %+v: want DELIVERED after 1 attempt with 200", d)
		}
	}
}

// SPEC §12 (retried with backoff, at least once, in order per conversation) with E4: the endpoint
// answers 500 for a while and one of two instances stops meanwhile (its leases expire and the
// other takes its deliveries over); every event still arrives, in order per conversation, and
// the retries of one delivery back off.
func TestRetriesAcrossInstancesInOrder(t *testing.T) {
	testdb.RequirePostgres(t)
	t.Parallel()
	db := testdb.Open(t)
	one, two := start(t, db, fast()), start(t, db, fast())
	ws := one.NewWorkspace("retries")
	rcv := newReceiver(t)
	var failing atomic.Bool
	failing.Store(true)
	rcv.setAnswer(func(hit) int {
		if failing.Load() {
			return 500
		}
		return 200
	})
	_, secret := register(t, ws.Admin, rcv.URL+"/in", nil)
	from := head(t, ws.Admin)
	a := human(t, one.Server, ws, "a@retries.test", "AGENT")
	b := human(t, two.Server, ws, "b@retries.test", "AGENT")
	activity(t, ws, a, b, 4, "r")
	rcv.waitFor(t, 10*time.Second, "failed attempts", func(hs []hit) bool { return len(hs) >= 12 })
	two.stop() // dies: whatever it held is left to its leases
	stopped := len(rcv.all())
	activity(t, ws, a, b, 2, "r2")
	// Still failing for a while on the one instance left: 12 failed attempts more, and a delivery
	// tried 4 times (for the backoff checked below).
	rcv.waitFor(t, 10*time.Second, "failed attempts on the instance left", func(hs []hit) bool {
		tries := map[string]int{}
		for _, h := range hs {
			tries[h.delivery]++
		}
		return len(hs) >= stopped+12 && slices.Max(slices.Collect(maps.Values(tries))) >= 4
	})
	failing.Store(false)
	to := head(t, ws.Admin)
	want := expected(t, one.Server, ws.Workspace.ID, from, to)
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		ds, _ := one.DB.Client.WebhookDelivery.Query().All(testapi.Sys())
		hooks, _ := one.DB.Client.Webhook.Query().All(testapi.Sys())
		for _, h := range hooks {
			t.Logf("webhook %d active %v scanned until %d (head %d), failures %d", h.ID, h.Active, h.ScannedUntil, to, h.ConsecutiveFailures)
		}
		for _, d := range ds {
			if d.Status == enum.DeliveryPending {
				t.Logf("pending: %d lane %d seq %d attempts %d next %s locked by %v until %v", d.ID, d.Lane, d.Seq, d.Attempts,
					time.Until(d.NextAttemptAt), d.LockedBy, d.LockedUntil)
			}
		}
		t.Logf("%d deliveries", len(ds))
	})
	hs := rcv.waitFor(t, 30*time.Second, "every event after the outage", func(hs []hit) bool { return covered(hs, want) })
	for _, p := range inOrder(firsts(hs)) {
		t.Error(p)
	}
	for _, h := range hs {
		if !verify(secret, h) {
			t.Fatalf("a bad signature: %s", h.signature)
		}
	}
	// Backoff: the k-th retry of a delivery never comes sooner than the least jittered wait
	// after k failures (half of 40 ms doubling, capped at 400 ms).
	byDelivery := map[string][]time.Time{}
	for _, h := range hs {
		byDelivery[h.delivery] = append(byDelivery[h.delivery], h.at)
	}
	opts := fast()
	checked := 0
	for d, at := range byDelivery {
		if len(at) >= 4 {
			checked++
		}
		for k := 1; k < len(at); k++ {
			least := min(opts.FirstBackoff<<(k-1), opts.MaxBackoff) / 2
			if gap := at[k].Sub(at[k-1]); gap < least {
				t.Errorf("delivery %s: attempt %d came %s after the one before, sooner than the backoff (%s)", d, k+1, gap, least)
			}
		}
	}
	if checked == 0 {
		t.Errorf("no delivery was tried 4 times: the outage was too short to see the backoff")
	}
	dups := len(hs) - len(firsts(hs))
	t.Logf("%d requests for %d deliveries of %d events; %d deliveries checked for backoff; %d repeated attempts (500s, a lease taken over)", len(hs), len(firsts(hs)), len(want), checked, dups)
}

// SPEC §10 and §12: only admins manage webhooks, only their own workspace's.
func TestAdminsOfTheWorkspaceOnly(t *testing.T) {
	t.Parallel()
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{WebhooksAllowPrivate: true})
	ws, other := s.NewWorkspace("own"), s.NewWorkspace("other")
	id, _ := register(t, ws.Admin, "https://hooks.example.com/a", []string{"conversation.claimed"})
	admin := ws.NewAgent("admin2@own.test", "ADMIN")
	admin.Do(`{webhooks{id}}`, nil).OK(t)
	for _, role := range []string{"AGENT", "SUPERVISOR", "CLIENT_USER"} {
		c := ws.NewAgent(strings.ToLower(role)+"@own.test", role)
		c.Do(`{webhooks{id}}`, nil).WantCode(t, "FORBIDDEN")
		c.Do(`query($id:ID!){webhook(id:$id){id}}`, testapi.Vars{"id": id}).WantCode(t, "FORBIDDEN")
		c.Do(`mutation{createWebhook(input:{url:"https://hooks.example.com/x"}){secret}}`, nil).WantCode(t, "FORBIDDEN")
		c.Do(`mutation($id:ID!){rotateWebhookSecret(id:$id){secret}}`, testapi.Vars{"id": id}).WantCode(t, "FORBIDDEN")
	}
	for doc, vars := range map[string]testapi.Vars{
		`mutation($id:ID!){updateWebhook(id:$id,input:{active:false}){id}}`: {"id": id},
		`mutation($id:ID!){deleteWebhook(id:$id)}`:                          {"id": id},
		`mutation($id:ID!){rotateWebhookSecret(id:$id){secret}}`:            {"id": id},
		`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`:               {"id": id},
	} {
		other.Admin.Do(doc, vars).WantCode(t, "NOT_FOUND")
	}
	if r := other.Admin.Do(`{webhooks{id}}`, nil).OK(t); strings.Contains(string(r.Raw), id) {
		t.Errorf("another workspace's admin sees the webhook: %s", r.Raw)
	}
	if r := other.Admin.Do(`query($id:ID!){webhook(id:$id){id}}`, testapi.Vars{"id": id}).OK(t); string(r.Data) != `{"webhook":null}` {
		t.Errorf("another workspace's admin reads the webhook by id: %s", r.Raw)
	}
	ws.Admin.Do(`{webhooks{id url eventTypes active}}`, nil).OK(t)
	if r := ws.Admin.Do(`query($id:ID!){webhook(id:$id){id}}`, testapi.Vars{"id": id}).OK(t); !strings.Contains(string(r.Raw), id) {
		t.Errorf("the admin does not read the webhook by id: %s", r.Raw)
	}
}

// SPEC §9 BAD_USER_INPUT and §12's SSRF rule: URLs must be http(s), at most 2000 characters,
// without user info, and not loopback or private unless the server allows it.
func TestURLRules(t *testing.T) {
	t.Parallel()
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{})
	ws := s.NewWorkspace("urls")
	for _, u := range []string{"ftp://example.com/x", "example.com/x", "https://user:pw@example.com/x", "https://example.com/" + strings.Repeat("a", 2000),
		"http://127.0.0.1:8080/x", "http://localhost/x", "http://10.0.0.8/x", "http://169.254.169.254/latest", "http://[::1]/x", "http://0.0.0.0/x",
		"https://exa mple.com/"} {
		ws.Admin.Do(`mutation($u:String!){createWebhook(input:{url:$u}){secret}}`, testapi.Vars{"u": u}).WantCode(t, "BAD_USER_INPUT")
	}
	ws.Admin.Do(`mutation{createWebhook(input:{url:"https://hooks.example.com/x",eventTypes:["Not A Type"]}){secret}}`, nil).WantCode(t, "BAD_USER_INPUT")
	ws.Admin.Do(`mutation{createWebhook(input:{url:"https://hooks.example.com/x"}){secret}}`, nil).OK(t)
}

// SPEC §12: a target that resolves to a private address is refused at connection time (so a DNS
// answer cannot get around the registration check); 3xx answers are failures, never followed.
func TestPrivateTargetsAndRedirects(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	opts := fast()
	opts.AllowPrivate = false
	in := start(t, db, opts) // the API allows the local receiver; this worker does not
	ws := in.NewWorkspace("ssrf")
	rcv := newReceiver(t)
	id, _ := register(t, ws.Admin, rcv.URL+"/private", []string{webhooks.Test})
	ws.Admin.Do(`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	lastError := func(id string) (string, *int) {
		var out struct {
			Webhooks []struct {
				ID         string
				Deliveries struct {
					Nodes []struct {
						LastError      *string
						LastStatusCode *int
					}
				}
			}
		}
		ws.Admin.Do(`{webhooks{id deliveries(first:1){nodes{lastError lastStatusCode}}}}`, nil).OK(t).Decode(t, &out)
		for _, w := range out.Webhooks {
			if w.ID == id && len(w.Deliveries.Nodes) > 0 && w.Deliveries.Nodes[0].LastError != nil {
				return *w.Deliveries.Nodes[0].LastError, w.Deliveries.Nodes[0].LastStatusCode
			}
		}
		return "", nil
	}
	testapi.Eventually(t, 10*time.Second, "the private target refused", func() bool { msg, _ := lastError(id); return strings.Contains(msg, "refused") })
	if n := len(rcv.all()); n != 0 {
		t.Fatalf("the private target got %d requests", n)
	}

	// Redirects, with private targets allowed (another database: the worker above refuses them).
	in2 := start(t, testdb.Open(t), fast())
	ws2 := in2.NewWorkspace("redirects")
	rcv.setAnswer(func(h hit) int {
		if h.path == "/moved" {
			return http.StatusFound
		}
		return 200
	})
	moved, _ := register(t, ws2.Admin, rcv.URL+"/moved", []string{webhooks.Test})
	ws2.Admin.Do(`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`, testapi.Vars{"id": moved}).OK(t)
	rcv.waitFor(t, 10*time.Second, "two attempts at the redirecting endpoint", func(hs []hit) bool { return len(hs) >= 2 })
	for _, h := range rcv.all() {
		if h.path != "/moved" {
			t.Fatalf("a redirect was followed to %s", h.path)
		}
	}
	lastError = func(string) (string, *int) {
		var out struct {
			Webhooks []struct {
				Deliveries struct {
					Nodes []struct {
						LastError      *string
						LastStatusCode *int
					}
				}
			}
		}
		ws2.Admin.Do(`{webhooks{deliveries(first:1){nodes{lastError lastStatusCode}}}}`, nil).OK(t).Decode(t, &out)
		if n := out.Webhooks[0].Deliveries.Nodes; len(n) > 0 && n[0].LastError != nil {
			return *n[0].LastError, n[0].LastStatusCode
		}
		return "", nil
	}
	var msg string
	var code *int
	testapi.Eventually(t, 10*time.Second, "the redirect's failure logged", func() bool { msg, code = lastError(moved); return code != nil })
	if code == nil || *code != http.StatusFound || !strings.Contains(msg, "redirect") {
		t.Errorf("the delivery log says %q, %v: want a 302 failure about redirects", msg, code)
	}
}

// SPEC §12: an admin replays one event (a new delivery id, so deduping receivers take it), and a
// rotated secret signs everything after it.
func TestRedeliverAndRotate(t *testing.T) {
	t.Parallel()
	in := start(t, testdb.Open(t), fast())
	ws := in.NewWorkspace("replay")
	rcv := newReceiver(t)
	id, secret := register(t, ws.Admin, rcv.URL+"/in", []string{"webhook.test"})
	ws.Admin.Do(`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	hs := rcv.waitFor(t, 10*time.Second, "the test event", func(hs []hit) bool { return len(hs) == 1 })
	first := hs[0]
	if first.p.Type != webhooks.Test || !verify(secret, first) {
		t.Fatalf("test event: %s (signature ok: %v)", first.body, verify(secret, first))
	}
	r := ws.Admin.Do(`mutation($w:ID!,$e:ID!){redeliverWebhookEvent(webhookId:$w,eventId:$e){id replay status eventType}}`,
		testapi.Vars{"w": id, "e": first.p.EventID}).OK(t)
	if r.Path(t, "redeliverWebhookEvent.replay") != true {
		t.Errorf("a replay not marked as one: %s", r.Raw)
	}
	hs = rcv.waitFor(t, 10*time.Second, "the replay", func(hs []hit) bool { return len(hs) == 2 })
	if hs[1].p.EventID != first.p.EventID || hs[1].delivery == first.delivery {
		t.Errorf("replay: event %s delivery %s; the first: event %s delivery %s", hs[1].p.EventID, hs[1].delivery, first.p.EventID, first.delivery)
	}
	newSecret := ws.Admin.Do(`mutation($id:ID!){rotateWebhookSecret(id:$id){secret}}`, testapi.Vars{"id": id}).OK(t).Str(t, "rotateWebhookSecret.secret")
	if newSecret == secret || newSecret == "" {
		t.Fatalf("rotation kept the secret")
	}
	ws.Admin.Do(`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	hs = rcv.waitFor(t, 10*time.Second, "the test event after rotation", func(hs []hit) bool { return len(hs) == 3 })
	if !verify(newSecret, hs[2]) || verify(secret, hs[2]) {
		t.Errorf("after rotation: verifies with the new secret %v, with the old %v", verify(newSecret, hs[2]), verify(secret, hs[2]))
	}
	ws.Admin.Do(`mutation($w:ID!,$e:ID!){redeliverWebhookEvent(webhookId:$w,eventId:$e){id}}`,
		testapi.Vars{"w": id, "e": "1"}).WantCode(t, "NOT_FOUND")
}

// A switched-off webhook receives nothing, so a test event for it is refused (INVALID_STATE, no
// event appended) instead of being logged and never sent; switched on, the test goes out.
func TestSwitchedOffWebhookRefusesTestEvents(t *testing.T) {
	t.Parallel()
	in := start(t, testdb.Open(t), fast())
	ws := in.NewWorkspace("paused-test")
	rcv := newReceiver(t)
	id, _ := register(t, ws.Admin, rcv.URL+"/in", []string{"webhook.test"})
	ws.Admin.Do(`mutation($id:ID!){updateWebhook(id:$id,input:{active:false}){id}}`, testapi.Vars{"id": id}).OK(t)
	ws.Admin.Do(`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`, testapi.Vars{"id": id}).WantCode(t, "INVALID_STATE")
	if n := in.DB.Client.Event.Query().Where(event.WorkspaceID(ws.Workspace.ID), event.Type(webhooks.Test)).CountX(testapi.Sys()); n != 0 {
		t.Fatalf("a refused test event was logged: %d webhook.test events", n)
	}
	ws.Admin.Do(`mutation($id:ID!){updateWebhook(id:$id,input:{active:true}){id}}`, testapi.Vars{"id": id}).OK(t)
	ws.Admin.Do(`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	if hs := rcv.waitFor(t, 10*time.Second, "the test event", func(hs []hit) bool { return len(hs) == 1 }); hs[0].p.Type != webhooks.Test {
		t.Fatalf("received %s, want the test event", hs[0].body)
	}
}

// SPEC §12: an endpoint failing continuously (here for 300 ms instead of 24 h) is disabled with a
// reason, and a webhook.disabled event is appended (another endpoint receives it).
func TestFailingEndpointIsDisabled(t *testing.T) {
	t.Parallel()
	opts := fast()
	opts.DisableAfter = 300 * time.Millisecond
	in := start(t, testdb.Open(t), opts)
	ws := in.NewWorkspace("disable")
	bad, good := newReceiver(t), newReceiver(t)
	bad.setAnswer(func(hit) int { return 503 })
	badID, _ := register(t, ws.Admin, bad.URL+"/down", []string{"webhook.test"})
	register(t, ws.Admin, good.URL+"/up", []string{webhooks.Disabled})
	ws.Admin.Do(`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`, testapi.Vars{"id": badID}).OK(t)
	hs := good.waitFor(t, 15*time.Second, "webhook.disabled", func(hs []hit) bool { return len(hs) > 0 })
	if hs[0].p.Type != webhooks.Disabled || hs[0].p.After["webhookId"] != float64(mustAtoi(t, badID)) {
		t.Errorf("want webhook.disabled about %s: %s", badID, hs[0].body)
	}
	var out struct {
		Webhooks []struct {
			ID     string
			Active bool
			Health struct {
				ConsecutiveFailures int
				DisabledReason      *string
			}
		}
	}
	ws.Admin.Do(`{webhooks{id active health{consecutiveFailures disabledReason failingSince}}}`, nil).OK(t).Decode(t, &out)
	w := out.Webhooks[0]
	if w.ID != badID || w.Active || w.Health.DisabledReason == nil || w.Health.ConsecutiveFailures < 2 {
		t.Fatalf("the failing endpoint: %+v", w)
	}
	n := len(bad.all())
	// Disabled, it receives nothing, a test neither.
	ws.Admin.Do(`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`, testapi.Vars{"id": badID}).WantCode(t, "INVALID_STATE")
	// Switched on again: health cleared, deliveries resume (the test event it took while on).
	bad.setAnswer(func(hit) int { return 200 })
	r := ws.Admin.Do(`mutation($id:ID!){updateWebhook(id:$id,input:{active:true}){active health{consecutiveFailures disabledReason}}}`, testapi.Vars{"id": badID}).OK(t)
	if r.Path(t, "updateWebhook.health.disabledReason") != nil {
		t.Errorf("re-activated but still a reason: %s", r.Raw)
	}
	bad.waitFor(t, 10*time.Second, "deliveries after re-activation", func(hs []hit) bool {
		return len(hs) > n && hs[len(hs)-1].p.Type == webhooks.Test
	})
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Backoff doubles from the first wait up to the cap, with jitter between half and all of it.
func TestBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 5: 16 * time.Second, 13: time.Hour, 100: time.Hour} {
		for range 50 {
			if d := webhooks.Backoff(attempt, time.Second, time.Hour); d < want/2 || d > want {
				t.Fatalf("Backoff(%d) = %s, want within [%s, %s]", attempt, d, want/2, want)
			}
		}
	}
}

// With no active webhook anywhere, commits cost the worker no query: it looks again at its tick,
// or at once after a webhook is made on its instance (a webhook made on another instance waits
// for the tick; the tests above make theirs on the worker's instance).
func TestIdleWorkerLeavesTheDatabaseAlone(t *testing.T) {
	t.Parallel()
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{WebhooksAllowPrivate: true})
	var queries atomic.Int64
	count := intercept.Func(func(context.Context, intercept.Query) error { queries.Add(1); return nil })
	s.DB.Client.Webhook.Intercept(count)
	s.DB.Client.WebhookDelivery.Intercept(count)
	opts := fast()
	opts.Every = time.Hour // no tick during the test: every pass after the first is a commit's
	w := webhooks.NewWorker(s.DB, s.Bus, opts)
	passes := make(chan struct{}, 1000)
	w.Passed = func() { passes <- struct{}{} }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	pass := func(what string) {
		t.Helper()
		select {
		case <-passes:
		case <-time.After(10 * time.Second):
			t.Fatalf("no pass of the worker after %s", what)
		}
	}
	pass("its start")
	first := queries.Load()
	if first == 0 {
		t.Fatal("the first pass did not look for webhooks")
	}
	ws := s.NewWorkspace("idle")
	for i := range 10 {
		ws.Admin.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
			"channel": "SMS", "customerHandle": fmt.Sprintf("idle-%d", i), "text": "hello"}}).OK(t)
		pass(fmt.Sprintf("commit %d", i))
	}
	if n := queries.Load() - first; n != 0 {
		t.Errorf("the worker queried the webhook tables %d times after commits with no webhook active", n)
	}

	// A webhook made on this instance ends the idleness at once, not at the tick (an hour away);
	// so does one switched on again after the worker went idle once more.
	ingest := func(text string) {
		ws.Admin.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
			"channel": "SMS", "customerHandle": "idle-0", "text": text}}).OK(t)
	}
	rcv := newReceiver(t)
	id, _ := register(t, ws.Admin, rcv.URL+"/in", []string{"message.received"})
	ingest("after the webhook")
	rcv.waitFor(t, 10*time.Second, "the first event after the webhook was made", func(hs []hit) bool { return len(hs) == 1 })
	ws.Admin.Do(`mutation($id:ID!){updateWebhook(id:$id,input:{active:false}){id}}`, testapi.Vars{"id": id}).OK(t)
	ingest("while it is off")
	pass("the webhook was switched off")
	ws.Admin.Do(`mutation($id:ID!){updateWebhook(id:$id,input:{active:true}){id}}`, testapi.Vars{"id": id}).OK(t)
	ingest("after it is on again")
	hs := rcv.waitFor(t, 10*time.Second, "the first event after the webhook was switched on again", func(hs []hit) bool { return len(hs) >= 2 })
	if len(hs) != 2 || !strings.Contains(string(hs[1].body), "after it is on again") {
		t.Errorf("want the events before and after the pause only, got %d deliveries", len(hs))
	}
}
