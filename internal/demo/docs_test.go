package demo_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"switchboard/internal/demo"
	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// The example session of docs/api.md (its first two shell blocks: GraphQL, then REST with a
// human agent's key) runs as written against the demo data, with curl and jq, and every step
// answers: a newcomer who pastes it gets what it says.
func TestAPIDocsSessionRuns(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: scripts/install.sh test installs it", tool)
		}
	}
	src, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(src), 2)
	if len(blocks) < 2 {
		t.Fatalf("docs/api.md has %d shell blocks, want the session and the REST example", len(blocks))
	}
	db := testdb.Open(t)
	if _, err := demo.Seed(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	s := testapi.NewOn(t, db, httpapi.Config{})
	host := strings.TrimPrefix(s.URL, "http://")
	var script strings.Builder
	// Every command that answers is checked: no GraphQL errors, no REST error, no empty variable.
	script.WriteString(`set -euo pipefail
check() { if [ -z "$1" ] || [ "$1" = null ] || grep -q '"error' <<<"$1"; then echo "FAILED: $1" >&2; exit 1; fi; }
`)
	for _, b := range blocks {
		for _, line := range strings.Split(b[1], "\n") {
			line = strings.ReplaceAll(line, "localhost:8080", host)
			switch {
			case strings.HasPrefix(line, "gql ") || strings.HasPrefix(line, "TOKEN=$KEY gql ") || strings.HasPrefix(line, "curl "):
				script.WriteString("out=$(" + line + "); echo \"$out\"; check \"$out\"\n")
			case regexp.MustCompile(`^[A-Z_]+=\$\(`).MatchString(line):
				script.WriteString(line + "\n" + "check \"$" + line[:strings.Index(line, "=")] + "\"\n")
			default:
				script.WriteString(line + "\n")
			}
		}
	}
	out, err := exec.Command("bash", "-c", script.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("the session of docs/api.md failed: %v\n%s\nscript:\n%s", err, out, script.String())
	}
	for _, want := range []string{`"ingestCustomerMessage"`, `"ownership":"CLAIMED_BY_ME"`, `"logout":true`} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("the session's output lacks %s:\n%s", want, out)
		}
	}
}
