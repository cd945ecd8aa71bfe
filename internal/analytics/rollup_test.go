package analytics_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
	"switchboard/internal/analytics"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
)

// seedLog writes ten days of §8 events straight into workspace ws's log (as the desk would have
// appended them over that time), for the given agents, ending now.
func seedLog(t *testing.T, s *testapi.Server, ws int, agents []int, now time.Time) {
	t.Helper()
	sys := testapi.Sys()
	cust := s.DB.Client.Customer.Create().SetWorkspaceID(ws).SetName("Seeded").SaveX(sys)
	chans := []enum.Channel{enum.ChannelSMS, enum.ChannelLiveChat, enum.ChannelWhatsApp, enum.ChannelEmail}
	var convs []int
	for _, ch := range chans {
		c := s.DB.Client.Conversation.Create().SetWorkspaceID(ws).SetCustomerID(cust.ID).SetChannel(ch).SetIsOpen(false).SaveX(sys)
		convs = append(convs, c.ID)
	}
	types := []string{events.ConversationClaimed, events.ConversationAssigned, events.FirstResponse, events.ConversationReleased,
		events.ConversationResolved, events.SLABreached, events.MessageSent}
	rng := rand.New(rand.NewPCG(1, 2))
	var batch []*ent.EventCreate
	for i := range 1500 {
		at := now.Add(-time.Duration(rng.Int64N(int64(10 * 24 * time.Hour))))
		if i == 0 { // the log begins exactly ten days ago, whatever the hour
			at = now.Add(-10 * 24 * time.Hour)
		}
		typ := types[rng.IntN(len(types))]
		a := agents[rng.IntN(len(agents))]
		c := s.DB.Client.Event.Create().SetWorkspaceID(ws).SetType(typ).SetCreatedAt(at).SetConversationID(convs[rng.IntN(len(convs))])
		switch typ {
		case events.ConversationResolved, events.MessageSent:
			c.SetActorID(a)
		case events.SLABreached:
		default:
			c.SetActorID(a).SetSubjectID(a)
			if rng.IntN(4) > 0 {
				c.SetDurationMs(1 + rng.Int64N(600_000))
			}
		}
		batch = append(batch, c)
	}
	s.DB.Client.Event.CreateBulk(batch...).ExecX(sys)
}

// report is what the dashboards show for one period, in comparable form.
type report struct {
	Agents map[int][5]string
	Queue  map[enum.Channel]int
}

func reportFor(t *testing.T, ctx context.Context, c *ent.Client, from, to time.Time) report {
	t.Helper()
	perf, err := analytics.AgentPerformance(ctx, c, from, to)
	if err != nil {
		t.Fatal(err)
	}
	r := report{Agents: map[int][5]string{}, Queue: map[enum.Channel]int{}}
	ms := func(d *time.Duration) string {
		if d == nil {
			return "-"
		}
		return strconv.FormatInt(d.Microseconds(), 10)
	}
	for _, p := range perf {
		r.Agents[p.Agent.ID] = [5]string{strconv.Itoa(p.Claims), ms(p.AvgTimeToClaim), ms(p.AvgFirstResponse), strconv.Itoa(p.Released), strconv.Itoa(p.Resolved)}
	}
	qs, err := analytics.QueueStats(ctx, c, from, to, to)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		r.Queue[q.Channel] = q.SLABreaches
	}
	return r
}

// §8 "fast on a year of data": finished days are counted once into daily_stats, and every
// report (any range, with partial first and last days, including today) is the same with the
// roll-up as from the log alone.
func TestRollupGivesTheSameFigures(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	var agents []int
	for _, e := range []string{"ana@acme.test", "ben@acme.test", "cy@acme.test"} {
		agents = append(agents, atoi(ws.NewAgent(e, "AGENT").AgentID))
	}
	now := time.Now()
	seedLog(t, s, ws.Workspace.ID, agents, now)
	ctx := auth.WithViewer(context.Background(), &auth.Viewer{AgentID: atoi(ws.Admin.AgentID), WorkspaceID: ws.Workspace.ID, Role: enum.RoleSupervisor, Kind: enum.KindHuman})

	rng := rand.New(rand.NewPCG(3, 4))
	type period struct{ from, to time.Time }
	periods := []period{{now.AddDate(0, 0, -7), now}, {now.AddDate(0, 0, -30), now}, {now.AddDate(0, 0, -3), now.AddDate(0, 0, -1)}}
	for range 12 {
		a, b := now.Add(-time.Duration(rng.Int64N(int64(11*24*time.Hour)))), now.Add(-time.Duration(rng.Int64N(int64(11*24*time.Hour))))
		if b.Before(a) {
			a, b = b, a
		}
		periods = append(periods, period{a, b.Add(time.Second)})
	}
	before := make([]report, len(periods))
	for i, p := range periods {
		before[i] = reportFor(t, ctx, s.DB.Client, p.from, p.to)
	}
	if before[0].Agents[agents[0]][0] == "0" {
		t.Fatalf("the seeded log gave nothing to compare: %+v", before[0])
	}

	days, err := analytics.Rollup(context.Background(), s.DB, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := finishedDays(now); days != want {
		t.Fatalf("counted %d days, want the %d finished ones", days, want)
	}
	if again, err := analytics.Rollup(context.Background(), s.DB, now); err != nil || again != 0 {
		t.Fatalf("a second pass counted %d days (%v): each day is counted once", again, err)
	}
	w := s.DB.Client.Workspace.GetX(testapi.Sys(), ws.Workspace.ID)
	if want := now.Add(-analytics.Settle).UTC().Truncate(24 * time.Hour); w.StatsRolledUntil == nil || !w.StatsRolledUntil.Equal(want) {
		t.Fatalf("stats_rolled_until %v, want %v", w.StatsRolledUntil, want)
	}
	for i, p := range periods {
		if got := reportFor(t, ctx, s.DB.Client, p.from, p.to); !reflect.DeepEqual(got, before[i]) {
			t.Fatalf("period %v – %v: with the roll-up %+v, from the log %+v", p.from, p.to, got, before[i])
		}
	}
}

// Several instances rolling up at once count each day exactly once (Postgres: row locks).
func TestRollupConcurrentInstances(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	agents := []int{atoi(ws.NewAgent("ana@acme.test", "AGENT").AgentID)}
	now := time.Now()
	seedLog(t, s, ws.Workspace.ID, agents, now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := analytics.Rollup(context.Background(), s.DB, now)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				total += n
				mu.Unlock()
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	var dup int
	if err := s.DB.SQL.QueryRow(`SELECT count(*) FROM (SELECT 1 FROM daily_stats GROUP BY workspace_id, day, agent_id, channel HAVING count(*) > 1) d`).Scan(&dup); err != nil {
		t.Fatal(err)
	}
	if want := finishedDays(now); dup != 0 || total != want {
		t.Fatalf("8 instances counted %d days in all with %d duplicated rows: want each of the %d finished days once", total, dup, want)
	}
}

// finishedDays is how many days of seedLog's log a roll-up at now counts: from the day ten days
// ago to the last day that ended Settle before now (9 in the first minutes after midnight UTC).
func finishedDays(now time.Time) int {
	first := now.Add(-10 * 24 * time.Hour).UTC().Truncate(24 * time.Hour)
	until := now.Add(-analytics.Settle).UTC().Truncate(24 * time.Hour)
	return int(until.Sub(first) / (24 * time.Hour))
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
