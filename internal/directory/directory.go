// Package directory owns who and what a workspace is made of: the workspace and its settings,
// agents with their channel capacities, skills and languages, teams and pools (admins), and the
// first workspace created from the environment.
package directory

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/agentchannel"
	"switchboard/ent/pool"
	"switchboard/ent/schema/enum"
	"switchboard/ent/team"
	"switchboard/ent/workspace"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// Directory administers workspaces.
type Directory struct {
	client *ent.Client
	bus    *events.Bus
}

// New returns the directory over client; bus (may be nil) announces its events.
func New(client *ent.Client, bus *events.Bus) *Directory { return &Directory{client: client, bus: bus} }

// ChannelCapacity permits an agent on a channel with a capacity (R1).
type ChannelCapacity struct {
	Channel  enum.Channel
	Capacity int
}

// AgentInput describes a new agent (SPEC §9 CreateAgentInput).
type AgentInput struct {
	Email, Password *string
	Name            string
	Role            *enum.Role
	Kind            *enum.AgentKind
	VARole          *enum.VARole
	Skills          []string
	Languages       []string
	Channels        []ChannelCapacity
}

// AgentUpdate changes an agent; nil fields stay as they are.
type AgentUpdate struct {
	Name, Email, Password *string
	Role                  *enum.Role
	VARole                *enum.VARole
	Skills, Languages     []string
	Channels              []ChannelCapacity
	ReplaceChannels       bool
	Active                *bool
	// Teams and Pools replace the memberships when non-nil (R3, C7).
	Teams, Pools []int
}

// CreateAgent adds a human or a bot to the viewer's workspace (admins).
func (d *Directory) CreateAgent(ctx context.Context, in AgentInput) (*ent.Agent, error) {
	v, err := auth.Require(ctx, enum.RoleAdmin, "create agents")
	if err != nil {
		return nil, err
	}
	return d.createAgent(ctx, v.WorkspaceID, v.AgentID, v.Role, in)
}

// createAgent validates in and creates the agent of workspaceID; actorRole bounds the role it may
// grant.
func (d *Directory) createAgent(ctx context.Context, workspaceID, actorID int, actorRole enum.Role, in AgentInput) (*ent.Agent, error) {
	kind := enum.KindHuman
	if in.Kind != nil {
		kind = *in.Kind
	}
	role := enum.RoleAgent
	if in.Role != nil {
		role = *in.Role
	}
	name, err := validName(in.Name)
	if err != nil {
		return nil, err
	}
	skills, err := Labels("skills", in.Skills)
	if err != nil {
		return nil, err
	}
	languages, err := Labels("languages", in.Languages)
	if err != nil {
		return nil, err
	}
	if err := validChannels(in.Channels); err != nil {
		return nil, err
	}
	var email, hash string
	switch kind {
	case enum.KindHuman:
		if in.VARole != nil {
			return nil, fault.Invalid("vaRole", "only VIRTUAL agents have a vaRole")
		}
		if in.Email == nil || in.Password == nil {
			return nil, fault.Invalid("email", "a HUMAN agent needs an email and a password to sign in")
		}
		if email, err = validEmail(*in.Email); err != nil {
			return nil, err
		}
		if hash, err = hashValidPassword(*in.Password, email); err != nil {
			return nil, err
		}
		if !actorRole.AtLeast(role) {
			return nil, fault.Denied("grant a role above your own")
		}
	case enum.KindVirtual:
		if in.VARole == nil {
			return nil, fault.Invalid("vaRole", "a VIRTUAL agent needs a vaRole: INCEPTION or DELEGATION")
		}
		if in.Email != nil || in.Password != nil {
			return nil, fault.Invalid("email", "VIRTUAL agents do not sign in: give them an API key instead of an email and password")
		}
		role = enum.RoleAgent
	}
	var out *ent.Agent
	err = storage.InTx(ctx, d.client, func(tx *ent.Tx) error {
		c := tx.Agent.Create().SetWorkspaceID(workspaceID).SetKind(kind).SetRole(role).SetName(name).
			SetSkills(skills).SetLanguages(languages).SetNillableVaRole(in.VARole)
		if kind == enum.KindHuman {
			c.SetEmail(email).SetPasswordHash(hash)
		}
		a, err := c.Save(ctx)
		if ent.IsConstraintError(err) {
			return fault.New(fault.Conflict, "an agent with the email %q already exists", email).With("field", "email")
		} else if err != nil {
			return fmt.Errorf("create agent: %w", err)
		}
		if err := setChannels(ctx, tx, workspaceID, a.ID, in.Channels); err != nil {
			return err
		}
		out = a
		return d.appendRoster(ctx, tx, events.Entry{WorkspaceID: workspaceID, Type: events.AgentCreated, ActorID: actorID, SubjectID: a.ID,
			After: map[string]any{"name": name, "kind": kind, "role": role, "email": email}})
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil // detach from the finished transaction
}

// UpdateAgent changes an agent of the viewer's workspace. Admins may change anyone below
// SUPER_ADMIN (super admins anyone); every agent may change its own name and password.
func (d *Directory) UpdateAgent(ctx context.Context, id int, in AgentUpdate) (*ent.Agent, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	a, err := d.client.Agent.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.Missing("agent")
	} else if err != nil {
		return nil, err
	}
	if err := mayUpdateAgent(v, a, in); err != nil {
		return nil, err
	}
	c := &agentChange{before: map[string]any{}, after: map[string]any{}}
	if err := c.identity(a, in); err != nil {
		return nil, err
	}
	if err := d.routingChange(ctx, c, a, in); err != nil {
		return nil, err
	}
	sets, before, after := c.sets, c.before, c.after
	var out *ent.Agent
	err = storage.InTx(ctx, d.client, func(tx *ent.Tx) error {
		u := tx.Agent.UpdateOneID(a.ID).Where(agent.WorkspaceID(v.WorkspaceID))
		for _, set := range sets {
			set(u)
		}
		saved, err := u.Save(ctx)
		if ent.IsConstraintError(err) {
			return fault.New(fault.Conflict, "another agent already has that email").With("field", "email")
		} else if err != nil {
			return fmt.Errorf("update agent: %w", err)
		}
		if in.ReplaceChannels {
			if _, err := tx.AgentChannel.Delete().Where(agentchannel.AgentID(a.ID)).Exec(ctx); err != nil {
				return fmt.Errorf("update agent channels: %w", err)
			}
			if err := setChannels(ctx, tx, v.WorkspaceID, a.ID, in.Channels); err != nil {
				return err
			}
		}
		out = saved
		return d.appendRoster(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: events.AgentUpdated, ActorID: v.AgentID, SubjectID: a.ID, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil // detach from the finished transaction
}

// mayUpdateAgent says whether viewer v may make change in to agent a.
func mayUpdateAgent(v *auth.Viewer, a *ent.Agent, in AgentUpdate) error {
	self := a.ID == v.AgentID
	adminish := in.Email != nil || in.Role != nil || in.VARole != nil || in.Skills != nil || in.Languages != nil || in.ReplaceChannels || in.Active != nil ||
		in.Teams != nil || in.Pools != nil
	switch {
	case !v.Role.AtLeast(enum.RoleAdmin) && (!self || adminish):
		return fault.Denied("change agents other than your own name and password")
	case !v.Role.AtLeast(a.Role):
		return fault.Denied("change an agent whose role is above yours")
	case in.Role != nil && !v.Role.AtLeast(*in.Role):
		return fault.Denied("grant a role above your own")
	case self && ((in.Role != nil && *in.Role != a.Role) || (in.Active != nil && !*in.Active)):
		return fault.Invalid("role", "you cannot change your own role or deactivate yourself: ask another admin")
	}
	return nil
}

// agentChange is an agent update being built: the setters to apply and the event's before and after.
type agentChange struct {
	sets          []func(*ent.AgentUpdateOne)
	before, after map[string]any
}

// identity adds the changes of who the agent is and how it signs in: name, email, password, role.
func (c *agentChange) identity(a *ent.Agent, in AgentUpdate) error {
	if in.Name != nil {
		name, err := validName(*in.Name)
		if err != nil {
			return err
		}
		c.sets = append(c.sets, func(u *ent.AgentUpdateOne) { u.SetName(name) })
		c.before["name"], c.after["name"] = a.Name, name
	}
	if in.Email != nil || in.Password != nil {
		if a.Kind != enum.KindHuman {
			return fault.Invalid("email", "VIRTUAL agents do not sign in: use API keys")
		}
	}
	if in.Email != nil {
		email, err := validEmail(*in.Email)
		if err != nil {
			return err
		}
		c.sets = append(c.sets, func(u *ent.AgentUpdateOne) { u.SetEmail(email) })
		c.after["email"] = email
	}
	if in.Password != nil {
		signIn := ""
		if a.Email != nil {
			signIn = *a.Email
		}
		if e, ok := c.after["email"].(string); ok {
			signIn = e
		}
		hash, err := hashValidPassword(*in.Password, signIn)
		if err != nil {
			return err
		}
		c.sets = append(c.sets, func(u *ent.AgentUpdateOne) { u.SetPasswordHash(hash) })
		c.after["password"] = "changed"
	}
	if in.Role != nil {
		if a.Kind != enum.KindHuman {
			return fault.Invalid("role", "VIRTUAL agents have a vaRole, not a role")
		}
		c.sets = append(c.sets, func(u *ent.AgentUpdateOne) { u.SetRole(*in.Role) })
		c.before["role"], c.after["role"] = a.Role, *in.Role
	}
	if in.VARole != nil {
		if a.Kind != enum.KindVirtual {
			return fault.Invalid("vaRole", "only VIRTUAL agents have a vaRole")
		}
		c.sets = append(c.sets, func(u *ent.AgentUpdateOne) { u.SetVaRole(*in.VARole) })
		c.after["vaRole"] = *in.VARole
	}
	return nil
}

// routingChange adds the changes of what the agent is routed: skills, languages, whether it is
// active, its channels, teams and pools.
func (d *Directory) routingChange(ctx context.Context, c *agentChange, a *ent.Agent, in AgentUpdate) error {
	if in.Skills != nil {
		skills, err := Labels("skills", in.Skills)
		if err != nil {
			return err
		}
		c.sets = append(c.sets, func(u *ent.AgentUpdateOne) { u.SetSkills(skills) })
		c.before["skills"], c.after["skills"] = a.Skills, skills
	}
	if in.Languages != nil {
		languages, err := Labels("languages", in.Languages)
		if err != nil {
			return err
		}
		c.sets = append(c.sets, func(u *ent.AgentUpdateOne) { u.SetLanguages(languages) })
		c.before["languages"], c.after["languages"] = a.Languages, languages
	}
	if in.Active != nil {
		c.sets = append(c.sets, func(u *ent.AgentUpdateOne) { u.SetActive(*in.Active) })
		c.before["active"], c.after["active"] = a.Active, *in.Active
	}
	if in.ReplaceChannels {
		if err := validChannels(in.Channels); err != nil {
			return err
		}
		c.after["channels"] = in.Channels
	}
	if in.Teams != nil {
		ids, err := checkIDs("teamIds", "team", 100, in.Teams, func(ids []int) (int, error) { return d.client.Team.Query().Where(team.IDIn(ids...)).Count(ctx) })
		if err != nil {
			return err
		}
		c.sets = append(c.sets, func(u *ent.AgentUpdateOne) { u.ClearTeams().AddTeamIDs(ids...) })
		c.after["teams"] = ids
	}
	if in.Pools != nil {
		ids, err := checkIDs("poolIds", "pool", 100, in.Pools, func(ids []int) (int, error) { return d.client.Pool.Query().Where(pool.IDIn(ids...)).Count(ctx) })
		if err != nil {
			return err
		}
		c.sets = append(c.sets, func(u *ent.AgentUpdateOne) { u.ClearPools().AddPoolIDs(ids...) })
		c.after["pools"] = ids
	}
	return nil
}

func setChannels(ctx context.Context, tx *ent.Tx, workspaceID, agentID int, chans []ChannelCapacity) error {
	if len(chans) == 0 {
		return nil
	}
	bs := make([]*ent.AgentChannelCreate, len(chans))
	for i, c := range chans {
		bs[i] = tx.AgentChannel.Create().SetWorkspaceID(workspaceID).SetAgentID(agentID).SetChannel(c.Channel).SetCapacity(c.Capacity)
	}
	if err := tx.AgentChannel.CreateBulk(bs...).Exec(ctx); err != nil {
		return fmt.Errorf("agent channels: %w", err)
	}
	return nil
}

// UpdateSettings changes the viewer's workspace settings (admins). ent's validators bound every
// number; a bad value is BAD_USER_INPUT and nothing changes.
func (d *Directory) UpdateSettings(ctx context.Context, in ent.UpdateWorkspaceInput) (*ent.Workspace, error) {
	v, err := auth.Require(ctx, enum.RoleAdmin, "change workspace settings")
	if err != nil {
		return nil, err
	}
	if in.Name != nil {
		name, err := validName(*in.Name)
		if err != nil {
			return nil, err
		}
		in.Name = &name
	}
	var out *ent.Workspace
	err = storage.InTx(ctx, d.client, func(tx *ent.Tx) error {
		before, err := tx.Workspace.Get(ctx, v.WorkspaceID)
		if err != nil {
			return err
		}
		after, err := tx.Workspace.UpdateOneID(v.WorkspaceID).SetInput(in).Save(ctx)
		if err != nil {
			return err
		}
		out = after
		return d.bus.Append(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: events.WorkspaceUpdated, ActorID: v.AgentID,
			Before: asMap(before), After: asMap(after)})
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil // detach from the finished transaction
}

// Workspace returns the viewer's workspace.
func (d *Directory) Workspace(ctx context.Context) (*ent.Workspace, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	return d.client.Workspace.Get(ctx, v.WorkspaceID)
}

// Me returns the viewer's agent.
func (d *Directory) Me(ctx context.Context) (*ent.Agent, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	return d.client.Agent.Get(ctx, v.AgentID)
}

// asMap renders an entity as a JSON object for the audit log.
func asMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	m := map[string]any{}
	_ = json.Unmarshal(b, &m)
	return m
}

// Bootstrap creates the first workspace with its super admin and its inception bot when the
// database has no workspace yet. It reports whether it created anything.
func (d *Directory) Bootstrap(ctx context.Context, workspaceName, email, password string) (bool, error) {
	sys := tenant.System(ctx)
	n, err := d.client.Workspace.Query().Count(sys)
	if err != nil || n > 0 {
		return false, err
	}
	if _, err := d.CreateWorkspace(sys, workspaceName, "main", email, "Administrator", password); err != nil {
		return false, err
	}
	return true, nil
}

// CreateWorkspace makes a workspace with a SUPER_ADMIN and an INCEPTION bot (I1). It is for
// start-up and the demo, not for the API.
func (d *Directory) CreateWorkspace(ctx context.Context, name, slug, adminEmail, adminName, adminPassword string) (*ent.Workspace, error) {
	sys := tenant.System(ctx)
	ws, err := d.client.Workspace.Create().SetName(name).SetSlug(slug).Save(sys)
	if err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	role, human, virtual, inception := enum.RoleSuperAdmin, enum.KindHuman, enum.KindVirtual, enum.VARoleInception
	if _, err := d.createAgent(sys, ws.ID, 0, role, AgentInput{Email: &adminEmail, Password: &adminPassword, Name: adminName, Role: &role, Kind: &human}); err != nil {
		return nil, fmt.Errorf("create admin: %w", err)
	}
	if _, err := d.createAgent(sys, ws.ID, 0, role, AgentInput{Name: "Greeter bot", Kind: &virtual, VARole: &inception}); err != nil {
		return nil, fmt.Errorf("create inception bot: %w", err)
	}
	return ws, nil
}

// WorkspaceBySlug finds a workspace for start-up code.
func (d *Directory) WorkspaceBySlug(ctx context.Context, slug string) (*ent.Workspace, error) {
	return d.client.Workspace.Query().Where(workspace.Slug(slug)).Only(tenant.System(ctx))
}

func validName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len([]rune(s)) > 200 {
		return "", fault.Invalid("name", "must be 1 to 200 characters")
	}
	return s, nil
}

func validEmail(s string) (string, error) {
	e := auth.NormalizeEmail(s)
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || len(e) > 320 {
		return "", fault.Invalid("email", "%q is not an email address", s)
	}
	return e, nil
}

// hashValidPassword hashes p unless it is too long or too easy to guess for the agent signing in
// with email.
func hashValidPassword(p, email string) (string, error) {
	if len(p) > 256 {
		return "", fault.Invalid("password", "must be at most 256 bytes")
	}
	if why := auth.WeakPassword(p, email); why != "" {
		return "", fault.Invalid("password", "%s", why)
	}
	return auth.HashPassword(p)
}

// validLabels normalises skills and languages: trimmed, lower case, unique, at most 50 of at most
// 64 characters.
// Labels normalises labels (skills, languages, tags): trimmed, lower case, 1 to 64 characters,
// at most 50, without repeats.
func Labels(field string, in []string) ([]string, error) {
	out := []string{}
	for _, s := range in {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" || len(s) > 64 {
			return nil, fault.Invalid(field, "each must be 1 to 64 characters")
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) > 50 {
		return nil, fault.Invalid(field, "at most 50")
	}
	return out, nil
}

func validChannels(chans []ChannelCapacity) error {
	seen := map[enum.Channel]bool{}
	for _, c := range chans {
		if seen[c.Channel] {
			return fault.Invalid("channels", "%s is listed twice", c.Channel)
		}
		seen[c.Channel] = true
		if c.Capacity < 0 || c.Capacity > 1000 {
			return fault.Invalid("channels", "capacity on %s must be 0 to 1000", c.Channel)
		}
	}
	return nil
}

// SetPresence sets the viewer's presence (SPEC §12: OFFLINE receives nothing, AWAY keeps what it
// owns and receives nothing new).
func (d *Directory) SetPresence(ctx context.Context, p enum.Presence) (*ent.Agent, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	var out *ent.Agent
	err = storage.InTx(ctx, d.client, func(tx *ent.Tx) error {
		a, err := tx.Agent.Get(ctx, v.AgentID)
		if err != nil {
			return err
		}
		if a.Presence == p {
			out = a
			return nil
		}
		if out, err = a.Update().SetPresence(p).SetPresenceChangedAt(time.Now()).Save(ctx); err != nil {
			return err
		}
		return d.bus.Append(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: events.PresenceChanged, ActorID: v.AgentID, SubjectID: v.AgentID,
			Before: map[string]any{"presence": a.Presence}, After: map[string]any{"presence": p}})
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}
