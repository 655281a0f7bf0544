package store_test

import (
	"context"
	"testing"

	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

func TestMigrate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ok, err := s.Migrated(ctx)
		if err != nil || !ok {
			t.Fatalf("Migrated() = %v, %v; want true", ok, err)
		}
		// Migrating again is a no-op.
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
	})
}

func TestSettings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if v, err := s.Setting(ctx, "k", "def"); err != nil || v != "def" {
			t.Fatalf("Setting(unset) = %q, %v; want def", v, err)
		}
		for _, want := range []string{"one", "two"} {
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, "k", want) }); err != nil {
				t.Fatal(err)
			}
			if v, err := s.Setting(ctx, "k", "def"); err != nil || v != want {
				t.Fatalf("Setting = %q, %v; want %q", v, err, want)
			}
		}
	})
}
