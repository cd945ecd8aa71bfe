// Package auth owns who is calling: passwords (argon2id), session tokens, API keys, the viewer in
// the context, and role checks (SPEC §10).
package auth

import (
	"context"

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

// ViewerFrom returns the viewer of ctx, or nil.
func ViewerFrom(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
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
