package webhooks

import (
	"context"
	"fmt"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
	"switchboard/ent/webhook"
	"switchboard/ent/webhookdelivery"
	"switchboard/internal/metrics"
	"switchboard/internal/tenant"
)

// Backlog reports, for /metrics, the deliveries of every workspace's active webhooks not
// delivered yet (PENDING, retries included) and when the oldest of them was queued.
func Backlog(ctx context.Context, client *ent.Client) (metrics.Waiting, error) {
	ctx = tenant.System(ctx)
	pending := client.WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(enum.DeliveryPending),
		webhookdelivery.HasWebhookWith(webhook.Active(true)))
	n, err := pending.Clone().Count(ctx)
	if err != nil || n == 0 {
		return metrics.Waiting{}, err
	}
	d, err := pending.Order(webhookdelivery.ByCreatedAt(), webhookdelivery.ByID()).First(ctx)
	if ent.IsNotFound(err) {
		return metrics.Waiting{}, nil
	} else if err != nil {
		return metrics.Waiting{}, fmt.Errorf("oldest pending delivery: %w", err)
	}
	return metrics.Waiting{Count: n, Oldest: d.CreatedAt}, nil
}
