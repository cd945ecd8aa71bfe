package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/apikey"
	"switchboard/ent/predicate"
	"switchboard/ent/schema"
	"switchboard/ent/schema/enum"
	"switchboard/ent/session"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/ratelimit"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// Token prefixes tell session tokens from API keys at a glance (and to secret scanners).
const (
	sessionPrefix = "sbs_"
	apiKeyPrefix  = "sbk_"
)

// Service signs agents in and out and turns bearer credentials into viewers.
type Service struct {
	client     *ent.Client
	sessionTTL time.Duration
	now        func() time.Time
	// cache remembers recent credential checks for cacheTTL, keyed by the credential's hash, so a
	// busy integration does not cost two queries per request. A revocation made on another
	// instance takes effect there within cacheTTL; on this one, at once.
	cache *expirable.LRU[string, cached]
	bus   *events.Bus
	// logins slows down and refuses password guessing (nil: no limits).
	logins *throttle
}

type cached struct {
	v       *Viewer
	expires time.Time // the session's expiry; zero for API keys
}

// CacheTTL is how long a checked credential is trusted without asking the database again.
const CacheTTL = 5 * time.Second

// NewService returns the auth service; sessions live for sessionTTL; logins are limited by
// limits (nil: not at all).
func NewService(client *ent.Client, sessionTTL time.Duration, bus *events.Bus, limits *LoginLimits) *Service {
	return &Service{client: client, sessionTTL: sessionTTL, now: time.Now, bus: bus,
		cache: expirable.NewLRU[string, cached](10000, nil, CacheTTL), logins: newThrottle(limits)}
}

// newSecret returns a random bearer secret with prefix and the hash that is stored for it.
func newSecret(prefix string) (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("random: %w", err)
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret), nil
}

// hashSecret hashes a high-entropy bearer secret. A fast hash suffices for 256-bit random secrets
// (passwords, which are guessable, use argon2id).
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Login checks an email and password and opens a session. Every failure is the same
// UNAUTHENTICATED error, so it tells nobody whether the email exists.
func (s *Service) Login(ctx context.Context, email, password string) (token string, a *ent.Agent, expires time.Time, err error) {
	bad := fault.New(fault.Unauthenticated, "wrong email or password")
	email = NormalizeEmail(email)
	if email == "" || password == "" || len(password) > maxPasswordLen || !schema.Storable(email) {
		return "", nil, time.Time{}, bad // no stored email has a NUL (Postgres refuses to look one up)
	}
	addr := ratelimit.ClientAddr(ctx)
	if err := s.logins.refused(email, addr, s.logins.now()); err != nil {
		return "", nil, time.Time{}, err
	}
	sys := tenant.System(ctx) // no workspace is known before sign-in
	a, err = s.client.Agent.Query().Where(agent.Email(email), agent.KindEQ(enum.KindHuman)).Only(sys)
	if err != nil && !ent.IsNotFound(err) {
		return "", nil, time.Time{}, fmt.Errorf("login: %w", err)
	}
	hash := dummyHash
	if a != nil && a.PasswordHash != "" {
		hash = a.PasswordHash
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		slog.ErrorContext(ctx, "login: stored hash unreadable", "agent", a.ID, "err", err)
	}
	if a == nil || !ok || !a.Active {
		s.logins.failed(ctx, email, addr, s.logins.now())
		return "", nil, time.Time{}, bad
	}
	s.logins.succeeded(email)
	token, tokenHash, err := newSecret(sessionPrefix)
	if err != nil {
		return "", nil, time.Time{}, err
	}
	expires = s.now().Add(s.sessionTTL)
	sess, err := s.client.Session.Create().
		SetWorkspaceID(a.WorkspaceID).SetAgentID(a.ID).SetTokenHash(tokenHash).SetExpiresAt(expires).
		Save(sys)
	if err != nil {
		return "", nil, time.Time{}, fmt.Errorf("login: create session: %w", err)
	}
	signedIn(ctx, &Viewer{AgentID: a.ID, WorkspaceID: a.WorkspaceID, Name: a.Name, Role: a.Role, Kind: a.Kind, SessionID: sess.ID})
	return token, a, expires, nil
}

// Logout revokes the session the viewer signed in with.
func (s *Service) Logout(ctx context.Context) error {
	v := ViewerFrom(ctx)
	if v == nil {
		return fault.ErrUnauthenticated
	}
	if v.SessionID == 0 {
		return fault.New(fault.BadUserInput, "this request was made with an API key, not a session: revoke the key with revokeApiKey")
	}
	s.cache.Purge() // this instance forgets the session at once
	return s.client.Session.Update().Where(session.ID(v.SessionID)).SetRevokedAt(s.now()).Exec(ctx)
}

// Authenticate turns "Bearer <token or key>" into a viewer (SPEC §10: the scheme is required, in
// any case). An absent credential returns (nil, nil); a present but invalid one is UNAUTHENTICATED.
func (s *Service) Authenticate(ctx context.Context, authorization string) (*Viewer, error) {
	if strings.TrimSpace(authorization) == "" {
		return nil, nil
	}
	cred, err := bearer(authorization)
	if err != nil {
		return nil, err
	}
	return s.authenticate(ctx, cred, true)
}

// AuthenticateNow is Authenticate asking the database, never the cache: for a WebSocket, which
// lives long, so that a credential ended a moment ago on another instance opens none.
func (s *Service) AuthenticateNow(ctx context.Context, authorization string) (*Viewer, error) {
	if strings.TrimSpace(authorization) == "" {
		return nil, nil
	}
	cred, err := bearer(authorization)
	if err != nil {
		return nil, err
	}
	return s.authenticate(ctx, cred, false)
}

func (s *Service) authenticate(ctx context.Context, cred string, useCache bool) (*Viewer, error) {
	now := s.now()
	key := hashSecret(cred)
	if c, ok := s.cache.Get(key); useCache && ok && (c.expires.IsZero() || now.Before(c.expires)) {
		return c.v, nil
	}
	v, expires, err := s.check(ctx, cred, key, now)
	if err != nil {
		return nil, err
	}
	s.cache.Add(key, cached{v: v, expires: expires})
	return v, nil
}

// bearer takes the credential out of "Bearer <credential>".
func bearer(authorization string) (string, error) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	cred = strings.TrimSpace(cred)
	if !ok || !strings.EqualFold(scheme, "Bearer") || cred == "" {
		return "", fault.New(fault.Unauthenticated, "send the credential as 'Bearer <token or key>'")
	}
	return cred, nil
}

// check looks a credential up in the database.
func (s *Service) check(ctx context.Context, cred, hash string, now time.Time) (*Viewer, time.Time, error) {
	sys := tenant.System(ctx)
	invalid := fault.New(fault.Unauthenticated, "the token or API key is invalid, expired or revoked: sign in again or use a current key")
	switch {
	case strings.HasPrefix(cred, sessionPrefix):
		sess, err := s.client.Session.Query().Where(session.TokenHash(hash)).WithAgent().Only(sys)
		if ent.IsNotFound(err) {
			return nil, time.Time{}, invalid
		} else if err != nil {
			return nil, time.Time{}, fmt.Errorf("authenticate: %w", err)
		}
		if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) || !sess.Edges.Agent.Active {
			return nil, time.Time{}, invalid
		}
		return viewerOf(sess.Edges.Agent, sess.ID, 0), sess.ExpiresAt, nil
	case strings.HasPrefix(cred, apiKeyPrefix):
		key, err := s.client.APIKey.Query().Where(apikey.KeyHash(hash)).WithAgent().Only(sys)
		if ent.IsNotFound(err) {
			return nil, time.Time{}, invalid
		} else if err != nil {
			return nil, time.Time{}, fmt.Errorf("authenticate: %w", err)
		}
		if key.RevokedAt != nil || !key.Edges.Agent.Active {
			return nil, time.Time{}, invalid
		}
		// Recording use is best effort and at most once a minute, to keep it off the hot path.
		if key.LastUsedAt == nil || now.Sub(*key.LastUsedAt) > time.Minute {
			if err := s.client.APIKey.Update().Where(apikey.ID(key.ID)).SetLastUsedAt(now).Exec(sys); err != nil {
				slog.WarnContext(ctx, "api key: record use", "key", key.ID, "err", err)
			}
		}
		return viewerOf(key.Edges.Agent, 0, key.ID), time.Time{}, nil
	}
	return nil, time.Time{}, invalid
}

func viewerOf(a *ent.Agent, sessionID, keyID int) *Viewer {
	return &Viewer{AgentID: a.ID, WorkspaceID: a.WorkspaceID, Name: a.Name, Role: a.Role, Kind: a.Kind, SessionID: sessionID, APIKeyID: keyID}
}

// CreateAPIKey makes a key that acts as agentID (admins only). The key is returned once.
func (s *Service) CreateAPIKey(ctx context.Context, agentID int, name string) (string, *ent.APIKey, error) {
	v, err := Require(ctx, enum.RoleAdmin, "create API keys")
	if err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return "", nil, fault.Invalid("name", "give the key a name of 1 to 200 characters")
	}
	a, err := s.client.Agent.Get(ctx, agentID) // confined to the viewer's workspace
	if ent.IsNotFound(err) {
		return "", nil, fault.Missing("agent")
	} else if err != nil {
		return "", nil, err
	}
	if !a.Active {
		return "", nil, fault.New(fault.InvalidState, "the agent is deactivated: reactivate it before giving it a key")
	}
	// Nobody may mint a key more powerful than themselves.
	if a.Role.AtLeast(enum.RoleSuperAdmin) && !v.Role.AtLeast(enum.RoleSuperAdmin) {
		return "", nil, fault.Denied("create keys for a super admin")
	}
	key, hash, err := newSecret(apiKeyPrefix)
	if err != nil {
		return "", nil, err
	}
	var k *ent.APIKey
	err = storage.InTx(ctx, s.client, func(tx *ent.Tx) error {
		var err error
		k, err = tx.APIKey.Create().
			SetWorkspaceID(v.WorkspaceID).SetAgentID(a.ID).SetName(name).SetPrefix(key[:len(apiKeyPrefix)+6]).SetKeyHash(hash).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("create api key: %w", err)
		}
		return s.bus.Append(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: events.APIKeyCreated, ActorID: v.AgentID, SubjectID: a.ID,
			After: map[string]any{"key": k.ID, "name": name, "prefix": k.Prefix}})
	})
	if err != nil {
		return "", nil, err
	}
	return key, k.Unwrap(), nil
}

// RevokeAPIKey revokes a key (admins, or the agent the key acts as).
func (s *Service) RevokeAPIKey(ctx context.Context, id int) (*ent.APIKey, error) {
	v, err := Member(ctx)
	if err != nil {
		return nil, err
	}
	k, err := s.client.APIKey.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.Missing("API key")
	} else if err != nil {
		return nil, err
	}
	if k.AgentID != v.AgentID && !v.Role.AtLeast(enum.RoleAdmin) {
		return nil, fault.Denied("revoke other agents' API keys")
	}
	if k.RevokedAt != nil {
		return k, nil
	}
	s.cache.Purge() // this instance forgets the key at once
	var out *ent.APIKey
	err = storage.InTx(ctx, s.client, func(tx *ent.Tx) error {
		var err error
		if out, err = tx.APIKey.UpdateOneID(k.ID).SetRevokedAt(s.now()).Save(ctx); err != nil {
			return err
		}
		return s.bus.Append(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: events.APIKeyRevoked, ActorID: v.AgentID, SubjectID: k.AgentID,
			After: map[string]any{"key": k.ID, "name": k.Name}})
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

// NormalizeEmail trims and lower-cases an email address; emails are compared in this form.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// recheckedAgent reads only what Ended looks at of a credential's agent.
func recheckedAgent(q *ent.AgentQuery) { q.Select(agent.FieldActive, agent.FieldRole) }

// Ended tells which of viewers' credentials have ended since they were checked: the session was
// revoked (logout) or expired, the API key was revoked, the agent was deactivated or given another
// role, the credential was deleted. The answer maps an index of viewers to the reason, for the
// close frame (at most 123 bytes). One instance rechecks all its WebSockets every second with it,
// so the database is asked only for the credentials that ended (usually none) and how many of the
// others still exist: a few queries and rows, whatever the number of viewers.
func (s *Service) Ended(ctx context.Context, viewers []*Viewer) (map[int]string, error) {
	sys := tenant.System(ctx)
	// The role each socket signed in with, by credential: a session's tabs share it.
	sessionRoles, keyRoles := map[enum.Role][]int{}, map[enum.Role][]int{}
	for _, v := range viewers {
		if v.SessionID != 0 {
			sessionRoles[v.Role] = append(sessionRoles[v.Role], v.SessionID)
		} else if v.APIKeyID != 0 {
			keyRoles[v.Role] = append(keyRoles[v.Role], v.APIKeyID)
		}
	}
	now := s.now()
	sessions, err := endedCredentials(sys, sessionRoles, "sessions", func(ids []int) idQuery {
		return s.client.Session.Query().Where(predicate.Session(storage.IntsIn(session.FieldID, ids)))
	}, func(ids []int, role enum.Role) (map[int]credentialState, error) {
		rows, err := s.client.Session.Query().Where(predicate.Session(storage.IntsIn(session.FieldID, ids)),
			session.Or(session.RevokedAtNotNil(), session.ExpiresAtLTE(now), session.HasAgentWith(agent.Or(agent.Active(false), agent.RoleNEQ(role))))).
			Select(session.FieldAgentID, session.FieldRevokedAt, session.FieldExpiresAt).WithAgent(recheckedAgent).All(sys)
		if err != nil {
			return nil, err
		}
		out := map[int]credentialState{}
		for _, r := range rows {
			st := credentialState{agent: r.Edges.Agent}
			switch {
			case r.RevokedAt != nil:
				st.gone = "signed out"
			case !now.Before(r.ExpiresAt):
				st.gone = "session expired"
			}
			out[r.ID] = st
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	keys, err := endedCredentials(sys, keyRoles, "API keys", func(ids []int) idQuery {
		return s.client.APIKey.Query().Where(predicate.APIKey(storage.IntsIn(apikey.FieldID, ids)))
	}, func(ids []int, role enum.Role) (map[int]credentialState, error) {
		rows, err := s.client.APIKey.Query().Where(predicate.APIKey(storage.IntsIn(apikey.FieldID, ids)),
			apikey.Or(apikey.RevokedAtNotNil(), apikey.HasAgentWith(agent.Or(agent.Active(false), agent.RoleNEQ(role))))).
			Select(apikey.FieldAgentID, apikey.FieldRevokedAt).WithAgent(recheckedAgent).All(sys)
		if err != nil {
			return nil, err
		}
		out := map[int]credentialState{}
		for _, r := range rows {
			st := credentialState{agent: r.Edges.Agent}
			if r.RevokedAt != nil {
				st.gone = "API key revoked"
			}
			out[r.ID] = st
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	ended := map[int]string{}
	for i, v := range viewers {
		c := sessions
		id := v.SessionID
		if id == 0 {
			c, id = keys, v.APIKeyID
		}
		if reason := c.reason(id, v.Role); reason != "" {
			ended[i] = reason
		}
	}
	return ended, nil
}

// credentialState is a credential that ended for at least one of the roles asked about: why it
// ended itself ("" if it holds), and its agent as it is now.
type credentialState struct {
	gone  string
	agent *ent.Agent
}

// credentials are the answer about one kind of credential: those that ended for some role, and,
// when some of those asked about no longer exist, the ones that do (nil when all do).
type credentials struct {
	ended map[int]credentialState
	found []int
}

// idQuery is a query of one kind of credential by ids.
type idQuery interface {
	Count(context.Context) (int, error)
	IDs(context.Context) ([]int, error)
}

// endedCredentials asks ended, one role at a time, about the distinct credentials signed in with
// it (roles: the role each viewer signed in with, by credential), and byID how many of them exist;
// which ones, only when some do not.
func endedCredentials(ctx context.Context, roles map[enum.Role][]int, what string, byID func(ids []int) idQuery,
	ended func(ids []int, role enum.Role) (map[int]credentialState, error)) (credentials, error) {
	var ids []int
	out := credentials{ended: map[int]credentialState{}}
	for role, of := range roles {
		of = slices.Compact(slices.Sorted(slices.Values(of)))
		ids = append(ids, of...)
		got, err := ended(of, role)
		if err != nil {
			return credentials{}, fmt.Errorf("recheck %s: %w", what, err)
		}
		maps.Copy(out.ended, got)
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return credentials{}, nil
	}
	existing, err := byID(ids).Count(ctx)
	if err == nil && existing < len(ids) {
		out.found, err = byID(ids).IDs(ctx)
		slices.Sort(out.found)
	}
	if err != nil {
		return credentials{}, fmt.Errorf("recheck %s: %w", what, err)
	}
	return out, nil
}

// reason is why credential id, signed in with role, has ended; "" while it holds.
func (c credentials) reason(id int, role enum.Role) string {
	st, ok := c.ended[id]
	switch {
	case !ok && c.found != nil:
		if _, exists := slices.BinarySearch(c.found, id); !exists {
			return "credential deleted"
		}
		return ""
	case !ok:
		return ""
	case st.gone != "":
		return st.gone
	case !st.agent.Active:
		return "agent deactivated"
	case st.agent.Role != role:
		return "role changed: sign in again"
	}
	return ""
}
