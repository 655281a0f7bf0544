package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Setting returns the stored value of a setting, or def when it was never
// set.
func (s *Store) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := s.read().row(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a setting.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	_, err := tx.q().exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set setting %s: %w", key, err)
	}
	return nil
}

// q returns a querier inside the transaction.
func (tx *Tx) q() q { return q{db: tx.tx, d: tx.d} }
