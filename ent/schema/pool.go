package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Pool restricts conversations tagged with its tag to its members (C7).
type Pool struct{ ent.Schema }

// Mixin of Pool.
func (Pool) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "pools"}, Timestamps{}} }

// Fields of Pool.
func (Pool) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200),
		field.String("tag").NotEmpty().MaxLen(100),
	}
}

// Edges of Pool.
func (Pool) Edges() []ent.Edge {
	return []ent.Edge{edge.To("members", Agent.Type)}
}

// Indexes of Pool.
func (Pool) Indexes() []ent.Index {
	return []ent.Index{index.Fields("workspace_id", "tag").Unique()}
}

// Annotations of Pool.
func (Pool) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField)}
}
