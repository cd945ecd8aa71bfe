package attack

import (
	"sort"
	"strings"
	"testing"

	"switchboard/internal/testapi"
)

// The schema as the running server describes it (introspection over HTTP), so that a field added
// to schema/*.graphql joins both matrices without a change here.

type typeRef struct {
	Kind   string
	Name   string
	OfType *typeRef
}

type inputValue struct {
	Name         string
	Type         typeRef
	DefaultValue *string
}

type field struct {
	Name string
	Args []inputValue
	Type typeRef
}

type fullType struct {
	Kind        string
	Name        string
	Fields      []field
	InputFields []inputValue
	EnumValues  []struct{ Name string }
}

type schema struct {
	Query, Mutation, Subscription string
	types                         map[string]*fullType
}

const introspection = `query {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types {
      kind name
      fields(includeDeprecated: true) { name args { name type { ...T } defaultValue } type { ...T } }
      inputFields { name type { ...T } defaultValue }
      enumValues(includeDeprecated: true) { name }
    }
  }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

// introspect reads the schema from the server, anonymously (introspection is public).
func introspect(t testing.TB, s *testapi.Server) *schema {
	t.Helper()
	var out struct {
		Schema struct {
			QueryType, MutationType, SubscriptionType struct{ Name string }
			Types                                     []*fullType
		} `json:"__schema"`
	}
	s.Anonymous().Do(introspection, nil).OK(t).Decode(t, &out)
	sc := &schema{Query: out.Schema.QueryType.Name, Mutation: out.Schema.MutationType.Name,
		Subscription: out.Schema.SubscriptionType.Name, types: map[string]*fullType{}}
	for _, ty := range out.Schema.Types {
		sc.types[ty.Name] = ty
	}
	if sc.types[sc.Mutation] == nil || sc.types[sc.Query] == nil || sc.types[sc.Subscription] == nil {
		t.Fatalf("introspection lacks a root type: %+v", out.Schema)
	}
	return sc
}

// fields lists a root type's fields by name.
func (sc *schema) fields(root string) []field {
	fs := append([]field(nil), sc.types[root].Fields...)
	sort.Slice(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
	return fs
}

// String renders the type as GraphQL writes it ([ID!]!).
func (r typeRef) String() string {
	switch r.Kind {
	case "NON_NULL":
		return r.OfType.String() + "!"
	case "LIST":
		return "[" + r.OfType.String() + "]"
	}
	return r.Name
}

func (r typeRef) nonNull() bool { return r.Kind == "NON_NULL" }

// nullable is the type without its outer NON_NULL.
func (r typeRef) nullable() typeRef {
	if r.Kind == "NON_NULL" {
		return *r.OfType
	}
	return r
}

func (r typeRef) isList() bool { return r.nullable().Kind == "LIST" }

// elem is a list type's element type.
func (r typeRef) elem() typeRef { return *r.nullable().OfType }

// named is the innermost named type.
func (r typeRef) named() typeRef {
	for r.OfType != nil {
		r = *r.OfType
	}
	return r
}

// required: a value must be given (non-null without a default).
func (v inputValue) required() bool { return v.Type.nonNull() && v.DefaultValue == nil }

// selection selects what a field of type r returns: scalars, and objects' scalars and ids down to
// depth levels (fields with required arguments and connections below the top are left out, to
// stay under the complexity limit). Interfaces and unions get __typename and, for Node, id.
func (sc *schema) selection(r typeRef, depth int) string {
	n := r.named()
	ty := sc.types[n.Name]
	switch n.Kind {
	case "SCALAR", "ENUM":
		return ""
	case "INTERFACE", "UNION":
		sel := "__typename"
		for _, f := range ty.Fields {
			if f.Name == "id" {
				sel += " id"
			}
		}
		return "{ " + sel + " }"
	}
	var parts []string
	for _, f := range ty.Fields {
		if hasRequiredArgs(f) {
			continue
		}
		fn := f.Type.named()
		switch fn.Kind {
		case "SCALAR", "ENUM":
			parts = append(parts, f.Name)
			continue
		}
		if depth <= 1 || (strings.HasSuffix(fn.Name, "Connection") && depth < 3) {
			continue
		}
		parts = append(parts, f.Name+" "+sc.selection(f.Type, depth-1))
	}
	if len(parts) == 0 {
		parts = []string{"__typename"}
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

func hasRequiredArgs(f field) bool {
	for _, a := range f.Args {
		if a.required() {
			return true
		}
	}
	return false
}

// operation is a document calling root field f of kind op ("query", "mutation", "subscription")
// with every argument given (the argument names in vars) as a variable of its declared type.
func (sc *schema) operation(op string, f field, vars map[string]any, depth int) string {
	var decl, args []string
	for _, a := range f.Args {
		if _, ok := vars[a.Name]; !ok {
			continue
		}
		decl = append(decl, "$"+a.Name+": "+a.Type.String())
		args = append(args, a.Name+": $"+a.Name)
	}
	var b strings.Builder
	b.WriteString(op)
	if len(decl) > 0 {
		b.WriteString("(" + strings.Join(decl, ", ") + ")")
	}
	b.WriteString(" { " + f.Name)
	if len(args) > 0 {
		b.WriteString("(" + strings.Join(args, ", ") + ")")
	}
	b.WriteString(" " + sc.selection(f.Type, depth) + " }")
	return b.String()
}
