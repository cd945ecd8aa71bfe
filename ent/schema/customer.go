package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"switchboard/ent/schema/enum"
)

// Customer is the contact, unified across channels (one customer, many identities).
type Customer struct{ ent.Schema }

// Mixin of Customer.
func (Customer) Mixin() []ent.Mixin { return []ent.Mixin{Tenant{Ref: "customers"}, Timestamps{}} }

// Fields of Customer.
func (Customer) Fields() []ent.Field {
	return []ent.Field{field.String("name").Default("").MaxLen(200)}
}

// Edges of Customer.
func (Customer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("identities", CustomerIdentity.Type),
		edge.To("conversations", Conversation.Type).Annotations(hidden),
	}
}

// Annotations of Customer.
func (Customer) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField)}
}

// CustomerIdentity is a customer's handle on one channel (a phone number, a page-scoped id …).
type CustomerIdentity struct{ ent.Schema }

// Mixin of CustomerIdentity.
func (CustomerIdentity) Mixin() []ent.Mixin {
	return []ent.Mixin{Tenant{Ref: "customer_identities"}, Timestamps{}}
}

// Fields of CustomerIdentity.
func (CustomerIdentity) Fields() []ent.Field {
	return []ent.Field{
		field.Int("customer_id").Immutable().Annotations(hidden),
		field.Enum("channel").GoType(enum.Channel("")).Immutable().Annotations(gqlType("Channel")),
		field.String("handle").NotEmpty().MaxLen(320).Immutable(),
	}
}

// Edges of CustomerIdentity.
func (CustomerIdentity) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("identities").Field("customer_id").Unique().Required().Immutable().Annotations(hidden),
	}
}

// Indexes of CustomerIdentity: a handle names one customer per workspace and channel.
func (CustomerIdentity) Indexes() []ent.Index {
	return []ent.Index{index.Fields("workspace_id", "channel", "handle").Unique()}
}

// Annotations of CustomerIdentity.
func (CustomerIdentity) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField)}
}
