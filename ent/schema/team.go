package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Team groups agents; a conversation may require a team (R3, C11 team transfer).
type Team struct{ ent.Schema }

// Mixin of Team.
func (Team) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "teams"}, Timestamps{}} }

// Fields of Team.
func (Team) Fields() []ent.Field {
	return []ent.Field{field.String("name").NotEmpty().MaxRuneLen(200).Comment("The team's name, unique in the workspace (1 to 200 characters).")}
}

// Edges of Team.
func (Team) Edges() []ent.Edge {
	return []ent.Edge{edge.To("members", Agent.Type).Comment("The team's agents.")}
}

// Indexes of Team.
func (Team) Indexes() []ent.Index {
	return []ent.Index{index.Fields("workspace_id", "name").Unique()}
}

// Annotations of Team.
func (Team) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A group of agents. A conversation transferred to a team waits in the queue for one of its members (R3, C11). Created by admins (createTeam)."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}
