// Package graph is the GraphQL transport: thin resolvers that read the viewer, call one domain
// function and map the result (STYLE 3). Errors are presented by errors.go.
package graph

import (
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"switchboard/ent"
	"switchboard/internal/auth"
	"switchboard/internal/canned"
	"switchboard/internal/desk"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/search"
	"switchboard/internal/webhooks"
)

// Resolver holds the dependencies every resolver needs.
type Resolver struct {
	Client    *ent.Client
	Auth      *auth.Service
	Directory *directory.Directory
	Desk      *desk.Desk
	Bus       *events.Bus
	Webhooks  *webhooks.Service
	Canned    *canned.Service
	Search    search.Index

	liveOnce  sync.Once
	liveCache *liveCaches
}

// NewSchema returns the executable schema over r, its complexity counting list pages.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	return pagedComplexity{NewExecutableSchema(Config{Resolvers: r})}
}
