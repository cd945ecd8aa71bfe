package graph

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	entgo "entgo.io/ent"
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
	if f, ok := Classify(err); ok {
		return set(f.Code, f.Message, f.Extensions)
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

// Classify is the one place that names the SPEC §9 code of an error from below the resolvers, for
// both transports (GraphQL's ErrorPresenter, REST): a domain fault as it is; a query without a
// workspace scope UNAUTHENTICATED; ent's not-found NOT_FOUND; a value ent's validators refused
// BAD_USER_INPUT (with the field); a unique constraint CONFLICT; a cancelled or timed-out request
// UNAVAILABLE. ok is false for anything else: an internal error, which the caller logs.
func Classify(err error) (f *fault.Error, ok bool) {
	var verr *ent.ValidationError
	switch f, isFault := fault.As(err); {
	case isFault:
		return f, true
	case errors.Is(err, schema.ErrNoScope):
		return fault.New(fault.Unauthenticated, "%s", fault.ErrUnauthenticated.Message), true
	case ent.IsNotFound(err):
		return fault.New(fault.NotFound, "not found in your workspace"), true
	case errors.As(err, &verr):
		name, msg := refusedValue(verr)
		return fault.New(fault.BadUserInput, "%s: %s", name, msg).With("field", name), true
	case ent.IsConstraintError(err):
		return fault.New(fault.Conflict, "that would duplicate something that already exists"), true
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fault.New(fault.Unavailable, "the request was cancelled or timed out: try again"), true
	}
	return nil, false
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

// bounds are the ranges ent's validators hold numbers to, as the schema's descriptions say them
// ("15 to 3600"), by field name.
var bounds = func() map[string]string {
	out := map[string]string{}
	re := regexp.MustCompile(`(\d+) to (\d+)`)
	for _, s := range []interface{ Fields() []entgo.Field }{schema.Workspace{}, schema.AgentChannel{}} {
		for _, f := range s.Fields() {
			if d := f.Descriptor(); re.MatchString(d.Comment) {
				out[d.Name] = re.FindString(d.Comment)
			}
		}
	}
	return out
}()

// refusedValue says, in the API's words, which field ent's validators refused and why: the field by
// its GraphQL name (lock_grace_period_seconds is lockGracePeriodSeconds) and what it must be,
// rather than ent's message about itself.
func refusedValue(verr *ent.ValidationError) (field, msg string) {
	parts := strings.Split(verr.Name, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	field = strings.Join(parts, "")
	switch why := errors.Unwrap(verr).Error(); {
	case strings.Contains(why, "out of range") && bounds[verr.Name] != "":
		return field, "must be " + bounds[verr.Name]
	case strings.Contains(why, "greater than the required"):
		return field, "is too long"
	case strings.Contains(why, "empty"), strings.Contains(why, "less than the required"):
		return field, "must not be empty"
	default:
		return field, "is not a valid value"
	}
}
