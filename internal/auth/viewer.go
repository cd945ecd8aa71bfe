// Package auth owns who is calling: passwords (argon2id), session tokens, API keys, the viewer in
// the context, and role checks (SPEC §10).
package auth

import (
	"context"
	"sync"
	"sync/atomic"

	"switchboard/ent/schema/enum"
	"switchboard/internal/fault"
	"switchboard/internal/tenant"
)

// Viewer is the authenticated caller: a human with a session or an integration/bot with an API key,
// always acting as one agent of one workspace.
type Viewer struct {
	AgentID     int
	WorkspaceID int
	Name        string
	Role        enum.Role
	Kind        enum.AgentKind
	// SessionID is set for session tokens, APIKeyID for API keys.
	SessionID int
	APIKeyID  int
}

// ViaAPIKey reports whether the caller authenticated with an API key (an integration).
func (v *Viewer) ViaAPIKey() bool { return v.APIKeyID != 0 }

type viewerKey struct{}

// WithViewer stores the viewer in ctx and confines ent queries made with ctx to its workspace.
func WithViewer(ctx context.Context, v *Viewer) context.Context {
	return tenant.WithWorkspace(context.WithValue(ctx, viewerKey{}, v), v.WorkspaceID)
}

// signIn is the place of a viewer still to come: a request without credentials may sign in
// (login), and what it resolves afterwards (the agent's workspace, teams …) runs as that viewer.
type signIn struct {
	mu sync.Mutex
	v  *Viewer
}

func (s *signIn) viewer() *Viewer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.v
}

// WithSignIn prepares an anonymous request's ctx for a sign-in during the request.
func WithSignIn(ctx context.Context) context.Context {
	s := &signIn{}
	ctx = context.WithValue(ctx, viewerKey{}, s)
	return tenant.Deferred(ctx, func() (int, bool) {
		if v := s.viewer(); v != nil {
			return v.WorkspaceID, true
		}
		return 0, false
	})
}

// signedIn makes v the viewer of the rest of the request, when ctx was prepared by WithSignIn.
func signedIn(ctx context.Context, v *Viewer) {
	if s, ok := ctx.Value(viewerKey{}).(*signIn); ok {
		s.mu.Lock()
		s.v = v
		s.mu.Unlock()
	}
}

// ViewerFrom returns the viewer of ctx, or nil.
func ViewerFrom(ctx context.Context) *Viewer {
	if r, ok := ctx.Value(readsKey{}).(*ViewerReads); ok {
		r.read.Store(true)
	}
	switch v := ctx.Value(viewerKey{}).(type) {
	case *Viewer:
		return v
	case *signIn:
		return v.viewer()
	}
	return nil
}

// Require returns the viewer if it has at least role min, else UNAUTHENTICATED or FORBIDDEN.
// action completes the sentence "your role does not allow you to …".
func Require(ctx context.Context, min enum.Role, action string) (*Viewer, error) {
	v := ViewerFrom(ctx)
	if v == nil {
		return nil, fault.ErrUnauthenticated
	}
	if !v.Role.AtLeast(min) {
		return nil, fault.Denied(action)
	}
	return v, nil
}

// Member returns the viewer if there is one: any role of the workspace may proceed.
func Member(ctx context.Context) (*Viewer, error) {
	v := ViewerFrom(ctx)
	if v == nil {
		return nil, fault.ErrUnauthenticated
	}
	return v, nil
}

type readsKey struct{}

// ViewerReads records whether anything asked ctx who the viewer is (ViewerFrom, Member, Require):
// what was computed without asking is the same for every viewer of the workspace, so it may be
// shared among them (graph's shared subscription responses).
type ViewerReads struct{ read atomic.Bool }

// RecordViewerReads returns ctx recording into a new ViewerReads.
func RecordViewerReads(ctx context.Context) (context.Context, *ViewerReads) {
	r := &ViewerReads{}
	return context.WithValue(ctx, readsKey{}, r), r
}

// Read reports whether the viewer was asked for.
func (r *ViewerReads) Read() bool { return r.read.Load() }
