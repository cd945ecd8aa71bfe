package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"entgo.io/contrib/entgql"

	"switchboard/ent/schema/enum"
)

// AgentChannel permits an agent on a channel with a capacity (R1).
type AgentChannel struct{ ent.Schema }

// Mixin of AgentChannel.
func (AgentChannel) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "agent_channels"}} }

// Fields of AgentChannel.
func (AgentChannel) Fields() []ent.Field {
	return []ent.Field{
		field.Int("agent_id").Immutable().Annotations(hidden),
		field.Enum("channel").GoType(enum.Channel("")).Immutable().Annotations(gqlType("Channel")).
			Comment("The channel the agent may receive conversations on (R1)."),
		field.Int("capacity").Range(0, 1000).
			Comment("How many conversations on this channel the agent may own at once, 0 to 1000 (R2: NEW ones; PENDING and ON_HOLD ones as the workspace says)."),
	}
}

// Edges of AgentChannel.
func (AgentChannel) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("agent", Agent.Type).Ref("channels").Field("agent_id").Unique().Required().Immutable().Annotations(hidden),
	}
}

// Indexes of AgentChannel.
func (AgentChannel) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agent_id", "channel").Unique()}
}

// Annotations of AgentChannel.
func (AgentChannel) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An agent's permission on one channel, with its capacity (R1, R2); set by createAgent and updateAgent."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}
