package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"switchboard/internal/testapi"
)

// On SIGTERM the server drains: every WebSocket closes with 1012 (service restart) and no
// subscription is completed, so graphql-ws clients reconnect and resume from their cursors
// instead of believing they have everything; /readyz says not ready; new sockets are refused.
func TestDrainClosesSocketsForRestart(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("drain")
	ana := ws.NewAgent("ana@drain.test", "AGENT")
	subs := []*testapi.Sub{
		ana.Subscribe(`subscription{myQueue{kind cursor}}`, nil),
		ana.Subscribe(`subscription{notifications{kind}}`, nil),
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Handler.Drain(ctx)

	for i, sub := range subs {
		completed, code := sub.Ended(5 * time.Second)
		if completed || code != 1012 {
			t.Fatalf("subscription %d: completed %v, close code %d; want no complete and 1012", i, completed, code)
		}
	}
	resp, err := http.Get(s.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz while draining: %d, want 503", resp.StatusCode)
	}
}
