package store

import (
	"context"
	"fmt"
	"time"
)

// CheckWrite commits a write, for the readiness check: a store that
// answers queries but cannot commit (a full disk, a read-only file or
// database, a lock held too long) is not ready.
func (s *Store) CheckWrite(ctx context.Context, now time.Time) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.MarkReady(ctx, now) })
}

// MarkReady rewrites the readiness row inside the transaction.
func (tx *Tx) MarkReady(ctx context.Context, now time.Time) error {
	_, err := tx.q().exec(ctx, `INSERT INTO readiness (id, checked_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`, ts(now))
	if err != nil {
		return fmt.Errorf("readiness write: %w", err)
	}
	return nil
}
