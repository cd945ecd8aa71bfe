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
	return []ent.Field{
		field.String("name").Default("").MaxRuneLen(200).Comment("The name the channel connector last gave (customerName); empty when none was given."),
	}
}

// Edges of Customer.
func (Customer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("identities", CustomerIdentity.Type).Comment("The customer's handles, one per channel it wrote from."),
		edge.To("conversations", Conversation.Type).Annotations(hidden),
	}
}

// Annotations of Customer.
func (Customer) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("The contact, unified across channels: one customer, a handle on each channel (SPEC §1). Created by ingestCustomerMessage."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
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
		field.Enum("channel").GoType(enum.Channel("")).Immutable().Annotations(gqlType("Channel")).Comment("The channel of the handle."),
		field.String("handle").NotEmpty().MaxRuneLen(320).Immutable().
			Comment("The customer's handle on the channel (a phone number, a page-scoped id, an email address …), unique per channel in the workspace."),
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
	return []ent.Index{
		index.Fields("workspace_id", "channel", "handle").Unique(),
		// A customer's handles (the conversation screen), without reading every customer's.
		index.Fields("customer_id"),
	}
}

// Annotations of CustomerIdentity.
func (CustomerIdentity) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A customer's handle on one channel (customerHandle of ingestCustomerMessage)."),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}
