package httpapi

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"switchboard/internal/events"
)

// closeInitTimeout is graphql-transport-ws's code for a connection_init that never came.
const closeInitTimeout = 4408

// closeRestart (RFC 6455 1012, service restart) closes every WebSocket when the server drains:
// clients reconnect (graphql-ws retries any code but its own fatal ones) and resume from their
// cursors on another instance. No subscription is completed: "complete" would tell a client it
// has everything.
const closeRestart = events.CloseRestart

// openSockets are the WebSockets being served, so that a drain can close them all.
type openSockets struct {
	mu      sync.Mutex
	set     map[*socketHolder]struct{}
	drained bool
	empty   chan struct{} // closed when drained and the last one has ended
}

func newOpenSockets() *openSockets {
	return &openSockets{set: map[*socketHolder]struct{}{}, empty: make(chan struct{})}
}

// add registers h; false when the server drains (the upgrade is refused).
func (o *openSockets) add(h *socketHolder) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.drained {
		return false
	}
	o.set[h] = struct{}{}
	return true
}

// draining reports whether a drain has begun.
func (o *openSockets) draining() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.drained
}

func (o *openSockets) remove(h *socketHolder) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.set, h)
	if o.drained && len(o.set) == 0 {
		close(o.empty)
	}
}

// drain closes every WebSocket with 1012, refuses new ones, and waits until their handlers have
// ended or ctx ends.
func (o *openSockets) drain(ctx context.Context) {
	o.mu.Lock()
	if o.drained {
		o.mu.Unlock()
		return
	}
	o.drained = true
	hs := make([]*socketHolder, 0, len(o.set))
	for h := range o.set {
		hs = append(hs, h)
	}
	if len(o.set) == 0 {
		close(o.empty)
	}
	o.mu.Unlock()
	for _, h := range hs {
		h.drop(closeRestart, "server restarting: reconnect and resume from your last cursor")
	}
	select {
	case <-o.empty:
	case <-ctx.Done():
	}
}

// socketHolder lets the code serving a connection close it with a code of ours.
type socketHolder struct {
	mu   sync.Mutex
	conn *socket
}

type holderKey struct{}

// drop closes the held connection with code, if it is open yet.
func (h *socketHolder) drop(code int, reason string) {
	h.mu.Lock()
	s := h.conn
	h.mu.Unlock()
	if s != nil {
		s.drop(code, reason)
	}
}

// withSocketHolder prepares WebSocket upgrade requests so that subscriptions can drop their
// connection with a close code (events.Drop), and so that a drain closes them all.
func (o *openSockets) withSocketHolder(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		h := &socketHolder{}
		if !o.add(h) {
			w.Header().Set("Retry-After", retryAfterSeconds)
			http.Error(w, "server restarting: connect to another instance", http.StatusServiceUnavailable)
			return
		}
		defer o.remove(h)
		ctx := context.WithValue(r.Context(), holderKey{}, h)
		ctx = events.WithDropper(ctx, h.drop)
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

// WriteJSON sends a message unless the connection is being dropped: a subscription whose stream
// dropped the connection ends before gqlgen's read loop notices the close, and gqlgen would
// then send "complete" for it, which tells a graphql-ws client it has everything.
func (s *socket) WriteJSON(v any) error {
	s.mu.Lock()
	dropped := s.code != 0
	s.mu.Unlock()
	if dropped {
		return net.ErrClosed
	}
	return s.WebsocketConn.WriteJSON(v)
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
