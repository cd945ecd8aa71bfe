package graph

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"switchboard/ent"
	"switchboard/ent/schema"
	"switchboard/internal/fault"
)

// requestIDKey carries the request id into the error presenter's logs.
type requestIDKey struct{}

// WithRequestID stores the request id for error logs.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id of ctx ("" when none).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// codePersistedQueryNotFound is what gqlgen's automatic persisted queries extension answers for a
// hash it does not know.
const codePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"

// ErrorPresenter turns every error into a GraphQL error with an extensions.code of SPEC §9. Domain
// errors (fault.Error) keep their message and extensions; ent's errors become NOT_FOUND,
// BAD_USER_INPUT or CONFLICT; gqlgen's parse, validation and complexity errors are BAD_USER_INPUT
// (the original code stays in extensions.reason); anything else is logged with the request id and
// reported as an internal error without details.
func ErrorPresenter(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	set := func(code fault.Code, msg string, ext map[string]any) *gqlerror.Error {
		gerr.Message = msg
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		for k, v := range ext {
			gerr.Extensions[k] = v
		}
		gerr.Extensions["code"] = string(code)
		return gerr
	}
	var verr *ent.ValidationError
	switch f, isFault := fault.As(err); {
	case isFault:
		return set(f.Code, f.Message, f.Extensions)
	case errors.Is(err, schema.ErrNoScope):
		return set(fault.Unauthenticated, fault.ErrUnauthenticated.Message, nil)
	case ent.IsNotFound(err):
		return set(fault.NotFound, "not found in your workspace", nil)
	case errors.As(err, &verr):
		return set(fault.BadUserInput, verr.Name+": "+errors.Unwrap(verr).Error(), map[string]any{"field": verr.Name})
	case ent.IsConstraintError(err):
		return set(fault.Conflict, "that would duplicate something that already exists", nil)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return set(fault.Unavailable, "the request was cancelled or timed out: try again", nil)
	}
	if code, ok := gerr.Extensions["code"].(string); ok {
		switch code {
		case errcode.ValidationFailed, errcode.ParseFailed, "COMPLEXITY_LIMIT_EXCEEDED", codeDepthLimit:
			gerr.Extensions["reason"] = code
			gerr.Extensions["code"] = string(fault.BadUserInput)
			return gerr
		case string(fault.NotFound):
			return gerr
		case codePersistedQueryNotFound:
			// Apollo's protocol: on this code (and the message PersistedQueryNotFound) the client
			// sends the query with its hash.
			return gerr
		}
	}
	if strings.HasSuffix(err.Error(), "introspection disabled") { // gqlgen's, without the Introspection extension
		return set(fault.Forbidden, "introspection is turned off on this server (INTROSPECTION=false): read the schema from the documentation", nil)
	}
	if msg, ok := undecodableBody(gerr.Message); ok {
		return set(fault.BadUserInput, msg, nil)
	}
	if badScalar(err) || badPersistedQuery(err) {
		return set(fault.BadUserInput, gerr.Message, nil)
	}
	slog.ErrorContext(ctx, "graphql: internal error", "request_id", RequestID(ctx), "path", gerr.Path.String(), "err", err)
	return set(fault.Internal, "internal error: it has been logged with request id "+RequestID(ctx), nil)
}

// badScalar reports errors from decoding an argument the client sent (a malformed time or
// pagination cursor), which gqlgen reports without a code.
func badScalar(err error) bool {
	var perr *time.ParseError
	var nerr *strconv.NumError
	return errors.As(err, &perr) || errors.As(err, &nerr) || strings.Contains(err.Error(), "cannot decode cursor") ||
		strings.Contains(err.Error(), "time should be RFC3339Nano")
}

// undecodableBody is gqlgen's error (without a code, HTTP 400) for a POST body that is not a JSON
// request, told without the body gqlgen quotes in it (it may be a megabyte, or a password).
func undecodableBody(message string) (string, bool) {
	const prefix = "json request body could not be decoded: "
	msg, ok := strings.CutPrefix(message, prefix)
	if !ok {
		return "", false
	}
	if i := strings.LastIndex(msg, " body:"); i >= 0 {
		msg = msg[:i]
	}
	return "the request body is not a JSON GraphQL request: " + msg, true
}

// badPersistedQuery reports gqlgen's errors (without a code) for a persisted-query extension that
// is malformed, of an unknown version, or whose hash does not match the query sent with it.
func badPersistedQuery(err error) bool {
	return strings.Contains(err.Error(), "APQ ")
}
