// Package fault is the error vocabulary shared by every domain package: a stable code from SPEC §9,
// a message that says what to do next, and structured extensions (the current owner, the holder).
// graph/errors.go and the REST handlers present these; nothing else reaches a client.
package fault

import (
	"errors"
	"fmt"
)

// Code is an error code of SPEC §9, sent as extensions.code.
type Code string

// The codes of SPEC §9.
const (
	Unauthenticated  Code = "UNAUTHENTICATED"
	Forbidden        Code = "FORBIDDEN"
	NotFound         Code = "NOT_FOUND"
	BadUserInput     Code = "BAD_USER_INPUT"
	Conflict         Code = "CONFLICT"
	Locked           Code = "LOCKED"
	CapacityExceeded Code = "CAPACITY_EXCEEDED"
	InvalidState     Code = "INVALID_STATE"
	RateLimited      Code = "RATE_LIMITED"
	// CursorExpired: a subscription's `after` is older than the audit log keeps (E6): the events
	// after it are gone, so the client reloads what it shows and subscribes without a cursor.
	CursorExpired Code = "CURSOR_EXPIRED"
	// Unavailable: the server cannot reach its database right now (an outage, a restart); the
	// request may be sent again in a moment. HTTP answers carry 503 and Retry-After.
	Unavailable Code = "UNAVAILABLE"
	// Internal is for failures the client cannot fix; details are logged, never sent.
	Internal Code = "INTERNAL_SERVER_ERROR"
)

// Error is a client-facing error.
type Error struct {
	Code    Code
	Message string
	// Extensions are added to the GraphQL error's extensions (for example "owner", "field").
	Extensions map[string]any
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// With returns a copy of e with one more extension.
func (e *Error) With(key string, value any) *Error {
	out := *e
	out.Extensions = make(map[string]any, len(e.Extensions)+1)
	for k, v := range e.Extensions {
		out.Extensions[k] = v
	}
	out.Extensions[key] = value
	return &out
}

// New makes an error with a code and a message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// As finds the *Error in err's chain.
func As(err error) (*Error, bool) {
	var f *Error
	ok := errors.As(err, &f)
	return f, ok
}

// ErrUnauthenticated is returned when a request carries no valid credentials.
var ErrUnauthenticated = New(Unauthenticated, "sign in first: send a session token or an API key as 'Authorization: Bearer <token>'")

// ErrUnavailable is every error caused by the database being out of reach.
var ErrUnavailable = New(Unavailable, "the database cannot be reached right now: try again in a few seconds")

// Denied says the viewer's role does not allow an action.
func Denied(action string) *Error {
	return New(Forbidden, "your role does not allow you to %s", action)
}

// Missing says a thing does not exist in the viewer's workspace (also used for things of another
// workspace, so ids of other tenants reveal nothing).
func Missing(what string) *Error {
	return New(NotFound, "%s not found in your workspace", what)
}

// Invalid says an input field is wrong and how.
func Invalid(field, format string, args ...any) *Error {
	return New(BadUserInput, "%s: %s", field, fmt.Sprintf(format, args...)).With("field", field)
}
