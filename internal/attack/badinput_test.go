package attack

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// bad is one bad value for one place.
type bad struct {
	name  string
	value any
}

// bodyLimit is the server's request body bound (httpapi.Config.MaxBodyBytes' default).
const bodyLimit = 1 << 20

// bigString is as long as fits under the body limit with the rest of a request: it reaches the
// resolver. hugeString is over the limit: the transport answers 413.
var (
	bigString  = strings.Repeat("a", bodyLimit-32<<10)
	hugeString = strings.Repeat("a", bodyLimit+1)
)

// TestBadInput is matrix 1 (issue 18): every argument of every mutation, recursing into input
// objects and lists, gets each bad value of its type while every other argument stays valid. Every
// answer is under 500 with codes of SPEC §9, and an answer with an error wrote nothing.
func TestBadInput(t *testing.T) {
	t.Parallel()
	start := time.Now()
	w := newWorld(t)
	tabs := tables(t, w.s.DB.SQL)
	m := &badMatrix{w: w, types: map[int64]string{}}
	var mutations, args, values int
	skipped := map[string]int{}
	for _, f := range w.sc.fields(w.sc.Mutation) {
		build, ok := valid[f.Name]
		if !ok {
			t.Errorf("mutation %s: no valid call to build its bad ones from: add it to valid (calls_test.go)", f.Name)
			continue
		}
		mutations++
		c := build(w)
		doc := w.sc.operation("mutation", f, allArgs(f), 2)
		if r := send(c.as, doc, c.vars); len(r.Errors) > 0 || r.Status != 200 {
			t.Errorf("mutation %s: the valid call fails, so its bad ones prove nothing: fix valid (calls_test.go): HTTP %d %s",
				f.Name, r.Status, short(r.Raw))
			continue
		}
		c = build(w)
		before := takeDigest(t, w.s, tabs, nil)
		for _, p := range m.places(f.Args, c.vars, nil) {
			args++
			for _, b := range p.bads {
				key := f.Name + " " + strings.Join(p.path, ".") + " " + b.name
				if k, ok := gap(f.Name, p.path, b.name); ok {
					skipped[k]++
					continue
				}
				values++
				vars := withValue(c.vars, p.path, b.value)
				r := send(c.as, doc, vars)
				for _, p := range answerProblems(r) {
					t.Errorf("%s: %s: %s", key, p, short(r.Raw))
				}
				if len(r.Errors) == 0 {
					c = build(w) // it took: start again from a valid state
					before = takeDigest(t, w.s, tabs, nil)
					continue
				}
				if after := takeDigest(t, w.s, tabs, nil); after.diff(before) != "" {
					t.Errorf("%s: answered %s but wrote %s", key, r.Code(), before.diff(after))
					before = after
				}
			}
		}
	}
	for k, n := range skipped {
		t.Logf("known gap, %d cases skipped: %s: %s", n, k, knownGaps[k])
	}
	t.Logf("bad-input matrix: %d mutations × %d argument places × %d bad values tried in all (%s)", mutations, args, values, time.Since(start).Round(time.Millisecond))
	fmt.Printf("bad-input matrix: %d mutations, %d argument places, %d requests with a bad value\n", mutations, args, values)
}

// allArgs declares every argument of f as a variable (an unset variable is an omitted argument).
func allArgs(f field) map[string]any {
	out := map[string]any{}
	for _, a := range f.Args {
		out[a.Name] = nil
	}
	return out
}

// badMatrix generates bad values from the schema and the world's objects.
type badMatrix struct {
	w *world
	// types caches the GraphQL type of each id range (ids are global: the range says the type).
	types map[int64]string
}

// place is an argument, an input object's field or a list's first element, with its bad values.
type place struct {
	path []string
	bads []bad
}

// places walks args (the fields of an input object) with base values base.
func (m *badMatrix) places(args []inputValue, base map[string]any, prefix []string) []place {
	var out []place
	for _, a := range args {
		p := append(slices.Clone(prefix), a.Name)
		out = append(out, m.placesOf(a.Type, base[a.Name], p)...)
	}
	return out
}

func (m *badMatrix) placesOf(t typeRef, base any, p []string) []place {
	here := []bad{{"null", nil}}
	named := t.named()
	ty := m.w.sc.types[named.Name]
	var deeper []place
	switch {
	case t.isList():
		var elem any
		if l, ok := base.([]any); ok && len(l) > 0 {
			elem = l[0]
		}
		here = append(here, bad{"empty list", []any{}}, bad{"list of null", []any{nil}}, bad{"an object for a list", map[string]any{"a": 1}},
			bad{"10000 items", m.many(t.elem(), elem)})
		deeper = m.placesOf(t.elem(), elem, append(slices.Clone(p), "0"))
		// The element's own null is the list's "list of null".
		for i := range deeper {
			if len(deeper[i].path) == len(p)+1 {
				deeper[i].bads = slices.DeleteFunc(deeper[i].bads, func(b bad) bool { return b.name == "null" })
			}
		}
	case named.Kind == "INPUT_OBJECT":
		obj, _ := base.(map[string]any)
		withUnknown := map[string]any{"zzUnknownField": 1}
		for k, v := range obj {
			withUnknown[k] = v
		}
		here = append(here, bad{"a string for an object", "x"}, bad{"empty object", map[string]any{}}, bad{"unknown field", withUnknown})
		deeper = m.places(ty.InputFields, obj, p)
	default:
		here = append(here, m.leaf(named, ty, base)...)
	}
	return append([]place{{path: p, bads: here}}, deeper...)
}

// leaf is the bad values of a scalar or enum type; base is the valid value.
func (m *badMatrix) leaf(named typeRef, ty *fullType, base any) []bad {
	common := []bad{
		{"control characters", "a\u0000b\u0007c\u001b[2J\u2028\u202e"},
		{"raw control bytes", raw("a\x01b\x1fc")},
		{"invalid UTF-8", raw("a\xff\xfeb\xc3(c")},
		{"1 MiB + 1 string", hugeString},
	}
	switch {
	case named.Kind == "ENUM":
		var first string
		if len(ty.EnumValues) > 0 {
			first = ty.EnumValues[0].Name
		}
		return append(common, bad{"unknown value", "NOT_A_VALUE"}, bad{"empty string", ""}, bad{"lower case", strings.ToLower(first)},
			bad{"a number for an enum", 1})
	case named.Name == "ID":
		out := append(common, bad{"empty string", ""}, bad{"not a number", "abc"}, bad{"negative", "-1"},
			bad{"beyond int64", "99999999999999999999"}, bad{"exponent", "1e3"}, bad{"a boolean for an ID", true},
			bad{"an object for an ID", map[string]any{"id": base}})
		if s, ok := base.(string); ok {
			if u := m.unknown(s); u != "" {
				out = append(out, bad{"unknown id", u})
			}
			if o := m.otherType(s); o != "" {
				out = append(out, bad{"another type's id", o})
			}
			if o := m.otherWorkspace(s); o != "" {
				out = append(out, bad{"another workspace's id", o})
			}
		}
		return out
	case named.Name == "String":
		return append(common, bad{"empty string", ""}, bad{"blank", " \t\n "}, bad{"string under the body limit", bigString},
			// Characters of several bytes: a limit in characters must not be checked in bytes.
			bad{"200 two-byte characters", strings.Repeat("é", 200)}, bad{"140 four-byte characters", strings.Repeat("😀", 140)},
			bad{"a number for a string", 42}, bad{"an object for a string", map[string]any{"a": "b"}})
	case named.Name == "Int" || named.Name == "Float":
		return []bad{{"negative", json.Number("-1")}, {"zero", json.Number("0")}, {"below int32", json.Number("-2147483649")},
			{"beyond int32", json.Number("2147483648")}, {"max int64", json.Number("9223372036854775807")},
			{"beyond int64", json.Number("9223372036854775808")}, {"1e300", json.Number("1e300")}, {"-1e300", json.Number("-1e300")},
			{"fraction", json.Number("1.5")}, {"a string for a number", "7"}, {"a boolean for a number", true}}
	case named.Name == "Boolean":
		return []bad{{"a string for a boolean", "true"}, {"a number for a boolean", 1}, {"an object for a boolean", map[string]any{}}}
	case named.Name == "Time":
		return append(common, bad{"not a time", "yesterday"}, bad{"empty string", ""}, bad{"year 99999", "99999-12-31T00:00:00Z"},
			bad{"a number for a time", json.Number("1e300")})
	}
	return append(common, bad{"empty string", ""}, bad{"a number", 1}, bad{"an object", map[string]any{}})
}

// many is a list of 10,000 elements of type t around base: distinct ids and strings (so that
// removing repeats leaves 10,000), copies otherwise.
func (m *badMatrix) many(t typeRef, base any) []any {
	named := t.named()
	out := make([]any, 10000)
	for i := range out {
		switch {
		case named.Name == "ID":
			start := int64(0)
			if s, ok := base.(string); ok {
				if n, err := strconv.ParseInt(s, 10, 64); err == nil {
					start = n &^ (1<<32 - 1)
				}
			}
			out[i] = strconv.FormatInt(start+1<<31+int64(i), 10)
		case named.Name == "String":
			out[i] = fmt.Sprintf("item-%d", i)
		case named.Name == "Int":
			out[i] = i
		case named.Kind == "ENUM":
			out[i] = m.w.sc.types[named.Name].EnumValues[0].Name
		default:
			out[i] = base
		}
	}
	return out
}

// typeOf is the type of one of A's ids, from its range (cached).
func (m *badMatrix) typeOf(id string) string {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return ""
	}
	r := n >> 32
	if ty, ok := m.types[r]; ok {
		return ty
	}
	ty := m.w.typeOf(id)
	m.types[r] = ty
	return ty
}

// unknown is an id of the same type as id that names nothing.
func (m *badMatrix) unknown(id string) string {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return ""
	}
	return strconv.FormatInt(n&^(1<<32-1)+1<<32-7, 10)
}

// otherType is an id of A of another type than id's.
func (m *badMatrix) otherType(id string) string {
	if m.typeOf(id) == "Team" {
		return m.w.x.AgentID
	}
	return m.w.team
}

// otherWorkspace is an id of B of id's type.
func (m *badMatrix) otherWorkspace(id string) string { return m.w.bIDs[m.typeOf(id)] }

// withValue is a deep copy of vars with v at path p ("0" is a list's first element).
func withValue(vars map[string]any, p []string, v any) map[string]any {
	out, _ := deepCopy(vars).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	set(out, p, v)
	return out
}

func set(container any, p []string, v any) any {
	if len(p) == 0 {
		return v
	}
	switch c := container.(type) {
	case map[string]any:
		c[p[0]] = set(c[p[0]], p[1:], v)
		return c
	case []any:
		if len(c) == 0 {
			c = []any{nil}
		}
		c[0] = set(c[0], p[1:], v)
		return c
	}
	if p[0] == "0" {
		return []any{set(nil, p[1:], v)}
	}
	return set(map[string]any{}, p, v)
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}
