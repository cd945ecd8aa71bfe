package httpapi

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"switchboard/internal/events"
)

// closeInitTimeout is graphql-transport-ws's code for a connection_init that never came.
const closeInitTimeout = 4408

// socketHolder lets the code serving a connection close it with a code of ours.
type socketHolder struct {
	mu   sync.Mutex
	conn *socket
}

type holderKey struct{}

// withSocketHolder prepares WebSocket upgrade requests so that subscriptions can drop their
// connection with a close code (events.Drop).
func withSocketHolder(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		h := &socketHolder{}
		ctx := context.WithValue(r.Context(), holderKey{}, h)
		ctx = events.WithDropper(ctx, func(code int, reason string) {
			h.mu.Lock()
			s := h.conn
			h.mu.Unlock()
			if s != nil {
				s.drop(code, reason)
			}
		})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// sockets wraps gqlgen's WebSocket implementation: init timeouts close with 4408 (the
// graphql-transport-ws code) and subscriptions can drop their connection with a code.
type sockets struct {
	transport.WebsocketImplementation
}

func (s sockets) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := s.WebsocketImplementation.Accept(w, r, o)
	if err != nil {
		return nil, err
	}
	sock := &socket{WebsocketConn: c}
	if h, ok := r.Context().Value(holderKey{}).(*socketHolder); ok {
		h.mu.Lock()
		h.conn = sock
		h.mu.Unlock()
	}
	return sock, nil
}

type socket struct {
	transport.WebsocketConn
	mu     sync.Mutex
	code   int
	reason string
}

// WriteClose substitutes our codes.
func (s *socket) WriteClose(code int, message string) error {
	s.mu.Lock()
	if s.code != 0 {
		code, message = s.code, s.reason
	}
	s.mu.Unlock()
	if code == transport.WebsocketCloseProtocolError && message == "connection initialisation timeout" {
		code = closeInitTimeout
	}
	return s.WebsocketConn.WriteClose(code, message)
}

// drop closes the connection with code; gqlgen's read loop then ends the connection's
// subscriptions.
func (s *socket) drop(code int, reason string) {
	s.mu.Lock()
	s.code, s.reason = code, reason
	s.mu.Unlock()
	_ = s.WriteClose(code, reason)
	_ = s.WebsocketConn.Close()
}

// SetReadLimit and SetReadDeadline pass gqlgen's optional controls through.
func (s *socket) SetReadLimit(n int64) {
	if l, ok := s.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(n)
	}
}

func (s *socket) SetReadDeadline(t time.Time) error {
	if d, ok := s.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
