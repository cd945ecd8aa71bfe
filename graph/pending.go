package graph

import (
	"context"
	"sync"
)

// pending holds a subscription's items that its socket writer has not taken yet, up to a bound. It
// is a slice that holds only what waits: a channel of the bound's size would keep that many
// pointer slots per subscription, idle or not (2 KiB each for 256, on 30,000 subscriptions 60 MiB
// that every garbage collection scans).
type pending[T any] struct {
	mu     sync.Mutex
	items  []*T
	spare  [1]*T // items' array while at most one waits, the usual case
	closed bool
	max    int
	ready  chan struct{} // an item came or the queue closed (1 slot: a wake-up, not a count)
	room   chan struct{} // the writer took an item (1 slot)
}

func newPending[T any](max int) *pending[T] {
	p := &pending[T]{max: max, ready: make(chan struct{}, 1), room: make(chan struct{}, 1)}
	p.items = p.spare[:0]
	return p
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// offer queues item unless max wait already; false when full or closed.
func (p *pending[T]) offer(item *T) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.items) >= p.max {
		return false
	}
	p.items = append(p.items, item)
	signal(p.ready)
	return true
}

// put queues item once there is room, unless the queue closes or either of done, stop ends first.
func (p *pending[T]) put(item *T, done, stop <-chan struct{}) bool {
	for {
		p.mu.Lock()
		switch {
		case p.closed:
			p.mu.Unlock()
			return false
		case len(p.items) < p.max:
			p.items = append(p.items, item)
			signal(p.ready)
			p.mu.Unlock()
			return true
		}
		p.mu.Unlock()
		select {
		case <-p.room:
		case <-done:
			return false
		case <-stop:
			return false
		}
	}
}

// close ends the queue: take hands out what waits, then reports it closed.
func (p *pending[T]) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	signal(p.ready)
}

// take waits for the next item; ok is false once the queue is closed and empty, or ctx ends.
func (p *pending[T]) take(ctx context.Context) (item *T, ok bool) {
	for {
		p.mu.Lock()
		if len(p.items) > 0 {
			item = p.items[0]
			p.items[0] = nil
			if p.items = p.items[1:]; len(p.items) == 0 {
				p.items = p.spare[:0] // a grown array goes with its last item
			}
			p.mu.Unlock()
			signal(p.room)
			return item, true
		}
		closed := p.closed
		p.mu.Unlock()
		if closed {
			signal(p.ready) // for a take after this one
			return nil, false
		}
		select {
		case <-p.ready:
		case <-ctx.Done():
			return nil, false
		}
	}
}
