package schema

import (
	"context"
	"errors"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"switchboard/ent/intercept"
	"switchboard/internal/tenant"
)

// ErrNoScope is returned by any query made without a workspace (or system) scope in its context:
// a query that could read across tenants by accident fails instead.
var ErrNoScope = errors.New("tenant: query without workspace scope")

// Interceptors of the Tenant mixin.
func (Tenant) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{scopeTo("workspace_id")}
}

// scopeTo filters every traversal by the context's workspace on column col.
func scopeTo(col string) ent.Interceptor {
	return intercept.TraverseFunc(func(ctx context.Context, q intercept.Query) error {
		id, system, ok := tenant.From(ctx)
		switch {
		case !ok:
			return ErrNoScope
		case system:
			return nil
		}
		q.WhereP(sql.FieldEQ(col, id))
		return nil
	})
}
