package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"time"

	"switchboard/internal/httpapi"
	"switchboard/internal/storage"
)

// runSearch seeds a year of conversations (as many as the analytics benchmark's year: 1.8 M) with
// the search documents the desk would have written for them, then times searchConversations
// through GraphQL over HTTP for words of every frequency, against the same page of conversations
// without a search (the baseline).
func runSearch(args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	dbURL := fs.String("db", env("BENCH_DATABASE_URL", ""), "Postgres server URL (empty: start a throw-away one)")
	n := fs.Int("conversations", 1_825_000, "conversations to seed")
	runs := fs.Int("runs", 200, "timed runs per query")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	db, cleanup, err := database(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer cleanup()

	start := time.Now()
	ws, err := analyticsFixture(ctx, db, 0)
	if err != nil {
		return err
	}
	if err := seedSearch(ctx, db, ws, *n); err != nil {
		return err
	}
	fmt.Printf("search benchmark: Postgres, %d conversations over 365 days, each with the terms of its customer and about 40 words of messages (seeded in %.0f s)\n",
		*n, time.Since(start).Seconds())
	for _, w := range []string{"refund", "warranty", "chargeback", "garcia"} {
		var k int
		if err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM conversations WHERE search_doc @@ $1::tsquery`, w).Scan(&k); err != nil {
			return err
		}
		fmt.Printf("  %q is in %d conversations (%.2f%%)\n", w, k, 100*float64(k)/float64(*n))
	}

	srv := httptest.NewServer(httpapi.New(httpapi.Config{AccessLog: slog.New(slog.DiscardHandler), Limits: httpapi.Limits{Off: true}}, httpapi.Deps{DB: db}))
	defer srv.Close()
	tokens, err := signIn(srv.URL, []string{"admin@analytics.test"})
	if err != nil {
		return err
	}
	const page = `totalCount edges{node{id preview lastMessageAt}}`
	search := func(text, rest string) string {
		return fmt.Sprintf(`{searchConversations(text:%q, first:25%s){%s}}`, text, rest, page)
	}
	queries := []struct{ name, query string }{
		{"conversations, first 25 (no search: the baseline)", `{conversations(first:25, orderBy:{field:LAST_MESSAGE_AT, direction:DESC}){` + page + `}}`},
		{"a common word (refund)", search("refund", "")},
		{"a less common word (warranty)", search("warranty", "")},
		{"a rare word (chargeback)", search("chargeback", "")},
		{"a customer's last name (garcia)", search("garcia", "")},
		{"a customer's full name", search("maria garcia", "")},
		{"an order number (one conversation)", search(fmt.Sprintf("ord%d", *n/2), "")},
		{"a phone number as dialled at home", search(fmt.Sprintf("555 %03d %04d", (*n/3)/10000%1000, (*n/3)%10000), "")},
		{"a prefix (ref)", search("ref", "")},
		{"two words (refund delayed)", search("refund delayed", "")},
		{"a word and a filter (refund, NEW)", search("refund", ", where:{status:NEW}")},
		{"a word nobody wrote", search("xylophone", "")},
	}
	fmt.Printf("\n%d runs each, one at a time:\n", *runs)
	return timeQueries(srv.URL, tokens[0], queries, *runs)
}

// The vocabulary of the seeded messages: words of support conversations, the first ones far more
// often than the last (see seedSearch); customers' first and last names.
var (
	searchWords = strings.Fields(`hi hello thanks thank you please help order my the a to is it not
		can i need with for on account refund delivery package where when still received payment card
		charged twice cancel subscription update address change email password reset login app error
		problem issue working broken return exchange size color item missing damaged tracking number
		shipping late delayed week days store online website checkout discount code coupon price
		invoice receipt warranty repair replacement manager complaint urgent`)
	firstNames = strings.Fields(`maria jose ana john james mary robert patricia michael jennifer
		david linda william elizabeth richard barbara joseph susan thomas jessica charles sarah
		daniel karen matthew nancy anthony lisa mark betty ahmed fatima wei li yuki hiroshi olga ivan`)
	lastNames = strings.Fields(`smith johnson williams brown jones garcia miller davis rodriguez
		martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez
		thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright
		scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter
		roberts kim chen wang singh kumar ivanova muller schmidt rossi silva santos`)
)

// seedSearch writes n conversations of workspace ws spread over a year with their search
// documents, as the desk's indexing leaves them: the customer's name, handle (a phone number with
// its endings) and order number, and 40 words drawn from searchWords with a skew (word i of k is
// drawn less often the later it comes), so that "refund" is in about a third of them and
// "warranty" in a fifth, and "chargeback" in one in 2,000. Most are resolved and closed; the last
// week's are open.
func seedSearch(ctx context.Context, db *storage.DB, ws, n int) error {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	stmts := []struct {
		sql  string
		args []any
	}{
		{`SET session_replication_role = replica`, nil},
		{`DROP INDEX IF EXISTS conversations_search_doc`, nil},
		{`INSERT INTO customers (created_at, name, workspace_id)
			SELECT now() - interval '400 days', initcap(f[1 + g % array_length(f, 1)] || ' ' || l[1 + (g / 7) % array_length(l, 1)]), $1
			FROM generate_series(1, 20000) g, (SELECT $2::text[] AS f, $3::text[] AS l) names`,
			[]any{ws, firstNames, lastNames}},
		{`WITH c AS (SELECT min(id) AS lo FROM customers WHERE workspace_id = $1)
			INSERT INTO conversations (created_at, channel, status, state, is_open, version, tags, required_skills, human_owned,
				customer_present, preview, last_message_at, updated_at, resolved_at, closed_at, queued_since, customer_id, workspace_id, search_doc)
			SELECT t, (ARRAY['SMS','LIVE_CHAT','WHATSAPP','EMAIL'])[1 + (g / 20000) % 4],
				CASE WHEN recent THEN 'NEW' ELSE 'RESOLVED' END, CASE WHEN recent THEN 'ACTIVE' ELSE 'CLOSED' END, recent, 5,
				'[]', '[]', false, recent, 'seeded', t + interval '20 minutes', t + interval '20 minutes',
				CASE WHEN recent THEN NULL ELSE t + interval '20 minutes' END, CASE WHEN recent THEN NULL ELSE t + interval '1 day' END,
				CASE WHEN recent THEN t END, c.lo + g % 20000, $1,
				array_to_tsvector(
					string_to_array(lower(cu.name), ' ') ||
					ARRAY['ord' || g, '1555' || lpad((g % 10000000)::text, 7, '0'), '555' || lpad((g % 10000000)::text, 7, '0'),
						lpad((g % 10000000)::text, 7, '0')] ||
					ARRAY(SELECT DISTINCT w[1 + floor(power(random(), 2.5) * array_length(w, 1))::int] FROM generate_series(1, 40) k WHERE g > 0) ||
					CASE WHEN g % 2000 = 0 THEN ARRAY['chargeback'] ELSE ARRAY[]::text[] END)
			FROM (SELECT g, now() - (g::float8 / $2) * interval '365 days' AS t, g <= $2 / 52 AS recent FROM generate_series(1, $2) g) s
				CROSS JOIN c CROSS JOIN (SELECT $3::text[] AS w) words
				JOIN customers cu ON cu.id = c.lo + g % 20000`,
			[]any{ws, n, searchWords}},
		{`CREATE INDEX conversations_search_doc ON conversations USING gin (search_doc)`, nil},
		{`SET session_replication_role = DEFAULT`, nil},
		{`VACUUM ANALYZE`, nil},
		{`CHECKPOINT`, nil},
	}
	for i, s := range stmts {
		if _, err := conn.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("seed step %d: %w", i, err)
		}
	}
	return nil
}
