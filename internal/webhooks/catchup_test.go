package webhooks_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
	"switchboard/internal/webhooks"
)

// runWorker runs a worker over s until the test ends (or stop is called); sent is signalled
// after each of its attempts (the receiver has its request by then).
func runWorker(t *testing.T, s *testapi.Server, opts webhooks.Options, sent chan struct{}) (stop func()) {
	t.Helper()
	w := webhooks.NewWorker(s.DB, s.Bus, opts)
	w.Sent = func(*ent.WebhookDelivery, bool) {
		select {
		case sent <- struct{}{}:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(stop)
	return stop
}

// after waits until cond holds, looking again at each signal, or fails after d.
func after(t *testing.T, signal chan struct{}, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(d)
	for !cond() {
		select {
		case <-signal:
		case <-deadline:
			t.Fatalf("%s: not within %s", what, d)
		}
	}
}

// ingest has a customer write to the workspace and returns the conversation's id.
func ingest(t *testing.T, c *testapi.Client, handle, text string) string {
	t.Helper()
	return c.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": handle, "text": text}}).OK(t).Str(t, "ingestCustomerMessage.id")
}

// texts are the message.received events' texts that reached the receiver, in order.
func texts(hs []hit) []string {
	var out []string
	for _, h := range hs {
		if h.p.Type == "message.received" {
			if m, ok := h.p.After["text"].(string); ok {
				out = append(out, m)
			} else {
				out = append(out, string(h.body))
			}
		}
	}
	return out
}

// SPEC §12, updateWebhook: new eventTypes apply to the events committed from then on. An event
// committed before the change, which no worker had looked at yet, was judged by the new types:
// one the webhook took was never delivered, one it did not take was.
func TestTypesChangeAppliesFromThenOn(t *testing.T) {
	t.Parallel()
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{WebhooksAllowPrivate: true}) // no worker yet
	ws := s.NewWorkspace("types")
	rcv := newReceiver(t)
	id, _ := register(t, ws.Admin, rcv.URL+"/in", []string{"conversation.created"})
	first := ingest(t, ws.Admin, "types-1", "before the change")
	ws.Admin.Do(`mutation($id:ID!){updateWebhook(id:$id,input:{eventTypes:["message.received"]}){id}}`, testapi.Vars{"id": id}).OK(t)
	ingest(t, ws.Admin, "types-2", "after the change")
	sent := make(chan struct{}, 1)
	runWorker(t, s, fast(), sent)
	after(t, sent, 10*time.Second, "the two deliveries", func() bool { return len(rcv.all()) >= 2 })
	hs := rcv.all()
	var created []string
	for _, h := range hs {
		if h.p.Type == "conversation.created" && h.p.ConversationID != nil {
			created = append(created, *h.p.ConversationID)
		}
	}
	if !slices.Equal(created, []string{first}) || !slices.Equal(texts(hs), []string{"after the change"}) {
		t.Errorf("want the first conversation's creation and the message after the change; got created %v, messages %v", created, texts(hs))
	}
}

// SPEC §12, updateWebhook: active false stops delivery, active true starts from then on; the
// events committed while it was on are still delivered. Those no worker had looked at when it
// was switched off were lost: switched on again, it started from the head.
func TestSwitchedOffKeepsWhatItTookWhileOn(t *testing.T) {
	t.Parallel()
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{WebhooksAllowPrivate: true})
	ws := s.NewWorkspace("paused")
	rcv := newReceiver(t)
	id, _ := register(t, ws.Admin, rcv.URL+"/in", []string{"message.received"})
	ingest(t, ws.Admin, "paused", "while on")
	ws.Admin.Do(`mutation($id:ID!){updateWebhook(id:$id,input:{active:false}){id}}`, testapi.Vars{"id": id}).OK(t)
	ingest(t, ws.Admin, "paused", "while off")
	ws.Admin.Do(`mutation($id:ID!){updateWebhook(id:$id,input:{active:true}){id}}`, testapi.Vars{"id": id}).OK(t)
	ingest(t, ws.Admin, "paused", "on again")
	sent := make(chan struct{}, 1)
	runWorker(t, s, fast(), sent)
	after(t, sent, 10*time.Second, "the messages", func() bool { return slices.Contains(texts(rcv.all()), "on again") })
	if got := texts(rcv.all()); !slices.Equal(got, []string{"while on", "on again"}) {
		t.Errorf("want the messages while on and on again, got %v", got)
	}
}

// SPEC §12, disabling: an endpoint switched off for failing keeps what it took while it was on;
// switched on again, it gets those events too. An event committed while its last failing
// attempt was in flight, not yet looked at, was lost.
func TestDisabledKeepsWhatItTookWhileOn(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	s := testapi.NewOn(t, db, httpapi.Config{WebhooksAllowPrivate: true})
	ws := s.NewWorkspace("disabled")
	rcv := newReceiver(t)
	rcv.setAnswer(func(h hit) int {
		// A customer writes while the attempt is in flight: committed before the failure
		// that disables the endpoint.
		ws.Admin.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
			"channel": "SMS", "customerHandle": "disabled", "text": "during the attempt"}})
		return http.StatusServiceUnavailable
	})
	id, _ := register(t, ws.Admin, rcv.URL+"/in", []string{"message.received"})
	ingest(t, ws.Admin, "disabled", "first")
	// A worker on another instance (its bus hears no commit of s), looking once: it scans, sends
	// "first", and the failure disables the endpoint (failing for 2 h already).
	if err := db.Client.Webhook.UpdateOneID(mustAtoi(t, id)).SetFailingSince(time.Now().Add(-2 * time.Hour)).SetConsecutiveFailures(5).Exec(testapi.Sys()); err != nil {
		t.Fatal(err)
	}
	other := testapi.NewOn(t, db, httpapi.Config{WebhooksAllowPrivate: true})
	opts := fast()
	opts.Every = time.Hour
	opts.DisableAfter = time.Hour
	sent := make(chan struct{}, 1)
	stop := runWorker(t, other, opts, sent)
	after(t, sent, 10*time.Second, "the endpoint disabled", func() bool {
		h, err := db.Client.Webhook.Get(testapi.Sys(), mustAtoi(t, id))
		return err == nil && !h.Active
	})
	stop()
	rcv.setAnswer(func(hit) int { return http.StatusOK })
	ws.Admin.Do(`mutation($id:ID!){updateWebhook(id:$id,input:{active:true}){id}}`, testapi.Vars{"id": id}).OK(t)
	runWorker(t, s, fast(), sent)
	after(t, sent, 10*time.Second, "the messages", func() bool { return slices.Contains(texts(rcv.all()), "during the attempt") })
	if got := texts(firsts(rcv.all())); !slices.Equal(got, []string{"first", "during the attempt"}) {
		t.Errorf("want first (retried) then the message written during the attempt, got %v", got)
	}
}

// SPEC §12, redeliverWebhookEvent: the replay is queued after the pending deliveries of its
// conversation. Events committed before it was asked for, which no worker had looked at yet,
// were queued after it and came second.
func TestReplayComesAfterWhatWasCommittedBefore(t *testing.T) {
	t.Parallel()
	s := testapi.NewOn(t, testdb.Open(t), httpapi.Config{WebhooksAllowPrivate: true}) // no worker yet
	ws := s.NewWorkspace("replay-order")
	rcv := newReceiver(t)
	id, _ := register(t, ws.Admin, rcv.URL+"/in", []string{"message.received"})
	ingest(t, ws.Admin, "replay-order", "one")
	ingest(t, ws.Admin, "replay-order", "two")
	head(t, ws.Admin) // numbered, as the event a replay names must be
	evs, err := s.DB.Client.Event.Query().Where(event.TypeEQ("message.received"), event.SeqNotNil()).Order(event.BySeq()).All(testapi.Sys())
	if err != nil || len(evs) != 2 {
		t.Fatalf("the two messages' events: %v, %v", evs, err)
	}
	ws.Admin.Do(`mutation($w:ID!,$e:ID!){redeliverWebhookEvent(webhookId:$w,eventId:$e){id}}`,
		testapi.Vars{"w": id, "e": strconv.Itoa(evs[0].ID)}).OK(t)
	sent := make(chan struct{}, 1)
	runWorker(t, s, fast(), sent)
	after(t, sent, 10*time.Second, "the three deliveries", func() bool { return len(rcv.all()) >= 3 })
	if got := texts(rcv.all()); !slices.Equal(got, []string{"one", "two", "one"}) {
		t.Errorf("want one, two, then the replay of one; got %v", got)
	}
}
