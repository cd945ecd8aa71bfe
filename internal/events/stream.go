package events

import (
	"context"
	"strconv"
	"sync"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/internal/fault"
	"switchboard/internal/metrics"
	"switchboard/internal/tenant"
)

// Cursor renders an event's position for subscribers.
func Cursor(e *ent.Event) string { return strconv.FormatInt(seqOf(e), 10) }

func seqOf(e *ent.Event) int64 {
	if e.Seq == nil {
		return 0
	}
	return *e.Seq
}

// ParseCursor reads an `after` argument: nil or "" means "live only".
func ParseCursor(after *string) (*int64, error) {
	if after == nil || *after == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(*after, 10, 64)
	if err != nil || n < 0 {
		return nil, fault.Invalid("after", "%q is not a cursor: pass the cursor of the last event you received", *after)
	}
	return &n, nil
}

// CheckCursor refuses a cursor that cannot be resumed from in workspace ws: one beyond the log's
// head (BAD_USER_INPUT: no client was ever given it) or one whose next event the audit
// retention has purged (CURSOR_EXPIRED: a replay would have a gap). Cursors are dense (every
// number up to the head is an event), so the next event's presence decides.
func (b *Bus) CheckCursor(ctx context.Context, ws int, after *int64) error {
	if after == nil {
		return nil
	}
	if err := b.sequence(ctx, ws); err != nil {
		return err
	}
	sys := tenant.System(ctx)
	w, err := b.client.Workspace.Get(sys, ws)
	if err != nil {
		return err
	}
	switch {
	case *after > w.EventSeq:
		return fault.Invalid("after", "cursor %d is beyond the log's head (%d): pass the cursor of the last event you received", *after, w.EventSeq)
	case *after == w.EventSeq:
		return nil
	}
	kept, err := b.client.Event.Query().Where(event.WorkspaceID(ws), event.Seq(*after+1)).Exist(sys)
	if err != nil {
		return err
	}
	if !kept {
		return fault.New(fault.CursorExpired, "the events after cursor %d are older than the audit log keeps: reload, then subscribe without a cursor", *after).
			With("field", "after")
	}
	return nil
}

// Stream hands emit workspace ws's events in seq order, each exactly once (E3): first those
// after the cursor after (when given) from the log, then live ones. It subscribes before
// replaying, so nothing committed in between is lost, and skips live events the replay already
// covered. It returns when ctx ends, when emit returns false, or when the subscriber was too
// slow (ErrSlow: resume from the last cursor).
func (b *Bus) Stream(ctx context.Context, ws int, after *int64, emit func(*ent.Event) bool) error {
	sub, err := b.Subscribe(ctx, ws)
	if err != nil {
		return err
	}
	defer sub.Close()
	return b.stream(ctx, sub, ws, after, emit)
}

// Open checks the connection's and the workspace's subscription limits and registers a
// subscription to what interest names; Serve streams it.
func (b *Bus) Open(ctx context.Context, ws int, interest Interest) (*Subscription, error) {
	release, err := take(ctx)
	if err != nil {
		return nil, err
	}
	sub, err := b.subscribe(ctx, ws, interest, release, true)
	if err != nil {
		release()
		return nil, err
	}
	return sub, nil
}

// logPage is how many events one read of the log returns at most.
const logPage = 500

// readLog reads up to logPage of workspace ws's events after seq after, in seq order.
func (b *Bus) readLog(ctx context.Context, ws int, after int64) ([]*ent.Event, error) {
	return b.client.Event.Query().Where(event.WorkspaceID(ws), event.SeqGT(after)).
		Order(event.BySeq()).Limit(logPage).All(tenant.System(ctx))
}

// replayLog numbers what committed so far and hands emit workspace ws's events after seq after
// from the log, page by page. It returns the last seq handed (after when none) and whether emit
// wanted more.
func (b *Bus) replayLog(ctx context.Context, ws int, after int64, emit func(*ent.Event) bool) (last int64, more bool, err error) {
	if err := b.sequence(ctx, ws); err != nil { // what committed so far is in the replay
		return after, false, err
	}
	last = after
	for {
		evs, err := b.readLog(ctx, ws, last)
		if err != nil {
			return last, false, err
		}
		for _, e := range evs {
			last = seqOf(e)
			if !emit(e) {
				return last, false, nil
			}
		}
		if len(evs) < logPage {
			return last, true, nil
		}
	}
}

func (b *Bus) stream(ctx context.Context, sub *Subscription, ws int, after *int64, emit func(*ent.Event) bool) error {
	var last int64 = -1
	if after != nil {
		var more bool
		var err error
		if last, more, err = b.replayLog(ctx, ws, *after, emit); err != nil {
			return err
		} else if !more {
			return sub.Err()
		}
	}
	sub.narrow()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.Done():
			return sub.Err()
		case e := <-sub.C:
			if seqOf(e) <= last {
				continue
			}
			last = seqOf(e)
			metrics.DeliveredToSubscriber(e.CreatedAt)
			if !emit(e) {
				return sub.Err() // set when emit gave up because the bus dropped the subscriber
			}
		}
	}
}

// narrow has the bus offer s only what its interest names, from now on: its replay has caught
// up, so Interest.Owned lists what the subscriber holds.
func (s *Subscription) narrow() {
	var owned []int
	if s.interest.Owned != nil {
		owned = s.interest.Owned()
	}
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	if x := s.bus.subs[s.ws]; x != nil {
		if _, open := x.members[s]; open {
			x.narrow(s, owned)
		}
	}
}

// Int reads an agent or conversation id stored in an event's before/after map (nil: 0).
func Int(m map[string]any, key string) int {
	switch v := m[key].(type) {
	case float64:
		return int(v)
	case int:
		return v
	case int64:
		return int(v)
	}
	return 0
}

// CloseSlowConsumer is the WebSocket close code of a connection dropped because a subscriber fell
// Bus.Buffer events behind: reconnect and resume from the last cursor received.
const CloseSlowConsumer = 4010

// CloseTryLater (RFC 6455 1013) is the close code of a connection whose stream could not go on
// because the database is out of reach: reconnect in a moment and resume from the last cursor. A
// stream never ends with "complete" for that: graphql-ws clients would take it as finished.
const CloseTryLater = 1013

// CloseRestart (RFC 6455 1012) closes a connection whose stream ended because the server is
// stopping: reconnect (to another instance) and resume from the last cursor.
const CloseRestart = 1012

// CloseInternal (RFC 6455 1011) closes a connection whose stream failed otherwise: reconnect and
// resume from the last cursor.
const CloseInternal = 1011

type dropperKey struct{}

type limitKey struct{}

type connLimit struct {
	mu        sync.Mutex
	open, max int
}

// WithConnectionLimit bounds the subscriptions one connection may hold at once.
func WithConnectionLimit(ctx context.Context, max int) context.Context {
	return context.WithValue(ctx, limitKey{}, &connLimit{max: max})
}

// take counts one more subscription on ctx's connection, or fails with RATE_LIMITED.
func take(ctx context.Context) (release func(), err error) {
	l, ok := ctx.Value(limitKey{}).(*connLimit)
	if !ok {
		return func() {}, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.max {
		return nil, fault.New(fault.RateLimited, "this connection already holds %d subscriptions, the limit: close some or open another connection", l.max)
	}
	l.open++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			l.open--
			l.mu.Unlock()
		})
	}, nil
}

// WithDropper gives the code serving a WebSocket a way to close it with a code.
func WithDropper(ctx context.Context, drop func(code int, reason string)) context.Context {
	return context.WithValue(ctx, dropperKey{}, drop)
}

// Drop closes the WebSocket serving ctx with code and reason (no-op outside one).
func Drop(ctx context.Context, code int, reason string) {
	if d, ok := ctx.Value(dropperKey{}).(func(int, string)); ok {
		d(code, reason)
	}
}

// Head returns workspace ws's current cursor: every event committed before the call is at or
// before it, every later one after it. A client reads it, then loads what it shows, then
// subscribes with after: Head, and misses nothing in between (E3).
func (b *Bus) Head(ctx context.Context, ws int) (string, error) {
	if err := b.sequence(ctx, ws); err != nil {
		return "", err
	}
	w, err := b.client.Workspace.Get(tenant.System(ctx), ws)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(w.EventSeq, 10), nil
}
