package httpapi

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"switchboard/internal/auth"
)

// closeForbidden closes a WebSocket whose credential is refused or has ended (graphql-ws's
// "Forbidden": the client does not retry with it).
const closeForbidden = 4403

// credentialWatch closes every WebSocket whose credential has ended — logout, a revoked API key,
// a deactivated agent, a changed role, an expired session — with 4403, whichever instance made the
// change: one pass every `every` asks the database about all of this instance's sockets at once.
// Its goroutine runs only while there are sockets to watch.
type credentialWatch struct {
	auth  *auth.Service
	every time.Duration

	mu      sync.Mutex
	open    map[*watched]struct{}
	running bool
}

type watched struct {
	v    *auth.Viewer
	drop func(code int, reason string)
}

func newCredentialWatch(a *auth.Service, every time.Duration) *credentialWatch {
	return &credentialWatch{auth: a, every: every, open: map[*watched]struct{}{}}
}

// add watches v's credential until the returned func is called; drop closes the socket.
func (c *credentialWatch) add(v *auth.Viewer, drop func(code int, reason string)) (remove func()) {
	if drop == nil { // not a socket of ours
		return func() {}
	}
	w := &watched{v: v, drop: drop}
	c.mu.Lock()
	c.open[w] = struct{}{}
	if !c.running {
		c.running = true
		go c.run()
	}
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		delete(c.open, w)
		c.mu.Unlock()
	}
}

func (c *credentialWatch) run() {
	t := time.NewTicker(c.every)
	defer t.Stop()
	for range t.C {
		c.mu.Lock()
		if len(c.open) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		ws := make([]*watched, 0, len(c.open))
		for w := range c.open {
			ws = append(ws, w)
		}
		c.mu.Unlock()
		c.check(ws)
	}
}

// check closes the sockets of ws whose credential has ended. While the database cannot be asked,
// nothing is closed: an outage is not a sign-out.
func (c *credentialWatch) check(ws []*watched) {
	viewers := make([]*auth.Viewer, len(ws))
	for i, w := range ws {
		viewers[i] = w.v
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.every+time.Second)
	defer cancel()
	ended, err := c.auth.Ended(ctx, viewers)
	if err != nil {
		slog.Warn("websocket credentials: recheck failed", "sockets", len(ws), "err", err)
		return
	}
	for i, reason := range ended {
		c.mu.Lock()
		delete(c.open, ws[i])
		c.mu.Unlock()
		ws[i].drop(closeForbidden, "Forbidden: "+reason)
	}
}
