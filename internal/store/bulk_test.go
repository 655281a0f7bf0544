package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestInsertCases loads cases in bulk into a store that holds one case
// already, and checks that every case is there in order, found by its
// words, that the schema (indexes and SQLite's triggers) is as the
// migrations made it, and that a load that fails leaves nothing behind.
func TestInsertCases(t *testing.T) {
	t.Parallel()
	storetest.EachAt(t, func(t *testing.T, engine, url string) {
		ctx := t.Context()
		s := storetest.OpenAt(t, url)
		migrated := schemaWithTriggers(t, engine, url)
		fx := fixture.New(t, s)
		co := fx.Company("Bulk Co")
		fx.Contract(co)
		dana := fx.Contact(co, desk.ReadWrite)
		old := fx.Case(dana, func(c *desk.Case) { c.Summary = "walrus seen before the load" })

		const n = 1234 // two full statements and a part of one
		got, err := s.InsertCases(ctx, bulkCases(fx, dana, n, 0))
		if err != nil || got != n {
			t.Fatalf("InsertCases(%d cases) = %d, %v", n, got, err)
		}
		// The first number an identity gives moves on as rows are written.
		sameSchema := cmpopts.IgnoreFields(column{}, "NextID")
		if diff := cmp.Diff(migrated, schemaWithTriggers(t, engine, url), sameSchema); diff != "" {
			t.Errorf("the schema after InsertCases differs from the migrated one (-migrated +after):\n%s", diff)
		}
		for _, i := range []int{0, 617, n - 1} {
			c, err := s.Case(ctx, old.ID+1+int64(i))
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("bulk case %d", i); c.Summary != want || c.ReferenceID == "" {
				t.Errorf("case %s: summary %q, Reference ID %q; want %q and a Reference ID", c.Number(), c.Summary, c.ReferenceID, want)
			}
		}
		// A case written after the load is indexed as it is written.
		beluga := fx.Case(dana, func(c *desk.Case) { c.Summary = "beluga after the load" })
		for _, search := range []struct {
			words string
			want  int
		}{
			{"bulk", n},
			{"narwhal", 13}, // cases 0, 100, …, 1200
			{"walrus", 1},
			{"beluga", 1},
		} {
			if found := searchAll(t, s, search.words); len(found) != search.want {
				t.Errorf("search %q: %d cases, want %d", search.words, len(found), search.want)
			}
		}
		if found := searchAll(t, s, "beluga"); len(found) == 1 && found[0] != beluga.ID {
			t.Errorf("search beluga found case %d, want %d", found[0], beluga.ID)
		}
		// A customer's search reads what the text index holds of a
		// case's scope too.
		mine := desk.CaseFilter{
			Scope: desk.CaseScope{Combinations: []desk.Combination{{SoldToID: co.ID, EndUserID: co.ID}}},
			List:  desk.ClosedCases, Keywords: "narwhal", Limit: desk.MaxPageSize,
		}
		page, err := s.Cases(ctx, mine)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Cases) != 13 {
			t.Errorf("the customer's search for narwhal in Closed Cases: %d cases, want 13", len(page.Cases))
		}
		if engine == "postgres" {
			// The statistics ANALYZE keeps (CREATE INDEX counts the rows too).
			rows, err := s.IDs(ctx, `SELECT count(*) FROM pg_stats WHERE tablename = 'cases' AND attname = 'status'`)
			if err != nil || len(rows) != 1 || rows[0] != 1 {
				t.Errorf("the planner has %v statistics of cases.status (%v), want them: InsertCases should have analyzed the cases", rows, err)
			}
		}

		t.Run("a load that fails", func(t *testing.T) {
			_, err := s.InsertCases(ctx, bulkCases(fx, dana, 700, 650))
			if !errors.Is(err, desk.ErrNotFound) {
				t.Errorf("InsertCases(a case of a contact that does not exist) = %v, want ErrNotFound", err)
			}
			if found := searchAll(t, s, "bulk"); len(found) != n {
				t.Errorf("after the failed load, search bulk: %d cases, want the %d of before", len(found), n)
			}
			if diff := cmp.Diff(migrated, schemaWithTriggers(t, engine, url), sameSchema); diff != "" {
				t.Errorf("the schema after a failed InsertCases differs from the migrated one (-migrated +after):\n%s", diff)
			}
		})
	})
}

// bulkCases are n cases of contact: "bulk case i", one in a hundred
// about a narwhal. Case bad, when not zero, names a contact that does not
// exist.
func bulkCases(fx *fixture.Builder, contact *desk.User, n, bad int) iter.Seq[*desk.Case] {
	p := fx.DefaultProduct()
	return func(yield func(*desk.Case) bool) {
		var c desk.Case
		for i := range n {
			c = desk.Case{
				SoldToID: contact.CompanyID, EndUserID: contact.CompanyID, ContactID: contact.ID,
				Type: desk.TypeSupport, SubType: "Problem", ProductID: p.ID, ComponentID: p.Components[0],
				Summary: fmt.Sprintf("bulk case %d", i), Description: "routine trouble",
				Priority: desk.PriorityLow, Status: desk.StatusClosed, SubStatus: desk.SubResolved, Stage: desk.StageProduction,
				CreatedAt: fx.Now(), UpdatedAt: fx.Now(), ClosedAt: fx.Now(),
			}
			if i%100 == 0 {
				c.Description = "a narwhal in the trunk"
			}
			if bad != 0 && i == bad {
				c.ContactID = contact.ID + 1_000_000
			}
			if !yield(&c) {
				return
			}
		}
	}
}

// searchAll returns the case numbers of every case a staff search for
// words finds.
func searchAll(t *testing.T, s *store.Store, words string) []int64 {
	t.Helper()
	f := desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, Statuses: desk.Statuses, Keywords: words, Limit: desk.MaxPageSize}
	var out []int64
	for {
		page, err := s.Cases(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Cases {
			out = append(out, c.ID)
		}
		if page.Next == "" {
			return out
		}
		f.After = page.Next
	}
}

// schemaWithTriggers is readSchema's schema and, on SQLite, the triggers
// (which keep the text index in step).
func schemaWithTriggers(t *testing.T, engine, url string) (out struct {
	Schema   schema
	Triggers []string
},
) {
	t.Helper()
	ctx := context.Background()
	s, err := readSchema(ctx, engine, url)
	if err != nil {
		t.Fatalf("read the schema: %v", err)
	}
	out.Schema = s
	path, ok := strings.CutPrefix(url, "sqlite://")
	if !ok {
		return out
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = each(ctx, db, `SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`, func(r *sql.Rows) error {
		var trigger string
		err := r.Scan(&trigger)
		out.Triggers = append(out.Triggers, trigger)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Triggers) == 0 {
		t.Fatal("SQLite's schema has no triggers: cases_fts is kept in step by some")
	}
	return out
}
