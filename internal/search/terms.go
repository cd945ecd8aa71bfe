// Package search owns full-text search over conversations: each conversation's search document
// (its customer's name and handles, its messages and notes) and the query that matches it.
//
// Both databases index the same terms, cut from the text here rather than by each database's own
// parser, so a search finds the same conversations on either: Postgres keeps one tsvector per
// conversation (conversations.search_doc, a GIN index), SQLite an FTS5 table with a row per
// indexed text. A term is a run of letters or digits, lower-cased and without diacritics
// ("Café" is "cafe"), at most MaxTermBytes long; a phone number written with spaces or dashes is
// also one term of its digits. A query's terms must all be in a conversation (AND), each as a
// prefix when it has three characters or more.
package search

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

const (
	// MaxTermBytes: longer runs are cut to their first MaxTermBytes bytes (a query term is cut
	// the same way, so it still matches). It bounds a conversation's document: Postgres refuses a
	// tsvector over 1 MB, and a write that fails would lose the message.
	MaxTermBytes = 40
	// MaxQueryLength is the longest query text, in characters.
	MaxQueryLength = 200
	// maxQueryTerms: more terms narrow nothing a person would type.
	maxQueryTerms = 8
	// minPrefix: a shorter term matches whole words only (a one- or two-letter prefix matches
	// much of the vocabulary and would read most of the index).
	minPrefix = 3
	// maxDocTerms: a conversation's document stops growing here (Postgres; see MaxTermBytes).
	maxDocTerms = 10000
)

const (
	// minPhoneDigits: fewer digits are not taken for a phone number.
	minPhoneDigits = 7
	// maxPhoneSuffixes bounds the endings indexed per number.
	maxPhoneSuffixes = 12
)

// phone is a run of digits broken by the spaces, dots, dashes and brackets people write numbers
// with; its digits are one term too, so "+1 (555) 010-2368" is found by "15550102368".
var phone = regexp.MustCompile(`\+?\d[\d \-().]{5,}\d`)

// Terms returns the distinct terms of texts, in order of first appearance: what a document holds.
func Terms(texts ...string) []string {
	var out []string
	for _, text := range texts {
		folded := fold(text)
		out = append(out, words(folded)...)
		for _, p := range phone.FindAllString(folded, -1) {
			// Its digits, and their endings of 7 digits or more: a number stored with its country
			// code is found by the number as a person dials it at home, or by its last digits.
			d := strings.Map(digitsOnly, p)
			for i := 0; len(d)-i >= minPhoneDigits && i < maxPhoneSuffixes; i++ {
				out = append(out, d[i:])
			}
		}
	}
	return dedupe(out)
}

// fold lower-cases s and removes its diacritics.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// cut shortens t to at most MaxTermBytes bytes on a character boundary.
func cut(t string) string {
	if len(t) <= MaxTermBytes {
		return t
	}
	n := MaxTermBytes
	for n > 0 && !utf8.RuneStart(t[n]) {
		n--
	}
	return t[:n]
}

func digitsOnly(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// Term is one term of a query.
type Term struct {
	Text string
	// Prefix: the term matches the words it begins (it has minPrefix characters or more).
	Prefix bool
}

// Parse cuts a query into its terms. ok is false when it has none (nothing but punctuation). A
// phone number in it is one term of its digits (a prefix, as any term of three characters or more).
func Parse(query string) (terms []Term, ok bool) {
	folded := fold(query)
	var b strings.Builder
	last := 0
	for _, m := range phone.FindAllStringIndex(folded, -1) {
		// Only a number standing on its own: "12 34 567abc" keeps its word 567abc, as documents do.
		d := strings.Map(digitsOnly, folded[m[0]:m[1]])
		if len(d) < minPhoneDigits || alnumAt(folded, m[0]-1, true) || alnumAt(folded, m[1], false) {
			continue
		}
		b.WriteString(folded[last:m[0]] + " " + d + " ")
		last = m[1]
	}
	query = b.String() + folded[last:]
	for _, t := range dedupe(words(query)) {
		if len(terms) == maxQueryTerms {
			break
		}
		terms = append(terms, Term{Text: t, Prefix: utf8.RuneCountInString(t) >= minPrefix})
	}
	return terms, len(terms) > 0
}

// dedupe cuts and de-duplicates words, keeping the first of each.
func dedupe(words []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range words {
		if w = cut(w); w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// words are the runs of letters and digits of s.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// alnumAt reports whether s has a letter or digit ending at i (before) or starting at i.
func alnumAt(s string, i int, before bool) bool {
	var r rune
	switch {
	case before && i >= 0:
		r, _ = utf8.DecodeLastRuneInString(s[:i+1])
	case !before && i < len(s):
		r, _ = utf8.DecodeRuneInString(s[i:])
	default:
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
