package store

import (
	"context"
	"fmt"

	"github.com/caseport/caseport/internal/desk"
)

// Unique names of the queue's saved views: one person's, and the shared.
const (
	UniquePersonalView = "queue_views_personal"
	UniqueSharedView   = "queue_views_shared"
)

const viewColumns = `id, name, owner_id, query, created_at`

func scanView(sc scanner, v *desk.QueueView) error {
	return sc.Scan(&v.ID, &v.Name, nullInt{&v.OwnerID}, &v.Query, nullTime{&v.CreatedAt})
}

// QueueViews lists the shared views and the personal views of ownerID,
// shared first, each by name.
func (s *Store) QueueViews(ctx context.Context, ownerID int64) ([]desk.QueueView, error) {
	rows, err := s.read().query(ctx, `SELECT `+viewColumns+` FROM queue_views
		WHERE owner_id IS NULL OR owner_id = ?
		ORDER BY owner_id IS NOT NULL, name, id`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("queue views: %w", err)
	}
	defer rows.Close()
	var out []desk.QueueView
	for rows.Next() {
		var v desk.QueueView
		if err := scanView(rows, &v); err != nil {
			return nil, fmt.Errorf("queue views: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// QueueView reads one saved view inside the transaction.
func (tx *Tx) QueueView(ctx context.Context, viewID int64) (*desk.QueueView, error) {
	var v desk.QueueView
	if err := scanView(tx.q().row(ctx, `SELECT `+viewColumns+` FROM queue_views WHERE id = ?`, viewID), &v); err != nil {
		return nil, notFound(err, fmt.Sprintf("queue view %d", viewID))
	}
	return &v, nil
}

// CountQueueViews counts the personal views of ownerID, or the shared
// views when ownerID is 0.
func (tx *Tx) CountQueueViews(ctx context.Context, ownerID int64) (int, error) {
	var n int
	err := tx.q().row(ctx, `SELECT count(*) FROM queue_views WHERE owner_id = ? OR (CAST(? AS BIGINT) = 0 AND owner_id IS NULL)`,
		ownerID, ownerID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count queue views: %w", err)
	}
	return n, nil
}

// CreateQueueView saves a view (v.ID is ignored) and returns its ID; a
// name taken is a conflict on UniquePersonalView or UniqueSharedView.
func (tx *Tx) CreateQueueView(ctx context.Context, v *desk.QueueView) (int64, error) {
	var viewID int64
	err := tx.q().row(ctx, `INSERT INTO queue_views (name, owner_id, query, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		v.Name, id(v.OwnerID), v.Query, ts(v.CreatedAt)).Scan(&viewID)
	if err != nil {
		return 0, conflict(err, "create queue view")
	}
	return viewID, nil
}

// DeleteQueueView removes a saved view.
func (tx *Tx) DeleteQueueView(ctx context.Context, viewID int64) error {
	if _, err := tx.q().exec(ctx, `DELETE FROM queue_views WHERE id = ?`, viewID); err != nil {
		return fmt.Errorf("delete queue view %d: %w", viewID, err)
	}
	return nil
}

// MoveEntries moves every Case Feed entry of a case to another (a
// duplicate merged into the case that goes on); the feed keeps its
// order by time.
func (tx *Tx) MoveEntries(ctx context.Context, fromCaseID, toCaseID int64) error {
	if _, err := tx.q().exec(ctx, `UPDATE case_entries SET case_id = ? WHERE case_id = ?`, toCaseID, fromCaseID); err != nil {
		return fmt.Errorf("move the feed of case %s: %w", desk.FormatCaseNumber(fromCaseID), err)
	}
	return nil
}

// SetMergedInto records that a case was merged into another.
func (tx *Tx) SetMergedInto(ctx context.Context, caseID, intoID int64) error {
	if _, err := tx.q().exec(ctx, `UPDATE cases SET merged_into_id = ? WHERE id = ?`, intoID, caseID); err != nil {
		return fmt.Errorf("merge case %s: %w", desk.FormatCaseNumber(caseID), err)
	}
	return nil
}
