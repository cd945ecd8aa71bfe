// Package tenant carries the workspace a piece of work is confined to. The ent schemas read it to
// filter every query by workspace (defence in depth behind the resolvers' own checks).
package tenant

import "context"

type scopeKey struct{}

// scope is either one workspace or the whole system (start-up, bootstrap, background jobs).
type scope struct {
	workspaceID int
	system      bool
	// deferred, when set, is asked for the workspace at query time (a request that signs in).
	deferred func() (int, bool)
}

// WithWorkspace confines every ent query made with the returned context to one workspace.
func WithWorkspace(ctx context.Context, workspaceID int) context.Context {
	return context.WithValue(ctx, scopeKey{}, scope{workspaceID: workspaceID})
}

// System marks work that legitimately spans workspaces (migration, bootstrap, timers, login by
// email). Use it only where no viewer exists yet.
func System(ctx context.Context) context.Context {
	return context.WithValue(ctx, scopeKey{}, scope{system: true})
}

// Deferred scopes ctx to whatever workspace f reports when a query runs; until f reports one,
// queries fail as if there were no scope. It serves requests that sign in midway (login).
func Deferred(ctx context.Context, f func() (workspaceID int, ok bool)) context.Context {
	return context.WithValue(ctx, scopeKey{}, scope{deferred: f})
}

// From reports the workspace of ctx; system is true for cross-workspace work; ok is false when the
// context carries no scope at all, which the schemas treat as an error (fail closed).
func From(ctx context.Context) (workspaceID int, system, ok bool) {
	s, ok := ctx.Value(scopeKey{}).(scope)
	if ok && s.deferred != nil {
		id, ok := s.deferred()
		return id, false, ok
	}
	return s.workspaceID, s.system, ok
}
