// Package attack holds two test matrices generated from the GraphQL schema, read by introspection
// from a running server: every mutation argument with bad input, and every field against foreign
// and under-privileged callers. New fields join them automatically (STYLE 12); the package has
// tests only.
package attack
