package httpapi

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"

	"switchboard/internal/fault"
)

// retryAfterSeconds is what an UNAVAILABLE answer asks the client to wait: a database restart or
// failover takes a few seconds, and the server reconnects by itself within 2 s of its return.
const retryAfterSeconds = "2"

// httpStatus is the HTTP status of an answer that failed as a whole with f.
func httpStatus(f *fault.Error, otherwise int) int {
	if f.Code == fault.Unavailable {
		return http.StatusServiceUnavailable
	}
	return otherwise
}

// markRetry sets Retry-After on answers that are 503.
func markRetry(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
}

// outageKey carries the flag that a GraphQL response failed as a whole because of an outage.
type outageKey struct{}

// outageStatus makes a GraphQL request that failed as a whole with UNAVAILABLE (no data, every
// error UNAVAILABLE) answer HTTP 503 with Retry-After, so HTTP clients and proxies see an outage
// and retry, rather than a 200 whose body they must inspect. WebSocket upgrades pass through.
func outageStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		flag := new(atomic.Bool)
		next.ServeHTTP(&outageWriter{ResponseWriter: w, flag: flag}, r.WithContext(context.WithValue(r.Context(), outageKey{}, flag)))
	})
}

// noteOutage is a gqlgen response middleware: it raises the request's flag when the response
// failed as a whole with UNAVAILABLE.
func noteOutage(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	flag, _ := ctx.Value(outageKey{}).(*atomic.Bool)
	if resp == nil || flag == nil || len(resp.Errors) == 0 || (len(resp.Data) > 0 && string(resp.Data) != "null") {
		return resp
	}
	for _, e := range resp.Errors {
		if code, _ := e.Extensions["code"].(string); code != string(fault.Unavailable) {
			return resp
		}
	}
	flag.Store(true)
	return resp
}

// outageWriter turns the GraphQL transport's 200 into 503 when the flag is raised.
type outageWriter struct {
	http.ResponseWriter
	flag        *atomic.Bool
	wroteHeader bool
}

func (o *outageWriter) WriteHeader(code int) {
	if o.wroteHeader {
		return
	}
	o.wroteHeader = true
	if code == http.StatusOK && o.flag.Load() {
		code = http.StatusServiceUnavailable
	}
	markRetry(o.ResponseWriter, code)
	o.ResponseWriter.WriteHeader(code)
}

func (o *outageWriter) Write(b []byte) (int, error) {
	if !o.wroteHeader {
		o.WriteHeader(http.StatusOK)
	}
	return o.ResponseWriter.Write(b)
}

func (o *outageWriter) Unwrap() http.ResponseWriter { return o.ResponseWriter }
