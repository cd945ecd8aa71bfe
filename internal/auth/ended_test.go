package auth_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
	"time"

	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/directory"
	"switchboard/internal/tenant"
	"switchboard/internal/testdb"
)

// Ended, the recheck of every WebSocket's credential, against a model of what it must say:
// generated agents (active or not, of random roles), sessions (revoked, expired, live) and API keys
// (revoked or not), some of them deleted, and sockets on them that signed in with their agent's
// role or another. It must name exactly the sockets whose credential ended, each with its reason,
// however many hold.
func TestEndedAgreesWithAModel(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	sys := tenant.System(ctx)
	dir := directory.New(db.Client, nil)
	roles := []enum.Role{enum.RoleAgent, enum.RoleSupervisor, enum.RoleAdmin}
	svc := auth.NewService(db.Client, time.Hour, nil, nil)
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 23))
			w, err := dir.CreateWorkspace(sys, fmt.Sprint("Ended ", seed), fmt.Sprint("ended-", seed),
				fmt.Sprintf("admin%d@ended.test", seed), "Admin", "ended-password")
			if err != nil {
				t.Fatal(err)
			}
			type agentState struct {
				role   enum.Role
				active bool
			}
			var agentIDs []int
			agents := map[int]agentState{}
			for i := range 6 {
				st := agentState{role: roles[rng.IntN(len(roles))], active: rng.IntN(4) > 0}
				a := db.Client.Agent.Create().SetWorkspaceID(w.ID).SetName(fmt.Sprint("agent ", i)).SetRole(st.role).
					SetActive(st.active).SaveX(sys)
				agentIDs = append(agentIDs, a.ID)
				agents[a.ID] = st
			}
			type cred struct {
				agent   int
				key     bool
				gone    string // why the credential itself ended
				deleted bool
			}
			var creds []cred
			var sessionIDs, keyIDs []int
			now := time.Now()
			for i := range 30 {
				c := cred{agent: agentIDs[rng.IntN(len(agentIDs))], key: i%3 == 0}
				revoked := rng.IntN(5) == 0
				if c.key {
					q := db.Client.APIKey.Create().SetWorkspaceID(w.ID).SetAgentID(c.agent).SetName("k").SetPrefix("sbk_abcdef").
						SetKeyHash(fmt.Sprintf("key-%d-%d", seed, i))
					if revoked {
						q.SetRevokedAt(now)
						c.gone = "API key revoked"
					}
					keyIDs = append(keyIDs, q.SaveX(sys).ID)
				} else {
					expires := now.Add(time.Hour)
					if rng.IntN(5) == 0 {
						expires = now.Add(-time.Minute)
						c.gone = "session expired"
					}
					q := db.Client.Session.Create().SetWorkspaceID(w.ID).SetAgentID(c.agent).SetExpiresAt(expires).
						SetTokenHash(fmt.Sprintf("session-%d-%d", seed, i))
					if revoked {
						q.SetRevokedAt(now)
						c.gone = "signed out" // revocation is said before expiry
					}
					sessionIDs = append(sessionIDs, q.SaveX(sys).ID)
				}
				creds = append(creds, c)
			}
			credID := func(i int) int {
				n := 0
				for j := range i {
					if creds[j].key == creds[i].key {
						n++
					}
				}
				if creds[i].key {
					return keyIDs[n]
				}
				return sessionIDs[n]
			}
			for i := range creds {
				if rng.IntN(10) == 0 {
					creds[i].deleted = true
					if creds[i].key {
						db.Client.APIKey.DeleteOneID(credID(i)).ExecX(sys)
					} else {
						db.Client.Session.DeleteOneID(credID(i)).ExecX(sys)
					}
				}
			}
			var viewers []*auth.Viewer
			want := map[int]string{}
			for n := range 200 {
				i := rng.IntN(len(creds))
				c := creds[i]
				role := agents[c.agent].role
				if rng.IntN(4) == 0 {
					role = roles[rng.IntN(len(roles))]
				}
				v := &auth.Viewer{AgentID: c.agent, WorkspaceID: w.ID, Role: role, Kind: enum.KindHuman}
				if c.key {
					v.APIKeyID = credID(i)
				} else {
					v.SessionID = credID(i)
				}
				viewers = append(viewers, v)
				switch {
				case c.deleted:
					want[n] = "credential deleted"
				case c.gone != "":
					want[n] = c.gone
				case !agents[c.agent].active:
					want[n] = "agent deactivated"
				case role != agents[c.agent].role:
					want[n] = "role changed: sign in again"
				}
			}
			got, err := svc.Ended(ctx, viewers)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, want) {
				for n := range viewers {
					if got[n] != want[n] {
						t.Errorf("socket %d (session %d, key %d, role %s): ended %q, want %q", n, viewers[n].SessionID,
							viewers[n].APIKeyID, viewers[n].Role, got[n], want[n])
					}
				}
			}
			t.Logf("%d sockets, %d ended", len(viewers), len(want))
		})
	}
}
