package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// CannedResponse is a saved reply an agent inserts into the composer by its shortcut: shared with
// the workspace (managed by admins) or personal to its owner. Exposed by schema/composer.graphql.
type CannedResponse struct{ ent.Schema }

// Mixin of CannedResponse.
func (CannedResponse) Mixin() []ent.Mixin {
	return []ent.Mixin{Tenant{Ref: "canned_responses"}, Timestamps{}}
}

// Fields of CannedResponse.
func (CannedResponse) Fields() []ent.Field {
	return []ent.Field{
		field.String("shortcut").NotEmpty().MaxRuneLen(50),
		field.String("title").NotEmpty().MaxRuneLen(200),
		field.Text("text").NotEmpty(),
		// shared: the whole workspace's (owner_id is who created it); otherwise its owner's only.
		field.Bool("shared").Default(false).Immutable(),
		field.Int("owner_id").Immutable(),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now),
	}
}

// Edges of CannedResponse.
func (CannedResponse) Edges() []ent.Edge {
	return []ent.Edge{edge.To("owner", Agent.Type).Field("owner_id").Unique().Required().Immutable()}
}

// Indexes of CannedResponse: a shortcut names one shared response in a workspace, and one personal
// response of each agent (a personal one may reuse a shared one's shortcut: it comes first for its
// owner). The predicate is a bare boolean column (see Conversation's L2 index).
func (CannedResponse) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("workspace_id", "shortcut").Unique().Annotations(entsql.IndexWhere("shared")),
		index.Fields("owner_id", "shortcut", "shared").Unique(),
	}
}

// Annotations of CannedResponse.
func (CannedResponse) Annotations() []schema.Annotation { return []schema.Annotation{entgql.Skip()} }

// ReadMark is how far an agent has read a conversation: the customer's messages after read_at are
// unread to that agent (Conversation.unread).
type ReadMark struct{ ent.Schema }

// Mixin of ReadMark.
func (ReadMark) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "read_marks"}} }

// Fields of ReadMark.
func (ReadMark) Fields() []ent.Field {
	return []ent.Field{
		field.Int("agent_id").Immutable(),
		field.Int("conversation_id").Immutable(),
		field.Time("read_at"),
	}
}

// Edges of ReadMark.
func (ReadMark) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("agent", Agent.Type).Field("agent_id").Unique().Required().Immutable(),
		edge.From("conversation", Conversation.Type).Ref("read_marks").Field("conversation_id").Unique().Required().Immutable(),
	}
}

// Indexes of ReadMark.
func (ReadMark) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agent_id", "conversation_id").Unique(), index.Fields("conversation_id")}
}

// Annotations of ReadMark.
func (ReadMark) Annotations() []schema.Annotation { return []schema.Annotation{entgql.Skip()} }
