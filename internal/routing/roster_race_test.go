package routing_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/agentchannel"
	"switchboard/ent/schema/enum"
	"switchboard/internal/routing"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// R1–R3 against a roster change committed while a dispatch runs: the dispatch chose Ana from the
// roster it remembered (she had the skill the conversation requires, and SMS), then waited for her
// row, which an update taking that away held; once the update committed, the conversation must
// not be given to her: she no longer may take it when the assignment commits.
func TestRosterChangedWhileDispatching(t *testing.T) {
	testdb.RequirePostgres(t)
	for _, c := range []struct {
		name   string
		change func(tx *ent.Tx, ctx context.Context, ana int) error
	}{
		{"skill removed (R3)", func(tx *ent.Tx, ctx context.Context, ana int) error {
			return tx.Agent.UpdateOneID(ana).SetSkills([]string{}).Exec(ctx)
		}},
		{"channel withdrawn (R1)", func(tx *ent.Tx, ctx context.Context, ana int) error {
			if err := tx.Agent.UpdateOneID(ana).SetName("Ana").Exec(ctx); err != nil { // an update that holds her row (her name changed too)
				return err
			}
			_, err := tx.AgentChannel.Delete().Where(agentchannel.AgentID(ana)).Exec(ctx)
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
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

			// An update of Ana in flight, as updateAgent makes it: her row held, the roster's version moved.
			tx, err := s.DB.Client.Tx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if err := c.change(tx, ctx, anaID); err != nil {
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
				t.Fatalf("%s: the conversation went to Ana, who may not take it since before the assignment committed", c.name)
			}
		})
	}
}
