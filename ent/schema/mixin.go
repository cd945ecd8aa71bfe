// Package schema is Switchboard's data model (SPEC §1–§7): every entity, its indexes and the
// database-enforced rules (L2's one lock per human). Everything else under ent/ is generated.
package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

// Tenant puts a row into exactly one workspace (SPEC §1) and confines every query to the
// workspace in the context (tenant.WithWorkspace).
type Tenant struct {
	mixin.Schema
	// Ref is the name of the edge on Workspace that lists these rows.
	Ref string
	// Expose shows the workspace edge in GraphQL.
	Expose bool
}

// Fields of the Tenant mixin.
func (t Tenant) Fields() []ent.Field {
	return []ent.Field{
		field.Int("workspace_id").Immutable().Annotations(entgql.Skip()),
	}
}

// Edges of the Tenant mixin.
func (t Tenant) Edges() []ent.Edge {
	e := edge.From("workspace", Workspace.Type).Ref(t.Ref).Field("workspace_id").Unique().Required().Immutable().
		Comment("The workspace it belongs to (SPEC §1: nothing crosses workspaces).")
	if !t.Expose {
		e = e.Annotations(entgql.Skip())
	}
	return []ent.Edge{e}
}

// Timestamps records when a row was created.
type Timestamps struct{ mixin.Schema }

// Fields of the Timestamps mixin.
func (Timestamps) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(time.Now).Immutable().Comment("When it was created.").
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// hidden keeps a field or edge out of the GraphQL schema: internal bookkeeping.
var hidden = entgql.Skip()

// gqlType names the GraphQL type of an enum field (the Go types live in schema/enum).
func gqlType(name string) entgql.Annotation { return entgql.Type(name) }
