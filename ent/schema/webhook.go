package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"switchboard/ent/schema/enum"
)

// Webhook is an integration's outbound endpoint for the workspace's events (SPEC §12). The event
// log is its outbox: a scanner turns the numbered events after scanned_until into deliveries, so
// writers pay nothing for webhooks. Exposed by schema/webhooks.graphql (the secret never).
type Webhook struct{ ent.Schema }

// Mixin of Webhook.
func (Webhook) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "webhooks"}, Timestamps{}} }

// Fields of Webhook.
func (Webhook) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").NotEmpty().MaxRuneLen(2000),
		field.String("description").Default("").MaxRuneLen(500),
		// The HMAC-SHA256 key of the signatures. Stored as is: signing needs it (shown once).
		field.String("secret").Sensitive(),
		// Empty: every event type.
		field.Strings("event_types").Default([]string{}),
		field.Bool("active").Default(true),
		// The seq (cursor) of the last event considered for this webhook: the scanner's position
		// in the log.
		field.Int64("scanned_until").Default(0),
		// Health: the last 2xx, the failed attempts since it, since when it has been failing, and
		// why it was disabled (failing continuously; see internal/webhooks).
		field.Time("last_success_at").Optional().Nillable(),
		field.Int("consecutive_failures").Default(0),
		field.Time("failing_since").Optional().Nillable(),
		field.String("disabled_reason").Optional().Nillable(),
	}
}

// Edges of Webhook.
func (Webhook) Edges() []ent.Edge {
	return []ent.Edge{edge.To("deliveries", WebhookDelivery.Type)}
}

// Indexes of Webhook.
func (Webhook) Indexes() []ent.Index { return []ent.Index{index.Fields("active")} }

// Annotations of Webhook.
func (Webhook) Annotations() []schema.Annotation { return []schema.Annotation{entgql.Skip()} }

// WebhookDelivery is one event owed to one webhook: retried with backoff until delivered or given
// up. Deliveries of one (webhook, lane) go one at a time in id order (lane: the event's
// conversation, 0 for the rest): at least once, in order per conversation.
type WebhookDelivery struct{ ent.Schema }

// Mixin of WebhookDelivery.
func (WebhookDelivery) Mixin() []ent.Mixin {
	return []ent.Mixin{Tenant{Ref: "webhook_deliveries"}, Timestamps{}}
}

// Fields of WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("webhook_id").Immutable(),
		field.Int("event_id").Immutable(),
		// The event's seq (its cursor) and type, kept for the delivery log.
		field.Int64("seq").Immutable(),
		field.String("event_type").Immutable(),
		// The ordering lane: the event's conversation id, 0 for events about none.
		field.Int("lane").Default(0).Immutable(),
		// original: the scanner's one delivery of the event; false for replays asked for by
		// redeliverWebhookEvent (a partial unique index keeps the scanner to one per event).
		field.Bool("original").Default(true).Immutable(),
		field.Enum("status").GoType(enum.DeliveryStatus("")).Default(string(enum.DeliveryPending)),
		field.Int("attempts").Default(0),
		field.Time("next_attempt_at").Default(time.Now),
		field.String("last_error").Optional().Nillable(),
		field.Int("last_status_code").Optional().Nillable(),
		field.Int64("latency_ms").Optional().Nillable(),
		field.Time("delivered_at").Optional().Nillable(),
		// A worker's lease on the delivery while it sends it (a conditional UPDATE takes it), so
		// several instances never send it at once; an instance that dies leaves a lease that
		// expires and another takes over.
		field.String("locked_by").Optional().Nillable(),
		field.Time("locked_until").Optional().Nillable(),
	}
}

// Edges of WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("webhook", Webhook.Type).Ref("deliveries").Field("webhook_id").Unique().Required().Immutable(),
	}
}

// Indexes of WebhookDelivery: the worker's due ones, a lane's head, the log by webhook, and the
// scanner's once-per-event rule (replays aside).
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "next_attempt_at"),
		index.Fields("webhook_id", "lane", "status"),
		index.Fields("webhook_id", "event_id").Unique().Annotations(entsql.IndexWhere("original")),
	}
}

// Annotations of WebhookDelivery.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
