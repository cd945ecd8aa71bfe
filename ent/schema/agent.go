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

// Agent is a user of a workspace: a human (with a role) or a bot (with a vaRole).
type Agent struct{ ent.Schema }

// Mixin of Agent.
func (Agent) Mixin() []ent.Mixin {
	return []ent.Mixin{Tenant{Ref: "agents", Expose: true}, Timestamps{}}
}

// Fields of Agent.
func (Agent) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").GoType(enum.AgentKind("")).Default(string(enum.KindHuman)).Immutable().Annotations(gqlType("AgentKind")),
		field.Enum("role").GoType(enum.Role("")).Default(string(enum.RoleAgent)).Annotations(gqlType("Role"), entgql.OrderField("ROLE")),
		field.Enum("va_role").GoType(enum.VARole("")).Optional().Nillable().Annotations(gqlType("VARole")),
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		// Login is by email alone, so emails are unique across workspaces; bots have none.
		field.String("email").Optional().Nillable().Unique().MaxLen(320),
		field.String("password_hash").Optional().Sensitive(),
		field.Enum("presence").GoType(enum.Presence("")).Default(string(enum.PresenceOffline)).Annotations(gqlType("Presence")),
		field.Time("presence_changed_at").Default(time.Now),
		field.Strings("skills").Default([]string{}),
		field.Strings("languages").Default([]string{}),
		// Last time the agent did anything (C8 stale claims).
		field.Time("last_activity_at").Optional().Nillable(),
		// Last time routing or a claim gave the agent a conversation (R4: idle longest).
		field.Time("last_assigned_at").Optional().Nillable().Annotations(hidden),
		// Deactivated agents cannot sign in and receive nothing.
		field.Bool("active").Default(true),
	}
}

// Edges of Agent.
func (Agent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("channels", AgentChannel.Type),
		edge.From("teams", Team.Type).Ref("members"),
		edge.From("pools", Pool.Type).Ref("members"),
		edge.To("api_keys", APIKey.Type).Annotations(hidden),
		edge.To("sessions", Session.Type).Annotations(hidden),
		edge.To("owned_conversations", Conversation.Type).Annotations(hidden),
		edge.To("locked_conversations", Conversation.Type).Annotations(hidden),
	}
}

// Indexes of Agent.
func (Agent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("workspace_id", "kind", "presence"),
	}
}

// Annotations of Agent.
func (Agent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField()}
}
