package analytics

import (
	"context"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/agentchannel"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/routing"
	"switchboard/internal/storage"
)

// ChannelLoad is an agent's current load on one permitted channel (R2).
type ChannelLoad struct {
	Channel  enum.Channel
	Count    int
	Capacity int
}

// AgentStat is one agent's performance over a period (§8).
type AgentStat struct {
	Agent *ent.Agent
	// Claims: conversations it claimed or routing gave it.
	Claims int
	// AvgTimeToClaim: from entering the queue unowned to owned by it; nil without claims.
	AvgTimeToClaim *time.Duration
	// AvgFirstResponse: from getting a conversation to its first reply in it; nil without replies.
	AvgFirstResponse   *time.Duration
	Released, Resolved int
	// Load is now, whatever the period.
	Load []ChannelLoad
}

// AgentPerformance reports every human agent of the workspace (not client users) over
// [from, to), for supervisors and above. Each figure is one grouped query over the event log.
func AgentPerformance(ctx context.Context, c *ent.Client, from, to time.Time) ([]AgentStat, error) {
	if _, err := auth.Require(ctx, enum.RoleSupervisor, "see agent performance"); err != nil {
		return nil, err
	}
	if !from.Before(to) {
		return nil, fault.Invalid("from", "must be before to")
	}
	agents, err := c.Agent.Query().Where(agent.KindEQ(enum.KindHuman), agent.RoleNEQ(enum.RoleClientUser)).
		Order(agent.ByName()).All(ctx)
	if err != nil || len(agents) == 0 {
		return nil, err
	}
	inPeriod := func(types ...string) *ent.EventQuery {
		return c.Event.Query().Where(event.TypeIn(types...), event.CreatedAtGTE(from), event.CreatedAtLT(to))
	}
	claims, err := grouped(ctx, inPeriod(events.ConversationClaimed, events.ConversationAssigned), event.FieldSubjectID)
	if err != nil {
		return nil, err
	}
	firsts, err := grouped(ctx, inPeriod(events.FirstResponse), event.FieldSubjectID)
	if err != nil {
		return nil, err
	}
	released, err := grouped(ctx, inPeriod(events.ConversationReleased), event.FieldSubjectID)
	if err != nil {
		return nil, err
	}
	resolved, err := grouped(ctx, inPeriod(events.ConversationResolved), event.FieldActorID)
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(agents))
	for i, a := range agents {
		ids[i] = a.ID
	}
	out := make([]AgentStat, len(agents))
	err = storage.InTx(ctx, c, func(tx *ent.Tx) error {
		ws, err := tx.Workspace.Get(ctx, agents[0].WorkspaceID)
		if err != nil {
			return err
		}
		loads, err := routing.Loads(ctx, tx, ws, ids)
		if err != nil {
			return err
		}
		chans, err := tx.AgentChannel.Query().Where(agentchannel.AgentIDIn(ids...)).All(ctx)
		if err != nil {
			return err
		}
		byAgent := map[int][]ChannelLoad{}
		for _, ch := range chans {
			byAgent[ch.AgentID] = append(byAgent[ch.AgentID], ChannelLoad{Channel: ch.Channel, Capacity: ch.Capacity,
				Count: loads[ch.AgentID].OnChannel[ch.Channel]})
		}
		for i, a := range agents {
			out[i] = AgentStat{Agent: a, Claims: claims[a.ID].n, AvgTimeToClaim: claims[a.ID].mean(),
				AvgFirstResponse: firsts[a.ID].mean(), Released: released[a.ID].n, Resolved: resolved[a.ID].n, Load: byAgent[a.ID]}
		}
		return nil
	})
	return out, err
}

type tally struct {
	n      int
	meanMs *float64
}

func (t tally) mean() *time.Duration {
	if t.meanMs == nil {
		return nil
	}
	d := time.Duration(*t.meanMs * float64(time.Millisecond))
	return &d
}

// grouped counts q's events per agent (by column) and averages their durations.
func grouped(ctx context.Context, q *ent.EventQuery, column string) (map[int]tally, error) {
	var rows []struct {
		Agent int                `sql:"agent"`
		N     int                `sql:"n"`
		Mean  entsql.NullFloat64 `sql:"mean"`
	}
	err := q.Modify(func(s *entsql.Selector) {
		s.Where(entsql.NotNull(s.C(column))).
			Select(entsql.As(s.C(column), "agent"), entsql.As(entsql.Count("*"), "n"), entsql.As(entsql.Avg(s.C(event.FieldDurationMs)), "mean")).
			GroupBy(s.C(column))
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out := map[int]tally{}
	for _, r := range rows {
		t := tally{n: r.N}
		if r.Mean.Valid {
			m := r.Mean.Float64
			t.meanMs = &m
		}
		out[r.Agent] = t
	}
	return out, nil
}
