package store_test

import (
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestSearchOfCommonWords: a search for words many cases hold finds every
// match newest first whichever way the engine goes. On PostgreSQL a word
// the planner thinks common is first looked for in the newest cases alone;
// when they hold less than a page (the word's cases are all older), the
// matches are counted and walked as before, and nothing is missed.
func TestSearchOfCommonWords(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		s.EstimateSearchesFrom(1_000)
		fx := fixture.New(t, s)
		co := fx.Company("Common Words Co")
		fx.Contract(co)
		dana := fx.Contact(co, desk.ReadWrite)
		const old, newer = 2_500, 6_000
		first, err := s.InsertCases(ctx, wordCases(fx, dana, old, "walrus"))
		if err != nil || first != old {
			t.Fatalf("InsertCases = %d, %v", first, err)
		}
		if n, err := s.InsertCases(ctx, wordCases(fx, dana, newer, "beluga")); err != nil || n != newer {
			t.Fatalf("InsertCases = %d, %v", n, err)
		}
		// The newest cases are open, as new cases are: a search of the
		// closed ones walks past them.
		const open = 1_500
		if n, err := s.InsertCases(ctx, wordCases(fx, dana, open, "orca", func(c *desk.Case) {
			c.Status, c.SubStatus, c.ClosedAt = desk.StatusOpen, desk.SubNew, time.Time{}
		})); err != nil || n != open {
			t.Fatalf("InsertCases = %d, %v", n, err)
		}
		closed := desk.CaseFilter{
			Scope: desk.CaseScope{All: true}, List: desk.Queue, Statuses: []desk.Status{desk.StatusClosed},
			Keywords: "routine", Limit: desk.MaxPageSize,
		}
		var found []int64
		for {
			page, err := s.Cases(ctx, closed)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Cases {
				found = append(found, c.ID)
			}
			if closed.After = page.Next; page.Next == "" {
				break
			}
		}
		all := searchAll(t, s, "routine")[open:]
		if !slices.Equal(found, all) {
			t.Errorf("search routine in closed cases: %d cases, want the %d closed ones newest first", len(found), len(all))
		}
		if len(all) != old+newer || !slices.IsSortedFunc(all, func(a, b int64) int { return int(b - a) }) {
			t.Fatalf("search routine: %d cases (sorted newest first: %v), want %d", len(all), slices.IsSortedFunc(all, func(a, b int64) int { return int(b - a) }), old+newer)
		}
		walrus := searchAll(t, s, "walrus")
		if want := all[newer:]; !slices.Equal(walrus, want) {
			t.Errorf("search walrus: %d cases, want the %d oldest, newest first", len(walrus), len(want))
		}
		if beluga := searchAll(t, s, "beluga"); !slices.Equal(beluga, all[:newer]) {
			t.Errorf("search beluga: %d cases, want the %d newest", len(beluga), newer)
		}
		if s.Dialect() != "postgres" {
			return
		}
		for _, words := range []string{"routine", "walrus"} {
			f := desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, Statuses: desk.Statuses, Keywords: words}
			if recent, err := s.SearchWalksRecent(ctx, f); err != nil || !recent {
				t.Errorf("search %s: walks the newest cases first = %v, %v; want true (the planner thinks it common)", words, recent, err)
			}
		}
	})
}

func wordCases(fx *fixture.Builder, contact *desk.User, n int, word string, change ...func(*desk.Case)) iter.Seq[*desk.Case] {
	p := fx.DefaultProduct()
	return func(yield func(*desk.Case) bool) {
		for i := range n {
			c := desk.Case{
				SoldToID: contact.CompanyID, EndUserID: contact.CompanyID, ContactID: contact.ID,
				Type: desk.TypeSupport, SubType: "Problem", ProductID: p.ID, ComponentID: p.Components[0],
				Summary: fmt.Sprintf("%s case %d", word, i), Description: "routine trouble",
				Priority: desk.PriorityLow, Status: desk.StatusClosed, SubStatus: desk.SubResolved, Stage: desk.StageProduction,
				CreatedAt: fx.Now(), UpdatedAt: fx.Now(), ClosedAt: fx.Now(),
			}
			for _, ch := range change {
				ch(&c)
			}
			if !yield(&c) {
				return
			}
		}
	}
}
