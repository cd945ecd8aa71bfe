package events

import (
	"context"
	"strconv"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/internal/fault"
	"switchboard/internal/tenant"
)

// Cursor renders an event's position for subscribers.
func Cursor(e *ent.Event) string { return strconv.FormatInt(e.Seq, 10) }

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
	var last int64 = -1
	if after != nil {
		last = *after
		for {
			evs, err := b.client.Event.Query().Where(event.WorkspaceID(ws), event.SeqGT(last)).
				Order(event.BySeq()).Limit(500).All(tenant.System(ctx))
			if err != nil {
				return err
			}
			for _, e := range evs {
				last = e.Seq
				if !emit(e) {
					return nil
				}
			}
			if len(evs) < 500 {
				break
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.Done():
			return sub.Err()
		case e := <-sub.C:
			if e.Seq <= last {
				continue
			}
			last = e.Seq
			if !emit(e) {
				return nil
			}
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

// Has reports whether the map sets key (to anything, null included).
func Has(m map[string]any, key string) bool {
	_, ok := m[key]
	return ok
}
