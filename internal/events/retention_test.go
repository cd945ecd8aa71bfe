package events_test

import (
	"context"
	"strconv"
	"strings"
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
	f.ingest("+1", "old")
	g.ingest("+1", "old too, but other workspace keeps 3650 days")
	g.WS.Admin.Do(`mutation{updateWorkspaceSettings(input:{auditRetentionDays:3650}){id}}`, nil).OK(t)
	sys := testapi.Sys()
	old := time.Now().AddDate(0, 0, -400)
	q := "UPDATE events SET created_at = ?"
	if testdb.IsPostgres() {
		q = "UPDATE events SET created_at = $1"
	}
	if _, err := s.DB.SQL.Exec(q, old); err != nil { // created_at is immutable to the application
		t.Fatal(err)
	}
	f.ingest("+1", "new")
	// §8: what the dashboards' daily roll-up has not counted yet stays, whatever its age (and
	// before the roll-up first ran, nothing is counted).
	if n, err := events.Purge(context.Background(), s.DB.Client, time.Now(), 1000); err != nil || n != 0 {
		t.Fatalf("purged %d events before the roll-up ever ran (%v)", n, err)
	}
	notCounted := time.Now().AddDate(0, 0, -500)
	s.DB.Client.Workspace.UpdateOneID(f.WS.Workspace.ID).SetStatsRolledUntil(notCounted).ExecX(sys)
	if n, err := events.Purge(context.Background(), s.DB.Client, time.Now(), 1000); err != nil || n != 0 {
		t.Fatalf("purged %d events the roll-up had not counted (%v)", n, err)
	}
	s.DB.Client.Workspace.UpdateOneID(f.WS.Workspace.ID).SetStatsRolledUntil(time.Now().Add(-time.Hour)).ExecX(sys)
	before := s.DB.Client.Event.Query().CountX(sys)
	n, err := events.Purge(context.Background(), s.DB.Client, time.Now(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || s.DB.Client.Event.Query().CountX(sys) != before-n {
		t.Fatalf("purged %d of %d", n, before)
	}
	if s.DB.Client.Event.Query().Where(event.WorkspaceID(f.WS.Workspace.ID), event.CreatedAtLT(time.Now().AddDate(0, 0, -365))).CountX(sys) != 0 {
		t.Fatal("E6: old events of acme remain")
	}
	if s.DB.Client.Event.Query().Where(event.WorkspaceID(g.WS.Workspace.ID)).CountX(sys) == 0 {
		t.Fatal("E6: the other workspace's retention was not honoured")
	}
	if s.DB.Client.Event.Query().Where(event.WorkspaceID(f.WS.Workspace.ID), event.CreatedAtGT(time.Now().Add(-time.Hour))).CountX(sys) == 0 {
		t.Fatal("E6: recent events were purged")
	}
}

// E3, E6: a subscription's cursor is checked before anything streams. Malformed or beyond the
// log's head is BAD_USER_INPUT on `after` (a client could otherwise wait forever for events
// numbered below its cursor); one whose next events were purged is CURSOR_EXPIRED (a replay
// would have a gap), so the client reloads instead of missing events silently.
func TestCursorsAreValidated(t *testing.T) {
	s := testapi.New(t)
	f := newFixture(t, s, "cursors")
	f.ingest("+1", "first")
	f.ingest("+2", "second")
	head := f.WS.Admin.Do(`{eventCursor}`, nil).OK(t).Str(t, "eventCursor")
	sub := func(after string) string {
		return f.WS.Admin.Subscribe(`subscription($a:String){workspaceEvents(after:$a){cursor}}`, testapi.Vars{"a": after}).Err(2 * time.Second)
	}
	for _, after := range []string{"abc", "-1", "1.5", strconv.Itoa(atoi(head) + 1), "99999999", "9223372036854775808"} {
		if e := sub(after); !strings.Contains(e, `"code":"BAD_USER_INPUT"`) || !strings.Contains(e, `"field":"after"`) {
			t.Errorf("after %q: %s; want BAD_USER_INPUT on after", after, e)
		}
	}
	for _, after := range []string{"0", "1", head} {
		if e := sub(after); e != "" {
			t.Errorf("after %q (within the log): %s", after, e)
		}
	}

	// The audit retention purges every event so far.
	sys := testapi.Sys()
	q := "UPDATE events SET created_at = ?"
	if testdb.IsPostgres() {
		q = "UPDATE events SET created_at = $1"
	}
	if _, err := s.DB.SQL.Exec(q, time.Now().AddDate(0, 0, -400)); err != nil {
		t.Fatal(err)
	}
	s.DB.Client.Workspace.UpdateOneID(f.WS.Workspace.ID).SetStatsRolledUntil(time.Now().Add(-time.Hour)).ExecX(sys)
	if _, err := events.Purge(context.Background(), s.DB.Client, time.Now(), 10000); err != nil {
		t.Fatal(err)
	}
	f.ingest("+3", "after the purge")
	for _, after := range []string{"0", strconv.Itoa(atoi(head) - 1)} {
		if e := sub(after); !strings.Contains(e, `"code":"CURSOR_EXPIRED"`) {
			t.Errorf("after %q (purged since): %s; want CURSOR_EXPIRED", after, e)
		}
	}
	// The head's cursor at the purge still resumes: what follows it is kept.
	var got struct{ WorkspaceEvents struct{ Cursor string } }
	if !f.WS.Admin.Subscribe(`subscription($a:String){workspaceEvents(after:$a){cursor}}`, testapi.Vars{"a": head}).Next(5*time.Second, &got) ||
		atoi(got.WorkspaceEvents.Cursor) != atoi(head)+1 {
		t.Fatalf("resuming from the purge's head: %+v", got)
	}
}
