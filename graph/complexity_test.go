package graph_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"switchboard/graph"
)

// operationsFile holds every operation the workspace sends.
const operationsFile = "../frontend/src/api/operations.ts"

// frontendOperations parses every operation of the workspace against the schema, each with the
// fragments it spreads.
func frontendOperations(t *testing.T, schema *ast.Schema) *ast.QueryDocument {
	t.Helper()
	src, err := os.ReadFile(operationsFile)
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, m := range regexp.MustCompile("graphql\\(`([^`]*)`\\)").FindAllStringSubmatch(string(src), -1) {
		docs = append(docs, m[1])
	}
	if len(docs) < 10 {
		t.Fatalf("found %d operations in %s: has its form changed?", len(docs), operationsFile)
	}
	doc, errs := gqlparser.LoadQueryWithRules(schema, strings.Join(docs, "\n"), nil)
	if errs != nil {
		t.Fatalf("the workspace's operations do not validate: %v", errs)
	}
	for _, op := range doc.Operations {
		withTypename(schema, op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		f.SelectionSet = append(f.SelectionSet, typename(schema, f.Definition))
		withTypename(schema, f.SelectionSet)
	}
	return doc
}

// withTypename adds __typename to every selection set below set, as urql sends operations.
func withTypename(schema *ast.Schema, set ast.SelectionSet) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) > 0 {
				s.SelectionSet = append(s.SelectionSet, typename(schema, schema.Types[s.Definition.Type.Name()]))
				withTypename(schema, s.SelectionSet)
			}
		case *ast.InlineFragment:
			withTypename(schema, s.SelectionSet)
		}
	}
}

func typename(schema *ast.Schema, on *ast.Definition) *ast.Field {
	return &ast.Field{Name: "__typename", Alias: "__typename", ObjectDefinition: on,
		Definition: &ast.FieldDefinition{Name: "__typename", Type: ast.NonNullNamedType("String", nil)}}
}

// worstCase gives every Int variable the largest page a client may ask for.
func worstCase(op *ast.OperationDefinition) map[string]any {
	vars := map[string]any{}
	for _, v := range op.VariableDefinitions {
		if v.Type.Name() == "Int" {
			vars[v.Variable] = int64(graph.MaxPage)
		}
	}
	return vars
}

// SPEC §10: the complexity limit counts each page of a list, so a query that asks a hundred
// conversations for a hundred messages each is refused, yet every operation the workspace sends
// fits, even with its variables at the largest page.
func TestComplexityCountsPages(t *testing.T) {
	es := graph.NewSchema(&graph.Resolver{})
	doc := frontendOperations(t, es.Schema())
	ctx := context.Background()
	highest := 0
	for _, op := range doc.Operations {
		c := complexity.Calculate(ctx, es, op, worstCase(op), graph.ComplexityOptions(es.Schema())...)
		t.Logf("%-28s %5d", op.Name, c)
		if c > graph.MaxComplexity {
			t.Errorf("the workspace's %s costs %d at its largest: over the limit of %d", op.Name, c, graph.MaxComplexity)
		}
		highest = max(highest, c)
	}
	t.Logf("%d operations of the workspace, the costliest %d, the limit %d", len(doc.Operations), highest, graph.MaxComplexity)

	for _, q := range []string{
		`{conversations(first:100){edges{node{messages(first:100){edges{node{id createdAt}}}}}}}`,
		`{conversations(last:100){edges{node{messages(last:100){edges{node{id}}}}}}}`,
		`{agents{edges{node{id conversations: id}}} conversations{edges{node{messages{edges{node{id}}}}}}}`,
		`query($n:Int){conversations(first:$n){edges{node{messages(first:$n){edges{node{id}}}}}}}`,
		`{conversations(first:2147483647){edges{node{messages(first:2147483647){edges{node{messages: id}}}}}}}`,
	} {
		qd, errs := gqlparser.LoadQueryWithRules(es.Schema(), q, nil)
		if errs != nil {
			t.Fatalf("%s: %v", q, errs)
		}
		op := qd.Operations[0]
		if c := complexity.Calculate(ctx, es, op, worstCase(op), graph.ComplexityOptions(es.Schema())...); c <= graph.MaxComplexity {
			t.Errorf("%s costs %d: want it over the limit of %d", q, c, graph.MaxComplexity)
		}
	}
}
