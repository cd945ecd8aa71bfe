// Package ent is generated from ent/schema by entc; generate.go is the one generator of the
// repository: entc (with entgql) first, then gqlgen over schema/*.graphql.
package ent

//go:generate go run -mod=mod entc.go
//go:generate sh -c "cd .. && go tool gqlgen generate"
