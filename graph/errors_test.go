package graph_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"switchboard/ent"
	"switchboard/ent/schema"
	"switchboard/graph"
	"switchboard/internal/fault"
)

// Both transports name an error's code by Classify: every kind of error the layers below return,
// wrapped or not, gets the same SPEC §9 code from GraphQL's presenter as REST reads from
// Classify, and only what Classify does not know is INTERNAL_SERVER_ERROR.
func TestOneErrorClassifier(t *testing.T) {
	kinds := map[string]struct {
		err  error
		code fault.Code
	}{
		"fault":      {fault.New(fault.Locked, "held"), fault.Locked},
		"no scope":   {schema.ErrNoScope, fault.Unauthenticated},
		"not found":  {&ent.NotFoundError{}, fault.NotFound},
		"constraint": {&ent.ConstraintError{}, fault.Conflict},
		"cancelled":  {context.Canceled, fault.Unavailable},
		"timed out":  {context.DeadlineExceeded, fault.Unavailable},
		"other":      {errors.New("disk on fire"), fault.Internal},
	}
	for name, k := range kinds {
		for _, wrapped := range []bool{false, true} {
			err := k.err
			if wrapped {
				err = fmt.Errorf("load conversation: %w", err)
			}
			f, ok := graph.Classify(err)
			rest := fault.Internal
			if ok {
				rest = f.Code
			}
			gql := graph.ErrorPresenter(context.Background(), err).Extensions["code"]
			if rest != k.code || gql != string(k.code) {
				t.Errorf("%s (wrapped %v): REST %s, GraphQL %v, want %s", name, wrapped, rest, gql, k.code)
			}
		}
	}
}
