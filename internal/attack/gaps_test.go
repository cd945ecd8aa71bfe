package attack

import "strings"

// knownGaps are cases the matrices find that need a fix outside the domain packages (in
// internal/auth, internal/httpapi, graph/errors.go …); each is skipped, by its key, until the fix
// lands: remove the entry with the fix. Keys: "<mutation> <argument path> <bad value>" for the
// bad-input matrix ("*" for any mutation or path), "<field> <caller>" for the isolation matrix.
var knownGaps = map[string]string{}

// gap finds the knownGaps entry for a bad-input case.
func gap(mutation string, path []string, value string) (string, bool) {
	p := strings.Join(path, ".")
	for _, k := range []string{mutation + " " + p + " " + value, mutation + " * " + value, "* * " + value} {
		if _, ok := knownGaps[k]; ok {
			return k, true
		}
	}
	return "", false
}
