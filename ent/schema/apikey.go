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
		field.String("name").NotEmpty().MaxRuneLen(200).Comment("What the key is for, as given to createApiKey (1 to 200 characters)."),
		// The first characters of the key, so people can tell their keys apart.
		field.String("prefix").Immutable().Comment("The key's first characters (sbk_ and six more), to tell keys apart; the key itself is never shown again."),
		field.String("key_hash").Unique().Immutable().Sensitive(),
		field.Time("last_used_at").Optional().Nillable().Comment("When the key last authenticated a request (recorded at most once a minute); null if never."),
		field.Time("revoked_at").Optional().Nillable().Comment("When it was revoked (revokeApiKey); null while it works."),
	}
}

// Edges of APIKey.
func (APIKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("agent", Agent.Type).Ref("api_keys").Field("agent_id").Unique().Required().Immutable().
			Comment("The agent the key acts as: a request with the key has that agent's role and workspace."),
	}
}

// Annotations of APIKey.
func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A credential for an integration or bot, acting as one agent (SPEC §10): send it as Authorization: Bearer <key>. Only a hash is stored. Visible to admins and to the agent it acts as."),
		entgql.Type("ApiKey"),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}
