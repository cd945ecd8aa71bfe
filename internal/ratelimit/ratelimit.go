// Package ratelimit keeps token buckets (golang.org/x/time/rate) per key — a session, an API key,
// a client address, an email — for the limits of SPEC §10. Buckets live in this process: with N
// instances behind a load balancer a client gets at most N times a limit (docs/api.md).
package ratelimit

import (
	"context"
	"math"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/time/rate"
)

// Rate is a sustained rate and a burst.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Keyed is one bucket per key. A bucket unused for idle is forgotten (it was full again by then,
// for every rate this package is given), and at most size are kept.
type Keyed struct {
	r       Rate
	buckets *expirable.LRU[string, *rate.Limiter]
}

// NewKeyed returns buckets of rate r.
func NewKeyed(r Rate, size int) *Keyed {
	idle := time.Duration(float64(r.Burst)/r.PerSecond*float64(time.Second)) + time.Minute
	return &Keyed{r: r, buckets: expirable.NewLRU[string, *rate.Limiter](size, nil, idle)}
}

func (k *Keyed) bucket(key string) *rate.Limiter {
	if l, ok := k.buckets.Get(key); ok {
		return l
	}
	l := rate.NewLimiter(rate.Limit(k.r.PerSecond), k.r.Burst)
	k.buckets.Add(key, l)
	return l
}

// Take takes a token for key at now; when there is none it returns how long until there is one.
func (k *Keyed) Take(key string, now time.Time) (wait time.Duration) {
	l := k.bucket(key)
	if l.AllowN(now, 1) {
		return 0
	}
	return untilOne(l.TokensAt(now), k.r.PerSecond)
}

// Wait says how long until key has a token at now, taking none (0: it has one).
func (k *Keyed) Wait(key string, now time.Time) time.Duration {
	l, ok := k.buckets.Get(key)
	if !ok {
		return 0
	}
	if t := l.TokensAt(now); t < 1 {
		return untilOne(t, k.r.PerSecond)
	}
	return 0
}

// Spend takes a token for key at now if there is one, and returns how many tokens are left.
func (k *Keyed) Spend(key string, now time.Time) (left float64) {
	l := k.bucket(key)
	l.AllowN(now, 1)
	return l.TokensAt(now)
}

// Refill gives key a full bucket again.
func (k *Keyed) Refill(key string) { k.buckets.Remove(key) }

// Burst is the bucket's size.
func (k *Keyed) Burst() int { return k.r.Burst }

func untilOne(tokens, perSecond float64) time.Duration {
	return time.Duration(math.Ceil((1-tokens)/perSecond*1000)) * time.Millisecond
}

// Seconds is wait in whole seconds, at least 1: for Retry-After and extensions.retryAfter.
func Seconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}

type addrKey struct{}

// WithClientAddr stores the client's address (for the limits on sign-in).
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey{}, addr)
}

// ClientAddr is the client's address stored by WithClientAddr ("" when none).
func ClientAddr(ctx context.Context) string {
	a, _ := ctx.Value(addrKey{}).(string)
	return a
}
