package desk_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"switchboard/ent/agent"
	"switchboard/ent/event"
	"switchboard/ent/intervention"
	"switchboard/ent/schema/enum"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
)

// inceptionBot is a client acting as the workspace's inception bot (through an API key).
func (f *fixture) inceptionBot() *testapi.Client {
	f.T.Helper()
	id := f.S.DB.Client.Agent.Query().Where(agent.WorkspaceID(f.WS.Workspace.ID), agent.VaRoleEQ(enum.VARoleInception)).OnlyIDX(testapi.Sys())
	c := f.WS.NewKey(fmt.Sprint(id))
	c.AgentID = fmt.Sprint(id)
	return c
}

const (
	escalate  = `mutation($id:ID!,$s:String!){requestIntervention(id:$id,summary:$s){ownership queuePosition{position} intervention{status summary}}}`
	takeOver  = `mutation($id:ID!){takeOverConversation(id:$id){owner{id} lock{holder{id}} botPaused intervention{status takenOverBy{id}}}}`
	cancelTO  = `mutation($id:ID!){cancelTakeover(id:$id){owner{id} lock{holder{id}} botPaused intervention{status}}}`
	returnTQ  = `mutation($id:ID!){returnToQueue(id:$id){ownership queuePosition{position} intervention{status}}}`
	complete  = `mutation($id:ID!,$in:CompleteTakeoverInput!){completeTakeover(id:$id,input:$in){owner{id} lock{holder{id}} botPaused tags intervention{status}}}`
	botSend   = `mutation($id:ID!){sendMessage(conversationId:$id,text:"from the bot"){id}}`
	delegate  = `mutation($id:ID!,$b:ID!){delegateToBot(id:$id,botId:$b){owner{id} lock{holder{id}}}}`
	handBack  = `mutation($id:ID!){handBackConversation(id:$id){ownership owner{id}}}`
	interview = `query($id:ID!){node(id:$id){... on Conversation{interventions{status summary topic outcome tags block bot{id} takenOverBy{id}}}}}`
)

// I1–I5: the bot escalates with a summary, a human takes over (the bot pauses, its reply in
// flight is still delivered), cancels (back to the bot as before), takes over again, returns it
// to the queue, and completes with topic, outcome, tags and block (the bot owns it again).
func TestInterventionLifecycle(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	bot := f.inceptionBot()
	c := f.conversation("WHATSAPP")
	if f.OwnerOf(c) != bot.AgentID {
		t.Fatal("I1: the inception bot owns a new conversation")
	}
	ana.Do(escalate, testapi.Vars{"id": c, "s": "wants a refund"}).WantCode(t, "FORBIDDEN") // only the bot or a supervisor
	bot.Do(escalate, testapi.Vars{"id": c, "s": " "}).WantCode(t, "BAD_USER_INPUT")
	r := bot.Do(escalate, testapi.Vars{"id": c, "s": "wants a refund"}).OK(t)
	if r.Str(t, "requestIntervention.intervention.summary") != "wants a refund" || r.Path(t, "requestIntervention.queuePosition.position") != float64(1) ||
		r.Str(t, "requestIntervention.ownership") != "UNCLAIMED" {
		t.Fatalf("I2: %s", r.Raw)
	}
	bot.Do(escalate, testapi.Vars{"id": c, "s": "again"}).WantCode(t, "INVALID_STATE")
	f.WS.Admin.Do(cancelTO, id(c)).WantCode(t, "INVALID_STATE") // nothing taken over yet

	r = ana.Do(takeOver, id(c)).OK(t)
	if r.Str(t, "takeOverConversation.owner.id") != ana.AgentID || r.Str(t, "takeOverConversation.lock.holder.id") != ana.AgentID ||
		r.Path(t, "takeOverConversation.botPaused") != true || r.Str(t, "takeOverConversation.intervention.status") != "TAKEN_OVER" {
		t.Fatalf("I2 takeover: %s", r.Raw)
	}
	bot.Do(botSend, id(c)).OK(t) // I5: in flight when the human took over
	ben.Do(takeOver, id(c)).WantCode(t, "CONFLICT")
	ben.Do(cancelTO, id(c)).WantCode(t, "FORBIDDEN")

	r = ana.Do(cancelTO, id(c)).OK(t)
	if r.Str(t, "cancelTakeover.owner.id") != bot.AgentID || r.Str(t, "cancelTakeover.lock.holder.id") != bot.AgentID ||
		r.Path(t, "cancelTakeover.botPaused") != false || r.Path(t, "cancelTakeover.intervention") != nil {
		t.Fatalf("I3 cancel: %s", r.Raw)
	}
	bot.Do(escalate, testapi.Vars{"id": c, "s": "still wants a refund"}).OK(t)
	ben.Do(takeOver, id(c)).OK(t)
	r = ben.Do(returnTQ, id(c)).OK(t)
	if r.Str(t, "returnToQueue.ownership") != "UNCLAIMED" || r.Str(t, "returnToQueue.intervention.status") != "RETURNED" ||
		r.Path(t, "returnToQueue.queuePosition") == nil {
		t.Fatalf("I3 return: %s", r.Raw)
	}
	ana.Do(takeOver, id(c)).OK(t)
	ana.Do(complete, testapi.Vars{"id": c, "in": map[string]any{"topic": "", "outcome": "refunded"}}).WantCode(t, "BAD_USER_INPUT")
	r = ana.Do(complete, testapi.Vars{"id": c, "in": map[string]any{"topic": "Refund", "outcome": "refunded", "tags": []string{"Billing"}, "block": "survey"}}).OK(t)
	if r.Str(t, "completeTakeover.owner.id") != bot.AgentID || r.Str(t, "completeTakeover.lock.holder.id") != bot.AgentID ||
		r.Path(t, "completeTakeover.botPaused") != false || r.Path(t, "completeTakeover.intervention") != nil {
		t.Fatalf("I4: %s", r.Raw)
	}
	if tags := r.Path(t, "completeTakeover.tags").([]any); len(tags) != 1 || tags[0] != "billing" {
		t.Fatalf("I4 tags: %v", tags)
	}
	var out struct {
		Node struct {
			Interventions []struct {
				Status, Summary string
				Topic, Outcome  *string
				Tags            []string
				Block           *string
				Bot             *struct{ ID string }
			}
		}
	}
	ana.Do(interview, id(c)).OK(t).Decode(t, &out)
	last := out.Node.Interventions[len(out.Node.Interventions)-1]
	if len(out.Node.Interventions) != 2 || out.Node.Interventions[0].Status != "CANCELLED" || last.Status != "COMPLETED" ||
		*last.Topic != "Refund" || *last.Outcome != "refunded" || *last.Block != "survey" || last.Bot.ID != bot.AgentID {
		t.Fatalf("I4 record: %+v", out.Node.Interventions)
	}
	ev := f.S.DB.Client.Event.Query().Where(event.Type(events.InterventionCompleted)).OnlyX(testapi.Sys())
	if ev.After["block"] != "survey" {
		t.Fatalf("the bot learns its block from the event: %v", ev.After)
	}
	// Wrong workspace.
	other := fixtureOn(t, f.S, "other")
	other.WS.Admin.Do(escalate, testapi.Vars{"id": c, "s": "x"}).WantCode(t, "NOT_FOUND")
	other.agent("Zed", "AGENT", 5).Do(takeOver, id(c)).WantCode(t, "NOT_FOUND")
}

// I5: once a human took over, other bots' replies are refused with LOCKED.
func TestBotsAreRefusedAfterATakeover(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	c := f.conversation("SMS")
	ana.Do(takeOver, id(c)).OK(t)
	r := f.Conn.Do(botSend, id(c)).WantCode(t, "LOCKED")
	if len(r.Errors) == 0 {
		t.Fatal("no error")
	}
}

// I2 + C2: takeovers race; exactly one wins, the others get CONFLICT; one intervention is taken
// over, by the winner.
func TestTakeoverRace(t *testing.T) {
	f := newFixture(t)
	var agents []*testapi.Client
	for i := range 12 {
		agents = append(agents, f.agent(fmt.Sprintf("Agent%d", i), "AGENT", 5))
	}
	bot := f.inceptionBot()
	c := f.conversation("SMS")
	bot.Do(escalate, testapi.Vars{"id": c, "s": "help"}).OK(t)
	var wg sync.WaitGroup
	codes := make([]string, len(agents))
	for i, a := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = a.Do(takeOver, id(c)).Code()
		}()
	}
	wg.Wait()
	won, winner := 0, ""
	for i, code := range codes {
		switch code {
		case "":
			won++
			winner = agents[i].AgentID
		case "CONFLICT":
		default:
			t.Fatalf("unexpected %q", code)
		}
	}
	if won != 1 || f.OwnerOf(c) != winner {
		t.Fatalf("I2: %d winners (%v)", won, codes)
	}
	ivs := f.S.DB.Client.Intervention.Query().Where(intervention.StatusEQ(enum.InterventionTakenOver)).AllX(testapi.Sys())
	if len(ivs) != 1 || fmt.Sprint(*ivs[0].TakenOverByID) != winner {
		t.Fatalf("one intervention taken over by the winner: %+v", ivs)
	}
}

// I6: delegate to a DELEGATION bot, which owns and locks it; its hand-back returns it to the
// human, or to the queue when the human is gone.
func TestDelegation(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	payID := f.WS.NewBot("Payments", "DELEGATION")
	pay := f.WS.NewKey(payID)
	c := f.conversation("SMS")
	ana.Do(claim, id(c)).OK(t)
	ana.Do(delegate, testapi.Vars{"id": c, "b": f.inceptionBot().AgentID}).WantCode(t, "BAD_USER_INPUT") // not a DELEGATION bot
	pay.Do(handBack, id(c)).WantCode(t, "FORBIDDEN")                                                     // not its conversation
	other := fixtureOn(t, f.S, "other")                                                                  // wrong workspace
	ana.Do(delegate, testapi.Vars{"id": c, "b": other.WS.NewBot("Theirs", "DELEGATION")}).WantCode(t, "NOT_FOUND")
	r := ana.Do(delegate, testapi.Vars{"id": c, "b": payID}).OK(t)
	if r.Str(t, "delegateToBot.owner.id") != payID || r.Str(t, "delegateToBot.lock.holder.id") != payID {
		t.Fatalf("I6: %s", r.Raw)
	}
	ana.Do(handBack, id(c)).WantCode(t, "FORBIDDEN") // the bot hands back
	pay.Do(botSend, id(c)).OK(t)
	if r := pay.Do(handBack, id(c)).OK(t); r.Str(t, "handBackConversation.owner.id") != ana.AgentID {
		t.Fatalf("I6 hand back: %s", r.Raw)
	}
	// Ana goes OFFLINE: the next hand-back goes to the queue.
	ana.Do(delegate, testapi.Vars{"id": c, "b": payID}).OK(t)
	ana.Do(`mutation{setPresence(presence:OFFLINE){id}}`, nil).OK(t)
	if r := pay.Do(handBack, id(c)).OK(t); r.Str(t, "handBackConversation.ownership") != "UNCLAIMED" || r.Path(t, "handBackConversation.owner") != nil {
		t.Fatalf("I6 to the queue: %s", r.Raw)
	}
}

// I7: a conversation shows the customer's earlier ones.
func TestHistory(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	r := f.Conn.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"+100",text:"first"}){id}}`, nil).OK(t)
	first := r.Str(t, "ingestCustomerMessage.id")
	f.S.DB.Client.Conversation.UpdateOneID(atoi(t, first)).SetIsOpen(false).SetState(enum.StateClosed).ExecX(testapi.Sys())
	second := f.Conn.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"+100",text:"again"}){id}}`, nil).OK(t).
		Str(t, "ingestCustomerMessage.id")
	if second == first {
		t.Fatal("a closed conversation is not reused")
	}
	h := ana.Do(`query($id:ID!){node(id:$id){... on Conversation{history{id}}}}`, id(second)).OK(t).Path(t, "node.history").([]any)
	if len(h) != 1 || h[0].(map[string]any)["id"] != first {
		t.Fatalf("I7: %v", h)
	}
}

// L1 over L7: a RESOLVED conversation is never locked, not even by the bot that owns it. The bot
// resolving its conversation lets go of the lock; the customer writing again reopens it with the
// bot's lock back; a takeover completed on a resolved conversation gives the bot ownership only.
func TestL1BotsHoldNoLockOnResolvedConversations(t *testing.T) {
	f := newFixture(t)
	bot := f.inceptionBot()
	c := f.conversation("SMS")
	bot.Do(resolve, id(c)).OK(t)
	if got := f.Conv(c); got.LockHolderID != nil || got.Status != enum.StatusResolved || got.OwnerID == nil {
		t.Fatalf("L1: the bot resolved its conversation and kept its lock: %+v", got)
	}
	f.Conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": "cust-1", "text": "one more thing"}}).OK(t)
	if got := f.Conv(c); got.Status != enum.StatusNew || got.LockHolderID == nil || *got.LockHolderID != atoi(t, bot.AgentID) {
		t.Fatalf("L7: reopened, the bot's conversation is not locked by the bot: %+v", got)
	}

	ana := f.agent("Ana", "AGENT", 5)
	bot.Do(escalate, testapi.Vars{"id": c, "s": "needs a human"}).OK(t)
	ana.Do(takeOver, id(c)).OK(t)
	ana.Do(resolve, id(c)).OK(t)
	r := ana.Do(complete, testapi.Vars{"id": c, "in": map[string]any{"topic": "billing", "outcome": "refunded"}}).OK(t)
	if r.Path(t, "completeTakeover.owner.id") != bot.AgentID || r.Path(t, "completeTakeover.lock") != nil {
		t.Fatalf("L1: a takeover completed on a resolved conversation: %s", r.Raw)
	}
}

// L7, L8: a bot writing to a conversation that nobody owns or locks (it waits for an agent) is
// told it may not, never an internal error.
func TestL7BotWritesOnlyToWhatItOwns(t *testing.T) {
	f := newFixture(t)
	bot := f.inceptionBot()
	c := f.queued("SMS")
	for _, q := range []string{botSend, pend, resolve} {
		bot.Do(q, id(c)).WantCode(t, "FORBIDDEN")
	}
}

// §1, §6, I7: one customer, many channel identities: the same handle on another channel (a phone
// number on SMS and WhatsApp) is the same customer. While a conversation is open, writing on the
// other channel joins it; once it is closed, the other channel starts a conversation of its own,
// with the first in its history. Another handle, or the same handle in another workspace, is
// someone else.
func TestHistoryAcrossChannels(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	ingest := func(c *testapi.Client, ch, handle string) string {
		t.Helper()
		return c.Do(`mutation($ch:Channel!,$h:String!){ingestCustomerMessage(input:{channel:$ch,customerHandle:$h,text:"hi"}){id}}`,
			testapi.Vars{"ch": ch, "h": handle}).OK(t).Str(t, "ingestCustomerMessage.id")
	}
	history := func(c string) (ids []string, customer string, identities int) {
		t.Helper()
		r := ana.Do(`query($id:ID!){node(id:$id){... on Conversation{history{id} customer{id identities{id}}}}}`, id(c)).OK(t)
		for _, h := range r.Path(t, "node.history").([]any) {
			ids = append(ids, h.(map[string]any)["id"].(string))
		}
		return ids, r.Str(t, "node.customer.id"), len(r.Path(t, "node.customer.identities").([]any))
	}
	sms := ingest(f.Conn, "SMS", "+15550100")
	if joined := ingest(f.Conn, "WHATSAPP", "+15550100"); joined != sms {
		t.Fatalf("§6: writing on WhatsApp while the SMS conversation is open joins it, not %s", joined)
	}
	f.S.DB.Client.Conversation.UpdateOneID(atoi(t, sms)).SetIsOpen(false).SetState(enum.StateClosed).ExecX(testapi.Sys())
	wa := ingest(f.Conn, "WHATSAPP", "+15550100")
	other := ingest(f.Conn, "WHATSAPP", "+15550199")
	h1, c1, n1 := history(sms)
	h2, c2, n2 := history(wa)
	h3, c3, _ := history(other)
	if wa == sms || c1 != c2 || n1 != 2 || n2 != 2 {
		t.Fatalf("§1: the same handle on SMS and WhatsApp is one customer with two identities: %s (%d), %s (%d)", c1, n1, c2, n2)
	}
	if fmt.Sprint(h1) != fmt.Sprint([]string{wa}) || fmt.Sprint(h2) != fmt.Sprint([]string{sms}) {
		t.Fatalf("I7: each channel's conversation is in the other's history: %v, %v", h1, h2)
	}
	if c3 == c1 || len(h3) != 0 {
		t.Fatalf("another handle is another customer: %s, history %v", c3, h3)
	}
	elsewhere := testapi.NewFixture(t, f.S, "elsewhere")
	theirs := ingest(elsewhere.Conn, "EMAIL", "+15550100")
	r := elsewhere.WS.Admin.Do(`query($id:ID!){node(id:$id){... on Conversation{history{id} customer{identities{id}}}}}`, id(theirs)).OK(t)
	if h := r.Path(t, "node.history").([]any); len(h) != 0 || len(r.Path(t, "node.customer.identities").([]any)) != 1 {
		t.Fatalf("another workspace's customer with the same handle is someone else: %s", r.Raw)
	}
}

// E1, I6, E3: a supervisor delegating a queued conversation: the event's before names its owner
// then (nobody), its after the bot and who delegated it. A myQueue resumed from before it is told
// nothing of it (it never was the supervisor's: REMOVED when before named the delegator), only of
// what the supervisor then claims.
func TestDelegationEventNamesTheFormerOwner(t *testing.T) {
	f := newFixture(t)
	sue := f.agent("Sue", "SUPERVISOR", 5)
	payID := f.WS.NewBot("Payments", "DELEGATION")
	c := f.queued("SMS")
	head := sue.Do(`{eventCursor}`, nil).OK(t).Str(t, "eventCursor")
	sue.Do(delegate, testapi.Vars{"id": c, "b": payID}).OK(t)
	e := f.S.DB.Client.Event.Query().Where(event.ConversationID(atoi(t, c)), event.Type("conversation.delegated")).OnlyX(testapi.Sys())
	if owner, ok := e.Before["owner"]; !ok || owner != nil || events.Int(e.After, "bot") != atoi(t, payID) || events.Int(e.After, "delegatedBy") != atoi(t, sue.AgentID) {
		t.Fatalf("delegated: before %v after %v; want before.owner null, after.bot %s, after.delegatedBy %s", e.Before, e.After, payID, sue.AgentID)
	}
	mine := f.conversation("SMS")
	sue.Do(claim, id(mine)).OK(t)
	q := sue.Subscribe(`subscription($after:String){myQueue(after:$after){kind conversation{id}}}`, testapi.Vars{"after": head})
	var ev struct {
		MyQueue struct {
			Kind         string
			Conversation struct{ ID string }
		}
	}
	if !q.Next(5*time.Second, &ev) || ev.MyQueue.Conversation.ID != mine {
		t.Fatalf("E3: the resumed queue's first event is of the claimed conversation %s, nothing of the delegated one: %+v", mine, ev)
	}
}

// §1: a handle is one customer only across channels where it names the same thing: a phone
// number on SMS and WhatsApp, an address on email and chat; Facebook's and Instagram's ids are
// each platform's own, so the same string there is two people, and so is a name that is not a
// phone number on SMS and WhatsApp.
func TestHandlesNameOneCustomerWhereTheyMeanTheSame(t *testing.T) {
	f := newFixture(t)
	customer := func(ch, handle string) int {
		t.Helper()
		id := f.Conn.Do(`mutation($ch:Channel!,$h:String!){ingestCustomerMessage(input:{channel:$ch,customerHandle:$h,text:"hi"}){id}}`,
			testapi.Vars{"ch": ch, "h": handle}).OK(t).Str(t, "ingestCustomerMessage.id")
		return f.Conv(id).CustomerID
	}
	for _, c := range []struct {
		a, b, handle string
		same         bool
	}{
		{"SMS", "WHATSAPP", "+15550177", true},
		{"EMAIL", "LIVE_CHAT", "ana@example.com", true},
		{"FACEBOOK", "INSTAGRAM", "100234", false},
		{"SMS", "WHATSAPP", "100235", false},
		{"SMS", "EMAIL", "+15550178", false},
		{"LIVE_CHAT", "FACEBOOK", "visitor-9", false},
	} {
		if got := customer(c.a, c.handle) == customer(c.b, c.handle); got != c.same {
			t.Errorf("%s on %s and %s: one customer %v, want %v", c.handle, c.a, c.b, got, c.same)
		}
	}
}
