package support_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestAcceptSolution: a Designated Contact accepts the solution staff
// proposed; the case closes as resolved with the comment, in one
// transaction, and can be reopened until 30 days later. Before, the case
// page shows what support proposed and when follow-ups would close it.
func TestAcceptSolution(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		cu, caseID := f.acmeCase()
		agent := f.staff(t, desk.RoleAgent)
		if err := f.svc.Cases().Reply(ctx, agent, caseID, "Apply patch 7.2 to the call control.", false); err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, caseID, desk.StatusSolutionProposed, desk.SubReplied)
		start := f.time.Now()

		v, err := f.svc.Cases().Case(ctx, f.req(t, cu.dana), caseID)
		if err != nil {
			t.Fatal(err)
		}
		if v.AskedFor == nil || !strings.Contains(v.AskedFor.Body, "patch 7.2") {
			t.Errorf("AskedFor = %+v, want the staff reply", v.AskedFor)
		}
		if want := start.AddDate(0, 0, 10); !v.AutoCloseAt.Equal(want) {
			t.Errorf("AutoCloseAt = %v, want %v (the follow-ups' last step)", v.AutoCloseAt, want)
		}
		if !v.SolutionProposed() {
			t.Error("SolutionProposed() = false")
		}

		// A Read-Only colleague may not accept.
		err = f.svc.Cases().AcceptSolution(ctx, f.req(t, cu.riley), caseID, "")
		if !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("Read-Only accept = %v, want forbidden", err)
		}

		if err := f.svc.Cases().AcceptSolution(ctx, f.req(t, cu.dana), caseID, "Works now, thanks."); err != nil {
			t.Fatalf("accept: %v", err)
		}
		v, err = f.svc.Cases().Case(ctx, f.req(t, cu.dana), caseID)
		if err != nil {
			t.Fatal(err)
		}
		c := v.Case.Case
		if c.Status != desk.StatusClosed || c.SubStatus != desk.SubResolved || c.CloseComment != "Works now, thanks." {
			t.Fatalf("after accepting: %s/%s %q", c.Status, c.SubStatus, c.CloseComment)
		}
		if !strings.Contains(v.Feed[len(v.Feed)-1].Body+v.Feed[0].Body+v.Feed[1].Body, "Solution accepted: Works now, thanks.") {
			t.Errorf("the feed does not hold the acceptance: %+v", v.Feed[:2])
		}
		if want := c.ClosedAt.Add(desk.ReopenWindow); !v.ReopenUntil.Equal(want) {
			t.Errorf("ReopenUntil = %v, want %v", v.ReopenUntil, want)
		}
		if !v.AutoCloseAt.IsZero() || v.AskedFor != nil {
			t.Errorf("a closed case shows a follow-up: %v %+v", v.AutoCloseAt, v.AskedFor)
		}
		if _, err := f.store.PendingJob(ctx, "followup:"+itoa(caseID)); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("a follow-up timer is pending after acceptance: %v", err)
		}
		// Accepting again is a conflict that says why.
		err = f.svc.Cases().AcceptSolution(ctx, f.req(t, cu.dana), caseID, "")
		if !errors.Is(err, desk.ErrConflict) || !strings.Contains(err.Error(), "no solution is proposed") {
			t.Errorf("second accept = %v, want a conflict", err)
		}
	})
}

// TestRejectSolution: "This didn't solve it" adds the customer's words and
// reopens the case to Open; it needs words and a proposed solution.
func TestRejectSolution(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		cu, caseID := f.acmeCase()
		err := f.svc.Cases().RejectSolution(ctx, f.req(t, cu.dana), caseID, "Still broken.")
		if !errors.Is(err, desk.ErrConflict) {
			t.Errorf("reject on an open case = %v, want a conflict", err)
		}
		f.setStatus(t, caseID, desk.StatusSolutionProposed, desk.SubReplied)
		if err := f.svc.Cases().RejectSolution(ctx, f.req(t, cu.dana), caseID, "  "); desk.FieldMessages(err)["body"].ID == "" {
			t.Errorf("reject without words = %v, want a message on body", err)
		}
		if err := f.svc.Cases().RejectSolution(ctx, f.req(t, cu.dana), caseID, "The silence is still there."); err != nil {
			t.Fatalf("reject: %v", err)
		}
		v, err := f.svc.Cases().Case(ctx, f.req(t, cu.dana), caseID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Case.Status != desk.StatusOpen {
			t.Errorf("after reject the status is %s, want open", v.Case.Status)
		}
		found := false
		for _, e := range v.Feed {
			found = found || (e.Kind == desk.EntryComment && strings.Contains(e.Body, "The silence is still there."))
		}
		if !found {
			t.Errorf("the feed lacks the customer's words: %+v", v.Feed)
		}
		if _, err := f.store.PendingJob(ctx, "followup:"+itoa(caseID)); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("a follow-up timer is pending once the case is open: %v", err)
		}
	})
}
