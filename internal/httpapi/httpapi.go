// Package httpapi assembles the whole HTTP handler — GraphQL transports, limits, CORS,
// authentication, health, metrics and the SPA — once, for server.go and the tests alike (STYLE 6).
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"switchboard/graph"
	"switchboard/internal/auth"
	"switchboard/internal/canned"
	"switchboard/internal/desk"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/search"
	"switchboard/internal/storage"
	"switchboard/internal/tracing"
	"switchboard/internal/webhooks"
)

// Config are the handler's limits and policies.
type Config struct {
	// CORSOrigins are the browser origins allowed to call the API (and open WebSockets) from
	// another origin. The SPA served at / is same-origin and needs none.
	CORSOrigins []string
	// MaxBodyBytes bounds a request body (default 1 MiB).
	MaxBodyBytes int64
	// MaxDepth and MaxComplexity bound a GraphQL operation (defaults 12 and graph.MaxComplexity).
	MaxDepth, MaxComplexity int
	// SPA is the built agent workspace (frontend/dist); nil serves a placeholder.
	SPA fs.FS
	// WSInitTimeout bounds the wait for connection_init; WSPing is the keep-alive interval.
	WSInitTimeout, WSPing time.Duration
	// MaxSubscriptionsPerConnection bounds one WebSocket's subscriptions (default 100).
	MaxSubscriptionsPerConnection int
	// SessionTTL is how long a sign-in lasts (default 12 h).
	SessionTTL time.Duration
	// CredentialRecheck is how often the credentials of open WebSockets are checked again, so
	// that a logout, a revoked key, a deactivation or a role change closes them (default 1 s).
	CredentialRecheck time.Duration
	// Limits are the rate limits (defaults in Limits; Off for none).
	Limits Limits
	// NoIntrospection refuses introspection queries (INTROSPECTION=false, for production).
	NoIntrospection bool
	// AccessLog receives one line per request (default slog.Default()): at debug, or at warn
	// when the request took SlowRequest or more (WebSockets excepted), or at error for a 5xx.
	AccessLog *slog.Logger
	// SlowRequest is the duration from which a request is logged at warn (default 1 s).
	SlowRequest time.Duration
	// WebhooksAllowPrivate lets webhooks target loopback and private addresses
	// (WEBHOOKS_ALLOW_PRIVATE); the delivery worker must be given the same.
	WebhooksAllowPrivate bool
	// BacklogFresh is how long /metrics serves the queue, timer and webhook backlog it read
	// before it reads them again (default 10 s; docs/metrics.md).
	BacklogFresh time.Duration
	// UnsharedResponses computes every subscriber's response to an event for it alone, instead of
	// sharing one among the subscribers that select the same (graph/share.go): what the tests
	// compare the shared responses with.
	UnsharedResponses bool
}

// Deps are what the handler serves.
type Deps struct {
	DB *storage.DB
	// Bus delivers committed events to subscriptions; the caller runs it (Bus.Run).
	Bus *events.Bus
	// Leases keeps the locks of agents whose WebSocket is open here (L6); the caller runs it.
	Leases *desk.Leases
}

// services are the domain services behind the transports.
type services struct {
	leases   *desk.Leases
	db       *storage.DB
	auth     *auth.Service
	watch    *credentialWatch
	resolver *graph.Resolver
}

func (c *Config) defaults() {
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.MaxDepth == 0 {
		c.MaxDepth = 12
	}
	if c.MaxComplexity == 0 {
		c.MaxComplexity = graph.MaxComplexity
	}
	if c.WSInitTimeout == 0 {
		c.WSInitTimeout = 10 * time.Second
	}
	if c.WSPing == 0 {
		c.WSPing = 15 * time.Second
	}
	if c.AccessLog == nil {
		c.AccessLog = slog.Default()
	}
	if c.SlowRequest == 0 {
		c.SlowRequest = time.Second
	}
	if c.MaxSubscriptionsPerConnection == 0 {
		c.MaxSubscriptionsPerConnection = 100
	}
	c.Limits.defaults()
	if c.CredentialRecheck == 0 {
		c.CredentialRecheck = time.Second
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = 12 * time.Hour
	}
	if c.BacklogFresh == 0 {
		c.BacklogFresh = 10 * time.Second
	}
}

// Handler is the whole HTTP handler.
type Handler struct {
	http.Handler
	sockets *openSockets
}

// Drain starts the server's shutdown (SIGTERM), before the HTTP server's own: /readyz answers 503
// so load balancers stop sending, every WebSocket is closed with 1012 (service restart) so that
// clients reconnect to another instance and resume from their cursors, and new ones are refused.
// It returns when the WebSockets' handlers have ended, or when ctx ends.
func (h *Handler) Drain(ctx context.Context) {
	h.sockets.drain(ctx)
}

// New builds the handler.
func New(cfg Config, deps Deps) *Handler {
	cfg.defaults()
	client := deps.DB.Client
	authn := auth.NewService(client, cfg.SessionTTL, deps.Bus, cfg.Limits.loginLimits())
	svc := services{leases: deps.Leases, db: deps.DB, auth: authn, watch: newCredentialWatch(authn, cfg.CredentialRecheck), resolver: &graph.Resolver{
		Client: client, Auth: authn, Directory: directory.New(client, deps.Bus), Desk: desk.New(deps.DB, deps.Bus), Bus: deps.Bus,
		Webhooks: webhooks.New(deps.DB, deps.Bus, cfg.WebhooksAllowPrivate), Canned: canned.New(client), Search: search.New(deps.DB.Dialect),
	}}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(reg)
	registerDeskMetrics(reg, cfg, deps)

	out := &Handler{sockets: newOpenSockets()}
	mux := http.NewServeMux()
	limit := limitRequests(cfg.Limits)
	mux.Handle("/query", limit(out.sockets.withSocketHolder(failureStatus(authenticate(svc.auth, graphQL(cfg, svc))))))
	rest := http.NewServeMux()
	restRoutes(rest, svc)
	mux.Handle("/v1/", limit(rest))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if out.sockets.draining() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := deps.DB.Ping(ctx); err != nil {
			slog.WarnContext(ctx, "readyz: database unreachable", "err", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("/", spa(cfg.SPA))

	var h http.Handler = mux
	h = limitBody(cfg.MaxBodyBytes, h)
	if len(cfg.CORSOrigins) > 0 { // none: no CORS headers, so browsers keep other origins out
		h = cors.New(cors.Options{
			AllowedOrigins:   cfg.CORSOrigins,
			AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
			AllowedHeaders:   []string{"Authorization", "Content-Type"},
			AllowCredentials: false,
			MaxAge:           600,
		}).Handler(h)
	}
	h = allowedOrigins(cfg.CORSOrigins, h)
	h = m.instrument(h)
	out.Handler = requestLog(cfg.AccessLog, cfg.SlowRequest, h)
	if tracing.Enabled() { // outermost: the request's span is the parent of everything it does
		out.Handler = otelhttp.NewHandler(out.Handler, "http",
			otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }),
			otelhttp.WithFilter(func(r *http.Request) bool { // probes, scrapes and sockets (which last hours) have none
				return r.URL.Path != "/healthz" && r.URL.Path != "/metrics" && r.URL.Path != "/readyz" && r.Header.Get("Upgrade") == ""
			}))
	}
	return out
}

// graphQL assembles gqlgen's handler with explicit transports and limits.
func graphQL(cfg Config, svc services) http.Handler {
	es := graph.NewSchema(svc.resolver)
	srv := handler.New(es)
	// E2: subscriptions are served over WebSocket (graphql-transport-ws); graph/live.go resolves them.
	srv.AddTransport(transport.Websocket{
		InitFunc: wsInit(svc.auth, svc.watch, svc.leases, cfg.MaxSubscriptionsPerConnection),
		CloseFunc: func(ctx context.Context, _ int) {
			if done, ok := ctx.Value(socketEndKey{}).(func()); ok {
				done()
			}
		},
		InitTimeout:           cfg.WSInitTimeout,
		KeepAlivePingInterval: cfg.WSPing,
		Implementation: sockets{coderSockets{AcceptOptions: websocket.AcceptOptions{
			OriginPatterns: originHosts(cfg.CORSOrigins),
		}}},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if !cfg.NoIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(extension.FixedComplexityLimit(cfg.MaxComplexity, graph.ComplexityOptions(es.Schema())...))
	srv.Use(graph.DepthLimit{Max: cfg.MaxDepth})
	if tracing.Enabled() {
		srv.Use(tracing.Extension{})
	}
	srv.AroundRootFields(graph.RequireViewer)
	srv.AroundResponses(noteFailure)
	srv.AroundOperations(holdBackUnavailable)
	if !cfg.UnsharedResponses {
		srv.AroundOperations(graph.ShareOperations)
		srv.AroundResponses(svc.resolver.ShareResponses) // innermost: a shared response still passes the others
	}
	srv.SetErrorPresenter(graph.ErrorPresenter)
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		slog.ErrorContext(ctx, "graphql: panic", "request_id", graph.RequestID(ctx), "panic", p)
		return fault.New(fault.Internal, "internal error: it has been logged with request id %s", graph.RequestID(ctx))
	})
	return srv
}

// wsInit authenticates a WebSocket from connection_init's payload, exactly as SPEC §10 writes it:
// {"authorization": "Bearer <token or key>"}. A missing, misspelt or bad credential closes the
// socket with 4403 and the reason; an outage with 1013, so that the client tries again. The
// credential is then watched: when it ends, the socket closes with 4403 (credentialWatch).
func wsInit(a *auth.Service, watch *credentialWatch, leases *desk.Leases, maxSubs int) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		v, err := wsViewer(ctx, a, p)
		if err != nil {
			f, ok := fault.As(err)
			if ok && f.Code == fault.Unavailable {
				ctx = transport.WithWebsocketCloseCode(ctx, events.CloseTryLater)
				return transport.AppendCloseReason(ctx, "Try again later: the database cannot be reached"), nil, err
			}
			reason := "Forbidden"
			if ok {
				reason += ": " + f.Message
			}
			ctx = transport.WithWebsocketCloseCode(ctx, closeForbidden)
			return transport.AppendCloseReason(ctx, closeReason(reason)), nil, err
		}
		ctx = events.WithConnectionLimit(auth.WithViewer(ctx, v), maxSubs)
		var drop func(int, string)
		if h, ok := ctx.Value(holderKey{}).(*socketHolder); ok {
			drop = h.drop
		}
		unwatch := watch.add(v, drop)
		endLease := leases.Connected(ctx)
		return context.WithValue(ctx, socketEndKey{}, func() { unwatch(); endLease() }), nil, nil
	}
}

// socketEndKey carries what to undo when a connection ends, to CloseFunc.
type socketEndKey struct{}

// wsViewer is the viewer of connection_init's payload p.
func wsViewer(ctx context.Context, a *auth.Service, p transport.InitPayload) (*auth.Viewer, error) {
	raw, present := p["authorization"]
	cred, _ := raw.(string)
	if cred == "" {
		for k := range p {
			if !present && strings.EqualFold(k, "authorization") {
				return nil, fault.New(fault.Unauthenticated, "spell the payload's key \"authorization\", in lower case")
			}
		}
		return nil, fault.New(fault.Unauthenticated, "send {\"authorization\": \"Bearer <token or key>\"} in connection_init")
	}
	v, err := a.AuthenticateNow(ctx, cred)
	if err == nil && v == nil {
		err = fault.ErrUnauthenticated
	}
	return v, err
}

// closeReason cuts reason to the 123 bytes a close frame can carry, on a character boundary.
func closeReason(reason string) string {
	const max = 123
	if len(reason) <= max {
		return reason
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(reason[cut]) {
		cut--
	}
	return reason[:cut]
}

// authenticate resolves the Authorization header into the viewer. No header: no viewer (only
// login and introspection will answer). A bad one: 401 with a GraphQL error body.
func authenticate(a *auth.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := a.Authenticate(r.Context(), r.Header.Get("Authorization"))
		if err != nil {
			f, ok := fault.As(err)
			if !ok {
				slog.ErrorContext(r.Context(), "authenticate", "request_id", graph.RequestID(r.Context()), "err", err)
				f = fault.New(fault.Internal, "internal error")
			}
			status := http.StatusUnauthorized
			if f.Code == fault.Internal {
				status = http.StatusInternalServerError
			}
			writeGraphQLError(w, httpStatus(f, status), f)
			return
		}
		if v != nil {
			r = r.WithContext(auth.WithViewer(r.Context(), v))
			if rec, ok := w.(*recorder); ok {
				rec.workspace, rec.agent = v.WorkspaceID, v.AgentID
			}
		} else {
			r = r.WithContext(auth.WithSignIn(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody rejects bodies over max bytes: at once when Content-Length says so (413), else when
// reading passes the limit.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge,
				fault.New(fault.BadUserInput, "the request body is %d bytes; the limit is %d", r.ContentLength, max))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

func writeGraphQLError(w http.ResponseWriter, status int, f *fault.Error) {
	ext := map[string]any{"code": string(f.Code)}
	for k, v := range f.Extensions {
		ext[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	markRetry(w, status)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": f.Message, "extensions": ext}}})
}

// allowedOrigins refuses, with 403, every request that a browser sent from an origin that is
// neither this server's own nor one of origins, matched exactly (scheme, host and port; "*"
// allows all): SPEC §10. Browsers alone send Origin; other clients are not concerned.
func allowedOrigins(origins []string, next http.Handler) http.Handler {
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[strings.ToLower(strings.TrimSuffix(o, "/"))] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || allowed["*"] || allowed[strings.ToLower(origin)] || sameOrigin(origin, r) {
			next.ServeHTTP(w, r)
			return
		}
		writeGraphQLError(w, http.StatusForbidden, fault.New(fault.Forbidden,
			"requests from the origin %q are not allowed: add it to CORS_ORIGINS", closeReason(origin)))
	})
}

// sameOrigin reports whether origin is the origin r was sent to (its host and port; the scheme
// as the client saw it is unknown behind a proxy that ends TLS).
func sameOrigin(origin string, r *http.Request) bool {
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// originHosts turns CORS origins (https://desk.example.com) into WebSocket origin patterns.
func originHosts(origins []string) []string {
	var out []string
	for _, o := range origins {
		if o == "*" {
			return []string{"*"}
		}
		if _, host, ok := strings.Cut(o, "://"); ok {
			out = append(out, host)
		}
	}
	return out
}

// requestLog gives every request an id and logs one line when it ends, at the level
// Config.AccessLog says.
func requestLog(log *slog.Logger, slow time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r.WithContext(graph.WithRequestID(r.Context(), id)))
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			return
		}
		d := time.Since(start)
		level, msg := slog.LevelDebug, "request"
		switch {
		case rec.status >= 500:
			level, msg = slog.LevelError, "request failed"
		case d >= slow && rec.status != http.StatusSwitchingProtocols:
			level, msg = slog.LevelWarn, "slow request"
		}
		if !log.Enabled(r.Context(), level) {
			return
		}
		log.Log(r.Context(), level, msg, "request_id", id, "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration_ms", d.Milliseconds(), "workspace", rec.workspace, "agent", rec.agent)
	})
}
