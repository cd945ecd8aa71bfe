package httpapi

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"switchboard/ent"
	"switchboard/internal/events"
	deskmetrics "switchboard/internal/metrics"
	"switchboard/internal/routing"
	"switchboard/internal/timers"
	"switchboard/internal/webhooks"
)

// backlogTimeout bounds one scrape-time read of the backlog.
const backlogTimeout = 2 * time.Second

// registerDeskMetrics adds the desk's own figures to reg (docs/metrics.md): the process's
// instruments (internal/metrics), this handler's open subscriptions, the database pool, and the
// backlog read at scrape time.
func registerDeskMetrics(reg prometheus.Registerer, cfg Config, deps Deps) {
	deskmetrics.Register(reg)
	reg.MustRegister(
		subscriptionsOpen(deps.Bus),
		// go_sql_* {db_name="switchboard"}: open, in use and idle connections, waits for one.
		collectors.NewDBStatsCollector(deps.DB.SQL, "switchboard"),
		deskmetrics.NewBacklogCollector(backlog(deps.DB.Client), cfg.BacklogFresh, backlogTimeout),
	)
	if deps.DB.EventPathSQL != nil { // {db_name="switchboard_event_path"}: the event path's own pool
		reg.MustRegister(collectors.NewDBStatsCollector(deps.DB.EventPathSQL, "switchboard_event_path"))
	}
}

func subscriptionsOpen(bus *events.Bus) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "switchboard_subscriptions_open",
		Help: "Live event subscriptions (GraphQL subscriptions and other bus readers) on this instance.",
	}, func() float64 { return float64(bus.Count()) })
}

// backlog reads what waits: the routing queue, the overdue timers and the pending webhook
// deliveries, of every workspace.
func backlog(client *ent.Client) deskmetrics.BacklogReader {
	return func(ctx context.Context) (deskmetrics.Backlog, error) {
		var b deskmetrics.Backlog
		var err error
		if b.Queue, err = routing.Backlog(ctx, client); err != nil {
			return b, err
		}
		if b.TimersDue, err = timers.Due(ctx, client, time.Now()); err != nil {
			return b, err
		}
		b.Webhooks, err = webhooks.Backlog(ctx, client)
		return b, err
	}
}
