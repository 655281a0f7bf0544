package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// Macros lists the saved replies by name.
func (s *Store) Macros(ctx context.Context) ([]desk.Macro, error) {
	rows, err := s.read().query(ctx, `SELECT id, name, body, status, substatus, updated_by, updated_at FROM macros ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("macros: %w", err)
	}
	defer rows.Close()
	var out []desk.Macro
	for rows.Next() {
		var m desk.Macro
		if err := rows.Scan(&m.ID, &m.Name, &m.Body, &m.Status, &m.SubStatus, nullInt{&m.UpdatedBy}, nullTime{&m.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("macros: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Macro reads one saved reply.
func (s *Store) Macro(ctx context.Context, macroID int64) (*desk.Macro, error) {
	var m desk.Macro
	err := s.read().row(ctx, `SELECT id, name, body, status, substatus, updated_by, updated_at FROM macros WHERE id = ?`, macroID).
		Scan(&m.ID, &m.Name, &m.Body, &m.Status, &m.SubStatus, nullInt{&m.UpdatedBy}, nullTime{&m.UpdatedAt})
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("macro %d", macroID))
	}
	return &m, nil
}

// SaveMacro creates a macro (m.ID zero; m.ID is set) or changes one. A
// name another macro holds is a ConflictError on UniqueMacroName.
func (tx *Tx) SaveMacro(ctx context.Context, m *desk.Macro) error {
	if m.ID == 0 {
		err := tx.q().row(ctx, `INSERT INTO macros (name, body, status, substatus, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			m.Name, m.Body, string(m.Status), string(m.SubStatus), id(m.UpdatedBy), ts(m.UpdatedAt)).Scan(&m.ID)
		if err != nil {
			return conflict(err, "create macro")
		}
		return nil
	}
	res, err := tx.q().exec(ctx, `UPDATE macros SET name = ?, body = ?, status = ?, substatus = ?, updated_by = ?, updated_at = ?
		WHERE id = ?`, m.Name, m.Body, string(m.Status), string(m.SubStatus), id(m.UpdatedBy), ts(m.UpdatedAt), m.ID)
	if err != nil {
		return conflict(err, fmt.Sprintf("update macro %d", m.ID))
	}
	return affected(res, fmt.Sprintf("macro %d", m.ID))
}

// DeleteMacro removes a saved reply.
func (tx *Tx) DeleteMacro(ctx context.Context, macroID int64) error {
	res, err := tx.q().exec(ctx, `DELETE FROM macros WHERE id = ?`, macroID)
	if err != nil {
		return fmt.Errorf("delete macro %d: %w", macroID, err)
	}
	return affected(res, fmt.Sprintf("macro %d", macroID))
}

// CaseTags lists a case's tags in order.
func (s *Store) CaseTags(ctx context.Context, caseID int64) ([]string, error) {
	return caseTags(ctx, s.read(), caseID)
}

// CaseTags lists a case's tags in order, as the transaction sees them.
func (tx *Tx) CaseTags(ctx context.Context, caseID int64) ([]string, error) {
	return caseTags(ctx, tx.q(), caseID)
}

func caseTags(ctx context.Context, on q, caseID int64) ([]string, error) {
	rows, err := on.query(ctx, `SELECT tag FROM case_tags WHERE case_id = ? ORDER BY tag`, caseID)
	if err != nil {
		return nil, fmt.Errorf("case %s: tags: %w", desk.FormatCaseNumber(caseID), err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("case %s: tags: %w", desk.FormatCaseNumber(caseID), err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SetCaseTags makes tags the case's tags, moving its version when they
// change.
func (tx *Tx) SetCaseTags(ctx context.Context, caseID int64, tags []string) error {
	old, err := tx.CaseTags(ctx, caseID)
	if err != nil {
		return err
	}
	tags = slices.Clone(tags)
	slices.Sort(tags)
	tags = slices.Compact(tags)
	if slices.Equal(old, tags) {
		return nil
	}
	if _, err := tx.q().exec(ctx, `DELETE FROM case_tags WHERE case_id = ?`, caseID); err != nil {
		return fmt.Errorf("case %s: tags: %w", desk.FormatCaseNumber(caseID), err)
	}
	for _, t := range tags {
		if _, err := tx.q().exec(ctx, `INSERT INTO case_tags (case_id, tag) VALUES (?, ?)`, caseID, t); err != nil {
			return fmt.Errorf("case %s: tags: %w", desk.FormatCaseNumber(caseID), err)
		}
	}
	return tx.touchCase(ctx, caseID)
}

// CaseFollowers lists the users who follow a case, for its page.
func (s *Store) CaseFollowers(ctx context.Context, caseID int64) ([]desk.User, error) {
	return followers(ctx, s.read(), caseID)
}

// CallerVerified returns when staff last checked the PIN of the contact
// with this email on the phone (caller verification's audit line) since
// a time, and who did; a zero time when nobody did.
func (s *Store) CallerVerified(ctx context.Context, email string, since time.Time) (time.Time, string, error) {
	var at time.Time
	var by string
	err := s.read().row(ctx, `SELECT a.at, COALESCE(u.first_name || ' ' || u.last_name, '') FROM audit a
		LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.action = 'caller_verified' AND a.subject = ? AND a.at >= ? ORDER BY a.at DESC LIMIT 1`, email, ts(since)).
		Scan(nullTime{&at}, &by)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, "", nil
	}
	if err != nil {
		return time.Time{}, "", fmt.Errorf("caller verified: %w", err)
	}
	return at, by, nil
}
