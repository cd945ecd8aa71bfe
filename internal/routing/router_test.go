package routing_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
)

// fixture is testapi's shared one whose new conversations go straight to the queue (no inception
// bot), with the router running.
type fixture struct{ *testapi.Fixture }

func newFixture(t testing.TB) *fixture {
	s := testapi.New(t)
	s.Route(100 * time.Millisecond)
	return fixtureOn(t, s, "acme")
}

func fixtureOn(t testing.TB, s *testapi.Server, slug string) *fixture {
	return &fixture{testapi.NewFixture(t, s, slug).WithoutInception()}
}

func presence(t testing.TB, c *testapi.Client, p string) {
	if r := c.Do(`mutation($p:Presence!){setPresence(presence:$p){id}}`, testapi.Vars{"p": p}); len(r.Errors) > 0 || r.Status != 200 {
		t.Errorf("setPresence %s: %s", p, r.Raw)
	}
}

// requiring queues a conversation that requires skills (as an escalation would) and kicks the
// router.
func (f *fixture) requiring(ch string, skills ...string) string {
	f.T.Helper()
	sys := testapi.Sys()
	cust := f.S.DB.Client.Customer.Create().SetWorkspaceID(f.WS.Workspace.ID).SetName("Customer").SaveX(sys)
	c := f.S.DB.Client.Conversation.Create().SetWorkspaceID(f.WS.Workspace.ID).SetCustomerID(cust.ID).SetChannel(enum.Channel(ch)).
		SetRequiredSkills(skills).SetQueuedSince(time.Now()).SaveX(sys)
	f.S.Router.Kick(f.WS.Workspace.ID)
	return fmt.Sprint(c.ID)
}

// settle runs a dispatch of the workspace's queue now and waits for it: what routing would do
// after the last change has been done (a negative assertion after it is not a race with the
// background router, which decides the same from the same rows).
func (f *fixture) settle() {
	f.T.Helper()
	if _, err := f.S.Router.Dispatch(testapi.Sys(), f.WS.Workspace.ID); err != nil {
		f.T.Fatal(err)
	}
}

func id(s string) testapi.Vars { return testapi.Vars{"id": s} }

const (
	view    = `query($id:ID!){node(id:$id){... on Conversation{ownership viewerCanReply queuePosition{position expectedWaitSeconds}}}}`
	resolve = `mutation($id:ID!){resolveConversation(id:$id){status}}`
)

// R5, C9, SPEC §12: OFFLINE and AWAY get nothing; coming ONLINE takes the oldest queued
// conversation, owned and locked in one transaction; when capacity frees, the next one follows.
func TestQueueWaitsForAnEligibleAgent(t *testing.T) {
	f := newFixture(t)
	ana := f.Agent("Ana", "AGENT", "SMS:1", nil)
	a, b := f.Arrive("SMS"), f.Arrive("SMS")
	f.settle()
	if f.OwnerOf(a) != "" || f.OwnerOf(b) != "" {
		t.Fatal("an OFFLINE agent was given work")
	}
	if p := ana.Do(view, id(b)).OK(t).Path(t, "node.queuePosition.position"); p != float64(2) {
		t.Fatalf("queue position of the second arrival: %v", p)
	}
	presence(t, ana, "AWAY")
	f.settle()
	if f.OwnerOf(a) != "" {
		t.Fatal("an AWAY agent was given work")
	}
	presence(t, ana, "ONLINE")
	testapi.Eventually(t, 5*time.Second, "the oldest conversation assigned when Ana comes ONLINE", func() bool { return f.OwnerOf(a) == ana.AgentID })
	c := f.Conv(a)
	if c.LockHolderID == nil || fmt.Sprint(*c.LockHolderID) != ana.AgentID || !c.HumanLock {
		t.Fatal("C9: routing gives the lock with ownership")
	}
	if r := ana.Do(view, id(a)).OK(t); r.Str(t, "node.ownership") != "CLAIMED_BY_ME" || r.Path(t, "node.viewerCanReply") != true ||
		r.Path(t, "node.queuePosition") != nil {
		t.Fatalf("assigned conversation: %s", r.Raw)
	}
	f.settle()
	if f.OwnerOf(b) != "" {
		t.Fatal("R2: capacity 1 exceeded")
	}
	if r := ana.Do(view, id(b)).OK(t); r.Path(t, "node.queuePosition.position") != float64(1) || r.Path(t, "node.queuePosition.expectedWaitSeconds") == nil {
		t.Fatalf("queue position after one assignment: %s", r.Raw)
	}
	ana.Do(resolve, id(a)).OK(t)
	testapi.Eventually(t, 5*time.Second, "C9: resolving frees capacity for the next", func() bool { return f.OwnerOf(b) == ana.AgentID })
	// AWAY keeps what it owns.
	presence(t, ana, "AWAY")
	f.settle()
	if f.OwnerOf(b) != ana.AgentID {
		t.Fatal("AWAY must keep what it owns")
	}
	types := f.S.DB.Client.Event.Query().Where(event.ConversationID(f.Conv(b).ID)).Select(event.FieldType).StringsX(testapi.Sys())
	if !contains(types, events.ConversationAssigned) {
		t.Fatalf("no assignment event: %v", types)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// routed waits for routing to assign conversation c and returns its owner.
func (f *fixture) routed(t *testing.T, c string) string {
	t.Helper()
	testapi.Eventually(t, 5*time.Second, "assigned", func() bool { return f.OwnerOf(c) != "" })
	return f.OwnerOf(c)
}

// twoAgentsOneRouted: Ana and Ben on SMS, Ben ONLINE longer (idle longest), so the first arrival
// goes to Ben (R4: equal loads).
func twoAgentsOneRouted(t *testing.T) (f *fixture, ana, ben *testapi.Client) {
	f = newFixture(t)
	ana = f.Agent("Ana", "AGENT", "SMS:5", nil)
	ben = f.Agent("Ben", "AGENT", "SMS:5", nil)
	presence(t, ben, "ONLINE")
	presence(t, ana, "ONLINE")
	// Ben came ONLINE a minute before Ana (written, not waited for).
	benID, _ := strconv.Atoi(ben.AgentID)
	f.S.DB.Client.Agent.UpdateOneID(benID).SetPresenceChangedAt(time.Now().Add(-time.Minute)).ExecX(testapi.Sys())
	if f.routed(t, f.Arrive("SMS")) != ben.AgentID {
		t.Fatal("R4: equal loads: the agent idle longest")
	}
	return f, ana, ben
}

// R4: the least loaded agent on the channel gets it, then the one idle longest.
func TestLeastLoadedThenIdleLongest(t *testing.T) {
	f, ana, _ := twoAgentsOneRouted(t)
	if f.routed(t, f.Arrive("SMS")) != ana.AgentID {
		t.Fatal("R4: the least loaded")
	}
}

// R4 with what routing remembers of the loads: claims made by hand between two arrivals move the
// next choice at once (their commits drop what routing remembered).
func TestLeastLoadedAfterManualClaims(t *testing.T) {
	f, ana, ben := twoAgentsOneRouted(t)
	// Routing remembers Ana 0, Ben 1. Ana claims by hand three conversations routing cannot give
	// anyone (a skill nobody has): Ana 3, Ben 1, so the next arrival goes to Ben.
	for range 3 {
		ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, id(f.requiring("SMS", "klingon"))).OK(t)
	}
	if f.routed(t, f.Arrive("SMS")) != ben.AgentID {
		t.Fatal("R4: Ana claimed three by hand: the least loaded is Ben")
	}
}

// R3, C7: skills, language, team and pools are requirements; R1: only permitted channels.
func TestRequirements(t *testing.T) {
	f := newFixture(t)
	ana := f.Agent("Ana", "AGENT", "SMS:5", map[string]any{"skills": []string{"billing"}, "languages": []string{"en"}})
	ben := f.Agent("Ben", "AGENT", "SMS:5 EMAIL:5", map[string]any{"languages": []string{"es"}})
	presence(t, ana, "ONLINE")
	presence(t, ben, "ONLINE")
	chat := f.Arrive("LIVE_CHAT") // nobody is permitted on LIVE_CHAT (R1)
	cases := []struct {
		name string
		set  func(u *ent.ConversationUpdateOne)
		want string
	}{
		{"skill", func(u *ent.ConversationUpdateOne) { u.SetRequiredSkills([]string{"billing"}) }, ana.AgentID},
		{"language", func(u *ent.ConversationUpdateOne) { u.SetRequiredLanguage("es") }, ben.AgentID},
		{"nobody has it", func(u *ent.ConversationUpdateOne) { u.SetRequiredSkills([]string{"legal"}) }, ""},
	}
	presence(t, ana, "OFFLINE")
	presence(t, ben, "OFFLINE")
	ids := make([]string, len(cases))
	for i, tc := range cases {
		ids[i] = f.Arrive("SMS")
		u := f.S.DB.Client.Conversation.UpdateOneID(f.Conv(ids[i]).ID)
		tc.set(u)
		u.ExecX(testapi.Sys())
	}
	email := f.Arrive("EMAIL")
	presence(t, ana, "ONLINE")
	presence(t, ben, "ONLINE")
	testapi.Eventually(t, 5*time.Second, "EMAIL to Ben (R1: Ana is not on EMAIL)", func() bool { return f.OwnerOf(email) == ben.AgentID })
	for i, tc := range cases {
		if tc.want != "" {
			testapi.Eventually(t, 5*time.Second, tc.name, func() bool { return f.OwnerOf(ids[i]) == tc.want })
		}
	}
	f.settle()
	if f.OwnerOf(ids[2]) != "" || f.OwnerOf(chat) != "" {
		t.Fatal("R3: a conversation went to an agent without the required skill, or to a channel nobody is on")
	}
	// C7: a pool's tag.
	pool := f.WS.Admin.Do(`mutation($m:[ID!]){createPool(input:{name:"Senior",tag:"senior",memberIds:$m}){id}}`, testapi.Vars{"m": []string{ben.AgentID}}).OK(t)
	_ = pool
	presence(t, ana, "OFFLINE")
	presence(t, ben, "OFFLINE")
	p := f.Arrive("SMS")
	f.S.DB.Client.Conversation.UpdateOneID(f.Conv(p).ID).SetTags([]string{"senior"}).ExecX(testapi.Sys())
	presence(t, ana, "ONLINE")
	f.settle()
	if f.OwnerOf(p) != "" {
		t.Fatal("C7: a non-member of the pool was given it")
	}
	presence(t, ben, "ONLINE")
	testapi.Eventually(t, 5*time.Second, "C7: the pool member gets it", func() bool { return f.OwnerOf(p) == ben.AgentID })
}

// R5: raising a capacity or joining a team frees work for the agent at once.
func TestCapacityRaisedAndTeamJoined(t *testing.T) {
	f := newFixture(t)
	ana := f.Agent("Ana", "AGENT", "SMS:1", nil)
	presence(t, ana, "ONLINE")
	a := f.Arrive("SMS")
	testapi.Eventually(t, 5*time.Second, "first", func() bool { return f.OwnerOf(a) == ana.AgentID })
	b := f.Arrive("SMS")
	f.settle()
	if f.OwnerOf(b) != "" {
		t.Fatal("R2")
	}
	f.WS.Admin.Do(`mutation($id:ID!){updateAgent(id:$id,input:{channels:[{channel:SMS,capacity:2}]}){id}}`, id(ana.AgentID)).OK(t)
	testapi.Eventually(t, 5*time.Second, "capacity raised", func() bool { return f.OwnerOf(b) == ana.AgentID })

	team := f.WS.Admin.Do(`mutation{createTeam(input:{name:"Tier 2"}){id}}`, nil).OK(t).Str(t, "createTeam.id")
	ben := f.Agent("Ben", "AGENT", "SMS:5", nil)
	presence(t, ben, "ONLINE")
	c := f.Arrive("SMS")
	testapi.Eventually(t, 5*time.Second, "Ben", func() bool { return f.OwnerOf(c) == ben.AgentID })
	// C11: transfer to a team: back to the queue with the team required; nobody is in it yet.
	r := ben.Do(`mutation($id:ID!,$t:ID!){transferConversation(id:$id,teamId:$t,note:"needs tier 2"){ownership status}}`,
		testapi.Vars{"id": c, "t": team}).OK(t)
	if r.Str(t, "transferConversation.ownership") != "UNCLAIMED" {
		t.Fatalf("team transfer: %s", r.Raw)
	}
	f.settle()
	if f.OwnerOf(c) != "" {
		t.Fatal("R3: the team is required")
	}
	f.WS.Admin.Do(`mutation($id:ID!,$t:[ID!]){updateAgent(id:$id,input:{teamIds:$t}){id}}`, testapi.Vars{"id": ben.AgentID, "t": []string{team}}).OK(t)
	testapi.Eventually(t, 5*time.Second, "joining the team", func() bool { return f.OwnerOf(c) == ben.AgentID })
}

// C10, C11: transfers to an agent or a team; who may; caps and force; CLIENT_USERs only from a
// SUPER_ADMIN; wrong workspace and bad input.
func TestTransfer(t *testing.T) {
	s := testapi.New(t) // no router: every change here is the test's own
	f := fixtureOn(t, s, "acme")
	ana := f.Agent("Ana", "AGENT", "SMS:5", nil)
	ben := f.Agent("Ben", "AGENT", "SMS:1", nil)
	sue := f.Agent("Sue", "SUPERVISOR", "SMS:5", nil)
	cat := f.Agent("Cat", "CLIENT_USER", "", nil)
	for _, c := range []*testapi.Client{ana, ben, sue} {
		presence(t, c, "ONLINE")
	}
	other := fixtureOn(t, s, "other")
	zed := other.Agent("Zed", "AGENT", "SMS:5", nil)
	presence(t, zed, "ONLINE")
	claim := `mutation($id:ID!){claimConversation(id:$id){id}}`
	transfer := `mutation($id:ID!,$a:ID,$t:ID,$f:Boolean){transferConversation(id:$id,agentId:$a,teamId:$t,note:"over to you",force:$f){ownership}}`
	a := f.Arrive("SMS")
	ana.Do(claim, id(a)).OK(t)

	ana.Do(transfer, testapi.Vars{"id": a}).WantCode(t, "BAD_USER_INPUT")
	ana.Do(transfer, testapi.Vars{"id": a, "a": ben.AgentID, "t": "1"}).WantCode(t, "BAD_USER_INPUT")
	ben.Do(transfer, testapi.Vars{"id": a, "a": ben.AgentID}).WantCode(t, "FORBIDDEN")            // not the owner
	ana.Do(transfer, testapi.Vars{"id": a, "a": zed.AgentID}).WantCode(t, "NOT_FOUND")            // wrong workspace
	zed.Do(transfer, testapi.Vars{"id": a, "a": zed.AgentID}).WantCode(t, "NOT_FOUND")            // wrong workspace
	ana.Do(transfer, testapi.Vars{"id": a, "a": cat.AgentID}).WantCode(t, "FORBIDDEN")            // C11: client users
	sue.Do(transfer, testapi.Vars{"id": a, "a": cat.AgentID}).WantCode(t, "FORBIDDEN")            // only a SUPER_ADMIN
	ana.Do(transfer, testapi.Vars{"id": a, "a": ben.AgentID, "f": true}).WantCode(t, "FORBIDDEN") // force: supervisors

	// To an agent: Ben is notified with the note.
	note := ben.Subscribe(`subscription{notifications{kind note}}`, nil)
	if r := ana.Do(transfer, testapi.Vars{"id": a, "a": ben.AgentID}).OK(t); r.Str(t, "transferConversation.ownership") != "CLAIMED_BY_OTHER" {
		t.Fatalf("transfer: %s", r.Raw)
	}
	var n struct {
		Notifications struct{ Kind, Note string }
	}
	if !note.Next(3*time.Second, &n) || n.Notifications.Kind != "TRANSFERRED_TO_YOU" || n.Notifications.Note != "over to you" {
		t.Fatalf("notification: %+v", n)
	}
	// Caps hold (C6, R2): Ben is full on SMS; a supervisor may force, audited.
	b := f.Arrive("SMS")
	ana.Do(claim, id(b)).OK(t)
	ana.Do(transfer, testapi.Vars{"id": b, "a": ben.AgentID}).WantCode(t, "CAPACITY_EXCEEDED")
	sue.Do(transfer, testapi.Vars{"id": b, "a": ben.AgentID, "f": true}).OK(t)
	if n := s.DB.Client.Event.Query().Where(event.Type(events.CapOverridden), event.ConversationID(f.Conv(b).ID)).CountX(testapi.Sys()); n != 1 {
		t.Fatalf("force must be audited: %d", n)
	}
	// A SUPER_ADMIN transfers anything to a client user (C11).
	f.WS.Admin.Do(transfer, testapi.Vars{"id": b, "a": cat.AgentID}).OK(t)
	if f.OwnerOf(b) != cat.AgentID {
		t.Fatal("C11: transfer to a client user")
	}
	// C10: under ROUTING_ONLY agents transfer to teams only.
	c := f.Arrive("SMS")
	ana.Do(claim, id(c)).OK(t)
	f.WS.Admin.Do(`mutation{updateWorkspaceSettings(input:{selfAssignment:ROUTING_ONLY}){id}}`, nil).OK(t)
	ana.Do(transfer, testapi.Vars{"id": c, "a": sue.AgentID}).WantCode(t, "FORBIDDEN")
	team := f.WS.Admin.Do(`mutation{createTeam(input:{name:"Tier 2"}){id}}`, nil).OK(t).Str(t, "createTeam.id")
	otherTeam := other.WS.Admin.Do(`mutation{createTeam(input:{name:"Theirs"}){id}}`, nil).OK(t).Str(t, "createTeam.id")
	ana.Do(transfer, testapi.Vars{"id": c, "t": otherTeam}).WantCode(t, "NOT_FOUND")
	ana.Do(transfer, testapi.Vars{"id": c, "t": team}).OK(t)
	cv := f.Conv(c)
	if cv.OwnerID != nil || cv.QueuedSince == nil || cv.RequiredTeamID == nil || fmt.Sprint(*cv.RequiredTeamID) != team || cv.LockHolderID != nil {
		t.Fatalf("team transfer: %+v", cv)
	}
	// Nothing was written by the refused calls: the only transfer events are the four that passed.
	if n := s.DB.Client.Event.Query().Where(event.Type(events.ConversationTransferred)).CountX(testapi.Sys()); n != 4 {
		t.Fatalf("transfer events: %d, want 4", n)
	}
}

// C11: a SUPER_ADMIN joins any conversation and takes the lock; the holder is told (L5). Nobody
// else may join.
func TestJoin(t *testing.T) {
	s := testapi.New(t)
	f := fixtureOn(t, s, "acme")
	ana := f.Agent("Ana", "AGENT", "SMS:5", nil)
	adm := f.Agent("Adam", "ADMIN", "SMS:5", nil)
	presence(t, ana, "ONLINE")
	a := f.Arrive("SMS")
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, id(a)).OK(t)
	join := `mutation($id:ID!){joinConversation(id:$id){viewerCanReply ownership}}`
	adm.Do(join, id(a)).WantCode(t, "FORBIDDEN")
	ana.Do(join, id(a)).WantCode(t, "FORBIDDEN")
	other := fixtureOn(t, s, "other")
	other.WS.Admin.Do(join, id(a)).WantCode(t, "NOT_FOUND")
	stolen := ana.Subscribe(`subscription{notifications{kind}}`, nil)
	r := f.WS.Admin.Do(join, id(a)).OK(t)
	if r.Path(t, "joinConversation.viewerCanReply") != true || r.Str(t, "joinConversation.ownership") != "CLAIMED_BY_OTHER" {
		t.Fatalf("join: %s", r.Raw)
	}
	var n struct{ Notifications struct{ Kind string } }
	if !stolen.Next(3*time.Second, &n) || n.Notifications.Kind != "LOCK_STOLEN" {
		t.Fatalf("the holder must be told: %+v", n)
	}
	f.WS.Admin.Do(`mutation($id:ID!){sendMessage(conversationId:$id,text:"Hello, I am the manager"){id}}`, id(a)).OK(t)
	if f.OwnerOf(a) != ana.AgentID {
		t.Fatal("joining does not take ownership")
	}
	if n := s.DB.Client.Conversation.Query().Where(conversation.ID(f.Conv(a).ID), conversation.HasParticipantsWith()).CountX(testapi.Sys()); n != 1 {
		t.Fatal("participants")
	}
}

// I2, C9: routing offers the intervention queue: the escalated conversation goes to an eligible
// agent, owner and lock (the bot's lock goes with its ownership, L7), the intervention taken over.
func TestRoutingOffersInterventions(t *testing.T) {
	s := testapi.New(t)
	s.Route(100 * time.Millisecond)
	f := &fixture{testapi.NewFixture(t, s, "acme")} // with its inception bot
	ws := f.WS
	ana := f.Agent("Ana", "AGENT", "SMS:2", nil)
	presence(t, ana, "ONLINE")
	c := f.Arrive("SMS")
	f.settle()
	botID := f.OwnerOf(c)
	if botID == "" || botID == ana.AgentID {
		t.Fatal("I1: the bot owns it until it escalates")
	}
	bot := ws.NewKey(botID)
	bot.Do(`mutation($id:ID!){requestIntervention(id:$id,summary:"needs a human"){id}}`, id(c)).OK(t)
	testapi.Eventually(t, 5*time.Second, "routing takes the intervention", func() bool { return f.OwnerOf(c) == ana.AgentID })
	cv := f.Conv(c)
	if cv.LockHolderID == nil || fmt.Sprint(*cv.LockHolderID) != ana.AgentID || !cv.HumanLock || !cv.BotPaused {
		t.Fatalf("C9, L7, I5: %+v", cv)
	}
	iv := s.DB.Client.Intervention.Query().OnlyX(testapi.Sys())
	if iv.Status != enum.InterventionTakenOver || iv.TakenOverByID == nil || fmt.Sprint(*iv.TakenOverByID) != ana.AgentID {
		t.Fatalf("I2: %+v", iv)
	}
}

// §6, C11, I6: routing takes its agent into the conversation once, even one who joined it before
// (a SUPER_ADMIN), and a delegation bot that asked for a human leaves it; the inception bot that
// greeted it stays.
func TestRoutingKeepsParticipantsOnce(t *testing.T) {
	s := testapi.New(t)
	s.Route(100 * time.Millisecond)
	f := &fixture{testapi.NewFixture(t, s, "acme")} // with its inception bot
	ana := f.Agent("Ana", "AGENT", "SMS:5", nil).Online()
	root := f.Agent("Root", "SUPER_ADMIN", "SMS:5", nil)
	in := func(c string) []string {
		t.Helper()
		r := ana.Do(`query($id:ID!){node(id:$id){... on Conversation{participants{kind active agent{name}}}}}`, id(c)).OK(t)
		var out []string
		for _, p := range r.Path(t, "node.participants").([]any) {
			p := p.(map[string]any)
			if p["active"] == true && p["agent"] != nil {
				out = append(out, fmt.Sprint(p["kind"], " ", p["agent"].(map[string]any)["name"]))
			}
		}
		slices.Sort(out)
		return out
	}

	c := f.Arrive("SMS")
	payments := f.WS.NewBot("Payments", "DELEGATION")
	f.WS.Admin.Do(`mutation($id:ID!,$b:ID!){delegateToBot(id:$id,botId:$b){id}}`, testapi.Vars{"id": c, "b": payments}).OK(t)
	if got := fmt.Sprint(in(c)); got != "[BOT Greeter bot BOT Payments]" {
		t.Fatalf("delegated: participants %s; want the greeter and the delegation bot", got)
	}
	f.WS.NewKey(payments).Do(`mutation($id:ID!){requestIntervention(id:$id,summary:"a human, please"){id}}`, id(c)).OK(t)
	f.settle()
	if f.OwnerOf(c) != ana.AgentID {
		t.Fatalf("routing gave it to %s, not Ana", f.OwnerOf(c))
	}
	if got := fmt.Sprint(in(c)); got != "[AGENT Ana BOT Greeter bot]" {
		t.Fatalf("routed: participants %s; want Ana and the greeter (the delegation bot left)", got)
	}

	// A SUPER_ADMIN who joined a queued conversation and is then routed it is in it once.
	q := f.Arrive("SMS")
	ana.Do(`mutation($id:ID!){takeOverConversation(id:$id){id}}`, id(q)).OK(t)
	ana.Do(`mutation{setPresence(presence:AWAY){id}}`, nil).OK(t)
	ana.Do(`mutation($id:ID!){returnToQueue(id:$id){id}}`, id(q)).OK(t)
	root.Do(`mutation($id:ID!){joinConversation(id:$id){id}}`, id(q)).OK(t)
	if got := fmt.Sprint(in(q)); got != "[AGENT Root BOT Greeter bot]" {
		t.Fatalf("joined: participants %s; want Root and the greeter", got)
	}
	root.Online()
	f.settle()
	if f.OwnerOf(q) != root.AgentID {
		t.Fatalf("routing gave it to %q, not Root", f.OwnerOf(q))
	}
	if got := fmt.Sprint(in(q)); got != "[AGENT Root BOT Greeter bot]" {
		t.Fatalf("routed: participants %s; want Root once and the greeter", got)
	}
}
