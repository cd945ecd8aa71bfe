package testapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// Sub is one GraphQL subscription over its own WebSocket (graphql-transport-ws).
type Sub struct {
	t      testing.TB
	conn   *websocket.Conn
	ctx    context.Context
	cancel context.CancelFunc
	next   chan json.RawMessage
	errs   chan string
	// How it ended, set before next is closed: the server completed the subscription, or closed
	// the socket with closeCode.
	completed   bool
	closeCode   websocket.StatusCode
	closeReason string
	ended       atomic.Bool // the reader stopped
}

var subIDs atomic.Int64

// Subscribe opens a WebSocket authenticated as the client and starts query.
func (c *Client) Subscribe(query string, vars Vars) *Sub {
	t := c.s.t
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(c.s.URL, "http")+"/query",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		cancel()
		t.Fatalf("dial: %v", err)
	}
	conn.SetReadLimit(1 << 22)
	s := &Sub{t: t, conn: conn, ctx: ctx, cancel: cancel, next: make(chan json.RawMessage, 4096), errs: make(chan string, 16)}
	t.Cleanup(s.Close)
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + c.Token}}); err != nil {
		t.Fatal(err)
	}
	var ack map[string]any
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("connection_init: %v %v", ack, err)
	}
	id := fmt.Sprint(subIDs.Add(1))
	before := c.s.Bus.Count()
	if err := wsjson.Write(ctx, conn, map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}}); err != nil {
		t.Fatal(err)
	}
	go s.read()
	// Ready when the server's bus holds it (what commits from now on reaches it), or it was
	// refused or ended: a test never has to wait for a subscription to register.
	until(5*time.Second, func() bool {
		return c.s.Bus.Count() > before || len(s.errs) > 0 || len(s.next) > 0 || s.ended.Load()
	})
	return s
}

func (s *Sub) read() {
	defer close(s.next)
	defer s.ended.Store(true)
	for {
		var m struct {
			Type    string
			Payload json.RawMessage
		}
		if err := wsjson.Read(s.ctx, s.conn, &m); err != nil {
			s.closeCode = websocket.CloseStatus(err)
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				s.closeReason = ce.Reason
			}
			return
		}
		switch m.Type {
		case "next":
			var p struct {
				Data   json.RawMessage
				Errors []json.RawMessage
			}
			_ = json.Unmarshal(m.Payload, &p)
			if len(p.Errors) > 0 {
				s.errs <- string(p.Errors[0])
				continue
			}
			s.next <- p.Data
		case "error":
			s.errs <- string(m.Payload)
		case "complete":
			s.completed = true
			return
		case "ping":
			_ = wsjson.Write(s.ctx, s.conn, map[string]any{"type": "pong"})
		}
	}
}

// Next waits up to d for the next event and decodes its data into v; false on timeout or end.
func (s *Sub) Next(d time.Duration, v any) bool {
	s.t.Helper()
	select {
	case data, ok := <-s.next:
		if !ok {
			return false
		}
		if err := json.Unmarshal(data, v); err != nil {
			s.t.Fatalf("decode %s: %v", data, err)
		}
		return true
	case e := <-s.errs:
		s.t.Fatalf("subscription error: %s", e)
	case <-time.After(d):
	}
	return false
}

// Err waits up to d for an error (for subscriptions that must fail): the first GraphQL error as
// JSON, {"message": …, "extensions": {"code": …}}, or an "error" message's payload.
func (s *Sub) Err(d time.Duration) string {
	select {
	case e := <-s.errs:
		return e
	case <-time.After(d):
		return ""
	}
}

// Ended waits up to d for the subscription to end, and says how: completed by the server
// ("complete"), or with the socket's close code (-1 when it did not end or no close frame came).
func (s *Sub) Ended(d time.Duration) (completed bool, code websocket.StatusCode) {
	deadline := time.After(d)
	for {
		select {
		case _, ok := <-s.next:
			if !ok {
				return s.completed, s.closeCode
			}
		case <-deadline:
			return false, -1
		}
	}
}

// Close closes the WebSocket.
func (s *Sub) Close() {
	_ = s.conn.Close(websocket.StatusNormalClosure, "")
	s.cancel()
}

// InitSocket opens a WebSocket at /query with origin (none when "") and sends connection_init
// with payload. It says whether the server acknowledged, and else how it closed the socket (the
// code is -1 when the upgrade itself was refused).
func (s *Server) InitSocket(origin string, payload any) (acked bool, code websocket.StatusCode, reason string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}}
	if origin != "" {
		opts.HTTPHeader = map[string][]string{"Origin": {origin}}
	}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/query", opts)
	if err != nil {
		return false, -1, err.Error()
	}
	defer conn.CloseNow()
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": payload}); err != nil {
		s.t.Fatal(err)
	}
	var m map[string]any
	for {
		err := wsjson.Read(ctx, conn, &m)
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				return false, ce.Code, ce.Reason
			}
			return false, -1, err.Error()
		}
		if m["type"] == "connection_ack" {
			return true, 0, ""
		}
	}
}

// CloseReason is the reason of the close frame that ended the subscription ("" if none came).
func (s *Sub) CloseReason() string { return s.closeReason }
