package store

import (
	"context"
	"fmt"

	"github.com/caseport/caseport/internal/desk"
)

// componentModelsKept is how many models the store keeps: the one in use
// and those before it.
const componentModelsKept = 3

// SaveComponentModel stores a newly trained model (m.ID is set) as the
// one in use, and removes the oldest beyond componentModelsKept.
func (tx *Tx) SaveComponentModel(ctx context.Context, m *desk.ComponentModel, model []byte) error {
	err := tx.q().row(ctx, `INSERT INTO component_models (trained_at, trained_by, cases, components, model)
		VALUES (?, ?, ?, ?, ?) RETURNING id`,
		ts(m.TrainedAt), id(m.TrainedBy), m.Cases, m.Components, model).Scan(&m.ID)
	if err != nil {
		return conflict(err, "save component model")
	}
	// By rank, not by arithmetic on IDs: a sequence leaves gaps.
	if _, err := tx.q().exec(ctx, `DELETE FROM component_models WHERE id NOT IN
			(SELECT id FROM component_models ORDER BY id DESC LIMIT ?)`, componentModelsKept); err != nil {
		return fmt.Errorf("save component model: %w", err)
	}
	return nil
}

// ComponentModel returns the model in use (the latest), without its
// bytes: desk.ErrNotFound when none was trained yet.
func (s *Store) ComponentModel(ctx context.Context) (*desk.ComponentModel, error) {
	var m desk.ComponentModel
	err := s.read().row(ctx, `SELECT id, trained_at, trained_by, cases, components FROM component_models
		ORDER BY id DESC LIMIT 1`).Scan(&m.ID, nullTime{&m.TrainedAt}, nullInt{&m.TrainedBy}, &m.Cases, &m.Components)
	if err != nil {
		return nil, notFound(err, "component model")
	}
	return &m, nil
}

// ComponentModelBytes returns a stored model's bytes.
func (s *Store) ComponentModelBytes(ctx context.Context, modelID int64) ([]byte, error) {
	var out []byte
	if err := s.read().row(ctx, `SELECT model FROM component_models WHERE id = ?`, modelID).Scan(&out); err != nil {
		return nil, notFound(err, fmt.Sprintf("component model %d", modelID))
	}
	return out, nil
}

// ComponentExamples returns the latest cases' texts with the product and
// component each was opened against, newest first, at most limit: what a
// component model learns from.
func (s *Store) ComponentExamples(ctx context.Context, limit int) ([]desk.ComponentExample, error) {
	rows, err := s.read().query(ctx, `SELECT summary, description, product_id, component_id FROM cases
		ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("component examples: %w", err)
	}
	defer rows.Close()
	var out []desk.ComponentExample
	for rows.Next() {
		var e desk.ComponentExample
		if err := rows.Scan(&e.Summary, &e.Description, &e.ProductID, &e.ComponentID); err != nil {
			return nil, fmt.Errorf("component examples: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
