package store_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/benchdata"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// The case benchmarks run against data sets of 100,000 and 1,000,000
// cases (CASEPORT_BENCH_CASES overrides the sizes, comma-separated), of
// the shape benchdata describes: about 1,000 cases per customer company,
// each company writing from its own half of a vocabulary, one rare word
// in every 10,000 cases. A data set is built once and kept between runs
// (storetest.Kept); its name carries benchdata.Version, so a store of an
// older shape is never reused. See docs/benchmarks.md for the command and
// figures.

func benchSizes(b *testing.B) []int {
	raw := os.Getenv("CASEPORT_BENCH_CASES")
	if raw == "" {
		return []int{100_000, 1_000_000}
	}
	var sizes []int
	for f := range strings.SplitSeq(raw, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("CASEPORT_BENCH_CASES=%q: want sizes like 100000,1000000", raw)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// benchSet is a built data set and the IDs the benchmarks pick from.
type benchSet struct {
	s         *store.Store
	sh        *benchdata.Shape
	n         int
	companies []int64 // in the shape's order
	contacts  []int64 // benchdata.ContactsPerCompany per company, in company order
	staff     []int64
	products  []int64
	comps     []int64 // benchdata.ComponentsPer per product
}

func (d *benchSet) company(i int) int { return i % len(d.companies) }

func (d *benchSet) combo(i int) desk.Combination {
	c := d.companies[d.company(i)]
	return desk.Combination{SoldToID: c, EndUserID: c}
}

// openBenchSet returns the kept data set of n cases on the engine,
// loading it first if it is not there.
func openBenchSet(b *testing.B, e storetest.Engine, n int) *benchSet {
	b.Helper()
	ctx := context.Background()
	sh := benchdata.New(n)
	s := storetest.Kept(b, e, sh.Name())
	took, err := benchdata.Prepare(ctx, s, sh)
	if err != nil {
		b.Fatalf("the data set %s on %s: %v", sh.Name(), e.Name, err)
	}
	if took != nil {
		b.Logf("loaded %s on %s in %s (people %s, cases %s)", sh.Name(), e.Name, (took.People + took.Cases).Round(time.Second/10),
			took.People.Round(time.Second/10), took.Cases.Round(time.Second/10))
	}
	d := &benchSet{s: s, sh: sh, n: n}
	d.companies = ids(b, s, "SELECT id FROM companies ORDER BY org_id")
	d.contacts = ids(b, s, "SELECT u.id FROM users u JOIN companies c ON c.id = u.company_id WHERE u.kind = 'contact' ORDER BY c.org_id, u.id")
	d.staff = ids(b, s, "SELECT id FROM users WHERE kind = 'staff' ORDER BY id")
	d.products = ids(b, s, "SELECT id FROM products ORDER BY id")
	d.comps = ids(b, s, "SELECT id FROM components ORDER BY product_id, id")
	return d
}

func ids(b *testing.B, s *store.Store, query string) []int64 {
	b.Helper()
	out, err := s.IDs(context.Background(), query)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkCases measures the case lists and search on every engine at
// every data set size.
func BenchmarkCases(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, n := range benchSizes(b) {
			b.Run(e.Name+"/"+benchdata.SizeName(n), func(b *testing.B) {
				d := openBenchSet(b, e, n)
				benchCaseLists(b, d)
			})
		}
	}
}

func benchCaseLists(b *testing.B, d *benchSet) {
	ctx := context.Background()
	// findsNothing are the lists that must find no case.
	findsNothing := map[string]bool{"search-customer-absent": true}
	list := func(name string, filter func(i int) desk.CaseFilter) {
		b.Run(name, func(b *testing.B) {
			if testing.Verbose() {
				plan, err := d.s.ExplainCases(ctx, filter(0))
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("plan:\n\t%s", strings.Join(plan, "\n\t"))
			}
			i, found := 0, 0
			for b.Loop() {
				page, err := d.s.Cases(ctx, filter(i))
				if err != nil {
					b.Fatal(err)
				}
				found += len(page.Cases)
				i++
			}
			b.ReportMetric(float64(found)/float64(i), "cases/op")
			switch {
			case found == 0 && !findsNothing[name]:
				b.Fatalf("%s found nothing in %d lists", name, i)
			case found > 0 && findsNothing[name]:
				b.Fatalf("%s found %d cases in %d lists, want none", name, found, i)
			}
		})
	}
	contactScope := func(i int) desk.CaseScope {
		return desk.CaseScope{Combinations: []desk.Combination{d.combo(i)}}
	}
	// A contact's My Cases: the first page of their open cases.
	list("my-cases", func(i int) desk.CaseFilter {
		company := d.company(i)
		return desk.CaseFilter{
			Scope: contactScope(company), List: desk.MyCases,
			ContactID: d.contacts[company*benchdata.ContactsPerCompany+(i/len(d.companies))%benchdata.ContactsPerCompany],
		}
	})
	// Group Cases of a company, and its Closed Cases (the long list).
	list("group-cases", func(i int) desk.CaseFilter {
		return desk.CaseFilter{Scope: contactScope(i), List: desk.GroupCases}
	})
	list("closed-cases", func(i int) desk.CaseFilter {
		return desk.CaseFilter{Scope: contactScope(i), List: desk.ClosedCases}
	})
	// The staff queue: everything not closed, newest first; and one owner.
	list("queue", func(int) desk.CaseFilter {
		return desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue}
	})
	list("queue-owner", func(i int) desk.CaseFilter {
		return desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, OwnerID: d.staff[i%len(d.staff)]}
	})
	// Keyword search inside a customer's Closed Cases: a word common in
	// them, and a word common overall that their cases never hold (which
	// finds nothing, however long it looks); and across every closed case
	// for staff: two common words, and a rare word.
	list("search-customer", func(i int) desk.CaseFilter {
		return desk.CaseFilter{Scope: contactScope(i), List: desk.ClosedCases, Keywords: d.sh.ClosedWord(d.company(i))}
	})
	list("search-customer-absent", func(i int) desk.CaseFilter {
		return desk.CaseFilter{Scope: contactScope(i), List: desk.ClosedCases, Keywords: d.sh.AbsentWord(d.company(i))}
	})
	common := d.sh.CommonWords()
	list("search-staff-common", func(int) desk.CaseFilter {
		return desk.CaseFilter{
			Scope: desk.CaseScope{All: true}, List: desk.Queue,
			Statuses: []desk.Status{desk.StatusClosed}, Keywords: common[0] + " " + common[1],
		}
	})
	list("search-staff-rare", func(int) desk.CaseFilter {
		return desk.CaseFilter{
			Scope: desk.CaseScope{All: true}, List: desk.Queue,
			Statuses: []desk.Status{desk.StatusClosed}, Keywords: benchdata.RareWord,
		}
	})
	list("case-number", func(i int) desk.CaseFilter {
		return desk.CaseFilter{
			Scope: desk.CaseScope{All: true}, List: desk.Queue,
			Statuses: desk.Statuses, Number: 1_000_001 + int64((i*7919)%d.n),
		}
	})
}

// BenchmarkCreateCase measures opening a case (the case row and its first
// feed entry, in one transaction) in a store that already holds n cases:
// one write at a time ("serial"), and eight at once ("c8", as the HTTP
// load client sends them), where SQLite commits the writes waiting
// together (batcher). It is the floor under `caseport bench`'s
// open-case: the rest of a create (audit, clock, jobs, email) and the
// request come on top. The cases it adds are removed afterwards, so the
// kept data set stays as built.
func BenchmarkCreateCase(b *testing.B) {
	ctx := context.Background()
	for _, e := range storetest.Engines(b) {
		for _, n := range benchSizes(b) {
			b.Run(e.Name+"/"+benchdata.SizeName(n), func(b *testing.B) {
				d := openBenchSet(b, e, n)
				b.Cleanup(func() {
					err := d.s.Write(ctx, func(tx *store.Tx) error {
						last := 1_000_000 + int64(d.n)
						if err := tx.Exec(ctx, "DELETE FROM case_entries WHERE case_id > ?", last); err != nil {
							return err
						}
						return tx.Exec(ctx, "DELETE FROM cases WHERE id > ?", last)
					})
					if err != nil {
						b.Error(err)
					}
				})
				var opened atomic.Int64
				create := func() error {
					i := int(opened.Add(1))
					company := d.company(i)
					now := time.Now().UTC()
					summary, description := d.sh.NewCaseText(company, i)
					c := &desk.Case{
						SoldToID: d.companies[company], EndUserID: d.companies[company],
						ContactID: d.contacts[company*benchdata.ContactsPerCompany], Type: desk.TypeSupport, SubType: "Problem",
						ProductID: d.products[0], ComponentID: d.comps[0],
						Summary: summary, Description: description,
						Priority: desk.PriorityMedium, Status: desk.StatusOpen, SubStatus: desk.SubNew,
						Stage: desk.StageProduction, CreatedAt: now, UpdatedAt: now,
					}
					return d.s.Write(ctx, func(tx *store.Tx) error {
						id, err := tx.CreateCase(ctx, c)
						if err != nil {
							return err
						}
						_, err = tx.AddEntry(ctx, &desk.Entry{
							CaseID: id, Kind: desk.EntryEvent, AuthorID: c.ContactID,
							Body: "Case opened on the portal.", CreatedAt: now,
						})
						return err
					})
				}
				b.Run("serial", func(b *testing.B) {
					for b.Loop() {
						if err := create(); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run("c8", func(b *testing.B) {
					// RunParallel starts GOMAXPROCS×parallelism goroutines.
					b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := create(); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			})
		}
	}
}
