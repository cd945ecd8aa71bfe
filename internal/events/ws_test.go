package events_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"switchboard/ent"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

func dial(t *testing.T, url string) (*websocket.Conn, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/query", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c, ctx
}

func closeStatus(ctx context.Context, c *websocket.Conn) websocket.StatusCode {
	for {
		if _, _, err := c.Read(ctx); err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

// A connection that never sends connection_init is closed with 4408.
func TestInitTimeout(t *testing.T) {
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{WSInitTimeout: 200 * time.Millisecond})
	c, ctx := dial(t, s.URL)
	if code := closeStatus(ctx, c); code != 4408 {
		t.Fatalf("init timeout closed with %d, want 4408", code)
	}
}

// One connection may hold MaxSubscriptionsPerConnection subscriptions; the next is RATE_LIMITED.
func TestSubscriptionLimitPerConnection(t *testing.T) {
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{MaxSubscriptionsPerConnection: 2})
	f := newFixture(t, s, "acme")
	ana := f.agent("Ana")
	c, ctx := dial(t, s.URL)
	_ = wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + ana.Token}})
	var m map[string]any
	if err := wsjson.Read(ctx, c, &m); err != nil || m["type"] != "connection_ack" {
		t.Fatalf("ack: %v %v", m, err)
	}
	for _, id := range []string{"1", "2", "3"} {
		_ = wsjson.Write(ctx, c, map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": "subscription{notifications{kind}}"}})
	}
	// The subscriptions start concurrently: exactly one of the three is refused.
	if err := wsjson.Read(ctx, c, &m); err != nil || !strings.Contains(toJSON(m), "RATE_LIMITED") {
		t.Fatalf("third subscription: %v %v", m, err)
	}
	refused := m["id"]
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	for wsjson.Read(short, c, &m) == nil {
		if m["id"] != refused && strings.Contains(toJSON(m), "RATE_LIMITED") {
			t.Fatalf("two subscriptions refused: %v", m)
		}
	}
}

// STYLE 7: a subscriber that falls Buffer events behind is dropped (ErrSlow), never blocking the
// bus; it resumes from its cursor.
func TestSlowSubscriberIsDropped(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "acme")
	ana := f.agent("Ana")
	c := f.ingest("+1", "hello")
	s.Bus.Buffer = 4
	sub, err := s.Bus.Subscribe(context.Background(), f.WS.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 { // never drained
		ana.Do(`mutation($id:ID!,$t:String!){addNote(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": c, "t": string(rune('a' + i))}).OK(t)
	}
	select {
	case <-sub.Done():
		if sub.Err() != events.ErrSlow {
			t.Fatalf("dropped with %v", sub.Err())
		}
	case <-time.After(3 * time.Second):
		t.Fatal("a subscriber that stopped reading was not dropped")
	}
	// Writers were never blocked, and other subscribers go on.
	busGoesOn(t, s, ana, c)
}

// A workspace's limit on live subscriptions counts those the API serves, and only those: the
// server's own followers (routing's, of other instances' events) neither take a client's place nor
// are refused when the clients have filled it.
func TestWorkspaceLimitCountsServedSubscriptionsOnly(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "acme")
	ws := f.WS.Workspace.ID
	s.Bus.MaxPerWorkspace = 2
	ctx := context.Background()
	limited := func(err error) bool {
		e, ok := fault.As(err)
		return ok && e.Code == fault.RateLimited
	}
	follower, err := s.Bus.Subscribe(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer follower.Close()
	var open []*events.Subscription
	for i := range 3 {
		sub, err := s.Bus.Open(ctx, ws, events.Interest{})
		switch {
		case i < 2 && err != nil:
			t.Fatalf("client subscription %d of 2 refused beside a follower: %v", i+1, err)
		case i == 2 && !limited(err):
			t.Fatalf("a third client subscription: %v, want RATE_LIMITED", err)
		case err == nil:
			open = append(open, sub)
		}
	}
	more, err := s.Bus.Subscribe(ctx, ws)
	if err != nil {
		t.Fatalf("a follower refused while the clients fill the limit: %v", err)
	}
	more.Close()
	open[0].Close()
	again, err := s.Bus.Open(ctx, ws, events.Interest{})
	if err != nil {
		t.Fatalf("a client subscription after one closed: %v", err)
	}
	again.Close()
	open[1].Close()
}

// STYLE 7, for the subscriptions the API serves (Open, Serve): a subscriber whose hand-over is
// stuck while Buffer events queue behind it is dropped with ErrSlow, and the bus goes on.
func TestServedSlowSubscriberIsDropped(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "acme")
	ana := f.agent("Ana")
	c := f.ingest("+1", "hello")
	s.Bus.Buffer = 4
	sub, err := s.Bus.Open(context.Background(), f.WS.Workspace.ID, events.Interest{})
	if err != nil {
		t.Fatal(err)
	}
	stuck := make(chan struct{})
	defer close(stuck)
	ended := make(chan error, 1)
	sub.Serve(context.Background(), nil, func(*ent.Event, bool) bool { <-stuck; return true },
		func(err error) { ended <- err })
	registered(t, s, 1)
	for i := range 10 {
		ana.Do(`mutation($id:ID!,$t:String!){addNote(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": c, "t": string(rune('a' + i))}).OK(t)
	}
	select {
	case err := <-ended:
		if err != events.ErrSlow {
			t.Fatalf("ended with %v, want ErrSlow", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("a subscriber whose hand-over is stuck was not dropped")
	}
	busGoesOn(t, s, ana, c)
}

// busGoesOn checks that, after a slow subscriber was dropped, a new subscriber of conversation c
// gets ana's next change.
func busGoesOn(t *testing.T, s *testapi.Server, ana *testapi.Client, c string) {
	t.Helper()
	s.Bus.Buffer = 256
	live := ana.Subscribe(convSub, testapi.Vars{"id": c})
	registered(t, s, 1)
	ana.Do(`mutation($id:ID!){addNote(conversationId:$id,text:"z"){id}}`, testapi.Vars{"id": c}).OK(t)
	var ev convEvent
	if !live.Next(2*time.Second, &ev) {
		t.Fatal("the bus stopped delivering after dropping a slow subscriber")
	}
}

// Every goroutine of a connection is gone when the connection is.
func TestNoGoroutineOutlivesItsConnection(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "acme")
	ana := f.agent("Ana")
	// Counted at once: a goroutine of the set-up still ending only loosens the bound below by one
	// (each of the 20 connections has several of its own).
	before := runtime.NumGoroutine()
	var subs []*testapi.Sub
	for range 20 {
		subs = append(subs, ana.Subscribe(`subscription{myQueue{kind}}`, nil))
	}
	testapi.Eventually(t, 5*time.Second, "the condition", func() bool { return s.Bus.Count() == 20 })
	for _, sub := range subs {
		sub.Close()
	}
	testapi.Eventually(t, 5*time.Second, "the condition", func() bool { return s.Bus.Count() == 0 && runtime.NumGoroutine() <= before+2 })
}

// registered waits until the server's bus holds n subscriptions: a live-only subscription sees
// what commits after it is registered, so tests act only then.
func registered(t *testing.T, s *testapi.Server, n int) {
	t.Helper()
	testapi.Eventually(t, 5*time.Second, "the condition", func() bool { return s.Bus.Count() >= n })
}
