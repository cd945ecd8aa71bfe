package graph_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/conversation"
	"switchboard/ent/message"
	"switchboard/internal/testapi"
)

// §9 connections held to a reference: every Relay connection an integrator pages through
// (agents, conversations, myQueue, search, a conversation's messages), in every order it offers
// and both directions, is walked forwards (first/after) and backwards (last/before) with random
// page sizes over rows made to tie (equal names, roles, times, priorities) and to lack values
// (queuedSince is null for owned conversations). Each walk must give exactly the rows the
// reference sorts from the database (the order's value, then the id, both in the direction),
// none twice, none missed, with hasNextPage/hasPreviousPage and totalCount right on every page.
// PAGES_SEED=<seed> replays the page sizes and the ties of a run (its seed is logged on failure).
func TestConnectionsPageThroughEverything(t *testing.T) {
	s := testapi.New(t)
	f := testapi.NewFixture(t, s, "acme").WithoutInception()
	sys := testapi.Sys()
	c := s.DB.Client
	seed := uint64(time.Now().UnixNano())
	if n, err := strconv.ParseUint(os.Getenv("PAGES_SEED"), 10, 64); err == nil {
		seed = n
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay: PAGES_SEED=%d go test -run ConnectionsPageThroughEverything ./graph/", seed)
		}
	})
	r := rand.New(rand.NewPCG(seed, 3))
	seedText := fmt.Sprint(r.Uint64())

	// Agents with tied names and roles (and creation times made equal).
	names := []string{"Ana", "Ben", "Ana", "Cy", "Ben", "Ana"}
	var ana *testapi.Client
	for i, n := range names {
		role := []string{"AGENT", "SUPERVISOR", "AGENT"}[i%3]
		cl := f.Agent(fmt.Sprintf("%s-%d", n, i), role, "*:40", nil).Online()
		c.Agent.UpdateOneID(atoi(t, cl.AgentID)).SetName(n).ExecX(sys)
		if ana == nil {
			ana = cl
		}
	}
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	// setTime writes an immutable time column directly (ties an API cannot make).
	setTime := func(table, column string, id int, at time.Time) {
		q := fmt.Sprintf("UPDATE %s SET %s = $1 WHERE id = $2", table, column)
		if s.DB.Dialect == "sqlite3" {
			q = fmt.Sprintf("UPDATE %s SET %s = ? WHERE id = ?", table, column)
		}
		if _, err := s.DB.SQL.Exec(q, at, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range c.Agent.Query().Where(agent.WorkspaceID(f.WS.Workspace.ID), agent.NameIn("Ana", "Ben")).IDsX(sys) {
		setTime(agent.Table, agent.FieldCreatedAt, id, t0)
	}

	// Conversations: some claimed by Ana (queuedSince null, in her queue), times and priorities tied.
	var convs []int
	for i := range 23 {
		id := atoi(t, f.Ingest([]string{"SMS", "EMAIL", "LIVE_CHAT"}[i%3], "cust-"+strconv.Itoa(i), "hello "+seedText))
		convs = append(convs, id)
		if r.IntN(2) == 0 {
			ana.Do(`mutation($id:ID!){bulkClaimConversations(ids:[$id]){conversation{id}}}`, testapi.Vars{"id": strconv.Itoa(id)}).OK(t)
		}
	}
	tick := func(n int) time.Time { return t0.Add(time.Duration(r.IntN(n)) * time.Minute) }
	for _, id := range convs {
		setTime(conversation.Table, conversation.FieldCreatedAt, id, tick(5))
		u := c.Conversation.UpdateOneID(id).SetPriority(r.IntN(3)).SetLastMessageAt(tick(4))
		if cv := c.Conversation.GetX(sys, id); cv.QueuedSince != nil {
			u.SetQueuedSince(tick(4))
		}
		u.ExecX(sys)
	}
	// Messages of one conversation, with tied times.
	busy := convs[0]
	for i := range 12 {
		f.Ingest("SMS", "cust-0", fmt.Sprintf("more %d", i))
	}
	for _, id := range c.Message.Query().Where(message.ConversationID(busy)).IDsX(sys) {
		if r.IntN(3) > 0 {
			setTime(message.Table, message.FieldCreatedAt, id, t0)
		}
	}

	type conn struct {
		name, field, args string
		client            *testapi.Client
		orders            []string
		want              func(order, dir string) []int
	}
	sortBy := func(ids []int, key func(id int) string, dir string) []int {
		out := slices.Clone(ids)
		slices.SortFunc(out, func(a, b int) int {
			d := cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(a, b))
			if dir == "DESC" {
				d = -d
			}
			return d
		})
		return out
	}
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }
	convKey := func(order string) func(id int) string {
		return func(id int) string {
			cv := c.Conversation.GetX(sys, id)
			switch order {
			case "CREATED_AT":
				return ts(cv.CreatedAt)
			case "PRIORITY":
				return fmt.Sprintf("%09d", cv.Priority)
			case "QUEUED_SINCE":
				return ts(*cv.QueuedSince)
			case "LAST_MESSAGE_AT":
				return ts(cv.LastMessageAt)
			case "UPDATED_AT":
				return ts(cv.UpdatedAt)
			}
			t.Fatalf("order %s", order)
			return ""
		}
	}
	all := func(q *ent.ConversationQuery) []int { return q.IDsX(sys) }
	ws := f.WS.Workspace.ID
	conversationOrders := []string{"CREATED_AT", "PRIORITY", "LAST_MESSAGE_AT", "UPDATED_AT"}
	conns := []conn{
		{name: "agents", field: "agents", client: f.WS.Admin, orders: []string{"CREATED_AT", "ROLE", "NAME"},
			want: func(order, dir string) []int {
				ids := c.Agent.Query().Where(agent.WorkspaceID(ws)).IDsX(sys)
				return sortBy(ids, func(id int) string {
					a := c.Agent.GetX(sys, id)
					switch order {
					case "CREATED_AT":
						return ts(a.CreatedAt)
					case "ROLE":
						return string(a.Role)
					}
					return a.Name
				}, dir)
			}},
		{name: "conversations", field: "conversations", client: f.WS.Admin, orders: conversationOrders,
			want: func(order, dir string) []int {
				return sortBy(all(c.Conversation.Query().Where(conversation.WorkspaceID(ws))), convKey(order), dir)
			}},
		{name: "conversations waiting", field: "conversations", args: `where:{queuedSinceNotNil:true}`, client: f.WS.Admin, orders: append(slices.Clone(conversationOrders), "QUEUED_SINCE"),
			want: func(order, dir string) []int {
				return sortBy(all(c.Conversation.Query().Where(conversation.WorkspaceID(ws), conversation.QueuedSinceNotNil())), convKey(order), dir)
			}},
		{name: "myQueue", field: "myQueue", client: ana, orders: conversationOrders,
			want: func(order, dir string) []int {
				return sortBy(all(c.Conversation.Query().Where(conversation.OwnerID(atoi(t, ana.AgentID)), conversation.HumanOwned(true), conversation.IsOpen(true))), convKey(order), dir)
			}},
		{name: "search", field: "searchConversations", args: `text:"` + seedText + `"`, client: f.WS.Admin, orders: conversationOrders,
			want: func(order, dir string) []int {
				return sortBy(all(c.Conversation.Query().Where(conversation.WorkspaceID(ws))), convKey(order), dir)
			}},
	}
	for _, cn := range conns {
		for _, order := range cn.orders {
			for _, dir := range []string{"ASC", "DESC"} {
				want := cn.want(order, dir)
				orderBy := fmt.Sprintf("orderBy:{field:%s,direction:%s}", order, dir)
				walk(t, cn.client, fmt.Sprintf("%s by %s %s", cn.name, order, dir), cn.field, cn.args+" "+orderBy, want, r)
			}
		}
	}
	// QUEUED_SINCE orders only conversations that have one: without a filter that keeps those,
	// entgql's cursors could not page past the others, so it is refused.
	for _, q := range []string{`{conversations(orderBy:{field:QUEUED_SINCE,direction:ASC}){totalCount}}`,
		`{myQueue(orderBy:{field:QUEUED_SINCE,direction:DESC}){totalCount}}`,
		`{searchConversations(text:"hello",orderBy:{field:QUEUED_SINCE,direction:ASC}){totalCount}}`} {
		ana.Do(q, nil).WantCode(t, "BAD_USER_INPUT")
	}
	// A conversation's messages: by id (the order they were written in) unless ordered by time.
	walkMessages(t, f.WS.Admin, busy, "", c.Message.Query().Where(message.ConversationID(busy)).Order(ent.Asc(message.FieldID)).IDsX(sys), r)
	for _, dir := range []string{"ASC", "DESC"} {
		o, by := ent.Asc, "orderBy:{field:CREATED_AT,direction:ASC}"
		if dir == "DESC" {
			o, by = ent.Desc, "orderBy:{field:CREATED_AT,direction:DESC}"
		}
		want := c.Message.Query().Where(message.ConversationID(busy)).Order(o(message.FieldCreatedAt), o(message.FieldID)).IDsX(sys)
		walkMessages(t, f.WS.Admin, busy, by, want, r)
	}
}

type pageInfo struct {
	HasNextPage, HasPreviousPage bool
	StartCursor, EndCursor       *string
}

type page struct {
	IDs        []int
	TotalCount int
	PageInfo   pageInfo
}

// walk pages through field(args) forwards and backwards with random sizes; every walk must give
// want exactly.
func walk(t *testing.T, cl *testapi.Client, what, field, args string, want []int, r *rand.Rand) {
	t.Helper()
	fetch := func(paging string) page {
		var out map[string]struct {
			TotalCount int
			PageInfo   pageInfo
			Edges      []struct{ Node struct{ ID string } }
		}
		q := fmt.Sprintf(`{ %s(%s %s) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id } } } }`, field, args, paging)
		cl.Do(q, nil).OK(t).Decode(t, &out)
		p := page{TotalCount: out[field].TotalCount, PageInfo: out[field].PageInfo}
		for _, e := range out[field].Edges {
			p.IDs = append(p.IDs, atoi(t, e.Node.ID))
		}
		return p
	}
	pageThrough(t, what, want, r, fetch)
}

func walkMessages(t *testing.T, cl *testapi.Client, conv int, orderBy string, want []int, r *rand.Rand) {
	t.Helper()
	fetch := func(paging string) page {
		var out struct {
			Node struct {
				Messages struct {
					TotalCount int
					PageInfo   pageInfo
					Edges      []struct{ Node struct{ ID string } }
				}
			}
		}
		q := fmt.Sprintf(`query($id:ID!){ node(id:$id) { ... on Conversation { messages(%s %s) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id } } } } } }`, orderBy, paging)
		cl.Do(q, testapi.Vars{"id": strconv.Itoa(conv)}).OK(t).Decode(t, &out)
		p := page{TotalCount: out.Node.Messages.TotalCount, PageInfo: out.Node.Messages.PageInfo}
		for _, e := range out.Node.Messages.Edges {
			p.IDs = append(p.IDs, atoi(t, e.Node.ID))
		}
		return p
	}
	pageThrough(t, "messages "+orderBy, want, r, fetch)
}

// pageThrough walks forwards then backwards, three times each with random page sizes.
func pageThrough(t *testing.T, what string, want []int, r *rand.Rand, fetch func(paging string) page) {
	t.Helper()
	if len(want) < 3 {
		t.Fatalf("%s: the reference has %d rows: nothing to page through", what, len(want))
	}
	for range 3 {
		var got []int
		after, pages := "", 0
		for {
			n := 1 + r.IntN(5)
			paging := fmt.Sprintf("first:%d", n)
			if after != "" {
				paging += fmt.Sprintf(` after:%q`, after)
			}
			p := fetch(paging)
			got = append(got, p.IDs...)
			more := len(got) < len(want)
			if p.TotalCount != len(want) || p.PageInfo.HasNextPage != more || p.PageInfo.HasPreviousPage != (after != "") || len(p.IDs) != min(n, max(len(want)-(len(got)-len(p.IDs)), 0)) {
				t.Fatalf("%s, forwards, page %d (%s): %d rows %v, totalCount %d, pageInfo %+v; want totalCount %d, all %v, so far %v",
					what, pages, paging, len(p.IDs), p.IDs, p.TotalCount, p.PageInfo, len(want), want, got)
			}
			if pages++; !more || pages > len(want)+1 {
				break
			}
			after = *p.PageInfo.EndCursor
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s, forwards: got %v, want %v", what, got, want)
		}
		got = nil
		before := ""
		for pages = 0; ; {
			n := 1 + r.IntN(5)
			paging := fmt.Sprintf("last:%d", n)
			if before != "" {
				paging += fmt.Sprintf(` before:%q`, before)
			}
			p := fetch(paging)
			got = append(slices.Clone(p.IDs), got...)
			more := len(got) < len(want)
			if p.TotalCount != len(want) || p.PageInfo.HasPreviousPage != more || p.PageInfo.HasNextPage != (before != "") {
				t.Fatalf("%s, backwards, page %d (%s): %v, totalCount %d, pageInfo %+v; want %v, so far %v",
					what, pages, paging, p.IDs, p.TotalCount, p.PageInfo, want, got)
			}
			if pages++; !more || pages > len(want)+1 {
				break
			}
			before = *p.PageInfo.StartCursor
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s, backwards: got %v, want %v", what, got, want)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}
