package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"switchboard/internal/auth"
	"switchboard/internal/fault"
)

const codeDepthLimit = "DEPTH_LIMIT_EXCEEDED"

// DepthLimit rejects operations whose selections nest deeper than Max (introspection fields are
// not counted, so tools can still read the schema).
type DepthLimit struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = DepthLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (DepthLimit) ExtensionName() string { return "DepthLimit" }

// Validate implements graphql.HandlerExtension.
func (DepthLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (d DepthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, 0); depth > d.Max {
		err := gqlerror.Errorf("the query nests %d levels deep; the limit is %d: ask for less at once", depth, d.Max)
		err.Extensions = map[string]any{"code": codeDepthLimit}
		return err
	}
	return nil
}

// selectionDepth is the deepest field nesting under set. Fragment cycles were rejected by
// validation already; the guard on level only bounds pathological inputs.
func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, level int) int {
	if level > 64 {
		return level
	}
	deepest := level
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = selectionDepth(s.SelectionSet, frags, level+1)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, level)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, frags, level)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// publicFields may be resolved without credentials.
var publicFields = map[string]bool{"login": true, "__schema": true, "__type": true, "__typename": true}

// RequireViewer is a root-field middleware: every root field but login and introspection needs an
// authenticated viewer. Resolvers check roles on top of this.
func RequireViewer(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	if auth.ViewerFrom(ctx) == nil && !publicFields[graphql.GetRootFieldContext(ctx).Field.Name] {
		graphql.AddError(ctx, fault.ErrUnauthenticated)
		return graphql.Null
	}
	return next(ctx)
}
