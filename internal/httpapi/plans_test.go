package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"switchboard/ent/agent"
	"switchboard/internal/httpapi"
	"switchboard/internal/storage"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// history is how many closed conversations the workspace of TestQueryPlansIgnoreHistory has
// behind it (with two messages and three events each), and readLimit how many rows one of the
// statements may read: a tenth of it. A contact centre's history grows by the day; what an
// agent's click or a customer's message costs must not grow with it.
const (
	history   = 20000
	readLimit = history / 10
)

// TestQueryPlansIgnoreHistory (Postgres) records every statement the server sends while a day's
// work happens on a workspace with a long history — customers arriving and returning, routing,
// claims, replies, notes, transfers, releases, pending, resolving and reopening — and while every
// query of the agent workspace (frontend/src/gql, with the variables it sends) runs, then has
// Postgres explain and run each one with its recorded arguments (rolled back) and counts the
// rows its plan read. None may read more than readLimit: a statement that walks the history (a
// missing index, a filter the index cannot serve) fails here, with its plan.
func TestQueryPlansIgnoreHistory(t *testing.T) {
	testdb.RequirePostgres(t)
	rec := &recorder{}
	db := testdb.Open(t, storage.WithQueryTracer(rec))
	s := testapi.NewOn(t, db, httpapi.Config{})
	s.Route(time.Hour)
	f := testapi.NewFixture(t, s, "plans").WithoutInception()
	ann := f.Agent("Ann", "", "*:50", nil).Online()
	bob := f.Agent("Bob", "SUPERVISOR", "*:50", nil).Online()
	ws := f.WS.Workspace.ID
	annID := agentID(t, s, "ann@plans.test")
	bobID := agentID(t, s, "bob@plans.test")
	seedHistory(t, s, ws, annID, bobID)

	rec.start()
	// A new customer arrives and is routed; a customer of the history returns.
	first := f.Arrive("SMS")
	testapi.Eventually(t, 10*time.Second, "the arrival routed", func() bool { return f.OwnerOf(first) != "" })
	back := f.Ingest("SMS", "hist-7", "It is me again")
	testapi.Eventually(t, 10*time.Second, "the returning customer routed", func() bool { return f.OwnerOf(back) != "" })
	owner := map[string]*testapi.Client{fmt.Sprint(annID): ann, fmt.Sprint(bobID): bob}
	for _, id := range []string{first, back} {
		c := owner[f.OwnerOf(id)]
		c.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
		c.Do(`mutation($id:ID!,$t:String!){sendMessage(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": id, "t": "Hello, how can I help?"}).OK(t)
		c.Do(`mutation($id:ID!,$t:String!){addNote(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": id, "t": "asked for the order number"}).OK(t)
		c.Do(`mutation($id:ID!){markConversationRead(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	}
	f.Ingest("SMS", "hist-7", "Order 1234")
	if owner[f.OwnerOf(back)] == ann {
		ann.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to){id}}`, testapi.Vars{"id": back, "to": fmt.Sprint(bobID)}).OK(t)
	}
	bob.Do(`mutation($id:ID!){releaseConversation(id:$id){id}}`, testapi.Vars{"id": back}).OK(t)
	testapi.Eventually(t, 10*time.Second, "the released conversation routed again", func() bool { return f.OwnerOf(back) != "" })
	c := owner[f.OwnerOf(back)]
	c.Do(`mutation($id:ID!){pendConversation(id:$id){id}}`, testapi.Vars{"id": back}).OK(t)
	c.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, testapi.Vars{"id": back}).OK(t)
	f.Ingest("SMS", "hist-7", "One more thing")

	// Every query of the agent workspace, as an agent and as a supervisor.
	vars := map[string]testapi.Vars{
		"Queue":                   {"first": 100, "where": queueWhere},
		"QueuePlaces":             {"first": 100, "where": queueWhere},
		"MyQueue":                 {"first": 100},
		"Conversation":            {"id": first},
		"ConversationViewersOnly": {"id": first},
		"DashboardFigures":        {"days": 7},
		"AgentConversations":      {"agentId": fmt.Sprint(annID), "first": 100},
		"Webhooks":                {"deliveries": 5},
		"WebhookDeliveries":       {"id": "0", "first": 20},
		"SearchConversations":     {"text": "refund", "first": 25},
		"CannedSuggestions":       {"text": "ref", "conversationId": first},
	}
	for _, q := range spaQueries(t) {
		v, ok := vars[q.name]
		if !ok && strings.Contains(q.doc, "$") {
			t.Fatalf("the agent workspace's query %s takes variables this test does not know: add them to vars", q.name)
		}
		ann.Do(q.doc, v) // an agent may be refused some (the directory, webhooks)
		bob.Do(q.doc, v)
		f.WS.Admin.Do(q.doc, v).OK(t)
	}
	stmts := rec.stop()

	checked, most, mostSQL := 0, 0, ""
	for _, st := range stmts {
		read, plan, err := explain(t, s, st)
		if err != nil {
			t.Logf("not explained (%v): %s", err, short(st.sql))
			continue
		}
		checked++
		if read > most {
			most, mostSQL = read, st.sql
		}
		if read > readLimit {
			t.Errorf("reads %d rows (limit %d) with %d closed conversations behind the workspace:\n%s\n%s", read, readLimit, history, st.sql, plan)
		}
	}
	if checked < 40 {
		t.Fatalf("only %d statements explained: the recording missed the server's work", checked)
	}
	t.Logf("%d distinct statements explained; the most rows read by one: %d, by %s", checked, most, short(mostSQL))
}

// queueWhere is the inbox's filter (frontend/src/live/useLiveQueue.ts queueWhere).
var queueWhere = map[string]any{"statusIn": []string{"NEW", "PENDING"}, "stateNEQ": "CLOSED",
	"or": []any{map[string]any{"hasOwner": false}, map[string]any{"hasOwnerWith": []any{map[string]any{"kind": "VIRTUAL"}}}}}

func agentID(t *testing.T, s *testapi.Server, email string) int {
	t.Helper()
	return s.DB.Client.Agent.Query().Where(agent.Email(email)).OnlyIDX(testapi.Sys())
}

// seedHistory writes, by SQL, history closed conversations of 5,000 customers (handles hist-N
// on SMS) owned by the two agents over the past year (one every 25 minutes, the last a while ago), each with two messages and three events.
func seedHistory(t *testing.T, s *testapi.Server, ws, a, b int) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO customers (created_at, name, workspace_id) SELECT now() - interval '1 year', 'History ' || g, $1 FROM generate_series(1, 5000) g`,
		`INSERT INTO customer_identities (created_at, channel, handle, customer_id, workspace_id)
			SELECT c.created_at, 'SMS', 'hist-' || substr(c.name, 9), c.id, $1 FROM customers c WHERE c.workspace_id = $1 AND c.name LIKE 'History %'`,
		`INSERT INTO conversations (created_at, updated_at, last_message_at, resolved_at, closed_at, channel, status, state, is_open,
			priority, version, workspace_id, customer_id, owner_id, human_owned, last_human_owner_id, tags, required_skills, preview)
			SELECT at, at, at, at, at, (ARRAY['SMS','LIVE_CHAT','WHATSAPP','EMAIL'])[1 + g % 4], 'RESOLVED', 'CLOSED', false,
				g % 3, 3, $1, c.id, o, true, o, '[]', '[]', 'a refund for order ' || g
			FROM generate_series(1, ` + strconv.Itoa(history) + `) g
			CROSS JOIN LATERAL (SELECT now() - g * interval '25 minutes' AS at,
				CASE WHEN g % 2 = 0 THEN $2::bigint ELSE $3::bigint END AS o) x
			JOIN customers c ON c.workspace_id = $1 AND c.name = 'History ' || (1 + g % 5000)`,
		`INSERT INTO messages (created_at, author_kind, author_name, channel, text, conversation_id, workspace_id)
			SELECT v.created_at + k * interval '1 minute', (ARRAY['CUSTOMER','AGENT'])[k], 'someone', v.channel, 'about my refund', v.id, $1
			FROM conversations v CROSS JOIN generate_series(1, 2) k WHERE v.workspace_id = $1 AND NOT v.is_open`,
		`INSERT INTO events (created_at, type, version, conversation_id, actor_id, workspace_id, seq)
			SELECT v.created_at, (ARRAY['conversation.created','conversation.claimed','conversation.resolved'])[k], k, v.id, v.owner_id, $1,
				w.event_seq + row_number() OVER (ORDER BY v.id, k)
			FROM conversations v CROSS JOIN generate_series(1, 3) k JOIN workspaces w ON w.id = $1 WHERE v.workspace_id = $1 AND NOT v.is_open`,
		`UPDATE workspaces SET event_seq = (SELECT max(seq) FROM events WHERE workspace_id = $1) WHERE id = $1`,
		`ANALYZE`,
	} {
		args := []any{ws, a, b}
		for len(args) > 0 && !strings.Contains(q, fmt.Sprintf("$%d", len(args))) {
			args = args[:len(args)-1]
		}
		if _, err := s.DB.SQL.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("seed: %v\n%s", err, q)
		}
	}
}

// statement is one distinct SQL text the server sent, with the arguments of its first use.
type statement struct {
	sql  string
	args []any
}

// recorder is a pgx tracer that keeps the distinct statements sent while it records.
type recorder struct {
	mu    sync.Mutex
	on    bool
	seen  map[string]bool
	stmts []statement
}

func (r *recorder) start() {
	r.mu.Lock()
	r.on, r.seen, r.stmts = true, map[string]bool{}, nil
	r.mu.Unlock()
}

func (r *recorder) stop() []statement {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.stmts
}

func (r *recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on && explainable.MatchString(data.SQL) && !r.seen[data.SQL] {
		r.seen[data.SQL] = true
		r.stmts = append(r.stmts, statement{sql: data.SQL, args: slices.Clone(data.Args)})
	}
	return ctx
}

func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

var explainable = regexp.MustCompile(`(?is)^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b`)

// explain runs st under EXPLAIN ANALYZE in a transaction it rolls back, and returns the rows its
// plan's scans read (rows returned and rows filtered out, times loops) and the plan.
func explain(t *testing.T, s *testapi.Server, st statement) (int, string, error) {
	ctx := context.Background()
	tx, err := s.DB.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var out string
	if err := tx.QueryRowContext(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+st.sql, st.args...).Scan(&out); err != nil {
		return 0, "", err
	}
	var plans []struct{ Plan planNode }
	if err := json.Unmarshal([]byte(out), &plans); err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	read := 0
	for _, p := range plans {
		read += p.Plan.read(&text, 0)
	}
	return read, text.String(), nil
}

type planNode struct {
	NodeType  string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	Index     string     `json:"Index Name"`
	Rows      float64    `json:"Actual Rows"`
	Loops     float64    `json:"Actual Loops"`
	Filtered  float64    `json:"Rows Removed by Filter"`
	Rechecked float64    `json:"Rows Removed by Index Recheck"`
	Filter    string     `json:"Filter"`
	IndexCond string     `json:"Index Cond"`
	Plans     []planNode `json:"Plans"`
}

// read writes the node and its children, indented, to w and returns the rows their scans read.
func (n planNode) read(w *strings.Builder, depth int) int {
	rows := 0
	if strings.HasSuffix(n.NodeType, "Scan") && n.Relation+n.Index != "" {
		rows = int((n.Rows + n.Filtered + n.Rechecked) * max(n.Loops, 1))
	}
	fmt.Fprintf(w, "%s%s %s %s rows=%d loops=%d removed=%d %s %s\n", strings.Repeat("  ", depth), n.NodeType, n.Relation, n.Index,
		int(n.Rows), int(n.Loops), int(n.Filtered+n.Rechecked), n.IndexCond, n.Filter)
	for _, c := range n.Plans {
		rows += c.read(w, depth+1)
	}
	return rows
}

// spaQuery is one query document of the agent workspace, with its fragments.
type spaQuery struct{ name, doc string }

// spaQueries reads the agent workspace's queries from its generated client
// (frontend/src/gql/gql.ts: every document the workspace sends, by text).
func spaQueries(t *testing.T) []spaQuery {
	t.Helper()
	src, err := os.ReadFile("../../frontend/src/gql/gql.ts")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^    ("(?:[^"\\]|\\.)*"): typeof types\.`).FindAllStringSubmatch(string(src), -1) {
		d, err := strconv.Unquote(m[1])
		if err != nil {
			t.Fatalf("gql.ts: %v", err)
		}
		docs[d] = true
	}
	fragments := map[string]string{}
	var queries []spaQuery
	head := regexp.MustCompile(`^\s*(fragment|query|mutation|subscription) (\w+)`)
	for d := range docs {
		m := head.FindStringSubmatch(d)
		switch {
		case m == nil:
			t.Fatalf("gql.ts: a document of an unknown kind: %q", d)
		case m[1] == "fragment":
			fragments[m[2]] = d
		case m[1] == "query":
			queries = append(queries, spaQuery{name: m[2], doc: d})
		}
	}
	spread := regexp.MustCompile(`\.\.\.(\w+)`)
	for i, q := range queries {
		have := map[string]bool{}
		for todo := []string{q.doc}; len(todo) > 0; {
			d := todo[0]
			todo = todo[1:]
			for _, m := range spread.FindAllStringSubmatch(d, -1) {
				if name := m[1]; name != "on" && !have[name] {
					have[name] = true
					queries[i].doc += fragments[name]
					todo = append(todo, fragments[name])
				}
			}
		}
	}
	slices.SortFunc(queries, func(a, b spaQuery) int { return strings.Compare(a.name, b.name) })
	if len(queries) < 10 {
		t.Fatalf("gql.ts: only %d queries found", len(queries))
	}
	return queries
}

func short(sql string) string {
	if len(sql) > 160 {
		return sql[:160] + "…"
	}
	return sql
}
