package graph

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"log/slog"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/predicate"
	"switchboard/ent/schema/enum"
	"switchboard/graph/model"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/metrics"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// feed runs a subscription (E2: every live update is a GraphQL subscription, resumable from a
// cursor): it streams the viewer's workspace events from cursor after through pick, which turns
// an event into something to send (or nil to skip), onto the returned channel. The bus offers
// pick only the events interest names (a superset of those pick sends).
func feed[T any](ctx context.Context, r *Resolver, after *string, interest events.Interest, pick func(*ent.Event) (*T, error)) (<-chan *T, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	from, err := events.ParseCursor(after)
	if err != nil {
		return nil, err
	}
	if r.Bus == nil {
		return nil, fault.New(fault.Internal, "live updates are not running on this server")
	}
	if err := r.Bus.CheckCursor(ctx, v.WorkspaceID, from); err != nil {
		return nil, err
	}
	sub, err := r.Bus.Open(ctx, v.WorkspaceID, interest)
	if err != nil {
		return nil, err
	}
	// out holds what the socket writer has not taken yet; a subscriber that lets it fill up is
	// dropped as a slow one (the bus bounds what waits before pick the same way).
	out := newPending[T](r.Bus.Buffer)
	var mu sync.Mutex // out's offers and its close
	closed := false
	var broke error // why emit stopped the stream: an outage, or out full (guarded by mu)
	sub.Serve(ctx, from, func(e *ent.Event, wait bool) bool {
		item, err := pick(e)
		if f, ok := fault.As(err); ok && f.Code == fault.Unavailable {
			mu.Lock()
			broke = err // sent later, after a reconnection, rather than never
			mu.Unlock()
			return false
		} else if err != nil {
			slog.WarnContext(ctx, "subscription: event", "seq", e.Seq, "err", err)
			return true
		}
		if item == nil {
			return true
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case closed:
			return false
		case wait: // replaying: at the socket writer's pace, unless dropped while the client was not reading
			return out.put(item, ctx.Done(), sub.Done())
		case out.offer(item):
			return true
		}
		metrics.SubscriberDropped()
		broke = events.ErrSlow
		return false
	}, func(err error) {
		mu.Lock()
		closed = true
		if err == nil {
			err = broke
		}
		mu.Unlock()
		// Once out is closed, gqlgen ends the subscription with "complete", which would tell a
		// client it has everything; so out is closed last, after the connection was dropped
		// (its socket then refuses every message).
		defer out.close()
		// A stream that cannot go on closes its connection with a code that makes the client
		// reconnect and resume from its last cursor (E3), never with "complete".
		switch f, _ := fault.As(err); {
		case errors.Is(err, events.ErrSlow):
			slog.InfoContext(ctx, "subscription: slow consumer dropped", "agent", v.AgentID)
			events.Drop(ctx, events.CloseSlowConsumer, "too slow: reconnect and resume from your last cursor")
		case ctx.Err() != nil: // the client stopped it, or the connection is gone
		case err == nil || errors.Is(err, context.Canceled): // the bus stopped: the server is going down
			events.Drop(ctx, events.CloseRestart, "server restarting: reconnect and resume from your last cursor")
		case f != nil && f.Code == fault.Unavailable:
			slog.InfoContext(ctx, "subscription: the database is out of reach", "agent", v.AgentID, "err", err)
			events.Drop(ctx, events.CloseTryLater, "the database is out of reach: reconnect in a moment and resume from your last cursor")
		default:
			slog.ErrorContext(ctx, "subscription failed", "agent", v.AgentID, "err", err)
			events.Drop(ctx, events.CloseInternal, "the stream failed: reconnect and resume from your last cursor")
		}
	})
	return share(ctx, v, out), nil
}

// myQueueIDs lists agentID's queue as stored now.
func myQueueIDs(ctx context.Context, c *ent.Client, agentID int) ([]int, error) {
	return c.Conversation.Query().Where(inMyQueue(agentID)).IDs(ctx)
}

// inMyQueue selects agentID's queue: the open conversations it owns as a human, waiting on it
// (NEW or PENDING). The myQueue query and subscription both read it; events.AgentQueue moves it.
func inMyQueue(agentID int) predicate.Conversation {
	return conversation.And(conversation.OwnerID(agentID), conversation.HumanOwned(true), conversation.IsOpen(true),
		conversation.StatusIn(enum.StatusNew, enum.StatusPending))
}

// queueFeed streams a queue's changes (events.Queue), from the events interest names (see feed).
func queueFeed(ctx context.Context, r *Resolver, after *string, q *events.Queue, interest events.Interest) (<-chan *model.QueueEvent, error) {
	if after != nil && r.Bus != nil {
		v, err := auth.Member(ctx)
		if err != nil {
			return nil, err
		}
		cur, err := r.Bus.Head(ctx, v.WorkspaceID)
		if err != nil {
			return nil, err
		}
		head, _ := strconv.ParseInt(cur, 10, 64)
		q.Resume(head)
	}
	return feed(ctx, r, after, interest, func(e *ent.Event) (*model.QueueEvent, error) {
		kind := q.Apply(e)
		if kind == "" {
			return nil, nil
		}
		c, err := r.conversationAt(ctx, e)
		if err != nil {
			return nil, err
		}
		return &model.QueueEvent{Kind: model.QueueEventKind(kind), Conversation: c, Reason: e.Type, Cursor: events.Cursor(e)}, nil
	})
}

// conversationAt loads the conversation an event is about, once for all the subscribers the
// event reaches: the conversation as of that event's version is shared for a few seconds.
func (r *Resolver) conversationAt(ctx context.Context, e *ent.Event) (*ent.Conversation, error) {
	key := [3]int{e.WorkspaceID, *e.ConversationID, e.Version}
	if c, ok := r.live().convs.Get(key); ok {
		return c, nil
	}
	c, err := r.Client.Conversation.Get(storage.EventPath(ctx), *e.ConversationID) // its edges load on ctx
	if err != nil {
		return nil, err
	}
	r.live().convs.Add(key, c)
	return c, nil
}

// agentAt loads agent id, named by event eventID, once for all the subscribers the event reaches.
// The next event loads it again: an agent's presence, activity and settings change without an
// event of the conversation's, and each event shows the agent as of its own fan-out. It asks the
// context for the workspace, not the viewer: who the viewer is does not change the agent.
func (r *Resolver) agentAt(ctx context.Context, eventID, id int) (*ent.Agent, error) {
	ws, system, ok := tenant.From(ctx)
	if !ok || system {
		return nil, fault.ErrUnauthenticated
	}
	key := [3]int{ws, id, eventID}
	if a, ok := r.live().agents.Get(key); ok {
		return a, nil
	}
	a, err := r.Client.Agent.Get(storage.EventPath(ctx), id) // confined to the viewer's workspace
	if err != nil {
		return nil, err
	}
	r.live().agents.Add(key, a)
	return a, nil
}

// liveCaches share what fanning one event out to many subscribers would otherwise load once per
// subscriber.
type liveCaches struct {
	convs     *expirable.LRU[[3]int, *ent.Conversation]
	agents    *expirable.LRU[[3]int, *ent.Agent]
	responses *expirable.LRU[string, sharedResponse] // see share.go
}

func (r *Resolver) live() *liveCaches {
	r.liveOnce.Do(func() {
		r.liveCache = &liveCaches{
			convs:     expirable.NewLRU[[3]int, *ent.Conversation](10000, nil, 5*time.Second),
			agents:    expirable.NewLRU[[3]int, *ent.Agent](10000, nil, 5*time.Second),
			responses: newResponsesCache(),
		}
	})
	return r.liveCache
}

// human says whether agent id is a human, for events.Inbox. An agent's kind never changes, so
// the agent is shared under event 0 (no event's) for as long as the cache keeps it.
func (r *Resolver) human(ctx context.Context) func(id int) bool {
	return func(id int) bool {
		a, err := r.agentAt(ctx, 0, id)
		return err != nil || a.Kind == enum.KindHuman // unreadable: not taken for unclaimed
	}
}

// unclaimedIDs lists the inbox as stored now: open, unresolved conversations no human owns.
func unclaimedIDs(ctx context.Context, c *ent.Client) ([]int, error) {
	return c.Conversation.Query().Where(conversation.HumanOwned(false), conversation.IsOpen(true),
		conversation.StatusIn(enum.StatusNew, enum.StatusPending)).IDs(ctx)
}
