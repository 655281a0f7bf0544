package store

import (
	"context"
	"fmt"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

const escalationColumns = `e.id, e.case_id, e.reason, e.details, e.state, e.requested_by, e.owner_id, e.created_at,
	e.decided_at, e.closed_at`

func escalationDest(e *desk.Escalation) []any {
	return []any{
		&e.ID, &e.CaseID, &e.Reason, &e.Details, &e.State, &e.RequestedBy,
		nullInt{&e.OwnerID},
		nullTime{&e.CreatedAt},
		nullTime{&e.DecidedAt},
		nullTime{&e.ClosedAt},
	}
}

// CreateEscalation adds an escalation. A second active escalation of the
// case is a conflict on UniqueActiveEscalation, whatever raced to make it.
func (tx *Tx) CreateEscalation(ctx context.Context, e *desk.Escalation) (int64, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO escalations (case_id, reason, details, state, requested_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		e.CaseID, string(e.Reason), e.Details, string(e.State), e.RequestedBy, ts(e.CreatedAt)).Scan(&newID)
	if err != nil {
		return 0, conflict(err, "create escalation")
	}
	return newID, nil
}

// UpdateEscalation writes an escalation's state, owner and times.
func (tx *Tx) UpdateEscalation(ctx context.Context, e *desk.Escalation) error {
	res, err := tx.q().exec(ctx, `UPDATE escalations SET state = ?, owner_id = ?, decided_at = ?, closed_at = ? WHERE id = ?`,
		string(e.State), id(e.OwnerID), ts(e.DecidedAt), ts(e.ClosedAt), e.ID)
	if err != nil {
		return fmt.Errorf("update escalation: %w", err)
	}
	return affected(res, fmt.Sprintf("escalation %d", e.ID))
}

// EscalationForUpdate reads an escalation in a write transaction, locking
// it on PostgreSQL.
func (tx *Tx) EscalationForUpdate(ctx context.Context, escalationID int64) (*desk.Escalation, error) {
	var e desk.Escalation
	err := tx.q().row(ctx, `SELECT `+escalationColumns+` FROM escalations e WHERE e.id = ?`+tx.d.forUpdate, escalationID).
		Scan(escalationDest(&e)...)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("escalation %d", escalationID))
	}
	return &e, nil
}

// ActiveEscalation returns the case's active escalation, or nil.
func (tx *Tx) ActiveEscalation(ctx context.Context, caseID int64) (*desk.Escalation, error) {
	rows, err := escalations(ctx, tx.q(), EscalationFilter{CaseID: caseID, Active: true})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0].Escalation, nil
}

// EscalationFilter selects escalations.
type EscalationFilter struct {
	ID     int64
	CaseID int64
	Active bool
	Limit  int
}

// Escalations lists escalations: active ones oldest first (a queue),
// others newest first.
func (s *Store) Escalations(ctx context.Context, f EscalationFilter) ([]desk.EscalationRow, error) {
	return escalations(ctx, s.read(), f)
}

func escalations(ctx context.Context, q q, f EscalationFilter) ([]desk.EscalationRow, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	query := `SELECT ` + escalationColumns + `, c.summary, c.priority, st.name, eu.name,
			rq.first_name || ' ' || rq.last_name, COALESCE(ow.first_name || ' ' || ow.last_name, '')
		FROM escalations e
		JOIN cases c ON c.id = e.case_id
		JOIN companies st ON st.id = c.sold_to_id
		JOIN companies eu ON eu.id = c.end_user_id
		JOIN users rq ON rq.id = e.requested_by
		LEFT JOIN users ow ON ow.id = e.owner_id`
	// Only the filter's own conditions, so that a case page reads its
	// escalations by the case, not by a scan of every escalation.
	var w where
	equal(&w, "e.id", f.ID)
	equal(&w, "e.case_id", f.CaseID)
	order := ` ORDER BY e.id DESC`
	if f.Active {
		w.add("e.state IN ('requested', 'accepted')")
		order = ` ORDER BY e.created_at, e.id`
	}
	rows, err := q.query(ctx, query+` WHERE `+w.String()+order+` LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("escalations: %w", err)
	}
	defer rows.Close()
	var out []desk.EscalationRow
	for rows.Next() {
		var r desk.EscalationRow
		dest := append(escalationDest(&r.Escalation), &r.CaseSummary, &r.CasePriority, &r.SoldToName, &r.EndUserName,
			&r.RequesterName, &r.OwnerName)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("escalations: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddEscalationEntry adds to an escalation's feed.
func (tx *Tx) AddEscalationEntry(ctx context.Context, escalationID, authorID int64, body string, at time.Time) error {
	_, err := tx.q().exec(ctx, `INSERT INTO escalation_entries (escalation_id, author_id, body, created_at) VALUES (?, ?, ?, ?)`,
		escalationID, id(authorID), body, ts(at))
	if err != nil {
		return fmt.Errorf("escalation feed: %w", err)
	}
	return nil
}

// EscalationEntries lists an escalation's feed, newest first.
func (s *Store) EscalationEntries(ctx context.Context, escalationID int64) ([]desk.EscalationEntry, error) {
	rows, err := s.read().query(ctx, `SELECT x.id, x.author_id, COALESCE(u.first_name || ' ' || u.last_name, 'Caseport'), x.body, x.created_at
		FROM escalation_entries x LEFT JOIN users u ON u.id = x.author_id
		WHERE x.escalation_id = ? ORDER BY x.id DESC`, escalationID)
	if err != nil {
		return nil, fmt.Errorf("escalation feed: %w", err)
	}
	defer rows.Close()
	var out []desk.EscalationEntry
	for rows.Next() {
		var e desk.EscalationEntry
		if err := rows.Scan(&e.ID, nullInt{&e.AuthorID}, &e.Author, &e.Body, nullTime{&e.CreatedAt}); err != nil {
			return nil, fmt.Errorf("escalation feed: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
