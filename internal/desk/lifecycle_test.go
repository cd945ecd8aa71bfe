package desk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"switchboard/ent/event"
	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
	"switchboard/internal/desk"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
	"switchboard/internal/timers"
)

// §6: a human taking ownership makes the conversation ACTIVE; hold and resume move it between
// ACTIVE and ON_HOLD, each with its event; anything else is INVALID_STATE; only the owner, the
// agent replying or a supervisor may; resuming needs channel room again (R2).
func TestHoldAndResume(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 1), f.agent("Ben", "AGENT", 5)
	hold := `mutation($id:ID!){holdConversation(id:$id){state}}`
	resume := `mutation($id:ID!){resumeConversation(id:$id){state}}`
	a := f.conversation("SMS")
	if f.Conv(a).State != "CREATED" {
		t.Fatal("§6: CREATED with the bot")
	}
	ana.Do(hold, id(a)).WantCode(t, "FORBIDDEN") // not hers yet
	ana.Do(claim, id(a)).OK(t)
	if f.Conv(a).State != "ACTIVE" {
		t.Fatal("§6: ACTIVE once a human owns it")
	}
	ana.Do(resume, id(a)).WantCode(t, "INVALID_STATE")
	ben.Do(hold, id(a)).WantCode(t, "FORBIDDEN")
	if r := ana.Do(hold, id(a)).OK(t); r.Str(t, "holdConversation.state") != "ON_HOLD" {
		t.Fatalf("hold: %s", r.Raw)
	}
	ana.Do(hold, id(a)).WantCode(t, "INVALID_STATE")
	other := fixtureOn(t, f.S, "other") // wrong workspace
	zed := other.agent("Zed", "SUPERVISOR", 5)
	zed.Do(resume, id(a)).WantCode(t, "NOT_FOUND")
	zed.Do(hold, id(a)).WantCode(t, "NOT_FOUND")
	other.Conn.Do(`mutation($id:ID!){endCustomerSession(conversationId:$id){state}}`, id(a)).WantCode(t, "NOT_FOUND")
	// On hold it frees Ana's one SMS slot (R2 default): she takes another; resuming the first
	// would exceed her capacity.
	b := f.conversation("SMS")
	ana.Do(claim, id(b)).OK(t)
	ana.Do(resume, id(a)).WantCode(t, "CAPACITY_EXCEEDED")
	ana.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, id(b)).OK(t)
	if r := ana.Do(resume, id(a)).OK(t); r.Str(t, "resumeConversation.state") != "ACTIVE" {
		t.Fatalf("resume: %s", r.Raw)
	}
	n := f.S.DB.Client.Event.Query().Where(event.Type(events.StateChanged), event.ConversationID(atoi(t, a))).CountX(testapi.Sys())
	if n != 3 { // CREATED→ACTIVE, ACTIVE→ON_HOLD, ON_HOLD→ACTIVE
		t.Fatalf("state events: %d", n)
	}
}

// §6 Lifecycle, the rule: the state follows who is in the conversation.
func TestLifecycleRule(t *testing.T) {
	const (
		cr = enum.StateCreated
		ac = enum.StateActive
		oh = enum.StateOnHold
		cl = enum.StateCustomerLeft
		wu = enum.StateWrapUp
		in = enum.StateInactive
		cg = enum.StateClosing
		cd = enum.StateClosed
	)
	cases := []struct {
		cur                             enum.State
		present, agents, hadHuman, wrap bool
		want                            enum.State
	}{
		{cr, true, false, false, false, cr}, // the bot is in it
		{cr, true, true, true, false, ac},   // a human joins
		{ac, true, false, true, false, in},  // all agents left, the customer is still there
		{in, true, true, true, false, ac},   // an agent is back
		{ac, false, true, true, false, cl},  // the customer left
		{ac, false, true, true, true, wu},   // … with wrap-up configured
		{cl, false, false, true, false, cg}, // and then the agents: housekeeping
		{wu, false, false, true, true, cg},
		{cr, false, false, false, false, cg}, // left while only the bot was there
		{cl, true, true, true, false, ac},    // the customer is back
		{cg, true, false, true, false, in},   // back before housekeeping ran
		{oh, false, true, true, false, oh},   // on hold until resumed
		{cd, true, true, true, false, cd},    // CLOSED is final
	}
	for _, c := range cases {
		if got := desk.Lifecycle(c.cur, c.present, c.agents, c.hadHuman, c.wrap); got != c.want {
			t.Errorf("%s present=%v agents=%v had=%v wrap=%v: got %s, want %s", c.cur, c.present, c.agents, c.hadHuman, c.wrap, got, c.want)
		}
	}
}

// §6 through the API: CREATED → ACTIVE → INACTIVE → ACTIVE → CUSTOMER_LEFT (back: ACTIVE) →
// CUSTOMER_LEFT → CLOSING → CLOSED by housekeeping (archived, read-only); writing again starts a
// new conversation linked to it; invalid moves are INVALID_STATE; each move is an event.
func TestLifecycleThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	state := func(c string) enum.State { return f.Conv(c).State }
	end := `mutation($id:ID!){endCustomerSession(conversationId:$id){state}}`
	c := f.conversation("SMS")
	ana.Do(end, id(c)).WantCode(t, "FORBIDDEN") // connectors only
	agentsIn := func() int {
		return f.S.DB.Client.Participant.Query().Where(participant.ConversationID(atoi(t, c)), participant.KindEQ(enum.ParticipantAgent),
			participant.Active(true)).CountX(testapi.Sys())
	}
	ana.Do(claim, id(c)).OK(t)
	if state(c) != enum.StateActive || agentsIn() != 1 {
		t.Fatal("ACTIVE, with Ana a participant")
	}
	ana.Do(release, id(c)).OK(t)
	if state(c) != enum.StateInactive || agentsIn() != 0 {
		t.Fatalf("INACTIVE, Ana left: %s", state(c))
	}
	ana.Do(claim, id(c)).OK(t)
	f.Conn.Do(end, id(c)).OK(t)
	if state(c) != enum.StateCustomerLeft {
		t.Fatalf("CUSTOMER_LEFT: %s", state(c))
	}
	f.Conn.Do(end, id(c)).WantCode(t, "INVALID_STATE")
	f.Conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": "cust-1", "text": "one more thing"}}).OK(t)
	if state(c) != enum.StateActive {
		t.Fatalf("back: %s", state(c))
	}
	f.Conn.Do(end, id(c)).OK(t)
	ana.Do(release, id(c)).OK(t)
	if state(c) != enum.StateClosing {
		t.Fatalf("CLOSING: %s", state(c))
	}
	w := desk.New(f.S.DB, f.S.Bus).Timers(timers.NewWorker(f.S.DB, "test"))
	if n, err := w.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("housekeeping: %d %v", n, err)
	}
	cv := f.Conv(c)
	if cv.State != enum.StateClosed || cv.IsOpen || cv.ClosedAt == nil {
		t.Fatalf("CLOSED: %+v", cv)
	}
	if n := f.S.DB.Client.Archive.Query().CountX(testapi.Sys()); n != 1 {
		t.Fatal("archived")
	}
	ana.Do(`mutation($id:ID!){addNote(conversationId:$id,text:"x"){id}}`, testapi.Vars{"id": c}).WantCode(t, "INVALID_STATE")
	ana.Do(claim, id(c)).WantCode(t, "INVALID_STATE")
	next := f.Conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": "cust-1", "text": "hello again"}}).OK(t).Str(t, "ingestCustomerMessage.id")
	if next == c || f.Conv(next).PreviousID == nil || *f.Conv(next).PreviousID != cv.ID {
		t.Fatal("§6: a new conversation linked to the closed one")
	}
	moves := f.S.DB.Client.Event.Query().Where(event.Type(events.StateChanged), event.ConversationID(cv.ID)).CountX(testapi.Sys())
	if moves != 8 { // ACTIVE, INACTIVE, ACTIVE, CUSTOMER_LEFT, ACTIVE, CUSTOMER_LEFT, CLOSING, CLOSED
		t.Fatalf("E1: %d state events, want 8", moves)
	}
}

// §6: a customer writing to a RESOLVED conversation reopens it as NEW: to its last owner when
// still eligible (ONLINE, room), else to the queue.
func TestReopenGoesToTheLastOwnerOrTheQueue(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	write := func(handle string) {
		f.Conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
			"channel": "SMS", "customerHandle": handle, "text": "it broke again"}}).OK(t)
	}
	c := f.conversation("SMS") // customer cust-1
	ana.Do(claim, id(c)).OK(t)
	ana.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, id(c)).OK(t)
	write("cust-1")
	if cv := f.Conv(c); cv.Status != enum.StatusNew || f.OwnerOf(c) != ana.AgentID {
		t.Fatalf("reopened to Ana: %s %s", cv.Status, f.OwnerOf(c))
	}
	ana.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, id(c)).OK(t)
	ana.Do(`mutation{setPresence(presence:OFFLINE){id}}`, nil).OK(t)
	write("cust-1")
	if cv := f.Conv(c); cv.Status != enum.StatusNew || cv.OwnerID != nil || cv.QueuedSince == nil {
		t.Fatalf("Ana is OFFLINE: the queue: %+v", cv)
	}
}

// §6, R4: a conversation resolved while nobody owned it and then reopened by the customer enters
// the queue at the reopen, not when it last left an owner (it would jump the queue, and §8's
// time-to-claim would count the time it was resolved). Found by analytics'
// TestFiguresFollowTheirDefinitions.
func TestReopenedUnownedConversationQueuesFromNow(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	c := f.conversation("SMS") // customer cust-1
	ana.Do(claim, id(c)).OK(t)
	ana.Do(`mutation($id:ID!){releaseConversation(id:$id){id}}`, id(c)).OK(t)
	released := *f.Conv(c).QueuedSince
	f.WS.Admin.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, id(c)).OK(t)
	f.S.DB.Client.Conversation.UpdateOneID(f.Conv(c).ID).SetQueuedSince(released.Add(-time.Hour)).ExecX(testapi.Sys()) // released an hour ago
	f.Conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": "cust-1", "text": "it broke again"}}).OK(t)
	cv := f.Conv(c)
	if cv.Status != enum.StatusNew || cv.OwnerID != nil || cv.QueuedSince == nil || !cv.QueuedSince.After(released) {
		t.Fatalf("reopened into the queue now (after %v): %s owner %v queued since %v", released, cv.Status, cv.OwnerID, cv.QueuedSince)
	}
}

// §6, E1: a resume moves the conversation once, to what who is in it says: the customer who left
// while it was on hold makes it CUSTOMER_LEFT, everyone gone makes it CLOSING (with its
// housekeeping). It used to pass through an ACTIVE it never was in: two state_changed events.
// Found by TestLifecycleFollowsItsRules.
func TestResumeMovesOnceToWhatTheParticipantsSay(t *testing.T) {
	f := newFixture(t)
	ana, sup := f.agent("Ana", "AGENT", 5), f.agent("Sue", "SUPERVISOR", 5)
	hold := `mutation($id:ID!){holdConversation(id:$id){state}}`
	resume := `mutation($id:ID!){resumeConversation(id:$id){state}}`
	end := `mutation($id:ID!){endCustomerSession(conversationId:$id){state}}`
	moves := func(c string, since int) []string {
		evs := f.S.DB.Client.Event.Query().Where(event.Type(events.StateChanged), event.ConversationID(atoi(t, c)), event.IDGT(since)).
			Order(event.ByID()).AllX(testapi.Sys())
		var out []string
		for _, e := range evs {
			out = append(out, fmt.Sprintf("%v→%v", e.Before["state"], e.After["state"]))
		}
		return out
	}
	last := func() int {
		return f.S.DB.Client.Event.Query().Order(eventByIDDesc()).FirstX(testapi.Sys()).ID
	}

	a := f.conversation("SMS")
	ana.Do(claim, id(a)).OK(t)
	ana.Do(hold, id(a)).OK(t)
	f.Conn.Do(end, id(a)).OK(t)
	if f.Conv(a).State != enum.StateOnHold {
		t.Fatalf("on hold until resumed: %s", f.Conv(a).State)
	}
	since := last()
	if r := ana.Do(resume, id(a)).OK(t); r.Str(t, "resumeConversation.state") != "CUSTOMER_LEFT" {
		t.Fatalf("resume: %s", r.Raw)
	}
	if got := moves(a, since); fmt.Sprint(got) != "[ON_HOLD→CUSTOMER_LEFT]" {
		t.Fatalf("E1: one move, ON_HOLD→CUSTOMER_LEFT; got %v", got)
	}

	b := f.conversation("SMS")
	ana.Do(claim, id(b)).OK(t)
	ana.Do(hold, id(b)).OK(t)
	f.Conn.Do(end, id(b)).OK(t)
	ana.Do(release, id(b)).OK(t)
	since = last()
	if r := sup.Do(resume, id(b)).OK(t); r.Str(t, "resumeConversation.state") != "CLOSING" {
		t.Fatalf("resume with everyone gone: %s", r.Raw)
	}
	if got := moves(b, since); fmt.Sprint(got) != "[ON_HOLD→CLOSING]" {
		t.Fatalf("E1: one move, ON_HOLD→CLOSING; got %v", got)
	}
	w := desk.New(f.S.DB, f.S.Bus).Timers(timers.NewWorker(f.S.DB, "test"))
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if cv := f.Conv(b); cv.State != enum.StateClosed || cv.IsOpen {
		t.Fatalf("housekeeping closes it: %s open %v", cv.State, cv.IsOpen)
	}
}

// §6: CLOSED is final and read-only, whoever asks: a delegation bot that still owns a closed
// conversation cannot hand it back (it used to: a new version, an owner change and a
// conversation.handed_back event on the archived conversation). Found by
// TestLifecycleFollowsItsRules.
func TestClosedConversationStaysReadOnly(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	payID := f.WS.NewBot("Payments", "DELEGATION")
	payments := f.WS.NewKey(payID)
	c := f.conversation("SMS")
	ana.Do(claim, id(c)).OK(t)
	ana.Do(`mutation($id:ID!,$b:ID!){delegateToBot(id:$id,botId:$b){id}}`, testapi.Vars{"id": c, "b": payID}).OK(t)
	f.Conn.Do(`mutation($id:ID!){endCustomerSession(conversationId:$id){state}}`, id(c)).OK(t)
	if f.Conv(c).State != enum.StateClosing {
		t.Fatalf("customer and agents gone: CLOSING, not %s", f.Conv(c).State)
	}
	w := desk.New(f.S.DB, f.S.Bus).Timers(timers.NewWorker(f.S.DB, "test"))
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	closed := f.Conv(c)
	if closed.State != enum.StateClosed {
		t.Fatalf("CLOSED: %s", closed.State)
	}
	n := len(f.eventTypes(c))
	payments.Do(`mutation($id:ID!){handBackConversation(id:$id){id}}`, id(c)).WantCode(t, "INVALID_STATE")
	if cv := f.Conv(c); cv.Version != closed.Version || cv.State != enum.StateClosed || cv.IsOpen || len(f.eventTypes(c)) != n {
		t.Fatalf("read-only: version %d→%d, %s, %d→%d events", closed.Version, cv.Version, cv.State, n, len(f.eventTypes(c)))
	}
}

// §6, C11: a SUPER_ADMIN who joins is a human agent who participates, so the state counts it:
// joining makes a conversation ACTIVE, the owner releasing leaves it ACTIVE while the joiner
// stays, and the joiner leaving (leaveConversation, its lock released) makes it INACTIVE, or
// CLOSING with the customer gone. The state used to follow the human owner only (CREATED or
// INACTIVE with a joiner in it), and nothing let a joiner leave. Found by
// TestLifecycleFollowsItsRules. On Postgres the release goes through the hot path, which
// declines it for the ordinary way (a joiner is in it).
func TestJoinerCountsAsAnAgent(t *testing.T) {
	f := newFixture(t)
	ana, root := f.agent("Ana", "AGENT", 5), f.agent("Root", "SUPER_ADMIN", 5)
	join := `mutation($id:ID!){joinConversation(id:$id){state}}`
	leave := `mutation($id:ID!){leaveConversation(id:$id){state ownership lock{holder{id}}}}`
	state := func(c string) enum.State { return f.Conv(c).State }
	in := func(c, agentID string) bool {
		return f.S.DB.Client.Participant.Query().Where(participant.ConversationID(atoi(t, c)), participant.AgentID(atoi(t, agentID)),
			participant.Active(true)).ExistX(testapi.Sys())
	}

	// Owned by Ana; Root joins (and takes the lock); Ana releases: Root is still in it.
	a := f.conversation("SMS")
	ana.Do(claim, id(a)).OK(t)
	root.Do(join, id(a)).OK(t)
	ana.Do(release, id(a)).OK(t)
	if state(a) != enum.StateActive || !in(a, root.AgentID) || in(a, ana.AgentID) {
		t.Fatalf("§6: ACTIVE while the joiner is in it; %s (Root in %v, Ana in %v)", state(a), in(a, root.AgentID), in(a, ana.AgentID))
	}
	before := len(f.eventTypes(a))
	r := root.Do(leave, id(a)).OK(t)
	if r.Str(t, "leaveConversation.state") != "INACTIVE" || r.Path(t, "leaveConversation.lock") != nil || in(a, root.AgentID) {
		t.Fatalf("§6: the last agent leaving makes it INACTIVE, its lock released: %s", r.Raw)
	}
	if got := f.eventTypes(a)[before:]; fmt.Sprint(got) != fmt.Sprint([]string{events.LockReleased, events.ConversationLeft, events.StateChanged}) {
		t.Fatalf("leave's events: %v", got)
	}
	root.Do(leave, id(a)).WantCode(t, "INVALID_STATE") // not in it any more

	// Nobody's (the queue): joining makes it ACTIVE from CREATED; leaving makes it INACTIVE (a
	// human was in it), and with the customer gone, CLOSING.
	b := f.queued("SMS")
	if state(b) != enum.StateCreated {
		t.Fatalf("CREATED: %s", state(b))
	}
	if r := root.Do(join, id(b)).OK(t); r.Str(t, "joinConversation.state") != "ACTIVE" {
		t.Fatalf("§6: a joiner is a human agent in it: %s", r.Raw)
	}
	f.Conn.Do(`mutation($id:ID!){endCustomerSession(conversationId:$id){state}}`, id(b)).OK(t)
	if state(b) != enum.StateCustomerLeft {
		t.Fatalf("§6: the customer gone, the joiner there: CUSTOMER_LEFT, not %s", state(b))
	}
	if r := root.Do(leave, id(b)).OK(t); r.Str(t, "leaveConversation.state") != "CLOSING" {
		t.Fatalf("§6: everyone gone: CLOSING: %s", r.Raw)
	}
	w := desk.New(f.S.DB, f.S.Bus).Timers(timers.NewWorker(f.S.DB, "test"))
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if cv := f.Conv(b); cv.State != enum.StateClosed {
		t.Fatalf("housekeeping closes it: %s", cv.State)
	}

	// The customer back while the joiner is in it: ACTIVE.
	c := f.queued("SMS")
	root.Do(join, id(c)).OK(t)
	f.Conn.Do(`mutation($id:ID!){endCustomerSession(conversationId:$id){state}}`, id(c)).OK(t)
	if back := f.Ingest("SMS", "cust-3", "back"); back != c { // c's customer (Arrive's third)
		t.Fatalf("the customer's message went to %s, not %s", back, c)
	}
	if state(c) != enum.StateActive {
		t.Fatalf("§6: the customer back with the joiner there: ACTIVE, not %s", state(c))
	}
}

// C11: leaveConversation is a SUPER_ADMIN's, of its own workspace, for a conversation it joined
// and does not own; every refusal writes nothing.
func TestLeaveConversationRefusals(t *testing.T) {
	f := newFixture(t)
	ana, root := f.agent("Ana", "AGENT", 5), f.agent("Root", "SUPER_ADMIN", 5)
	leave := `mutation($id:ID!){leaveConversation(id:$id){state}}`
	c := f.conversation("SMS")
	ana.Do(claim, id(c)).OK(t)
	root.Do(leave, id(c)).WantCode(t, "INVALID_STATE") // not in it
	root.Do(`mutation($id:ID!){joinConversation(id:$id){id}}`, id(c)).OK(t)
	v := f.Conv(c).Version
	for _, role := range []string{"AGENT", "SUPERVISOR", "ADMIN"} {
		f.agent("Role"+role, role, 5).Do(leave, id(c)).WantCode(t, "FORBIDDEN")
	}
	ana.Do(leave, id(c)).WantCode(t, "FORBIDDEN") // the owner, an AGENT
	other := fixtureOn(t, f.S, "other")
	other.agent("Zed", "SUPER_ADMIN", 5).Do(leave, id(c)).WantCode(t, "NOT_FOUND")
	if cv := f.Conv(c); cv.Version != v {
		t.Fatalf("refusals wrote: version %d→%d", v, cv.Version)
	}

	// The owner (a SUPER_ADMIN that claimed it) releases or transfers instead.
	d := f.conversation("SMS")
	root.Do(claim, id(d)).OK(t)
	root.Do(leave, id(d)).WantCode(t, "INVALID_STATE")
	if f.OwnerOf(d) != root.AgentID {
		t.Fatal("the owner stays the owner")
	}
	if r := root.Do(leave, id(c)).OK(t); r.Str(t, "leaveConversation.state") != "ACTIVE" {
		t.Fatalf("Ana still owns it: ACTIVE: %s", r.Raw)
	}
}
