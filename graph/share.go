package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/vektah/gqlparser/v2/ast"

	"switchboard/ent"
	"switchboard/graph/model"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/metrics"
)

// Shared subscription responses: when one event reaches many subscribers, gqlgen would run each
// one's selection on it and encode the result once per subscriber. Subscribers of one workspace
// that select the same of the same item get the same bytes, so the first one's response is kept
// for the others (ShareResponses), unless computing it asked who the viewer is (auth.ViewerReads:
// ownership, canReply, role checks …): then it is kept for that viewer alone.
//
// The parts: ShareOperations gives every subscription operation a shareSlot; feed fills it (the
// subscription's selection, its viewer, and how to take its next item); ShareResponses, gqlgen's
// innermost response middleware, takes each item before gqlgen does and answers from the cache, or
// hands the item on to gqlgen's execution and keeps what it produced.

// sharedTTL bounds how long a response is shared: one event's fan-out takes well under it.
const sharedTTL = 2 * time.Second

type sharedResponse struct {
	data      []byte
	perViewer bool // computing it read the viewer: look under the viewer's own key
}

type shareSlotKey struct{}

// shareSlot links one subscription's feed to the response middleware.
type shareSlot struct {
	selection string // workspace and selection (selectionKey)
	viewer    string // the viewer, for responses that depend on it
	// next waits for the subscription's next item: its key ("" when it cannot be shared) and a
	// function that hands it on to gqlgen; ok is false when the stream ended.
	next func(ctx context.Context) (key string, handOn func(), ok bool)
}

// ShareOperations is a gqlgen operation middleware: it gives each subscription a slot its feed fills.
func ShareOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
		ctx = context.WithValue(ctx, shareSlotKey{}, &shareSlot{})
	}
	return next(ctx)
}

// ShareResponses is a gqlgen response middleware (register it last: innermost) that answers a
// subscription's item from the responses shared in its workspace when it can (see above).
func (r *Resolver) ShareResponses(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	s, _ := ctx.Value(shareSlotKey{}).(*shareSlot)
	if s == nil || s.next == nil {
		return next(ctx)
	}
	key, handOn, ok := s.next(ctx)
	if !ok {
		return next(ctx) // gqlgen finds the stream ended (or the context done) and stops
	}
	if key == "" {
		metrics.SubscriptionResponse(false)
		handOn()
		return next(ctx)
	}
	cache := r.live().responses
	key = s.selection + "|" + key
	if e, ok := cache.Get(key); ok && !e.perViewer {
		metrics.SubscriptionResponse(true)
		return &graphql.Response{Data: e.data}
	} else if ok {
		if e, ok := cache.Get(key + "|" + s.viewer); ok {
			metrics.SubscriptionResponse(true)
			return &graphql.Response{Data: e.data}
		}
	}
	metrics.SubscriptionResponse(false)
	handOn()
	rctx, reads := auth.RecordViewerReads(ctx)
	resp := next(rctx)
	if resp == nil || len(resp.Errors) > 0 || len(resp.Extensions) > 0 {
		return resp
	}
	data := bytes.Clone(resp.Data) // gqlgen reuses its buffer for the next item
	if reads.Read() {
		cache.Add(key, sharedResponse{perViewer: true})
		cache.Add(key+"|"+s.viewer, sharedResponse{data: data})
	} else {
		cache.Add(key, sharedResponse{data: data})
	}
	return resp
}

// share fills the slot of ctx's subscription, if it has one, so that ShareResponses takes items
// from out; it returns the channel gqlgen is to read (fed from out by a goroutine of its own when
// there is no slot).
func share[T any](ctx context.Context, v *auth.Viewer, out *pending[T]) <-chan *T {
	s, _ := ctx.Value(shareSlotKey{}).(*shareSlot)
	fc := graphql.GetFieldContext(ctx)
	inner := make(chan *T, 1)
	if s == nil || fc == nil || !graphql.HasOperationContext(ctx) {
		go func() {
			defer close(inner)
			for {
				item, ok := out.take(ctx)
				if !ok {
					return
				}
				select {
				case inner <- item:
				case <-ctx.Done():
					return
				}
			}
		}()
		return inner
	}
	s.selection = fmt.Sprintf("%d|%s", v.WorkspaceID, selectionKey(fc.Field, graphql.GetOperationContext(ctx).Variables))
	s.viewer = fmt.Sprintf("%d/%s/%s", v.AgentID, v.Role, v.Kind)
	s.next = func(ctx context.Context) (string, func(), bool) {
		item, ok := out.take(ctx)
		if !ok {
			if ctx.Err() == nil { // the stream ended
				close(inner)
			}
			return "", nil, false
		}
		return itemKey(item), func() { inner <- item }, true
	}
	return inner
}

// itemKey names what a subscription sends of one event, the same for every subscriber that
// sends the same: everything in these items comes from the event (the conversation and agents
// they carry are loaded once per event, see conversationAt) but a queue's or notification's kind,
// which depends on the subscriber. Other items are not shared ("").
func itemKey(item any) string {
	switch it := item.(type) {
	case *model.LockEvent:
		return it.Cursor
	case *model.QueueEvent:
		return it.Cursor + "/" + string(it.Kind)
	case *model.Notification:
		return it.Cursor + "/" + string(it.Kind)
	case *ent.Event:
		return events.Cursor(it)
	}
	return ""
}

// selectionKey is a canonical digest of what a subscription sends of each item: its root field's
// alias and name, and the selection below it with fragments expanded and the values of the
// variables it uses. The root field's arguments are left out: they choose which events come and
// from where, not what is sent of one.
func selectionKey(f graphql.CollectedField, vars map[string]any) string {
	var b strings.Builder
	used := map[string]bool{}
	b.WriteString(f.Alias + ":" + f.Name)
	writeDirectives(&b, f.Directives, used)
	writeSelections(&b, f.Selections, used)
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		j, _ := json.Marshal(vars[n])
		b.WriteString(" $" + n + "=")
		b.Write(j)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:16])
}

func writeSelections(b *strings.Builder, set ast.SelectionSet, used map[string]bool) {
	b.WriteByte('{')
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			b.WriteString(s.Alias + ":" + s.Name)
			if len(s.Arguments) > 0 {
				b.WriteByte('(')
				for _, a := range s.Arguments {
					writeValue(b, a.Name, a.Value, used)
				}
				b.WriteByte(')')
			}
			writeDirectives(b, s.Directives, used)
			if len(s.SelectionSet) > 0 {
				writeSelections(b, s.SelectionSet, used)
			}
		case *ast.InlineFragment:
			b.WriteString("...on " + s.TypeCondition)
			writeDirectives(b, s.Directives, used)
			writeSelections(b, s.SelectionSet, used)
		case *ast.FragmentSpread:
			b.WriteString("...")
			writeDirectives(b, s.Directives, used)
			if s.Definition != nil {
				b.WriteString("on " + s.Definition.TypeCondition)
				writeSelections(b, s.Definition.SelectionSet, used)
			} else {
				b.WriteString(s.Name)
			}
		}
		b.WriteByte(' ')
	}
	b.WriteByte('}')
}

func writeDirectives(b *strings.Builder, ds ast.DirectiveList, used map[string]bool) {
	for _, d := range ds {
		b.WriteString("@" + d.Name + "(")
		for _, a := range d.Arguments {
			writeValue(b, a.Name, a.Value, used)
		}
		b.WriteByte(')')
	}
}

func writeValue(b *strings.Builder, name string, v *ast.Value, used map[string]bool) {
	b.WriteString(name + ":" + v.String() + " ")
	var walk func(v *ast.Value)
	walk = func(v *ast.Value) {
		if v == nil {
			return
		}
		if v.Kind == ast.Variable {
			used[v.Raw] = true
		}
		for _, c := range v.Children {
			walk(c.Value)
		}
	}
	walk(v)
}

// newResponsesCache is where ShareResponses keeps what it shares.
func newResponsesCache() *expirable.LRU[string, sharedResponse] {
	return expirable.NewLRU[string, sharedResponse](20000, nil, sharedTTL)
}
