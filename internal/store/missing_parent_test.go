package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestWriteToMissingParentIsNotFound: a row that names a parent that does
// not exist is refused by the engine's foreign key, and the write says
// "not found", on both engines.
func TestWriteToMissingParentIsNotFound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		err := s.Write(context.Background(), func(tx *store.Tx) error {
			_, err := tx.CreateComponent(context.Background(), 999999, "Widgets")
			return err
		})
		if !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("a component of a missing product: %v, want not found", err)
		}
	})
}
