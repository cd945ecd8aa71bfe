package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"switchboard/internal/events"
)

type fakeConn struct {
	codes  []int
	closed bool
}

func (f *fakeConn) Close() error                        { f.closed = true; return nil }
func (f *fakeConn) NextReader() (int, io.Reader, error) { return 0, nil, io.EOF }
func (f *fakeConn) WriteJSON(any) error                 { return nil }
func (f *fakeConn) WriteClose(code int, _ string) error { f.codes = append(f.codes, code); return nil }
func (f *fakeConn) Subprotocol() string                 { return "graphql-transport-ws" }

type fakeImpl struct{ conn *fakeConn }

func (f fakeImpl) Accept(http.ResponseWriter, *http.Request, transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	return f.conn, nil
}

// A subscription that drops its connection (a slow consumer) closes the socket with its code; an
// init timeout closes with 4408.
func TestSocketCloseCodes(t *testing.T) {
	fc := &fakeConn{}
	impl := sockets{fakeImpl{fc}}
	h := newOpenSockets().withSocketHolder(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := impl.Accept(w, r, transport.WebsocketAcceptOptions{})
		if err != nil {
			t.Fatal(err)
		}
		events.Drop(r.Context(), events.CloseSlowConsumer, "too slow")
		_ = c.WriteClose(transport.WebsocketCloseNormalClosure, "terminated") // gqlgen's own close afterwards
	}))
	req := httptest.NewRequest(http.MethodGet, "/query", nil)
	req.Header.Set("Upgrade", "websocket")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if len(fc.codes) == 0 || fc.codes[0] != events.CloseSlowConsumer || !fc.closed {
		t.Fatalf("drop: codes %v closed %v", fc.codes, fc.closed)
	}
	for _, c := range fc.codes {
		if c != events.CloseSlowConsumer {
			t.Fatalf("a later close replaced the drop's code: %v", fc.codes)
		}
	}

	fc2 := &fakeConn{}
	s := &socket{WebsocketConn: fc2}
	_ = s.WriteClose(transport.WebsocketCloseProtocolError, "connection initialisation timeout")
	if fc2.codes[0] != closeInitTimeout {
		t.Fatalf("init timeout: %v", fc2.codes)
	}
}
