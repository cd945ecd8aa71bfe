package metrics_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"switchboard/internal/metrics"
)

// A scrape storm reads the database once per period; a failed read serves the last good figures
// and is counted; the gauges cover every channel and kind, waiting or not.
func TestBacklogCollector(t *testing.T) {
	var reads atomic.Int64
	var fail atomic.Bool
	since := time.Now().Add(-time.Minute)
	read := func(context.Context) (metrics.Backlog, error) {
		reads.Add(1)
		if fail.Load() {
			return metrics.Backlog{}, errors.New("database down")
		}
		return metrics.Backlog{Queue: map[string]metrics.Waiting{"SMS": {Count: 3, Oldest: since}}}, nil
	}
	c := metrics.NewBacklogCollector(read, time.Hour, time.Second)
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)

	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := reg.Gather(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Fatalf("20 concurrent scrapes read the backlog %d times, want 1", n)
	}
	if n := count(t, reg, "switchboard_queue_depth"); n != 6 {
		t.Errorf("queue depth series: %d, want one per channel (6)", n)
	}
	if n := count(t, reg, "switchboard_timers_due"); n != 7 {
		t.Errorf("timers due series: %d, want one per kind (7)", n)
	}

	// Stale and failing: the last good figures, ages measured to now, and one error counted.
	clock := since.Add(time.Minute)
	fresh := metrics.NewBacklogCollector(read, time.Minute, time.Second).WithClock(func() time.Time { return clock })
	reg = prometheus.NewRegistry()
	reg.MustRegister(fresh)
	if _, err := reg.Gather(); err != nil {
		t.Fatal(err)
	}
	fail.Store(true)
	clock = clock.Add(2 * time.Minute) // the figures are stale: the next scrape reads, and fails
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		for _, m := range f.Metric {
			key := f.GetName()
			for _, l := range m.Label {
				key += "/" + l.GetValue()
			}
			if m.Gauge != nil {
				got[key] = m.Gauge.GetValue()
			} else if m.Counter != nil {
				got[key] = m.Counter.GetValue()
			}
		}
	}
	if got["switchboard_queue_depth/SMS"] != 3 || got["switchboard_queue_oldest_wait_seconds/SMS"] != 180 {
		t.Errorf("after a failed read: depth %v, oldest %v; want the last good 3, 180 s old by the clock",
			got["switchboard_queue_depth/SMS"], got["switchboard_queue_oldest_wait_seconds/SMS"])
	}
	if got["switchboard_backlog_read_errors_total"] != 1 {
		t.Errorf("read errors: %v, want 1", got["switchboard_backlog_read_errors_total"])
	}
}

// Operation labels outcomes with SPEC §9's codes.
func TestCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, "ok"},
		{context.Canceled, "UNAVAILABLE"},
		{errors.New("boom"), "INTERNAL_SERVER_ERROR"},
	} {
		if got := metrics.Code(c.err); got != c.want {
			t.Errorf("Code(%v) = %s, want %s", c.err, got, c.want)
		}
	}
}

// count is how many series of family name reg serves.
func count(t *testing.T, reg *prometheus.Registry, name string) int {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			return len(f.Metric)
		}
	}
	return 0
}
