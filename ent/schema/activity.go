package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"switchboard/ent/schema/enum"
)

// ChannelSession is a customer's presence in a conversation on one channel (§6).
type ChannelSession struct{ ent.Schema }

// Mixin of ChannelSession.
func (ChannelSession) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "channel_sessions"}} }

// Fields of ChannelSession.
func (ChannelSession) Fields() []ent.Field {
	return []ent.Field{
		field.Int("conversation_id").Immutable().Annotations(hidden),
		field.Int("identity_id").Optional().Nillable().Immutable().Annotations(hidden),
		field.Enum("channel").GoType(enum.Channel("")).Immutable().Annotations(gqlType("Channel")).Comment("The channel of the session."),
		field.Bool("active").Default(true).Comment("True while the customer is there; false once they left (endCustomerSession, inactivity)."),
		field.Time("started_at").Default(time.Now).Immutable().Comment("When the session began."),
		field.Time("ended_at").Optional().Nillable().Comment("When it ended; null while active."),
	}
}

// Edges of ChannelSession.
func (ChannelSession) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("conversation", Conversation.Type).Ref("channel_sessions").Field("conversation_id").Unique().Required().Immutable().Annotations(hidden),
		edge.To("identity", CustomerIdentity.Type).Field("identity_id").Unique().Immutable().Comment("The customer's handle the session is on."),
	}
}

// Indexes of ChannelSession.
func (ChannelSession) Indexes() []ent.Index {
	return []ent.Index{index.Fields("conversation_id", "active")}
}

// Annotations of ChannelSession.
func (ChannelSession) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A customer's presence in a conversation on one channel (§6): the conversation's state follows whether any is active."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Participant is someone in a conversation: a customer session, an agent or a bot (§6).
type Participant struct{ ent.Schema }

// Mixin of Participant.
func (Participant) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "participants"}} }

// Fields of Participant.
func (Participant) Fields() []ent.Field {
	return []ent.Field{
		field.Int("conversation_id").Immutable().Annotations(hidden),
		field.Enum("kind").GoType(enum.ParticipantKind("")).Immutable().Annotations(gqlType("ParticipantKind")).
			Comment("CUSTOMER (a channel session), AGENT or BOT."),
		field.Int("agent_id").Optional().Nillable().Immutable().Annotations(hidden),
		field.Int("channel_session_id").Optional().Nillable().Immutable().Annotations(hidden),
		field.Bool("active").Default(true).Comment("True while it is in the conversation."),
		field.Time("joined_at").Default(time.Now).Immutable().Comment("When it joined."),
		field.Time("left_at").Optional().Nillable().Comment("When it left; null while active."),
	}
}

// Edges of Participant.
func (Participant) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("conversation", Conversation.Type).Ref("participants").Field("conversation_id").Unique().Required().Immutable().Annotations(hidden),
		edge.To("agent", Agent.Type).Field("agent_id").Unique().Immutable().Comment("The agent or bot; null for a customer."),
		edge.To("channel_session", ChannelSession.Type).Field("channel_session_id").Unique().Immutable().
			Comment("The customer's channel session; null for agents and bots."),
	}
}

// Indexes of Participant.
func (Participant) Indexes() []ent.Index {
	return []ent.Index{index.Fields("conversation_id", "active", "kind")}
}

// Annotations of Participant.
func (Participant) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("Someone in a conversation: a customer session, a human agent (its owner, or a SUPER_ADMIN who joined) or a bot (§6)."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Message is something the customer, an agent, a bot or the system said in a conversation.
type Message struct{ ent.Schema }

// Mixin of Message.
func (Message) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "messages"}, Timestamps{}} }

// Fields of Message.
func (Message) Fields() []ent.Field {
	return []ent.Field{
		field.Int("conversation_id").Immutable().Annotations(hidden),
		field.Enum("author_kind").GoType(enum.AuthorKind("")).Immutable().Annotations(gqlType("AuthorKind")).
			Comment("Who wrote it: CUSTOMER, AGENT, BOT or SYSTEM."),
		field.Int("author_id").Optional().Nillable().Immutable().Annotations(hidden),
		// The display name customers see (C13: never who claimed, only who wrote).
		field.String("author_name").Default("").Immutable().
			Comment("The author's display name as customers see it (C13): the agent's or bot's name, or the customer's name or handle."),
		field.Enum("channel").GoType(enum.Channel("")).Immutable().Annotations(gqlType("Channel")).Comment("The channel it was written on."),
		field.Text("text").Immutable().Comment("The message (1 to 10000 characters)."),
	}
}

// Edges of Message.
func (Message) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("conversation", Conversation.Type).Ref("messages").Field("conversation_id").Unique().Required().Immutable().
			Comment("The conversation it belongs to."),
		edge.To("author", Agent.Type).Field("author_id").Unique().Immutable().Comment("The agent or bot who wrote it; null for the customer."),
	}
}

// Indexes of Message.
func (Message) Indexes() []ent.Index {
	return []ent.Index{index.Fields("conversation_id", "created_at")}
}

// Annotations of Message.
func (Message) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("Something the customer, an agent or a bot said in a conversation; the customer sees every message (notes are separate)."),
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipWhereInput),
	}
}

// Note is an internal note on a conversation: any workspace member may add one, customers never
// see it (C12).
type Note struct{ ent.Schema }

// Mixin of Note.
func (Note) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "notes"}, Timestamps{}} }

// Fields of Note.
func (Note) Fields() []ent.Field {
	return []ent.Field{
		field.Int("conversation_id").Immutable().Annotations(hidden),
		field.Int("author_id").Immutable().Annotations(hidden),
		field.Text("text").Immutable().Comment("The note (1 to 5000 characters)."),
	}
}

// Edges of Note.
func (Note) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("conversation", Conversation.Type).Ref("notes").Field("conversation_id").Unique().Required().Immutable().
			Comment("The conversation it is on."),
		edge.To("author", Agent.Type).Field("author_id").Unique().Required().Immutable().Comment("Who wrote it."),
	}
}

// Indexes of Note.
func (Note) Indexes() []ent.Index {
	return []ent.Index{index.Fields("conversation_id", "created_at")}
}

// Annotations of Note.
func (Note) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An internal note on a conversation (C12): any workspace member may add one (addNote; handoff notes too), customers never see it."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Intervention is a bot's request for a human and what became of it (I2–I4).
type Intervention struct{ ent.Schema }

// Mixin of Intervention.
func (Intervention) Mixin() []ent.Mixin {
	return []ent.Mixin{Tenant{Ref: "interventions"}, Timestamps{}}
}

// Fields of Intervention.
func (Intervention) Fields() []ent.Field {
	return []ent.Field{
		field.Int("conversation_id").Immutable().Annotations(hidden),
		field.Enum("status").GoType(enum.InterventionStatus("")).Default(string(enum.InterventionRequested)).Annotations(gqlType("InterventionStatus")).
			Comment("Where the request stands."),
		field.Text("summary").Comment("What the bot (or supervisor) said the customer needs (requestIntervention); \"taken over without a request\" when a human took over directly."),
		field.Int("requested_by_id").Optional().Nillable().Immutable().Annotations(hidden),
		// The bot that owned the conversation before the takeover (cancelTakeover returns it, I3).
		field.Int("bot_id").Optional().Nillable().Annotations(hidden),
		field.Int("taken_over_by_id").Optional().Nillable().Annotations(hidden),
		field.Time("taken_over_at").Optional().Nillable().Comment("When a human took over; null before, and again after a return to the queue."),
		// I4: what completing the takeover recorded.
		field.String("topic").Optional().Nillable().Comment("What it was about, as completeTakeover recorded it; null before."),
		field.String("outcome").Optional().Nillable().Comment("How it ended, as completeTakeover recorded it; null before."),
		field.Strings("tags").Default([]string{}).Comment("The tags completeTakeover added to the conversation."),
		field.String("block").Optional().Nillable().Comment("The bot flow step the bot resumed with (completeTakeover); null when none was given."),
		field.Time("completed_at").Optional().Nillable().Comment("When the takeover was completed; null before."),
	}
}

// Edges of Intervention.
func (Intervention) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("conversation", Conversation.Type).Ref("interventions").Field("conversation_id").Unique().Required().Immutable().
			Comment("The conversation it is about."),
		edge.To("requested_by", Agent.Type).Field("requested_by_id").Unique().Immutable().
			Comment("The bot or supervisor who requested it; null when a human took over without a request."),
		edge.To("bot", Agent.Type).Field("bot_id").Unique().Comment("The bot that owned the conversation before the takeover: cancelTakeover gives it back to it (I3)."),
		edge.To("taken_over_by", Agent.Type).Field("taken_over_by_id").Unique().Comment("The human who took over; null while nobody has."),
	}
}

// Indexes of Intervention.
func (Intervention) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("workspace_id", "status", "created_at"),
		index.Fields("conversation_id", "status"),
	}
}

// Annotations of Intervention.
func (Intervention) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A request for a human on a bot's conversation, and what became of it (I2–I4): requested, taken over, then completed, cancelled or returned to the queue."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}
