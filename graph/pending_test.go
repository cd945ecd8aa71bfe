package graph

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"
)

// A subscription's pending items, under randomized schedules: the writer takes exactly what was
// accepted, in order; a replay's put waits for room instead of being refused; items queued before
// close are still taken, then take reports the end; a drained queue keeps no grown array.
func TestPendingRandomSchedules(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		max := 1 + rng.IntN(8)
		p := newPending[int](max)
		n := 50 + rng.IntN(200)
		producerPause, consumerPause := rng.IntN(4), rng.IntN(4)
		var accepted []int
		var wg sync.WaitGroup
		wg.Go(func() {
			prng := rand.New(rand.NewPCG(seed, 8))
			for i := range n {
				item := i
				if prng.IntN(3) == 0 { // a replay's item: waits for room
					if !p.put(&item, nil, nil) {
						t.Errorf("seed %d: put %d refused on an open queue", seed, i)
						return
					}
					accepted = append(accepted, i)
				} else if p.offer(&item) {
					accepted = append(accepted, i)
				}
				if prng.IntN(4) < producerPause {
					runtime.Gosched()
				}
			}
			p.close()
		})
		var taken []int
		crng := rand.New(rand.NewPCG(seed, 9))
		for {
			item, ok := p.take(context.Background())
			if !ok {
				break
			}
			taken = append(taken, *item)
			if crng.IntN(4) < consumerPause {
				runtime.Gosched()
			}
		}
		wg.Wait()
		if len(taken) != len(accepted) {
			t.Fatalf("seed %d: took %d items, %d were accepted", seed, len(taken), len(accepted))
		}
		for i := range taken {
			if taken[i] != accepted[i] {
				t.Fatalf("seed %d: item %d taken is %d, accepted was %d", seed, i, taken[i], accepted[i])
			}
		}
		if _, ok := p.take(context.Background()); ok {
			t.Fatalf("seed %d: a take after the end found an item", seed)
		}
		if cap(p.items) > 1 {
			t.Fatalf("seed %d: the drained queue keeps an array of %d", seed, cap(p.items))
		}
	}
}

// Random operations against a model queue: an offer is refused exactly when max items wait or the
// queue is closed, and take hands out the model's items in order, then the end.
func TestPendingMatchesModel(t *testing.T) {
	for seed := range uint64(500) {
		rng := rand.New(rand.NewPCG(seed, 11))
		max := 1 + rng.IntN(6)
		p := newPending[int](max)
		var model []int
		closed := false
		for i := range 100 {
			switch op := rng.IntN(10); {
			case op < 5:
				item := i
				want := !closed && len(model) < max
				if got := p.offer(&item); got != want {
					t.Fatalf("seed %d: offer with %d of %d waiting (closed %v) answered %v", seed, len(model), max, closed, got)
				}
				if want {
					model = append(model, i)
				}
			case op < 9:
				if len(model) == 0 && !closed {
					continue // take would wait
				}
				item, ok := p.take(context.Background())
				if len(model) == 0 {
					if ok {
						t.Fatalf("seed %d: take after the end found %d", seed, *item)
					}
					continue
				}
				if !ok || *item != model[0] {
					t.Fatalf("seed %d: take gave %v %v, want %d", seed, item, ok, model[0])
				}
				model = model[1:]
			default:
				p.close()
				closed = true
			}
		}
	}
}

// A put on a full queue waits for room and gives up when its subscription or connection ends; a
// take gives up when its context ends.
func TestPendingWaitsEnd(t *testing.T) {
	p := newPending[int](1)
	one, two := 1, 2
	if !p.offer(&one) || p.offer(&two) {
		t.Fatal("a queue of one: the first offer must pass, the second be refused")
	}
	stop := make(chan struct{})
	gave := make(chan bool)
	go func() { gave <- p.put(&two, nil, stop) }()
	close(stop)
	if <-gave {
		t.Fatal("a put on a full queue went through after its subscription ended")
	}
	done := make(chan bool)
	go func() { done <- p.put(&two, nil, nil) }()
	if got, _ := p.take(context.Background()); *got != 1 {
		t.Fatalf("took %d, want 1", *got)
	}
	if !<-done {
		t.Fatal("a waiting put was refused once room was made")
	}
	if got, _ := p.take(context.Background()); *got != 2 {
		t.Fatalf("took %d, want 2", *got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, ok := p.take(ctx); ok || ctx.Err() == nil {
		t.Fatal("a take on an empty queue returned before its context ended")
	}
}
