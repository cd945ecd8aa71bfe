package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
)

const (
	adminEmail = "admin@chaos.test"
	password   = "chaos-password-123456"
)

// Person is a signed-in agent of the run.
type Person struct {
	ID    int64
	Email string
	Token string
	Sup   bool
}

// Setup is what the run set up over the API, as an integrator would.
type Setup struct {
	admin     Person
	bot       int64  // the inception bot (I1), bootstrapped with the workspace
	botKey    string // its API key: the channel connector and the bot's requests
	humans    []Person
	followers []Person // supervisors who only follow the workspace
	team      int64
	workspace int64
}

// setUp creates agents, a team and the bot's key, and sets short timers.
func setUp(ctx context.Context, c *api, base string, nAgents, nFollowers int, rng *rand.Rand) (*Setup, error) {
	s := &Setup{}
	var login struct {
		Login struct {
			Token string
			Agent struct{ ID string }
		}
	}
	if err := c.call(ctx, base, "", `mutation($e:String!,$p:String!){login(email:$e,password:$p){token agent{id}}}`,
		map[string]any{"e": adminEmail, "p": password}, &login); err != nil {
		return nil, fmt.Errorf("admin login: %w", err)
	}
	s.admin = Person{ID: atoi(login.Login.Agent.ID), Email: adminEmail, Token: login.Login.Token, Sup: true}
	tok := s.admin.Token

	var ws struct {
		UpdateWorkspaceSettings struct{ ID string }
	}
	// Short timers so that leases (L6) and SLAs (§6) run out during the run; stale claims never
	// (C8 would bump versions by itself).
	if err := c.call(ctx, base, tok, `mutation($in:UpdateWorkspaceInput!){updateWorkspaceSettings(input:$in){id}}`,
		map[string]any{"in": map[string]any{"lockGracePeriodSeconds": 15, "customerInactivitySeconds": 60,
			"slaFirstResponseSeconds": 10, "staleClaimAfterSeconds": 7 * 24 * 3600, "autoReleaseEnabled": false,
			"wrapUpEnabled": false}}, &ws); err != nil {
		return nil, fmt.Errorf("workspace settings: %w", err)
	}
	s.workspace = atoi(ws.UpdateWorkspaceSettings.ID)

	var agents struct {
		Agents struct {
			Edges []struct {
				Node struct {
					ID     string
					Kind   string
					VaRole *string
				}
			}
		}
	}
	if err := c.call(ctx, base, tok, `{agents(first:100){edges{node{id kind vaRole}}}}`, nil, &agents); err != nil {
		return nil, fmt.Errorf("agents: %w", err)
	}
	for _, e := range agents.Agents.Edges {
		if e.Node.Kind == "VIRTUAL" && e.Node.VaRole != nil && *e.Node.VaRole == "INCEPTION" {
			s.bot = atoi(e.Node.ID)
		}
	}
	if s.bot == 0 {
		return nil, fmt.Errorf("no inception bot in the bootstrapped workspace")
	}
	var key struct {
		CreateApiKey struct{ Key string }
	}
	if err := c.call(ctx, base, tok, `mutation($a:ID!){createApiKey(agentId:$a,name:"chaos connector"){key}}`,
		map[string]any{"a": fmt.Sprint(s.bot)}, &key); err != nil {
		return nil, fmt.Errorf("api key: %w", err)
	}
	s.botKey = key.CreateApiKey.Key

	// Agents: a supervisor in four; channel capacities small enough that caps are hit (C6, R2).
	type spec struct {
		email string
		sup   bool
		chat  int
		sms   int
	}
	var specs []spec
	for i := 0; i < nAgents; i++ {
		specs = append(specs, spec{fmt.Sprintf("agent%d@chaos.test", i), i%4 == 3, 2 + rng.IntN(3), 1 + rng.IntN(3)})
	}
	for i := 0; i < nFollowers; i++ {
		specs = append(specs, spec{fmt.Sprintf("follower%d@chaos.test", i), true, 0, 0})
	}
	people := make([]Person, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, sp := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			role := "AGENT"
			if sp.sup {
				role = "SUPERVISOR"
			}
			in := map[string]any{"email": sp.email, "name": sp.email, "password": password, "role": role}
			if sp.chat > 0 {
				in["channels"] = []map[string]any{{"channel": "LIVE_CHAT", "capacity": sp.chat}, {"channel": "SMS", "capacity": sp.sms}}
			}
			var created struct {
				CreateAgent struct{ ID string }
			}
			if err := c.call(ctx, base, tok, `mutation($in:CreateAgentInput!){createAgent(input:$in){id}}`, map[string]any{"in": in}, &created); err != nil {
				errs[i] = fmt.Errorf("create %s: %w", sp.email, err)
				return
			}
			var l struct{ Login struct{ Token string } }
			if err := c.call(ctx, base, "", `mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}`,
				map[string]any{"e": sp.email, "p": password}, &l); err != nil {
				errs[i] = fmt.Errorf("login %s: %w", sp.email, err)
				return
			}
			people[i] = Person{ID: atoi(created.CreateAgent.ID), Email: sp.email, Token: l.Login.Token, Sup: sp.sup}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	s.humans, s.followers = people[:nAgents], people[nAgents:]

	// A team of half the agents: a transfer to it sends the conversation back to the queue (C11).
	var members []string
	for i, h := range s.humans {
		if i%2 == 0 {
			members = append(members, fmt.Sprint(h.ID))
		}
	}
	var team struct {
		CreateTeam struct{ ID string }
	}
	if err := c.call(ctx, base, tok, `mutation($in:CreateTeamInput!){createTeam(input:$in){id}}`,
		map[string]any{"in": map[string]any{"name": "chaos team", "memberIds": members}}, &team); err != nil {
		return nil, fmt.Errorf("team: %w", err)
	}
	s.team = atoi(team.CreateTeam.ID)
	return s, nil
}
