package timers

import (
	"context"
	"fmt"
	"time"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
	"switchboard/ent/timer"
	"switchboard/internal/metrics"
	"switchboard/internal/tenant"
)

// Due reports, for /metrics, the PENDING timers of every workspace past their due time at now, by
// kind, with the most overdue one's due time: one count grouped by kind on the (status, due_at)
// index, then the oldest of each kind that has any (normally none: the workers fire them within a
// second).
func Due(ctx context.Context, client *ent.Client, now time.Time) (map[string]metrics.Waiting, error) {
	ctx = tenant.System(ctx)
	var rows []struct {
		Kind  string `json:"kind"`
		Count int    `json:"count"`
	}
	if err := client.Timer.Query().Where(timer.StatusEQ(enum.TimerPending), timer.DueAtLTE(now)).
		GroupBy(timer.FieldKind).Aggregate(ent.Count()).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("timers due: %w", err)
	}
	out := make(map[string]metrics.Waiting, len(rows))
	for _, r := range rows {
		t, err := client.Timer.Query().Where(timer.StatusEQ(enum.TimerPending), timer.DueAtLTE(now), timer.KindEQ(enum.TimerKind(r.Kind))).
			Order(timer.ByDueAt()).Select(timer.FieldDueAt).First(ctx)
		if ent.IsNotFound(err) {
			continue // fired meanwhile
		} else if err != nil {
			return nil, fmt.Errorf("most overdue timer: %w", err)
		}
		out[r.Kind] = metrics.Waiting{Count: r.Count, Oldest: t.DueAt}
	}
	return out, nil
}
