package store_test

import (
	"context"
	"errors"
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

// TestMigrateConcurrentStarts: several instances starting at once on one
// empty database all come up; the migrations run once, the others wait for
// them. Each migrator has its own connections, as separate processes would
// (cmd/caseport's TestMigrateProcessesAtOnce runs real processes).
func TestMigrateConcurrentStarts(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			url := e.URL(t)
			if e.Name == "postgres" {
				url = storetest.EmptyPostgresURL(t)
			}
			const n = 6
			errs := make(chan error, n)
			start := make(chan struct{})
			for range n {
				go func() {
					<-start
					ctx := context.Background()
					s, err := store.Open(ctx, url)
					if err != nil {
						errs <- err
						return
					}
					errs <- errors.Join(s.Migrate(ctx), s.Close())
				}()
			}
			close(start)
			for range n {
				if err := <-errs; err != nil {
					t.Errorf("Migrate on a fresh database with %d starting at once: %v", n, err)
				}
			}
		})
	}
}
