package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
)

// coderSockets is gqlgen's transport over github.com/coder/websocket, as
// transport.CoderWebsocketImplementation adapts it, but for how a message is written: gqlgen's
// adapter encodes each message with encoding/json, which checks and compacts the response
// inside it byte by byte, once for every subscriber an event reaches (7 % of the server's
// processor in the fan-out benchmark). The response is gqlgen's own output, already valid and
// compact; writeMessage frames it as it is.
type coderSockets struct {
	AcceptOptions websocket.AcceptOptions
}

func (u coderSockets) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	for k, vs := range o.ResponseHeader {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	opts := u.AcceptOptions
	for _, p := range o.Subprotocols {
		if !slices.Contains(opts.Subprotocols, p) {
			opts.Subprotocols = append(opts.Subprotocols, p)
		}
	}
	c, err := websocket.Accept(w, r, &opts)
	if err != nil {
		return nil, err
	}
	return &coderConn{conn: c}, nil
}

type coderConn struct {
	conn *websocket.Conn

	mu           sync.Mutex
	readDeadline *time.Timer
	closing      chan struct{} // the close handshake WriteClose started
}

var (
	_ transport.WebsocketReadLimiter   = (*coderConn)(nil)
	_ transport.WebsocketReadDeadliner = (*coderConn)(nil)
)

func (c *coderConn) NextReader() (int, io.Reader, error) {
	typ, data, err := c.conn.Read(context.Background())
	if err != nil {
		switch websocket.CloseStatus(err) {
		case websocket.StatusNormalClosure, websocket.StatusNoStatusRcvd:
			return int(typ), nil, transport.ErrWebsocketClosed
		}
		return int(typ), nil, err
	}
	return int(typ), bytes.NewReader(data), nil
}

func (c *coderConn) WriteJSON(v any) error {
	data, ok := writeMessage(v)
	if !ok {
		var err error
		if data, err = json.Marshal(v); err != nil {
			return err
		}
	}
	return c.conn.Write(context.Background(), websocket.MessageText, data)
}

// WriteClose starts the close handshake in the background: coder/websocket's Close waits up to 5 s
// for the peer's close frame, which must not hold up gqlgen's teardown.
func (c *coderConn) WriteClose(code int, reason string) error {
	c.stopReadDeadline()
	c.mu.Lock()
	if c.closing != nil {
		c.mu.Unlock()
		return nil
	}
	done := make(chan struct{})
	c.closing = done
	c.mu.Unlock()
	go func() {
		defer close(done)
		_ = c.conn.Close(websocket.StatusCode(code), reason)
	}()
	return nil
}

// Close ends the connection now, unless WriteClose's handshake owns its end.
func (c *coderConn) Close() error {
	c.stopReadDeadline()
	c.mu.Lock()
	closing := c.closing != nil
	c.mu.Unlock()
	if closing {
		return nil
	}
	return c.conn.CloseNow()
}

func (c *coderConn) Subprotocol() string { return c.conn.Subprotocol() }

func (c *coderConn) SetReadLimit(n int64) { c.conn.SetReadLimit(n) }

func (c *coderConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	if c.readDeadline != nil {
		c.readDeadline.Stop()
		c.readDeadline = nil
	}
	now := !t.IsZero() && !time.Now().Before(t)
	if !t.IsZero() && !now {
		c.readDeadline = time.AfterFunc(time.Until(t), func() { _ = c.conn.CloseNow() })
	}
	c.mu.Unlock()
	if now {
		return c.conn.CloseNow()
	}
	return nil
}

func (c *coderConn) stopReadDeadline() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.readDeadline != nil {
		c.readDeadline.Stop()
		c.readDeadline = nil
	}
}

// messageShape is where gqlgen's graphql-transport-ws message keeps its fields: a struct with
// Payload (json.RawMessage, omitted when empty), ID (omitted when empty) and Type (a string),
// in that order of its JSON encoding.
type messageShape struct{ payload, id, typ int }

var messageShapes sync.Map // reflect.Type → messageShape, or false when it is not one

func shapeOf(t reflect.Type) (messageShape, bool) {
	if s, ok := messageShapes.Load(t); ok {
		m, isShape := s.(messageShape)
		return m, isShape
	}
	m, ok := findShape(t)
	if !ok {
		messageShapes.Store(t, false)
		return m, false
	}
	messageShapes.Store(t, m)
	return m, true
}

// findShape looks for messageShape's fields in t: top-level, tagged as gqlgen's, in that order.
func findShape(t reflect.Type) (messageShape, bool) {
	if t.Kind() != reflect.Struct {
		return messageShape{}, false
	}
	p, okP := t.FieldByName("Payload")
	i, okI := t.FieldByName("ID")
	y, okY := t.FieldByName("Type")
	if !okP || !okI || !okY || len(p.Index) != 1 || len(i.Index) != 1 || len(y.Index) != 1 {
		return messageShape{}, false
	}
	ok := p.Type == reflect.TypeFor[json.RawMessage]() && i.Type.Kind() == reflect.String && y.Type.Kind() == reflect.String &&
		p.Tag.Get("json") == "payload,omitempty" && i.Tag.Get("json") == "id,omitempty" && y.Tag.Get("json") == "type" &&
		p.Index[0] < i.Index[0] && i.Index[0] < y.Index[0]
	return messageShape{p.Index[0], i.Index[0], y.Index[0]}, ok
}

// writeMessage encodes a gqlgen graphql-transport-ws message as encoding/json would, taking its
// payload as it is; false for anything else, and for a payload that is not the compact JSON
// object or array gqlgen writes (then encoding/json does it).
func writeMessage(v any) ([]byte, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, false
	}
	rv = rv.Elem()
	m, ok := shapeOf(rv.Type())
	if !ok {
		return nil, false
	}
	payload := rv.Field(m.payload).Bytes()
	id, typ := rv.Field(m.id).String(), rv.Field(m.typ).String()
	if (len(payload) > 0 && !compactJSON(payload)) || !plainString(id) || !plainString(typ) {
		return nil, false
	}
	b := make([]byte, 0, len(payload)+len(id)+len(typ)+32)
	b = append(b, '{')
	if len(payload) > 0 {
		b = append(b, `"payload":`...)
		b = append(b, payload...)
		b = append(b, ',')
	}
	if id != "" {
		b = append(b, `"id":`...)
		b = append(append(append(b, '"'), id...), '"')
		b = append(b, ',')
	}
	b = append(b, `"type":`...)
	b = append(append(append(b, '"'), typ...), '"')
	return append(b, '}'), true
}

// plainString reports whether encoding/json writes s between quotes as it is: printable ASCII
// without quotes, backslashes or HTML-sensitive characters (gqlgen's message types, and the ids
// clients give their subscriptions, which are mostly numbers).
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// compactJSON reports, cheaply, whether p may be copied into a message as it is: an object or
// array with no byte that encoding/json would rewrite (white space outside strings, or the
// HTML-sensitive <, >, & and the line separators it escapes). It does not validate: a payload is
// a response gqlgen marshalled, or a client's ping payload its decoder has already read.
func compactJSON(p []byte) bool {
	if p[0] != '{' && p[0] != '[' {
		return false
	}
	inString, escaped := false, false
	for i, c := range p {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case c == '<' || c == '>' || c == '&':
			return false
		case c == 0xE2 && i+2 < len(p) && p[i+1] == 0x80 && (p[i+2] == 0xA8 || p[i+2] == 0xA9): // U+2028, U+2029
			return false
		case !inString && (c == ' ' || c == '\n' || c == '\t' || c == '\r'):
			return false
		}
	}
	return !inString
}
