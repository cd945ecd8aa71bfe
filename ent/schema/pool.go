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
		field.String("name").NotEmpty().MaxRuneLen(200).Comment("The pool's name (1 to 200 characters)."),
		field.String("tag").NotEmpty().MaxRuneLen(100).
			Comment("Conversations with this tag may be taken only by the pool's members (C7); lower case, one pool per tag."),
	}
}

// Edges of Pool.
func (Pool) Edges() []ent.Edge {
	return []ent.Edge{edge.To("members", Agent.Type).Comment("The agents who may take the pool's conversations.")}
}

// Indexes of Pool.
func (Pool) Indexes() []ent.Index {
	return []ent.Index{index.Fields("workspace_id", "tag").Unique()}
}

// Annotations of Pool.
func (Pool) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A claim pool (C7): conversations tagged with its tag (e.g. billing, senior, es) can be claimed, assigned or transferred only to its members. Created by admins (createPool)."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}
