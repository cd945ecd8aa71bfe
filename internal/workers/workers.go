// Package workers assembles the background work of an instance: what server.go runs beside the
// handler, and what the tests start the same way (testapi), each part on its own or all of them.
package workers

import (
	"context"
	"time"

	"switchboard/internal/analytics"
	"switchboard/internal/desk"
	"switchboard/internal/events"
	"switchboard/internal/routing"
	"switchboard/internal/storage"
	"switchboard/internal/timers"
	"switchboard/internal/webhooks"
)

// Set says which workers run and how often: a zero period leaves that one out.
type Set struct {
	// Instance names this process in the timers it fires and the deliveries it leases.
	Instance string
	// StaleClaims sweeps claims gone stale (C8).
	StaleClaims time.Duration
	// Leases releases the locks whose lease ran out (L6).
	Leases time.Duration
	// Routing dispatches the queues (R5) at least this often (a change kicks it at once).
	Routing time.Duration
	// Timers fires the durable timers that are due (§6).
	Timers time.Duration
	// Purge deletes events past the workspace's audit retention (E6).
	Purge time.Duration
	// Rollup counts finished days for analytics (§8).
	Rollup time.Duration
	// Webhooks delivers outbound webhooks (§12); nil: none.
	Webhooks *webhooks.Options
}

// Production is the set server.go runs.
func Production(instance string, allowPrivateWebhooks bool) Set {
	return Set{Instance: instance, StaleClaims: 30 * time.Second, Leases: 5 * time.Second, Routing: 5 * time.Second,
		Timers: time.Second, Purge: time.Hour, Rollup: 5 * time.Minute,
		Webhooks: &webhooks.Options{ID: instance, AllowPrivate: allowPrivateWebhooks}}
}

// Started is what Start started that callers may drive themselves (the router, to dispatch now).
type Started struct {
	Router *routing.Router
}

// Start runs the set's workers until ctx ends. leases is the handler's (its WebSockets renew
// them); nil makes one.
func Start(ctx context.Context, s Set, db *storage.DB, bus *events.Bus, leases *desk.Leases) Started {
	var out Started
	if s.StaleClaims > 0 {
		go desk.New(db, bus).RunSweeper(ctx, s.StaleClaims)
	}
	if s.Leases > 0 {
		if leases == nil {
			leases = desk.NewLeases(desk.New(db, bus))
		}
		go leases.Run(ctx, s.Leases)
	}
	if s.Routing > 0 {
		out.Router = routing.New(db, bus)
		go out.Router.Run(ctx, s.Routing)
	}
	if s.Timers > 0 {
		go desk.New(db, bus).Timers(timers.NewWorker(db, s.Instance)).Run(ctx, s.Timers)
	}
	if s.Purge > 0 {
		go events.RunPurge(ctx, db.Client, s.Purge)
	}
	if s.Rollup > 0 {
		go analytics.RunRollup(ctx, db, s.Rollup)
	}
	if s.Webhooks != nil {
		go webhooks.NewWorker(db, bus, *s.Webhooks).Run(ctx)
	}
	return out
}
