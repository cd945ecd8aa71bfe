package routing_test

import (
	"fmt"
	"testing"
	"time"

	"switchboard/ent/schema/enum"
	"switchboard/internal/routing"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// BenchmarkDispatch is one dispatch of one arrival among 200 ONLINE agents with room, on
// Postgres: what the route benchmark's arrival phase is made of (cmd/bench route measures the
// end to end; docs/benchmarks.md). Run with TEST_DATABASE_URL set:
//
//	TEST_DATABASE_URL=postgres://… go test -run '^$' -bench Dispatch ./internal/routing/
func BenchmarkDispatch(b *testing.B) {
	testdb.RequirePostgres(b)
	s := testapi.New(b) // no background router: the benchmark dispatches itself
	router := routing.New(s.DB, s.Bus)
	f := fixtureOn(b, s, "acme")
	ws := f.WS.Workspace.ID
	ctx := testapi.Sys()
	s.DB.Client.Workspace.UpdateOneID(ws).SetMaxClaimsPerAgent(1000).ExecX(ctx)
	for i := range 200 {
		f.Agent(fmt.Sprintf("Agent%d", i), "AGENT", "SMS:1000 WHATSAPP:1000", nil).Online()
	}
	if _, err := router.Dispatch(ctx, ws); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		ch := []enum.Channel{enum.ChannelSMS, enum.ChannelWhatsApp}[i%2]
		cust := s.DB.Client.Customer.Create().SetWorkspaceID(ws).SetName("Customer").SaveX(ctx)
		s.DB.Client.Conversation.Create().SetWorkspaceID(ws).SetCustomerID(cust.ID).SetChannel(ch).SetQueuedSince(time.Now()).ExecX(ctx)
		b.StartTimer()
		if n, err := router.Dispatch(ctx, ws); err != nil || n != 1 {
			b.Fatalf("dispatch: %d assigned, %v", n, err)
		}
	}
}
