package auth

import (
	"context"
	"time"

	"switchboard/internal/fault"
	"switchboard/internal/ratelimit"
)

// LoginLimits slow down and then refuse password guessing (SPEC §10): failed sign-ins are counted
// per email and per client address in token buckets. The first failures of a burst answer at
// once, the next ones later and later (Slow after the first Free), and once a bucket is empty
// login is refused with RATE_LIMITED (and Retry-After) for that email or address — whatever the
// password, so guessing learns nothing — until a failure's worth has refilled. A successful
// sign-in refills its email's bucket.
type LoginLimits struct {
	PerEmail, PerAddress ratelimit.Rate
	// Free failures in a row answer at once; each later one waits Slow more, up to MaxSlow.
	Free          int
	Slow, MaxSlow time.Duration
	// Now is the buckets' clock (nil: time.Now; tests move their own).
	Now func() time.Time
	// Wait slows a failure down by d (nil: a timer that ctx ends early; tests record d).
	Wait func(ctx context.Context, d time.Duration)
}

// DefaultLoginLimits: 10 failures per email (one more every 30 s), 30 per address (one more every
// 10 s); from the 4th failure on, each answer waits 250 ms more, up to 2 s.
var DefaultLoginLimits = LoginLimits{
	PerEmail:   ratelimit.Rate{PerSecond: 1.0 / 30, Burst: 10},
	PerAddress: ratelimit.Rate{PerSecond: 1.0 / 10, Burst: 30},
	Free:       3,
	Slow:       250 * time.Millisecond,
	MaxSlow:    2 * time.Second,
}

// throttle applies LoginLimits; nil applies none.
type throttle struct {
	l             LoginLimits
	emails, addrs *ratelimit.Keyed
}

func newThrottle(l *LoginLimits) *throttle {
	if l == nil {
		return nil
	}
	t := &throttle{l: *l, emails: ratelimit.NewKeyed(l.PerEmail, 100000), addrs: ratelimit.NewKeyed(l.PerAddress, 100000)}
	if t.l.Now == nil {
		t.l.Now = time.Now
	}
	if t.l.Wait == nil {
		t.l.Wait = sleepCtx
	}
	return t
}

// now is the buckets' time (any time when there are no limits: nothing reads it).
func (t *throttle) now() time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.l.Now()
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// refused is RATE_LIMITED when email or addr has no failure left at now.
func (t *throttle) refused(email, addr string, now time.Time) error {
	if t == nil {
		return nil
	}
	wait := max(t.emails.Wait(email, now), t.addrs.Wait(addr, now))
	if wait == 0 {
		return nil
	}
	s := ratelimit.Seconds(wait)
	return fault.New(fault.RateLimited, "too many failed sign-ins: try again in %d s", s).With("retryAfter", s)
}

// failed counts a failed sign-in and waits as long as the burst so far asks.
func (t *throttle) failed(ctx context.Context, email, addr string, now time.Time) {
	if t == nil {
		return
	}
	left := min(t.emails.Spend(email, now), t.addrs.Spend(addr, now)*float64(t.emails.Burst())/float64(t.addrs.Burst()))
	if over := float64(t.emails.Burst()-t.l.Free) - left; over > 0 {
		t.l.Wait(ctx, min(time.Duration(over*float64(t.l.Slow)), t.l.MaxSlow))
	}
}

// succeeded refills email's bucket (not the address's: one good account must not reset the
// guessing of others from the same address).
func (t *throttle) succeeded(email string) {
	if t == nil {
		return
	}
	t.emails.Refill(email)
}
