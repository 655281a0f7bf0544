package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestWritesAtOnceStayWhole: writes that run at the same time (on SQLite,
// committed in groups) each commit whole or not at all, and each caller
// is told its own outcome: a failed write leaves nothing, a panicking one
// panics in its caller, and neither takes the others with it.
func TestWritesAtOnceStayWhole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 40
		errBad := errors.New("bad input")
		errs := make([]error, n)
		panics := make([]any, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				defer func() { panics[i] = recover() }()
				errs[i] = s.Write(ctx, func(tx *store.Tx) error {
					key := fmt.Sprintf("k%d", i)
					if err := tx.SetSetting(ctx, key, "first"); err != nil {
						return err
					}
					time.Sleep(time.Millisecond) // let the others queue
					if err := tx.SetSetting(ctx, key, "second"); err != nil {
						return err
					}
					switch i % 4 {
					case 1:
						return errBad
					case 2:
						panic(fmt.Sprintf("write %d", i))
					}
					return nil
				})
			})
		}
		wg.Wait()
		for i := range n {
			v, err := s.Setting(ctx, fmt.Sprintf("k%d", i), "none")
			if err != nil {
				t.Fatal(err)
			}
			switch i % 4 {
			case 1:
				if !errors.Is(errs[i], errBad) || v != "none" {
					t.Errorf("write %d failed: error %v, setting %q; want its error and nothing saved", i, errs[i], v)
				}
			case 2:
				if panics[i] != fmt.Sprintf("write %d", i) || v != "none" {
					t.Errorf("write %d panicked: recovered %v, setting %q; want its panic and nothing saved", i, panics[i], v)
				}
			default:
				if errs[i] != nil || panics[i] != nil || v != "second" {
					t.Errorf("write %d: error %v, panic %v, setting %q; want it whole", i, errs[i], panics[i], v)
				}
			}
		}
	})
}

// TestWriteRunsToItsEnd: a write whose caller stops waiting once it has
// started stays whole: on SQLite it runs to its end and commits (it may
// share its commit with others), on PostgreSQL it is rolled back. One
// whose caller left before it started runs not at all.
func TestWriteRunsToItsEnd(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.SetSetting(ctx, "a", "1"); err != nil {
				return err
			}
			cancel()
			return tx.SetSetting(ctx, "b", "2")
		})
		saved := s.Dialect() == "sqlite"
		if (err == nil) != saved {
			t.Fatalf("a started write whose caller left: %v; want it saved: %v", err, saved)
		}
		for _, k := range []string{"a", "b"} {
			if v, err := s.Setting(context.Background(), k, ""); err != nil || (v != "") != saved {
				t.Errorf("setting %s = %q, %v; want it saved: %v", k, v, err, saved)
			}
		}
		if err := s.Write(ctx, func(tx *store.Tx) error {
			t.Error("a write whose caller left before it started ran")
			return nil
		}); !errors.Is(err, context.Canceled) {
			t.Errorf("write after its caller left: %v; want context.Canceled", err)
		}
	})
}
