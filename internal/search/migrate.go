package search

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"strings"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/customeridentity"
	"switchboard/ent/message"
	"switchboard/ent/note"
	"switchboard/internal/tenant"
)

const (
	// docColumn: on Postgres, a conversation's document. It is not an ent field, so that loading a
	// conversation never reads it.
	docColumn = "search_doc"
	// PostgresIndex: on Postgres, the GIN index of the documents, which ent's migration must keep
	// although no ent schema declares it. The column, the index and SQLite's FTS5 table are made by
	// storage's migration files (…_search.sql).
	PostgresIndex = "conversations_search_doc"
	// ftsTable: on SQLite, the FTS5 table of indexed texts, each under its conversation.
	ftsTable = "conversation_search"
	// backfillBatch: conversations indexed per transaction when an existing database gains search.
	backfillBatch = 500
)

// Backfill indexes the conversations that have no document yet: all of them when a database made
// before search gains it (its migration file runs it), none afterwards (the desk indexes each text
// as it stores it).
func (ix Index) Backfill(ctx context.Context, db *stdsql.DB, client *ent.Client) error {
	ctx = tenant.System(ctx)
	if ix.postgres {
		return ix.backfill(ctx, db, client, `SELECT id FROM conversations WHERE `+docColumn+` IS NULL AND id > $1 ORDER BY id LIMIT $2`)
	}
	return ix.backfill(ctx, db, client, `SELECT id FROM conversations WHERE id > ? AND id NOT IN (SELECT conversation_id FROM `+ftsTable+`) ORDER BY id LIMIT ?`)
}

// backfill indexes, a batch at a time, the conversations that list (given the last id done and a
// batch size) returns.
func (ix Index) backfill(ctx context.Context, db *stdsql.DB, client *ent.Client, list string) error {
	after := 0
	for {
		ids, err := listIDs(ctx, db, list, after, backfillBatch)
		if err != nil || len(ids) == 0 {
			return err
		}
		after = ids[len(ids)-1]
		tx, err := client.Tx(ctx)
		if err != nil {
			return fmt.Errorf("search: backfill: %w", err)
		}
		for _, id := range ids {
			if err := ix.indexAll(ctx, tx, id); err != nil {
				_ = tx.Rollback()
				return fmt.Errorf("search: backfill conversation %d: %w", id, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("search: backfill: %w", err)
		}
	}
}

func listIDs(ctx context.Context, db *stdsql.DB, query string, after, limit int) ([]int, error) {
	rows, err := db.QueryContext(ctx, query, after, limit)
	if err != nil {
		return nil, fmt.Errorf("search: backfill: %w", err)
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("search: backfill: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// indexAll indexes everything a conversation holds: its customer's name and handles, its messages
// and its notes (an empty document on Postgres when there is nothing, so it is not listed again).
func (ix Index) indexAll(ctx context.Context, tx *ent.Tx, id int) error {
	c, err := tx.Conversation.Query().Where(conversation.ID(id)).WithCustomer(func(q *ent.CustomerQuery) {
		q.WithIdentities(func(q *ent.CustomerIdentityQuery) {
			q.Select(customeridentity.FieldHandle, customeridentity.FieldCustomerID)
		})
	}).Only(ctx)
	if err != nil {
		return err
	}
	texts := []string{c.Edges.Customer.Name}
	for _, i := range c.Edges.Customer.Edges.Identities {
		texts = append(texts, i.Handle)
	}
	msgs, err := tx.Message.Query().Where(message.ConversationID(id)).Order(message.ByID()).Select(message.FieldText).Strings(ctx)
	if err != nil {
		return err
	}
	notes, err := tx.Note.Query().Where(note.ConversationID(id)).Order(note.ByID()).Select(note.FieldText).Strings(ctx)
	if err != nil {
		return err
	}
	texts = append(append(texts, msgs...), notes...)
	if !ix.postgres {
		return ix.Add(ctx, tx, nil, id, texts...)
	}
	terms := Terms(texts...)
	if len(terms) > maxDocTerms {
		terms = terms[:maxDocTerms]
	}
	_, err = tx.ExecContext(ctx, `UPDATE conversations SET `+docColumn+` = array_to_tsvector(string_to_array($1, ' ')) WHERE id = $2`,
		strings.Join(terms, " "), id)
	return err
}
