package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// records keeps the log records a handler receives.
type records struct {
	mu  sync.Mutex
	got []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, rec)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func (r *records) take() []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

// The access log is quiet at info: a request is a debug line, a slow one a warning (WebSockets,
// which last, are not slow), health checks and scrapes are not logged.
func TestAccessLogLevels(t *testing.T) {
	db := testdb.Open(t)
	for i, tc := range []struct {
		name  string
		slow  time.Duration
		level slog.Level
		msg   string
	}{
		{"a request", time.Hour, slog.LevelDebug, "request"},
		{"a slow request", time.Nanosecond, slog.LevelWarn, "slow request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &records{}
			s := testapi.NewOn(t, db, httpapi.Config{AccessLog: slog.New(log), SlowRequest: tc.slow})
			s.Anonymous().Do(`{__typename}`, nil).OK(t)
			got := log.take()
			if len(got) != 1 || got[0].Level != tc.level || got[0].Message != tc.msg {
				t.Fatalf("logged %v, want one %s %q", got, tc.level, tc.msg)
			}
			for _, path := range []string{"/healthz", "/metrics"} {
				get(t, s.URL+path)
			}
			if got := log.take(); len(got) != 0 {
				t.Fatalf("health checks and scrapes were logged: %v", got)
			}
			ws := s.NewWorkspace(fmt.Sprintf("acme%d", i))
			log.take()
			sub := ws.Admin.Subscribe(`subscription{workspaceEvents{type}}`, nil)
			sub.Close()
			testapi.Eventually(t, 5*time.Second, "the WebSocket's end logged", func() bool { got = log.take(); return len(got) > 0 })
			if got[0].Level != slog.LevelDebug {
				t.Fatalf("a WebSocket was logged at %s: %v", got[0].Level, got)
			}
		})
	}
}
