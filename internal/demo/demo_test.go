package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestLoadIfEmptyAtOnce: instances started at once with --demo on one new
// store all come up, and the demo world is loaded once. Each has its own
// connections, as separate processes would; before, each saw the store
// empty and all but one failed on "A product with this name exists".
func TestLoadIfEmptyAtOnce(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			url := e.URL(t)
			s := storetest.Open(t, storetest.Engine{Name: e.Name, URL: func(testing.TB) string { return url }})
			const n = 3
			type result struct {
				loaded bool
				err    error
			}
			results := make(chan result, n)
			start := make(chan struct{})
			now := time.Now()
			for range n {
				go func() {
					<-start
					ctx := context.Background()
					s, err := store.Open(ctx, url)
					if err != nil {
						results <- result{err: err}
						return
					}
					w, err := demo.LoadIfEmpty(ctx, s, now)
					results <- result{loaded: w != nil, err: errors.Join(err, s.Close())}
				}()
			}
			close(start)
			loads := 0
			for range n {
				r := <-results
				if r.err != nil {
					t.Errorf("LoadIfEmpty with %d starting at once: %v", n, r.err)
				}
				if r.loaded {
					loads++
				}
			}
			if loads != 1 {
				t.Errorf("the demo world was loaded %d times by %d starts, want once", loads, n)
			}
			cat, err := s.Catalog(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if want := 6; len(cat.Products) != want {
				t.Errorf("%d products after the starts, want %d", len(cat.Products), want)
			}
		})
	}
}
