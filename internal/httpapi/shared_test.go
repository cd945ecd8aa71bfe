package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"switchboard/graph"
	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
)

// Shared subscription responses (graph/share.go) send each subscriber exactly what computing its
// own response would. Generated selections of every subscription's payload (random fields of
// every type reachable from it, aliases, inline and named fragments, @include on per-subscriber
// variables) are held by viewers of every role and an integration's API key, each selection by
// several of them; a random history of claims, steals, replies, notes, reassignments, pends,
// resolves, customer messages and presence changes runs; every subscription on the server that shares and its twin
// on the same instance that computes every response alone must receive the same items, byte
// for byte. The server must have shared some (else the test proves nothing).
func TestSharedResponsesMatchComputed(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { sharedMatchesComputed(t, seed) })
	}
}

func sharedMatchesComputed(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 91))
	s := testapi.New(t)
	twin := s.Twin(httpapi.Config{UnsharedResponses: true})
	f := testapi.NewFixture(t, s, fmt.Sprint("share", seed)).WithoutInception()
	humans := []*testapi.Client{
		f.Agent("Ana", "AGENT", "*:5", nil), f.Agent("Bo", "AGENT", "*:5", nil),
		f.Agent("Sue", "SUPERVISOR", "*:5", nil), f.WS.Admin,
	}
	viewers := append(slices.Clone(humans), f.Conn) // the connector's API key: an integration
	convs := []string{f.Arrive("SMS"), f.Arrive("EMAIL"), f.Arrive("LIVE_CHAT")}

	schema := graph.NewSchema(&graph.Resolver{}).Schema()
	kinds := []struct {
		field, args string
		supervisor  bool // refused below SUPERVISOR
	}{
		{"lockChanged", fmt.Sprintf(`(conversationIds:["%s"])`, strings.Join(convs, `","`)), false},
		{"myQueue", "", false},
		{"inbox", "", false},
		{"conversationEvents", fmt.Sprintf(`(conversationId:"%s")`, convs[0]), false},
		{"notifications", "", false},
		{"workspaceEvents", "", true},
	}
	type pair struct {
		name           string
		shared, alone  *testapi.Sub
		sharedGot, got []string
	}
	var pairs []*pair
	for _, k := range kinds {
		// Two selections per kind, each viewer takes one: most are held by several viewers.
		payload := schema.Types[schema.Subscription.Fields.ForName(k.field).Type.Name()]
		var docs []selectionDoc
		for range 2 {
			docs = append(docs, generateSelection(rng, schema, k.field, k.args, payload))
		}
		for vi, v := range viewers {
			if k.supervisor && (vi < 2 || v == f.Conn) {
				continue
			}
			d := docs[rng.IntN(len(docs))]
			vars := testapi.Vars{}
			for _, name := range d.vars {
				vars[name] = rng.IntN(2) == 0
			}
			pairs = append(pairs, &pair{name: fmt.Sprintf("%s of viewer %d: %s %v", k.field, vi, d.query, vars),
				shared: v.Subscribe(d.query, vars), alone: twin.As(v.Token).Subscribe(d.query, vars)})
		}
	}

	// Probes follow every event on each server: once both have the log's head, each server has
	// handed every subscription its events (the bus hands them in order); what is left to wait
	// for is the responses' computing and writing.
	head := func() int64 {
		var h struct{ EventCursor string }
		f.WS.Admin.Do(`{eventCursor}`, nil).OK(t).Decode(t, &h)
		n, _ := strconv.ParseInt(h.EventCursor, 10, 64)
		return n
	}
	from := head()
	probe := `subscription($after:String){workspaceEvents(after:$after){cursor}}`
	probeVars := testapi.Vars{"after": fmt.Sprint(from)}
	probes := []*testapi.Sub{f.WS.Admin.Subscribe(probe, probeVars), twin.As(f.WS.Admin.Token).Subscribe(probe, probeVars)}
	seen := []int64{from, from}

	// settle waits until both servers have handed out the log up to its head, then until every
	// pair received as many items and nothing came for a while, so that no change lands between
	// one event's responses (they show the data as of the event).
	settle := func() {
		deadline := time.Now().Add(15 * time.Second)
		want := head()
		for i, p := range probes {
			for seen[i] < want {
				var got struct{ WorkspaceEvents struct{ Cursor string } }
				if !p.Next(time.Until(deadline), &got) {
					t.Fatalf("server %d did not hand out the log up to %d within 15 s (at %d)", i, want, seen[i])
				}
				seen[i], _ = strconv.ParseInt(got.WorkspaceEvents.Cursor, 10, 64)
			}
		}
		total, quietSince := -1, time.Now()
		for time.Now().Before(deadline) {
			n, even := 0, true
			for _, p := range pairs {
				for _, side := range []struct {
					sub *testapi.Sub
					to  *[]string
				}{{p.shared, &p.sharedGot}, {p.alone, &p.got}} {
					var data json.RawMessage
					for side.sub.Next(time.Millisecond, &data) {
						var b bytes.Buffer
						if err := json.Compact(&b, data); err != nil {
							t.Fatal(err)
						}
						*side.to = append(*side.to, b.String())
					}
				}
				n += len(p.sharedGot) + len(p.got)
				even = even && len(p.sharedGot) == len(p.got)
			}
			if n != total {
				total, quietSince = n, time.Now()
			}
			if even && time.Since(quietSince) > 200*time.Millisecond {
				return
			}
		} // each pass waits on every subscription's stream (Next) for what comes
		t.Fatal("the subscriptions did not settle within 15 s")
	}

	before := scrape(t, s.URL)
	settle()
	for range 30 {
		c := convs[rng.IntN(len(convs))]
		who := humans[rng.IntN(len(humans))]
		vars := testapi.Vars{"id": c}
		switch rng.IntN(10) {
		case 0, 1:
			who.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, vars)
		case 2:
			who.Do(`mutation($id:ID!){releaseConversation(id:$id){id}}`, vars)
		case 3:
			who.Do(`mutation($id:ID!){stealLock(id:$id){id}}`, vars)
		case 4:
			who.Do(`mutation($id:ID!){sendMessage(conversationId:$id,text:"On it"){id}}`, vars)
		case 5:
			who.Do(`mutation($id:ID!){addNote(conversationId:$id,text:"a note"){id}}`, vars)
		case 6:
			vars["a"] = humans[rng.IntN(len(humans))].AgentID
			humans[2].Do(`mutation($id:ID!,$a:ID!){reassignConversation(id:$id,agentId:$a,note:"yours"){id}}`, vars)
		case 7:
			if rng.IntN(2) == 0 {
				who.Do(`mutation($id:ID!){pendConversation(id:$id){id}}`, vars)
			} else {
				who.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, vars)
			}
		case 8: // the customer writes again: a message, or a reopened or new conversation
			f.Ingest(string(f.Conv(c).Channel), customerHandle(t, f, c), "me again")
		case 9: // the agent changes, without an event of any conversation's (routing may follow)
			who.Do(`mutation($p:Presence!){setPresence(presence:$p){id}}`, testapi.Vars{"p": []string{"ONLINE", "AWAY", "OFFLINE"}[rng.IntN(3)]})
		}
		settle()
	}
	after := scrape(t, s.URL)

	items := 0
	for _, p := range pairs {
		items += len(p.got)
		if !slices.Equal(p.sharedGot, p.got) {
			for i := range max(len(p.sharedGot), len(p.got)) {
				var a, b string
				if i < len(p.sharedGot) {
					a = p.sharedGot[i]
				}
				if i < len(p.got) {
					b = p.got[i]
				}
				if a != b {
					t.Errorf("%s\nitem %d shared:   %s\n        computed: %s", p.name, i, a, b)
					break
				}
			}
		}
	}
	shared := after[`switchboard_subscription_responses_total{source="shared"}`] - before[`switchboard_subscription_responses_total{source="shared"}`]
	t.Logf("%d subscription pairs, %d items each side, %.0f responses shared", len(pairs), items, shared)
	if shared == 0 {
		t.Error("no response was shared: the comparison proves nothing")
	}
}

// customerHandle is the handle conversation id's customer writes from.
func customerHandle(t *testing.T, f *testapi.Fixture, id string) string {
	c := f.Conv(id)
	ident, err := f.S.DB.Client.CustomerIdentity.Query().Where().All(testapi.Sys())
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ident {
		if i.CustomerID == c.CustomerID {
			return i.Handle
		}
	}
	t.Fatalf("conversation %s: no customer handle", id)
	return ""
}

type selectionDoc struct {
	query string
	vars  []string // the Boolean variables its @include directives use
}

// generateSelection writes a subscription document for field (with args) that selects a random
// part of payload: every field without arguments of every type reachable within three levels may
// be picked, aliased, put in an inline or a named fragment, or included on a variable.
func generateSelection(rng *rand.Rand, s *ast.Schema, field, args string, payload *ast.Definition) selectionDoc {
	g := &selectionGen{rng: rng, s: s}
	body := g.object(payload, 0)
	var decl []string
	for _, v := range g.vars {
		decl = append(decl, "$"+v+":Boolean!")
	}
	q := "subscription"
	if len(decl) > 0 {
		q += "(" + strings.Join(decl, ",") + ")"
	}
	q += "{" + field + args + body + "}" + strings.Join(g.fragments, "")
	return selectionDoc{query: q, vars: g.vars}
}

type selectionGen struct {
	rng       *rand.Rand
	s         *ast.Schema
	vars      []string
	fragments []string
	aliases   int
}

// skipped are fields whose value moves with the clock: a twin computes it a moment later.
var skipped = map[string]bool{"Conversation.queuePosition": true}

func (g *selectionGen) object(def *ast.Definition, depth int) string {
	if def.Kind == ast.Interface || def.Kind == ast.Union {
		parts := []string{"__typename"}
		for _, p := range g.s.GetPossibleTypes(def) {
			if g.rng.IntN(2) == 0 {
				parts = append(parts, "...on "+p.Name+g.object(p, depth))
			}
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	var parts []string
	for _, fd := range def.Fields {
		t := g.s.Types[fd.Type.Name()]
		nested := t.Kind == ast.Object || t.Kind == ast.Interface || t.Kind == ast.Union
		if strings.HasPrefix(fd.Name, "__") || len(fd.Arguments) > 0 || skipped[def.Name+"."+fd.Name] ||
			(nested && depth >= 2) || g.rng.IntN(3) == 0 {
			continue
		}
		part := fd.Name
		if g.rng.IntN(4) == 0 {
			g.aliases++
			part = fmt.Sprintf("a%d:%s", g.aliases, fd.Name)
		}
		if len(g.vars) < 2 && g.rng.IntN(10) == 0 { // few: most subscribers of a selection should match
			v := fmt.Sprintf("inc%d", len(g.vars))
			g.vars = append(g.vars, v)
			part += " @include(if:$" + v + ")"
		}
		if nested {
			part += g.object(t, depth+1)
		}
		switch g.rng.IntN(8) {
		case 0:
			part = "...on " + def.Name + "{" + part + "}"
		case 1:
			name := fmt.Sprintf("f%d", len(g.fragments))
			g.fragments = append(g.fragments, " fragment "+name+" on "+def.Name+"{"+part+"}")
			part = "..." + name
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		parts = append(parts, "__typename")
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// A shared response never crosses workspaces: two workspaces made the same way number their events
// alike, so their subscribers, with the same selection, get items with the same cursors; each
// must receive its own workspace's conversation.
func TestSharedResponsesStayInTheirWorkspace(t *testing.T) {
	s := testapi.New(t)
	const sub = `subscription($c:[ID!]!){lockChanged(conversationIds:$c){conversationId version cursor}}`
	var agents []*testapi.Client
	var convs []string
	var subs []*testapi.Sub
	for _, slug := range []string{"alike-one", "alike-two"} {
		f := testapi.NewFixture(t, s, slug).WithoutInception()
		a := f.Agent("Ana", "AGENT", "*:5", nil)
		c := f.Arrive("SMS")
		agents, convs = append(agents, a), append(convs, c)
		subs = append(subs, a.Subscribe(sub, testapi.Vars{"c": []string{c}}))
	}
	for i, a := range agents {
		a.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": convs[i]}).OK(t)
	}
	var cursors []string
	for i, sb := range subs {
		var got struct {
			LockChanged struct{ ConversationID, Cursor string }
		}
		if !sb.Next(5*time.Second, &got) {
			t.Fatalf("workspace %d: no lock change", i)
		}
		if got.LockChanged.ConversationID != convs[i] {
			t.Errorf("workspace %d's subscriber got conversation %s, want its own %s", i, got.LockChanged.ConversationID, convs[i])
		}
		cursors = append(cursors, got.LockChanged.Cursor)
	}
	if cursors[0] != cursors[1] {
		t.Fatalf("cursors %v differ: the workspaces were not made alike, and the test proves nothing", cursors)
	}
}

// An event's agents are shown as of the event, not as an earlier event loaded them: the holder of
// a lock taken again after the agent went online is online (its presence changed without an event
// of the conversation's, so nothing keyed by the conversation could have told the cache).
func TestLockEventsShowTheHolderAsOfTheEvent(t *testing.T) {
	s := testapi.New(t)
	f := testapi.NewFixture(t, s, "holderasof").WithoutInception()
	ana := f.Agent("Ana", "AGENT", "*:5", nil)
	c := f.Arrive("SMS")
	sub := f.WS.Admin.Subscribe(`subscription($c:ID!){lockChanged(conversationIds:[$c]){holder{presence} version}}`, testapi.Vars{"c": c})
	type lockEvent struct {
		LockChanged struct {
			Holder  *struct{ Presence string }
			Version int
		}
	}
	next := func() lockEvent {
		t.Helper()
		var e lockEvent
		if !sub.Next(10*time.Second, &e) {
			t.Fatal("no lock event within 10 s")
		}
		return e
	}
	vars := testapi.Vars{"id": c}
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, vars).OK(t)
	if e := next(); e.LockChanged.Holder == nil || e.LockChanged.Holder.Presence != "OFFLINE" {
		t.Fatalf("first claim: %+v, want the holder OFFLINE", e)
	}
	ana.Online()
	ana.Do(`mutation($id:ID!){releaseConversation(id:$id){id}}`, vars).OK(t)
	if e := next(); e.LockChanged.Holder != nil {
		t.Fatalf("release: %+v, want no holder", e)
	}
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, vars).OK(t)
	if e := next(); e.LockChanged.Holder == nil || e.LockChanged.Holder.Presence != "ONLINE" {
		t.Fatalf("second claim: %+v, want the holder ONLINE as the agent is now", e)
	}
}
