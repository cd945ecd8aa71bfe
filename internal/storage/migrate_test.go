package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"switchboard/internal/httpapi"
	"switchboard/internal/search"
	"switchboard/internal/storage"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// versions are the dialect's migration files' versions, oldest first.
func versions(t *testing.T, db *storage.DB) []string {
	t.Helper()
	files, err := storage.MigrationFiles(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	var vs []string
	for _, f := range files {
		vs = append(vs, f.Version())
	}
	return vs
}

func status(t *testing.T, db *storage.DB) *storage.MigrationStatus {
	t.Helper()
	st, err := db.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// upToDate fails t unless every file is applied and ent's schemas want nothing more (the files
// and ent/schema agree: a schema change without its file fails here).
func upToDate(t *testing.T, db *storage.DB) {
	t.Helper()
	st := status(t, db)
	vs := versions(t, db)
	if st.Legacy || len(st.Pending) > 0 || len(st.Unknown) > 0 || st.Dirty != "" || st.Current != vs[len(vs)-1] {
		t.Fatalf("not up to date: %+v", st)
	}
	if err := db.CheckSchema(context.Background()); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := db.WriteMigration(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	var pending []string
	for _, l := range strings.Split(buf.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" && l != "BEGIN;" && l != "COMMIT;" {
			pending = append(pending, l)
		}
	}
	if len(pending) > 0 {
		t.Fatalf("the migration files do not make what ent/schema declares: run go run ./cmd/migrations diff <name>\n%s", strings.Join(pending, "\n"))
	}
}

// A new database: every file is pending, the dry run shows them all without running any, and
// migrating applies them once; then ent/schema wants nothing more (the drift check), and migrating
// again changes nothing (on Postgres a partial index whose predicate Postgres rewrites would be
// dropped and re-created at every start).
func TestMigrateNewDatabase(t *testing.T) {
	db := testdb.Empty(t)
	ctx := context.Background()
	st := status(t, db)
	vs := versions(t, db)
	if st.Legacy || st.Current != "" || len(st.Pending) != len(vs) {
		t.Fatalf("new database: %+v", st)
	}
	var dry bytes.Buffer
	if err := db.WritePending(ctx, &dry); err != nil {
		t.Fatal(err)
	}
	for _, f := range st.Pending {
		if !strings.Contains(dry.String(), "-- "+f.Name()) {
			t.Errorf("the dry run does not show %s", f.Name())
		}
	}
	if st := status(t, db); len(st.Pending) != len(vs) {
		t.Fatalf("the dry run applied something: %+v", st)
	}
	if err := db.MigrateAtStart(ctx, false); err != nil { // a new database needs no --migrate
		t.Fatal(err)
	}
	upToDate(t, db)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	upToDate(t, db)
}

// A generated matrix: from every earlier version, an older Postgres database is refused at start
// without --migrate (the error names the command), unchanged; with it, or on SQLite, it is brought
// up to date.
func TestMigrateAtStartOnOlderSchemas(t *testing.T) {
	vs := versions(t, testdb.Empty(t))
	for _, from := range vs[:len(vs)-1] {
		for _, auto := range []bool{false, true} {
			t.Run(fmt.Sprintf("from=%s/migrate=%v", from, auto), func(t *testing.T) {
				db := testdb.Empty(t)
				ctx := context.Background()
				if err := db.MigrateTo(ctx, from); err != nil {
					t.Fatal(err)
				}
				err := db.CheckSchema(ctx)
				if !errors.Is(err, storage.ErrSchemaBehind) || !strings.Contains(err.Error(), "switchboard migrate up") {
					t.Fatalf("CheckSchema on %s: %v", from, err)
				}
				err = db.MigrateAtStart(ctx, auto)
				if !auto && db.Dialect == "postgres" {
					if !errors.Is(err, storage.ErrSchemaBehind) {
						t.Fatalf("started on an older Postgres schema without --migrate: %v", err)
					}
					if st := status(t, db); st.Current != from {
						t.Fatalf("a refused start changed the schema: at %s, was %s", st.Current, from)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				upToDate(t, db)
			})
		}
	}
}

// A database migrated by a newer server is refused by this one, whatever it is told.
func TestMigrateRefusesNewerSchema(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	q := `INSERT INTO atlas_schema_revisions (version, description, type, applied, total, executed_at, execution_time, error, error_stmt, hash, partial_hashes, operator_version) VALUES ('29991231000000', 'future', 2, 1, 1, '2999-12-31T00:00:00Z', 0, '', '', '', '[]', 'test')`
	if _, err := db.SQL.ExecContext(ctx, q); err != nil {
		t.Fatal(err)
	}
	for name, try := range map[string]func() error{
		"migrate":              func() error { return db.Migrate(ctx) },
		"start":                func() error { return db.MigrateAtStart(ctx, false) },
		"start with --migrate": func() error { return db.MigrateAtStart(ctx, true) },
		"check":                func() error { return db.CheckSchema(ctx) },
	} {
		if err := try(); !errors.Is(err, storage.ErrSchemaAhead) || !strings.Contains(err.Error(), "29991231000000") {
			t.Errorf("%s on a newer schema: %v", name, err)
		}
	}
}

// A database made before versioned migrations (ent's automatic migration, with or without the
// hand-written SQL and its data, as releases up to 991fb6a made them) keeps its data: it is
// brought up to date and every file is recorded.
func TestMigrateBaselinesALegacyDatabase(t *testing.T) {
	for _, handWritten := range []bool{false, true} {
		t.Run(fmt.Sprintf("hand-written=%v", handWritten), func(t *testing.T) { baselineLegacy(t, handWritten) })
	}
}

func baselineLegacy(t *testing.T, handWritten bool) {
	db := testdb.Empty(t)
	ctx := context.Background()
	if err := db.Client.Schema.Create(ctx); err != nil {
		t.Fatal(err)
	}
	testdb.WriteFixture(t, db)
	if handWritten {
		files, err := storage.MigrationFiles(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.Desc() != "hotpaths" && f.Desc() != "search" {
				continue
			}
			stmts, err := f.StmtDecls()
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range stmts {
				if _, err := db.SQL.ExecContext(ctx, st.Text); err != nil {
					t.Fatalf("%s: %v", f.Name(), err)
				}
			}
			if f.Desc() == "search" { // the old server indexed what it stored
				if err := search.New(db.Dialect).Backfill(ctx, db.SQL, db.Client); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if st := status(t, db); !st.Legacy {
		t.Fatalf("not seen as made before versioned migrations: %+v", st)
	}
	if db.Dialect == "postgres" {
		if err := db.MigrateAtStart(ctx, false); !errors.Is(err, storage.ErrSchemaBehind) {
			t.Fatalf("started on a legacy Postgres database without --migrate: %v", err)
		}
	}
	var dry bytes.Buffer
	if err := db.WritePending(ctx, &dry); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dry.String(), "made before versioned migrations") {
		t.Errorf("the dry run does not say what it will do:\n%s", dry.String())
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	upToDate(t, db)
	useFixture(t, db)
}

// The upgrade, from every earlier version: data stored by that release (written by SQL, as its
// server wrote it) is all there afterwards, found by search (the backfill), and the API works on
// it: sign in, claim, reply, search the reply.
func TestMigrateUpgradeKeepsData(t *testing.T) {
	vs := versions(t, testdb.Empty(t))
	for _, from := range vs[:len(vs)-1] {
		t.Run("from="+from, func(t *testing.T) {
			db := testdb.Empty(t)
			ctx := context.Background()
			if err := db.MigrateTo(ctx, from); err != nil {
				t.Fatal(err)
			}
			testdb.WriteFixture(t, db)
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			upToDate(t, db)
			useFixture(t, db)
		})
	}
}

// Instances started together on a new Postgres database: one migrates, the others wait for it
// and start on the result.
func TestMigrateConcurrentStarts(t *testing.T) {
	testdb.RequirePostgres(t)
	empty := testdb.Empty(t)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		db, err := storage.Open(context.Background(), empty.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		wg.Go(func() { errs <- db.MigrateAtStart(context.Background(), false) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var n int
	if err := empty.SQL.QueryRow(`SELECT count(*) FROM atlas_schema_revisions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if vs := versions(t, empty); n != len(vs) {
		t.Fatalf("%d revisions for %d files", n, len(vs))
	}
	upToDate(t, empty)
}

// useFixture checks the fixture is whole after the migration and works through the API.
func useFixture(t *testing.T, db *storage.DB) {
	t.Helper()
	s := testapi.NewOn(t, db, httpapi.Config{})
	admin := s.Login(testdb.FixtureAdmin, testdb.FixturePassword)
	found := admin.Do(`{searchConversations(text:"chargeback"){totalCount edges{node{id version customer{name} messages{totalCount}}}}}`, nil).OK(t)
	if n := found.Path(t, "searchConversations.totalCount"); n != float64(1) {
		t.Fatalf("search after the upgrade found %v conversations", n)
	}
	if n := found.Path(t, "searchConversations.edges.0.node.messages.totalCount"); n != float64(2) {
		t.Fatalf("the conversation has %v messages after the upgrade", n)
	}
	if name := found.Str(t, "searchConversations.edges.0.node.customer.name"); name != "Grace Hopper" {
		t.Fatalf("customer %q", name)
	}
	if n := admin.Do(`{searchConversations(text:"5550100777"){totalCount}}`, nil).OK(t).Path(t, "searchConversations.totalCount"); n != float64(1) {
		t.Fatalf("search by phone after the upgrade found %v", n)
	}
	id := found.Str(t, "searchConversations.edges.0.node.id")
	admin.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	admin.Do(`mutation($id:ID!){openConversation(id:$id){id}}`, testapi.Vars{"id": id}).OK(t)
	admin.Do(`mutation($id:ID!){sendMessage(conversationId:$id,text:"The zebrafish refund is on its way"){id}}`, testapi.Vars{"id": id}).OK(t)
	if got := admin.Do(`{searchConversations(text:"zebrafish"){edges{node{id}}}}`, nil).OK(t).Str(t, "searchConversations.edges.0.node.id"); got != id {
		t.Fatalf("the reply is not found: %q", got)
	}
}

// The conversations table is analysed after a fixed number of changes, not a tenth of its
// history (20261207170000_conversation_statistics.sql): the planner's idea of how many are open
// decides whether loads and ingest read one agent's or one customer's rows or the whole queue.
func TestConversationStatisticsFollowTheOpenOnes(t *testing.T) {
	testdb.RequirePostgres(t)
	db := testdb.Open(t)
	var opts string
	if err := db.SQL.QueryRowContext(context.Background(),
		`SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'conversations'`).Scan(&opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"autovacuum_analyze_scale_factor=0", "autovacuum_analyze_threshold=2000"} {
		if !strings.Contains(opts, want) {
			t.Errorf("conversations' storage parameters %q lack %s", opts, want)
		}
	}
}
