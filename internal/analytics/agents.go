package analytics

import (
	"context"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/agentchannel"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
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
	v, err := auth.Require(ctx, enum.RoleSupervisor, "see agent performance")
	if err != nil {
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
	ws, err := c.Workspace.Get(ctx, v.WorkspaceID)
	if err != nil {
		return nil, err
	}
	figs, err := agentFigures(ctx, c, ws, from, to)
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(agents))
	for i, a := range agents {
		ids[i] = a.ID
	}
	out := make([]AgentStat, len(agents))
	err = storage.InTx(ctx, c, func(tx *ent.Tx) error {
		byAgent, err := loads(ctx, tx, ws, ids)
		if err != nil {
			return err
		}
		for i, a := range agents {
			f := figs[a.ID]
			out[i] = AgentStat{Agent: a, Claims: int(f.claims.n), AvgTimeToClaim: f.claims.mean(), AvgFirstResponse: f.firsts.mean(),
				Released: int(f.released), Resolved: int(f.resolved), Load: byAgent[a.ID]}
		}
		return nil
	})
	return out, err
}

// AgentLoad is one agent's load now on each channel it is permitted on (R1, R2), for any member of
// its workspace: whoever hands a conversation over (transfer, reassign) sees who has room.
func AgentLoad(ctx context.Context, c *ent.Client, a *ent.Agent) ([]ChannelLoad, error) {
	if _, err := auth.Member(ctx); err != nil {
		return nil, err
	}
	ws, err := c.Workspace.Get(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var out []ChannelLoad
	err = storage.InTx(ctx, c, func(tx *ent.Tx) error {
		byAgent, err := loads(ctx, tx, ws, []int{a.ID})
		out = byAgent[a.ID]
		return err
	})
	return out, err
}

// loads is each agent's count against capacity on each permitted channel, channels in name order.
func loads(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, ids []int) (map[int][]ChannelLoad, error) {
	counts, err := routing.Loads(ctx, tx, ws, ids)
	if err != nil {
		return nil, err
	}
	chans, err := tx.AgentChannel.Query().Where(agentchannel.AgentIDIn(ids...)).
		Order(agentchannel.ByChannel()).All(ctx)
	if err != nil {
		return nil, err
	}
	byAgent := map[int][]ChannelLoad{}
	for _, ch := range chans {
		byAgent[ch.AgentID] = append(byAgent[ch.AgentID], ChannelLoad{Channel: ch.Channel, Capacity: ch.Capacity,
			Count: counts[ch.AgentID].OnChannel[ch.Channel]})
	}
	return byAgent, nil
}
