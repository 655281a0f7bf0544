package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/benchdata"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// The queue's orders page through every open case once, in order, by
// keyset: the deadline order lists the running clocks soonest first and
// then, never hiding them, the cases without one, latest activity first;
// the counts agree with the pages.
func TestQueueOrders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := seedWorld(t, s)
		type made struct {
			id      int64
			updated time.Time
			due     time.Time // zero: no running clock
		}
		var cases []made
		var escalated []int64
		err := s.Write(ctx, func(tx *store.Tx) error {
			for i := range 30 {
				updated := t0.Add(time.Duration(i%4) * time.Minute)
				c := w.openCase("queue case", updated)
				if i%10 == 9 {
					c.Status, c.SubStatus, c.ClosedAt = desk.StatusClosed, desk.SubResolved, updated
				}
				id, err := tx.CreateCase(ctx, &c)
				if err != nil {
					return err
				}
				m := made{id: id, updated: updated}
				if i%3 != 0 {
					// Deadlines on few distinct times, as page boundaries
					// between equal sort times must hold.
					m.due = t0.Add(time.Duration(i%5) * time.Hour)
					clock := desk.Clock{CaseID: id, Kind: desk.ClockResponse, Amount: 60, Unit: desk.UnitMinutes, StartedAt: t0, DueAt: m.due}
					if err := tx.SaveClock(ctx, &clock); err != nil {
						return err
					}
				}
				if i%7 == 0 && c.Status != desk.StatusClosed {
					if _, err := tx.CreateEscalation(ctx, &desk.Escalation{
						CaseID: id, Reason: desk.EscalationReasons[0], State: desk.EscalationRequested, RequestedBy: w.alice, CreatedAt: t0,
					}); err != nil {
						return err
					}
					escalated = append(escalated, id)
				}
				if c.Status != desk.StatusClosed {
					cases = append(cases, m)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ids := func(keep func(made) bool, cmpf func(x, y made) int) []int64 {
			var out []int64
			sorted := slices.Clone(cases)
			slices.SortStableFunc(sorted, cmpf)
			for _, m := range sorted {
				if keep == nil || keep(m) {
					out = append(out, m.id)
				}
			}
			return out
		}
		byUpdatedDesc := func(x, y made) int {
			if c := y.updated.Compare(x.updated); c != 0 {
				return c
			}
			return int(y.id - x.id)
		}
		byDeadline := func(x, y made) int {
			switch {
			case x.due.IsZero() != y.due.IsZero():
				if x.due.IsZero() {
					return 1
				}
				return -1
			case x.due.IsZero():
				return byUpdatedDesc(x, y)
			}
			if c := x.due.Compare(y.due); c != 0 {
				return c
			}
			return int(x.id - y.id)
		}
		soon := t0.Add(2*time.Hour + time.Minute)
		tests := []struct {
			name string
			f    desk.CaseFilter
			want []int64
		}{
			{"latest activity first", desk.CaseFilter{}, ids(nil, byUpdatedDesc)},
			{"oldest activity first", desk.CaseFilter{Order: desk.OrderUpdatedAsc}, ids(nil, func(x, y made) int { return -byUpdatedDesc(x, y) })},
			{"newest case first", desk.CaseFilter{Order: desk.OrderNumber}, ids(nil, func(x, y made) int { return int(y.id - x.id) })},
			{"oldest case first", desk.CaseFilter{Order: desk.OrderNumberAsc}, ids(nil, func(x, y made) int { return int(x.id - y.id) })},
			{"deadline, then no clock", desk.CaseFilter{Order: desk.OrderDeadline}, ids(nil, byDeadline)},
			{
				"due within 2 hours",
				desk.CaseFilter{Order: desk.OrderDeadline, DueBefore: soon},
				ids(func(m made) bool { return !m.due.IsZero() && m.due.Before(soon) }, byDeadline),
			},
			{"escalated", desk.CaseFilter{Escalated: true}, ids(func(m made) bool { return slices.Contains(escalated, m.id) }, byUpdatedDesc)},
			{"unassigned", desk.CaseFilter{Unassigned: true}, ids(nil, byUpdatedDesc)},
		}
		for _, tt := range tests {
			for _, limit := range []int{1, 4, 7, 100} {
				f := tt.f
				f.Scope, f.List, f.Limit = desk.CaseScope{All: true}, desk.Queue, limit
				var got []int64
				for pages := 0; ; pages++ {
					if pages > len(cases)+1 {
						t.Fatalf("%s by %d: the cursor does not advance", tt.name, limit)
					}
					page, err := s.Cases(ctx, f)
					if err != nil {
						t.Fatalf("%s by %d, page %d: %v", tt.name, limit, pages+1, err)
					}
					if len(page.Cases) > limit || page.Next != "" && len(page.Cases) != limit {
						t.Errorf("%s by %d, page %d: %d cases", tt.name, limit, pages+1, len(page.Cases))
					}
					for _, r := range page.Cases {
						got = append(got, r.ID)
					}
					if page.Next == "" {
						break
					}
					f.After = page.Next
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s by %d (-want +got):\n%s", tt.name, limit, diff)
				}
			}
			f := tt.f
			f.Scope, f.List = desk.CaseScope{All: true}, desk.Queue
			if n, err := s.CountCases(ctx, f); err != nil || n != len(tt.want) {
				t.Errorf("CountCases(%s) = %d, %v; want %d", tt.name, n, err, len(tt.want))
			}
		}
	})
}

// Saved views: personal ones by owner, shared ones for all, each name
// once per owner and once among the shared.
func TestQueueViews(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := seedWorld(t, s)
		create := func(name string, owner int64) (int64, error) {
			var viewID int64
			err := s.Write(ctx, func(tx *store.Tx) error {
				var err error
				viewID, err = tx.CreateQueueView(ctx, &desk.QueueView{Name: name, OwnerID: owner, Query: "owner=me", CreatedAt: t0})
				return err
			})
			return viewID, err
		}
		mine, err := create("Mine", w.agent)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := create("Mine", w.agent2); err != nil {
			t.Errorf("another person's view of the same name: %v", err)
		}
		if _, err := create("Mine", 0); err != nil {
			t.Errorf("a shared view of the same name: %v", err)
		}
		if _, err := create("Mine", w.agent); !desk.ConflictOn(err, store.UniquePersonalView) {
			t.Errorf("the same name twice = %v, want a conflict on %s", err, store.UniquePersonalView)
		}
		if _, err := create("Mine", 0); !desk.ConflictOn(err, store.UniqueSharedView) {
			t.Errorf("the same shared name twice = %v, want a conflict on %s", err, store.UniqueSharedView)
		}
		views, err := s.QueueViews(ctx, w.agent)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, v := range views {
			got = append(got, v.OwnerID)
		}
		if diff := cmp.Diff([]int64{0, w.agent}, got); diff != "" {
			t.Errorf("views of the agent, by owner (-want +got):\n%s", diff)
		}
		err = s.Write(ctx, func(tx *store.Tx) error {
			if n, err := tx.CountQueueViews(ctx, w.agent); err != nil || n != 1 {
				t.Errorf("CountQueueViews(agent) = %d, %v; want 1", n, err)
			}
			if n, err := tx.CountQueueViews(ctx, 0); err != nil || n != 1 {
				t.Errorf("CountQueueViews(shared) = %d, %v; want 1", n, err)
			}
			return tx.DeleteQueueView(ctx, mine)
		})
		if err != nil {
			t.Fatal(err)
		}
		if views, _ := s.QueueViews(ctx, w.agent); len(views) != 1 || !views[0].Shared() {
			t.Errorf("after the delete: %+v, want the shared view alone", views)
		}
	})
}

// The views' counts and the global search read ranges of indexes, never
// the whole table: SQLite's plans (it has no statistics to change its
// mind at a million rows) name an index for every table they read.
func TestQueueCountsAndFindUseIndexes(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, storetest.Engines(t)[0])
	if s.Dialect() != "sqlite" {
		t.Skip("the first engine is SQLite")
	}
	ctx := context.Background()
	open := []desk.Status{desk.StatusOpen, desk.StatusAwaitingInformation, desk.StatusSolutionProposed}
	counts := map[string]desk.CaseFilter{
		"mine":       {OwnerID: 7, Statuses: open},
		"unassigned": {Unassigned: true, Statuses: open},
		"breaching":  {DueBefore: t0, Statuses: open},
		"awaiting":   {Statuses: []desk.Status{desk.StatusAwaitingInformation, desk.StatusSolutionProposed}},
		"escalated":  {Escalated: true, Statuses: open},
		"not closed": {Statuses: open},
		"high":       {Priorities: []desk.Priority{desk.PriorityHigh}, Statuses: open},
	}
	for name, f := range counts {
		f.List, f.Scope = desk.Queue, desk.CaseScope{All: true}
		plan, err := s.ExplainCount(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range plan {
			if (line == "SCAN c" || strings.HasPrefix(line, "SCAN c ") || strings.HasPrefix(line, "SCAN e")) && !strings.Contains(line, "INDEX") {
				t.Errorf("the count of %s scans a table: %q", name, plan)
			}
		}
	}
	companies, contacts, err := s.ExplainFind(ctx, "ab")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"companies_name_lower", "sqlite_autoindex_companies_1"} {
		if !slices.ContainsFunc(companies, func(l string) bool { return strings.Contains(l, want) }) {
			t.Errorf("finding companies does not read %s: %q", want, companies)
		}
	}
	for _, want := range []string{"users_name_lower", "users_last_name_lower", "sqlite_autoindex_users_1"} {
		if !slices.ContainsFunc(contacts, func(l string) bool { return strings.Contains(l, want) }) {
			t.Errorf("finding contacts does not read %s: %q", want, contacts)
		}
	}
	for _, l := range slices.Concat(companies, contacts) {
		if (strings.HasPrefix(l, "SCAN companies") || strings.HasPrefix(l, "SCAN users")) && !strings.Contains(l, "INDEX") {
			t.Errorf("the global search scans a table: %q", l)
		}
	}
}

// BenchmarkQueueCounts measures the queue's sidebar: the count of each
// built-in view (each stops at desk.CountLimit) and the global search's
// finds of companies and contacts, on the benchmarks' data set.
func BenchmarkQueueCounts(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, n := range benchSizes(b) {
			b.Run(e.Name+"/"+benchdata.SizeName(n), func(b *testing.B) {
				d := openBenchSet(b, e, n)
				ctx := context.Background()
				open := []desk.Status{desk.StatusOpen, desk.StatusAwaitingInformation, desk.StatusSolutionProposed}
				all := desk.CaseScope{All: true}
				for _, v := range []struct {
					name string
					f    func(i int) desk.CaseFilter
				}{
					{"mine", func(i int) desk.CaseFilter { return desk.CaseFilter{OwnerID: d.staff[i%len(d.staff)], Statuses: open} }},
					{"unassigned", func(int) desk.CaseFilter { return desk.CaseFilter{Unassigned: true, Statuses: open} }},
					{"breaching", func(int) desk.CaseFilter {
						return desk.CaseFilter{DueBefore: time.Now().Add(2 * time.Hour), Statuses: open}
					}},
					{"awaiting", func(int) desk.CaseFilter {
						return desk.CaseFilter{Statuses: []desk.Status{desk.StatusAwaitingInformation, desk.StatusSolutionProposed}}
					}},
					{"escalated", func(int) desk.CaseFilter { return desk.CaseFilter{Escalated: true, Statuses: open} }},
					{"not-closed", func(int) desk.CaseFilter { return desk.CaseFilter{Statuses: open} }},
				} {
					b.Run("count-"+v.name, func(b *testing.B) {
						i := 0
						for b.Loop() {
							f := v.f(i)
							f.List, f.Scope = desk.Queue, all
							if _, err := d.s.CountCases(ctx, f); err != nil {
								b.Fatal(err)
							}
							i++
						}
					})
				}
				b.Run("find", func(b *testing.B) {
					for b.Loop() {
						if _, err := d.s.FindCompanies(ctx, "co", 5); err != nil {
							b.Fatal(err)
						}
						if _, err := d.s.FindContacts(ctx, "jo", 5); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}
