package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"switchboard/internal/storage"
)

// scaleServer is one process of the real server binary.
type scaleServer struct {
	url string
	// debug serves the server's profiles (DEBUG_ADDR).
	debug string
	cmd   *exec.Cmd
	log   string
	done  chan struct{}
}

// buildServer builds the server binary into dir (from the repository root, as cmd/chaos does).
func buildServer(dir string) (string, error) {
	bin := filepath.Join(dir, "switchboard")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build (run from the repository root): %v\n%s", err, out)
	}
	return bin, nil
}

// startServer runs the binary on a free loopback port against dbURL, with the rate limits off
// (RATE_LIMIT=off: one client address opens every connection and drives every change), and waits
// for /readyz.
func startServer(bin, dir, dbURL string, i int) (*scaleServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	debugPort, err := freePort()
	if err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DATABASE_URL", "DATABASE_DIRECT_URL", "ADDR", "SWITCHBOARD_ADMIN_EMAIL", "SWITCHBOARD_ADMIN_PASSWORD", "LOG_LEVEL", "RATE_LIMIT", "MIGRATE", "DEBUG_ADDR":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "DATABASE_URL="+dbURL, fmt.Sprintf("ADDR=127.0.0.1:%d", port), "RATE_LIMIT=off", "LOG_LEVEL=warn",
		fmt.Sprintf("DEBUG_ADDR=127.0.0.1:%d", debugPort))
	logPath := filepath.Join(dir, fmt.Sprintf("server-%d.log", i))
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	// The servers die with the benchmark, however it ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &scaleServer{url: fmt.Sprintf("http://127.0.0.1:%d", port), debug: fmt.Sprintf("http://127.0.0.1:%d", debugPort), cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logf.Close(); close(s.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return nil, fmt.Errorf("server %d exited at start: %s", i, tail(logPath))
		default:
		}
		if resp, err := http.Get(s.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("server %d not ready after 60s: %s", i, tail(logPath))
}

// stop ends the server: SIGTERM, then SIGKILL after 15 s.
func (s *scaleServer) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func (s *scaleServer) pid() int { return s.cmd.Process.Pid }

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// procCPU is the user and system time process pid used so far.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * (time.Second / clockTicks)
}

// procRSS is process pid's resident set, in bytes.
func procRSS(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// scrape reads a server's /metrics: each metric's value summed over its labels.
func scrape(base string) map[string]float64 {
	out := map[string]float64{}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		name := line[:sp]
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name = name[:i]
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		out[name] += v
	}
	return out
}

// procRunWait is how long process pid's threads have waited for a processor while runnable
// (/proc/<pid>/task/*/schedstat, second field): on a machine with fewer cores than runnable
// threads, the time a server could not run.
func procRunWait(pid int) time.Duration {
	stats, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var sum time.Duration
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) >= 2 {
			ns, _ := strconv.ParseInt(f[1], 10, 64)
			sum += time.Duration(ns)
		}
	}
	return sum
}

// postmaster is the process id of the Postgres server db is connected to, when it runs on this
// machine (the parent of a backend), else 0.
func postmaster(ctx context.Context, db *storage.DB) int {
	var backend int
	if db.SQL.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&backend) != nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", backend))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// clusterCPU is the processor time used so far by the Postgres server pm and its processes
// (only this benchmark's Postgres: other Postgres servers on the machine are not counted).
func clusterCPU(pm int) time.Duration {
	if pm == 0 {
		return 0
	}
	total := procCPU(pm)
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 13 || f[1] != strconv.Itoa(pm) {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * (time.Second / clockTicks)
	}
	return total
}

// freePort is a loopback port nothing listens on (as long as nothing takes it first).
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// collect has the server run a garbage collection (a heap profile with gc=1 does), so that its
// metrics report the live heap as it is now.
func (s *scaleServer) collect() error {
	resp, err := http.Get(s.debug + "/debug/pprof/heap?gc=1")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("heap profile: %s", resp.Status)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// profile saves a CPU profile of the server over the next d into path.
func (s *scaleServer) profile(path string, d time.Duration) error {
	resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", s.debug, max(1, int(d.Seconds()))))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
