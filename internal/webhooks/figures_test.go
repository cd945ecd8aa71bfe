package webhooks_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
	"switchboard/internal/webhooks"
)

// TestDeliveryFigures measures delivery throughput and the latency from an event's commit to its
// receipt (SPEC §12), with the worker's production settings, while customers write in from 8
// goroutines: 40 conversations × 10 messages, each message.received event delivered to a local
// receiver. Figures only (docs/benchmarks.md), no timing asserts:
//
//	go test -run TestDeliveryFigures -v ./internal/webhooks/   (TEST_DATABASE_URL for Postgres)
func TestDeliveryFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("figures")
	}
	in := start(t, testdb.Open(t), webhooks.Options{AllowPrivate: true})
	ws := in.NewWorkspace("figures")
	rcv := newReceiver(t)
	register(t, ws.Admin, rcv.URL+"/in", []string{"message.received"})
	const conversations, messages, writers = 40, 10, 8
	begin := time.Now()
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := g; c < conversations; c += writers {
				for m := range messages {
					ws.Admin.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
						"channel": "SMS", "customerHandle": fmt.Sprintf("fig-%d", c), "text": fmt.Sprintf("message %d", m)}}).OK(t)
				}
			}
		}()
	}
	wg.Wait()
	written := time.Since(begin)
	n := conversations * messages
	hs := rcv.waitFor(t, 60*time.Second, "every message", func(hs []hit) bool { return len(firsts(hs)) >= n })
	hs = firsts(hs)
	lat := make([]time.Duration, len(hs))
	first, last := hs[0].p.CreatedAt, hs[0].at
	for i, h := range hs {
		lat[i] = h.at.Sub(h.p.CreatedAt)
		if h.p.CreatedAt.Before(first) {
			first = h.p.CreatedAt
		}
		if h.at.After(last) {
			last = h.at
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(100 * time.Microsecond)
	}
	db := "SQLite"
	if testdb.IsPostgres() {
		db = "Postgres"
	}
	for _, p := range inOrder(hs) {
		t.Error(p)
	}
	t.Logf("%s: %d events written in %s (%.0f/s); delivered %.0f events/s (first commit to last receipt %s); commit→receipt p50 %s, p99 %s, max %s",
		db, n, written.Round(time.Millisecond), float64(n)/written.Seconds(), float64(len(hs))/last.Sub(first).Seconds(),
		last.Sub(first).Round(time.Millisecond), pct(0.50), pct(0.99), lat[len(lat)-1].Round(100*time.Microsecond))
}
