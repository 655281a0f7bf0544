package support_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
)

// seenOf is what a page read of the case now shows, as the agent's form
// sends it back.
func seenOf(t *testing.T, f *env, r support.Request, caseID int64) *desk.CaseSeen {
	t.Helper()
	v, a := agentView(t, f, r, caseID)
	c := v.Case
	return &desk.CaseSeen{
		Version: c.Version, Status: c.Status, SubStatus: c.SubStatus, Priority: c.Priority, Severity: c.Severity,
		OwnerID: c.OwnerID, ContactID: c.ContactID, ComponentID: c.ComponentID, Tags: a.Tags, LastEntry: a.LastEntry, Known: true,
	}
}

// agentView is what the agent's page reads of a case: the case view and
// what the page shows beside it.
func agentView(t *testing.T, f *env, r support.Request, caseID int64) (*support.CaseView, *support.AgentCase) {
	t.Helper()
	v, err := f.svc.Cases().Case(context.Background(), r, caseID)
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.Cases().Agent(context.Background(), r, v)
	if err != nil {
		t.Fatal(err)
	}
	return v, a
}

// TestWorkSavesReplyAndChangeTogether: the agent's one submit adds the
// reply, sets the status and tags and keeps the attached file in one
// transaction; with any problem nothing of it is saved.
func TestWorkSavesReplyAndChangeTogether(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		f.withFiles(t)
		_, caseID := f.acmeCase()
		agent := f.staff(t, desk.RoleAgent)
		st, sub, tags := desk.StatusSolutionProposed, desk.SubReplied, []string{"ivr", "billing"}
		kind, err := f.svc.Cases().Work(ctx, agent, caseID, support.Work{
			Body: "Fixed in **4.2**.", Files: []support.Attachment{{Name: "patch.txt", ContentType: "text/plain", Content: []byte("diff")}},
			Change: support.CaseChange{Status: &st, SubStatus: &sub, Tags: &tags, Seen: seenOf(t, f, agent, caseID)},
		})
		if err != nil || kind != desk.EntryReply {
			t.Fatalf("Work = %s, %v; want a reply", kind, err)
		}
		c, err := f.store.Case(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != st || c.SubStatus != sub {
			t.Errorf("status = %s - %s, want %s - %s", c.Status, c.SubStatus, st, sub)
		}
		got, _ := f.store.CaseTags(ctx, caseID)
		if diff := cmp.Diff([]string{"billing", "ivr"}, got); diff != "" {
			t.Errorf("tags (-want +got):\n%s", diff)
		}
		files, _ := f.store.CaseFiles(ctx, caseID)
		if len(files) != 1 || files[0].Name != "patch.txt" || !files[0].SharedBySupport() {
			t.Errorf("files = %+v, want patch.txt shared by support", files)
		}
		feed, _ := f.store.Entries(ctx, caseID, true)
		if !slices.ContainsFunc(feed, func(e desk.Entry) bool { return e.Kind == desk.EntryReply && e.Body == "Fixed in **4.2**." }) {
			t.Errorf("the feed has no reply: %+v", feed)
		}

		// Nothing written and nothing changed: the reply is asked for.
		if _, err := f.svc.Cases().Work(ctx, agent, caseID, support.Work{}); desk.FieldMessages(err)["body"].ID != "desk.comment.empty" {
			t.Errorf("an empty submit: %v, want the reply's message", err)
		}

		// A bad tag refuses everything: no reply, no status.
		before, _ := f.store.Entries(ctx, caseID, true)
		bad, open, investigation := []string{"two words!"}, desk.StatusOpen, desk.SubInvestigation
		_, err = f.svc.Cases().Work(ctx, agent, caseID, support.Work{
			Body: "Not sent.", Change: support.CaseChange{Status: &open, SubStatus: &investigation, Tags: &bad},
		})
		if desk.FieldMessages(err)["tags"].ID != "support.agent_case.tag" {
			t.Errorf("a bad tag: %v, want the tags field's message", err)
		}
		after, _ := f.store.Entries(ctx, caseID, true)
		if c2, _ := f.store.Case(ctx, caseID); len(after) != len(before) || c2.Status != st {
			t.Errorf("after a refused submit: %d entries (was %d), status %s; want nothing saved", len(after), len(before), c2.Status)
		}
	})
}

// TestStaleChangeIsRefusedWithTheDifference: two agents read the case;
// the first changes it, and the second's change, made on the version
// they read, is refused with what differs field by field and the entries
// added meanwhile; nothing of it is saved. Sent again on the new version,
// it goes through. An API client that sends only a version is refused
// too, without the fields.
func TestStaleChangeIsRefusedWithTheDifference(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme, caseID := f.acmeCase()
		first, second := f.staff(t, desk.RoleAgent), f.staff(t, desk.RoleAgent)
		seen := seenOf(t, f, second, caseID)
		high, owner := desk.PriorityHigh, first.Actor.User.ID
		if err := f.svc.Cases().Update(ctx, first, caseID, support.CaseChange{Priority: &high, OwnerID: &owner, Seen: seenOf(t, f, first, caseID)}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Cases().Comment(ctx, f.req(t, acme.dana), caseID, "Any news?"); err != nil {
			t.Fatal(err)
		}
		low := desk.PriorityLow
		_, err := f.svc.Cases().Work(ctx, second, caseID, support.Work{Body: "Stale reply.", Change: support.CaseChange{Priority: &low, Seen: seen}})
		stale, ok := errors.AsType[*desk.StaleError](err)
		if !ok || !errors.Is(err, desk.ErrStale) {
			t.Fatalf("the second agent's change: %v, want a StaleError", err)
		}
		// The customer's update left the status as it was (Open).
		want := []desk.Change{
			{Field: "priority", Seen: desk.PriorityMedium, Now: desk.PriorityHigh},
			{Field: "owner", Seen: desk.Msg("desk.stale.nobody"), Now: first.Actor.User.Name()},
		}
		if diff := cmp.Diff(want, stale.Changes); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{acme.dana.Name()}, stale.Entries); diff != "" {
			t.Errorf("entries meanwhile (-want +got):\n%s", diff)
		}
		feed, _ := f.store.Entries(ctx, caseID, true)
		if slices.ContainsFunc(feed, func(e desk.Entry) bool { return e.Body == "Stale reply." }) {
			t.Error("the stale reply was saved")
		}
		if c, _ := f.store.Case(ctx, caseID); c.Priority != desk.PriorityHigh {
			t.Errorf("priority = %s after the stale change, want High", c.Priority)
		}

		// Sent again on the case as it now is, it goes through.
		if _, err := f.svc.Cases().Work(ctx, second, caseID, support.Work{Body: "Fresh reply.", Change: support.CaseChange{Priority: &low, Seen: seenOf(t, f, second, caseID)}}); err != nil {
			t.Fatalf("sent again: %v", err)
		}

		// The API's If-Match: a version only.
		err = f.svc.Cases().Update(ctx, first, caseID, support.CaseChange{Priority: &high, Seen: &desk.CaseSeen{Version: seen.Version}})
		if stale, ok := errors.AsType[*desk.StaleError](err); !ok || len(stale.Changes) != 0 {
			t.Errorf("a version only: %v, want a StaleError without fields", err)
		}
	})
}

// TestMacrosPolicyAndPlaceholders: support managers and portal admins
// keep macros (an agent is refused), each change is in the audit log, a
// name is unique and an unknown placeholder refused; any agent applies
// one to a case, its placeholders filled in from the case.
func TestMacrosPolicyAndPlaceholders(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme, caseID := f.acmeCase()
		agent, psm, admin := f.staff(t, desk.RoleAgent), f.staff(t, desk.RoleProductSupportManager), f.staff(t, desk.RolePortalAdmin)
		m := &desk.Macro{
			Name: "Solved", Body: "Hello {{contact.first_name}}, case {{ case.number }} is fixed. {{agent.first_name}}",
			Status: desk.StatusSolutionProposed, SubStatus: desk.SubReplied,
		}
		if err := f.svc.Cases().SaveMacro(ctx, agent, m); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("an agent saving a macro: %v, want forbidden", err)
		}
		if err := f.svc.Cases().SaveMacro(ctx, psm, m); err != nil {
			t.Fatalf("a support manager saving a macro: %v", err)
		}
		twin := &desk.Macro{Name: "Solved", Body: "Again."}
		if err := f.svc.Cases().SaveMacro(ctx, admin, twin); desk.FieldMessages(err)["name"].ID != "support.macros.name_taken" {
			t.Errorf("a second macro of the same name: %v, want the name's message", err)
		}
		bad := &desk.Macro{Name: "Bad", Body: "Hi {{contact.pin}}", Status: desk.StatusClosed, SubStatus: desk.SubResolved}
		fields := desk.FieldMessages(f.svc.Cases().SaveMacro(ctx, admin, bad))
		if fields["body"].ID != "support.macros.unknown_placeholder" || fields["status"].ID != "support.macros.status" {
			t.Errorf("a bad macro: %v, want the body's and the status's messages", fields)
		}
		log, err := f.store.AuditLog(ctx, desk.AuditFilter{Action: "macro_saved"})
		if err != nil || len(log) != 1 || log[0].Subject != "Solved" {
			t.Errorf("audit of macro_saved = %+v, %v", log, err)
		}

		applied, err := f.svc.Cases().ApplyMacro(ctx, agent, caseID, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := "Hello Dana, case " + desk.FormatCaseNumber(caseID) + " is fixed. " + agent.Actor.User.FirstName
		if applied.Body != want || applied.Macro.Status != desk.StatusSolutionProposed {
			t.Errorf("ApplyMacro = %q (%s), want %q with Solution Proposed", applied.Body, applied.Macro.Status, want)
		}
		if _, err := f.svc.Cases().ApplyMacro(ctx, f.req(t, acme.dana), caseID, m.ID); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("a contact applying a macro: %v, want forbidden", err)
		}
		if err := f.svc.Cases().DeleteMacro(ctx, agent, m.ID); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("an agent deleting a macro: %v, want forbidden", err)
		}
		if err := f.svc.Cases().DeleteMacro(ctx, admin, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Cases().ApplyMacro(ctx, agent, caseID, m.ID); desk.FieldMessages(err)["macro"].ID != "support.macros.gone" {
			t.Errorf("applying a deleted macro: %v, want the macro field's message", err)
		}
	})
}

// TestAgentCaseShowsTheCustomer: beside the case, the agent sees the
// combination's active contract, its other open cases (not closed ones,
// not another customer's), cases of any customer with the summary's words
// (the fixture's "Fixture case N"), and that the contact's PIN was checked on the phone.
func TestAgentCaseShowsTheCustomer(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme, caseID := f.acmeCase()
		globex := f.customer("Globex")
		other := f.investigating(acme.sam)
		f.fx.Case(acme.dana, fixture.Closed(desk.SubResolved, 1))
		elsewhere := f.investigating(globex.dana)
		agent := f.staff(t, desk.RoleAgent)
		v, a := agentView(t, f, agent, caseID)
		ids := func(rows []desk.CaseRow) []int64 {
			var out []int64
			for _, r := range rows {
				out = append(out, r.ID)
			}
			return out
		}
		if diff := cmp.Diff([]int64{other}, ids(a.OtherOpen)); diff != "" {
			t.Errorf("other open cases (-want +got):\n%s", diff)
		}
		if got := ids(a.Similar); !slices.Contains(got, other) || !slices.Contains(got, elsewhere) || slices.Contains(got, caseID) {
			t.Errorf("similar cases = %v, want %d and %d", got, other, elsewhere)
		}
		if a.Contract == nil || !a.VerifiedAt.IsZero() {
			t.Errorf("contract %v, verified at %v; want the active contract and no PIN check yet", a.Contract, a.VerifiedAt)
		}
		dana, err := f.store.User(ctx, acme.dana.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Cases().VerifyCaller(ctx, agent, dana.PIN); err != nil {
			t.Fatal(err)
		}
		if a, err = f.svc.Cases().Agent(ctx, agent, v); err != nil || a.VerifiedAt.IsZero() || a.VerifiedBy != agent.Actor.User.Name() {
			t.Errorf("after the PIN check: verified at %v by %q (%v), want now by the agent", a.VerifiedAt, a.VerifiedBy, err)
		}
		if _, err := f.svc.Cases().Agent(ctx, f.req(t, acme.dana), v); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("a contact asking for the agent's view: %v, want forbidden", err)
		}
	})
}
