package events_test

import (
	"context"
	"testing"
	"time"

	"switchboard/ent/event"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// E6: events older than auditRetentionDays are purged; newer ones and other workspaces' stay.
func TestAuditRetention(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "acme")
	g := newFixture(t, s, "other")
	f.ingest(t, "+1", "old")
	g.ingest(t, "+1", "old too, but other workspace keeps 3650 days")
	g.ws.Admin.Do(`mutation{updateWorkspaceSettings(input:{auditRetentionDays:3650}){id}}`, nil).OK(t)
	sys := testapi.Sys()
	old := time.Now().AddDate(0, 0, -400)
	q := "UPDATE events SET created_at = ?"
	if testdb.IsPostgres() {
		q = "UPDATE events SET created_at = $1"
	}
	if _, err := s.DB.SQL.Exec(q, old); err != nil { // created_at is immutable to the application
		t.Fatal(err)
	}
	f.ingest(t, "+1", "new")
	// §8: what the dashboards' daily roll-up has not counted yet stays, whatever its age (and
	// before the roll-up first ran, nothing is counted).
	if n, err := events.Purge(context.Background(), s.DB.Client, time.Now(), 1000); err != nil || n != 0 {
		t.Fatalf("purged %d events before the roll-up ever ran (%v)", n, err)
	}
	notCounted := time.Now().AddDate(0, 0, -500)
	s.DB.Client.Workspace.UpdateOneID(f.ws.Workspace.ID).SetStatsRolledUntil(notCounted).ExecX(sys)
	if n, err := events.Purge(context.Background(), s.DB.Client, time.Now(), 1000); err != nil || n != 0 {
		t.Fatalf("purged %d events the roll-up had not counted (%v)", n, err)
	}
	s.DB.Client.Workspace.UpdateOneID(f.ws.Workspace.ID).SetStatsRolledUntil(time.Now().Add(-time.Hour)).ExecX(sys)
	before := s.DB.Client.Event.Query().CountX(sys)
	n, err := events.Purge(context.Background(), s.DB.Client, time.Now(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || s.DB.Client.Event.Query().CountX(sys) != before-n {
		t.Fatalf("purged %d of %d", n, before)
	}
	if s.DB.Client.Event.Query().Where(event.WorkspaceID(f.ws.Workspace.ID), event.CreatedAtLT(time.Now().AddDate(0, 0, -365))).CountX(sys) != 0 {
		t.Fatal("E6: old events of acme remain")
	}
	if s.DB.Client.Event.Query().Where(event.WorkspaceID(g.ws.Workspace.ID)).CountX(sys) == 0 {
		t.Fatal("E6: the other workspace's retention was not honoured")
	}
	if s.DB.Client.Event.Query().Where(event.WorkspaceID(f.ws.Workspace.ID), event.CreatedAtGT(time.Now().Add(-time.Hour))).CountX(sys) == 0 {
		t.Fatal("E6: recent events were purged")
	}
}
