// Command switchboard serves the conversation desk: GraphQL over HTTP and WebSocket at /query,
// health and metrics, and the agent workspace at /. Configuration comes from flags and the
// environment (README "Configuration"), read once here and passed down.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"switchboard/frontend"
	"switchboard/graph"
	"switchboard/internal/demo"
	"switchboard/internal/desk"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/httpapi"
	"switchboard/internal/metrics"
	"switchboard/internal/storage"
	"switchboard/internal/tracing"
	"switchboard/internal/workers"
)

type config struct {
	addr, databaseURL     string
	directURL             string
	corsOrigins           []string
	adminEmail, adminPass string
	workspaceName         string
	sessionTTL            time.Duration
	slowRequest           time.Duration
	introspection         bool
	limits                httpapi.Limits
	demo                  bool
	migrate               bool
	logLevel              slog.Level
	webhooksAllowPrivate  bool
	debugAddr             string
}

func readConfig(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("switchboard", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", env("ADDR", ":8080"), "listen address (ADDR)")
	fs.StringVar(&c.databaseURL, "database-url", os.Getenv("DATABASE_URL"), "postgres://… or sqlite://path; empty: ./switchboard.db (DATABASE_URL)")
	fs.StringVar(&c.directURL, "database-direct-url", os.Getenv("DATABASE_DIRECT_URL"), "behind PgBouncer (transaction pooling): a postgres:// URL that bypasses it, for LISTEN and the migrations' lock (DATABASE_DIRECT_URL)")
	fs.BoolVar(&c.demo, "demo", false, "fill in a demo workspace and print its logins")
	fs.BoolVar(&c.migrate, "migrate", env("MIGRATE", "") == "auto", "apply pending migrations to an existing Postgres database at start (MIGRATE=auto); SQLite and new databases are always migrated")
	cors := fs.String("cors-origins", os.Getenv("CORS_ORIGINS"), "comma-separated browser origins allowed to call the API (CORS_ORIGINS)")
	ttl := fs.Duration("session-ttl", durationEnv("SESSION_TTL", 12*time.Hour), "how long a sign-in lasts (SESSION_TTL)")
	fs.BoolVar(&c.introspection, "introspection", env("INTROSPECTION", "true") != "false", "answer introspection queries; false in production (INTROSPECTION)")
	rateLimit := fs.String("rate-limit", env("RATE_LIMIT", "on"), "on, or off to turn every rate limit off (RATE_LIMIT)")
	fs.Float64Var(&c.limits.PerCredential.PerSecond, "rate-limit-rps", floatEnv("RATE_LIMIT_RPS", 50), "HTTP requests per second per session or API key, per instance (RATE_LIMIT_RPS)")
	fs.IntVar(&c.limits.PerCredential.Burst, "rate-limit-burst", intEnv("RATE_LIMIT_BURST", 200), "bursts of HTTP requests per session or API key (RATE_LIMIT_BURST)")
	fs.BoolVar(&c.limits.TrustForwardedFor, "trust-forwarded-for", env("TRUST_FORWARDED_FOR", "false") == "true", "take the client's address from X-Forwarded-For; only behind a proxy that sets it (TRUST_FORWARDED_FOR)")
	fs.BoolVar(&c.webhooksAllowPrivate, "webhooks-allow-private", env("WEBHOOKS_ALLOW_PRIVATE", "false") == "true", "let webhooks target loopback, private and link-local addresses (WEBHOOKS_ALLOW_PRIVATE)")
	level := fs.String("log-level", env("LOG_LEVEL", "info"), "debug (adds a line per request), info, warn or error (LOG_LEVEL)")
	fs.StringVar(&c.debugAddr, "debug-addr", os.Getenv("DEBUG_ADDR"), "serve Go's profiles (/debug/pprof/) on this address, apart from the API; empty: nowhere. Keep it on loopback or a private network (DEBUG_ADDR)")
	fs.DurationVar(&c.slowRequest, "slow-request", durationEnv("SLOW_REQUEST", time.Second), "log requests slower than this at warn (SLOW_REQUEST)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	for _, o := range strings.Split(*cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.corsOrigins = append(c.corsOrigins, o)
		}
	}
	c.sessionTTL = *ttl
	switch *rateLimit {
	case "on":
	case "off":
		c.limits.Off = true
	default:
		return c, fmt.Errorf("rate limit: %q is neither on nor off", *rateLimit)
	}
	if !c.limits.Off && (c.limits.PerCredential.PerSecond <= 0 || c.limits.PerCredential.Burst < 1) {
		return c, fmt.Errorf("rate limit: %g per second with bursts of %d: both must be positive", c.limits.PerCredential.PerSecond, c.limits.PerCredential.Burst)
	}
	c.adminEmail, c.adminPass = os.Getenv("SWITCHBOARD_ADMIN_EMAIL"), os.Getenv("SWITCHBOARD_ADMIN_PASSWORD")
	c.workspaceName = env("SWITCHBOARD_WORKSPACE_NAME", "Switchboard")
	if err := c.logLevel.UnmarshalText([]byte(*level)); err != nil {
		return c, fmt.Errorf("log level: %w", err)
	}
	return c, nil
}

// summary is the configuration for the start-up log line, without secrets: the database URL's
// password is masked, the admin's password left out.
func (c config) summary() []any {
	db, direct := redacted(c.databaseURL), redacted(c.directURL)
	if db == "" {
		db = "sqlite (./switchboard.db)"
	}
	rate := "off"
	if !c.limits.Off {
		rate = fmt.Sprintf("%g/s, bursts of %d", c.limits.PerCredential.PerSecond, c.limits.PerCredential.Burst)
	}
	return []any{"addr", c.addr, "database", db, "database_direct", direct, "migrate", c.migrate, "log_level", c.logLevel.String(),
		"slow_request", c.slowRequest.String(), "cors_origins", c.corsOrigins, "introspection", c.introspection,
		"rate_limit", rate, "trust_forwarded_for", c.limits.TrustForwardedFor, "session_ttl", c.sessionTTL.String(),
		"webhooks_allow_private", c.webhooksAllowPrivate, "debug_addr", c.debugAddr, "demo", c.demo, "admin_email", c.adminEmail}
}

// redacted is a URL with its password masked.
func redacted(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	return raw
}

// directURL is the storage option for DATABASE_DIRECT_URL, none when it is unset.
func directURL(u string) []storage.Option {
	if u == "" {
		return nil
	}
	return []storage.Option{storage.WithDirectURL(u)}
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func floatEnv(key string, def float64) float64 {
	if f, err := strconv.ParseFloat(os.Getenv(key), 64); err == nil {
		return f
	}
	return def
}

func intEnv(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

func durationEnv(key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return def
}

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "--version" || os.Args[1] == "-version") {
		fmt.Printf("switchboard %s (revision %s, %s)\n", metrics.Version(), metrics.Revision(), runtime.Version())
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "migrate" {
		if err := migrateCommand(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "switchboard migrate:", err)
			os.Exit(1)
		}
		return
	}
	httpapi.TuneGC()
	cfg, err := readConfig(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	httpapi.TuneProcs(cfg.databaseURL)
	slog.SetDefault(slog.New(tracing.LogHandler{Handler: slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.logLevel}), RequestID: graph.RequestID}))
	if err := run(cfg); err != nil {
		slog.Error("switchboard stopped", "err", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	slog.Info("starting", cfg.summary()...)
	// Before the database and the handler are built: they install their spans when it is on.
	stopTracing, err := tracing.Setup(ctx, "switchboard", instanceName())
	if err != nil {
		return fmt.Errorf("tracing: %w", err)
	}
	defer func() { _ = stopTracing(context.Background()) }()
	if tracing.Enabled() {
		slog.Info("tracing: exporting spans over OTLP")
	}
	db, err := storage.Open(ctx, cfg.databaseURL, directURL(cfg.directURL)...)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.MigrateAtStart(ctx, cfg.migrate); err != nil {
		return err
	}
	bus := events.NewBus(db.Client, db.URL)
	// The bus and the workers stop after the drain, not at the signal: a bus that stopped first
	// would end every subscription, and gqlgen would tell each client "complete" before the drain's
	// 1012 could tell it to reconnect.
	work, stopWork := context.WithCancel(context.Background())
	defer stopWork()
	go bus.Run(work)
	dir := directory.New(db.Client, bus)
	if cfg.adminEmail != "" {
		created, err := dir.Bootstrap(ctx, cfg.workspaceName, cfg.adminEmail, cfg.adminPass)
		if err != nil {
			return fmt.Errorf("bootstrap admin: %w", err)
		}
		if created {
			slog.Info("created the first workspace and its admin", "email", cfg.adminEmail)
		}
	}
	if cfg.demo {
		if _, err := demo.Seed(ctx, db); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}

	leases := desk.NewLeases(desk.New(db, bus))
	h := httpapi.New(httpapi.Config{CORSOrigins: cfg.corsOrigins, SPA: spaFiles(), SessionTTL: cfg.sessionTTL, NoIntrospection: !cfg.introspection, Limits: cfg.limits, SlowRequest: cfg.slowRequest,
		WebhooksAllowPrivate: cfg.webhooksAllowPrivate}, httpapi.Deps{DB: db, Bus: bus, Leases: leases})

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	// Cancelling base ends every request context, after the drain has closed the WebSockets.
	base, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	if cfg.debugAddr != "" {
		stopDebug, err := serveDebug(cfg.debugAddr)
		if err != nil {
			return fmt.Errorf("debug address: %w", err)
		}
		defer stopDebug()
	}
	workers.Start(work, workers.Production(instanceName(), cfg.webhooksAllowPrivate), db, bus, leases)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	announce(ln.Addr().String(), cfg)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: closing live connections, finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h.Drain(sctx)
	err = srv.Shutdown(sctx)
	cancelBase()
	stopWork()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// spaFiles returns the built workspace, or nil when the binary was built without it.
func spaFiles() fs.FS {
	sub, err := fs.Sub(frontend.Dist, "dist/app")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}

// announce prints where to go and, with --demo, who to sign in as.
func announce(addr string, cfg config) {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	url := "http://" + net.JoinHostPort(host, port)
	slog.Info("listening", "url", url, "gomaxprocs", runtime.GOMAXPROCS(0))
	var b strings.Builder
	fmt.Fprintf(&b, "\nSwitchboard is running at %s  (GraphQL: %s/query)\n", url, url)
	if cfg.demo {
		fmt.Fprintf(&b, "Demo logins (password %q):\n", demo.Password)
		for _, l := range demo.Logins() {
			fmt.Fprintf(&b, "  %-20s %-16s %s\n", l.Email, l.Role, l.Name)
		}
	}
	if cfg.adminEmail != "" {
		fmt.Fprintf(&b, "Admin: %s (password from SWITCHBOARD_ADMIN_PASSWORD)\n", cfg.adminEmail)
	}
	fmt.Fprintln(os.Stdout, b.String())
}

// instanceName names this process in the timers it fires.
func instanceName() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s-%d", h, os.Getpid())
}

// serveDebug serves Go's profiles on addr, a listener of their own so that the API's address never
// exposes them; not the command line, which may hold a database password.
func serveDebug(addr string) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	slog.Info("debug: serving profiles", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return func() { _ = srv.Close() }, nil
}
