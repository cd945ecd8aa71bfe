package search

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/predicate"
	"switchboard/ent/schema"
	"switchboard/internal/fault"
)

// Index writes and reads conversations' search documents on one database.
type Index struct{ postgres bool }

// New returns the index for a database of the dialect (entgo.io/ent/dialect's names).
func New(dia string) Index { return Index{postgres: dia == dialect.Postgres} }

// Add indexes texts (a message, a note, a customer's name or handle) under the conversation, in
// the transaction that stores them. upd is that transaction's update of the conversation, which
// the caller executes: on Postgres the document is extended by it (no statement of its own); on
// SQLite a row goes into the FTS table now.
func (ix Index) Add(ctx context.Context, tx *ent.Tx, upd *ent.ConversationUpdateOne, conversationID int, texts ...string) error {
	terms := Terms(texts...)
	if len(terms) == 0 {
		return nil
	}
	if ix.postgres {
		upd.Modify(func(u *sql.UpdateBuilder) { u.Set(docColumn, sql.ExprFunc(extend(terms))) })
		return nil
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO "+ftsTable+"(conversation_id, doc) VALUES (?, ?)",
		conversationID, strings.Join(terms, " ")); err != nil {
		return fmt.Errorf("search: index: %w", err)
	}
	return nil
}

// extend is the Postgres expression that adds terms to a conversation's document (until it holds
// maxDocTerms; see MaxTermBytes). array_to_tsvector takes the terms as they are: the database's
// parser never sees them, so both databases index the same.
func extend(terms []string) func(b *sql.Builder) {
	return func(b *sql.Builder) {
		b.WriteString("CASE WHEN length(coalesce(" + docColumn + ", ''::tsvector)) < ").WriteString(fmt.Sprint(maxDocTerms)).
			WriteString(" THEN coalesce(" + docColumn + ", ''::tsvector) || array_to_tsvector(string_to_array(").
			Arg(strings.Join(terms, " ")).WriteString(", ' ')) ELSE " + docColumn + " END")
	}
}

// Query is the predicate of conversations that match text (see the package comment), or
// BAD_USER_INPUT when text is too long or has no letter or digit.
func (ix Index) Query(text string) (predicate.Conversation, error) {
	if n := utf8.RuneCountInString(text); n > MaxQueryLength {
		return nil, fault.Invalid("text", "must be at most %d characters (it has %d)", MaxQueryLength, n).With("maxLength", MaxQueryLength)
	}
	terms, ok := Parse(text)
	if !schema.Storable(text) {
		return nil, fault.Invalid("text", "contains a NUL character or invalid UTF-8: remove it")
	}
	if !ok {
		return nil, fault.Invalid("text", "type a word or a number to search for")
	}
	return ix.Matches(terms), nil
}

// Matches is the predicate of conversations whose document holds every term.
func (ix Index) Matches(terms []Term) predicate.Conversation {
	if ix.postgres {
		q := make([]string, len(terms))
		for i, t := range terms {
			q[i] = "'" + t.Text + "'" // terms are letters and digits: nothing to escape
			if t.Prefix {
				q[i] += ":*"
			}
		}
		query := strings.Join(q, " & ")
		return func(s *sql.Selector) {
			s.Where(sql.P(func(b *sql.Builder) {
				b.WriteString(s.C(docColumn)).WriteString(" @@ ").Arg(query).WriteString("::tsquery")
			}))
		}
	}
	return func(s *sql.Selector) {
		for _, t := range terms {
			m := `"` + t.Text + `"`
			if t.Prefix {
				m += "*"
			}
			in := sql.Select("conversation_id").From(sql.Table(ftsTable)).
				Where(sql.P(func(b *sql.Builder) { b.WriteString(ftsTable + " MATCH ").Arg(m) }))
			s.Where(sql.In(s.C(conversation.FieldID), in))
		}
	}
}
