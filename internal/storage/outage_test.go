package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"switchboard/internal/fault"
)

// §9: which database errors are an outage (UNAVAILABLE), which may be retried inside the server,
// and which leave a write's outcome unknown.
func TestOutageClassification(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, c := range []struct {
		name                          string
		err                           error
		unreachable, conflict, unsure bool
	}{
		{"deadlock", &pgconn.PgError{Code: "40P01"}, false, true, false},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, false, true, false},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false, false, false},
		{"server shutting down", &pgconn.PgError{Code: "57P01"}, true, false, false},
		{"server starting up", fmt.Errorf("begin: %w", &pgconn.PgError{Code: "57P03"}), true, false, false},
		{"connection refused", refused, true, false, true},
		{"connection lost mid-answer", fmt.Errorf("query: %w", io.ErrUnexpectedEOF), true, false, true},
		{"request deadline", context.DeadlineExceeded, false, false, true},
		{"client went away", context.Canceled, false, false, false},
		{"a domain error", fault.New(fault.Conflict, "taken"), false, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Unreachable(c.err); got != c.unreachable {
				t.Errorf("Unreachable = %v", got)
			}
			if got := conflicted(c.err); got != c.conflict {
				t.Errorf("conflicted = %v", got)
			}
			if got := OutcomeUnknown(c.err); got != c.unsure {
				t.Errorf("OutcomeUnknown = %v", got)
			}
			if f, ok := fault.As(classify(c.err)); c.unreachable && (!ok || f.Code != fault.Unavailable) {
				t.Errorf("classified as %v, want UNAVAILABLE", f)
			}
			if !c.unreachable && !errors.Is(classify(c.err), c.err) {
				t.Errorf("classify changed an error that is not an outage")
			}
		})
	}
}
