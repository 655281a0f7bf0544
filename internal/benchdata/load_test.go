package benchdata_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/benchdata"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestLoad loads a small data set on each engine and checks what the
// shape promises the benchmarks and the load client.
func TestLoad(t *testing.T) {
	const n = 2000
	sh := benchdata.New(n)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		took, err := benchdata.Prepare(ctx, s, sh)
		if err != nil || took == nil {
			t.Fatalf("Prepare(empty store) = %v, %v; want a load", took, err)
		}

		t.Run("counts", func(t *testing.T) {
			companies, err := s.Companies(ctx)
			if err != nil {
				t.Fatal(err)
			}
			contacts, err := s.Users(ctx, desk.UserFilter{Kind: desk.KindContact, Limit: 100_000})
			if err != nil {
				t.Fatal(err)
			}
			staff, err := s.Users(ctx, desk.UserFilter{Kind: desk.KindStaff, Limit: 100_000})
			if err != nil {
				t.Fatal(err)
			}
			cat, err := s.Catalog(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all := allCases(t, s, desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, Statuses: desk.Statuses})
			open := 0
			for _, c := range all {
				if c.Status != desk.StatusClosed {
					open++
				}
			}
			for _, c := range []struct {
				what      string
				got, want int
			}{
				{"companies", len(companies), sh.Companies},
				{"contacts", len(contacts), sh.Companies * benchdata.ContactsPerCompany},
				{"staff", len(staff), benchdata.Staff},
				{"products", len(cat.Products), benchdata.Products},
				{"cases", len(all), n},
			} {
				if c.got != c.want {
					t.Errorf("%s = %d, want %d", c.what, c.got, c.want)
				}
			}
			// Three cases in twenty are not closed.
			if open < n/10 || open > n/5 {
				t.Errorf("%d of %d cases not closed, want about 15%%", open, n)
			}
		})

		t.Run("texts follow the shape", func(t *testing.T) {
			for _, i := range []int{0, 1, 777, n - 1} {
				got, err := s.Case(ctx, 1_000_001+int64(i))
				if err != nil {
					t.Fatal(err)
				}
				summary, _ := sh.Text(sh.Company(i), i)
				if got.Summary != summary {
					t.Errorf("case %d: summary %q, want %q", i, got.Summary, summary)
				}
			}
		})

		t.Run("tokens", func(t *testing.T) {
			now := time.Now()
			contactID, err := s.APITokenUser(ctx, auth.HashToken(benchdata.ContactToken(3)), now)
			if err != nil {
				t.Fatalf("contact token of company 3: %v", err)
			}
			a, err := s.Actor(ctx, contactID, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Levels) != 1 {
				t.Fatalf("the contact of company 3 has levels %v, want one combination", a.Levels)
			}
			for combo, level := range a.Levels {
				if level != desk.ReadWrite {
					t.Errorf("level on %v = %s, want Read-Write (an active contract, terms accepted)", combo, level)
				}
			}
			if _, err := s.APITokenUser(ctx, auth.HashToken(benchdata.StaffToken(benchdata.Staff-1)), now); err != nil {
				t.Errorf("token of the last agent: %v", err)
			}
		})

		t.Run("search", func(t *testing.T) {
			companies := companyIDs(t, s)
			for _, k := range []int{0, 4, sh.Companies - 1} {
				combo := desk.CaseScope{Combinations: []desk.Combination{{SoldToID: companies[k], EndUserID: companies[k]}}}
				absent := sh.AbsentWord(k)
				for _, list := range []desk.CaseList{desk.GroupCases, desk.ClosedCases} {
					if got := allCases(t, s, desk.CaseFilter{Scope: combo, List: list, Keywords: absent}); len(got) != 0 {
						t.Errorf("company %d, list %d, search %q: %d cases, want none", k, list, absent, len(got))
					}
				}
				overall := allCases(t, s, desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, Statuses: desk.Statuses, Keywords: absent})
				if len(overall) < n/20 {
					t.Errorf("staff search %q: %d cases, want it common (one in ten of %d)", absent, len(overall), n)
				}
				word := sh.ClosedWord(k)
				closed := allCases(t, s, desk.CaseFilter{Scope: combo, List: desk.ClosedCases, Keywords: word})
				if len(closed) < 20 {
					t.Errorf("company %d, closed cases, search %q: %d cases, want it common (one in five of %d)", k, word, len(closed), n/sh.Companies)
				}
				for _, c := range closed {
					if c.SoldToID != companies[k] || !strings.Contains(c.Summary+" "+c.Description, word) {
						t.Errorf("company %d, search %q found case %s of %d: %q", k, word, c.Number(), c.SoldToID, c.Summary)
					}
				}
			}
			common := sh.CommonWords()
			both := allCases(t, s, desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, Statuses: desk.Statuses, Keywords: common[0] + " " + common[1]})
			if len(both) == 0 {
				t.Errorf("staff search %q: no case", common)
			}
			rare := allCases(t, s, desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, Statuses: desk.Statuses, Keywords: benchdata.RareWord})
			if len(rare) != sh.RareCases() || len(rare) == 0 {
				t.Errorf("staff search %q: %d cases, want %d", benchdata.RareWord, len(rare), sh.RareCases())
			}
			for _, c := range rare {
				if !strings.HasSuffix(c.Description, " "+benchdata.RareWord) {
					t.Errorf("search %q found case %s: %q", benchdata.RareWord, c.Number(), c.Description)
				}
			}
		})

		t.Run("lists", func(t *testing.T) {
			companies := companyIDs(t, s)
			combo := desk.CaseScope{Combinations: []desk.Combination{{SoldToID: companies[1], EndUserID: companies[1]}}}
			group := allCases(t, s, desk.CaseFilter{Scope: combo, List: desk.GroupCases})
			closed := allCases(t, s, desk.CaseFilter{Scope: combo, List: desk.ClosedCases})
			if len(group)+len(closed) != n/sh.Companies || len(group) == 0 {
				t.Errorf("company 1: %d open and %d closed cases, want %d in all", len(group), len(closed), n/sh.Companies)
			}
			contact := group[0].ContactID
			mine := allCases(t, s, desk.CaseFilter{Scope: combo, List: desk.MyCases, ContactID: contact})
			if len(mine) == 0 {
				t.Errorf("My Cases of contact %d: none, want the open case %s at least", contact, group[0].Number())
			}
			for _, c := range mine {
				if c.ContactID != contact || c.Status == desk.StatusClosed {
					t.Errorf("My Cases of contact %d holds case %s of %d, %s", contact, c.Number(), c.ContactID, c.Status)
				}
			}
			queue, err := s.Cases(ctx, desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue})
			if err != nil {
				t.Fatal(err)
			}
			if len(queue.Cases) != desk.DefaultPageSize || queue.Next == "" {
				t.Errorf("the queue's first page: %d cases, next %q; want a full page and more", len(queue.Cases), queue.Next)
			}
		})

		t.Run("prepare again", func(t *testing.T) {
			if took, err := benchdata.Prepare(ctx, s, sh); took != nil || err != nil {
				t.Errorf("Prepare(a store of the shape) = %v, %v; want it left as it is", took, err)
			}
			if _, err := benchdata.Prepare(ctx, s, benchdata.New(n+1)); !errors.Is(err, benchdata.ErrNotEmpty) {
				t.Errorf("Prepare(a store of another shape) = %v, want ErrNotEmpty", err)
			}
		})
	})
}

// TestPrepareRefusesAStoreInUse checks that the loader writes nothing into
// a store that holds anything.
func TestPrepareRefusesAStoreInUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		err := s.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateUser(ctx, &desk.User{Kind: desk.KindStaff, Email: "admin@example.com", FirstName: "A", LastName: "B"}, "", "", time.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := benchdata.Prepare(ctx, s, benchdata.New(100)); !errors.Is(err, benchdata.ErrNotEmpty) {
			t.Errorf("Prepare(a store with a user) = %v, want ErrNotEmpty", err)
		}
		companies, err := s.Companies(ctx)
		if err != nil || len(companies) != 0 {
			t.Errorf("after the refusal: %d companies, %v; want none", len(companies), err)
		}
	})
}

// allCases reads every page of a list.
func allCases(t *testing.T, s *store.Store, f desk.CaseFilter) []desk.CaseRow {
	t.Helper()
	f.Limit = desk.MaxPageSize
	var out []desk.CaseRow
	for {
		page, err := s.Cases(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Cases...)
		if page.Next == "" {
			return out
		}
		f.After = page.Next
	}
}

// companyIDs are the IDs of the data set's companies, in the shape's
// order (by Org ID).
func companyIDs(t *testing.T, s *store.Store) []int64 {
	t.Helper()
	companies, err := s.Companies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int64, len(companies))
	for _, c := range companies {
		var k int
		if _, err := fmt.Sscanf(c.OrgID, "B%d", &k); err != nil {
			t.Fatal(err)
		}
		out[k] = c.ID
	}
	return out
}
