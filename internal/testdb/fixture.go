package testdb

import (
	"context"
	"fmt"
	"testing"

	"switchboard/internal/auth"
	"switchboard/internal/search"
	"switchboard/internal/storage"
)

const (
	fixtureSlug = "upgrade-fixture"
	// FixtureAdmin signs in to the fixture's workspace with testapi's password.
	FixtureAdmin = "admin@" + fixtureSlug + ".test"
	// FixturePassword is the admin's password.
	FixturePassword = "fixture-password-1"
)

// WriteFixture writes, by SQL only (the columns of the first migration file), what an older
// server stored: a workspace with its admin (who works SMS), a customer with a phone number and
// a conversation of two messages that mention a chargeback.
func WriteFixture(t testing.TB, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(FixturePassword)
	if err != nil {
		t.Fatal(err)
	}
	ph := func(i int) string {
		if db.Dialect == "postgres" {
			return fmt.Sprintf("$%d", i)
		}
		return "?"
	}
	now := "2026-12-01 10:00:00"
	insert := func(q string, args ...any) int {
		t.Helper()
		var id int
		if err := db.SQL.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	ws := insert(`INSERT INTO workspaces (created_at, name, slug) VALUES (`+ph(1)+`, 'Upgrade fixture', '`+fixtureSlug+`')`, now)
	ag := insert(`INSERT INTO agents (created_at, role, name, email, password_hash, presence, presence_changed_at, skills, languages, workspace_id)
		VALUES (`+ph(1)+`, 'SUPER_ADMIN', 'Ada Admin', 'admin@`+fixtureSlug+`.test', `+ph(2)+`, 'ONLINE', `+ph(3)+`, '[]', '[]', `+ph(4)+`)`, now, hash, now, ws)
	insert(`INSERT INTO agent_channels (channel, capacity, agent_id, workspace_id) VALUES ('SMS', 5, `+ph(1)+`, `+ph(2)+`)`, ag, ws)
	cu := insert(`INSERT INTO customers (created_at, name, workspace_id) VALUES (`+ph(1)+`, 'Grace Hopper', `+ph(2)+`)`, now, ws)
	insert(`INSERT INTO customer_identities (created_at, channel, handle, customer_id, workspace_id) VALUES (`+ph(1)+`, 'SMS', '+15550100777', `+ph(2)+`, `+ph(3)+`)`, now, cu, ws)
	cv := insert(`INSERT INTO conversations (created_at, channel, status, state, tags, required_skills, preview, last_message_at, updated_at, customer_id, workspace_id)
		VALUES (`+ph(1)+`, 'SMS', 'NEW', 'CREATED', '[]', '[]', 'About the chargeback', `+ph(2)+`, `+ph(3)+`, `+ph(4)+`, `+ph(5)+`)`, now, now, now, cu, ws)
	for _, text := range []string{"My card shows a chargeback I never asked for", "About the chargeback"} {
		insert(`INSERT INTO messages (created_at, author_kind, author_name, channel, text, conversation_id, workspace_id) VALUES (`+ph(1)+`, 'CUSTOMER', 'Grace Hopper', 'SMS', `+ph(2)+`, `+ph(3)+`, `+ph(4)+`)`, now, text, cv, ws)
	}
	indexed(t, db) // as the older server indexed what it stored, once it had search
}

// indexed indexes db's conversations when its schema has search.
func indexed(t testing.TB, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	st, err := db.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files, err := storage.MigrationFiles(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Desc() == "search" && f.Version() <= st.Current {
			if err := search.New(db.Dialect).Backfill(ctx, db.SQL, db.Client); err != nil {
				t.Fatal(err)
			}
		}
	}
}
