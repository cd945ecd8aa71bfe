package routing

import (
	"context"
	"fmt"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/internal/metrics"
	"switchboard/internal/tenant"
)

// Backlog is the queue of every workspace by channel (R5, the Queued conversations): how many
// wait and since when the longest-waiting one, for /metrics. One count grouped by channel, then
// the oldest of each channel that has any.
func Backlog(ctx context.Context, client *ent.Client) (map[string]metrics.Waiting, error) {
	ctx = tenant.System(ctx)
	var rows []struct {
		Channel string `json:"channel"`
		Count   int    `json:"count"`
	}
	queued := Queued()
	if err := client.Conversation.Query().Where(queued...).GroupBy(conversation.FieldChannel).Aggregate(ent.Count()).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("queue depth: %w", err)
	}
	out := make(map[string]metrics.Waiting, len(rows))
	for _, r := range rows {
		oldest, err := client.Conversation.Query().Where(append(queued, conversation.ChannelEQ(enum.Channel(r.Channel)))...).
			Order(ent.Asc(conversation.FieldQueuedSince)).Select(conversation.FieldQueuedSince).First(ctx)
		if ent.IsNotFound(err) {
			continue // assigned meanwhile
		} else if err != nil {
			return nil, fmt.Errorf("queue's oldest: %w", err)
		}
		w := metrics.Waiting{Count: r.Count}
		if oldest.QueuedSince != nil {
			w.Oldest = *oldest.QueuedSince
		}
		out[r.Channel] = w
	}
	return out, nil
}
