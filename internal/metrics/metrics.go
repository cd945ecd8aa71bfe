// Package metrics holds the desk's own Prometheus instruments: what the domain packages count as
// they work (claims, routing, timers, webhooks, the event bus), served by httpapi on /metrics.
//
// The instruments are the process's: one process is one scrape target, and the workers that feed
// them (routing, timers, webhooks) are started beside the handler, not inside it. They are never
// put in Prometheus's default registry; Register adds them to a registry of the caller's, and
// several registries (several handlers in one test process) may share them. Every label's values
// are a fixed set made here, so that the series exist at zero from the start (rate() and alerts
// see them before the first event) and their number is bounded. docs/metrics.md lists them.
package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
	"switchboard/internal/fault"
)

// Op is a desk operation counted by operation and outcome.
type Op int

// The operations of switchboard_desk_operations_total.
const (
	Claim Op = iota
	BulkClaim
	Release
	ForceRelease
	Steal
	numOps
)

var opNames = [numOps]string{"claim", "bulk_claim", "release", "force_release", "steal"}

// OK is the code label of an operation that succeeded.
const OK = "ok"

// codes are the code label's values: ok, then SPEC §9's codes (and the server's own).
var codes = []string{OK, string(fault.Unauthenticated), string(fault.Forbidden), string(fault.NotFound),
	string(fault.BadUserInput), string(fault.Conflict), string(fault.Locked), string(fault.CapacityExceeded),
	string(fault.InvalidState), string(fault.RateLimited), string(fault.CursorExpired), string(fault.Unavailable),
	string(fault.Internal)}

// codeIndex maps a code to its place in codes; read-only after init, so read without a lock.
var codeIndex = func() map[string]int {
	m := make(map[string]int, len(codes))
	for i, c := range codes {
		m[c] = i
	}
	return m
}()

// Buckets.
var (
	// latency: a request, a delivery to a subscriber (E5: well under 1 s).
	latency = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	// wait: time in a queue, from milliseconds (an agent was free) to hours (none was).
	wait = []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200}
	// lateness: a timer fired after its due time (the worker passes every second).
	lateness = []float64{.1, .25, .5, 1, 2, 5, 10, 30, 60, 300, 900}
	// batch: the hot path's operations per batch (at most 50, SPEC C5's bulk limit).
	batch = []float64{1, 2, 3, 5, 8, 13, 20, 30, 50}
)

var (
	deskOps = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_desk_operations_total",
		Help: "Claims, bulk claims (each conversation), releases, force-releases and lock steals, by outcome: code is ok or the error code of SPEC §9 (CONFLICT, LOCKED, CAPACITY_EXCEEDED, …).",
	}, []string{"operation", "code"})
	// deskOpCounters are deskOps' series, resolved once: counting is then one atomic add.
	deskOpCounters [numOps][]prometheus.Counter

	hotBatch = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "switchboard_hot_batch_operations",
		Help:    "Claims and releases per batch of the hot path (Postgres): how many operations one transaction served.",
		Buckets: batch,
	})
	hotDecided = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_hot_decided_total",
		Help: "Claims and releases the hot path's batches decided; the other operations of the batches went the ordinary way (a conflict, a cap, a bot, …).",
	})

	assignmentWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "switchboard_assignment_wait_seconds",
		Help:    "Arrival to assignment: how long a conversation routing assigned (R5, C9) had waited in the queue, by its channel.",
		Buckets: wait,
	}, []string{"channel"})
	routingErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_routing_errors_total",
		Help: "Routing dispatches that failed (and were tried again).",
	})

	deliveryLatency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "switchboard_event_delivery_seconds",
		Help:    "Commit to subscriber: from an event's write to its hand-over to a live subscription's stream on this instance, once per subscription (E5).",
		Buckets: latency,
	})
	subscribersDropped = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_subscribers_dropped_total",
		Help: "Subscriptions dropped because their subscriber fell a whole buffer behind (closed with 4010; they resume from their cursor).",
	})
	subscriptionResponses = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_subscription_responses_total",
		Help: "Subscription responses to events, by source: computed for the subscriber, or shared (another subscriber's, same selection and workspace).",
	}, []string{"source"})
	busErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_event_bus_errors_total",
		Help: "Failed reads of the event log by the bus (retried; subscribers wait meanwhile).",
	})
	busLogReads = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_bus_log_reads_total",
		Help: "Queries the bus made to read new events from the log for its subscribers.",
	})
	busSequencePasses = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_bus_sequence_passes_total",
		Help: "Numbering passes of the bus (a transaction on a workspace's event counter).",
	})
	busNotifiesSent = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_bus_notifies_sent_total",
		Help: "NOTIFYs this instance sent to tell the others a workspace has new events (coalesced, one per workspace per 5 ms at most).",
	})
	busNotificationsReceived = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_bus_notifications_received_total",
		Help: "Notifications this instance received from Postgres LISTEN (its own included).",
	})

	timersFired = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_timers_fired_total",
		Help: "Durable timers fired (committed), by kind.",
	}, []string{"kind"})
	timerLateness = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "switchboard_timer_lateness_seconds",
		Help:    "How long after its due time a timer fired, by kind.",
		Buckets: lateness,
	}, []string{"kind"})
	timerFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_timer_failures_total",
		Help: "Timer handlers that failed (retried after a backoff, cancelled after the last attempt), by kind.",
	}, []string{"kind"})

	webhookAttempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_webhook_attempts_total",
		Help: "Webhook delivery attempts by result: delivered (2xx), retry (failed, tried again later) or failed (given up).",
	}, []string{"result"})
	webhookDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "switchboard_webhook_attempt_duration_seconds",
		Help:    "One webhook attempt's HTTP exchange, connection to last byte.",
		Buckets: latency,
	})
	webhookLag = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "switchboard_webhook_delivery_lag_seconds",
		Help:    "From an event's write to its webhook delivery's success (retries included).",
		Buckets: wait,
	})
)

// Webhook attempt results.
const (
	Delivered = "delivered"
	Retry     = "retry"
	Failed    = "failed"
)

var sharedResponses, computedResponses = subscriptionResponses.WithLabelValues("shared"), subscriptionResponses.WithLabelValues("computed")

func init() {
	for op := range numOps {
		deskOpCounters[op] = make([]prometheus.Counter, len(codes))
		for i, c := range codes {
			deskOpCounters[op][i] = deskOps.WithLabelValues(opNames[op], c)
		}
	}
	for _, ch := range enum.ChannelSMS.Values() {
		assignmentWait.WithLabelValues(ch)
	}
	for _, k := range enum.TimerCustomerInactivity.Values() {
		timersFired.WithLabelValues(k)
		timerLateness.WithLabelValues(k)
		timerFailures.WithLabelValues(k)
	}
	for _, r := range []string{Delivered, Retry, Failed} {
		webhookAttempts.WithLabelValues(r)
	}
}

// Register adds the process's instruments to reg.
func Register(reg prometheus.Registerer) {
	reg.MustRegister(deskOps, hotBatch, hotDecided, assignmentWait, routingErrors, deliveryLatency, subscribersDropped,
		busErrors, timersFired, timerLateness, timerFailures, webhookAttempts, webhookDuration, webhookLag, buildInfo,
		busLogReads, busSequencePasses, busNotifiesSent, busNotificationsReceived, subscriptionResponses)
}

// Operation counts one desk operation and its outcome (err nil: ok). It neither locks nor
// allocates when err is nil.
func Operation(op Op, err error) {
	i := 0 // ok
	if err != nil {
		i = codeIndex[Code(err)]
	}
	deskOpCounters[op][i].Inc()
}

// Code is the code label of err, as graph/errors.go presents it: ok for nil, a fault's code, and
// ent's and context's errors as the presenter maps them; anything else is an internal error.
func Code(err error) string {
	if err == nil {
		return OK
	}
	if f, ok := fault.As(err); ok {
		if _, known := codeIndex[string(f.Code)]; known {
			return string(f.Code)
		}
		return string(fault.Internal)
	}
	switch {
	case ent.IsNotFound(err):
		return string(fault.NotFound)
	case ent.IsConstraintError(err):
		return string(fault.Conflict)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return string(fault.Unavailable)
	}
	return string(fault.Internal)
}

// HotBatch records a hot-path batch of size operations, decided of which its SQL decided.
func HotBatch(size, decided int) {
	hotBatch.Observe(float64(size))
	hotDecided.Add(float64(decided))
}

// Assigned records routing's assignment of a conversation of channel that had waited waited.
func Assigned(channel enum.Channel, waited time.Duration) {
	assignmentWait.WithLabelValues(string(channel)).Observe(waited.Seconds())
}

// RoutingFailed counts a failed dispatch.
func RoutingFailed() { routingErrors.Inc() }

// DeliveredToSubscriber records an event written at written handed to a subscription now.
func DeliveredToSubscriber(written time.Time) {
	deliveryLatency.Observe(time.Since(written).Seconds())
}

// SubscriptionResponse counts a subscription's response to an event: shared (another
// subscriber's) or computed for it.
func SubscriptionResponse(shared bool) {
	if shared {
		sharedResponses.Inc()
	} else {
		computedResponses.Inc()
	}
}

// SubscriberDropped counts a slow subscriber dropped.
func SubscriberDropped() { subscribersDropped.Inc() }

// BusLogRead counts a query of the bus reading new events from the log.
func BusLogRead() { busLogReads.Inc() }

// BusSequencePass counts a numbering pass of the bus.
func BusSequencePass() { busSequencePasses.Inc() }

// BusNotifySent counts a NOTIFY sent to the other instances.
func BusNotifySent() { busNotifiesSent.Inc() }

// BusNotificationReceived counts a notification received through LISTEN.
func BusNotificationReceived() { busNotificationsReceived.Inc() }

// BusFailed counts a failed read of the event log.
func BusFailed() { busErrors.Inc() }

// TimerFired records a timer of kind, due at due, fired at fired.
func TimerFired(kind enum.TimerKind, due, fired time.Time) {
	timersFired.WithLabelValues(string(kind)).Inc()
	timerLateness.WithLabelValues(string(kind)).Observe(max(fired.Sub(due), 0).Seconds())
}

// TimerFailed counts a failed timer handler of kind.
func TimerFailed(kind enum.TimerKind) { timerFailures.WithLabelValues(string(kind)).Inc() }

// WebhookAttempt records one webhook attempt: its result (Delivered, Retry, Failed), its HTTP
// exchange's duration (0: none was made) and, when delivered, the time its event was written.
func WebhookAttempt(result string, took time.Duration, written time.Time) {
	webhookAttempts.WithLabelValues(result).Inc()
	if took > 0 {
		webhookDuration.Observe(took.Seconds())
	}
	if result == Delivered && !written.IsZero() {
		webhookLag.Observe(time.Since(written).Seconds())
	}
}
