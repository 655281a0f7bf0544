package kb_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/benchdata"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// The knowledge search benchmarks run kb.Service.Search as a contact (so
// staff-only items are left out) on the knowledge data set of
// benchdata.NewKB, 100,000 items unless CASEPORT_BENCH_KB names other
// sizes, kept between runs (storetest.Kept). Each class reports the
// median and the 99th percentile of its searches, facets included. See
// docs/benchmarks.md for the command and the figures.

func kbBenchSizes(b *testing.B) []int {
	raw := os.Getenv("CASEPORT_BENCH_KB")
	if raw == "" {
		return []int{100_000}
	}
	var sizes []int
	for f := range strings.SplitSeq(raw, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("CASEPORT_BENCH_KB=%q: want sizes like 20000,100000", raw)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// kbArticles finds the articles the knowledge data set is made of, or
// skips the benchmark, saying why.
func kbArticles(b *testing.B) string {
	path, err := benchdata.FindKBArticles(os.Getenv(benchdata.EnvKBArticles))
	if errors.Is(err, benchdata.ErrNoKBArticles) {
		b.Skipf("the knowledge data set is made of kb-articles.jsonl: %v", err)
	}
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// eachKBDataSet runs fn as a sub-benchmark on every engine and size with
// the knowledge data set loaded: in the kept store, or in a copy of it when
// fn writes.
func eachKBDataSet(b *testing.B, writes bool, fn func(b *testing.B, s *store.Store, n int, sh *benchdata.KBShape, cat *benchdata.KBCatalog)) {
	path := kbArticles(b)
	ctx := context.Background()
	for _, e := range storetest.Engines(b) {
		for _, n := range kbBenchSizes(b) {
			b.Run(e.Name+"/"+benchdata.SizeName(n), func(b *testing.B) {
				sh, err := benchdata.NewKB(n, path)
				if err != nil {
					b.Fatal(err)
				}
				var cat *benchdata.KBCatalog
				prepare := func(s *store.Store) error {
					var took time.Duration
					var err error
					if cat, took, err = benchdata.PrepareKB(ctx, s, sh); err != nil {
						return fmt.Errorf("the data set %s on %s: %w", sh.Name(), e.Name, err)
					}
					if took > 0 {
						b.Logf("loaded %s on %s in %s", sh.Name(), e.Name, took.Round(time.Second/10))
					}
					return nil
				}
				var s *store.Store
				if writes {
					s = storetest.KeptCopy(b, e, sh.Name(), prepare)
				} else {
					s = storetest.Kept(b, e, sh.Name())
				}
				if cat == nil {
					if err := prepare(s); err != nil {
						b.Fatal(err)
					}
				}
				fn(b, s, n, sh, cat)
			})
		}
	}
}

// BenchmarkKBSearch measures each class of query of issue 13 §8 on every
// engine.
func BenchmarkKBSearch(b *testing.B) {
	contact := &desk.Actor{User: &desk.User{ID: 1000, Kind: desk.KindContact}}
	ctx := context.Background()
	eachKBDataSet(b, false, func(b *testing.B, s *store.Store, n int, _ *benchdata.KBShape, cat *benchdata.KBCatalog) {
		svc := kb.New(kb.Deps{Store: s})
		// The first search reads the store's memory of the items,
		// their words included: how long that takes and what it
		// holds.
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		if _, err := svc.Search(ctx, contact, kb.Query{Q: "configure"}); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.Logf("the memory of %d items: read in %s, %d MB", n, took.Round(time.Second/10),
			(int64(after.HeapAlloc)-int64(before.HeapAlloc))>>20)
		classes := []struct {
			name string
			q    kb.Query
		}{
			{"word", kb.Query{Q: "configure"}},
			{"three-words", kb.Query{Q: "configure email inbox"}},
			{"phrase", kb.Query{Q: `"environment variables"`}},
			{"near", kb.Query{Q: "server NEAR:5 database"}},
			{"wildcard", kb.Query{Q: "*stall*"}},
			{"two-filters", kb.Query{
				Q: "configure", Sources: []desk.KBSource{desk.KBArticles},
				ProductLines: []int64{cat.Lines[1]},
			}},
			{"by-date", kb.Query{Q: "configure", Sort: desk.KBNewest}},
		}
		for _, c := range classes {
			b.Run(c.name, func(b *testing.B) {
				res, err := svc.Search(ctx, contact, c.q)
				if err != nil {
					b.Fatal(err)
				}
				if res.Total == 0 || len(res.Hits) == 0 {
					b.Fatalf("%q finds nothing", c.q.Q)
				}
				times := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for b.Loop() {
					start := time.Now()
					if _, err := svc.Search(ctx, contact, c.q); err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(start))
				}
				b.StopTimer()
				slices.Sort(times)
				at := func(p float64) float64 {
					return float64(times[min(len(times)-1, int(p*float64(len(times))))]) / float64(time.Millisecond)
				}
				b.ReportMetric(at(0.50), "p50-ms")
				b.ReportMetric(at(0.99), "p99-ms")
				b.ReportMetric(float64(res.Total), "found")
			})
		}
	})
}
