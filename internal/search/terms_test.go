package search

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTerms(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Hello, World! hello", []string{"hello", "world"}},
		{"Café Crème", []string{"cafe", "creme"}},
		{"ana@example.com", []string{"ana", "example", "com"}},
		{"+1 (555) 010-2368", []string{"1", "555", "010", "2368", "15550102368", "5550102368", "550102368", "50102368", "0102368"}},
		{"order #A-1234", []string{"order", "a", "1234"}},
		{"ÅSA Ørsted straße", []string{"asa", "ørsted", "straße"}},
		{"日本語のテキスト", []string{"日本語のテキスト"}},
		{"  --  ", nil},
	} {
		if got := Terms(tc.text); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Terms(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// Generated texts: every term is a run of letters or digits, lower-case, at most MaxTermBytes
// bytes of valid UTF-8, and distinct; and every word of a text is found by a query of itself
// (the property search relies on: what was indexed is found).
func TestTermsGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 12))
	alphabet := []rune("abcXYZ0123456789 0123456789 .,-+()@#éÉñßøЖж日本\u0301\t\n'\"*:&|!")
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for n := r.IntN(120); n > 0; n-- {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		if r.IntN(10) == 0 {
			b.WriteString(strings.Repeat("é", 30)) // longer than MaxTermBytes
		}
		text := b.String()
		terms := Terms(text)
		seen := map[string]bool{}
		for _, term := range terms {
			if term == "" || len(term) > MaxTermBytes || !utf8.ValidString(term) || seen[term] || strings.ToLower(term) != term ||
				strings.ContainsAny(term, " .,-+()@#'\"*:&|!\t\n") {
				t.Fatalf("Terms(%q): bad term %q in %q", text, term, terms)
			}
			seen[term] = true
		}
		for _, w := range append(strings.Fields(text), text) {
			q, ok := Parse(w)
			if !ok {
				continue
			}
			for _, qt := range q {
				if !found(qt, terms) {
					t.Fatalf("text %q: the query %q gives the term %v, which matches none of the text's terms %q", text, w, qt, terms)
				}
			}
		}
	}
}

func TestParse(t *testing.T) {
	if _, ok := Parse("  ?!  "); ok {
		t.Error("a query of punctuation has terms")
	}
	terms, ok := Parse("Ana re refund 1 b c d e f g h i")
	if !ok || len(terms) != maxQueryTerms {
		t.Fatalf("Parse: %v %v", terms, ok)
	}
	want := []Term{{"ana", true}, {"re", false}, {"refund", true}, {"1", false}}
	if !reflect.DeepEqual(terms[:4], want) {
		t.Errorf("Parse: %v, want %v", terms[:4], want)
	}
}

// found: the query term matches one of a document's terms, as the databases match it.
func found(q Term, doc []string) bool {
	for _, d := range doc {
		if d == q.Text || q.Prefix && strings.HasPrefix(d, q.Text) {
			return true
		}
	}
	return false
}

func TestParsePhone(t *testing.T) {
	for q, want := range map[string][]string{
		"+1 (555) 010-2368":     {"15550102368"},
		"call 555 010 2368 now": {"call", "5550102368", "now"},
		"12 34 567abc":          {"12", "34", "567abc"},
		"555 010":               {"555", "010"},
	} {
		terms, _ := Parse(q)
		var got []string
		for _, t := range terms {
			got = append(got, t.Text)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q) = %q, want %q", q, got, want)
		}
	}
}
