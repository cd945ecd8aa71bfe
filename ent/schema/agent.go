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
		field.Enum("kind").GoType(enum.AgentKind("")).Default(string(enum.KindHuman)).Immutable().Annotations(gqlType("AgentKind")).
			Comment("HUMAN or VIRTUAL (a bot); set at creation, never changes."),
		field.Enum("role").GoType(enum.Role("")).Default(string(enum.RoleAgent)).Annotations(gqlType("Role"), entgql.OrderField("ROLE")).
			Comment("What a human may do (bots are always AGENT and act by their vaRole). Changing it ends the agent's live connections."),
		field.Enum("va_role").GoType(enum.VARole("")).Optional().Nillable().Annotations(gqlType("VARole")).
			Comment("A bot's job (INCEPTION or DELEGATION); null for humans."),
		field.String("name").NotEmpty().MaxRuneLen(200).Annotations(entgql.OrderField("NAME")).
			Comment("The display name (1 to 200 characters); customers see it on the agent's messages (C13)."),
		// Login is by email alone, so emails are unique across workspaces; bots have none.
		field.String("email").Optional().Nillable().Unique().MaxRuneLen(320).
			Comment("The sign-in email, lower case, unique across workspaces; null for bots."),
		field.String("password_hash").Optional().Sensitive(),
		field.Enum("presence").GoType(enum.Presence("")).Default(string(enum.PresenceOffline)).Annotations(gqlType("Presence")).
			Comment("ONLINE, AWAY or OFFLINE (setPresence); only ONLINE agents receive new conversations."),
		field.Time("presence_changed_at").Default(time.Now).Comment("When the presence last changed."),
		field.Strings("skills").Default([]string{}).Comment("Skills routing matches against a conversation's requiredSkills (R3); lower case."),
		field.Strings("languages").Default([]string{}).Comment("Languages routing matches against a conversation's requiredLanguage (R3); lower case."),
		// Last time the agent did anything (C8 stale claims).
		field.Time("last_activity_at").Optional().Nillable().Comment("The last time the agent claimed or replied; null before that."),
		// Last time routing or a claim gave the agent a conversation (R4: idle longest).
		field.Time("last_assigned_at").Optional().Nillable().Annotations(hidden),
		// Deactivated agents cannot sign in and receive nothing.
		field.Bool("active").Default(true).Comment("False once deactivated (updateAgent): it cannot sign in, its keys stop working and it receives nothing."),
	}
}

// Edges of Agent.
func (Agent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("channels", AgentChannel.Type).Comment("The channels the agent is permitted on, each with its capacity (R1)."),
		edge.From("teams", Team.Type).Ref("members").Comment("The teams the agent is a member of (R3, C11)."),
		edge.From("pools", Pool.Type).Ref("members").Comment("The pools the agent is a member of (C7)."),
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
	return []schema.Annotation{
		schema.Comment("A user of a workspace: a human (with a role) or a bot (kind VIRTUAL, with a vaRole), SPEC §1."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("The workspace's agents, humans and bots, as a Relay connection: filter with where, order with orderBy (default: by id). Any member of the workspace; at most 100 per page (50 when neither first nor last is given), more is BAD_USER_INPUT."),
	}
}
