package search

import (
	"context"

	"switchboard/ent"
	"switchboard/ent/conversation"

	entgo "entgo.io/ent"
)

// countCap: a search counts its matches up to countCap; more are reported as countCap, which the
// workspace shows as "1,000+" (no agent pages that far: they add a word). The tests lower it.
var countCap = 1000

// Narrow returns the query a search pages through, and the context to page in, given the conversations that match (q) and
// the inbox's filters. It first reads the ids of at most countCap+1 matches, which is cheap
// whatever the words (the text index for rare ones, a short scan for common ones):
//   - countCap or fewer: the page is taken among those ids, and counted exactly. Left to itself,
//     the planner would look for a rare word's matches along the whole workspace's index in the
//     order asked for (a word nobody wrote: every conversation read, a second on a year's data).
//   - more: the page walks the order's index, where matches are dense, and the count stops at
//     countCap (an exact one reads every match: most of a second for a word in a third of them):
//     the context returned makes the count countCap (Counted).
func Narrow(ctx context.Context, client *ent.Client, q *ent.ConversationQuery, filter func(*ent.ConversationQuery) (*ent.ConversationQuery, error)) (context.Context, *ent.ConversationQuery, error) {
	probe := q.Clone()
	if filter != nil {
		var err error
		if probe, err = filter(probe); err != nil {
			return nil, nil, err
		}
	}
	ids, err := probe.Limit(countCap + 1).IDs(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(ids) <= countCap {
		return ctx, client.Conversation.Query().Where(conversation.IDIn(ids...)), nil
	}
	return context.WithValue(ctx, countKey{}, countCap), q, nil
}

type countKey struct{}

// Counted answers the count of a conversation query made in the context Narrow returned, for a
// search with more than countCap matches, with countCap, without running it; storage registers
// it on the client.
func Counted() ent.Interceptor {
	return ent.InterceptFunc(func(next ent.Querier) ent.Querier {
		return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
			if n, ok := ctx.Value(countKey{}).(int); ok {
				if qc := entgo.QueryFromContext(ctx); qc != nil && qc.Op == entgo.OpQueryCount {
					return n, nil
				}
			}
			return next.Query(ctx, q)
		})
	})
}
