package attack

import (
	"crypto/sha256"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"switchboard/internal/testapi"
)

// digest is what the database holds: the event log's count and last id, and a hash of every other
// table's rows. Equal digests before and after a request mean it wrote nothing.
type digest struct {
	events, lastEvent int64
	tables            map[string][32]byte
	rows              map[string][]string // each table's rows, to say what changed
	// of is the part of the database that belongs to one workspace (see ofWorkspace), when asked.
	of *digest
}

// ofWorkspace says which rows belong to workspace ws: its own row, rows with its workspace_id,
// and rows of tables without one (memberships) that name one of its ids.
type ofWorkspace struct {
	ws  string
	ids map[string]bool
}

func (o *ofWorkspace) has(table string, cols []string, vals []any) bool {
	for i, c := range cols {
		switch {
		case c == "workspace_id":
			return fmt.Sprint(vals[i]) == o.ws
		case table == "workspaces" && c == "id":
			return fmt.Sprint(vals[i]) == o.ws
		}
	}
	for _, v := range vals {
		if o.ids[fmt.Sprint(v)] {
			return true
		}
	}
	return false
}

// diff names what differs between two digests ("" when nothing).
func (d digest) diff(e digest) string {
	var out []string
	if d.events != e.events || d.lastEvent != e.lastEvent {
		out = append(out, fmt.Sprintf("events: %d (last %d) → %d (last %d)", d.events, d.lastEvent, e.events, e.lastEvent))
	}
	for t, h := range e.tables {
		if d.tables[t] != h {
			out = append(out, t+" ("+rowDiff(d.rows[t], e.rows[t])+")")
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// volatile are columns written without the request's mutation doing anything: an API key's last
// use is recorded when the key authenticates (at most once a minute), and the bus numbers
// committed events after the fact (events.sequence), counting on the workspace's row.
var volatile = map[string]bool{"api_keys.last_used_at": true, "workspaces.event_seq": true}

// tables lists the database's tables (SQLite or Postgres), but SQLite's search index: its FTS5
// table and the tables FTS5 keeps it in, which every workspace's texts share (a write in B
// rewrites index pages that also hold A's terms). What A's rows say is in the other tables.
func tables(t testing.TB, db *sql.DB) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'conversation_search%'`
	if isPostgres(db) {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func isPostgres(db *sql.DB) bool {
	var v string
	return db.QueryRow(`SELECT version()`).Scan(&v) == nil && strings.Contains(v, "PostgreSQL")
}

// takeDigest reads the whole database, and the part of it of (when not nil) owns.
func takeDigest(t testing.TB, s *testapi.Server, names []string, of *ofWorkspace) digest {
	t.Helper()
	db := s.DB.SQL
	d := digest{tables: map[string][32]byte{}, rows: map[string][]string{}}
	if err := db.QueryRow(`SELECT COUNT(*), COALESCE(MAX(id), 0) FROM events`).Scan(&d.events, &d.lastEvent); err != nil {
		t.Fatalf("digest events: %v", err)
	}
	var mine map[string][]string
	if of != nil {
		d.of = &digest{tables: map[string][32]byte{}, rows: map[string][]string{}}
		mine = map[string][]string{}
		if err := db.QueryRow(`SELECT COUNT(*), COALESCE(MAX(id), 0) FROM events WHERE workspace_id = `+of.ws).
			Scan(&d.of.events, &d.of.lastEvent); err != nil {
			t.Fatalf("digest events: %v", err)
		}
	}
	for _, name := range names {
		if name == "events" {
			continue
		}
		rows, err := db.Query(`SELECT * FROM ` + quote(name))
		if err != nil {
			t.Fatalf("digest %s: %v", name, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("digest %s: %v", name, err)
			}
			var b strings.Builder
			for i, c := range cols {
				if volatile[name+"."+c] {
					continue
				}
				if by, ok := vals[i].([]byte); ok {
					vals[i] = string(by)
				}
				fmt.Fprintf(&b, "%v\x1f", vals[i])
			}
			lines = append(lines, b.String())
			if of != nil && of.has(name, cols, vals) {
				mine[name] = append(mine[name], b.String())
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("digest %s: %v", name, err)
		}
		rows.Close()
		slices.Sort(lines)
		d.tables[name] = sha256.Sum256([]byte(strings.Join(lines, "\n")))
		d.rows[name] = lines
		if of != nil {
			slices.Sort(mine[name])
			d.of.tables[name] = sha256.Sum256([]byte(strings.Join(mine[name], "\n")))
			d.of.rows[name] = mine[name]
		}
	}
	return d
}

// rowDiff shows a few rows that are in only one of two sorted row lists.
func rowDiff(a, b []string) string {
	var out []string
	for _, r := range a {
		if _, found := slices.BinarySearch(b, r); !found && len(out) < 4 {
			out = append(out, "- "+r)
		}
	}
	for _, r := range b {
		if _, found := slices.BinarySearch(a, r); !found && len(out) < 8 {
			out = append(out, "+ "+r)
		}
	}
	return strings.ReplaceAll(strings.Join(out, " | "), "\x1f", ",")
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// idsOf lists the ids of every row of workspace ws (and ws itself): the global ids that may appear
// in no answer to anyone outside ws.
func idsOf(t testing.TB, s *testapi.Server, names []string, ws int) []int64 {
	t.Helper()
	db := s.DB.SQL
	out := []int64{int64(ws)}
	for _, name := range names {
		rows, err := db.Query(`SELECT id FROM ` + quote(name) + ` WHERE workspace_id = ` + strconv.Itoa(ws))
		if err != nil {
			continue // no id or no workspace_id column: nothing the API names
		}
		for rows.Next() {
			var id int64
			if rows.Scan(&id) == nil {
				out = append(out, id)
			}
		}
		rows.Close()
	}
	return out
}

var numbers = regexp.MustCompile(`-?[0-9]+`)

// leaks lists the ids of ws (from ids) and the marker found in body, except the ids the caller
// sent (echoed in answers such as a bulk result's conversationId, or an error's path). An id
// counts as a JSON string ("8589934593") or, for ids beyond the first type's range, a bare number
// (events' before and after maps name agents and conversations by number); API keys' ids, of the
// first range, are small numbers like cursors and count only as an "id" field.
func leaks(body []byte, ids []int64, sent map[string]bool) []string {
	var out []string
	if strings.Contains(strings.ToLower(string(body)), marker) {
		out = append(out, "the marker "+marker)
	}
	mine := map[string]bool{}
	for _, id := range ids {
		mine[strconv.FormatInt(id, 10)] = true
	}
	seen := map[string]bool{}
	for _, loc := range numbers.FindAllIndex(body, -1) {
		n := string(body[loc[0]:loc[1]])
		if !mine[n] || sent[n] || seen[n] {
			continue
		}
		quoted := loc[0] > 0 && body[loc[0]-1] == '"' && loc[1] < len(body) && body[loc[1]] == '"'
		bare := (loc[0] == 0 || !isWordByte(body[loc[0]-1])) && (loc[1] == len(body) || !isWordByte(body[loc[1]]))
		big, _ := strconv.ParseInt(n, 10, 64)
		named := loc[0] >= 6 && string(body[loc[0]-6:loc[0]]) == `"id":"`
		if (quoted && (big >= 1<<32 || named)) || (bare && big >= 1<<32) {
			seen[n] = true
			out = append(out, "A's id "+n)
		}
	}
	return out
}

func isWordByte(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b == '.' || b == '-'
}

// sentIDs collects every string and number in vars: ids the caller named itself.
func sentIDs(v any, out map[string]bool) map[string]bool {
	if out == nil {
		out = map[string]bool{}
	}
	switch x := v.(type) {
	case string:
		out[x] = true
	case int:
		out[strconv.Itoa(x)] = true
	case map[string]any:
		for _, e := range x {
			sentIDs(e, out)
		}
	case []any:
		for _, e := range x {
			sentIDs(e, out)
		}
	case []string:
		for _, e := range x {
			out[e] = true
		}
	}
	return out
}
