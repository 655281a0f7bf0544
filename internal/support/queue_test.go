package support_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
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
		if c.MergedIntoID != keep {
			t.Errorf("the duplicate points at %d; want %d", c.MergedIntoID, keep)
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

// The console's notifications: an assignment, a customer's update on a
// case one owns, an escalation (for its owner and those who work
// escalations) and a service-level warning each tell the staff member
// concerned, never of their own doing, and email them unless their
// profile says not to; they are read one by one or all at once, and
// another's notification does not exist for them.
func TestNotices(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		monday := slaFixture(t, f)
		acme := f.customer("Acme Corp", fixture.Care(desk.BusinessCarePlus, desk.Premise))
		caseID := f.open(t, acme.dana, desk.PriorityHigh)
		lead := f.staff(t, desk.RoleProductSupportManager)
		ownerUser := f.fx.Staff([]desk.Role{desk.RoleAgent})
		owner := f.req(t, ownerUser)
		escalator := f.fx.Staff([]desk.Role{desk.RoleEscalationOwner})
		cases := f.svc.Cases()
		kinds := func(r support.Request) []desk.NoticeKind {
			t.Helper()
			ns, err := cases.Notices(ctx, r, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []desk.NoticeKind
			for _, n := range ns {
				out = append(out, n.Kind)
			}
			return out
		}

		// Assigned by the lead: the owner is told and emailed.
		oid := ownerUser.ID
		if err := cases.Update(ctx, lead, caseID, support.CaseChange{OwnerID: &oid}); err != nil {
			t.Fatal(err)
		}
		if got := kinds(owner); !slices.Equal(got, []desk.NoticeKind{desk.NoticeAssigned}) {
			t.Errorf("after the assignment the owner has %v", got)
		}
		if got := f.mails(t, ownerUser.Email, "is assigned to you"); len(got) != 1 {
			t.Errorf("assignment emails: %q", got)
		}
		if got := kinds(lead); len(got) != 0 {
			t.Errorf("the lead is told of their own assignment: %v", got)
		}

		// The owner turns the customer's updates' emails off: the bell
		// still tells of them.
		if err := cases.SetNoticePrefs(ctx, owner, desk.NoticePrefs{desk.NoticeAssigned: true, desk.NoticeEscalation: true, desk.NoticeSLA: true}); err != nil {
			t.Fatal(err)
		}
		if prefs, err := cases.NoticePrefs(ctx, owner); err != nil || prefs.Email(desk.NoticeCustomerUpdate) || !prefs.Email(desk.NoticeSLA) {
			t.Errorf("the owner's choices read back as %v, %v", prefs, err)
		}
		if err := cases.Comment(ctx, f.req(t, acme.dana), caseID, "Here are the logs."); err != nil {
			t.Fatal(err)
		}
		if got := kinds(owner); len(got) != 2 || got[0] != desk.NoticeCustomerUpdate {
			t.Errorf("after the customer's update the owner has %v", got)
		}
		if got := f.mails(t, ownerUser.Email, "the customer wrote"); len(got) != 0 {
			t.Errorf("the owner turned customer updates' emails off, and got %q", got)
		}

		// The service-level warning of the response clock (due 11:00).
		f.time.Set(monday.Add(90 * time.Minute))
		if _, err := f.worker().RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		ns, err := cases.Notices(ctx, owner, 0)
		if err != nil {
			t.Fatal(err)
		}
		if ns[0].Kind != desk.NoticeSLA || ns[0].Event != desk.EventSLAWarning || !strings.Contains(ns[0].Detail, "target due") || ns[0].ActorID != 0 {
			t.Errorf("after the warning the owner's newest notice is %+v", ns[0])
		}
		if ns[1].Event != desk.EventCustomerUpdate || ns[len(ns)-1].Event != desk.EventAssigned {
			t.Errorf("the owner's notices are of %v … %v", ns[1].Event, ns[len(ns)-1].Event)
		}
		// The response target missed (due 11:00): an SLA breached.
		f.time.Set(monday.Add(2*time.Hour + time.Minute))
		if _, err := f.worker().RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if ns, err = cases.Notices(ctx, owner, 0); err != nil || ns[0].Event != desk.EventSLABreached || ns[0].Kind != desk.NoticeSLA {
			t.Fatalf("after the breach the owner's newest notice is %+v, %v", ns[0], err)
		}
		// An escalation: the owner and the escalation owners.
		f.time.Set(monday.Add(26 * time.Hour)) // a day without an update
		if _, err := cases.Escalate(ctx, f.req(t, acme.dana), caseID, desk.ReasonBusinessImpact, "All agents are affected."); err != nil {
			t.Fatal(err)
		}
		if got := kinds(owner); got[0] != desk.NoticeEscalation {
			t.Errorf("after the escalation the owner has %v", got)
		}
		if got := kinds(f.req(t, escalator)); !slices.Equal(got, []desk.NoticeKind{desk.NoticeEscalation}) {
			t.Errorf("the escalation owner has %v", got)
		}
		if got := f.mails(t, escalator.Email, "escalated"); len(got) != 1 {
			t.Errorf("the escalation owner's emails: %q", got)
		}

		if n, err := cases.UnreadNotices(ctx, owner); err != nil || n != 5 {
			t.Errorf("unread = %d, %v; want 5", n, err)
		}

		// Read one, then all; another's is not found.
		if err := cases.MarkNoticesRead(ctx, f.req(t, escalator), ns[0].ID); kind(err) != "notfound" {
			t.Errorf("marking another's notice read = %v, want not found", err)
		}
		if err := cases.MarkNoticesRead(ctx, owner, ns[0].ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := cases.UnreadNotices(ctx, owner); n != 4 {
			t.Errorf("after reading one: %d unread, want 4", n)
		}
		if err := cases.MarkNoticesRead(ctx, owner, 0); err != nil {
			t.Fatal(err)
		}
		if n, _ := cases.UnreadNotices(ctx, owner); n != 0 {
			t.Errorf("after reading all: %d unread", n)
		}
		if _, err := cases.Notices(ctx, f.req(t, acme.dana), 0); kind(err) != "forbidden" {
			t.Errorf("a contact's notices = %v, want forbidden", err)
		}
		if err := cases.SetNoticePrefs(ctx, owner, desk.NoticePrefs{"gossip": true}); desk.AsValidation(err) == nil {
			t.Errorf("a kind that does not exist = %v, want a field message", err)
		}
	})
}
