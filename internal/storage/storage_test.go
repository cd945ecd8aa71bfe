package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
	"switchboard/internal/testdb"
)

// On Postgres the event log has no foreign keys (storage.go, logWithoutForeignKeys): the files
// make none, and a database made before versioned migrations, whose log had them, loses them when
// it is brought up to date, its events kept, and ent's edges still join.
func TestEventLogWithoutForeignKeys(t *testing.T) {
	testdb.RequirePostgres(t)
	ctx := tenant.System(context.Background())
	fks := func(db *storage.DB) (n int) {
		if err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'f'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := fks(testdb.Open(t)); n != 0 {
		t.Fatalf("a new database's event log has %d foreign keys", n)
	}
	db := testdb.Empty(t)
	if err := db.Client.Schema.Create(ctx); err != nil { // as the first releases made it
		t.Fatal(err)
	}
	c := db.Client
	ws := c.Workspace.Create().SetName("w").SetSlug("w").SaveX(ctx)
	a := c.Agent.Create().SetWorkspaceID(ws.ID).SetName("a").SaveX(ctx)
	e := c.Event.Create().SetWorkspaceID(ws.ID).SetType("test").SetActorID(a.ID).SaveX(ctx)
	if n := fks(db); n == 0 {
		t.Fatal("the old way made no foreign keys: the test no longer tests anything")
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := fks(db); n != 0 {
		t.Fatalf("after migration the event log still has %d foreign keys", n)
	}
	if got := c.Event.Query().Where(event.ID(e.ID)).QueryActor().OnlyIDX(ctx); got != a.ID {
		t.Fatalf("the event's actor is %d, want %d", got, a.ID)
	}
}

// L2: the database itself refuses a second lock for one human, while a bot may hold many (L7).
func TestOneLockPerHumanIsADatabaseRule(t *testing.T) {
	db := testdb.Open(t)
	ctx := tenant.System(context.Background())
	c := db.Client
	ws := c.Workspace.Create().SetName("w").SetSlug("w").SaveX(ctx)
	human := c.Agent.Create().SetWorkspaceID(ws.ID).SetName("h").SaveX(ctx)
	bot := c.Agent.Create().SetWorkspaceID(ws.ID).SetName("b").SetKind(enum.KindVirtual).SetVaRole(enum.VARoleInception).SaveX(ctx)
	cust := c.Customer.Create().SetWorkspaceID(ws.ID).SaveX(ctx)
	newConv := func(ch enum.Channel) int {
		return c.Conversation.Create().SetWorkspaceID(ws.ID).SetCustomerID(cust.ID).SetChannel(ch).SaveX(ctx).ID
	}
	a, b, x, y := newConv(enum.ChannelSMS), newConv(enum.ChannelEmail), newConv(enum.ChannelWhatsApp), newConv(enum.ChannelFacebook)

	if err := c.Conversation.UpdateOneID(a).SetLockHolderID(human.ID).SetHumanLock(true).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	err := c.Conversation.UpdateOneID(b).SetLockHolderID(human.ID).SetHumanLock(true).Exec(ctx)
	if err == nil {
		t.Fatal("L2: a human was given a second lock")
	}
	for _, id := range []int{x, y} {
		if err := c.Conversation.UpdateOneID(id).SetLockHolderID(bot.ID).SetHumanLock(false).Exec(ctx); err != nil {
			t.Fatalf("L7: a bot may hold many locks: %v", err)
		}
	}
	// One open conversation per customer and channel.
	if _, err := c.Conversation.Create().SetWorkspaceID(ws.ID).SetCustomerID(cust.ID).SetChannel(enum.ChannelSMS).Save(ctx); err == nil {
		t.Fatal("a second open conversation on one channel was allowed")
	}
}

// Every query needs a workspace scope: a query made without one fails instead of reading every
// tenant.
func TestQueriesWithoutScopeFail(t *testing.T) {
	db := testdb.Open(t)
	if _, err := db.Client.Conversation.Query().Count(context.Background()); err == nil {
		t.Fatal("a query without a workspace scope succeeded")
	}
	ctx := tenant.System(context.Background())
	w1 := db.Client.Workspace.Create().SetName("a").SetSlug("a").SaveX(ctx)
	w2 := db.Client.Workspace.Create().SetName("b").SetSlug("b").SaveX(ctx)
	db.Client.Agent.Create().SetWorkspaceID(w1.ID).SetName("x").SaveX(ctx)
	if n := db.Client.Agent.Query().CountX(tenant.WithWorkspace(context.Background(), w2.ID)); n != 0 {
		t.Fatalf("workspace b sees %d agents of workspace a", n)
	}
	if n := db.Client.Workspace.Query().CountX(tenant.WithWorkspace(context.Background(), w2.ID)); n != 1 {
		t.Fatalf("workspace b sees %d workspaces", n)
	}
}

func TestOpenRejectsUnknownURLs(t *testing.T) {
	if _, err := storage.Open(context.Background(), "mysql://x"); err == nil {
		t.Fatal("mysql URL accepted")
	}
}

// Behind a pooler: LISTEN goes to the direct URL, and a direct URL only goes with Postgres.
func TestDirectURL(t *testing.T) {
	ctx := context.Background()
	if _, err := storage.Open(ctx, "sqlite://"+t.TempDir()+"/x.db", storage.WithDirectURL("postgres://127.0.0.1/x")); err == nil {
		t.Fatal("SQLite took a direct URL")
	}
	testdb.RequirePostgres(t)
	db := testdb.Open(t)
	direct := db.URL + "&application_name=direct"
	pooled, err := storage.Open(ctx, db.URL, storage.WithDirectURL(direct))
	if err != nil {
		t.Fatal(err)
	}
	defer pooled.Close()
	if pooled.URL != direct {
		t.Fatalf("LISTEN would go to %q, not the direct URL", pooled.URL)
	}
	var n int
	for range 3 { // the same statement again: no prepared statement is kept on the connection
		if err := pooled.SQL.QueryRowContext(ctx, `SELECT count(*) FROM pg_prepared_statements`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%d prepared statements kept on a pooled connection", n)
		}
	}
}

// The event path's statements (storage.EventPath) go through a pool of their own, and what the
// entities they load resolve later goes through the shared pool on its own context: with every
// shared connection held, an event path load still answers, a plain query and the loaded
// entity's edge wait for a shared connection, and both answer once one is free.
func TestEventPathHasItsOwnPool(t *testing.T) {
	testdb.RequirePostgres(t)
	db := testdb.Open(t)
	ctx := tenant.System(context.Background())
	ws := db.Client.Workspace.Create().SetName("w").SetSlug("w").SaveX(ctx)
	agent := db.Client.Agent.Create().SetWorkspaceID(ws.ID).SetName("h").SaveX(ctx)

	var held []*sql.Conn
	for range db.SQL.Stats().MaxOpenConnections {
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, conn)
	}
	a, err := db.Client.Agent.Get(storage.EventPath(ctx), agent.ID)
	if err != nil {
		t.Fatalf("an event path load with the shared pool taken: %v", err)
	}
	waits := func(what string, load func(context.Context) error) {
		t.Helper()
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if err := load(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s with the shared pool taken: %v, want it to wait for a shared connection", what, err)
		}
	}
	waits("a plain load", func(ctx context.Context) error { _, err := db.Client.Agent.Get(ctx, agent.ID); return err })
	waits("the loaded agent's edge", func(ctx context.Context) error { _, err := a.QueryWorkspace().Only(ctx); return err })
	held[0].Close()
	if w, err := a.QueryWorkspace().Only(ctx); err != nil || w.ID != ws.ID {
		t.Fatalf("the edge once a shared connection is free: %v %v", w, err)
	}
	for _, c := range held[1:] {
		c.Close()
	}
}
