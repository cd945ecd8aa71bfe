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

// Conversation is one customer's thread on its routing channel: its queue status, lifecycle
// state, owner, lock and routing requirements.
type Conversation struct{ ent.Schema }

// Mixin of Conversation.
func (Conversation) Mixin() []ent.Mixin {
	return []ent.Mixin{Tenant{Ref: "conversations"}, Timestamps{}}
}

// Fields of Conversation.
func (Conversation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("customer_id").Immutable().Annotations(hidden),
		field.Enum("channel").GoType(enum.Channel("")).Immutable().Annotations(gqlType("Channel")).
			Comment("The channel it arrived on: it is routed and counted against capacity there (R1, R2)."),
		field.Enum("status").GoType(enum.Status("")).Default(string(enum.StatusNew)).Annotations(gqlType("ConversationStatus")).
			Comment("The inbox queue: NEW, PENDING or RESOLVED."),
		field.Enum("state").GoType(enum.State("")).Default(string(enum.StateCreated)).Annotations(gqlType("ConversationState")).
			Comment("The lifecycle state (SPEC §6)."),
		// Open is false once CLOSED; at most one open conversation per customer and channel.
		field.Bool("is_open").Default(true).Annotations(hidden),
		// Higher first in the queue (R5).
		field.Int("priority").Default(0).Annotations(entgql.OrderField("PRIORITY")).
			Comment("Higher is assigned first from the queue, then the longest waiting (R5); 0 by default."),
		// Incremented by every change (SPEC §9 expectedVersion).
		field.Int("version").Default(1).
			Comment("Goes up by one with every change; pass it as sendMessage's expectedVersion to refuse replying over a change not yet seen (CONFLICT)."),
		field.Strings("tags").Default([]string{}).Comment("Labels, lower case; a pool's tag restricts who may take it (C7). completeTakeover adds to them."),
		// Routing requirements (R3).
		field.Strings("required_skills").Default([]string{}).Comment("Routing gives it only to agents with every one of these skills (R3)."),
		field.String("required_language").Optional().Nillable().Comment("Routing gives it only to agents speaking this language (R3); null: any."),
		field.Int("required_team_id").Optional().Nillable().Annotations(hidden),
		// Ownership (C1–C8): the owner, since when, and the owner's last activity on it.
		field.Int("owner_id").Optional().Nillable().Annotations(hidden),
		// True exactly when a HUMAN owns it: C1 (a bot-owned conversation is UNCLAIMED to humans),
		// capacity counts and the queue read it without joining agents.
		field.Bool("human_owned").Default(false).Annotations(hidden),
		field.Time("claimed_at").Optional().Nillable().Comment("When its current owner got it (claim, routing, reassignment …); null while unowned."),
		field.Time("owner_active_at").Optional().Nillable().Annotations(hidden),
		field.Bool("stale").Default(false).
			Comment("C8: the human owner has been inactive on it for the workspace's staleClaimAfterSeconds; cleared when the owner acts or it changes hands."),
		// The last human owner, to reopen to (§6).
		field.Int("last_human_owner_id").Optional().Nillable().Annotations(hidden),
		// Lock (L1–L8). human_lock is true exactly when a HUMAN holds the lock: the partial unique
		// index below allows each human one lock (L2), while bots may hold many (L7).
		field.Int("lock_holder_id").Optional().Nillable().Annotations(hidden),
		field.Bool("human_lock").Default(false).Annotations(hidden),
		field.Time("lock_acquired_at").Optional().Nillable().Annotations(hidden),
		field.Time("lock_expires_at").Optional().Nillable().Annotations(hidden),
		// I5: the bot sends nothing while paused.
		field.Bool("bot_paused").Default(false).Comment("I5: the bot sends nothing until the conversation is handed back to it."),
		// §8: when its current human owner first answered (nil until then; reset with the owner).
		field.Time("first_reply_at").Optional().Nillable().Annotations(hidden),
		// §6: the customer is in the conversation (a channel session is open); false once they left.
		field.Bool("customer_present").Default(true).Annotations(hidden),
		// I6: the human who delegated the conversation to the bot that owns it now (the bot hands
		// back to them).
		field.Int("delegated_by_id").Optional().Nillable().Annotations(hidden),
		// When it entered the queue unowned by a human (R5, §8 time-to-claim); nil when owned.
		field.Time("queued_since").Optional().Nillable().Annotations(entgql.OrderField("QUEUED_SINCE")).
			Comment("When it entered the queue without a human owner (R5 arrival order, §8 time-to-claim); null when a human owns it."),
		field.String("preview").Default("").MaxRuneLen(200).Comment("The start of the last message (up to 140 characters), for lists."),
		field.Time("last_message_at").Default(time.Now).Annotations(entgql.OrderField("LAST_MESSAGE_AT")).
			Comment("When the last message, the customer's or a reply, was written."),
		field.Time("last_customer_message_at").Optional().Nillable().Comment("When the customer last wrote."),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now).Annotations(entgql.OrderField("UPDATED_AT")).
			Comment("When anything about it last changed."),
		field.Time("resolved_at").Optional().Nillable().Comment("When it was last resolved; null while not RESOLVED."),
		field.Time("closed_at").Optional().Nillable().Comment("When housekeeping closed it (state CLOSED); null before."),
		// The conversation this one follows (a customer writing to a CLOSED one, §6; I7 history).
		field.Int("previous_id").Optional().Nillable().Immutable().Annotations(hidden),
	}
}

// Edges of Conversation.
func (Conversation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("conversations").Field("customer_id").Unique().Required().Immutable().
			Comment("The customer whose thread it is."),
		edge.From("owner", Agent.Type).Ref("owned_conversations").Field("owner_id").Unique().
			Comment("The agent responsible for it, human or bot; null while it waits in the queue. See ownership for how the viewer sees it (C1)."),
		edge.From("lock_holder", Agent.Type).Ref("locked_conversations").Field("lock_holder_id").Unique().Annotations(hidden),
		edge.To("required_team", Team.Type).Field("required_team_id").Unique().
			Comment("Routing gives it only to members of this team (R3; set by a transfer to a team, C11); null: any."),
		edge.To("next", Conversation.Type).Unique().Annotations(hidden).From("previous").Field("previous_id").Unique().Immutable().Annotations(hidden),
		edge.To("messages", Message.Type).Annotations(entgql.RelayConnection()).
			Comment("What the customer, agents and bots wrote, as a Relay connection (oldest first by default)."),
		edge.To("notes", Note.Type).Comment("Internal notes, including handoff notes (C12); customers never see them."),
		edge.To("channel_sessions", ChannelSession.Type).Comment("The customer's presences in it, one per channel session (§6)."),
		edge.To("participants", Participant.Type).Comment("Who is or was in it: customer sessions, agents and bots (§6)."),
		edge.To("interventions", Intervention.Type).Comment("Every request for a human on it, past and present (I2–I4)."),
		edge.To("events", Event.Type).Annotations(hidden),
		edge.To("timers", Timer.Type).Annotations(hidden),
		edge.To("viewers", Viewer.Type).Annotations(hidden),
		edge.To("read_marks", ReadMark.Type).Annotations(hidden),
		edge.To("archive", Archive.Type).Unique().Annotations(hidden),
	}
}

// Indexes of Conversation: the inbox, My Queue, capacity counts, the queue, and the two rules the
// database enforces.
func (Conversation) Indexes() []ent.Index {
	return []ent.Index{
		// L2: a human holds at most one lock. The predicate is a bare boolean column so Postgres
		// keeps it verbatim and migrations do not recreate the index.
		index.Fields("lock_holder_id").Unique().Annotations(entsql.IndexWhere("human_lock")),
		// One open conversation per customer and channel (concurrent ingests cannot fork it).
		index.Fields("customer_id", "channel").Unique().Annotations(entsql.IndexWhere("is_open")),
		// A customer's conversations, closed ones too: the one a returning customer's message
		// reopens (ingest) and the customer's history, without reading the workspace's.
		index.Fields("customer_id", "channel", "id"),
		index.Fields("workspace_id", "status", "last_message_at"),
		index.Fields("owner_id", "human_owned", "status", "channel"),
		index.Fields("workspace_id", "channel", "priority", "queued_since"),
		// The routing queue in its order (routing.Queued, R5), among the open conversations only.
		index.Fields("workspace_id", "status", "human_owned", "priority", "queued_since", "id").
			Annotations(entsql.IndexWhere("is_open"), entsql.DescColumns("priority")).StorageKey("conversation_queue"),
		index.Fields("workspace_id", "updated_at"),
		// The stale claims a supervisor is shown (count and list), among the open few, not the
		// whole history.
		index.Fields("workspace_id", "updated_at").Annotations(entsql.IndexWhere("stale")).StorageKey("conversation_stale_workspace_id_updated_at"),
		// Newest first across statuses: search's pages of common words (internal/search Narrow)
		// and the inbox's "all" view walk it instead of sorting the workspace.
		index.Fields("workspace_id", "last_message_at", "id"),
	}
}

// Annotations of Conversation.
func (Conversation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One customer's thread on the channel it arrived on (SPEC §1): its queue status, lifecycle state, owner, lock and routing requirements."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("The workspace's conversations as a Relay connection: filter with where, order with orderBy (default: by id). Any member of the workspace; at most 100 per page (50 when neither first nor last is given), more is BAD_USER_INPUT."),
	}
}
