package store

import (
	"context"
	"fmt"

	"github.com/caseport/caseport/internal/desk"
)

// AddEntry appends an entry to a case feed, moving the case's version, and
// returns its ID.
func (tx *Tx) AddEntry(ctx context.Context, e *desk.Entry) (int64, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO case_entries (case_id, kind, author_id, body, created_at)
		VALUES (?, ?, ?, ?, ?)
		RETURNING id`,
		e.CaseID, string(e.Kind), id(e.AuthorID), e.Body, ts(e.CreatedAt),
	).Scan(&newID)
	if err != nil {
		return 0, fmt.Errorf("case %s: add %s: %w", desk.FormatCaseNumber(e.CaseID), e.Kind, err)
	}
	return newID, tx.touchCase(ctx, e.CaseID)
}

// Entries returns the feed of a case, newest first, with each author's
// name; entries the system wrote are signed "Caseport". Unless internal is
// set, staff notes are left out by the query itself, so a customer's page
// never holds them even in memory.
func (s *Store) Entries(ctx context.Context, caseID int64, internal bool) ([]desk.Entry, error) {
	rows, err := s.read().query(ctx, `SELECT e.id, e.case_id, e.kind, e.author_id,
			COALESCE(u.first_name || ' ' || u.last_name, 'Caseport'), e.body, e.created_at
		FROM case_entries e
		LEFT JOIN users u ON u.id = e.author_id
		WHERE e.case_id = ? AND (? OR e.kind <> ?)
		ORDER BY e.created_at DESC, e.id DESC`,
		caseID, internal, string(desk.EntryNote))
	if err != nil {
		return nil, fmt.Errorf("case %s: entries: %w", desk.FormatCaseNumber(caseID), err)
	}
	defer rows.Close()
	var entries []desk.Entry
	for rows.Next() {
		var e desk.Entry
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Kind, nullInt{&e.AuthorID}, &e.Author, &e.Body,
			nullTime{&e.CreatedAt}); err != nil {
			return nil, fmt.Errorf("case %s: entries: %w", desk.FormatCaseNumber(caseID), err)
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("case %s: entries: %w", desk.FormatCaseNumber(caseID), err)
	}
	return entries, nil
}
