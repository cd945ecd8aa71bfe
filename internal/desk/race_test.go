package desk_test

import (
	"fmt"
	"sync"
	"testing"

	"switchboard/ent/conversation"
	"switchboard/ent/customeridentity"
	"switchboard/ent/schema/enum"
	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// race runs fn(i) for i in [0, n) at once and waits.
func race(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

// checkLocks asserts L2 and single ownership over the whole database.
func checkLocks(t *testing.T, f *fixture) {
	t.Helper()
	ctx := testapi.Sys()
	convs := f.S.DB.Client.Conversation.Query().Where(conversation.HumanLock(true)).AllX(ctx)
	seen := map[int]int{}
	for _, c := range convs {
		seen[*c.LockHolderID]++
		if seen[*c.LockHolderID] > 1 {
			t.Fatalf("L2: agent %d holds %d locks", *c.LockHolderID, seen[*c.LockHolderID])
		}
	}
}

// C2: 50 agents claim one conversation at once: exactly one owner, 49 CONFLICT naming it.
func TestFiftyAgentsClaimOneConversation(t *testing.T) {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	const n = 50
	agents := make([]*testapi.Client, n)
	for i := range agents {
		agents[i] = f.agent(fmt.Sprintf("Agent%02d", i), "AGENT", 5)
	}
	c := f.conversation("WHATSAPP")
	codes := make([]string, n)
	owners := make([]string, n)
	race(n, func(i int) {
		r := agents[i].Do(claim, id(c))
		codes[i] = r.Code()
		if r.Code() == "CONFLICT" {
			o, _ := r.Errors[0].Extensions["owner"].(map[string]any)
			owners[i], _ = o["id"].(string)
		}
	})
	winner := ""
	for i, code := range codes {
		switch code {
		case "":
			if winner != "" {
				t.Fatalf("C2: two claims succeeded: %s and %s", winner, agents[i].AgentID)
			}
			winner = agents[i].AgentID
		case "CONFLICT":
		default:
			t.Fatalf("C2: unexpected outcome %q", code)
		}
	}
	if winner == "" {
		t.Fatal("C2: nobody won")
	}
	for i, o := range owners {
		if codes[i] == "CONFLICT" && o != winner {
			t.Fatalf("C2: CONFLICT named %s, the owner is %s", o, winner)
		}
	}
	conv := f.Conv(c)
	if fmt.Sprint(*conv.OwnerID) != winner || fmt.Sprint(*conv.LockHolderID) != winner {
		t.Fatalf("database: owner %v holder %v, winner %s", *conv.OwnerID, *conv.LockHolderID, winner)
	}
	checkLocks(t, f)
}

// L5, L2: three agents steal and open one conversation at once, many rounds: the lock always has
// one holder and nobody ever holds two.
func TestStealVersusStealVersusOpen(t *testing.T) {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	agents := []*testapi.Client{f.agent("Ana", "AGENT", 5), f.agent("Ben", "AGENT", 5), f.agent("Cleo", "AGENT", 5)}
	own := make([]string, len(agents)) // each also holds its own conversation, to be clicked away
	for i, a := range agents {
		own[i] = f.queued("EMAIL")
		a.Do(open, id(own[i])).OK(t)
	}
	hot := f.queued("SMS")
	for round := range 20 {
		race(len(agents), func(i int) {
			q := steal
			if (i+round)%3 == 0 {
				q = open
			}
			if r := agents[i].Do(q, id(hot)); len(r.Errors) > 0 {
				t.Errorf("round %d: %s", round, r.Raw)
			}
		})
		checkLocks(t, f)
		holder := f.Conv(hot).LockHolderID
		if holder == nil {
			t.Fatalf("round %d: nobody holds the lock", round)
		}
		for i, a := range agents {
			if fmt.Sprint(*holder) == a.AgentID && f.Conv(own[i]).LockHolderID != nil {
				t.Fatalf("L5: the stealer's previous lock was not released")
			}
		}
		for i, a := range agents { // take their own back for the next round
			a.Do(open, id(own[i])).OK(t)
		}
	}
}

// L2: one agent opening many conversations at once never holds two locks.
func TestOneAgentOpensManyAtOnce(t *testing.T) {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	const n = 30
	ids := make([]string, n)
	for i := range ids {
		ids[i] = f.queued("SMS")
	}
	race(n, func(i int) {
		if r := ana.Do(open, id(ids[i])); len(r.Errors) > 0 {
			t.Errorf("open: %s", r.Raw)
		}
	})
	if got := f.locksHeld(ana.AgentID); got != 1 {
		t.Fatalf("L2: %d locks held after concurrent opens", got)
	}
}

// C5, C6: bulk claims racing single claims by the same and other agents never exceed a cap, and
// no conversation gets two owners.
func TestBulkClaimRacingSingleClaims(t *testing.T) {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	f.WS.Admin.Do(`mutation{updateWorkspaceSettings(input:{maxClaimsPerAgent:6}){id}}`, nil).OK(t)
	agents := []*testapi.Client{f.agent("Ana", "AGENT", 4), f.agent("Ben", "AGENT", 4), f.agent("Cleo", "AGENT", 4)}
	var ids []string
	for i := range 24 {
		ids = append(ids, f.queued([]string{"SMS", "EMAIL"}[i%2]))
	}
	bulk := `mutation($ids:[ID!]!){bulkClaimConversations(ids:$ids){conversationId error{code}}}`
	race(3*len(ids)/4+len(agents), func(i int) {
		a := agents[i%len(agents)]
		if i < len(agents) {
			a.Do(bulk, testapi.Vars{"ids": ids}).OK(t)
			return
		}
		r := a.Do(claim, id(ids[i%len(ids)]))
		switch r.Code() {
		case "", "CONFLICT", "CAPACITY_EXCEEDED", "LOCKED":
		default:
			t.Errorf("claim: %s", r.Raw)
		}
	})
	ctx := testapi.Sys()
	for _, a := range agents {
		owned := f.S.DB.Client.Conversation.Query().Where(conversation.OwnerID(atoi(t, a.AgentID))).AllX(ctx)
		perChannel := map[string]int{}
		for _, c := range owned {
			perChannel[string(c.Channel)]++
		}
		if len(owned) > 6 || perChannel["SMS"] > 4 || perChannel["EMAIL"] > 4 {
			t.Fatalf("C6/R2: %s owns %d (%v)", a.AgentID, len(owned), perChannel)
		}
	}
	checkLocks(t, f)
}

// Two server instances on one database keep every rule: claims through both race to one owner.
func TestTwoInstancesOneDatabase(t *testing.T) {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	other := testapi.NewOn(t, f.S.DB, httpapi.Config{})
	const n = 20
	var agents []*testapi.Client
	for i := range n {
		a := f.agent(fmt.Sprintf("Agent%02d", i), "AGENT", 5)
		if i%2 == 1 {
			a = other.As(a.Token)
		}
		agents = append(agents, a)
	}
	for round := range 5 {
		c := f.conversation("SMS")
		wins := 0
		var mu sync.Mutex
		race(n, func(i int) {
			if agents[i].Do(claim, id(c)).Code() == "" {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
		if wins != 1 {
			t.Fatalf("round %d: %d winners across two instances", round, wins)
		}
	}
	checkLocks(t, f)
}

// §1, §6 under concurrency: a phone number's first messages on SMS and WhatsApp at once make one
// customer with one open conversation (it gains the other channel's session), and so do a known
// customer's messages on both at once after its conversation closed. Real goroutines; on Postgres
// the two transactions run side by side.
func TestOneCustomerAcrossChannelsUnderRaces(t *testing.T) {
	f := newFixture(t)
	const handles = 12
	ingest := func(ch, h string) string {
		return f.Conn.Do(`mutation($ch:Channel!,$h:String!){ingestCustomerMessage(input:{channel:$ch,customerHandle:$h,text:"hi"}){id}}`,
			testapi.Vars{"ch": ch, "h": h}).OK(t).Str(t, "ingestCustomerMessage.id")
	}
	check := func(round string) {
		t.Helper()
		for i := range handles {
			h := fmt.Sprintf("+1666000%04d", i)
			ids := f.S.DB.Client.CustomerIdentity.Query().Where(customeridentity.Handle(h)).AllX(testapi.Sys())
			custs := map[int]bool{}
			for _, id := range ids {
				custs[id.CustomerID] = true
			}
			if len(ids) != 2 || len(custs) != 1 {
				t.Fatalf("%s: %s has %d identities of %d customers; want 2 of 1", round, h, len(ids), len(custs))
			}
			for c := range custs {
				if n := f.S.DB.Client.Conversation.Query().Where(conversation.CustomerID(c), conversation.IsOpen(true)).CountX(testapi.Sys()); n != 1 {
					t.Fatalf("%s: %s has %d open conversations; want 1", round, h, n)
				}
			}
		}
	}
	channels := []string{"SMS", "WHATSAPP"}
	race(2*handles, func(i int) { ingest(channels[i%2], fmt.Sprintf("+1666000%04d", i/2)) })
	check("first messages")
	f.S.DB.Client.Conversation.Update().Where(conversation.IsOpen(true)).SetIsOpen(false).SetState(enum.StateClosed).ExecX(testapi.Sys())
	race(2*handles, func(i int) { ingest(channels[i%2], fmt.Sprintf("+1666000%04d", i/2)) })
	check("after the conversations closed")
}
