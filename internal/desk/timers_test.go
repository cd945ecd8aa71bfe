package desk_test

import (
	"context"
	"testing"
	"time"

	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/ent/timer"
	"switchboard/internal/desk"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
	"switchboard/internal/timers"
)

// §6: the first-response SLA and the customer-inactivity timers are durable: holding stops them,
// resuming goes on with the time that was left (a controllable clock, no sleeps), a first human
// reply ends the SLA, and each fires once, on any worker, after a restart too.
func TestCustomerTimers(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	c := f.conversation("SMS")
	cid := atoi(t, c)
	live := func(kind enum.TimerKind) int {
		return f.S.DB.Client.Timer.Query().Where(timer.ConversationID(cid), timer.KindEQ(kind), timer.StatusEQ(enum.TimerPending)).CountX(testapi.Sys())
	}
	if live(enum.TimerSLAFirstResponse) != 1 || live(enum.TimerCustomerInactivity) != 1 {
		t.Fatal("§6: a new conversation starts both timers")
	}
	ana.Do(claim, id(c)).OK(t)
	ana.Do(`mutation($id:ID!){holdConversation(id:$id){id}}`, id(c)).OK(t)
	if live(enum.TimerSLAFirstResponse) != 0 {
		t.Fatal("holding stops the timers")
	}
	worker := func(at time.Duration) *timers.Worker {
		now := time.Now().Add(at)
		return desk.New(f.S.DB, f.S.Bus).Timers(timers.NewWorker(f.S.DB, "test").WithClock(func() time.Time { return now }))
	}
	if n, err := worker(time.Hour).RunOnce(context.Background()); err != nil || n != 0 {
		t.Fatalf("a paused timer fired: %d %v", n, err)
	}
	ana.Do(`mutation($id:ID!){resumeConversation(id:$id){id}}`, id(c)).OK(t)
	// The SLA (300 s) had nearly all of its time left: not due a minute later, due ten minutes later.
	if n, _ := worker(time.Minute).RunOnce(context.Background()); n != 0 {
		t.Fatal("fired before its time")
	}
	if n, err := worker(10 * time.Minute).RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("the SLA must fire once: %d %v", n, err)
	}
	if n, _ := worker(10 * time.Minute).RunOnce(context.Background()); n != 0 {
		t.Fatal("a timer fired twice")
	}
	if got := f.S.DB.Client.Event.Query().Where(event.Type(events.SLABreached), event.ConversationID(cid)).CountX(testapi.Sys()); got != 1 {
		t.Fatalf("sla.breached events: %d", got)
	}
	// The customer stays silent past customerInactivitySeconds (1800): they have left.
	if n, err := worker(2 * time.Hour).RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("inactivity: %d %v", n, err)
	}
	if st := f.Conv(c).State; st != enum.StateCustomerLeft {
		t.Fatalf("§6: %s", st)
	}
	// A first human reply ends the SLA of a new conversation.
	d := f.conversation("SMS")
	ana.Do(claim, id(d)).OK(t)
	ana.Do(`mutation($id:ID!){sendMessage(conversationId:$id,text:"Hi"){id}}`, id(d)).OK(t)
	if n := f.S.DB.Client.Timer.Query().Where(timer.ConversationID(atoi(t, d)), timer.KindEQ(enum.TimerSLAFirstResponse),
		timer.StatusEQ(enum.TimerPending)).CountX(testapi.Sys()); n != 0 {
		t.Fatal("answered: no SLA left")
	}
}
