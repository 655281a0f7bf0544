package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// world holds the fixture rows the case tests refer to. Three combinations:
// Acme and Beta are direct customers; Partner sells to EndCo.
type world struct {
	acme, beta, partner, endCo int64
	alice, bob, carol, dave    int64 // alice and bob at Acme, carol at Beta, dave at EndCo
	agent, agent2              int64 // staff
	product, component         int64
	product2, component2       int64
}

func (w world) comboA() desk.Combination {
	return desk.Combination{SoldToID: w.acme, EndUserID: w.acme}
}

func (w world) comboB() desk.Combination {
	return desk.Combination{SoldToID: w.beta, EndUserID: w.beta}
}

func (w world) comboP() desk.Combination {
	return desk.Combination{SoldToID: w.partner, EndUserID: w.endCo}
}

var t0 = time.Date(2025, 3, 4, 9, 30, 0, 0, time.UTC)

// seedWorld makes the fixture companies, people and products.
func seedWorld(t *testing.T, s *store.Store) world {
	t.Helper()
	fx := fixture.New(t, s).At(t0)
	acme, beta := fx.Company("Acme Corp"), fx.Company("Beta GmbH")
	partner, endCo := fx.Company("Partner Ltd"), fx.Company("EndCo")
	contact := func(co *desk.Company, first, last string) int64 {
		return fx.Contact(co, desk.NoAccess, fixture.Named(first, last)).ID
	}
	staff := func(first, last string) int64 { return fx.Staff(nil, fixture.Named(first, last)).ID }
	p1, p2 := fx.DefaultProduct(), fx.Product("Workforce", "Scheduling")
	return world{
		acme: acme.ID, beta: beta.ID, partner: partner.ID, endCo: endCo.ID,
		alice: contact(acme, "Alice", "Archer"), bob: contact(acme, "Bob", "Baker"),
		carol: contact(beta, "Carol", "Cole"), dave: contact(endCo, "Dave", "Dunn"),
		agent: staff("Sam", "Support"), agent2: staff("Tia", "Tech"),
		product: p1.ID, component: p1.Components[0], product2: p2.ID, component2: p2.Components[0],
	}
}

// openCase returns a new Low, Open/New support case of Acme by Alice.
func (w world) openCase(summary string, updated time.Time) desk.Case {
	return desk.Case{
		SoldToID: w.acme, EndUserID: w.acme, ContactID: w.alice,
		Type: desk.TypeSupport, SubType: "Problem",
		ProductID: w.product, ComponentID: w.component,
		Summary: summary, Description: "Details of: " + summary,
		Priority: desk.PriorityLow, Status: desk.StatusOpen, SubStatus: desk.SubNew,
		Stage:     desk.StageProduction,
		CreatedAt: updated.Add(-time.Hour), UpdatedAt: updated, Origin: desk.OriginPortal,
	}
}

func createCase(t *testing.T, s *store.Store, c desk.Case) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := s.Write(ctx, func(tx *store.Tx) error {
		var err error
		id, err = tx.CreateCase(ctx, &c)
		return err
	})
	if err != nil {
		t.Fatalf("CreateCase(%q): %v", c.Summary, err)
	}
	return id
}

func TestCaseRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := seedWorld(t, s)
		berlin := time.FixedZone("CET", 3600)
		// Nanoseconds and a non-UTC zone on the way in; UTC microseconds
		// on the way out.
		created := time.Date(2025, 3, 4, 10, 11, 12, 123456789, berlin)
		full := desk.Case{
			SoldToID: w.partner, EndUserID: w.endCo, ContactID: w.dave, OwnerID: w.agent,
			Type: desk.TypeAdmin, SubType: "Log File Retrieval Service",
			ProductID: w.product2, ComponentID: w.component2,
			Summary: "Schedules vanish after upgrade ü 日本", Description: "After the 4.2 upgrade every schedule is gone.",
			Priority: desk.PriorityProductionDown, Severity: 1,
			Status: desk.StatusClosed, SubStatus: desk.SubResolved, Stage: desk.StageUAT,
			SecurityThreat: true, BusinessImpact: "40 agents idle", AgentsAffected: 40, ExternalRef: "INC-7",
			CloseComment: "Fixed in 4.2.1", CreatedAt: created, UpdatedAt: created.Add(time.Hour),
			ClosedAt: created.Add(2 * time.Hour), ReopenedCount: 2, Origin: desk.OriginPhone,
		}
		bare := w.openCase("Phones ring twice", t0)

		first := createCase(t, s, bare)
		if first != 1000001 {
			t.Errorf("first case ID = %d, want 1000001 (number 0001000001)", first)
		}
		full.LinkedCaseID = first
		full.ReferenceID = "0123456789abcdef0123" // a given Reference ID is kept
		second := createCase(t, s, full)

		tests := []struct {
			name      string
			id        int64
			in        desk.Case
			owner     string
			soldTo    string
			endUser   string
			contact   string
			product   string
			component string
		}{
			{"every field", second, full, "Sam Support", "Partner Ltd", "EndCo", "Dave Dunn", "Workforce", "Scheduling"},
			{"optional fields empty", first, bare, "", "Acme Corp", "Acme Corp", "Alice Archer", "Contact Center", "Routing"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id := tt.id
				want := tt.in
				want.ID = id
				for _, p := range []*time.Time{&want.CreatedAt, &want.UpdatedAt, &want.ClosedAt} {
					if !p.IsZero() {
						*p = p.UTC().Truncate(time.Microsecond)
					}
				}
				got, err := s.Case(ctx, id)
				if err == nil && want.ReferenceID == "" {
					// Made at creation: 20 hex digits.
					if len(got.ReferenceID) != 20 {
						t.Errorf("Reference ID %q, want 20 hex digits", got.ReferenceID)
					}
					want.ReferenceID = got.ReferenceID
				}
				if err != nil {
					t.Fatalf("Case(%d): %v", id, err)
				}
				wantRow := desk.CaseRow{
					Case: want, SoldToName: tt.soldTo, EndUserName: tt.endUser, ContactName: tt.contact,
					OwnerName: tt.owner, ProductName: tt.product, ComponentName: tt.component,
				}
				// Times must be identical, zone included, not merely Equal.
				if diff := cmp.Diff(wantRow, *got, cmp.Comparer(sameTime)); diff != "" {
					t.Errorf("Case(%d) mismatch (-want +got):\n%s", id, diff)
				}
				var locked *desk.Case
				err = s.Write(ctx, func(tx *store.Tx) error {
					var err error
					locked, err = tx.CaseForUpdate(ctx, id)
					return err
				})
				if err != nil {
					t.Fatalf("CaseForUpdate(%d): %v", id, err)
				}
				if diff := cmp.Diff(want, *locked, cmp.Comparer(sameTime)); diff != "" {
					t.Errorf("CaseForUpdate(%d) mismatch (-want +got):\n%s", id, diff)
				}
			})
		}
	})
}

// sameTime compares times by instant and location name, so a time read
// back in another zone shows up in a diff.
func sameTime(a, b time.Time) bool {
	return a.Equal(b) && a.Location().String() == b.Location().String()
}

func TestCaseNotFound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := seedWorld(t, s)
		missing := w.openCase("never stored", t0)
		missing.ID = 1009999
		tests := []struct {
			name string
			call func() error
		}{
			{"Case", func() error { _, err := s.Case(ctx, 1009999); return err }},
			{"CaseForUpdate", func() error {
				return s.Write(ctx, func(tx *store.Tx) error { _, err := tx.CaseForUpdate(ctx, 1009999); return err })
			}},
			{"UpdateCase", func() error {
				return s.Write(ctx, func(tx *store.Tx) error { return tx.UpdateCase(ctx, &missing) })
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.call()
				if !errors.Is(err, desk.ErrNotFound) {
					t.Fatalf("%s(1009999) = %v, want ErrNotFound", tt.name, err)
				}
				if want := "0001009999"; !strings.Contains(err.Error(), want) {
					t.Errorf("%s error %q does not name case %s", tt.name, err, want)
				}
			})
		}
	})
}

func TestUpdateCase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := seedWorld(t, s)
		orig := w.openCase("Routing drops calls", t0)
		id := createCase(t, s, orig)
		linked := createCase(t, s, w.openCase("Earlier case", t0))

		changed := orig
		changed.ID = id
		stored, err := s.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.ReferenceID) != 20 {
			t.Fatalf("Reference ID %q, want 20 hex digits", stored.ReferenceID)
		}
		changed.ReferenceID = stored.ReferenceID // made at creation, never changed
		changed.OwnerID = w.agent2
		changed.ContactID = w.bob
		changed.Type = desk.TypeServiceRequest
		changed.SubType = "Change request"
		changed.ProductID, changed.ComponentID = w.product2, w.component2
		changed.Priority = desk.PriorityCritical
		changed.Severity = 2
		changed.Status, changed.SubStatus = desk.StatusClosed, desk.SubCancelled
		changed.Stage = desk.StageUAT
		changed.SecurityThreat = true
		changed.BusinessImpact = "none now"
		changed.AgentsAffected = 3
		changed.ExternalRef = "REF-9"
		changed.LinkedCaseID = linked
		changed.CloseComment = "No longer needed"
		changed.UpdatedAt = t0.Add(48*time.Hour + 987654321)
		changed.ClosedAt = changed.UpdatedAt
		changed.ReopenedCount = 1
		// Fields UpdateCase leaves alone.
		ignored := changed
		ignored.SoldToID, ignored.EndUserID = w.beta, w.beta
		ignored.Summary, ignored.Description = "rewritten", "rewritten"
		ignored.CreatedAt = t0.Add(time.Hour)
		ignored.Origin = desk.OriginAPI // how it was opened stays

		err = s.Write(ctx, func(tx *store.Tx) error { return tx.UpdateCase(ctx, &ignored) })
		if err != nil {
			t.Fatalf("UpdateCase: %v", err)
		}
		want := changed
		want.UpdatedAt = want.UpdatedAt.Truncate(time.Microsecond)
		want.ClosedAt = want.UpdatedAt
		got, err := s.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got.Case); diff != "" {
			t.Errorf("after UpdateCase (-want +got):\n%s", diff)
		}
		if got.OwnerName != "Tia Tech" || got.ContactName != "Bob Baker" {
			t.Errorf("names after UpdateCase = owner %q, contact %q; want Tia Tech, Bob Baker", got.OwnerName, got.ContactName)
		}

		// Unassign and reopen: NULLs go back in.
		want.OwnerID, want.ClosedAt = 0, time.Time{}
		want.Status, want.SubStatus = desk.StatusOpen, desk.SubInvestigation
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.UpdateCase(ctx, &want) })
		if err != nil {
			t.Fatalf("UpdateCase(reopen): %v", err)
		}
		got, err = s.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got.Case); diff != "" || got.OwnerName != "" {
			t.Errorf("after reopen (-want +got):\n%s\nowner name %q", diff, got.OwnerName)
		}
	})
}

func TestEntries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := seedWorld(t, s)
		caseID := createCase(t, s, w.openCase("Feed", t0))
		otherID := createCase(t, s, w.openCase("Other feed", t0))
		in := []desk.Entry{
			{CaseID: caseID, Kind: desk.EntryEvent, Body: "Case opened", CreatedAt: t0},
			{CaseID: caseID, Kind: desk.EntryComment, AuthorID: w.alice, Body: "Any news?", CreatedAt: t0.Add(time.Minute)},
			{CaseID: caseID, Kind: desk.EntryNote, AuthorID: w.agent, Body: "Looks like bug 12", CreatedAt: t0.Add(2 * time.Minute)},
			// Same instant as the note: the later entry comes first.
			{CaseID: caseID, Kind: desk.EntryReply, AuthorID: w.agent, Body: "Working on it", CreatedAt: t0.Add(2 * time.Minute)},
			{CaseID: otherID, Kind: desk.EntryComment, AuthorID: w.bob, Body: "Not this case", CreatedAt: t0.Add(time.Hour)},
		}
		err := s.Write(ctx, func(tx *store.Tx) error {
			for i := range in {
				id, err := tx.AddEntry(ctx, &in[i])
				if err != nil {
					return err
				}
				in[i].ID = id
			}
			return nil
		})
		if err != nil {
			t.Fatalf("AddEntry: %v", err)
		}
		authors := []string{"Caseport", "Alice Archer", "Sam Support", "Sam Support"}
		var all []desk.Entry
		for i := 3; i >= 0; i-- {
			e := in[i]
			e.Author = authors[i]
			all = append(all, e)
		}
		public := slices.DeleteFunc(slices.Clone(all), func(e desk.Entry) bool { return e.Kind == desk.EntryNote })

		tests := []struct {
			internal bool
			want     []desk.Entry
		}{
			{true, all},
			{false, public},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("internal=%v", tt.internal), func(t *testing.T) {
				got, err := s.Entries(ctx, caseID, tt.internal)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got, cmp.Comparer(sameTime)); diff != "" {
					t.Errorf("Entries(%d, %v) mismatch (-want +got):\n%s", caseID, tt.internal, diff)
				}
			})
		}
	})
}

// listWorld is a small set of cases across the three combinations, with
// the fixture names tests use to say which cases they expect.
type listWorld struct {
	world
	ids map[string]int64
}

func seedLists(t *testing.T, s *store.Store) listWorld {
	t.Helper()
	w := seedWorld(t, s)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	type spec struct {
		name    string
		combo   desk.Combination
		contact int64
		owner   int64
		status  desk.Status
		sub     desk.SubStatus
		prio    desk.Priority
		product int64
		updated time.Time
		closed  time.Time
		summary string
		desc    string
	}
	specs := []spec{
		{"a1", w.comboA(), w.alice, w.agent, desk.StatusOpen, desk.SubNew, desk.PriorityLow, w.product, at(1), time.Time{}, "Printer queue stalls", "Jobs wait for ever."},
		{"a2", w.comboA(), w.bob, 0, desk.StatusAwaitingInformation, desk.SubInfoFromCustomer, desk.PriorityHigh, w.product, at(2), time.Time{}, "Routing drops inbound calls", "Calls from Spain vanish."},
		{"a3", w.comboA(), w.alice, w.agent, desk.StatusClosed, desk.SubResolved, desk.PriorityLow, w.product, at(3), at(3), "Printer driver crashes", "Blue screen when printing."},
		{"a4", w.comboA(), w.alice, w.agent2, desk.StatusSolutionProposed, desk.SubReplied, desk.PriorityMedium, w.product2, at(4), time.Time{}, "Voicemail greeting lost", "The audio codec was changed."},
		{"b1", w.comboB(), w.carol, w.agent, desk.StatusOpen, desk.SubInvestigation, desk.PriorityCritical, w.product, at(5), time.Time{}, "Printer offline again", "Third time this week."},
		{"b2", w.comboB(), w.carol, 0, desk.StatusClosed, desk.SubCancelled, desk.PriorityLow, w.product, at(6), at(1), "Licence renewal question", "Which form to use?"},
		{"p1", w.comboP(), w.dave, 0, desk.StatusOpen, desk.SubNew, desk.PriorityLow, w.product, at(7), time.Time{}, "Routing table corrupt", "Since the import."},
		{"p2", w.comboP(), w.dave, w.agent2, desk.StatusClosed, desk.SubResolved, desk.PriorityMedium, w.product, at(8), at(2), "Printer spooler hangs", "Restart helps."},
	}
	lw := listWorld{world: w, ids: map[string]int64{}}
	ctx := context.Background()
	err := s.Write(ctx, func(tx *store.Tx) error {
		for _, sp := range specs {
			c := w.openCase(sp.summary, sp.updated)
			c.SoldToID, c.EndUserID = sp.combo.SoldToID, sp.combo.EndUserID
			c.ContactID, c.OwnerID = sp.contact, sp.owner
			c.Status, c.SubStatus, c.Priority = sp.status, sp.sub, sp.prio
			c.ProductID, c.ClosedAt, c.Description = sp.product, sp.closed, sp.desc
			if sp.product == w.product2 {
				c.ComponentID = w.component2
			}
			id, err := tx.CreateCase(ctx, &c)
			if err != nil {
				return err
			}
			lw.ids[sp.name] = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return lw
}

// names turns a page back into fixture names, for readable diffs.
func (lw listWorld) names(page *desk.CasePage) []string {
	ids := make([]int64, len(page.Cases))
	for i, r := range page.Cases {
		ids[i] = r.ID
	}
	return lw.namesOf(ids)
}

func (lw listWorld) namesOf(ids []int64) []string {
	byID := map[int64]string{}
	for name, id := range lw.ids {
		byID[id] = name
	}
	out := []string{}
	for _, id := range ids {
		out = append(out, byID[id])
	}
	return out
}

func TestCaseLists(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		lw := seedLists(t, s)
		all := desk.CaseScope{All: true}
		scope := func(cs ...desk.Combination) desk.CaseScope { return desk.CaseScope{Combinations: cs} }
		a, b, p := lw.comboA(), lw.comboB(), lw.comboP()
		tests := []struct {
			name string
			f    desk.CaseFilter
			want []string
		}{
			{"my cases", desk.CaseFilter{Scope: scope(a), List: desk.MyCases, ContactID: lw.alice}, []string{"a4", "a1"}},
			{"my cases after losing the combination", desk.CaseFilter{Scope: scope(b), List: desk.MyCases, ContactID: lw.alice}, []string{}},
			{"group cases", desk.CaseFilter{Scope: scope(a), List: desk.GroupCases}, []string{"a4", "a2", "a1"}},
			{"group cases of two combinations", desk.CaseFilter{Scope: scope(a, p), List: desk.GroupCases}, []string{"p1", "a4", "a2", "a1"}},
			{"group cases of B never show A", desk.CaseFilter{Scope: scope(b), List: desk.GroupCases}, []string{"b1"}},
			{"group cases, staff", desk.CaseFilter{Scope: all, List: desk.GroupCases}, []string{"p1", "b1", "a4", "a2", "a1"}},
			{"empty scope sees nothing", desk.CaseFilter{List: desk.GroupCases}, []string{}},
			{"empty scope sees nothing in the queue", desk.CaseFilter{Scope: scope(), List: desk.Queue}, []string{}},
			{"half a combination is no combination", desk.CaseFilter{Scope: scope(desk.Combination{SoldToID: lw.partner, EndUserID: lw.partner}), List: desk.GroupCases}, []string{}},
			{"closed cases by closure", desk.CaseFilter{Scope: scope(a, b, p), List: desk.ClosedCases}, []string{"a3", "p2", "b2"}},
			{"closed cases of B", desk.CaseFilter{Scope: scope(b), List: desk.ClosedCases}, []string{"b2"}},
			{"number", desk.CaseFilter{Scope: scope(a), List: desk.GroupCases, Number: lw.ids["a2"]}, []string{"a2"}},
			{"number out of scope", desk.CaseFilter{Scope: scope(a), List: desk.GroupCases, Number: lw.ids["b1"]}, []string{}},
			{"number of a closed case", desk.CaseFilter{Scope: scope(a), List: desk.ClosedCases, Number: lw.ids["a3"]}, []string{"a3"}},
			{"keyword", desk.CaseFilter{Scope: all, List: desk.GroupCases, Keywords: "printer"}, []string{"b1", "a1"}},
			{"keyword, plural and case", desk.CaseFilter{Scope: all, List: desk.GroupCases, Keywords: "PRINTERS"}, []string{"b1", "a1"}},
			{"keyword in scope", desk.CaseFilter{Scope: scope(a), List: desk.GroupCases, Keywords: "printer"}, []string{"a1"}},
			{"keyword, closed: newest case first", desk.CaseFilter{Scope: all, List: desk.ClosedCases, Keywords: "printer"}, []string{"p2", "a3"}},
			{"keyword stem", desk.CaseFilter{Scope: all, List: desk.GroupCases, Keywords: "routes"}, []string{"p1", "a2"}},
			{"keywords all required", desk.CaseFilter{Scope: all, List: desk.GroupCases, Keywords: "printer offline"}, []string{"b1"}},
			{"keyword in description", desk.CaseFilter{Scope: all, List: desk.GroupCases, Keywords: "codec"}, []string{"a4"}},
			{"keyword nowhere", desk.CaseFilter{Scope: all, List: desk.GroupCases, Keywords: "kangaroo"}, []string{}},
			{"my cases by keyword", desk.CaseFilter{Scope: scope(a), List: desk.MyCases, ContactID: lw.alice, Keywords: "voicemail"}, []string{"a4"}},
			{"end user", desk.CaseFilter{Scope: all, List: desk.GroupCases, EndUserID: lw.endCo}, []string{"p1"}},
			{"end user closed", desk.CaseFilter{Scope: scope(a, b, p), List: desk.ClosedCases, EndUserID: lw.endCo}, []string{"p2"}},
			{"queue", desk.CaseFilter{Scope: all, List: desk.Queue}, []string{"p1", "b1", "a4", "a2", "a1"}},
			{"queue of one status", desk.CaseFilter{Scope: all, List: desk.Queue, Statuses: []desk.Status{desk.StatusOpen}}, []string{"p1", "b1", "a1"}},
			{"queue of closed", desk.CaseFilter{Scope: all, List: desk.Queue, Statuses: []desk.Status{desk.StatusClosed}}, []string{"p2", "b2", "a3"}},
			{"queue of open and closed", desk.CaseFilter{Scope: all, List: desk.Queue, Statuses: []desk.Status{desk.StatusOpen, desk.StatusClosed}}, []string{"p2", "p1", "b2", "b1", "a3", "a1"}},
			{"queue by priority", desk.CaseFilter{Scope: all, List: desk.Queue, Priorities: []desk.Priority{desk.PriorityCritical, desk.PriorityHigh}}, []string{"b1", "a2"}},
			{"queue by product", desk.CaseFilter{Scope: all, List: desk.Queue, ProductID: lw.product2}, []string{"a4"}},
			{"queue by owner", desk.CaseFilter{Scope: all, List: desk.Queue, OwnerID: lw.agent}, []string{"b1", "a1"}},
			{"queue unassigned", desk.CaseFilter{Scope: all, List: desk.Queue, Unassigned: true}, []string{"p1", "a2"}},
			{"queue by sold to", desk.CaseFilter{Scope: all, List: desk.Queue, CompanyID: lw.partner}, []string{"p1"}},
			{"queue by end user company", desk.CaseFilter{Scope: all, List: desk.Queue, CompanyID: lw.endCo}, []string{"p1"}},
			{"queue in a scope", desk.CaseFilter{Scope: scope(b), List: desk.Queue}, []string{"b1"}},
			{"queue filters combined", desk.CaseFilter{Scope: all, List: desk.Queue, OwnerID: lw.agent, Priorities: []desk.Priority{desk.PriorityLow}, Keywords: "printer"}, []string{"a1"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				page, err := s.Cases(context.Background(), tt.f)
				if err != nil {
					t.Fatalf("Cases(%+v): %v", tt.f, err)
				}
				if diff := cmp.Diff(tt.want, lw.names(page)); diff != "" {
					t.Errorf("Cases(%+v) mismatch (-want +got):\n%s", tt.f, diff)
				}
				if page.Next != "" {
					t.Errorf("Cases(%+v).Next = %q, want none", tt.f, page.Next)
				}
				if tt.f.Keywords == "" {
					return
				}
				// The path for searches with many matches finds the same.
				ids, err := s.CasesSearchingInOrder(context.Background(), tt.f)
				if err != nil {
					t.Fatalf("CasesSearchingInOrder(%+v): %v", tt.f, err)
				}
				if diff := cmp.Diff(tt.want, lw.namesOf(ids)); diff != "" {
					t.Errorf("CasesSearchingInOrder(%+v) mismatch (-want +got):\n%s", tt.f, diff)
				}
			})
		}
	})
}

// TestSearchFollowsTheCaseScope: the text index keeps each case's scope
// (its contact) as the case changes, the lists still tell open from
// closed,
// so a search in a list finds what the list shows; and a typed word never
// matches a scope's word.
func TestSearchFollowsTheCaseScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		lw := seedLists(t, s)
		ctx := context.Background()
		a, b := lw.comboA(), lw.comboB()
		scope := func(cs ...desk.Combination) desk.CaseScope { return desk.CaseScope{Combinations: cs} }
		search := func(f desk.CaseFilter) []string {
			t.Helper()
			page, err := s.Cases(ctx, f)
			if err != nil {
				t.Fatalf("Cases(%+v): %v", f, err)
			}
			return lw.names(page)
		}
		change := func(name string, edit func(*desk.Case)) {
			t.Helper()
			err := s.Write(ctx, func(tx *store.Tx) error {
				c, err := tx.CaseForUpdate(ctx, lw.ids[name])
				if err != nil {
					return err
				}
				edit(c)
				return tx.UpdateCase(ctx, c)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// a1 (Printer queue stalls) closes: it leaves the open lists'
		// search and joins the closed one, newest case first.
		change("a1", func(c *desk.Case) {
			c.Status, c.SubStatus, c.ClosedAt = desk.StatusClosed, desk.SubResolved, c.UpdatedAt
		})
		if got := search(desk.CaseFilter{Scope: scope(a), List: desk.GroupCases, Keywords: "printer"}); len(got) != 0 {
			t.Errorf("open printer cases of A after a1 closed = %v, want none", got)
		}
		if got, want := search(desk.CaseFilter{Scope: scope(a), List: desk.ClosedCases, Keywords: "printer"}), []string{"a3", "a1"}; !slices.Equal(got, want) {
			t.Errorf("closed printer cases of A = %v, want %v", got, want)
		}
		// a4 (Voicemail greeting lost) passes from Alice to Bob.
		change("a4", func(c *desk.Case) { c.ContactID = lw.bob })
		if got := search(desk.CaseFilter{Scope: scope(a), List: desk.MyCases, ContactID: lw.alice, Keywords: "voicemail"}); len(got) != 0 {
			t.Errorf("Alice's voicemail cases after a4 passed to Bob = %v, want none", got)
		}
		if got, want := search(desk.CaseFilter{Scope: scope(a), List: desk.MyCases, ContactID: lw.bob, Keywords: "voicemail"}), []string{"a4"}; !slices.Equal(got, want) {
			t.Errorf("Bob's voicemail cases = %v, want %v", got, want)
		}
		// The console's company filter: Beta's open printer case.
		if got, want := search(desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, CompanyID: lw.beta, Keywords: "printer"}), []string{"b1"}; !slices.Equal(got, want) {
			t.Errorf("Beta's open printer cases in the queue = %v, want %v", got, want)
		}
		if got := search(desk.CaseFilter{Scope: scope(b), List: desk.GroupCases, Keywords: "voicemail"}); len(got) != 0 {
			t.Errorf("B's voicemail cases = %v, want none: the word is A's", got)
		}
		// Words of the scope are not words of the case.
		for _, word := range []string{"ct" + strconv.FormatInt(lw.alice, 10), "cb" + strconv.FormatInt(a.SoldToID, 10) + "x" + strconv.FormatInt(a.EndUserID, 10)} {
			if got := search(desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, Keywords: word}); len(got) != 0 {
				t.Errorf("a search for %q = %v, want none: no case says it", word, got)
			}
		}
	})
}

func TestCaseListNames(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		lw := seedLists(t, s)
		page, err := s.Cases(context.Background(), desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, Number: lw.ids["p2"], Statuses: []desk.Status{desk.StatusClosed}})
		if err != nil || len(page.Cases) != 1 {
			t.Fatalf("Cases(p2) = %v, %v; want one case", page, err)
		}
		got := page.Cases[0]
		want := desk.CaseRow{
			Case: got.Case, SoldToName: "Partner Ltd", EndUserName: "EndCo", ContactName: "Dave Dunn",
			OwnerName: "Tia Tech", ProductName: "Contact Center", ComponentName: "Routing",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("names of p2 (-want +got):\n%s", diff)
		}
		one, err := s.Case(context.Background(), got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(*one, got); diff != "" {
			t.Errorf("Cases row differs from Case (-Case +Cases):\n%s", diff)
		}
	})
}

// hostileKeywords are inputs that are operators or broken syntax in FTS5
// or tsquery. None may fail a search.
var hostileKeywords = []string{
	`"`, `""`, `*`, `AND`, `OR`, `NOT`, `(`, `)`, `-`, `NEAR`, `NEAR(`, `NEAR/3`, `^`, `:`, `'`, `\`,
	`&`, `|`, `!`, `<->`, `:*`, `''`, `a'b`, `"unclosed`, `summary:x`, `{summary}: x`, `x + y`,
	`printer AND`, `OR printer`, `printer NOT`, `NEAR(printer routing, 2)`, "\x00", "\u00a0", `日本語`,
	`%`, `_`, `?`, `;--`, `printer" OR 1=1 --`, "printer\n\"routing",
}

func TestCaseSearchHostile(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		lw := seedLists(t, s)
		all := desk.CaseScope{All: true}
		for _, kw := range hostileKeywords {
			t.Run(fmt.Sprintf("%q", kw), func(t *testing.T) {
				t.Parallel()
				f := desk.CaseFilter{Scope: all, List: desk.Queue, Keywords: kw}
				if _, err := s.Cases(context.Background(), f); err != nil {
					t.Errorf("Cases(Keywords: %q) = %v, want no error", kw, err)
				}
			})
		}
		// Operators are plain words: these all mean "printer".
		for _, kw := range []string{`printer"`, `"printer`, `printer*`, `-printer`, `(printer)`, `printer:*`, `'printer'`, `^printer`, `printer)`} {
			t.Run(fmt.Sprintf("%q means printer", kw), func(t *testing.T) {
				t.Parallel()
				f := desk.CaseFilter{Scope: all, List: desk.GroupCases, Keywords: kw}
				page, err := s.Cases(context.Background(), f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff([]string{"b1", "a1"}, lw.names(page)); diff != "" {
					t.Errorf("Cases(Keywords: %q) mismatch (-want +got):\n%s", kw, diff)
				}
			})
		}
	})
}

func TestCasePaging(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := seedWorld(t, s)
		// 120 open and 30 closed cases on only three distinct times, so
		// that most page boundaries fall between equal sort times.
		var open, closed []int64
		err := s.Write(ctx, func(tx *store.Tx) error {
			for i := range 150 {
				c := w.openCase(fmt.Sprintf("case %d", i), t0.Add(time.Duration(i%3)*time.Second))
				if i >= 120 {
					c.Status, c.SubStatus = desk.StatusClosed, desk.SubResolved
					c.ClosedAt = t0.Add(time.Duration(i%2) * time.Microsecond)
				}
				id, err := tx.CreateCase(ctx, &c)
				if err != nil {
					return err
				}
				if i >= 120 {
					closed = append(closed, id)
				} else {
					open = append(open, id)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The order the lists must show: sort time, then id, descending.
		byTimeThenID := func(at func(int64) time.Time) func(x, y int64) int {
			return func(x, y int64) int {
				if c := at(y).Compare(at(x)); c != 0 {
					return c
				}
				return int(y - x)
			}
		}
		first := open[0]
		wantOpen := slices.SortedFunc(slices.Values(open), byTimeThenID(func(id int64) time.Time {
			return t0.Add(time.Duration((id-first)%3) * time.Second)
		}))
		wantClosed := slices.SortedFunc(slices.Values(closed), byTimeThenID(func(id int64) time.Time {
			return t0.Add(time.Duration((id-first)%2) * time.Microsecond)
		}))

		// A keyword search lists newest case first.
		newestFirst := func(ids []int64) []int64 {
			return slices.SortedFunc(slices.Values(ids), func(x, y int64) int { return int(y - x) })
		}

		tests := []struct {
			name     string
			list     desk.CaseList
			keywords string
			limit    int
			want     []int64
		}{
			{"group cases by 7", desk.GroupCases, "", 7, wantOpen},
			{"group cases by 1", desk.GroupCases, "", 1, wantOpen},
			{"group cases by default", desk.GroupCases, "", 0, wantOpen},
			{"group cases by the most", desk.GroupCases, "", 1000, wantOpen},
			{"closed cases by 4", desk.ClosedCases, "", 4, wantClosed},
			{"closed cases by 30", desk.ClosedCases, "", 30, wantClosed},
			{"search by 7", desk.GroupCases, "case details", 7, newestFirst(open)},
			{"search closed by 4", desk.ClosedCases, "case", 4, newestFirst(closed)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				wantSize := min(max(tt.limit, 0), desk.MaxPageSize)
				if tt.limit == 0 {
					wantSize = desk.DefaultPageSize
				}
				f := desk.CaseFilter{Scope: desk.CaseScope{Combinations: []desk.Combination{w.comboA()}}, List: tt.list, Keywords: tt.keywords, Limit: tt.limit}
				var got []int64
				for pages := 0; ; pages++ {
					if pages > len(tt.want) {
						t.Fatalf("more than %d pages: the cursor does not advance", pages)
					}
					page, err := s.Cases(ctx, f)
					if err != nil {
						t.Fatalf("page %d: %v", pages+1, err)
					}
					if n := len(page.Cases); n != wantSize && page.Next != "" || n > wantSize {
						t.Errorf("page %d has %d cases, want %d", pages+1, n, wantSize)
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
					t.Errorf("pages of %d (-want +got):\n%s", tt.limit, diff)
				}
			})
		}
	})
}

func TestCasesBadCursor(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, after := range []string{
			"!!!",
			b64("2025-03-04T09:30:00Z 1000001") + "==",
			b64("nonsense"),
			b64("2025-03-04T09:30:00Z"),
			b64("2025-03-04T09:30:00Z abc"),
			b64("2025-03-04T09:30:00Z -5"),
			b64("2025-03-04T09:30:00Z 0"),
			b64("2025-13-04T09:30:00Z 1000001"),
			b64("2025-03-04 09:30:00 1000001"),
			b64("2025-03-04T09:30:00Z 1000001 7"),
			b64("2025-03-04T09:30:00Z 99999999999999999999"),
		} {
			t.Run(after, func(t *testing.T) {
				t.Parallel()
				f := desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.GroupCases, After: desk.Cursor(after)}
				_, err := s.Cases(context.Background(), f)
				if !errors.Is(err, store.ErrBadCursor) {
					t.Errorf("Cases(After: %q) = %v, want ErrBadCursor", after, err)
				}
			})
		}
	})
}

func FuzzCaseSearch(f *testing.F) {
	for _, kw := range hostileKeywords {
		f.Add(kw)
	}
	var stores []*store.Store
	for _, e := range storetest.Engines(f) {
		stores = append(stores, storetest.Open(f, e))
	}
	f.Fuzz(func(t *testing.T, kw string) {
		for _, s := range stores {
			filter := desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, Keywords: kw}
			if _, err := s.Cases(context.Background(), filter); err != nil {
				t.Errorf("%s: Cases(Keywords: %q) = %v, want no error", s.Dialect(), kw, err)
			}
		}
	})
}
