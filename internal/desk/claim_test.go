package desk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"switchboard/ent/note"
	"switchboard/internal/desk"
	"switchboard/internal/testapi"
)

// C1, C2, C3: claim gives ownership and the lock; the others see CLAIMED_BY_OTHER and a second
// claim is CONFLICT with the owner.
func TestClaim(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	c := f.conversation("WHATSAPP") // bot-owned: UNCLAIMED to humans (C1)
	if got := ana.Do(view, id(c)).OK(t).Str(t, "node.ownership"); got != "UNCLAIMED" {
		t.Fatalf("C1 bot-owned: %s", got)
	}
	r := ana.Do(claim, id(c)).OK(t)
	if r.Str(t, "claimConversation.ownership") != "CLAIMED_BY_ME" || r.Path(t, "claimConversation.viewerCanReply") != true || r.Path(t, "claimConversation.botPaused") != true {
		t.Fatalf("C3/I5: %s", r.Raw)
	}
	if got := ben.Do(view, id(c)).OK(t).Str(t, "node.ownership"); got != "CLAIMED_BY_OTHER" {
		t.Fatalf("C1 other: %s", got)
	}
	r = ben.Do(claim, id(c)).WantCode(t, "CONFLICT")
	if o, _ := r.Errors[0].Extensions["owner"].(map[string]any); o["id"] != ana.AgentID || o["name"] != "Ana" {
		t.Fatalf("C2: CONFLICT must carry the owner: %s", r.Raw)
	}
	ana.Do(claim, id(c)).OK(t) // claiming one's own is a no-op
	if ts := f.eventTypes(c); !slices.Contains(ts, "conversation.claimed") || !slices.Contains(ts, "lock.acquired") {
		t.Fatalf("E1: %v", ts)
	}
	// Bots never claim (C1); client users neither.
	f.Conn.Do(claim, id(f.queued("SMS"))).WantCode(t, "FORBIDDEN")
	f.agent("Casey", "CLIENT_USER", 5).Do(claim, id(f.queued("SMS"))).WantCode(t, "FORBIDDEN")
	// Nothing to claim: unknown, other workspace, malformed.
	ana.Do(claim, id("99999999999")).WantCode(t, "NOT_FOUND")
	ana.Do(claim, id("nope")).WantCode(t, "BAD_USER_INPUT")
	other := fixtureOn(t, f.S, "other")
	ana.Do(claim, id(other.queued("SMS"))).WantCode(t, "NOT_FOUND")
	// Nor to release: another workspace's claim stays its owner's.
	theirs, zed := other.queued("SMS"), other.agent("Zed", "AGENT", 5)
	zed.Do(claim, id(theirs)).OK(t)
	ana.Do(release, id(theirs)).WantCode(t, "NOT_FOUND")
	if f.OwnerOf(theirs) != zed.AgentID {
		t.Fatal("a release from another workspace changed the owner")
	}
}

// C3: replying to an unclaimed conversation claims it when the workspace auto-claims.
func TestAutoClaimOnReply(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	a := f.queued("SMS")
	r := ana.Do(send, testapi.Vars{"id": a, "t": "Hi, I'm Ana"}).OK(t)
	if r.Str(t, "sendMessage.authorName") != "Ana" || r.Str(t, "sendMessage.authorKind") != "AGENT" {
		t.Fatalf("message: %s", r.Raw)
	}
	if got := ana.Do(view, id(a)).OK(t).Str(t, "node.ownership"); got != "CLAIMED_BY_ME" {
		t.Fatalf("C3: a reply must claim: %s", got)
	}
	f.WS.Admin.Do(`mutation{updateWorkspaceSettings(input:{autoClaimOnReply:false}){id}}`, nil).OK(t)
	b := f.queued("SMS")
	ana.Do(send, testapi.Vars{"id": b, "t": "Hi"}).OK(t)
	if got := ana.Do(view, id(b)).OK(t).Str(t, "node.ownership"); got != "UNCLAIMED" {
		t.Fatalf("C3 off: %s", got)
	}
}

// C4: release returns it to the queue and frees the lock; only the owner may.
func TestRelease(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	a := f.queued("SMS")
	ana.Do(claim, id(a)).OK(t)
	ben.Do(release, id(a)).WantCode(t, "FORBIDDEN")
	r := ana.Do(release, id(a)).OK(t)
	if r.Str(t, "releaseConversation.ownership") != "UNCLAIMED" || r.Path(t, "releaseConversation.lock") != nil || r.Path(t, "releaseConversation.queuedSince") == nil {
		t.Fatalf("C4: %s", r.Raw)
	}
	ana.Do(release, id(a)).WantCode(t, "INVALID_STATE")
	ben.Do(claim, id(a)).OK(t)
}

// C4: reassign with a handoff note; the target must be available, in the workspace, and not
// over its caps.
func TestReassign(t *testing.T) {
	f := newFixture(t)
	ana, ben, cleo := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5), f.agent("Cleo", "AGENT", 5)
	sue := f.agent("Sue", "SUPERVISOR", 5)
	a := f.queued("SMS")
	ana.Do(claim, id(a)).OK(t)
	q := `mutation($id:ID!,$to:ID!,$n:String){reassignConversation(id:$id,agentId:$to,note:$n){ownership owner{id} lock{holder{id}}}}`

	cleo.Do(q, testapi.Vars{"id": a, "to": cleo.AgentID}).WantCode(t, "FORBIDDEN") // not the owner
	ben.Do(`mutation{setPresence(presence:OFFLINE){id}}`, nil).OK(t)
	ana.Do(q, testapi.Vars{"id": a, "to": ben.AgentID}).WantCode(t, "INVALID_STATE") // nobody is assigned while OFFLINE
	ben.Do(`mutation{setPresence(presence:ONLINE){id}}`, nil).OK(t)

	r := ana.Do(q, testapi.Vars{"id": a, "to": ben.AgentID, "n": "Customer wants a refund; card ending 4242"}).OK(t)
	if r.Str(t, "reassignConversation.owner.id") != ben.AgentID || r.Path(t, "reassignConversation.lock") != nil {
		t.Fatalf("C4: %s", r.Raw)
	}
	n := f.S.DB.Client.Note.Query().Where(note.ConversationID(atoi(t, a))).OnlyX(testapi.Sys())
	if n.Text != "Customer wants a refund; card ending 4242" {
		t.Fatalf("handoff note: %q", n.Text)
	}
	ev := f.S.DB.Client.Event.Query().Order(eventByIDDesc()).FirstX(testapi.Sys())
	if ev.Type != "conversation.reassigned" || *ev.SubjectID != atoi(t, ben.AgentID) || ev.After["note"] == "" {
		t.Fatalf("the new owner is told with the note: %+v", ev)
	}
	// A supervisor may reassign what is not theirs; agents of another workspace are NOT_FOUND.
	sue.Do(q, testapi.Vars{"id": a, "to": cleo.AgentID}).OK(t)
	other := fixtureOn(t, f.S, "other")
	stranger := other.agent("Zed", "AGENT", 5)
	sue.Do(q, testapi.Vars{"id": a, "to": stranger.AgentID}).WantCode(t, "NOT_FOUND")
	sue.Do(q, testapi.Vars{"id": a, "to": f.WS.NewBot("Bot", "DELEGATION")}).WantCode(t, "BAD_USER_INPUT")
	sue.Do(q, testapi.Vars{"id": a, "to": ana.AgentID, "n": string(make([]byte, 6000))}).WantCode(t, "BAD_USER_INPUT")
}

// C6, R2, SPEC §12: the caps hold on claim and reassign; PENDING does not count by default; a
// supervisor may force past them, audited; an agent may not.
func TestCaps(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 1) // 1 per channel
	sue := f.agent("Sue", "SUPERVISOR", 0)
	f.WS.Admin.Do(`mutation{updateWorkspaceSettings(input:{maxClaimsPerAgent:2}){id}}`, nil).OK(t)

	s1, s2 := f.queued("SMS"), f.queued("SMS")
	ana.Do(claim, id(s1)).OK(t)
	r := ana.Do(claim, id(s2)).WantCode(t, "CAPACITY_EXCEEDED")
	if r.Errors[0].Extensions["limit"] != "channel" {
		t.Fatalf("R2: %s", r.Raw)
	}
	// PENDING does not count against the channel by default (R2) …
	ana.Do(pend, id(s1)).OK(t)
	ana.Do(claim, id(s2)).OK(t)
	// … but everything open counts against maxClaimsPerAgent (C6).
	e := f.queued("EMAIL")
	r = ana.Do(claim, id(e)).WantCode(t, "CAPACITY_EXCEEDED")
	if r.Errors[0].Extensions["limit"] != "maxClaimsPerAgent" {
		t.Fatalf("C6: %s", r.Raw)
	}
	if f.Conv(e).OwnerID != nil {
		t.Fatal("a refused claim changed the owner")
	}
	ana.Do(`mutation($id:ID!){claimConversation(id:$id,force:true){id}}`, id(e)).WantCode(t, "FORBIDDEN")
	// A supervisor forces it onto Ana (audited) …
	q := `mutation($id:ID!,$to:ID!,$f:Boolean){reassignConversation(id:$id,agentId:$to,force:$f){owner{id}}}`
	sue.Do(q, testapi.Vars{"id": e, "to": ana.AgentID}).WantCode(t, "CAPACITY_EXCEEDED")
	sue.Do(q, testapi.Vars{"id": e, "to": ana.AgentID, "f": true}).OK(t)
	if !slices.Contains(f.eventTypes(e), "cap.overridden") {
		t.Fatalf("force must be audited: %v", f.eventTypes(e))
	}
	// R1: no permission on a channel is FORBIDDEN, not a capacity question.
	f.S.DB.Client.AgentChannel.Delete().ExecX(testapi.Sys())
	ana.Do(resolve, id(s2)).OK(t)
	ana.Do(claim, id(f.queued("FACEBOOK"))).WantCode(t, "FORBIDDEN")
}

// C7: a conversation tagged with a pool's tag may be claimed only by the pool's members.
func TestPools(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	f.WS.Admin.Do(`mutation($m:[ID!]){createPool(input:{name:"Billing",tag:"billing",memberIds:$m}){id}}`, testapi.Vars{"m": []string{ana.AgentID}}).OK(t)
	c := f.queued("SMS", "billing", "vip")
	r := ben.Do(claim, id(c)).WantCode(t, "FORBIDDEN")
	if r.Errors[0].Extensions["pool"] != "Billing" {
		t.Fatalf("C7: %s", r.Raw)
	}
	ana.Do(claim, id(c)).OK(t)
	q := `mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to){owner{id}}}`
	ana.Do(q, testapi.Vars{"id": c, "to": ben.AgentID}).WantCode(t, "FORBIDDEN")
}

// C10: under ROUTING_ONLY agents cannot claim or assign; supervisors can.
func TestRoutingOnly(t *testing.T) {
	f := newFixture(t)
	ana, sue := f.agent("Ana", "AGENT", 5), f.agent("Sue", "SUPERVISOR", 5)
	f.WS.Admin.Do(`mutation{updateWorkspaceSettings(input:{selfAssignment:ROUTING_ONLY}){id}}`, nil).OK(t)
	c := f.queued("SMS")
	ana.Do(claim, id(c)).WantCode(t, "FORBIDDEN")
	ana.Do(`mutation($ids:[ID!]!){bulkClaimConversations(ids:$ids){error{code}}}`, testapi.Vars{"ids": []string{c}}).OK(t)
	sue.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to){owner{id}}}`, testapi.Vars{"id": c, "to": ana.AgentID}).OK(t)
	// Even the owner may not assign onwards: only routing and supervisors do (C10).
	ana.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to){owner{id}}}`, testapi.Vars{"id": c, "to": sue.AgentID}).WantCode(t, "FORBIDDEN")
	// Replying does not auto-claim under ROUTING_ONLY; the owner replies normally.
	ana.Do(send, testapi.Vars{"id": c, "t": "hello"}).OK(t)
}

// C5: up to bulkClaimCap, each decided on its own.
func TestBulkClaim(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 2), f.agent("Ben", "AGENT", 5)
	a, b, c, d := f.queued("SMS"), f.queued("SMS"), f.queued("SMS"), f.queued("EMAIL")
	ben.Do(claim, id(b)).OK(t)
	q := `mutation($ids:[ID!]!){bulkClaimConversations(ids:$ids){conversationId conversation{ownership lock{holder{id}}} error{code message}}}`
	var out struct {
		BulkClaimConversations []struct {
			ConversationID string
			Conversation   *struct {
				Ownership string
				Lock      any
			}
			Error *struct{ Code, Message string }
		}
	}
	ana.Do(q, testapi.Vars{"ids": []string{a, b, c, d, a, "99999999999"}}).OK(t).Decode(t, &out)
	want := map[string]string{a: "", b: "CONFLICT", c: "", d: "", "99999999999": "NOT_FOUND"}
	if len(out.BulkClaimConversations) != 5 {
		t.Fatalf("want one result per distinct id: %+v", out)
	}
	for _, r := range out.BulkClaimConversations {
		code := ""
		if r.Error != nil {
			code = r.Error.Code
		} else if r.Conversation.Ownership != "CLAIMED_BY_ME" || r.Conversation.Lock != nil {
			t.Fatalf("bulk claims give ownership, not locks: %+v", r)
		}
		if code != want[r.ConversationID] {
			t.Fatalf("%s: got %q want %q", r.ConversationID, code, want[r.ConversationID])
		}
	}
	// Over the cap (2 per channel): a third SMS fails on its own.
	var out2 struct {
		BulkClaimConversations []struct{ Error *struct{ Code string } }
	}
	ana.Do(q, testapi.Vars{"ids": []string{f.queued("SMS")}}).OK(t).Decode(t, &out2)
	if out2.BulkClaimConversations[0].Error == nil || out2.BulkClaimConversations[0].Error.Code != "CAPACITY_EXCEEDED" {
		t.Fatalf("C6 in bulk: %+v", out2)
	}
	var many []string
	for range 51 {
		many = append(many, a)
	}
	many = append(many, b) // duplicates count once: 2 distinct
	ana.Do(q, testapi.Vars{"ids": many}).OK(t)
	ids := make([]string, 51)
	for i := range ids {
		ids[i] = "1" + string(rune('0'+i%10)) + string(rune('0'+i/10))
	}
	ana.Do(q, testapi.Vars{"ids": ids}).WantCode(t, "BAD_USER_INPUT")
}

// C8: an owner inactive for staleClaimAfter is flagged stale; with auto-release on, released
// after autoReleaseAfter; a supervisor can force-release; agents cannot.
func TestStaleClaims(t *testing.T) {
	f := newFixture(t)
	ana, sue, ben := f.agent("Ana", "AGENT", 5), f.agent("Sue", "SUPERVISOR", 5), f.agent("Ben", "AGENT", 5)
	a, b := f.queued("SMS"), f.queued("EMAIL")
	ana.Do(claim, id(a)).OK(t)
	ana.Do(`mutation($ids:[ID!]!){bulkClaimConversations(ids:$ids){conversationId}}`, testapi.Vars{"ids": []string{b}}).OK(t)

	base := time.Now()
	at := func(d time.Duration) *desk.Desk {
		return desk.New(f.S.DB, f.S.Bus).WithClock(func() time.Time { return base.Add(d) })
	}
	if fl, rel, err := at(29 * time.Minute).SweepStale(context.Background()); err != nil || fl+rel != 0 {
		t.Fatalf("too early: %d %d %v", fl, rel, err)
	}
	if fl, _, err := at(31 * time.Minute).SweepStale(context.Background()); err != nil || fl != 2 {
		t.Fatalf("C8: flagged %d, %v", fl, err)
	}
	if ana.Do(view, id(a)).OK(t).Path(t, "node.stale") != true {
		t.Fatal("C8: the claim must read stale")
	}
	if fl, _, _ := at(32 * time.Minute).SweepStale(context.Background()); fl != 0 {
		t.Fatal("a stale claim was flagged twice")
	}
	// Activity makes it fresh again.
	ana.Do(open, id(a)).OK(t)
	if f.Conv(a).Stale {
		t.Fatal("C8: the owner's activity must clear stale")
	}
	// Auto-release is off by default; on, the inactive claim goes back to the queue.
	if _, rel, _ := at(3 * time.Hour).SweepStale(context.Background()); rel != 0 {
		t.Fatal("auto-release is off by default")
	}
	f.WS.Admin.Do(`mutation{updateWorkspaceSettings(input:{autoReleaseEnabled:true}){id}}`, nil).OK(t)
	if _, rel, _ := at(3 * time.Hour).SweepStale(context.Background()); rel != 2 {
		t.Fatalf("auto-release released %d, want 2", rel)
	}
	if c := f.Conv(b); c.OwnerID != nil || c.QueuedSince == nil {
		t.Fatal("auto-release must queue the conversation again")
	}
	// forceRelease: supervisors yes, agents no.
	ben.Do(claim, id(b)).OK(t)
	fr := `mutation($id:ID!){forceRelease(id:$id){ownership}}`
	ana.Do(fr, id(b)).WantCode(t, "FORBIDDEN")
	if sue.Do(fr, id(b)).OK(t).Str(t, "forceRelease.ownership") != "UNCLAIMED" {
		t.Fatal("force release")
	}
	sue.Do(fr, id(b)).WantCode(t, "INVALID_STATE")
}

// C13: customers never see who claimed: claiming and reassigning write no message.
func TestCustomersNeverSeeWhoClaimed(t *testing.T) {
	f := newFixture(t)
	ana, ben := f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5)
	c := f.conversation("SMS")
	ana.Do(claim, id(c)).OK(t)
	ana.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to,note:"for Ben"){id}}`, testapi.Vars{"id": c, "to": ben.AgentID}).OK(t)
	r := ben.Do(`query($id:ID!){node(id:$id){... on Conversation{messages{totalCount}}}}`, id(c)).OK(t)
	if n := r.Path(t, "node.messages.totalCount").(float64); n != 1 {
		t.Fatalf("C13: ownership changes must not speak to the customer (%v messages)", n)
	}
}
