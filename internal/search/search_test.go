package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"switchboard/internal/search"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// corpus is a workspace whose conversations were written through the API, and what each holds
// (the oracle's documents).
type corpus struct {
	s     *testapi.Server
	ws    *testapi.Workspace
	agent *testapi.Client
	texts map[string][]string // conversation id → every text indexed under it
}

var words = strings.Fields(`refund delivery package Café crème naïve order invoice warranty
	damaged late REFUND résumé straße Ørsted 日本 tracking cancel hello address`)

func newCorpus(t *testing.T, s *testapi.Server, slug string, r *rand.Rand, n int) *corpus {
	ws := s.NewWorkspace(slug)
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	c := &corpus{s: s, ws: ws, texts: map[string][]string{}}
	email := "ana@" + slug + ".test"
	ws.Admin.Do(`mutation($in:CreateAgentInput!){createAgent(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"email": email, "password": testapi.Password, "name": "Ana", "role": "SUPERVISOR",
		"channels": []map[string]any{{"channel": "SMS", "capacity": 1000}}}}).OK(t)
	c.agent = s.Login(email, testapi.Password)
	sentence := func() string {
		k := 1 + r.IntN(5)
		out := make([]string, k)
		for i := range out {
			out[i] = words[r.IntN(len(words))]
		}
		return strings.Join(out, []string{" ", ", ", "! ", "-"}[r.IntN(4)])
	}
	for i := range n {
		name := []string{"María García", "John Smith", "Zoë Ünal", ""}[r.IntN(4)]
		handle := fmt.Sprintf("+1 (555) %03d-%04d", i, r.IntN(10000))
		if r.IntN(2) == 0 {
			handle = fmt.Sprintf("user%d@example.com", i)
		}
		first := sentence()
		id := conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
			"channel": "SMS", "customerHandle": handle, "customerName": name, "text": first}}).OK(t).Str(t, "ingestCustomerMessage.id")
		c.texts[id] = []string{name, handle, first}
		if r.IntN(2) == 0 { // the customer writes again
			text := sentence()
			conn.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
				"channel": "SMS", "customerHandle": handle, "text": text}}).OK(t)
			c.texts[id] = append(c.texts[id], text)
		}
		if r.IntN(2) == 0 { // a reply
			text := sentence()
			c.agent.Do(`mutation($id:ID!){claimConversation(id:$id,force:true){id}}`, testapi.Vars{"id": id}).OK(t)
			c.agent.Do(`mutation($id:ID!,$t:String!){sendMessage(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": id, "t": text}).OK(t)
			c.texts[id] = append(c.texts[id], text)
			c.agent.Do(`mutation($id:ID!){closeConversation(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
		}
		if r.IntN(3) == 0 { // an internal note
			text := sentence()
			c.agent.Do(`mutation($id:ID!,$t:String!){addNote(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": id, "t": text}).OK(t)
			c.texts[id] = append(c.texts[id], text)
		}
	}
	return c
}

// want is the oracle: the conversations holding every term of query (a term of three characters
// or more as a prefix), by id.
func (c *corpus) want(query string) []string {
	terms, _ := search.Parse(query)
	var out []string
	for id, texts := range c.texts {
		doc := search.Terms(texts...)
		if !slices.ContainsFunc(terms, func(q search.Term) bool {
			return !slices.ContainsFunc(doc, func(d string) bool { return d == q.Text || q.Prefix && strings.HasPrefix(d, q.Text) })
		}) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// got pages through searchConversations, a few at a time, and checks the order (newest message
// first).
func (c *corpus) got(t *testing.T, as *testapi.Client, query string) []string {
	t.Helper()
	var out []string
	var after any
	last := ""
	for {
		var page struct {
			SearchConversations struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct {
					Node struct {
						ID            string
						LastMessageAt string
					}
				}
			}
		}
		as.Do(`query($q:String!,$after:Cursor){searchConversations(text:$q,first:4,after:$after){totalCount pageInfo{hasNextPage endCursor} edges{node{id lastMessageAt}}}}`,
			testapi.Vars{"q": query, "after": after}).OK(t).Decode(t, &page)
		for _, e := range page.SearchConversations.Edges {
			if last != "" && e.Node.LastMessageAt > last {
				t.Fatalf("search %q: not newest first: %s after %s", query, e.Node.LastMessageAt, last)
			}
			last = e.Node.LastMessageAt
			out = append(out, e.Node.ID)
		}
		if !page.SearchConversations.PageInfo.HasNextPage {
			if want := min(len(out), search.CountCap()); page.SearchConversations.TotalCount != want {
				t.Fatalf("search %q: totalCount %d, paged through %d (counted up to %d)", query, page.SearchConversations.TotalCount, len(out), search.CountCap())
			}
			break
		}
		after = page.SearchConversations.PageInfo.EndCursor
	}
	slices.Sort(out)
	return out
}

// Generated: conversations written through every path that stores text (a customer's first and
// later messages with name and handle, replies, notes), then random queries (words, their
// prefixes in other cases and accents, a phone number as dialled, several words): the API finds
// exactly what the oracle finds, pages in order, and nothing of another workspace whose texts are
// the same.
func TestSearchFindsWhatWasWritten(t *testing.T) {
	// Twice: counted exactly (few matches: paged among their ids), and with the count's cap below
	// most words' matches (many: paged along the order's index, counted up to the cap).
	for _, capped := range []bool{false, true} {
		t.Run(fmt.Sprintf("capped=%v", capped), func(t *testing.T) {
			if capped {
				defer search.SetCountCap(3)()
			}
			findsWhatWasWritten(t)
		})
	}
}

func findsWhatWasWritten(t *testing.T) {
	s := testapi.New(t)
	r := rand.New(rand.NewPCG(20, 26))
	n := 24
	if testing.Short() {
		n = 10
	}
	c := newCorpus(t, s, "acme", r, n)
	newCorpus(t, s, "other", rand.New(rand.NewPCG(20, 26)), n) // the same texts elsewhere
	queries := []string{"refund", "REFUND", "ref", "cafe", "CAFÉ", "creme naive", "garcia maria", "García", "zoe", "unal",
		"555", "example.com", "user3", "日本", "strasse", "straße", "orsted", "re", "xylophone", "refund late tracking"}
	for id, texts := range c.texts {
		for _, text := range texts[1:2] { // each handle as a person would type it
			digits := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, text)
			if len(digits) == 11 {
				queries = append(queries, digits[1:4]+" "+digits[4:7]+" "+digits[7:], digits[4:])
			}
		}
		_ = id
	}
	for range 30 {
		w := []rune(words[r.IntN(len(words))])
		q := string(w[:1+r.IntN(len(w))])
		if r.IntN(2) == 0 {
			q = strings.ToUpper(q)
		}
		queries = append(queries, q)
	}
	found, phones := 0, 0
	for _, q := range queries {
		if _, ok := search.Parse(q); !ok {
			continue
		}
		want, got := c.want(q), c.got(t, c.agent, q)
		if !slices.Equal(want, got) {
			t.Errorf("search %q: got %v, want %v", q, got, want)
		}
		if len(want) > 0 {
			found++
			if strings.Count(q, " ") == 2 && strings.HasPrefix(q, "555") {
				phones++
			}
		}
	}
	if found < len(queries)/2 || phones == 0 {
		t.Errorf("the generated queries found something %d times of %d (%d phone numbers): the test checks too little", found, len(queries), phones)
	}
}

// Filters combine with the search as with conversations.
func TestSearchWithFilters(t *testing.T) {
	s := testapi.New(t)
	c := newCorpus(t, s, "acme", rand.New(rand.NewPCG(7, 7)), 8)
	var all, pending struct {
		SearchConversations struct{ TotalCount int }
	}
	q := `query($w:ConversationWhereInput){searchConversations(text:"555",where:$w){totalCount}}`
	c.agent.Do(q, nil).OK(t).Decode(t, &all)
	if all.SearchConversations.TotalCount == 0 {
		t.Fatal("no conversation found by 555")
	}
	c.agent.Do(q, testapi.Vars{"w": map[string]any{"status": "RESOLVED"}}).OK(t).Decode(t, &pending)
	if pending.SearchConversations.TotalCount != 0 {
		t.Errorf("RESOLVED filter: %d found, none is resolved", pending.SearchConversations.TotalCount)
	}
}

// Bad input is BAD_USER_INPUT with what to do; no credentials is UNAUTHENTICATED.
func TestSearchRefusals(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	q := `query($q:String!){searchConversations(text:$q){totalCount}}`
	for _, text := range []string{"", "   ", "?!-", strings.Repeat("a", search.MaxQueryLength+1), "a\x00b", "\xff"} {
		ws.Admin.Do(q, testapi.Vars{"q": text}).WantCode(t, "BAD_USER_INPUT")
	}
	ws.Admin.Do(q, testapi.Vars{"q": strings.Repeat("a", search.MaxQueryLength)}).OK(t)
	s.Anonymous().Do(q, testapi.Vars{"q": "refund"}).WantCode(t, "UNAUTHENTICATED")
	ws.Admin.Do(`{searchConversations(text:"refund",first:101){totalCount}}`, nil).WantCode(t, "BAD_USER_INPUT")
}

// A database made before search gains it with its migration file, whose data step indexes every
// conversation (Backfill; storage's upgrade test runs it from the file).
func TestSearchBackfill(t *testing.T) {
	s := testapi.New(t)
	c := newCorpus(t, s, "acme", rand.New(rand.NewPCG(3, 4)), 6)
	ctx := context.Background()
	forget := `DELETE FROM conversation_search`
	if testdb.IsPostgres() {
		forget = `UPDATE conversations SET search_doc = NULL`
	}
	if _, err := s.DB.SQL.ExecContext(ctx, forget); err != nil {
		t.Fatal(err)
	}
	if got := c.got(t, c.agent, "refund"); len(got) != 0 {
		t.Fatalf("with no documents, search found %v", got)
	}
	if err := search.New(s.DB.Dialect).Backfill(ctx, s.DB.SQL, s.DB.Client); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"refund", "555", "garcia", "example"} {
		if want, got := c.want(q), c.got(t, c.agent, q); !slices.Equal(want, got) {
			t.Errorf("after the backfill, search %q: got %v, want %v", q, got, want)
		}
	}
}
