package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"switchboard/ent/schema/enum"
)

// Workspace is a tenant and holds its settings (C3, C6, C8, C10, I5, R2, L6, E6, §6 timers).
type Workspace struct{ ent.Schema }

// Mixin of Workspace.
func (Workspace) Mixin() []ent.Mixin { return []ent.Mixin{Timestamps{}} }

// Fields of Workspace.
func (Workspace) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(200).Comment("The workspace's name (1 to 200 characters)."),
		field.String("slug").NotEmpty().MaxRuneLen(100).Unique().Immutable().Comment("A short unique name, set at creation."),
		// C3: replying to an unclaimed conversation claims it.
		field.Bool("auto_claim_on_reply").Default(true).Comment("C3: a human replying to an unclaimed conversation claims it (default true)."),
		// C6: owned open conversations per human.
		field.Int("max_claims_per_agent").Default(20).Range(1, 1000).
			Comment("C6: the most open (NEW or PENDING) conversations a human may own, 1 to 1000 (default 20); beyond it CAPACITY_EXCEEDED."),
		// C5.
		field.Int("bulk_claim_cap").Default(50).Range(1, 50).Comment("C5: the most conversations one bulkClaimConversations call may claim, 1 to 50 (default 50)."),
		// C10.
		field.Enum("self_assignment").GoType(enum.SelfAssignment("")).Default(string(enum.SelfAssignmentAllowed)).Annotations(gqlType("SelfAssignment")).
			Comment("C10: whether agents may claim and assign themselves (ALLOWED, the default) or only routing and supervisors assign (ROUTING_ONLY)."),
		// I5.
		field.Bool("pause_bot_on_claim").Default(true).Comment("I5: a human taking a bot's conversation pauses the bot (default true)."),
		// R2: whether PENDING / ON_HOLD conversations count against channel capacity.
		field.Bool("capacity_counts_pending").Default(false).Comment("R2: PENDING conversations count against channel capacity too (default false)."),
		field.Bool("capacity_counts_on_hold").Default(false).Comment("R2: ON_HOLD conversations count against channel capacity too (default false)."),
		// C8.
		field.Int("stale_claim_after_seconds").Default(1800).Range(60, 7*24*3600).
			Comment("C8: seconds of owner inactivity after which a claim is flagged stale, 60 to 604800 (default 1800)."),
		field.Bool("auto_release_enabled").Default(false).Comment("C8: release claims inactive for autoReleaseAfterSeconds back to the queue (default false)."),
		field.Int("auto_release_after_seconds").Default(7200).Range(60, 30*24*3600).
			Comment("C8: seconds of owner inactivity before an automatic release, when enabled; 60 to 2592000 (default 7200)."),
		// L6.
		field.Int("lock_grace_period_seconds").Default(60).Range(15, 3600).
			Comment("L6: seconds a human's lock outlives its connection (renewed by a live WebSocket or heartbeat), 15 to 3600 (default 60)."),
		// E6.
		field.Int("audit_retention_days").Default(365).Range(1, 3650).
			Comment("E6: days events are kept, 1 to 3650 (default 365); a cursor older than that is CURSOR_EXPIRED."),
		// §6: WRAP_UP after the customer leaves; customer inactivity and first-response SLA timers.
		field.Bool("wrap_up_enabled").Default(false).Comment("§6: agents get a WRAP_UP state after the customer leaves (default false)."),
		field.Int("customer_inactivity_seconds").Default(1800).Range(60, 30*24*3600).
			Comment("§6: seconds of customer silence after which the customer is taken to have left (the state follows), 60 to 2592000 (default 1800)."),
		field.Int("sla_first_response_seconds").Default(300).Range(10, 7*24*3600).
			Comment("§8: seconds a new or reopened conversation may wait for a human reply before it counts as an SLA breach (queueStats), 10 to 604800 (default 300)."),
		field.Int("away_after_idle_seconds").Default(600).Range(0, 24*3600).
			Comment("Seconds without keyboard or mouse activity after which the agent workspace sets an ONLINE agent AWAY, telling them; 0: never (default 600)."),
		// The last event seq handed out in this workspace (see Event; only the sequencer writes it).
		field.Int64("event_seq").Default(0).Annotations(entgql.Skip()),
		// Bumped by every change to who may be routed what (agents, their channels, skills, teams,
		// pools), so routing can keep the roster cached until it moves.
		field.Int64("roster_version").Default(0).Annotations(entgql.Skip()),
		// Every day before this instant (00:00 UTC) is counted in daily_stats (analytics.Rollup).
		field.Time("stats_rolled_until").Optional().Nillable().Annotations(entgql.Skip()),
	}
}

// Edges of Workspace: the rows it owns (hidden from GraphQL; queries go through the root fields).
func (Workspace) Edges() []ent.Edge {
	owned := func(name string, t any) ent.Edge { return edge.To(name, t).Annotations(hidden) }
	return []ent.Edge{
		owned("agents", Agent.Type),
		owned("agent_channels", AgentChannel.Type),
		owned("teams", Team.Type),
		owned("pools", Pool.Type),
		owned("api_keys", APIKey.Type),
		owned("sessions", Session.Type),
		owned("customers", Customer.Type),
		owned("customer_identities", CustomerIdentity.Type),
		owned("conversations", Conversation.Type),
		owned("channel_sessions", ChannelSession.Type),
		owned("participants", Participant.Type),
		owned("messages", Message.Type),
		owned("notes", Note.Type),
		owned("interventions", Intervention.Type),
		owned("timers", Timer.Type),
		owned("events", Event.Type),
		owned("daily_stats", DailyStat.Type),
		owned("viewers", Viewer.Type),
		owned("webhooks", Webhook.Type),
		owned("webhook_deliveries", WebhookDelivery.Type),
		owned("archives", Archive.Type),
		owned("canned_responses", CannedResponse.Type),
		owned("read_marks", ReadMark.Type),
	}
}

// Annotations of Workspace.
func (Workspace) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A tenant (SPEC §1) and its settings; every other object belongs to exactly one. Admins change the settings with updateWorkspaceSettings."),
		entgql.Mutations(entgql.MutationUpdate()),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Interceptors of Workspace: a viewer sees only its own workspace.
func (Workspace) Interceptors() []ent.Interceptor { return []ent.Interceptor{scopeTo("id")} }

// Hooks of Workspace.
func (Workspace) Hooks() []ent.Hook { return []ent.Hook{storableText()} }
