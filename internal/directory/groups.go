package directory

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/pool"
	"switchboard/ent/schema/enum"
	"switchboard/ent/team"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/storage"
)

// CreateTeam adds a team (admins). Members must be agents of the workspace.
func (d *Directory) CreateTeam(ctx context.Context, name string, memberIDs []int) (*ent.Team, error) {
	v, err := auth.Require(ctx, enum.RoleAdmin, "create teams")
	if err != nil {
		return nil, err
	}
	name, err = validName(name)
	if err != nil {
		return nil, err
	}
	if memberIDs, err = d.checkMembers(ctx, memberIDs); err != nil {
		return nil, err
	}
	var out *ent.Team
	err = storage.InTx(ctx, d.client, func(tx *ent.Tx) error {
		t, err := tx.Team.Create().SetWorkspaceID(v.WorkspaceID).SetName(name).AddMemberIDs(memberIDs...).Save(ctx)
		if ent.IsConstraintError(err) {
			return fault.New(fault.Conflict, "a team named %q already exists", name).With("field", "name")
		} else if err != nil {
			return fmt.Errorf("create team: %w", err)
		}
		out = t
		return d.appendRoster(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: events.TeamCreated, ActorID: v.AgentID,
			After: map[string]any{"team": t.ID, "name": name, "members": memberIDs}})
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil // detach from the finished transaction
}

// CreatePool adds a claim pool for a tag (admins; C7).
func (d *Directory) CreatePool(ctx context.Context, name, tag string, memberIDs []int) (*ent.Pool, error) {
	v, err := auth.Require(ctx, enum.RoleAdmin, "create pools")
	if err != nil {
		return nil, err
	}
	name, err = validName(name)
	if err != nil {
		return nil, err
	}
	tag = strings.ToLower(strings.TrimSpace(tag))
	if tag == "" || len(tag) > 64 {
		return nil, fault.Invalid("tag", "must be 1 to 64 characters")
	}
	if memberIDs, err = d.checkMembers(ctx, memberIDs); err != nil {
		return nil, err
	}
	var out *ent.Pool
	err = storage.InTx(ctx, d.client, func(tx *ent.Tx) error {
		p, err := tx.Pool.Create().SetWorkspaceID(v.WorkspaceID).SetName(name).SetTag(tag).AddMemberIDs(memberIDs...).Save(ctx)
		if ent.IsConstraintError(err) {
			return fault.New(fault.Conflict, "a pool for the tag %q already exists", tag).With("field", "tag")
		} else if err != nil {
			return fmt.Errorf("create pool: %w", err)
		}
		out = p
		return d.appendRoster(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: events.PoolCreated, ActorID: v.AgentID,
			After: map[string]any{"pool": p.ID, "name": name, "tag": tag, "members": memberIDs}})
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil // detach from the finished transaction
}

// checkMembers returns ids without repeats, or NOT_FOUND unless every id is an agent of the
// viewer's workspace.
func (d *Directory) checkMembers(ctx context.Context, ids []int) ([]int, error) {
	return checkIDs("memberIds", "one of the member agents", 1000, ids, func(ids []int) (int, error) {
		return d.client.Agent.Query().Where(agent.IDIn(ids...)).Count(ctx)
	})
}

// checkIDs returns ids (at most max) sorted without repeats, or NOT_FOUND (naming what) unless
// count, which runs in the viewer's workspace, finds every one.
func checkIDs(field, what string, max int, ids []int, count func([]int) (int, error)) ([]int, error) {
	if len(ids) > max {
		return nil, fault.Invalid(field, "at most %d", max)
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return ids, nil
	}
	n, err := count(ids)
	if err != nil {
		return nil, err
	}
	if n != len(ids) {
		return nil, fault.Missing(what)
	}
	return ids, nil
}

// Teams lists the workspace's teams by name.
func (d *Directory) Teams(ctx context.Context) ([]*ent.Team, error) {
	if _, err := auth.Member(ctx); err != nil {
		return nil, err
	}
	return d.client.Team.Query().Order(team.ByName()).All(ctx)
}

// Pools lists the workspace's pools by tag.
func (d *Directory) Pools(ctx context.Context) ([]*ent.Pool, error) {
	if _, err := auth.Member(ctx); err != nil {
		return nil, err
	}
	return d.client.Pool.Query().Order(pool.ByTag()).All(ctx)
}

// appendRoster records a change to the roster (agents, channels, skills, teams, pools): its event,
// and the workspace's roster version, which tells routing to reload what it cached.
func (d *Directory) appendRoster(ctx context.Context, tx *ent.Tx, e events.Entry) error {
	if err := tx.Workspace.UpdateOneID(e.WorkspaceID).AddRosterVersion(1).Exec(ctx); err != nil {
		return fmt.Errorf("roster version: %w", err)
	}
	return d.bus.Append(ctx, tx, e)
}
