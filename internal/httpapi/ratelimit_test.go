package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/internal/auth"
	"switchboard/internal/httpapi"
	"switchboard/internal/ratelimit"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// answer is one HTTP answer, reduced to what the limits are judged by.
type answer struct {
	status     int
	retryAfter string
	code       string
	extWait    any
}

func send(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return answer{}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body struct {
		Errors []struct{ Extensions map[string]any }
	}
	_ = json.Unmarshal(raw, &body)
	a := answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After")}
	if len(body.Errors) > 0 {
		a.code, _ = body.Errors[0].Extensions["code"].(string)
		a.extWait = body.Errors[0].Extensions["retryAfter"]
	}
	return a
}

// checkLimited fails unless a is a well-formed refusal of SPEC §10: HTTP 429, RATE_LIMITED, and
// the wait in whole seconds both in Retry-After and in extensions.retryAfter.
func checkLimited(t *testing.T, a answer) {
	t.Helper()
	s, err := strconv.Atoi(a.retryAfter)
	if a.status != http.StatusTooManyRequests || a.code != "RATE_LIMITED" || err != nil || s < 1 {
		t.Fatalf("a refused request answered HTTP %d %s, Retry-After %q", a.status, a.code, a.retryAfter)
	}
	if w, ok := a.extWait.(float64); !ok || int(w) != s {
		t.Fatalf("extensions.retryAfter %v, Retry-After %s: want the same whole seconds", a.extWait, a.retryAfter)
	}
}

// SPEC §10: 300 parallel requests with one credential: the burst is answered, the rest refused
// with 429 and when to come back; another credential is not held back; after the wait the first
// one is answered again.
func TestRateLimitPerCredential(t *testing.T) {
	clock := &testClock{}
	clock.at.Store(time.Now().UnixNano())
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{Limits: httpapi.Limits{PerCredential: ratelimit.Rate{PerSecond: 2, Burst: 20}, Now: clock.Now}})
	ws := s.NewWorkspace("limits")
	ana := ws.NewAgent("ana@limits.test", "AGENT")
	ben := ws.NewAgent("ben@limits.test", "AGENT")

	var mu sync.Mutex
	var answered, refused int
	var wg sync.WaitGroup
	for range 300 {
		wg.Go(func() {
			a := send(t, newRequest(t, http.MethodPost, s.URL+"/query", `{"query":"query{me{id}}"}`, ana.Token))
			mu.Lock()
			defer mu.Unlock()
			switch a.status {
			case http.StatusOK:
				answered++
			default:
				refused++
				checkLimited(t, a)
			}
		})
	}
	wg.Wait()
	// the workspace's set-up took a few of ana's tokens; the clock stands still, so none came back
	if answered < 10 || answered > 20 || refused != 300-answered {
		t.Fatalf("300 parallel requests with one credential: %d answered, %d refused; want about the burst of 20 answered", answered, refused)
	}
	ben.Do(`query{me{id}}`, nil).OK(t)

	// The REST routes share the limit (the bucket may have earned a token or two back meanwhile).
	var limited answer
	for range 5 {
		if limited = send(t, newRequest(t, http.MethodPost, s.URL+"/v1/conversations/1/claim", "", ana.Token)); limited.status == http.StatusTooManyRequests {
			break
		}
	}
	checkLimited(t, limited)
	wait, _ := strconv.Atoi(limited.retryAfter)
	clock.at.Add(int64(time.Duration(wait) * time.Second))
	ana.Do(`query{me{id}}`, nil).OK(t)
}

// testClock is a clock that moves only when a test moves it.
type testClock struct{ at atomic.Int64 }

func (c *testClock) Now() time.Time { return time.Unix(0, c.at.Load()) }

// Requests without a credential are limited per client address; X-Forwarded-For names the
// client only when the server is told to trust it (behind a proxy that sets it).
func TestRateLimitPerAddress(t *testing.T) {
	for _, trust := range []bool{false, true} {
		s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{Limits: httpapi.Limits{
			PerAddress: ratelimit.Rate{PerSecond: 0.1, Burst: 5}, TrustForwardedFor: trust}})
		req := func(forwardedFor string) answer {
			r := newRequest(t, http.MethodPost, s.URL+"/query", `{"query":"query{me{id}}"}`, "")
			if forwardedFor != "" {
				r.Header.Set("X-Forwarded-For", forwardedFor)
			}
			return send(t, r)
		}
		for i := range 5 {
			if a := req("203.0.113.1"); a.status == http.StatusTooManyRequests {
				t.Fatalf("trust %v: anonymous request %d of a burst of 5 refused", trust, i+1)
			}
		}
		checkLimited(t, req("203.0.113.1"))
		// a spoofed header gets nothing unless trusted; a trusted one names another client
		if a := req("198.51.100.7, 203.0.113.2"); trust == (a.status == http.StatusTooManyRequests) {
			t.Fatalf("trust %v: another forwarded address answered HTTP %d", trust, a.status)
		}
	}
}

// SPEC §10: password guessing is slowed down, then refused per email, whatever the password,
// until a failure's worth has refilled; the right password then signs in, and a success gives
// the email its failures back.
func TestLoginThrottle(t *testing.T) {
	var clock atomic.Int64 // the buckets' time, moved by the test
	clock.Store(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC).UnixNano())
	var mu sync.Mutex
	var waited []time.Duration // each failure's slow-down, as the server asked for it
	limits := &auth.LoginLimits{
		PerEmail:   ratelimit.Rate{PerSecond: 0.25, Burst: 5},
		PerAddress: ratelimit.Rate{PerSecond: 100, Burst: 1000},
		Free:       2,
		Slow:       100 * time.Millisecond,
		MaxSlow:    250 * time.Millisecond,
		Now:        func() time.Time { return time.Unix(0, clock.Load()) },
		Wait: func(_ context.Context, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			waited = append(waited, d)
		},
	}
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{Limits: httpapi.Limits{Logins: limits}})
	ws := s.NewWorkspace("guess")
	ws.NewAgent("ana@guess.test", "AGENT")
	login := func(password string) (answer, []time.Duration) {
		body, _ := json.Marshal(map[string]any{"query": `mutation($p:String!){login(email:"ana@guess.test",password:$p){token}}`,
			"variables": map[string]any{"p": password}})
		mu.Lock()
		waited = nil
		mu.Unlock()
		a := send(t, newRequest(t, http.MethodPost, s.URL+"/query", string(body), ""))
		mu.Lock()
		defer mu.Unlock()
		return a, waited
	}
	for i := range 5 {
		a, waits := login("wrong-guess-" + strconv.Itoa(i))
		if a.code != "UNAUTHENTICATED" {
			t.Fatalf("failure %d answered HTTP %d %s, want UNAUTHENTICATED", i+1, a.status, a.code)
		}
		var want []time.Duration // the first Free at once, then Slow more each, up to MaxSlow
		if i >= limits.Free {
			want = []time.Duration{min(time.Duration(i-limits.Free+1)*limits.Slow, limits.MaxSlow)}
		}
		if !slices.Equal(waits, want) {
			t.Fatalf("failure %d was slowed down by %v, want %v", i+1, waits, want)
		}
	}
	a, _ := login(testapi.Password) // refused even with the right password: guessing learns nothing
	checkLimited(t, a)
	wait, _ := strconv.Atoi(a.retryAfter)
	clock.Add(int64(time.Duration(wait) * time.Second))
	if a, _ := login(testapi.Password); a.code != "" {
		t.Fatalf("the right password after the wait answered HTTP %d %s", a.status, a.code)
	}
	if a, waits := login("wrong-again"); a.code != "UNAUTHENTICATED" || len(waits) != 0 {
		t.Fatalf("after a success, a failure answered %s slowed down by %v: want its failures back (at once)", a.code, waits)
	}
}

// Many emails guessed from one client address are refused per address.
func TestLoginThrottlePerAddress(t *testing.T) {
	limits := &auth.LoginLimits{
		PerEmail:   ratelimit.Rate{PerSecond: 1, Burst: 100},
		PerAddress: ratelimit.Rate{PerSecond: 0.1, Burst: 4},
		Free:       100,
	}
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{Limits: httpapi.Limits{Logins: limits}})
	for i := range 4 {
		if r := s.Anonymous().Do(`mutation($e:String!){login(email:$e,password:"nope-nope"){token}}`, testapi.Vars{"e": "who" + strconv.Itoa(i) + "@x.test"}); r.Code() != "UNAUTHENTICATED" {
			t.Fatalf("guess %d: %s", i+1, r.Raw)
		}
	}
	r := s.Anonymous().Do(`mutation{login(email:"someone-else@x.test",password:"nope-nope"){token}}`, nil)
	if r.Code() != "RATE_LIMITED" || r.Status != http.StatusTooManyRequests {
		t.Fatalf("a fifth email from the same address: HTTP %d %s", r.Status, r.Raw)
	}
}
