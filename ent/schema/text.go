package schema

import (
	"context"
	"strings"
	"unicode/utf8"

	"entgo.io/ent"

	"switchboard/internal/fault"
)

// storableText refuses, on every write, a string (alone, in a list or inside a JSON map) that a
// column cannot hold on each database the server runs on: Postgres stores no NUL character (in
// text, nor as \u0000 in jsonb) and no invalid UTF-8, and would fail the write with an error the
// client could only see as an internal one. Checking every mutation here, rather than each input
// where it is validated, leaves no path that stores a client's text without it (SPEC §9: such
// input is BAD_USER_INPUT; found by internal/attack's bad-input matrix on Postgres).
func storableText() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			for _, name := range m.Fields() {
				v, _ := m.Field(name)
				if !Storable(v) {
					return nil, fault.Invalid(name, "contains a NUL character or invalid UTF-8, which cannot be stored: remove it")
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// Storable reports whether every string in v (a string, a list, a JSON map) is valid UTF-8
// without NUL. Code that looks a client's string up before storing it asks it first (a query
// parameter with NUL fails on Postgres as a write would).
func Storable(v any) bool {
	switch x := v.(type) {
	case string:
		return utf8.ValidString(x) && !strings.ContainsRune(x, 0)
	case *string:
		return x == nil || Storable(*x)
	case []string:
		for _, s := range x {
			if !Storable(s) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !Storable(e) {
				return false
			}
		}
	case map[string]any:
		for k, e := range x {
			if !Storable(k) || !Storable(e) {
				return false
			}
		}
	}
	return true
}

// Hooks of the Tenant mixin: every row of a workspace.
func (Tenant) Hooks() []ent.Hook { return []ent.Hook{storableText()} }
