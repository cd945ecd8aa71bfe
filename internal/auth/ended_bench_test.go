package auth_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/directory"
	"switchboard/internal/tenant"
	"switchboard/internal/testdb"
)

// BenchmarkEnded is one instance's recheck of its WebSockets (every second): 3,333 agents'
// sessions, all holding (the scale benchmark's share of one of three instances).
func BenchmarkEnded(b *testing.B) {
	db := testdb.Open(b)
	sys := tenant.System(context.Background())
	w, err := directory.New(db.Client, nil).CreateWorkspace(sys, "Recheck", "recheck", "admin@recheck.test", "Admin", "recheck-password")
	if err != nil {
		b.Fatal(err)
	}
	const n = 3333
	agents := make([]*ent.AgentCreate, n)
	for i := range agents {
		agents[i] = db.Client.Agent.Create().SetWorkspaceID(w.ID).SetName(fmt.Sprint("agent ", i)).SetRole(enum.RoleAgent)
	}
	created := db.Client.Agent.CreateBulk(agents...).SaveX(sys)
	sessions := make([]*ent.SessionCreate, n)
	for i, a := range created {
		sessions[i] = db.Client.Session.Create().SetWorkspaceID(w.ID).SetAgentID(a.ID).SetTokenHash(fmt.Sprint("hash ", i)).
			SetExpiresAt(time.Now().Add(time.Hour))
	}
	viewers := make([]*auth.Viewer, n)
	for i, s := range db.Client.Session.CreateBulk(sessions...).SaveX(sys) {
		viewers[i] = &auth.Viewer{AgentID: s.AgentID, WorkspaceID: w.ID, Role: enum.RoleAgent, SessionID: s.ID}
	}
	svc := auth.NewService(db.Client, time.Hour, nil, nil)
	b.ResetTimer()
	for b.Loop() {
		if ended, err := svc.Ended(sys, viewers); err != nil || len(ended) != 0 {
			b.Fatal(ended, err)
		}
	}
}
