package httpapi_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"switchboard/ent/schema/enum"
	"switchboard/ent/timer"
	"switchboard/internal/desk"
	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
	"switchboard/internal/timers"
	"switchboard/internal/webhooks"
)

// figures is one scrape of /metrics: each sample by its name and labels as the exposition
// writes them (labels sorted), for example switchboard_queue_depth{channel="SMS"}.
type figures map[string]float64

func scrape(t testing.TB, url string) figures {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: HTTP %d", resp.StatusCode)
	}
	out := figures{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("/metrics: %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// sum adds the samples of family name whose labels include every one of labels.
func (f figures) sum(name string, labels ...string) float64 {
	var n float64
	for k, v := range f {
		fam, rest, _ := strings.Cut(k, "{")
		if fam != name {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(rest, l)
		}
		if ok {
			n += v
		}
	}
	return n
}

// waitFor scrapes until cond holds (the workers are asynchronous), or fails after 15 s.
func waitFor(t *testing.T, url, what string, cond func(figures) bool) figures {
	t.Helper()
	var f figures
	testapi.Eventually(t, 15*time.Second, what, func() bool { f = scrape(t, url); return cond(f) })
	return f
}

// TestDeskMetrics drives claims (C2), a lock steal (L5) and its refusal, a release (C4), an
// arrival routed to an agent (R5), a subscription (E2), a timer (§6) and a webhook delivery
// (§12) through the API and checks each family of docs/metrics.md moves as it should.
func TestDeskMetrics(t *testing.T) {
	db := testdb.Open(t)
	s := testapi.NewOn(t, db, httpapi.Config{WebhooksAllowPrivate: true, BacklogFresh: time.Nanosecond})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	// No greeting bot: arrivals go straight to the queue.
	fx := testapi.NewFixture(t, s, "metrics").WithoutInception()
	ws := fx.WS
	ann, bob := fx.Agent("ann", "AGENT", "SMS:1", nil), fx.Agent("bob", "AGENT", "SMS:1", nil)
	arrive := func() string { return fx.Arrive("SMS") }

	// A webhook endpoint for claims, and the delivery worker as server.go runs it.
	var hits atomic.Int64
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	t.Cleanup(endpoint.Close)
	ws.Admin.Do(`mutation($in:CreateWebhookInput!){createWebhook(input:$in){secret}}`, testapi.Vars{"in": map[string]any{
		"url": endpoint.URL, "eventTypes": []string{"conversation.claimed"}}}).OK(t)
	go webhooks.NewWorker(s.DB, s.Bus, webhooks.Options{AllowPrivate: true, Every: 50 * time.Millisecond}).Run(ctx)

	f0 := scrape(t, s.URL)
	for _, fam := range []string{"switchboard_desk_operations_total", "switchboard_queue_depth", "switchboard_queue_oldest_wait_seconds",
		"switchboard_assignment_wait_seconds_count", "switchboard_event_delivery_seconds_count", "switchboard_subscriptions_open",
		"switchboard_subscribers_dropped_total", "switchboard_subscription_responses_total", "switchboard_timers_due", "switchboard_timers_fired_total",
		"switchboard_webhook_attempts_total", "switchboard_webhook_deliveries_pending", "switchboard_hot_batch_operations_count",
		"go_sql_open_connections"} {
		if !hasFamily(f0, fam) {
			t.Errorf("/metrics has no %s before any work", fam)
		}
	}

	// R5: an arrival with nobody online waits in the queue; the scrape sees it.
	first := arrive()
	f := waitFor(t, s.URL, "queue depth 1", func(f figures) bool {
		return f[`switchboard_queue_depth{channel="SMS"}`] == 1 && f[`switchboard_queue_oldest_wait_seconds{channel="SMS"}`] > 0
	})
	if f[`switchboard_queue_depth{channel="EMAIL"}`] != 0 {
		t.Errorf("EMAIL queue: %v", f[`switchboard_queue_depth{channel="EMAIL"}`])
	}

	// E2: Ann's My Queue is open; routing gives her the conversation when she comes online.
	sub := ann.Subscribe(`subscription{myQueue{kind conversation{id}}}`, nil)
	t.Cleanup(sub.Close)
	waitFor(t, s.URL, "the subscription", func(f figures) bool { return f["switchboard_subscriptions_open"] >= 1 })
	s.Route(50 * time.Millisecond)
	ann.Do(`mutation{setPresence(presence:ONLINE){id}}`, nil).OK(t)
	var ev struct{ MyQueue struct{ Kind string } }
	if !sub.Next(10*time.Second, &ev) {
		t.Fatal("myQueue: no event for the assignment")
	}
	f = waitFor(t, s.URL, "the assignment's figures", func(f figures) bool {
		return f[`switchboard_assignment_wait_seconds_count{channel="SMS"}`] > f0[`switchboard_assignment_wait_seconds_count{channel="SMS"}`] &&
			f[`switchboard_queue_depth{channel="SMS"}`] == 0
	})
	if f["switchboard_event_delivery_seconds_count"] <= f0["switchboard_event_delivery_seconds_count"] {
		t.Errorf("commit-to-subscriber latency not observed")
	}

	// C2: Bob claims the second arrival, Ann's claim of it is CONFLICT; L5: Ann steals the lock;
	// stealing from a resolved conversation is INVALID_STATE (L1); C4: Bob releases.
	second := arrive()
	bob.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": second}).OK(t)
	ann.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": second}).WantCode(t, "CONFLICT")
	ann.Do(`mutation($id:ID!){stealLock(id:$id){id}}`, testapi.Vars{"id": second}).OK(t)
	ann.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, testapi.Vars{"id": first}).OK(t)
	bob.Do(`mutation($id:ID!){stealLock(id:$id){id}}`, testapi.Vars{"id": first}).WantCode(t, "INVALID_STATE")
	bob.Do(`mutation($id:ID!){releaseConversation(id:$id){id}}`, testapi.Vars{"id": second}).OK(t)

	// §6: a timer overdue by an hour shows as due, then fires an hour late.
	tm := s.DB.Client.Timer.Query().Where(timer.StatusEQ(enum.TimerPending), timer.KindEQ(enum.TimerCustomerInactivity)).FirstX(testapi.Sys())
	s.DB.Client.Timer.UpdateOne(tm).SetDueAt(time.Now().Add(-time.Hour)).ExecX(testapi.Sys())
	kind := `kind="CUSTOMER_INACTIVITY"`
	waitFor(t, s.URL, "an overdue timer", func(f figures) bool {
		return f.sum("switchboard_timers_due", kind) >= 1 && f.sum("switchboard_timers_overdue_seconds", kind) >= 3600
	})
	// A run skips a timer whose conversation another transaction holds at that moment (the
	// webhooks' worker may): skipped, not lost; Run tries again a second later, so does the test.
	worker := desk.New(s.DB, s.Bus).Timers(timers.NewWorker(s.DB, "metrics-test"))
	testapi.Eventually(t, 10*time.Second, "the overdue timer fired", func() bool {
		n, err := worker.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n > 0
	})

	f = waitFor(t, s.URL, "the webhook delivery", func(f figures) bool {
		return f[`switchboard_webhook_attempts_total{result="delivered"}`] > f0[`switchboard_webhook_attempts_total{result="delivered"}`]
	})
	delta := func(name string, labels ...string) float64 { return f.sum(name, labels...) - f0.sum(name, labels...) }
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"switchboard_desk_operations_total", []string{`operation="claim"`, `code="ok"`}, 1},
		{"switchboard_desk_operations_total", []string{`operation="claim"`, `code="CONFLICT"`}, 1},
		{"switchboard_desk_operations_total", []string{`operation="steal"`, `code="ok"`}, 1},
		{"switchboard_desk_operations_total", []string{`operation="steal"`, `code="INVALID_STATE"`}, 1},
		{"switchboard_desk_operations_total", []string{`operation="release"`, `code="ok"`}, 1},
		{"switchboard_timers_fired_total", []string{kind}, 1},
		{"switchboard_timer_lateness_seconds_bucket", []string{kind, `le="+Inf"`}, 1},
		{"switchboard_timer_lateness_seconds_bucket", []string{kind, `le="900"`}, 0}, // an hour late
		{"switchboard_webhook_delivery_lag_seconds_count", nil, 1},
		{"switchboard_webhook_attempt_duration_seconds_count", nil, 1},
	} {
		if got := delta(c.name, c.labels...); got != c.want {
			t.Errorf("%s%v went up by %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if hits.Load() < 1 {
		t.Errorf("the endpoint received nothing")
	}
	if s.DB.RowLocks() { // Postgres: the claim and the release went through the hot path's batches
		if delta("switchboard_hot_batch_operations_count") < 1 || delta("switchboard_hot_decided_total") < 2 {
			t.Errorf("hot path: %v batches, %v decided", delta("switchboard_hot_batch_operations_count"), delta("switchboard_hot_decided_total"))
		}
	}
	if f[`go_sql_open_connections{db_name="switchboard"}`] < 1 {
		t.Errorf("database pool: %v open connections", f[`go_sql_open_connections{db_name="switchboard"}`])
	}

	// A second handler in the same process registers the same instruments in its own registry.
	other := testapi.NewOn(t, db, httpapi.Config{})
	if g := scrape(t, other.URL); !hasFamily(g, "switchboard_desk_operations_total") {
		t.Error("a second handler's /metrics lacks the desk's figures")
	}
}

func hasFamily(f figures, name string) bool {
	for k := range f {
		if fam, _, _ := strings.Cut(k, "{"); fam == name {
			return true
		}
	}
	return false
}

// metricName finds metric names in PromQL.
var metricName = regexp.MustCompile(`\b(?:switchboard|go_sql)_[a-z0-9_]+\b`)

// TestDeployNamesExist keeps deploy/'s dashboard and alert rules to the figures /metrics serves:
// every metric either names is served (histograms by their _bucket, _sum and _count), the rules
// file is valid YAML in Prometheus's groups/rules shape, and docs/metrics.md lists every
// switchboard_ family.
func TestDeployNamesExist(t *testing.T) {
	s := testapi.New(t)
	s.Anonymous().Do(`{__typename}`, nil) // the HTTP figures have series once a request was served
	served := scrape(t, s.URL)
	families := map[string]bool{}
	for k := range served {
		fam, _, _ := strings.Cut(k, "{")
		families[fam] = true
	}
	check := func(file string, text string) {
		names := metricName.FindAllString(text, -1)
		if len(names) == 0 {
			t.Errorf("%s names no metric", file)
		}
		for _, n := range names {
			if !families[n] {
				t.Errorf("%s: %s is not served on /metrics", file, n)
			}
		}
	}

	dash, err := os.ReadFile("../../deploy/grafana/switchboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var board struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := yaml.Unmarshal(dash, &board); err != nil || len(board.Panels) == 0 {
		t.Fatalf("dashboard: %v (%d panels)", err, len(board.Panels))
	}
	for _, p := range board.Panels {
		for _, tg := range p.Targets {
			check("dashboard panel "+p.Title, tg.Expr)
		}
	}

	raw, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Name  string
			Rules []struct {
				Alert       string
				Expr        string
				For         string
				Labels      map[string]string
				Annotations map[string]string
			}
		}
	}
	if err := yaml.UnmarshalWithOptions(raw, &rules, yaml.Strict()); err != nil {
		t.Fatalf("alerts.yml: %v", err)
	}
	alerts := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alerts++
			if r.Alert == "" || r.Expr == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("alert %q: needs alert, expr, labels.severity and annotations.summary", r.Alert)
			}
			if r.For != "" {
				if _, err := time.ParseDuration(r.For); err != nil {
					t.Errorf("alert %q: for: %v", r.Alert, err)
				}
			}
			check("alert "+r.Alert, r.Expr)
		}
	}
	if alerts == 0 {
		t.Fatal("alerts.yml has no rules")
	}

	doc, err := os.ReadFile("../../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	for fam := range families {
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(fam, "_bucket"), "_sum"), "_count")
		if strings.HasPrefix(fam, "switchboard_") && !strings.Contains(string(doc), "`"+base+"`") && !strings.Contains(string(doc), "`"+base+"{") {
			t.Errorf("docs/metrics.md does not list %s", base)
		}
	}
}
