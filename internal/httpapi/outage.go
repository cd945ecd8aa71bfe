package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"switchboard/internal/events"
	"switchboard/internal/fault"
)

// retryAfterSeconds is what an UNAVAILABLE answer asks the client to wait: a database restart or
// failover takes a few seconds, and the server reconnects by itself within 2 s of its return.
const retryAfterSeconds = "2"

// httpStatus is the HTTP status of an answer that failed as a whole with f.
func httpStatus(f *fault.Error, otherwise int) int {
	switch f.Code {
	case fault.Unavailable:
		return http.StatusServiceUnavailable
	case fault.RateLimited:
		return http.StatusTooManyRequests
	}
	return otherwise
}

// markRetry sets Retry-After on answers that are 503 (429s set their own).
func markRetry(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
}

// failureKey carries where a GraphQL response that failed as a whole records its status.
type failureKey struct{}

// wholeFailure is the HTTP status of a GraphQL response that failed as a whole, for a reason
// HTTP has a status for, and its Retry-After.
type wholeFailure struct {
	status     int
	retryAfter string
}

// failureStatus makes a GraphQL request that failed as a whole (no data, every error of one
// code) with UNAVAILABLE answer HTTP 503, and with RATE_LIMITED 429, both with Retry-After, so
// HTTP clients and proxies see an outage or a limit and retry later, rather than a 200 whose
// body they must inspect. WebSocket upgrades pass through.
func failureStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		rec := new(atomic.Pointer[wholeFailure])
		next.ServeHTTP(&failureWriter{ResponseWriter: w, failure: rec}, r.WithContext(context.WithValue(r.Context(), failureKey{}, rec)))
	})
}

// noteFailure is a gqlgen response middleware: it records the status of a response that failed
// as a whole with UNAVAILABLE or RATE_LIMITED.
func noteFailure(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Errors) == 0 || (len(resp.Data) > 0 && string(resp.Data) != "null") {
		return resp
	}
	// Looked up only now: a lookup that misses walks the whole context chain, at every event a
	// subscription delivers.
	rec, _ := ctx.Value(failureKey{}).(*atomic.Pointer[wholeFailure])
	if rec == nil {
		return resp
	}
	code, _ := resp.Errors[0].Extensions["code"].(string)
	for _, e := range resp.Errors[1:] {
		if c, _ := e.Extensions["code"].(string); c != code {
			return resp
		}
	}
	switch fault.Code(code) {
	case fault.Unavailable:
		rec.Store(&wholeFailure{http.StatusServiceUnavailable, retryAfterSeconds})
	case fault.RateLimited:
		after := 1
		for _, e := range resp.Errors {
			if s, ok := e.Extensions["retryAfter"].(int); ok {
				after = max(after, s)
			}
		}
		rec.Store(&wholeFailure{http.StatusTooManyRequests, strconv.Itoa(after)})
	}
	return resp
}

// failureWriter turns the GraphQL transport's 200 into the recorded status.
type failureWriter struct {
	http.ResponseWriter
	failure     *atomic.Pointer[wholeFailure]
	wroteHeader bool
}

func (o *failureWriter) WriteHeader(code int) {
	if o.wroteHeader {
		return
	}
	o.wroteHeader = true
	if f := o.failure.Load(); code == http.StatusOK && f != nil {
		code = f.status
		o.ResponseWriter.Header().Set("Retry-After", f.retryAfter)
	}
	markRetry(o.ResponseWriter, code)
	o.ResponseWriter.WriteHeader(code)
}

func (o *failureWriter) Write(b []byte) (int, error) {
	if !o.wroteHeader {
		o.WriteHeader(http.StatusOK)
	}
	return o.ResponseWriter.Write(b)
}

func (o *failureWriter) Unwrap() http.ResponseWriter { return o.ResponseWriter }

// holdBackUnavailable is a gqlgen operation middleware for subscriptions: a response with an
// UNAVAILABLE among its errors — an event whose fields could not be read because the database is
// out of reach, or the subscription's start, which could not read what it needs — is not sent.
// The socket closes with 1013 before it, so the client reconnects and resumes from its last cursor
// and then gets the event whole (E3). Sent, the event would arrive half-read; the failed start
// would be followed by gqlgen's "complete", which tells a graphql-ws client that the stream is
// over. Found by the history checker: a lockChanged event whose holder could not be loaded
// reached the client as errors only; and by the chaos run (seed 5): a subscription started during
// an outage was completed.
func holdBackUnavailable(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	h := next(ctx)
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Subscription {
		return h
	}
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if resp == nil {
			return nil
		}
		for _, e := range resp.Errors {
			if code, _ := e.Extensions["code"].(string); code == string(fault.Unavailable) {
				events.Drop(ctx, events.CloseTryLater, "the database is out of reach: reconnect in a moment and resume from your last cursor")
				return resp // written after the close frame: the client never reads it
			}
		}
		return resp
	}
}
