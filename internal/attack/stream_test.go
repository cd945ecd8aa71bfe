package attack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// stream is one subscription on its own WebSocket that keeps every frame the server sends (the
// harness's testapi.Sub fails the test on an error; here an error is often the right answer).
type stream struct {
	mu     sync.Mutex
	frames [][]byte      // raw messages, then the close status as a last pseudo-frame
	added  chan struct{} // signalled as each frame is kept
	closed chan struct{}
	conn   *websocket.Conn
	cancel context.CancelFunc
}

// openStream dials the server, signs in with token ("" for none) and subscribes doc with vars.
func openStream(t testing.TB, url, token, doc string, vars map[string]any) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/query",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		cancel()
		t.Fatalf("dial: %v", err)
	}
	conn.SetReadLimit(1 << 22)
	st := &stream{added: make(chan struct{}, 1), closed: make(chan struct{}), conn: conn, cancel: cancel}
	t.Cleanup(func() { _ = conn.Close(websocket.StatusNormalClosure, ""); cancel() })
	payload := map[string]any{}
	if token != "" {
		payload["authorization"] = "Bearer " + token
	}
	_ = wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": payload})
	go func() {
		defer close(st.closed)
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				st.add([]byte(fmt.Sprintf(`{"type":"closed","code":%d}`, websocket.CloseStatus(err))))
				return
			}
			st.add(data)
			var m struct{ Type string }
			_ = json.Unmarshal(data, &m)
			switch m.Type {
			case "connection_ack":
				_ = wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": doc, "variables": vars}})
			case "ping":
				_ = wsjson.Write(ctx, conn, map[string]any{"type": "pong"})
			}
		}
	}()
	return st
}

func (s *stream) add(f []byte) {
	s.mu.Lock()
	s.frames = append(s.frames, f)
	s.mu.Unlock()
	select {
	case s.added <- struct{}{}:
	default: // a signal is pending already
	}
}

// all returns the frames received so far.
func (s *stream) all() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.frames...)
}

// of returns the frames of one type ("next", "error", "closed" …).
func (s *stream) of(typ string) [][]byte {
	var out [][]byte
	for _, f := range s.all() {
		var m struct{ Type string }
		_ = json.Unmarshal(f, &m)
		if m.Type == typ {
			out = append(out, f)
		}
	}
	return out
}

// waitFor waits up to d for a frame containing want, looking again as each frame arrives.
func (s *stream) waitFor(want string, d time.Duration) bool {
	has := func() bool {
		return slices.ContainsFunc(s.all(), func(f []byte) bool { return bytes.Contains(f, []byte(want)) })
	}
	deadline := time.After(d)
	for !has() {
		select {
		case <-s.added:
		case <-s.closed: // every frame is kept by now
			return has()
		case <-deadline:
			return false
		}
	}
	return true
}

// refused says whether the server refused the subscription: an error for it, a refused
// connection_init, or the socket closed with an application code (4400–4499).
func (s *stream) refused() bool {
	if len(s.of("error")) > 0 {
		return true
	}
	for _, f := range s.of("closed") {
		var m struct{ Code int }
		_ = json.Unmarshal(f, &m)
		if m.Code >= 4400 && m.Code < 4500 {
			return true
		}
	}
	for _, f := range s.of("next") {
		var m struct {
			Payload struct {
				Errors []json.RawMessage
				Data   json.RawMessage
			}
		}
		_ = json.Unmarshal(f, &m)
		if len(m.Payload.Errors) > 0 && (len(m.Payload.Data) == 0 || string(m.Payload.Data) == "null") {
			return true
		}
	}
	return false
}

// events returns the "next" frames that carry data (not an error).
func (s *stream) events() [][]byte {
	var out [][]byte
	for _, f := range s.of("next") {
		var m struct {
			Payload struct{ Data json.RawMessage }
		}
		_ = json.Unmarshal(f, &m)
		if len(m.Payload.Data) > 0 && string(m.Payload.Data) != "null" {
			out = append(out, f)
		}
	}
	return out
}

// errorCodes lists the extensions.code of the stream's errors.
func (s *stream) errorCodes() []string {
	var out []string
	for _, f := range append(s.of("error"), s.of("next")...) {
		var data any
		_ = json.Unmarshal(f, &data)
		out = append(out, errorCodesIn(data)...)
	}
	return out
}

// errorCodesIn finds extensions.code values under "errors" (or an error frame's payload list).
func errorCodesIn(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if ext, ok := x["extensions"].(map[string]any); ok {
			if c, ok := ext["code"].(string); ok {
				out = append(out, c)
			}
		}
		for _, e := range x {
			out = append(out, errorCodesIn(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, errorCodesIn(e)...)
		}
	}
	return out
}

// payload is a frame without its envelope (whose "id" is the subscription's, not an object's).
func payload(f []byte) []byte {
	var m struct{ Payload json.RawMessage }
	if json.Unmarshal(f, &m) != nil || m.Payload == nil {
		return f
	}
	return m.Payload
}
