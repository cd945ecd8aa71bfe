package httpapi

import (
	"bufio"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// recorder captures the status and the viewer for logs and metrics; it passes through
// hijacking (WebSockets) and flushing.
type recorder struct {
	http.ResponseWriter
	status           int
	workspace, agent int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("httpapi: response does not support hijacking")
	}
	r.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "switchboard_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// route keeps metric labels few: the first path segment.
func route(p string) string {
	switch seg, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/"); seg {
	case "query", "v1", "healthz", "readyz", "metrics":
		return "/" + seg
	}
	return "/"
}

func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, ok := w.(*recorder)
		if !ok {
			rec = &recorder{ResponseWriter: w, status: http.StatusOK}
		}
		start := time.Now()
		next.ServeHTTP(rec, r)
		rt := route(r.URL.Path)
		if rec.status != http.StatusSwitchingProtocols { // a WebSocket's lifetime is not a latency
			m.duration.WithLabelValues(rt).Observe(time.Since(start).Seconds())
		}
		m.requests.WithLabelValues(rt, strconv.Itoa(rec.status)).Inc()
	})
}

const placeholder = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Switchboard</title>
<body style="font-family:system-ui;margin:3rem"><h1>Switchboard</h1>
<p>The API is running at <code>/query</code>. The agent workspace has not been built into this binary:
run <code>make run</code>.</p></body></html>`

// spa serves the built workspace; paths that are not files get index.html (client-side routes).
func spa(files fs.FS) http.Handler {
	if files == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(placeholder))
		})
	}
	static := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p == "" {
			p = "index.html"
		}
		if st, err := fs.Stat(files, p); err != nil || st.IsDir() {
			if path.Ext(p) != "" && p != "index.html" {
				http.NotFound(w, r)
				return
			}
			r = r.Clone(r.Context())
			r.URL.Path = "/"
		}
		if strings.HasPrefix(p, "assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		static.ServeHTTP(w, r)
	})
}
