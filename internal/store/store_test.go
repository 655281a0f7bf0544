package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
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

// TestOpenUnwritablePath: a database that cannot be opened is refused with
// its path and what to check, not SQLite's bare "unable to open database
// file".
func TestOpenUnwritablePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "read-only")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
		needsNonRoot     bool
	}{
		{"a directory where the file should be", filepath.Join(dir, "caseport.db"), "is a directory", false},
		{"a directory under a regular file", filepath.Join(file, "caseport.db"), "not a directory", false},
		{"a read-only directory", filepath.Join(readOnly, "caseport.db"), "permission denied", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.needsNonRoot && os.Geteuid() == 0 {
				t.Skip("permissions do not stop root from writing; the other cases fail for root too")
			}
			if tc.name == "a directory where the file should be" {
				if err := os.Mkdir(tc.path, 0o750); err != nil {
					t.Fatal(err)
				}
			}
			s, err := store.Open(context.Background(), "sqlite://"+tc.path)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%s) succeeded", tc.path)
			}
			for _, want := range []string{tc.path, tc.want, "check that"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Open(%s) = %q; want it to say %q", tc.path, err, want)
				}
			}
		})
	}
}

// TestOnScheduleAfterCommit: a Write that schedules or revives a job tells
// OnSchedule once it has committed, when the job can be read; a write that
// schedules nothing, or rolls back, does not.
func TestOnScheduleAfterCommit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now()
		calls, seen := 0, 0
		s.OnSchedule(func() {
			calls++
			jobs, err := s.Jobs(ctx, store.JobFilter{Pending: true, Kind: "wake-test", Limit: 10})
			if err != nil {
				t.Error(err)
			}
			seen = len(jobs)
		})
		schedule := func(tx *store.Tx) error {
			_, err := tx.ScheduleJob(ctx, &desk.Job{Kind: "wake-test", RunAt: now}, now)
			return err
		}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, "k", "v") }); err != nil {
			t.Fatal(err)
		}
		if calls != 0 {
			t.Errorf("a write without a job woke the worker %d times", calls)
		}
		failed := errors.New("refused")
		if err := s.Write(ctx, func(tx *store.Tx) error { return errors.Join(schedule(tx), failed) }); !errors.Is(err, failed) {
			t.Fatal(err)
		}
		if calls != 0 {
			t.Errorf("a rolled-back write woke the worker %d times", calls)
		}
		if err := s.Write(ctx, schedule); err != nil {
			t.Fatal(err)
		}
		if calls != 1 || seen != 1 {
			t.Errorf("after a job was scheduled: %d wakes seeing %d jobs, want 1 seeing the job", calls, seen)
		}
	})
}
