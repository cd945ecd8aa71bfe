package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Session is a human's sign-in (SPEC §10): expiring, revocable by logout; only a hash is stored.
type Session struct{ ent.Schema }

// Mixin of Session.
func (Session) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "sessions"}, Timestamps{}} }

// Fields of Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.Int("agent_id").Immutable(),
		field.String("token_hash").Unique().Immutable().Sensitive(),
		field.Time("expires_at"),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Edges of Session.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("agent", Agent.Type).Ref("sessions").Field("agent_id").Unique().Required().Immutable(),
	}
}

// Indexes of Session.
func (Session) Indexes() []ent.Index { return []ent.Index{index.Fields("expires_at")} }

// Annotations of Session.
func (Session) Annotations() []schema.Annotation { return []schema.Annotation{entgql.Skip()} }
