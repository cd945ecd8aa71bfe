package events

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/internal/tenant"
)

// Purge deletes each workspace's events older than its auditRetentionDays (E6) and already
// counted for the dashboards (analytics.Rollup), at most batch per workspace per call, and returns how many it deleted. Idempotent and safe on several
// instances at once.
func Purge(ctx context.Context, client *ent.Client, now time.Time, batch int) (int, error) {
	sys := tenant.System(ctx)
	wss, err := client.Workspace.Query().All(sys)
	if err != nil {
		return 0, fmt.Errorf("purge: %w", err)
	}
	total := 0
	for _, ws := range wss {
		if ws.StatsRolledUntil == nil {
			continue // the dashboards' roll-up has not started on this workspace: nothing is counted yet
		}
		cutoff := now.AddDate(0, 0, -ws.AuditRetentionDays)
		if ws.StatsRolledUntil.Before(cutoff) {
			cutoff = *ws.StatsRolledUntil // §8: a day is counted for the dashboards before its events go
		}
		ids, err := client.Event.Query().Where(event.WorkspaceID(ws.ID), event.CreatedAtLT(cutoff)).Limit(batch).IDs(sys)
		if err != nil || len(ids) == 0 {
			if err != nil {
				return total, fmt.Errorf("purge: %w", err)
			}
			continue
		}
		n, err := client.Event.Delete().Where(event.IDIn(ids...)).Exec(sys)
		if err != nil {
			return total, fmt.Errorf("purge: %w", err)
		}
		total += n
	}
	return total, nil
}

// RunPurge purges expired events every interval until ctx ends.
func RunPurge(ctx context.Context, client *ent.Client, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for {
				n, err := Purge(ctx, client, time.Now(), 5000)
				if err != nil {
					slog.ErrorContext(ctx, "audit retention", "err", err)
					break
				}
				if n > 0 {
					slog.InfoContext(ctx, "audit retention: purged events", "count", n)
				}
				if n < 5000 {
					break
				}
			}
		}
	}
}
