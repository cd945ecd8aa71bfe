package metrics

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"switchboard/ent/schema/enum"
)

// Waiting is what waits in one place: how many, and since when the oldest (zero when none).
type Waiting struct {
	Count  int
	Oldest time.Time
}

// Backlog is what waits now, read from the database at scrape time, over every workspace.
type Backlog struct {
	// Queue is the routing queue by channel (R5): conversations waiting for an agent.
	Queue map[string]Waiting
	// TimersDue are the PENDING timers past their due time, by kind, oldest by due time.
	TimersDue map[string]Waiting
	// Webhooks are the PENDING deliveries of active webhooks, oldest by queueing time.
	Webhooks Waiting
}

// BacklogReader reads the backlog; the collector bounds it with a timeout.
type BacklogReader func(ctx context.Context) (Backlog, error)

// BacklogCollector exports a Backlog read at most once per its freshness, whatever the scrapes:
// a scrape storm (several Prometheus servers, a dashboard refreshing every second) costs the
// database one read per period. A read that fails or times out exports the last good backlog
// (ages still measured to now) and is counted.
type BacklogCollector struct {
	read    BacklogReader
	fresh   time.Duration
	timeout time.Duration
	now     func() time.Time

	mu     sync.Mutex // one read at a time; scrapes meanwhile wait for it and share it
	last   Backlog
	have   bool
	readAt time.Time

	errors prometheus.Counter
}

var (
	queueDepth = prometheus.NewDesc("switchboard_queue_depth",
		"Conversations waiting in the routing queue now (R5), by channel, over every workspace.", []string{"channel"}, nil)
	queueOldest = prometheus.NewDesc("switchboard_queue_oldest_wait_seconds",
		"How long the longest-waiting queued conversation has waited, by channel (0: none waits).", []string{"channel"}, nil)
	timersDue = prometheus.NewDesc("switchboard_timers_due",
		"Durable timers past their due time and not fired yet, by kind.", []string{"kind"}, nil)
	timersOverdue = prometheus.NewDesc("switchboard_timers_overdue_seconds",
		"How far past its due time the most overdue unfired timer is, by kind (0: none).", []string{"kind"}, nil)
	webhooksPending = prometheus.NewDesc("switchboard_webhook_deliveries_pending",
		"Webhook deliveries not delivered yet (PENDING, active webhooks), retries included.", nil, nil)
	webhooksOldest = prometheus.NewDesc("switchboard_webhook_oldest_pending_seconds",
		"Age of the oldest pending webhook delivery (0: none).", nil, nil)
)

// NewBacklogCollector returns a collector over read, reading at most once per fresh, each read
// bounded by timeout.
func NewBacklogCollector(read BacklogReader, fresh, timeout time.Duration) *BacklogCollector {
	return &BacklogCollector{read: read, fresh: fresh, timeout: timeout, now: time.Now, errors: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_backlog_read_errors_total",
		Help: "Scrape-time reads of the queue, timer and webhook backlog that failed or timed out (the last good figures were served).",
	})}
}

// WithClock makes c read the time from now (the tests move their own clock).
func (c *BacklogCollector) WithClock(now func() time.Time) *BacklogCollector {
	c.now = now
	return c
}

// Describe implements prometheus.Collector.
func (c *BacklogCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueDepth, queueOldest, timersDue, timersOverdue, webhooksPending, webhooksOldest} {
		ch <- d
	}
	c.errors.Describe(ch)
}

// Collect implements prometheus.Collector.
func (c *BacklogCollector) Collect(ch chan<- prometheus.Metric) {
	b, ok := c.backlog()
	c.errors.Collect(ch)
	if !ok {
		return
	}
	now := c.now()
	age := func(w Waiting) float64 {
		if w.Count == 0 || w.Oldest.IsZero() {
			return 0
		}
		return max(now.Sub(w.Oldest).Seconds(), 0)
	}
	// Every channel and kind, waiting or not: an alert on a series that vanishes when the queue
	// empties could not resolve.
	for _, channel := range enum.ChannelSMS.Values() {
		w := b.Queue[channel]
		ch <- prometheus.MustNewConstMetric(queueDepth, prometheus.GaugeValue, float64(w.Count), channel)
		ch <- prometheus.MustNewConstMetric(queueOldest, prometheus.GaugeValue, age(w), channel)
	}
	for _, kind := range enum.TimerCustomerInactivity.Values() {
		w := b.TimersDue[kind]
		ch <- prometheus.MustNewConstMetric(timersDue, prometheus.GaugeValue, float64(w.Count), kind)
		ch <- prometheus.MustNewConstMetric(timersOverdue, prometheus.GaugeValue, age(w), kind)
	}
	ch <- prometheus.MustNewConstMetric(webhooksPending, prometheus.GaugeValue, float64(b.Webhooks.Count))
	ch <- prometheus.MustNewConstMetric(webhooksOldest, prometheus.GaugeValue, age(b.Webhooks))
}

// backlog returns the backlog read within fresh, reading it now when older; ok is false when no
// read has succeeded yet. A failed read is not tried again before fresh has passed either.
func (c *BacklogCollector) backlog() (Backlog, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.readAt.IsZero() && c.now().Sub(c.readAt) < c.fresh {
		return c.last, c.have
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	b, err := c.read(ctx)
	if err != nil {
		c.errors.Inc()
		slog.Warn("metrics: backlog read", "err", err)
		c.readAt = c.now() // the last good figures (if any) serve this period too: no retry storm
		return c.last, c.have
	}
	c.last, c.have, c.readAt = b, true, c.now()
	return b, true
}
