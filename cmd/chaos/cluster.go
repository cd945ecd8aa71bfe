package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// Postgres is the database: a throw-away cluster of scripts/postgres.sh (fsync off), which the
// command can restart with pg_ctl -m immediate, or one given with -db (not restarted).
type Postgres struct {
	src      string // the repository (scripts/postgres.sh)
	dir      string // the cluster's directory ("" when external)
	bin      string // Postgres's bin directory
	server   string // postgres://… of the server
	dbURL    string // the run's database
	dbName   string
	host     string // host:port
	external bool
	restarts int
}

func startPostgres(ctx context.Context, src, dir, external string) (*Postgres, error) {
	pg := &Postgres{src: src, dir: dir, external: external != ""}
	if external != "" {
		pg.server = external
	} else {
		out, err := exec.CommandContext(ctx, filepath.Join(src, "scripts/postgres.sh"), "start", dir).Output()
		if err != nil {
			return nil, fmt.Errorf("start postgres with scripts/postgres.sh: %w", err)
		}
		pg.server = strings.TrimSpace(string(out))
		bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
		if len(bins) == 0 {
			return nil, fmt.Errorf("no pg_ctl found")
		}
		pg.bin = filepath.Dir(bins[len(bins)-1])
	}
	u, err := url.Parse(pg.server)
	if err != nil {
		return nil, err
	}
	pg.host = u.Host
	admin, err := sql.Open("pgx", pg.server)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	pg.dbName = fmt.Sprintf("chaos_%d", os.Getpid())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pg.dbName); err != nil {
		pg.stop()
		return nil, fmt.Errorf("create database: %w", err)
	}
	// With synchronous_commit off (scripts/postgres.sh's setting) an immediate restart loses the
	// commits of the last moments: Postgres's doing, not the server's. fsync may stay off: a
	// crash of Postgres, not of the machine, leaves what was written in the OS's cache.
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+pg.dbName+" SET synchronous_commit = on"); err != nil {
		pg.stop()
		return nil, fmt.Errorf("synchronous_commit: %w", err)
	}
	u.Path = "/" + pg.dbName
	pg.dbURL = u.String()
	return pg, nil
}

// urlVia is the run's database URL through a proxy on port, naming the client.
func (pg *Postgres) urlVia(port int, app string) string {
	u, _ := url.Parse(pg.dbURL)
	u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	return u.String()
}

func asPostgresUser(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// restart is an immediate restart: in-flight transactions die, the clients' connections break,
// crash recovery runs (same port, same options).
func (pg *Postgres) restart() error {
	if pg.external {
		return fmt.Errorf("an external database is not restarted")
	}
	cmd := asPostgresUser(filepath.Join(pg.bin, "pg_ctl"), "-D", filepath.Join(pg.dir, "data"), "-m", "immediate",
		"-l", filepath.Join(pg.dir, "server.log"), "-w", "-t", "60", "restart")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl restart: %v: %s", err, out)
	}
	pg.restarts++
	return nil
}

func (pg *Postgres) stop() {
	if pg.external {
		if pg.dbName != "" {
			if admin, err := sql.Open("pgx", pg.server); err == nil {
				_, _ = admin.Exec("DROP DATABASE IF EXISTS " + pg.dbName + " WITH (FORCE)")
				admin.Close()
			}
		}
		return
	}
	_ = exec.Command(filepath.Join(pg.src, "scripts/postgres.sh"), "stop", pg.dir).Run()
}

// Instance is one server process.
type Instance struct {
	idx   int
	port  int
	url   string
	proxy *Proxy

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	up      atomic.Bool
	starts  int
	logPath string
}

// Cluster is the server processes.
type Cluster struct {
	bin    string
	env    []string
	pg     *Postgres
	insts  []*Instance
	outDir string
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func newCluster(bin string, pg *Postgres, n int, outDir, adminEmail, adminPass string) (*Cluster, error) {
	c := &Cluster{bin: bin, pg: pg, outDir: outDir}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DATABASE_URL", "ADDR", "SWITCHBOARD_ADMIN_EMAIL", "SWITCHBOARD_ADMIN_PASSWORD", "LOG_LEVEL", "CORS_ORIGINS":
			continue
		}
		c.env = append(c.env, kv)
	}
	c.env = append(c.env, "SWITCHBOARD_ADMIN_EMAIL="+adminEmail, "SWITCHBOARD_ADMIN_PASSWORD="+adminPass, "LOG_LEVEL=warn", "RATE_LIMIT=off")
	for i := 0; i < n; i++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		p, err := newProxy(pg.host)
		if err != nil {
			return nil, err
		}
		c.insts = append(c.insts, &Instance{idx: i, port: port, url: fmt.Sprintf("http://127.0.0.1:%d", port), proxy: p,
			logPath: filepath.Join(outDir, fmt.Sprintf("instance-%d.log", i))})
	}
	return c, nil
}

// start runs instance i (again) and waits until it answers /readyz.
func (c *Cluster) start(i int, wait time.Duration) error {
	in := c.insts[i]
	in.mu.Lock()
	if in.cmd != nil {
		in.mu.Unlock()
		return nil
	}
	logf, err := os.OpenFile(in.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		in.mu.Unlock()
		return err
	}
	cmd := exec.Command(c.bin)
	cmd.Env = append(append([]string{}, c.env...),
		"DATABASE_URL="+c.pg.urlVia(in.proxy.Port(), fmt.Sprintf("chaos-i%d", i)),
		fmt.Sprintf("ADDR=127.0.0.1:%d", in.port))
	cmd.Stdout, cmd.Stderr = logf, logf
	fmt.Fprintf(logf, "\n=== chaos: start %d at %s\n", in.starts+1, time.Now().Format(time.RFC3339Nano))
	if err := cmd.Start(); err != nil {
		logf.Close()
		in.mu.Unlock()
		return err
	}
	in.starts++
	in.cmd = cmd
	exited := make(chan struct{})
	in.exited = exited
	in.mu.Unlock()
	go func() {
		_ = cmd.Wait()
		logf.Close()
		in.up.Store(false)
		in.mu.Lock()
		if in.cmd == cmd {
			in.cmd = nil
		}
		in.mu.Unlock()
		close(exited)
	}()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("instance %d exited at start (see %s)", i, in.logPath)
		default:
		}
		resp, err := http.Get(in.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				in.up.Store(true)
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("instance %d not ready after %s (see %s)", i, wait, in.logPath)
}

// signal sends sig to instance i and waits (up to wait) for it to exit.
func (c *Cluster) signal(i int, sig syscall.Signal, wait time.Duration) error {
	in := c.insts[i]
	in.mu.Lock()
	cmd, exited := in.cmd, in.exited
	in.mu.Unlock()
	if cmd == nil {
		return nil
	}
	in.up.Store(false)
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
		return nil
	case <-time.After(wait):
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("instance %d did not exit within %s of %s: killed", i, wait, sig)
	}
}

// stopAll ends every instance gracefully.
func (c *Cluster) stopAll() {
	var wg sync.WaitGroup
	for i := range c.insts {
		wg.Add(1)
		go func() { defer wg.Done(); _ = c.signal(i, syscall.SIGTERM, 40*time.Second) }()
	}
	wg.Wait()
	for _, in := range c.insts {
		in.proxy.Close()
	}
}

// kill ends every instance at once (an interrupted run).
func (c *Cluster) kill() {
	for _, in := range c.insts {
		in.mu.Lock()
		if in.cmd != nil {
			_ = in.cmd.Process.Kill()
		}
		in.mu.Unlock()
	}
}

// upInstances lists the instances that answer now.
func (c *Cluster) upInstances() []int {
	var out []int
	for i, in := range c.insts {
		if in.up.Load() {
			out = append(out, i)
		}
	}
	return out
}
