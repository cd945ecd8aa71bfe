package httpapi

import (
	"context"
	_ "embed"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"switchboard/ent"
	"switchboard/graph"
	"switchboard/internal/auth"
	"switchboard/internal/desk"
	"switchboard/internal/fault"
)

// openAPI describes the REST endpoints (OpenAPI 3.1); openapi_test.go holds it to the answers.
//
//go:embed openapi.json
var openAPI []byte

// REST for simple integrations (SPEC §9): POST /v1/conversations/{id}/claim and /release with
// "Authorization: Bearer <API key or session token>" return the conversation as JSON; a lost race
// is 409 with the current owner.
func restRoutes(mux *http.ServeMux, svc services) {
	d := svc.resolver.Desk
	mux.Handle("POST /v1/conversations/{id}/claim", svc.restAction(func(ctx context.Context, id int) (*ent.Conversation, error) {
		return d.Claim(ctx, id, false)
	}))
	mux.Handle("POST /v1/conversations/{id}/release", svc.restAction(d.Release))
	mux.HandleFunc("GET /v1/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPI)
	})
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, _ *http.Request) {
		writeREST(w, http.StatusNotFound, restError(fault.New(fault.NotFound, "no such endpoint: see docs/api.md for the REST API")))
	})
}

// restAction authenticates (a credential is required), parses the id and runs act.
func (svc services) restAction(act func(ctx context.Context, id int) (*ent.Conversation, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v, err := svc.auth.Authenticate(ctx, r.Header.Get("Authorization"))
		if err == nil && v == nil {
			err = fault.ErrUnauthenticated
		}
		if err != nil {
			svc.writeRESTError(w, r, err)
			return
		}
		ctx = auth.WithViewer(ctx, v)
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil {
			svc.writeRESTError(w, r, fault.Invalid("id", "%q is not a conversation id", r.PathValue("id")))
			return
		}
		c, err := act(ctx, id)
		if err != nil {
			svc.writeRESTError(w, r, err)
			return
		}
		out, err := restConversation(ctx, svc.resolver.Client, c)
		if err != nil {
			svc.writeRESTError(w, r, err)
			return
		}
		writeREST(w, http.StatusOK, out)
	})
}

type restAgent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type restLock struct {
	Holder     restAgent `json:"holder"`
	AcquiredAt time.Time `json:"acquiredAt"`
}

// conversationJSON is the REST shape of a conversation (the GraphQL field names).
type conversationJSON struct {
	ID             string     `json:"id"`
	Channel        string     `json:"channel"`
	Status         string     `json:"status"`
	State          string     `json:"state"`
	Version        int        `json:"version"`
	Ownership      string     `json:"ownership"`
	Owner          *restAgent `json:"owner"`
	Lock           *restLock  `json:"lock"`
	ViewerCanReply bool       `json:"viewerCanReply"`
	Tags           []string   `json:"tags"`
	Preview        string     `json:"preview"`
	LastMessageAt  time.Time  `json:"lastMessageAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
}

func restConversation(ctx context.Context, client *ent.Client, c *ent.Conversation) (*conversationJSON, error) {
	v := auth.ViewerFrom(ctx)
	out := &conversationJSON{ID: strconv.Itoa(c.ID), Channel: string(c.Channel), Status: string(c.Status), State: string(c.State),
		Version: c.Version, Ownership: desk.Ownership(c, v), ViewerCanReply: desk.CanReply(c, v), Tags: c.Tags,
		Preview: c.Preview, LastMessageAt: c.LastMessageAt, UpdatedAt: c.UpdatedAt}
	agentRef := func(id int) (*restAgent, error) {
		a, err := client.Agent.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		return &restAgent{ID: strconv.Itoa(a.ID), Name: a.Name, Kind: string(a.Kind)}, nil
	}
	var err error
	if c.OwnerID != nil {
		if out.Owner, err = agentRef(*c.OwnerID); err != nil {
			return nil, err
		}
	}
	if c.LockHolderID != nil && c.LockAcquiredAt != nil {
		h, err := agentRef(*c.LockHolderID)
		if err != nil {
			return nil, err
		}
		out.Lock = &restLock{Holder: *h, AcquiredAt: *c.LockAcquiredAt}
	}
	return out, nil
}

// restStatus maps SPEC §9 codes to HTTP statuses.
var restStatus = map[fault.Code]int{
	fault.Unauthenticated:  http.StatusUnauthorized,
	fault.Forbidden:        http.StatusForbidden,
	fault.NotFound:         http.StatusNotFound,
	fault.BadUserInput:     http.StatusBadRequest,
	fault.Conflict:         http.StatusConflict,
	fault.Locked:           http.StatusLocked,
	fault.CapacityExceeded: http.StatusConflict,
	fault.InvalidState:     http.StatusUnprocessableEntity,
	fault.RateLimited:      http.StatusTooManyRequests,
	fault.Unavailable:      http.StatusServiceUnavailable,
}

func restError(f *fault.Error) map[string]any {
	e := map[string]any{"code": string(f.Code), "message": f.Message}
	for k, v := range f.Extensions {
		e[k] = v
	}
	return map[string]any{"error": e}
}

func (svc services) writeRESTError(w http.ResponseWriter, r *http.Request, err error) {
	f, ok := graph.Classify(err)
	if !ok {
		id := graph.RequestID(r.Context())
		slog.ErrorContext(r.Context(), "rest: internal error", "request_id", id, "path", r.URL.Path, "err", err)
		f = fault.New(fault.Internal, "internal error: it has been logged with request id %s", id)
	}
	status, ok := restStatus[f.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	markRetry(w, status)
	writeREST(w, status, restError(f))
}

func writeREST(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
