package httpapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"switchboard/internal/events"
	"switchboard/internal/fault"
)

type fakeConn struct {
	codes  []int
	closed bool
	sent   int
}

func (f *fakeConn) Close() error                        { f.closed = true; return nil }
func (f *fakeConn) NextReader() (int, io.Reader, error) { return 0, nil, io.EOF }
func (f *fakeConn) WriteJSON(any) error                 { f.sent++; return nil }
func (f *fakeConn) WriteClose(code int, _ string) error { f.codes = append(f.codes, code); return nil }
func (f *fakeConn) Subprotocol() string                 { return "graphql-transport-ws" }

type fakeImpl struct{ conn *fakeConn }

func (f fakeImpl) Accept(http.ResponseWriter, *http.Request, transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	return f.conn, nil
}

// A subscription that drops its connection (a slow consumer) closes the socket with its code and
// nothing is written after it (seed 2019 of the chaos run saw a "complete"); an init timeout
// closes with 4408.
func TestSocketCloseCodes(t *testing.T) {
	fc := &fakeConn{}
	impl := sockets{fakeImpl{fc}}
	h := newOpenSockets().withSocketHolder(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := impl.Accept(w, r, transport.WebsocketAcceptOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.WriteJSON(map[string]string{"type": "next"}); err != nil {
			t.Fatal(err)
		}
		events.Drop(r.Context(), events.CloseSlowConsumer, "too slow")
		// The dropping subscription ends before gqlgen's read loop sees the close: its
		// "complete" must not be sent (a graphql-ws client would take it as the end).
		if err := c.WriteJSON(map[string]string{"type": "complete", "id": "x11"}); err == nil {
			t.Error("a message was written after the drop")
		}
		_ = c.WriteClose(transport.WebsocketCloseNormalClosure, "terminated") // gqlgen's own close afterwards
	}))
	req := httptest.NewRequest(http.MethodGet, "/query", nil)
	req.Header.Set("Upgrade", "websocket")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if fc.sent != 1 {
		t.Fatalf("%d messages written, want the one before the drop", fc.sent)
	}
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

// E3 under an outage: a subscription's response with an UNAVAILABLE error (an event half-read, or
// the subscription's failed start) closes the socket with 1013 (the client resumes and gets it
// whole) instead of reaching the client; other errors, and queries, pass as they are.
func TestUnavailableIsHeldBack(t *testing.T) {
	for _, tc := range []struct {
		op   ast.Operation
		code fault.Code
		drop bool
	}{
		{ast.Subscription, fault.Unavailable, true},
		{ast.Subscription, fault.NotFound, false},
		{ast.Query, fault.Unavailable, false},
	} {
		var dropped []int
		ctx := events.WithDropper(context.Background(), func(code int, _ string) { dropped = append(dropped, code) })
		ctx = graphql.WithOperationContext(ctx, &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: tc.op}})
		resp := holdBackUnavailable(ctx, func(context.Context) graphql.ResponseHandler {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{Message: "x", Extensions: map[string]any{"code": string(tc.code)}}}})
		})(ctx)
		if resp == nil || (len(dropped) == 1 && dropped[0] == events.CloseTryLater) != tc.drop || len(dropped) > 1 {
			t.Errorf("%s with %s: dropped %v, want a 1013 close %v", tc.op, tc.code, dropped, tc.drop)
		}
	}
}
