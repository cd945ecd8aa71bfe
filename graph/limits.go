package graph

import (
	"context"
	"encoding/json"
	"math"
	"strings"

	"github.com/99designs/gqlgen/complexity"
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

// pagedComplexity counts a list field's selections once per item it may return, so that the
// complexity limit sees what a query costs: a connection's first or last (defaultPage when it
// names neither), a field's first (history), or the ids of nodes. Other fields cost 1 plus their
// selections, as in gqlgen.
type pagedComplexity struct{ graphql.ExecutableSchema }

// Complexity implements graphql.ExecutableSchema.
func (p pagedComplexity) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	if c, ok := p.ExecutableSchema.Complexity(ctx, typeName, field, child, args); ok {
		return c, true
	}
	items := 1
	def := p.Schema().Types[typeName]
	if def == nil {
		return 0, false
	}
	fd := def.Fields.ForName(field)
	if fd == nil {
		return 0, false
	}
	if ids, ok := args["ids"].([]any); ok {
		items = len(ids)
	} else if fd.Arguments.ForName("first") != nil || fd.Arguments.ForName("last") != nil {
		items = defaultPage
		first, hasFirst := count(args["first"])
		last, hasLast := count(args["last"])
		if hasFirst || hasLast {
			items = max(first, last)
		}
	}
	items = min(max(items, 1), MaxPage+1) // more than MaxPage is refused anyway
	if child > (math.MaxInt32-1)/items {
		return math.MaxInt32, true // never wraps round to a small cost
	}
	return 1 + items*child, true
}

// count reads a page-size argument as the operation gave it (a literal or a variable); false
// when it gave none.
func count(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// ComplexityOptions are the complexity options of schema: __typename, which clients such as urql
// add to every selection set and which costs nothing to answer, is not counted.
func ComplexityOptions(schema *ast.Schema) []complexity.Option {
	free := map[string]struct{}{}
	for name := range schema.Types {
		free[name+".__typename"] = struct{}{}
	}
	return []complexity.Option{complexity.WithIgnoreFields(free)}
}

// MaxComplexity is the default complexity limit of an operation: every page of every list
// counted (pagedComplexity).
const MaxComplexity = 5000
