package graph

import (
	"context"
	"time"

	"entgo.io/contrib/entgql"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
	"switchboard/graph/model"
	"switchboard/internal/analytics"
	"switchboard/internal/auth"
	"switchboard/internal/directory"
	"switchboard/internal/fault"
)

// MaxPage bounds every list a client can ask for; defaultPage is used when it asks for none.
const (
	MaxPage     = 100
	defaultPage = 50
)

// page applies the page-size bounds to a connection's first/last arguments.
func page(first, last *int) (*int, *int, error) {
	for name, n := range map[string]*int{"first": first, "last": last} {
		if n != nil && (*n < 0 || *n > MaxPage) {
			return nil, nil, fault.Invalid(name, "must be 0 to %d", MaxPage)
		}
	}
	if first == nil && last == nil {
		n := defaultPage
		first = &n
	}
	return first, last, nil
}

// conversationOrder checks a conversation connection's order and mends its cursors. An entgql
// cursor leaves out an order value that is its type's zero (msgpack omitempty), and a cursor
// without a value pages by id alone: a priority of 0 gets its zero back. Ordering by QUEUED_SINCE
// needs where to keep only conversations that have one (queuedSinceNotNil, or a comparison):
// entgql's cursors cannot page past a row without the value.
func conversationOrder(orderBy *ent.ConversationOrder, where *ent.ConversationWhereInput, cursors ...*entgql.Cursor[int]) error {
	if orderBy == nil {
		return nil
	}
	switch orderBy.Field.String() { // a copy of the generated field: compare by name
	case ent.ConversationOrderFieldQueuedSince.String():
		if where == nil || !where.QueuedSinceNotNil && where.QueuedSince == nil && where.QueuedSinceGT == nil &&
			where.QueuedSinceGTE == nil && where.QueuedSinceLT == nil && where.QueuedSinceLTE == nil && len(where.QueuedSinceIn) == 0 {
			return fault.Invalid("orderBy", "QUEUED_SINCE orders only conversations that are queued: add where: {queuedSinceNotNil: true}")
		}
	case ent.ConversationOrderFieldPriority.String():
		for _, c := range cursors {
			if c != nil && c.Value == nil {
				c.Value = 0
			}
		}
	}
	return nil
}

// visible hides nodes the viewer's role may not read: API keys belong to admins and their agent.
func visible(ctx context.Context, n ent.Noder) (ent.Noder, error) {
	v := auth.ViewerFrom(ctx)
	if k, ok := n.(*ent.APIKey); ok && k.AgentID != v.AgentID && !v.Role.AtLeast(enum.RoleAdmin) {
		return nil, fault.Missing("node")
	}
	return n, nil
}

func channels(in []*model.ChannelCapacityInput) []directory.ChannelCapacity {
	out := make([]directory.ChannelCapacity, 0, len(in))
	for _, c := range in {
		out = append(out, directory.ChannelCapacity{Channel: c.Channel, Capacity: c.Capacity})
	}
	return out
}

// seconds is a duration for the API, in seconds; nil stays nil.
func seconds(d *time.Duration) *float64 {
	if d == nil {
		return nil
	}
	s := d.Seconds()
	return &s
}

// channelLoads is an agent's load per channel for GraphQL (never null: empty without channels).
func channelLoads(loads []analytics.ChannelLoad) []*model.ChannelLoad {
	out := make([]*model.ChannelLoad, len(loads))
	for i, l := range loads {
		out[i] = &model.ChannelLoad{Channel: l.Channel, Count: l.Count, Capacity: l.Capacity}
	}
	return out
}
