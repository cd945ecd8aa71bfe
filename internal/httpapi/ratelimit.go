package httpapi

import (
	"crypto/sha256"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"switchboard/internal/auth"
	"switchboard/internal/fault"
	"switchboard/internal/ratelimit"
)

// Limits are the rate limits of SPEC §10. They are kept by each instance: behind a load balancer
// over N instances a client gets at most N times each.
type Limits struct {
	// Off turns every limit off (tests and benchmarks that drive the server hard on purpose).
	Off bool
	// PerCredential bounds the HTTP requests made with one session token or API key (default
	// 50 per second, bursts of 200).
	PerCredential ratelimit.Rate
	// PerAddress bounds the HTTP requests without a credential from one client address (default
	// 20 per second, bursts of 100).
	PerAddress ratelimit.Rate
	// Logins bounds failed sign-ins per email and per address (default auth.DefaultLoginLimits).
	Logins *auth.LoginLimits
	// TrustForwardedFor takes the client's address from the last X-Forwarded-For entry (set it
	// only behind a proxy that appends one), else from the connection.
	TrustForwardedFor bool
	// Now is the limits' clock (default time.Now; the tests move their own).
	Now func() time.Time
}

func (l *Limits) defaults() {
	if l.Now == nil {
		l.Now = time.Now
	}
	if l.PerCredential.PerSecond == 0 {
		l.PerCredential = ratelimit.Rate{PerSecond: 50, Burst: 200}
	}
	if l.PerAddress.PerSecond == 0 {
		l.PerAddress = ratelimit.Rate{PerSecond: 20, Burst: 100}
	}
	if l.Logins == nil {
		logins := auth.DefaultLoginLimits
		l.Logins = &logins
	}
}

// loginLimits is what auth.NewService is given.
func (l Limits) loginLimits() *auth.LoginLimits {
	if l.Off {
		return nil
	}
	logins := *l.Logins
	if logins.Now == nil {
		logins.Now = l.Now // one clock for every limit
	}
	return &logins
}

// limitRequests answers 429 RATE_LIMITED, with Retry-After, to a client past its limit: per
// credential (the Authorization header, hashed: nothing is looked up before the limit), else per
// client address. It also puts the client's address in the context (for the sign-in limits).
func limitRequests(l Limits) func(http.Handler) http.Handler {
	perCred := ratelimit.NewKeyed(l.PerCredential, 100000)
	perAddr := ratelimit.NewKeyed(l.PerAddress, 100000)
	return func(next http.Handler) http.Handler { return limited(l, perCred, perAddr, next) }
}

func limited(l Limits, perCred, perAddr *ratelimit.Keyed, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := clientAddr(r, l.TrustForwardedFor)
		r = r.WithContext(ratelimit.WithClientAddr(r.Context(), addr))
		if l.Off {
			next.ServeHTTP(w, r)
			return
		}
		var wait time.Duration
		if cred := r.Header.Get("Authorization"); cred != "" {
			sum := sha256.Sum256([]byte(cred))
			wait = perCred.Take(string(sum[:]), l.Now())
		} else {
			wait = perAddr.Take(addr, l.Now())
		}
		if wait > 0 {
			s := ratelimit.Seconds(wait)
			w.Header().Set("Retry-After", strconv.Itoa(s))
			writeGraphQLError(w, http.StatusTooManyRequests, fault.New(fault.RateLimited,
				"too many requests: slow down and try again in %d s", s).With("retryAfter", s))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientAddr is the client's IP address.
func clientAddr(r *http.Request, trustForwardedFor bool) string {
	if trustForwardedFor {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			hops := strings.Split(xff[len(xff)-1], ",")
			if a := strings.TrimSpace(hops[len(hops)-1]); a != "" {
				return a
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
