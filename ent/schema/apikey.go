package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// APIKey authenticates an integration or bot as its agent (SPEC §10). Only a hash is stored; the
// key itself is shown once, at creation.
type APIKey struct{ ent.Schema }

// Mixin of APIKey.
func (APIKey) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "api_keys"}, Timestamps{}} }

// Fields of APIKey.
func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.Int("agent_id").Immutable().Annotations(hidden),
		field.String("name").NotEmpty().MaxLen(200),
		// The first characters of the key, so people can tell their keys apart.
		field.String("prefix").Immutable(),
		field.String("key_hash").Unique().Immutable().Sensitive(),
		field.Time("last_used_at").Optional().Nillable(),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Edges of APIKey.
func (APIKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("agent", Agent.Type).Ref("api_keys").Field("agent_id").Unique().Required().Immutable(),
	}
}

// Annotations of APIKey.
func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Type("ApiKey"), entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField)}
}
