package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// A message with the shape of gqlgen's graphql-transport-ws message (its type is unexported).
type shapedMessage struct {
	Payload json.RawMessage `json:"payload,omitempty"`
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
}

// writeMessage writes exactly what encoding/json would, for generated messages: payloads of
// random JSON values (strings with quotes, escapes, HTML-sensitive characters, line separators
// and other Unicode; numbers; nesting), compact or indented, empty or not; ids and types plain
// or not. Where it declines, encoding/json writes the message.
func TestWriteMessageMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	fast := 0
	for i := range 20000 {
		m := &shapedMessage{ID: randomText(rng, 3), Type: []string{"next", "error", "complete", "ping", "pong", "connection_ack", randomText(rng, 4)}[rng.IntN(7)]}
		if rng.IntN(3) == 0 {
			m.ID = fmt.Sprint(rng.IntN(1000))
		}
		if rng.IntN(8) != 0 {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(rng.IntN(2) == 0)
			if err := enc.Encode(randomValue(rng, 3, true)); err != nil {
				t.Fatal(err)
			}
			p := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
			if rng.IntN(4) == 0 {
				var ind bytes.Buffer
				_ = json.Indent(&ind, p, "", " ")
				p = ind.Bytes()
			}
			m.Payload = p
		}
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := writeMessage(m)
		if !ok {
			continue
		}
		fast++
		if !bytes.Equal(got, want) {
			t.Fatalf("message %d:\n got %s\nwant %s", i, got, want)
		}
	}
	// What encoding/json never writes but a payload might hold: raw line separators, invalid
	// UTF-8, a payload that is not an object or array.
	for _, p := range []string{"{\"a\":\"\u2028\"}", "{\"a\":\"\u2029\"}", "{\"a\":\"\xff\xfe\"}", "[\"\xe2\x80\"]", "null", "7", "\"x\"", "{}", "[]"} {
		m := &shapedMessage{Payload: json.RawMessage(p), ID: "1", Type: "next"}
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := writeMessage(m); ok && !bytes.Equal(got, want) {
			t.Fatalf("payload %q:\n got %s\nwant %s", p, got, want)
		}
	}
	if fast < 5000 {
		t.Fatalf("only %d of 20000 messages took the fast path", fast)
	}
	// Anything else falls back to encoding/json, whatever fields it lacks.
	for _, v := range []any{map[string]string{"type": "next"}, &struct{ Type string }{"next"}, &struct{ A, B int }{}, &struct {
		Payload json.RawMessage
		ID      string `json:"id,omitempty"`
		Type    string `json:"type"`
	}{}} {
		if _, ok := writeMessage(v); ok {
			t.Fatalf("%T was taken for a message", v)
		}
	}
}

// gqlgen's own message type is the shape writeMessage knows (a gqlgen upgrade that changed it
// would silently lose the fast path): its connection_ack, taken from a connection it serves.
func TestGqlgenMessagesHaveTheKnownShape(t *testing.T) {
	c := &scriptedConn{in: []string{`{"type":"connection_init"}`}}
	ws := transport.Websocket{Implementation: scripted{c}}
	ws.Do(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/query", nil), nil)
	if len(c.sent) == 0 {
		t.Fatal("gqlgen sent nothing")
	}
	got, ok := writeMessage(c.sent[0])
	if !ok {
		t.Fatalf("gqlgen's message type %T is not the shape writeMessage knows", c.sent[0])
	}
	if want, _ := json.Marshal(c.sent[0]); !bytes.Equal(got, want) {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// scriptedConn reads its messages in, then ends; it keeps what is written.
type scriptedConn struct {
	in   []string
	sent []any
}

func (c *scriptedConn) NextReader() (int, io.Reader, error) {
	if len(c.in) == 0 {
		return 0, nil, transport.ErrWebsocketClosed
	}
	m := c.in[0]
	c.in = c.in[1:]
	return 1, strings.NewReader(m), nil
}
func (c *scriptedConn) WriteJSON(v any) error        { c.sent = append(c.sent, v); return nil }
func (c *scriptedConn) WriteClose(int, string) error { return nil }
func (c *scriptedConn) Close() error                 { return nil }
func (c *scriptedConn) Subprotocol() string          { return "graphql-transport-ws" }

type scripted struct{ c *scriptedConn }

func (s scripted) Accept(http.ResponseWriter, *http.Request, transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	return s.c, nil
}

func randomText(rng *rand.Rand, n int) string {
	alphabet := []string{"a", "Z", "0", " ", `"`, `\`, "<", ">", "&", "\n", "\t", "\x01", "é", "\u2028", "\u2029", "😀", "'", "/"}
	var b strings.Builder
	for range rng.IntN(n + 1) {
		b.WriteString(alphabet[rng.IntN(len(alphabet))])
	}
	return b.String()
}

func randomValue(rng *rand.Rand, depth int, top bool) any {
	k := rng.IntN(6)
	if top {
		k = 4 + rng.IntN(2)
	}
	if depth == 0 && k >= 4 {
		k = rng.IntN(4)
	}
	switch k {
	case 0:
		return randomText(rng, 6)
	case 1:
		return rng.Float64()*1e6 - 5e5
	case 2:
		return rng.IntN(2) == 0
	case 3:
		return nil
	case 4:
		out := map[string]any{}
		for range rng.IntN(4) {
			out[randomText(rng, 4)] = randomValue(rng, depth-1, false)
		}
		return out
	default:
		out := []any{}
		for range rng.IntN(4) {
			out = append(out, randomValue(rng, depth-1, false))
		}
		return out
	}
}
