package metrics

import (
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// version and revision are set at link time by `make image` (deploy/image/build.sh):
//
//	-ldflags "-X switchboard/internal/metrics.version=$(git describe --always --dirty) -X switchboard/internal/metrics.revision=$(git rev-parse HEAD)"
//
// Unset (go build, go run, go test), they come from the build information Go stamps from the
// repository, or are "unknown".
var version, revision string

// Version is the server's version: `git describe --always --dirty` of the tree it was built from.
func Version() string { return version }

// Revision is the commit the server was built from.
func Revision() string { return revision }

func init() {
	info, ok := debug.ReadBuildInfo()
	if ok && version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	if ok && revision == "" {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	if version == "" {
		version = "unknown"
	}
	if revision == "" {
		revision = "unknown"
	}
	buildInfo = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "switchboard_build_info",
		Help:        "Always 1; its labels say which build serves: version (git describe), revision (commit) and the Go version.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": runtime.Version()},
	}, func() float64 { return 1 })
}

// buildInfo is switchboard_build_info, made in init once version and revision are known.
var buildInfo prometheus.GaugeFunc
