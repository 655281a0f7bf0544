package support_test

import (
	"context"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// A bulk action asks the policy and checks every case before it writes:
// one case refused or invalid and nothing is written, the error naming
// each such case and why; otherwise every case changes, each with its
// feed event and audit line, in one transaction.
func TestBulkIsAllOrNothing(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme, beta := f.customer("Acme Corp"), f.customer("Beta GmbH")
		a1, a2, b1 := f.open(t, acme.dana, desk.PriorityHigh), f.open(t, acme.dana, desk.PriorityLow), f.open(t, beta.dana, desk.PriorityLow)
		agent := f.staff(t, desk.RoleAgent)
		owner := f.fx.Staff([]desk.Role{desk.RoleAgent})
		cases := f.svc.Cases()

		// Assign all three.
		if err := cases.Bulk(ctx, agent, support.Bulk{Action: support.BulkAssign, CaseIDs: []int64{a1, a2, b1}, OwnerID: owner.ID}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{a1, a2, b1} {
			c, err := f.store.Case(ctx, id)
			if err != nil || c.OwnerID != owner.ID {
				t.Errorf("case %d after the bulk assignment: owner %d, %v; want %d", id, c.OwnerID, err, owner.ID)
			}
		}

		// A status change one case cannot take: nothing changes, and the
		// error names that case.
		f.setStatus(t, a2, desk.StatusClosed, desk.SubResolved)
		err := cases.Bulk(ctx, agent, support.Bulk{
			Action: support.BulkStatus, CaseIDs: []int64{a1, a2, b1}, Status: desk.StatusAwaitingInformation, SubStatus: desk.SubInfoFromCustomer,
		})
		fields := desk.AsValidation(err)
		if len(fields) != 1 || !strings.Contains(fields["case-"+desk.FormatCaseNumber(a2)], desk.FormatCaseNumber(a2)) {
			t.Fatalf("a status change the closed case cannot take = %v, want its case named", err)
		}
		for _, id := range []int64{a1, b1} {
			if c, _ := f.store.Case(ctx, id); c.Status != desk.StatusOpen {
				t.Errorf("case %d changed to %s although the bulk action was refused", id, c.Status)
			}
		}

		// A contact may not act on cases in bulk at all.
		if err := cases.Bulk(ctx, f.req(t, acme.dana), support.Bulk{Action: support.BulkNote, CaseIDs: []int64{a1}, Note: "x"}); kind(err) != "forbidden" {
			t.Errorf("a contact's bulk note = %v, want forbidden", err)
		}

		// Notes on two cases at once, one transaction.
		if err := cases.Bulk(ctx, agent, support.Bulk{Action: support.BulkNote, CaseIDs: []int64{a1, b1}, Note: "Checked in the lab."}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{a1, b1} {
			entries, err := f.store.Entries(ctx, id, true)
			if err != nil {
				t.Fatal(err)
			}
			if !hasEntry(entries, desk.EntryNote, "Checked in the lab.") {
				t.Errorf("case %d has no bulk note", id)
			}
		}
		for name, b := range map[string]support.Bulk{
			"no case":       {Action: support.BulkNote, Note: "x"},
			"empty note":    {Action: support.BulkNote, CaseIDs: []int64{a1}, Note: " "},
			"bad status":    {Action: support.BulkStatus, CaseIDs: []int64{a1}, Status: desk.StatusOpen, SubStatus: desk.SubReplied},
			"no action":     {Action: "shout", CaseIDs: []int64{a1}},
			"unknown owner": {Action: support.BulkAssign, CaseIDs: []int64{a1}, OwnerID: acme.dana.ID},
			"missing case":  {Action: support.BulkNote, CaseIDs: []int64{a1, 999999}, Note: "x"},
		} {
			if err := cases.Bulk(ctx, agent, b); desk.AsValidation(err) == nil {
				t.Errorf("bulk with %s = %v, want field messages", name, err)
			}
		}
	})
}

// Merging duplicates: the duplicates close (Cancelled) pointing at the
// case kept, their Case Feed moves there, both feeds say so; cases of
// another customer, closed ones, or a case kept that is not selected are
// refused and nothing moves.
func TestMergeDuplicates(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme, beta := f.customer("Acme Corp"), f.customer("Beta GmbH")
		keep, dup, other := f.open(t, acme.dana, desk.PriorityHigh), f.open(t, acme.sam, desk.PriorityLow), f.open(t, beta.dana, desk.PriorityLow)
		agent := f.staff(t, desk.RoleAgent)
		cases := f.svc.Cases()
		if err := cases.Comment(ctx, f.req(t, acme.sam), dup, "Same problem on the second trunk."); err != nil {
			t.Fatal(err)
		}

		err := cases.Bulk(ctx, agent, support.Bulk{Action: support.BulkMerge, CaseIDs: []int64{keep, dup, other}, IntoID: keep})
		if fields := desk.AsValidation(err); len(fields) != 1 || fields["case-"+desk.FormatCaseNumber(other)] == "" {
			t.Fatalf("merging another customer's case = %v, want that case named", err)
		}
		if c, _ := f.store.Case(ctx, dup); c.Closed() {
			t.Fatal("the duplicate closed although the merge was refused")
		}

		if err := cases.Bulk(ctx, agent, support.Bulk{Action: support.BulkMerge, CaseIDs: []int64{keep, dup}, IntoID: keep}); err != nil {
			t.Fatal(err)
		}
		c, err := f.store.Case(ctx, dup)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != desk.StatusClosed || c.SubStatus != desk.SubCancelled {
			t.Errorf("the duplicate is %s - %s, want Closed - Cancelled", c.Status, c.SubStatus)
		}
		if into, err := f.store.MergedInto(ctx, dup); err != nil || into != keep {
			t.Errorf("the duplicate points at %d, %v; want %d", into, err, keep)
		}
		kept, err := f.store.Entries(ctx, keep, true)
		if err != nil {
			t.Fatal(err)
		}
		if !hasEntry(kept, desk.EntryComment, "Same problem on the second trunk.") {
			t.Error("the duplicate's comment did not move to the case kept")
		}
		if !hasEntry(kept, desk.EntryEvent, "was merged into this case") {
			t.Error("the case kept does not say a duplicate was merged into it")
		}
		left, err := f.store.Entries(ctx, dup, true)
		if err != nil {
			t.Fatal(err)
		}
		if hasEntry(left, desk.EntryComment, "Same problem") || !hasEntry(left, desk.EntryEvent, "merged into case "+desk.FormatCaseNumber(keep)) {
			t.Errorf("the duplicate's feed after the merge: %+v", left)
		}
		// Again: the duplicate is closed now.
		err = cases.Bulk(ctx, agent, support.Bulk{Action: support.BulkMerge, CaseIDs: []int64{keep, dup}, IntoID: keep})
		if desk.AsValidation(err)["case-"+desk.FormatCaseNumber(dup)] == "" {
			t.Errorf("merging a closed duplicate = %v, want it named", err)
		}
		if err := cases.Bulk(ctx, agent, support.Bulk{Action: support.BulkMerge, CaseIDs: []int64{keep, other}, IntoID: dup}); desk.AsValidation(err)["into"] == "" {
			t.Errorf("merging into a case not selected = %v, want a message on into", err)
		}
	})
}

func hasEntry(entries []desk.Entry, k desk.EntryKind, part string) bool {
	for _, e := range entries {
		if e.Kind == k && strings.Contains(e.Body, part) {
			return true
		}
	}
	return false
}
