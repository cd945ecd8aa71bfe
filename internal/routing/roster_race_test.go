package routing_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"switchboard/ent/schema/enum"
	"switchboard/internal/routing"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// R3 against a roster change committed while a dispatch runs: the dispatch chose Ana from the
// roster it remembered (she had the skill the conversation requires), then waited for her row,
// which an update removing that skill held; once the update committed, the conversation must not
// be given to her: she no longer meets its requirement when the assignment commits.
func TestRosterChangedWhileDispatching(t *testing.T) {
	testdb.RequirePostgres(t)
	s := testapi.New(t) // no background router: this test dispatches itself
	router := routing.New(s.DB, s.Bus)
	f := fixtureOn(t, s, "acme")
	ws := f.WS.Workspace.ID
	ana := f.Agent("Ana", "AGENT", "SMS:5", map[string]any{"skills": []string{"tech"}}).Online()
	anaID, _ := strconv.Atoi(ana.AgentID)
	ctx := testapi.Sys()
	if _, err := router.Dispatch(ctx, ws); err != nil { // routing now remembers the roster
		t.Fatal(err)
	}

	// An update of Ana in flight, as updateAgent makes it: her skills and the roster's version.
	tx, err := s.DB.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := tx.Agent.UpdateOneID(anaID).SetSkills([]string{}).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Workspace.UpdateOneID(ws).AddRosterVersion(1).Exec(ctx); err != nil {
		t.Fatal(err)
	}

	cust := s.DB.Client.Customer.Create().SetWorkspaceID(ws).SetName("Customer").SaveX(ctx)
	conv := s.DB.Client.Conversation.Create().SetWorkspaceID(ws).SetCustomerID(cust.ID).SetChannel(enum.ChannelSMS).
		SetRequiredSkills([]string{"tech"}).SetQueuedSince(time.Now()).SaveX(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := router.Dispatch(ctx, ws)
		done <- err
	}()
	testapi.Eventually(t, 10*time.Second, "the dispatch waits for Ana's row", func() bool {
		var n int
		err := s.DB.SQL.QueryRowContext(context.Background(), // this test's database only: packages test in parallel
			`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
		return err == nil && n > 0
	})
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := s.DB.Client.Conversation.GetX(ctx, conv.ID); got.OwnerID != nil && *got.OwnerID == anaID {
		t.Fatal("R3: the conversation requiring tech went to Ana, whose tech was removed before the assignment committed")
	}
}
