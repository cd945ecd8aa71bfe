package webhooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/ent/webhookdelivery"
	"switchboard/internal/httpapi"
	"switchboard/internal/storage"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
	"switchboard/internal/webhooks"
)

// TestWebhooksFollowTheLog plays random worlds (SPEC §12, docs/api.md "Webhooks"): one or two
// workspaces, webhooks with random eventTypes filters at receivers that answer 2xx, 4xx, 5xx,
// redirects, too slowly or by resetting the connection, two or three worker instances on one
// database, desk activity on several conversations, and admins updating (types, url, active),
// rotating, replaying, testing and deleting webhooks meanwhile. At the end the receivers turn
// healthy, every webhook left is switched on, the workers drain, and what was received and what
// the delivery log says are held to a reference written from the docs alone (see check).
//
// HOOKS_CASES=<n> plays n worlds, HOOKS_SEED=<seed> replays one (the workers' and receivers'
// timing is not replayed).
func TestWebhooksFollowTheLog(t *testing.T) {
	cases := 4
	if v, err := strconv.Atoi(os.Getenv("HOOKS_CASES")); err == nil && v > 0 {
		cases = v
	}
	seed := uint64(time.Now().UnixNano())
	if v, err := strconv.ParseUint(os.Getenv("HOOKS_SEED"), 10, 64); err == nil {
		seed = v
	}
	for i := range cases {
		s := seed + uint64(i)
		t.Run(fmt.Sprintf("seed=%d", s), func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("replay: HOOKS_SEED=%d HOOKS_CASES=1 go test -count=1 -run TestWebhooksFollowTheLog ./internal/webhooks/", s)
				}
			}()
			play(t, s)
		})
	}
}

// Answers a receiver gives.
const (
	ansOK       = "2xx"
	ans4xx      = "4xx"
	ans5xx      = "5xx"
	ansSlow     = "slow" // beyond the worker's timeout
	ansReset    = "reset"
	ansRedirect = "3xx"
)

// receipt is one request a receiver got.
type receipt struct {
	n        int // arrival order over all receivers
	at       time.Time
	endpoint string
	sig      string
	delivery string
	evType   string
	body     []byte
	p        webhooks.Payload
	answer   string
	code     int // the status answered; 0 for slow and reset
}

// hub is every receiver of a world: httptest servers whose paths are endpoints, each with a
// health (how it answers).
type hub struct {
	mu     sync.Mutex
	got    []receipt
	health map[string]string // endpoint → "ok", "flaky" or "down"
	rng    *rand.Rand
	signal chan struct{}
	quit   chan struct{}
	srvs   []*httptest.Server
}

func newHub(t *testing.T, seed uint64, servers int) *hub {
	h := &hub{health: map[string]string{}, rng: rand.New(rand.NewPCG(seed, 7)), signal: make(chan struct{}, 1), quit: make(chan struct{})}
	for range servers {
		s := httptest.NewServer(http.HandlerFunc(h.serve))
		h.srvs = append(h.srvs, s)
	}
	t.Cleanup(func() {
		close(h.quit)
		for _, s := range h.srvs {
			s.Close()
		}
	})
	return h
}

func (h *hub) poke() {
	select {
	case h.signal <- struct{}{}:
	default:
	}
}

func (h *hub) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.got)
}

func (h *hub) all() []receipt {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

func (h *hub) setHealth(endpoint, health string) {
	h.mu.Lock()
	h.health[endpoint] = health
	h.mu.Unlock()
}

func (h *hub) allHealthy() {
	h.mu.Lock()
	for e := range h.health {
		h.health[e] = "ok"
	}
	h.mu.Unlock()
}

// answer picks how to answer a request at endpoint (h.mu held).
func (h *hub) answer(endpoint string) (string, int) {
	failures := []string{ans4xx, ans5xx, ans5xx, ansSlow, ansReset, ansRedirect}
	kind := ansOK
	switch h.health[endpoint] {
	case "down":
		kind = failures[h.rng.IntN(len(failures))]
	case "flaky":
		if h.rng.IntN(2) == 0 {
			kind = failures[h.rng.IntN(len(failures))]
		}
	}
	pick := func(codes ...int) int { return codes[h.rng.IntN(len(codes))] }
	switch kind {
	case ansOK:
		return kind, pick(200, 201, 202, 204)
	case ans4xx:
		return kind, pick(400, 404, 410, 429)
	case ans5xx:
		return kind, pick(500, 502, 503)
	case ansRedirect:
		return kind, pick(301, 302, 307, 308)
	}
	return kind, 0
}

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc := receipt{at: time.Now(), endpoint: r.URL.Path, sig: r.Header.Get(webhooks.HeaderSignature), delivery: r.Header.Get(webhooks.HeaderDelivery),
		evType: r.Header.Get(webhooks.HeaderEvent), body: body}
	_ = json.Unmarshal(body, &rc.p)
	h.mu.Lock()
	rc.answer, rc.code = h.answer(rc.endpoint)
	rc.n = len(h.got)
	h.got = append(h.got, rc)
	h.mu.Unlock()
	h.poke()
	switch rc.answer {
	case ansSlow:
		select {
		case <-r.Context().Done(): // the worker gave up
		case <-h.quit:
		}
	case ansReset:
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a RST, not a FIN
			}
			conn.Close()
		}
	case ansRedirect:
		http.Redirect(w, r, "/elsewhere", rc.code)
	default:
		w.WriteHeader(rc.code)
	}
}

// hookState is what the docs say a webhook takes at a point of the log.
type hookState struct {
	exists, active bool
	types          []string
}

// change is an admin action (or a disabling) on a webhook: events numbered up to lo were
// committed before it, events after hi after it; those between may go either way. Changes
// apply in the order of their own events (ev, numbered at), which the check finds in the log.
type change struct {
	lo, hi int64
	apply  func(hookState) hookState
	ev     string
	at     int64
}

// window is a stretch of arrivals (receipt numbers from, to) during which a webhook's earlier
// setting (its secret, URL, being on or existing) may still be used by attempts in flight when
// the change was made: only deliveries that could then be in flight (see op), once each.
type window struct {
	from, to int
	inflight map[string]bool
	// after, upto: deliveries numbered in (after, upto] were queued while the change was made.
	after, upto int
	used        map[string]int
}

// hook is the reference's view of one webhook.
type hook struct {
	id      string
	idn     int
	sp      *space
	secrets []string // in force in turn; rotations[i] began secrets[i+1]
	rot     []window
	urls    []string // endpoint paths in turn
	moves   []window
	changes []change
	off     []window // switched off or disabled, to the switch on (or forever)
	on      bool     // switched on as far as the arrivals go (for the disabling notices)
	deleted bool
	gone    *window // from the deletion on
	// replays: the deliveries redeliverWebhookEvent made, with the head when it was asked.
	replays map[string]int64
}

// state lists the settings hk may have had for the event numbered seq.
func (hk *hook) states(seq int64) []hookState {
	cur := []hookState{{}}
	for _, c := range hk.changes {
		var next []hookState
		for _, s := range cur {
			switch {
			case seq > c.hi:
				next = append(next, c.apply(s))
			case seq > c.lo:
				next = append(next, s, c.apply(s))
			default:
				next = append(next, s)
			}
		}
		cur = next
	}
	return cur
}

// describe lists the windows of hk's changes, for failures.
func (hk *hook) describe() string {
	var out []string
	for _, c := range hk.changes {
		out = append(out, fmt.Sprintf("(%d,%d]→%+v", c.lo, c.hi, c.apply(hookState{})))
	}
	return strings.Join(out, " ")
}

// takes: a webhook in state s takes e (docs: eventTypes empty = all, exact names; webhook.test
// only for the webhook it names, whatever its types).
func takes(s hookState, hk *hook, e *ent.Event) bool {
	if !s.exists || !s.active {
		return false
	}
	if e.Type == webhooks.Test {
		return webhookOf(e) == hk.idn
	}
	return len(s.types) == 0 || slices.Contains(s.types, e.Type)
}

// space is a workspace with its admin and two agents signed in on every instance.
type space struct {
	ws      *testapi.Workspace
	admins  []*testapi.Client
	as, bs  []*testapi.Client
	handles []string
	convs   []string
	heads   []int64 // the heads read after each step, increasing
}

// node is one instance: a server and its worker.
type node struct {
	*testapi.Server
}

type rworld struct {
	t     *testing.T
	rng   *rand.Rand
	db    *storage.DB
	nodes []*node
	hub   *hub
	sps   []*space
	hooks []*hook
	byID  map[int]*hook
	// mu orders the admin actions against the workers' notices that an endpoint was disabled.
	mu        sync.Mutex
	endpoints int
	final     map[int]int64 // the heads the workers drained to, by workspace
	retryFor  time.Duration
	failed    int // deliveries that gave up
}

// typesPool are the event types the filters choose from.
var typesPool = []string{"conversation.created", "conversation.claimed", "conversation.released", "conversation.reassigned",
	"conversation.resolved", "message.received", "lock.acquired", "webhook.updated", "webhook.created", webhooks.Test, webhooks.Disabled}

func play(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	db := testdb.Open(t)
	w := &rworld{t: t, rng: rng, db: db, hub: newHub(t, seed, 2), byID: map[int]*hook{}}
	// The timeout leaves room for a loaded machine: a request the worker gave up on may still
	// reach the receiver later (a late arrival the reference cannot tell from a new attempt).
	opts := webhooks.Options{AllowPrivate: true, Timeout: time.Second, Lease: 5 * time.Second,
		FirstBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Every: 50 * time.Millisecond, DisableAfter: time.Hour}
	if rng.IntN(2) == 0 {
		opts.DisableAfter = time.Duration(150+rng.IntN(250)) * time.Millisecond
	}
	opts.RetryFor = time.Hour
	if rng.IntN(3) == 0 { // deliveries give up: FAILED, and their conversation's next goes on
		opts.RetryFor = time.Duration(200+rng.IntN(400)) * time.Millisecond
	}
	w.retryFor = opts.RetryFor
	for range 2 + rng.IntN(2) {
		w.nodes = append(w.nodes, w.startNode(opts))
	}
	for i := range 1 + rng.IntN(2) {
		w.sps = append(w.sps, w.newSpace(fmt.Sprintf("hk%d", i)))
	}
	for _, sp := range w.sps {
		for range 2 + rng.IntN(3) {
			w.create(sp)
		}
	}
	t.Logf("%d instances, %d workspaces, %d webhooks, disabling after %s, retrying for %s", len(w.nodes), len(w.sps), len(w.hooks), opts.DisableAfter, opts.RetryFor)
	steps := 50 + rng.IntN(40)
	for range steps {
		sp := w.sps[rng.IntN(len(w.sps))]
		switch n := rng.IntN(20); {
		case n < 13:
			w.activity(sp)
		case n < 19:
			w.admin(sp)
		default: // an endpoint recovers or goes down
			w.hub.setHealth(fmt.Sprintf("/endpoint-%d", 1+rng.IntN(w.endpoints)), []string{"ok", "flaky", "down"}[rng.IntN(3)])
		}
		w.noteHead(sp)
	}
	// The end: every receiver healthy, every webhook left switched on, the workers drain.
	w.hub.allHealthy()
	for _, hk := range w.hooks {
		if !hk.deleted {
			w.update(hk, map[string]any{"active": true})
			w.noteHead(hk.sp)
		}
	}
	w.drain()
	w.check()
}

func (w *rworld) startNode(opts webhooks.Options) *node {
	s := testapi.NewOn(w.t, w.db, httpapi.Config{WebhooksAllowPrivate: true})
	opts.ID = fmt.Sprintf("instance-%d", len(w.nodes))
	wk := webhooks.NewWorker(s.DB, s.Bus, opts)
	wk.Passed = w.hub.poke
	wk.Sent = func(d *ent.WebhookDelivery, ok bool) {
		if !ok {
			w.noticeDisabled(d.WebhookID)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); wk.Run(ctx) }()
	w.t.Cleanup(func() { cancel(); <-done })
	return &node{Server: s}
}

func (w *rworld) newSpace(slug string) *space {
	s0 := w.nodes[0].Server
	ws := s0.NewWorkspace(slug)
	sp := &space{ws: ws}
	for _, who := range []string{"a", "b"} {
		human(w.t, s0, ws, who+"@"+slug+".test", "AGENT")
	}
	for _, n := range w.nodes {
		sp.admins = append(sp.admins, n.Login("admin@"+slug+".test", testapi.Password))
		sp.as = append(sp.as, n.Login("a@"+slug+".test", testapi.Password))
		sp.bs = append(sp.bs, n.Login("b@"+slug+".test", testapi.Password))
	}
	for i := range 4 {
		sp.handles = append(sp.handles, fmt.Sprintf("%s-customer-%d", slug, i))
	}
	w.noteHead(sp)
	return sp
}

func (w *rworld) pick(cs []*testapi.Client) *testapi.Client { return cs[w.rng.IntN(len(cs))] }

func (w *rworld) noteHead(sp *space) int64 {
	h := head(w.t, sp.admins[0])
	sp.heads = append(sp.heads, h)
	return h
}

// newEndpoint is a fresh path on one of the receivers, with a random health.
func (w *rworld) newEndpoint() (url, path string) {
	w.endpoints++
	path = fmt.Sprintf("/endpoint-%d", w.endpoints)
	w.hub.setHealth(path, []string{"ok", "ok", "flaky", "flaky", "down"}[w.rng.IntN(5)])
	return w.hub.srvs[w.rng.IntN(len(w.hub.srvs))].URL + path, path
}

func (w *rworld) randomTypes() []string {
	if w.rng.IntN(3) == 0 {
		return []string{}
	}
	var out []string
	for range 1 + w.rng.IntN(3) {
		if ty := typesPool[w.rng.IntN(len(typesPool))]; !slices.Contains(out, ty) {
			out = append(out, ty)
		}
	}
	return out
}

// activity is one random step at the desk: customers writing, claims, releases, reassignments,
// resolves (refusals are fine: they append nothing).
func (w *rworld) activity(sp *space) {
	conv := func() (string, bool) {
		if len(sp.convs) == 0 {
			return "", false
		}
		return sp.convs[w.rng.IntN(len(sp.convs))], true
	}
	switch w.rng.IntN(6) {
	case 0, 1:
		r := w.pick(sp.admins).Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
			"channel": "SMS", "customerHandle": sp.handles[w.rng.IntN(len(sp.handles))], "text": "hello"}}).OK(w.t)
		if id := r.Str(w.t, "ingestCustomerMessage.id"); !slices.Contains(sp.convs, id) {
			sp.convs = append(sp.convs, id)
		}
	case 2:
		if id, ok := conv(); ok {
			w.pick(sp.as).Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": id})
		}
	case 3:
		if id, ok := conv(); ok {
			w.pick(sp.as).Do(`mutation($id:ID!){releaseConversation(id:$id){id}}`, testapi.Vars{"id": id})
		}
	case 4:
		if id, ok := conv(); ok {
			w.pick(sp.as).Do(`mutation($id:ID!,$b:ID!){reassignConversation(id:$id,agentId:$b,note:"yours"){id}}`,
				testapi.Vars{"id": id, "b": sp.bs[0].AgentID})
		}
	case 5:
		if id, ok := conv(); ok {
			b := w.pick(sp.bs)
			b.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, testapi.Vars{"id": id})
			b.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, testapi.Vars{"id": id})
		}
	}
}

// admin is one random admin action on a webhook of sp.
func (w *rworld) admin(sp *space) {
	var live []*hook
	for _, hk := range w.hooks {
		if hk.sp == sp && !hk.deleted {
			live = append(live, hk)
		}
	}
	if len(live) == 0 || w.rng.IntN(12) == 0 {
		w.create(sp)
		return
	}
	hk := live[w.rng.IntN(len(live))]
	switch w.rng.IntN(12) {
	case 0, 1:
		w.update(hk, map[string]any{"eventTypes": w.randomTypes()})
	case 2:
		w.update(hk, map[string]any{"url": "new"})
	case 3, 4:
		w.update(hk, map[string]any{"active": w.rng.IntN(2) == 0})
	case 5:
		w.rotate(hk)
	case 6, 7:
		w.redeliver(hk)
	case 8, 9:
		w.sendTest(hk)
	case 10:
		w.delete(hk)
	case 11:
		// Another workspace's admin: NOT_FOUND, and nothing changes.
		for _, other := range w.sps {
			if other != sp {
				w.pick(other.admins).Do(`mutation($id:ID!){updateWebhook(id:$id,input:{active:false}){id}}`, testapi.Vars{"id": hk.id}).WantCode(w.t, "NOT_FOUND")
				w.pick(other.admins).Do(`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`, testapi.Vars{"id": hk.id}).WantCode(w.t, "NOT_FOUND")
			}
		}
		w.sendTest(hk)
	}
}

// deliveries is hk's delivery rows now, by id.
func (w *rworld) deliveries(hk *hook) map[int]*ent.WebhookDelivery {
	ds, err := w.db.Client.WebhookDelivery.Query().Where(webhookdelivery.WebhookID(hk.idn)).All(testapi.Sys())
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[int]*ent.WebhookDelivery{}
	for _, d := range ds {
		out[d.ID] = d
	}
	return out
}

// op runs an admin action on hk and returns the heads before and after it, and the window of
// arrivals from its beginning with what could be in flight then: an attempt sending after the
// change read the webhook before it, so its delivery was PENDING before the change or queued
// while it was made; and unless the change deleted the rows, it was leased before or after,
// or its attempt ended meanwhile.
func (w *rworld) op(hk *hook, do func()) (lo, hi int64, win window) {
	lo = w.noteHead(hk.sp)
	before := w.deliveries(hk)
	last := 0
	for id := range before {
		last = max(last, id)
	}
	from := w.hub.len()
	do()
	hi = w.noteHead(hk.sp)
	after := w.deliveries(hk)
	top, err := w.db.Client.WebhookDelivery.Query().Order(webhookdelivery.ByID(sql.OrderDesc())).FirstID(testapi.Sys())
	if err != nil && !ent.IsNotFound(err) {
		w.t.Fatal(err)
	}
	inflight := map[string]bool{}
	for id, d := range before {
		if d.Status != enum.DeliveryPending {
			continue
		}
		a := after[id]
		if a == nil || d.LockedBy != nil || a.LockedBy != nil || a.Attempts != d.Attempts || a.Status != d.Status {
			inflight[strconv.Itoa(id)] = true
		}
	}
	return lo, hi, window{from: from, to: -1, inflight: inflight, after: last, upto: top, used: map[string]int{}}
}

func (w *rworld) create(sp *space) {
	url, path := w.newEndpoint()
	types := w.randomTypes()
	w.mu.Lock()
	defer w.mu.Unlock()
	lo := w.noteHead(sp)
	r := w.pick(sp.admins).Do(`mutation($in:CreateWebhookInput!){createWebhook(input:$in){webhook{id} secret}}`,
		testapi.Vars{"in": map[string]any{"url": url, "eventTypes": types, "description": "generated"}}).OK(w.t)
	hi := w.noteHead(sp)
	hk := &hook{id: r.Str(w.t, "createWebhook.webhook.id"), sp: sp, secrets: []string{r.Str(w.t, "createWebhook.secret")},
		urls: []string{path}, on: true, replays: map[string]int64{}}
	hk.idn, _ = strconv.Atoi(hk.id)
	hk.changes = append(hk.changes, change{lo: lo, hi: hi, ev: webhooks.Created, apply: func(hookState) hookState {
		return hookState{exists: true, active: true, types: types}
	}})
	w.hooks = append(w.hooks, hk)
	w.byID[hk.idn] = hk
}

// update changes hk: "eventTypes", "active", or "url" (a fresh endpoint).
func (w *rworld) update(hk *hook, in map[string]any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var path string
	if _, ok := in["url"]; ok {
		in["url"], path = w.newEndpoint()
	}
	lo, hi, win := w.op(hk, func() {
		var out struct {
			UpdateWebhook struct {
				Active bool
				Health struct {
					ConsecutiveFailures int
					FailingSince        *string
					DisabledReason      *string
				}
			}
		}
		w.pick(hk.sp.admins).Do(`mutation($id:ID!,$in:UpdateWebhookInput!){updateWebhook(id:$id,input:$in){id active eventTypes url health{consecutiveFailures failingSince disabledReason}}}`,
			testapi.Vars{"id": hk.id, "in": in}).OK(w.t).Decode(w.t, &out)
		// Switched on again: its health is cleared (docs: updateWebhook).
		if h := out.UpdateWebhook.Health; in["active"] == true && !hk.on && (!out.UpdateWebhook.Active || h.ConsecutiveFailures != 0 || h.FailingSince != nil || h.DisabledReason != nil) {
			w.t.Errorf("webhook %s switched on again: %+v", hk.id, out.UpdateWebhook)
		}
	})
	if types, ok := in["eventTypes"].([]string); ok {
		hk.changes = append(hk.changes, change{lo: lo, hi: hi, ev: webhooks.Updated, apply: func(s hookState) hookState { s.types = types; return s }})
	}
	if path != "" {
		hk.urls = append(hk.urls, path)
		hk.moves = append(hk.moves, win)
	}
	if on, ok := in["active"].(bool); ok {
		hk.changes = append(hk.changes, change{lo: lo, hi: hi, ev: webhooks.Updated, apply: func(s hookState) hookState { s.active = on; return s }})
		switch {
		case on && !hk.on:
			hk.off[len(hk.off)-1].to = win.from
			hk.on = true
		case !on && hk.on:
			hk.off = append(hk.off, win)
			hk.on = false
		}
	}
}

// noticeDisabled: a worker's attempt at webhook id failed; if that switched the endpoint off,
// arrivals from now on until it is switched on again are held to the in-flight rule.
func (w *rworld) noticeDisabled(id int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	hk := w.byID[id]
	if hk == nil || !hk.on || hk.deleted {
		return
	}
	h, err := w.db.Client.Webhook.Get(testapi.Sys(), id)
	if err != nil || h.Active || h.DisabledReason == nil {
		return
	}
	ds, err := w.db.Client.WebhookDelivery.Query().Where(webhookdelivery.WebhookID(id), webhookdelivery.StatusEQ(enum.DeliveryPending)).All(testapi.Sys())
	if err != nil {
		return
	}
	// Any PENDING one may be in flight: the disabling is seen after it happened.
	inflight := map[string]bool{}
	for _, d := range ds {
		inflight[strconv.Itoa(d.ID)] = true
	}
	hk.off = append(hk.off, window{from: w.hub.len(), to: -1, inflight: inflight, used: map[string]int{}})
	hk.on = false
}

func (w *rworld) rotate(hk *hook) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var secret string
	_, _, win := w.op(hk, func() {
		secret = w.pick(hk.sp.admins).Do(`mutation($id:ID!){rotateWebhookSecret(id:$id){secret}}`, testapi.Vars{"id": hk.id}).OK(w.t).Str(w.t, "rotateWebhookSecret.secret")
	})
	hk.secrets = append(hk.secrets, secret)
	hk.rot = append(hk.rot, win)
}

func (w *rworld) sendTest(hk *hook) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.pick(hk.sp.admins).Do(`mutation($id:ID!){sendTestWebhookEvent(id:$id){id}}`, testapi.Vars{"id": hk.id})
	if r.Code() == "INVALID_STATE" { // off: switched off, or disabled by a worker meanwhile
		if h, err := w.db.Client.Webhook.Get(testapi.Sys(), hk.idn); err != nil || h.Active {
			w.t.Errorf("sendTestWebhookEvent refused a webhook that is on (%v): %s", err, r.Raw)
		}
		return
	}
	r.OK(w.t)
	if !hk.on {
		w.t.Errorf("sendTestWebhookEvent accepted a webhook that is off: %s", r.Raw)
	}
}

// redeliver replays a random event of hk's workspace (and tries one of another workspace's).
func (w *rworld) redeliver(hk *hook) {
	w.mu.Lock()
	defer w.mu.Unlock()
	evs, err := w.db.Client.Event.Query().Where(event.SeqNotNil()).All(testapi.Sys())
	if err != nil || len(evs) == 0 {
		return
	}
	e := evs[w.rng.IntN(len(evs))]
	lo := w.noteHead(hk.sp)
	r := w.pick(hk.sp.admins).Do(`mutation($w:ID!,$e:ID!){redeliverWebhookEvent(webhookId:$w,eventId:$e){id replay eventId}}`,
		testapi.Vars{"w": hk.id, "e": strconv.Itoa(e.ID)})
	if e.WorkspaceID != hk.sp.ws.Workspace.ID {
		r.WantCode(w.t, "NOT_FOUND")
		return
	}
	r.OK(w.t)
	if r.Path(w.t, "redeliverWebhookEvent.replay") != true {
		w.t.Errorf("redeliverWebhookEvent is not marked as a replay: %s", r.Raw)
	}
	hk.replays[r.Str(w.t, "redeliverWebhookEvent.id")] = lo
}

func (w *rworld) delete(hk *hook) {
	w.mu.Lock()
	defer w.mu.Unlock()
	lo, hi, win := w.op(hk, func() {
		w.pick(hk.sp.admins).Do(`mutation($id:ID!){deleteWebhook(id:$id)}`, testapi.Vars{"id": hk.id}).OK(w.t)
	})
	hk.changes = append(hk.changes, change{lo: lo, hi: hi, ev: webhooks.Deleted, apply: func(hookState) hookState { return hookState{} }})
	hk.deleted = true
	// Its rows are gone, the newest with them: any delivery queued after the ones seen before
	// may have been in flight (none can be queued for it after the deletion).
	win.upto = math.MaxInt
	hk.gone = &win
}

// drain waits, on the receivers' and the workers' signals, until every webhook left is on, has
// queued the log up to its head, and has nothing PENDING or leased.
// An endpoint disabled by an attempt that was in flight when the receivers turned healthy is
// switched on again.
func (w *rworld) drain() {
	w.final = map[int]int64{}
	for _, sp := range w.sps {
		w.final[sp.ws.Workspace.ID] = w.noteHead(sp)
	}
	heads := w.final
	deadline := time.After(60 * time.Second)
	for {
		done, off := w.drained(heads)
		if done {
			return
		}
		for _, hk := range off {
			w.update(hk, map[string]any{"active": true})
			w.final[hk.sp.ws.Workspace.ID] = w.noteHead(hk.sp)
		}
		select {
		case <-w.hub.signal:
		case <-deadline:
			for _, hk := range w.hooks {
				if hk.deleted {
					continue
				}
				h, _ := w.db.Client.Webhook.Get(testapi.Sys(), hk.idn)
				n, _ := w.db.Client.WebhookDelivery.Query().Where(webhookdelivery.WebhookID(hk.idn), webhookdelivery.StatusEQ(enum.DeliveryPending)).Count(testapi.Sys())
				if h != nil {
					w.t.Logf("webhook %s: active %v, scanned until %d (head %d), %d pending", hk.id, h.Active, h.ScannedUntil, heads[h.WorkspaceID], n)
				}
			}
			w.t.Fatal("the workers did not drain within 60 s")
		}
	}
}

func (w *rworld) drained(heads map[int]int64) (bool, []*hook) {
	done := true
	var off []*hook
	for _, hk := range w.hooks {
		if hk.deleted {
			continue
		}
		h, err := w.db.Client.Webhook.Get(testapi.Sys(), hk.idn)
		if err != nil {
			w.t.Fatal(err)
		}
		if !h.Active {
			off = append(off, hk)
		}
		if !h.Active || h.ScannedUntil < heads[h.WorkspaceID] {
			done = false
			continue
		}
		n, err := w.db.Client.WebhookDelivery.Query().Where(webhookdelivery.WebhookID(hk.idn),
			webhookdelivery.Or(webhookdelivery.StatusEQ(enum.DeliveryPending), webhookdelivery.LockedByNotNil())).Count(testapi.Sys())
		if err != nil {
			w.t.Fatal(err)
		}
		if n > 0 {
			done = false
		}
	}
	return done, off
}

// check holds what was received and the delivery logs to the docs (api.md, "Webhooks"):
//
//   - a webhook's setting is a function of the log: each change (creation, eventTypes, off and
//     on, deletion, a disabling) is bracketed by the heads read around it; the events numbered
//     before take the old setting, after it the new one, between either;
//   - at least once: every event a webhook left at the end took by that setting (webhook.test
//     only the one naming it) was accepted by an original delivery;
//   - nothing else: no event of another workspace, outside the filter, while it was off or
//     after it was deleted, but replays; headers and payload are the event's;
//   - the secret and URL in force at the attempt (signature as api.md verifies it), an earlier
//     one only for an attempt in flight when it changed (see op), once;
//   - in order per webhook and conversation (and the line of events about none): first
//     arrivals in log order, none after a later event was accepted, a replay after the events
//     of its conversation committed before it was asked for;
//   - the deliveries log, paged as documented, agrees with what the receivers got.
func (w *rworld) check() {
	t := w.t
	evs, err := w.db.Client.Event.Query().Where(event.SeqNotNil()).Order(event.BySeq()).All(testapi.Sys())
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*ent.Event{}
	for _, e := range evs {
		byID[strconv.Itoa(e.ID)] = e
	}
	// Disablings are changes too: events numbered between the heads read around one may go
	// either way.
	for _, e := range evs {
		if e.Type != webhooks.Disabled {
			continue
		}
		hk := w.byID[webhookOf(e)]
		if hk == nil {
			t.Errorf("webhook.disabled about an unknown webhook: %v", e.After)
			continue
		}
		lo, hi := bracket(hk.sp.heads, *e.Seq)
		hk.changes = append(hk.changes, change{lo: lo, hi: hi, at: *e.Seq, apply: func(s hookState) hookState { s.active = false; return s }})
	}
	for _, hk := range w.hooks {
		for i := range hk.changes {
			c := &hk.changes[i]
			for _, e := range evs {
				if c.at == 0 && e.Type == c.ev && *e.Seq > c.lo && *e.Seq <= c.hi && webhookOf(e) == hk.idn {
					c.at = *e.Seq
				}
			}
			if c.at == 0 {
				c.at = c.hi
			}
		}
		sort.SliceStable(hk.changes, func(i, j int) bool { return hk.changes[i].at < hk.changes[j].at })
	}
	got := w.hub.all()
	byHook := map[*hook][]receipt{}
	problems := 0
	fail := func(format string, args ...any) {
		problems++
		if problems <= 30 {
			t.Errorf(format, args...)
		}
	}
	for _, r := range got {
		idn, _ := strconv.Atoi(r.p.WebhookID)
		hk := w.byID[idn]
		if hk == nil {
			fail("receipt %d at %s: unknown webhook %q: %s", r.n, r.endpoint, r.p.WebhookID, r.body)
			continue
		}
		byHook[hk] = append(byHook[hk], r)
		e := byID[r.p.EventID]
		switch {
		case e == nil:
			fail("webhook %s, delivery %s: event %s is not in the log", hk.id, r.delivery, r.p.EventID)
			continue
		case e.WorkspaceID != hk.sp.ws.Workspace.ID:
			fail("webhook %s got event %s (%s) of another workspace", hk.id, r.p.EventID, e.Type)
		}
		w.checkPayload(hk, r, e, fail)
		_, replay := hk.replays[r.delivery]
		if !replay && !slices.ContainsFunc(hk.states(*e.Seq), func(s hookState) bool { return takes(s, hk, e) }) {
			fail("webhook %s got event %d (%s, delivery %s) it does not take then: states %+v (changes %s)", hk.id, *e.Seq, e.Type, r.delivery, hk.states(*e.Seq), hk.describe())
		}
		// The secret and URL in force at the attempt, or an earlier one for an attempt in flight
		// when it changed.
		k := epoch(hk.rot, r.n)
		secret := hk.secrets[k]
		if !verify(secret, hit{signature: r.sig, body: r.body}) {
			ok := false
			for j := k - 1; j >= 0 && !ok; j-- {
				if verify(hk.secrets[j], hit{signature: r.sig, body: r.body}) {
					ok, secret = hk.rot[j].admit(r), hk.secrets[j]
				}
			}
			if !ok {
				fail("webhook %s, delivery %s (arrival %d): the signature does not verify with the secret in force (%d rotations)", hk.id, r.delivery, r.n, k)
			}
		}
		if err := webhooks.Verify(secret, r.sig, r.body, time.Minute, r.at); err != nil && verify(secret, hit{signature: r.sig, body: r.body}) {
			fail("webhook %s, delivery %s: %v (%s at %s)", hk.id, r.delivery, err, r.sig, r.at)
		}
		if k := epoch(hk.moves, r.n); r.endpoint != hk.urls[k] {
			j := slices.Index(hk.urls, r.endpoint)
			if j < 0 || j > k || !hk.moves[j].admit(r) {
				fail("webhook %s, delivery %s (arrival %d) came to %s, not its URL then %s", hk.id, r.delivery, r.n, r.endpoint, hk.urls[k])
			}
		}
		for i := range hk.off {
			if o := &hk.off[i]; r.n >= o.from && (o.to < 0 || r.n < o.to) && !o.admit(r) {
				fail("webhook %s was off (arrivals %d–%d) but got delivery %s (%s, arrival %d; could be in flight: %v, arrivals then %d, queued meanwhile (%d,%d])", hk.id, o.from, o.to, r.delivery, r.p.Type, r.n,
					o.inflight[r.delivery], o.used[r.delivery], o.after, o.upto)
			}
		}
		if hk.gone != nil && r.n >= hk.gone.from && !hk.gone.admit(r) {
			fail("webhook %s was deleted (arrival %d) but got delivery %s (%s, arrival %d; could be in flight: %v, arrivals then %d, queued meanwhile (%d,%d])", hk.id, hk.gone.from, r.delivery, r.p.Type, r.n,
				hk.gone.inflight[r.delivery], hk.gone.used[r.delivery], hk.gone.after, hk.gone.upto)
		}
	}
	for _, hk := range w.hooks {
		w.checkOrder(hk, byHook[hk], fail)
		if hk.deleted {
			continue
		}
		// At least once: every event the webhook took, by the docs, was accepted, or its
		// delivery FAILED after retrying for RetryFor.
		failed := w.checkLog(hk, byHook[hk], byID, fail)
		accepted := map[string]bool{}
		for _, r := range byHook[hk] {
			if _, replay := hk.replays[r.delivery]; r.answer == ansOK && !replay {
				accepted[r.p.EventID] = true
			}
		}
		for _, e := range evs {
			if e.WorkspaceID != hk.sp.ws.Workspace.ID || *e.Seq > w.final[e.WorkspaceID] {
				continue
			}
			ss := hk.states(*e.Seq)
			if !slices.ContainsFunc(ss, func(s hookState) bool { return !takes(s, hk, e) }) && !accepted[strconv.Itoa(e.ID)] && !failed[strconv.Itoa(e.ID)] {
				n, _ := w.db.Client.WebhookDelivery.Query().Where(webhookdelivery.WebhookID(hk.idn), webhookdelivery.EventID(e.ID)).Count(testapi.Sys())
				fail("webhook %s never accepted event %d (%s, id %d), which it takes (%d deliveries of it; changes %s)", hk.id, *e.Seq, e.Type, e.ID, n, hk.describe())
			}
		}
	}
	if problems > 30 {
		t.Errorf("… %d problems in all", problems)
	}
	t.Logf("%d events, %d requests to %d webhooks, %d deliveries FAILED", len(evs), len(got), len(w.hooks), w.failed)
}

// admit: r, arriving in a window where an earlier setting may still be in use, is an attempt
// that could be in flight when the window began, and the first such arrival of its delivery.
func (o *window) admit(r receipt) bool {
	if id := mustInt(r.delivery); !o.inflight[r.delivery] && (id <= o.after || id > o.upto) {
		return false
	}
	o.used[r.delivery]++
	return o.used[r.delivery] == 1
}

// epoch is how many of the changes (windows) had begun by arrival n.
func epoch(ws []window, n int) int {
	k := 0
	for _, o := range ws {
		if n >= o.from {
			k++
		}
	}
	return k
}

// bracket is the heads read just before and just after seq.
func bracket(heads []int64, seq int64) (lo, hi int64) {
	hi = seq
	for _, h := range heads {
		if h < seq {
			lo = max(lo, h)
		} else {
			hi = h
			break
		}
	}
	return lo, hi
}

func (w *rworld) checkPayload(hk *hook, r receipt, e *ent.Event, fail func(string, ...any)) {
	var conv *string
	if e.ConversationID != nil {
		c := strconv.Itoa(*e.ConversationID)
		conv = &c
	}
	if r.p.Type != e.Type || r.evType != e.Type || r.p.Cursor != strconv.FormatInt(*e.Seq, 10) || r.p.DeliveryID != r.delivery ||
		r.p.WebhookID != hk.id || (conv == nil) != (r.p.ConversationID == nil) || (conv != nil && *conv != *r.p.ConversationID) {
		fail("webhook %s, delivery %s: headers or payload disagree with event %d (%s, conversation %v): %s", hk.id, r.delivery, e.ID, e.Type, conv, r.body)
	}
	actor := ""
	if r.p.Actor != nil {
		actor = r.p.Actor.ID
	}
	if r.p.Version != e.Version || !r.p.CreatedAt.Equal(e.CreatedAt) || !reflect.DeepEqual(jsonOf(r.p.Before), jsonOf(e.Before)) ||
		!reflect.DeepEqual(jsonOf(r.p.After), jsonOf(e.After)) || (e.ActorID == nil) != (actor == "") || (e.ActorID != nil && actor != strconv.Itoa(*e.ActorID)) {
		fail("webhook %s, delivery %s: the payload is not event %d as the log has it (version %d, at %s, actor %v, before %v, after %v): %s",
			hk.id, r.delivery, e.ID, e.Version, e.CreatedAt, e.ActorID, e.Before, e.After, r.body)
	}
}

// jsonOf is v as JSON gives it back (numbers as float64, no nil maps).
func jsonOf(v map[string]any) any {
	if len(v) == 0 {
		return nil
	}
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// checkOrder: per conversation (and the line of events about none), first receipts come in log
// order, and nothing comes after a later event of its conversation was accepted. Replays are
// out of order on purpose, but come after the deliveries of their conversation's events
// committed before they were asked for.
func (w *rworld) checkOrder(hk *hook, rs []receipt, fail func(string, ...any)) {
	first := map[string]int64{}
	accepted := map[string]int64{}
	seen := map[string]bool{}
	type replay struct {
		lane string
		n    int
		head int64
	}
	var replays []replay
	for _, r := range rs {
		if head, ok := hk.replays[r.delivery]; ok {
			if !seen[r.delivery] {
				seen[r.delivery] = true
				replays = append(replays, replay{laneOf(r), r.n, head})
			}
			continue
		}
		seq, _ := strconv.ParseInt(r.p.Cursor, 10, 64)
		for _, p := range replays {
			if !seen[r.delivery] && p.lane == laneOf(r) && seq <= p.head {
				fail("webhook %s, conversation %q: event %d (%s) came first after a replay asked for when it was committed (arrival %d)", hk.id, p.lane, seq, r.p.Type, p.n)
			}
		}
		lane := laneOf(r)
		if !seen[r.delivery] {
			seen[r.delivery] = true
			if seq <= first[lane] {
				fail("webhook %s, conversation %q: event %d (%s) came first after event %d", hk.id, lane, seq, r.p.Type, first[lane])
			}
			first[lane] = max(first[lane], seq)
		}
		if seq < accepted[lane] {
			fail("webhook %s, conversation %q: event %d (%s, delivery %s) came after event %d was accepted", hk.id, lane, seq, r.p.Type, r.delivery, accepted[lane])
		}
		if r.answer == ansOK {
			accepted[lane] = max(accepted[lane], seq)
		}
	}
}

// laneOf is the conversation of r's event ("" for none).
func laneOf(r receipt) string {
	if r.p.ConversationID != nil {
		return *r.p.ConversationID
	}
	return ""
}

// delivery is a node of the deliveries log.
type delivery struct {
	ID, EventID, EventType, Cursor, Status string
	ConversationID, LastError, DeliveredAt *string
	Replay                                 bool
	Attempts                               int
	LastStatusCode, LatencyMs              *int
}

// checkLog: the webhook's deliveries log (paged as documented) agrees with what was received;
// it returns the events whose original delivery FAILED.
func (w *rworld) checkLog(hk *hook, rs []receipt, events map[string]*ent.Event, fail func(string, ...any)) map[string]bool {
	failed := map[string]bool{}
	var log []delivery
	var after *string
	for {
		var out struct {
			Webhook struct {
				Deliveries struct {
					Nodes       []delivery
					EndCursor   *string
					HasNextPage bool
				}
			}
		}
		w.pick(hk.sp.admins).Do(`query($id:ID!,$after:String){webhook(id:$id){deliveries(first:100,after:$after){nodes{id eventId eventType cursor conversationId replay status attempts lastError lastStatusCode latencyMs deliveredAt} endCursor hasNextPage}}}`,
			testapi.Vars{"id": hk.id, "after": after}).OK(w.t).Decode(w.t, &out)
		log = append(log, out.Webhook.Deliveries.Nodes...)
		if !out.Webhook.Deliveries.HasNextPage {
			break
		}
		after = out.Webhook.Deliveries.EndCursor
	}
	byDelivery := map[string][]receipt{}
	for _, r := range rs {
		byDelivery[r.delivery] = append(byDelivery[r.delivery], r)
	}
	logged := map[string]bool{}
	originals := map[string]string{}
	for i, d := range log {
		logged[d.ID] = true
		if i > 0 && mustInt(d.ID) >= mustInt(log[i-1].ID) {
			fail("webhook %s: the deliveries log is not newest first: %s after %s", hk.id, d.ID, log[i-1].ID)
		}
		e := events[d.EventID]
		if e == nil || d.EventType != e.Type || d.Cursor != strconv.FormatInt(*e.Seq, 10) ||
			(e.ConversationID == nil) != (d.ConversationID == nil) || (d.ConversationID != nil && *d.ConversationID != strconv.Itoa(*e.ConversationID)) {
			fail("webhook %s: log entry %+v does not describe its event", hk.id, d)
		}
		if _, replay := hk.replays[d.ID]; d.Replay != replay {
			fail("webhook %s: delivery %s says replay %v; redeliverWebhookEvent made it: %v", hk.id, d.ID, d.Replay, replay)
		}
		if !d.Replay {
			if o, ok := originals[d.EventID]; ok {
				fail("webhook %s: event %s queued twice (deliveries %s and %s)", hk.id, d.EventID, o, d.ID)
			}
			originals[d.EventID] = d.ID
		}
		// An attempt that timed out before its request reached the receiver counts, unseen.
		got := byDelivery[d.ID]
		if d.Attempts < len(got) {
			fail("webhook %s: delivery %s (%s) says %d attempts; the receivers got %d", hk.id, d.ID, d.EventType, d.Attempts, len(got))
		}
		if d.Status == "FAILED" {
			w.failed++
			if !d.Replay {
				failed[d.EventID] = true
			}
		}
		if len(got) == 0 {
			if d.Status != "FAILED" {
				fail("webhook %s: delivery %s is %s after %d attempts, none received", hk.id, d.ID, d.Status, d.Attempts)
			}
			continue
		}
		// Drained: what was not accepted at the last attempt gave up (RetryFor).
		last := got[len(got)-1]
		wantStatus := "FAILED"
		if last.answer == ansOK {
			wantStatus = "DELIVERED"
		}
		if d.Status != wantStatus || (d.Status == "DELIVERED") != (d.DeliveredAt != nil) || (d.Status == "DELIVERED") != (d.LastError == nil) {
			fail("webhook %s: delivery %s is %s (deliveredAt %v, lastError %v); its last request was answered %s", hk.id, d.ID, d.Status, d.DeliveredAt, d.LastError, last.answer)
		}
		if d.Status == "FAILED" && w.retryFor == time.Hour {
			fail("webhook %s: delivery %s FAILED though retried for an hour", hk.id, d.ID)
		}
		var code *int
		for _, r := range got {
			if r.code != 0 {
				c := r.code
				code = &c
			}
		}
		if (code == nil) != (d.LastStatusCode == nil) || (code != nil && *code != *d.LastStatusCode) {
			fail("webhook %s: delivery %s says last status code %v; the last answer was %v", hk.id, d.ID, deref(d.LastStatusCode), deref(code))
		}
		if d.LatencyMs == nil {
			fail("webhook %s: delivery %s was attempted but has no latency", hk.id, d.ID)
		}
	}
	for id, got := range byDelivery {
		if !logged[id] {
			fail("webhook %s: delivery %s (%s, %d requests) is not in its log", hk.id, id, got[0].p.Type, len(got))
		}
	}
	return failed
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func mustInt(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// webhookOf reads the webhookId an event is about (after, or before for a deletion; a number,
// as JSON gives it back).
func webhookOf(e *ent.Event) int {
	v := e.After["webhookId"]
	if v == nil {
		v = e.Before["webhookId"]
	}
	switch v := v.(type) {
	case float64:
		return int(v)
	case int:
		return v
	case json.Number:
		n, _ := v.Int64()
		return int(n)
	}
	return 0
}
