package schema_test

import (
	"testing"

	"context"
	"switchboard/ent/schema"
	"switchboard/internal/directory"
	"switchboard/internal/fault"
	"switchboard/internal/tenant"
	"switchboard/internal/testdb"
)

// SPEC §9: a string that Postgres cannot store (a NUL, alone, in a list or in a JSON map) is
// refused by every write as BAD_USER_INPUT before it reaches the database, on SQLite as on
// Postgres, where it used to fail the write as an internal error (found by internal/attack).
func TestStorableText(t *testing.T) {
	db := testdb.Open(t)
	ctx := tenant.System(context.Background())
	ws, err := directory.New(db.Client, nil).CreateWorkspace(ctx, "Acme", "acme", "admin@acme.test", "Admin", "test-password-1")
	if err != nil {
		t.Fatal(err)
	}
	for what, save := range map[string]func() error{
		"a team's name":      func() error { return db.Client.Team.Create().SetWorkspaceID(ws.ID).SetName("a\x00b").Exec(ctx) },
		"a workspace's name": func() error { return db.Client.Workspace.UpdateOneID(ws.ID).SetName("a\x00b").Exec(ctx) },
		"an agent's skills":  func() error { return db.Client.Agent.Update().SetSkills([]string{"ok", "a\x00b"}).Exec(ctx) },
		"invalid UTF-8":      func() error { return db.Client.Team.Create().SetWorkspaceID(ws.ID).SetName("a\xffb").Exec(ctx) },
		"an event's JSON map": func() error {
			return db.Client.Event.Create().SetWorkspaceID(ws.ID).SetType("test").SetAfter(map[string]any{"text": "a\x00b"}).Exec(ctx)
		},
	} {
		err := save()
		if f, ok := fault.As(err); !ok || f.Code != fault.BadUserInput {
			t.Errorf("%s with a NUL: %v, want BAD_USER_INPUT", what, err)
		}
	}
	if err := db.Client.Team.Create().SetWorkspaceID(ws.ID).SetName("tab\tand\u2028line").Exec(ctx); err != nil {
		t.Errorf("other control characters are storable: %v", err)
	}
	if !schema.Storable(map[string]any{"a": []any{"b", map[string]any{"c": "d"}}}) || schema.Storable([]any{"x", "\x00"}) {
		t.Error("Storable misjudges nested values")
	}
}
