package events

import (
	"context"
	"runtime"
	"sync"

	"switchboard/ent"
	"switchboard/internal/metrics"
)

// A subscription opened with Open has no goroutine of its own once it is live: the bus queues
// its events in a slice that grows only as far as it is used, and a small pool of workers, shared
// by all of this instance's subscriptions, hands them to emit in order. While it replays from its
// cursor, a goroutine reads the log for it, then hands it to the workers. Thousands of screens
// then cost no goroutine, no stack and no preallocated queue each for their feeds, and an event
// reaches a subscriber's socket writer with one hand-over less.

// served is what Serve keeps of a subscription. Guarded by bus.mu unless said otherwise.
type served struct {
	emit    func(e *ent.Event, wait bool) bool
	end     func(error)
	endOnce sync.Once
	live    bool         // replay done: the workers hand what the bus queues
	pending []*ent.Event // events offered and not yet handed to emit
	queued  bool         // in bus.ready, or with a worker
	last    int64        // the seq of the last event handed to emit (owned by whoever hands them)
}

// Serve streams the subscription: the events after the cursor after from the log, then live
// ones, each once and in seq order, to emit, never two calls at once. emit's wait says whether
// it may block (while replaying, on its own goroutine) or must not (live, on a shared worker: a
// subscriber that cannot take an event now is a slow one). Serve returns at once; end is called
// once, with why the stream ended: ctx's error when ctx ended, ErrSlow when the subscriber fell
// Buffer events behind, the bus's reason when it stopped, a database error from the replay, or
// nil when emit returned false.
func (s *Subscription) Serve(ctx context.Context, after *int64, emit func(e *ent.Event, wait bool) bool, end func(error)) {
	b := s.bus
	sv := s.served
	b.mu.Lock()
	sv.emit, sv.end = emit, end
	err, closed := s.err, s.closed()
	b.mu.Unlock()
	if closed { // dropped before it started
		s.finish(err)
		return
	}
	context.AfterFunc(ctx, func() { // it ends with the operation, whatever ended it first
		s.finish(ctx.Err())
		s.Close()
	})
	go func() {
		if err := s.replay(ctx, after); err != nil || !sv.live {
			s.finish(err)
			s.Close()
		}
	}()
}

// replay hands emit the log after the cursor, then what the bus queued meanwhile, and makes the
// subscription live; it returns with sv.live unset when the stream ended on the way.
func (s *Subscription) replay(ctx context.Context, after *int64) error {
	b, sv := s.bus, s.served
	if after != nil {
		last, more, err := b.replayLog(ctx, s.ws, *after, func(e *ent.Event) bool { return sv.emit(e, true) })
		sv.last = last
		if err != nil {
			return err
		} else if !more {
			return s.Err()
		}
	}
	s.narrow()
	for {
		b.mu.Lock()
		if s.closed() {
			b.mu.Unlock()
			return s.Err()
		}
		batch := sv.pending
		sv.pending = nil
		if len(batch) == 0 {
			sv.live = true // from now on the workers hand what the bus queues
			b.mu.Unlock()
			return nil
		}
		b.mu.Unlock()
		for _, e := range batch {
			if !s.hand(e, true) {
				return s.Err()
			}
		}
	}
}

// hand gives e to emit unless the replay or an earlier hand-over covered it.
func (s *Subscription) hand(e *ent.Event, wait bool) bool {
	sv := s.served
	if seqOf(e) <= sv.last {
		return true
	}
	sv.last = seqOf(e)
	metrics.DeliveredToSubscriber(e.CreatedAt)
	return sv.emit(e, wait)
}

// finish calls end once.
func (s *Subscription) finish(err error) {
	sv := s.served
	sv.endOnce.Do(func() { sv.end(err) })
}

// closed reports whether the subscription ended (bus.mu held).
func (s *Subscription) closed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// queue takes e for a served subscription (bus.mu held), and has a worker hand it when the
// subscription is live; a subscriber Buffer events behind is dropped.
func (s *Subscription) queue(e *ent.Event) {
	sv := s.served
	if len(sv.pending) >= s.bus.Buffer {
		metrics.SubscriberDropped()
		s.closeLocked(ErrSlow)
		return
	}
	sv.pending = append(sv.pending, e)
	if sv.live && !sv.queued {
		sv.queued = true
		s.bus.ready = append(s.bus.ready, s)
		if s.bus.work != nil { // nil until Run starts the workers
			s.bus.work.Signal()
		}
	}
}

// startWorkers starts the pool that serves live subscriptions (Run does, once).
func (b *Bus) startWorkers() {
	b.workersOnce.Do(func() {
		b.mu.Lock()
		b.work = sync.NewCond(&b.mu)
		b.mu.Unlock()
		for range max(8, 2*runtime.GOMAXPROCS(0)) { // a few wait on the database (pick) without holding up the rest
			go b.worker()
		}
	})
}

// stopWorkers ends the pool once the bus stops (its subscriptions are closed by then).
func (b *Bus) stopWorkers() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = true
	if b.work != nil {
		b.work.Broadcast()
	}
}

// worker hands queued events to their subscriptions, one subscription at a time each.
func (b *Bus) worker() {
	b.mu.Lock()
	for {
		for len(b.ready) == 0 {
			if b.stopped {
				b.mu.Unlock()
				return
			}
			b.work.Wait()
		}
		s := b.ready[0]
		b.ready[0] = nil
		b.ready = b.ready[1:]
		sv := s.served
		batch := sv.pending
		sv.pending = nil
		b.mu.Unlock()
		ok := true
		for _, e := range batch {
			if ok = s.hand(e, false); !ok {
				break
			}
		}
		b.mu.Lock()
		switch {
		case !ok || s.closed():
			sv.queued = false
			sv.pending = nil
			err := s.err
			s.closeLocked(err) // offered nothing more
			b.mu.Unlock()
			s.finish(err)
			b.mu.Lock()
		case len(sv.pending) > 0:
			b.ready = append(b.ready, s)
		default:
			sv.queued = false
		}
	}
}
