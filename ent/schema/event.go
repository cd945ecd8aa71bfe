package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"switchboard/ent/schema/enum"
)

// Event is one entry of the audit log and the source of every live update (E1): appended in the
// same transaction as the change it records. seq numbers a workspace's events in the order they
// became visible: it is assigned after commit by the event bus's sequencer (serialised on the
// workspace's counter), never by the writers, so writers do not queue behind each other and a
// subscriber's cursor never skips an event that committed late.
type Event struct{ ent.Schema }

// Mixin of Event.
func (Event) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "events"}, Timestamps{}} }

// Fields of Event.
func (Event) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("seq").Optional().Nillable().Annotations(hidden), // exposed as Event.cursor
		// Dotted names such as conversation.claimed, lock.stolen, intervention.requested.
		field.String("type").NotEmpty().MaxRuneLen(100).Immutable().
			Comment("What happened, a dotted name such as conversation.claimed, lock.stolen, message.received or intervention.requested."),
		field.Int("conversation_id").Optional().Nillable().Immutable().Annotations(hidden),
		field.Int("actor_id").Optional().Nillable().Immutable().Annotations(hidden),
		// The agent the event is about when it is not the actor (the new owner, the robbed holder).
		field.Int("subject_id").Optional().Nillable().Immutable().Annotations(hidden),
		// The conversation's version after the change.
		field.Int("version").Default(0).Immutable().Comment("The conversation's version after the change; 0 for events about no conversation."),
		// What §8's averages need, so SQL can average it: the wait before a claim or assignment
		// (time-to-claim), the time from claim to first response.
		field.Int64("duration_ms").Optional().Nillable().Immutable().Annotations(entgql.Skip()),
		field.JSON("before", map[string]any{}).Optional().Immutable().Annotations(entgql.Type("Map")).
			Comment("What the change changed, as it was before (for example {\"owner\": 12}); null when nothing was."),
		field.JSON("after", map[string]any{}).Optional().Immutable().Annotations(entgql.Type("Map")).
			Comment("What the change changed, as it is after (for example {\"owner\": 31, \"note\": \"…\"}); null when nothing is."),
	}
}

// Edges of Event.
func (Event) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("conversation", Conversation.Type).Ref("events").Field("conversation_id").Unique().Immutable().
			Comment("The conversation it happened to; null for workspace events (agents, settings, keys …)."),
		edge.To("actor", Agent.Type).Field("actor_id").Unique().Immutable().
			Comment("The agent or bot whose request made the change (for a customer's message, the agent of the connector's API key); null for the system (timers, routing)."),
		edge.To("subject", Agent.Type).Field("subject_id").Unique().Immutable().
			Comment("The agent it is about when that is not the actor: the new owner, the robbed lock holder …; null when none."),
	}
}

// Indexes of Event: replay by workspace or conversation after a cursor, retention and recent
// arrivals by time, analytics by workspace, type and time (per agent too: the figures group those
// rows by actor or subject). Every index costs each of the hundreds of events a second a write, so
// there are no others; the time index is a BRIN on Postgres (the log is appended in time order:
// a few pages of summary instead of a b-tree entry per event).
func (Event) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("workspace_id", "seq").Unique(),
		index.Fields("conversation_id", "seq"),
		index.Fields("created_at").Annotations(entsql.IndexTypes(map[string]string{dialect.Postgres: "BRIN"})),
		index.Fields("workspace_id", "type", "created_at"),
	}
}

// Annotations of Event.
func (Event) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One entry of the audit log (E1), appended in the same transaction as the change it records: the source of every subscription. Kept for the workspace's auditRetentionDays (E6)."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Timer is a durable timer (§6 customer inactivity and SLA, C8 stale claims, L6 lock leases, E6
// purge): stored so it survives restarts, claimed by one worker at a time.
type Timer struct{ ent.Schema }

// Mixin of Timer.
func (Timer) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "timers"}, Timestamps{}} }

// Fields of Timer.
func (Timer) Fields() []ent.Field {
	return []ent.Field{
		field.Int("conversation_id").Optional().Nillable().Immutable(),
		field.Enum("kind").GoType(enum.TimerKind("")).Immutable(),
		field.Enum("status").GoType(enum.TimerStatus("")).Default(string(enum.TimerPending)),
		field.Time("due_at"),
		// While PAUSED (a conversation on hold) the time that was left.
		field.Int64("remaining_ms").Optional().Nillable(),
		field.JSON("payload", map[string]any{}).Optional(),
		field.Int("attempts").Default(0),
		// A worker's claim on the timer, so several instances never fire it twice.
		field.String("locked_by").Optional().Nillable(),
		field.Time("locked_until").Optional().Nillable(),
		field.Time("fired_at").Optional().Nillable(),
	}
}

// Edges of Timer.
func (Timer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("conversation", Conversation.Type).Ref("timers").Field("conversation_id").Unique().Immutable(),
	}
}

// Indexes of Timer.
func (Timer) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "due_at"),
		index.Fields("conversation_id", "kind", "status"),
	}
}

// Annotations of Timer.
func (Timer) Annotations() []schema.Annotation { return []schema.Annotation{entgql.Skip()} }

// Viewer records who has a conversation open now (SPEC §12 Conversation.viewers).
type Viewer struct{ ent.Schema }

// Mixin of Viewer.
func (Viewer) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "viewers"}} }

// Fields of Viewer.
func (Viewer) Fields() []ent.Field {
	return []ent.Field{
		field.Int("conversation_id").Immutable(),
		field.Int("agent_id").Immutable(),
		field.Time("opened_at").Default(time.Now),
		// last_seen_at is renewed with the viewer's lock lease (L6): a viewer not seen for the
		// workspace's lockGracePeriod has gone (its connection was lost).
		field.Time("last_seen_at").Default(time.Now),
		// monitoring: a supervisor watching without the lock (monitorConversation).
		field.Bool("monitoring").Default(false),
	}
}

// Edges of Viewer.
func (Viewer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("conversation", Conversation.Type).Ref("viewers").Field("conversation_id").Unique().Required().Immutable(),
		edge.To("agent", Agent.Type).Field("agent_id").Unique().Required().Immutable(),
	}
}

// Indexes of Viewer.
func (Viewer) Indexes() []ent.Index {
	return []ent.Index{index.Fields("conversation_id", "agent_id").Unique(), index.Fields("agent_id")}
}

// Annotations of Viewer.
func (Viewer) Annotations() []schema.Annotation { return []schema.Annotation{entgql.Skip()} }

// Archive is a closed conversation's activity moved to permanent storage by housekeeping (§6
// CLOSING → CLOSED).
type Archive struct{ ent.Schema }

// Mixin of Archive.
func (Archive) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "archives"}, Timestamps{}} }

// Fields of Archive.
func (Archive) Fields() []ent.Field {
	return []ent.Field{
		field.Int("conversation_id").Unique().Immutable(),
		field.JSON("payload", map[string]any{}).Immutable(),
	}
}

// Edges of Archive.
func (Archive) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("conversation", Conversation.Type).Ref("archive").Field("conversation_id").Unique().Required().Immutable(),
	}
}

// Annotations of Archive.
func (Archive) Annotations() []schema.Annotation { return []schema.Annotation{entgql.Skip()} }

// DailyStat is one day of the event log, counted for the dashboards (§8): one row per agent
// (its claims and assignments with their summed time-to-claim, first responses with their summed
// time, releases, resolutions) and one per channel (SLA breaches). analytics.Rollup writes each
// finished day once, from the log, so a year-long report reads some 70,000 of these rows instead
// of millions of events; the day in progress is always read from the log itself.
type DailyStat struct{ ent.Schema }

// Mixin of DailyStat.
func (DailyStat) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "daily_stats"}} }

// Fields of DailyStat.
func (DailyStat) Fields() []ent.Field {
	count := func(name string) ent.Field { return field.Int64(name).Default(0).Immutable() }
	return []ent.Field{
		field.Time("day").Immutable(), // 00:00 UTC
		field.Int("agent_id").Optional().Nillable().Immutable(),
		field.String("channel").Optional().Nillable().Immutable(),
		// Claims and routing assignments; the sum of the times-to-claim of those that had one.
		count("claims"), count("claim_ms"), count("claims_timed"),
		count("first_responses"), count("first_response_ms"), count("first_responses_timed"),
		count("released"), count("resolved"),
		count("sla_breaches"),
	}
}

// Indexes of DailyStat.
func (DailyStat) Indexes() []ent.Index {
	return []ent.Index{index.Fields("workspace_id", "day")}
}

// Annotations of DailyStat.
func (DailyStat) Annotations() []schema.Annotation { return []schema.Annotation{entgql.Skip()} }
