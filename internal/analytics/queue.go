// Package analytics answers the supervisor dashboards' questions (SPEC §8) from the conversations
// and the event log, by SQL.
package analytics

import (
	"cmp"
	"context"
	"slices"
	"time"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/fault"
	"switchboard/internal/routing"
)

// QueueStat is one channel's queue (§8): how many wait now, how long the oldest has waited, and
// how many conversations breached the first-response SLA in the period.
type QueueStat struct {
	Channel     enum.Channel
	Depth       int
	LongestWait *time.Duration // nil when nobody waits
	SLABreaches int
}

// QueueStats reports every channel's queue, for supervisors and above; breaches are counted over
// [from, to).
func QueueStats(ctx context.Context, c *ent.Client, from, to, now time.Time) ([]QueueStat, error) {
	v, err := auth.Require(ctx, enum.RoleSupervisor, "see queue statistics")
	if err != nil {
		return nil, err
	}
	if !from.Before(to) {
		return nil, fault.Invalid("from", "must be before to")
	}
	var waiting []struct {
		Channel enum.Channel `json:"channel"`
		Count   int          `json:"count"`
	}
	queued := routing.Queued()
	err = c.Conversation.Query().Where(queued...).GroupBy(conversation.FieldChannel).Aggregate(ent.Count()).Scan(ctx, &waiting)
	if err != nil {
		return nil, err
	}
	stats := map[enum.Channel]*QueueStat{}
	for _, ch := range enum.ChannelSMS.Values() {
		stats[enum.Channel(ch)] = &QueueStat{Channel: enum.Channel(ch)}
	}
	for _, w := range waiting {
		s := stats[w.Channel]
		s.Depth = w.Count
		// The oldest per channel, from the (workspace, channel, priority, queued_since) index.
		oldest, err := c.Conversation.Query().Where(append(queued, conversation.ChannelEQ(w.Channel))...).
			Order(ent.Asc(conversation.FieldQueuedSince)).First(ctx)
		if err != nil {
			return nil, err
		}
		d := now.Sub(*oldest.QueuedSince)
		s.LongestWait = &d
	}
	ws, err := c.Workspace.Get(ctx, v.WorkspaceID)
	if err != nil {
		return nil, err
	}
	breaches, err := breachTallies(ctx, c, ws, from, to)
	if err != nil {
		return nil, err
	}
	for ch, n := range breaches {
		if s, ok := stats[enum.Channel(ch)]; ok {
			s.SLABreaches = int(n)
		}
	}
	out := make([]QueueStat, 0, len(stats))
	for _, s := range stats {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b QueueStat) int { return cmp.Compare(a.Channel, b.Channel) })
	return out, nil
}

// Period turns a dashboard's choice into [from, to): the last days days (default 7, at most 366),
// or from and to (to defaults to now).
func Period(days *int, from, to *time.Time, now time.Time) (time.Time, time.Time, error) {
	end := now
	if to != nil {
		end = *to
	}
	switch {
	case days != nil && from != nil:
		return time.Time{}, time.Time{}, fault.Invalid("days", "give days or from, not both")
	case days != nil && (*days < 1 || *days > 366):
		return time.Time{}, time.Time{}, fault.Invalid("days", "1 to 366")
	case days != nil:
		return end.AddDate(0, 0, -*days), end, nil
	case from != nil:
		return *from, end, nil
	}
	return end.AddDate(0, 0, -7), end, nil
}
