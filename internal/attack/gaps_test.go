package attack

import "strings"

// knownGaps are cases the matrices find that need a fix outside the domain packages (in
// internal/auth, internal/httpapi, graph/errors.go …); each is skipped, by its key, until the fix
// lands: remove the entry with the fix. Keys: "<mutation> <argument path> <bad value>" for the
// bad-input matrix ("*" for any mutation or path), "<field> <caller>" for the isolation matrix.
var knownGaps = map[string]string{
	"* * raw control bytes": "a body that is not JSON (a raw control byte inside a string) is answered " +
		"INTERNAL_SERVER_ERROR (HTTP 200): gqlgen's POST transport reports 'json request body could not be decoded' " +
		"without a code; graph/errors.go (or httpapi) should present it as BAD_USER_INPUT with HTTP 400",
	"login email control characters": "login with an email containing NUL is INTERNAL_SERVER_ERROR on Postgres: " +
		"auth.Login looks the email up (agent.Email(email)) and Postgres refuses a NUL in a query parameter " +
		"(SQLSTATE 22021); internal/auth should refuse it first as UNAUTHENTICATED (no such sign-in) or BAD_USER_INPUT " +
		"(schema.Storable says which strings Postgres takes)",
}

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
