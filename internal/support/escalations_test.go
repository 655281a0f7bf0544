package support_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
)

func TestEscalationLifecycle(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme, other := f.customer("Acme Corp"), f.customer("Other Inc")
		ownerUser := f.fx.Staff([]desk.Role{desk.RoleEscalationOwner})
		caseID := f.open(t, acme.dana, desk.PriorityMedium)
		dana := f.req(t, acme.dana)

		for _, who := range []struct {
			name string
			u    *desk.User
			want string
		}{{"a Read-Only contact", acme.riley, "forbidden"}, {"another company's contact", other.dana, "notfound"}} {
			_, err := f.svc.Cases().Escalate(ctx, f.req(t, who.u), caseID, desk.ReasonNoProgress, "Nothing moves.")
			if kind(err) != who.want {
				t.Errorf("%s escalating = %v, want %s", who.name, err, who.want)
			}
		}
		if _, err := f.svc.Cases().Escalate(ctx, dana, caseID, "bored", ""); desk.AsValidation(err) == nil {
			t.Errorf("escalation without reason or details = %v", err)
		}
		esc, err := f.svc.Cases().Escalate(ctx, dana, caseID, desk.ReasonBusinessImpact, "All 400 agents are affected since this morning.")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Cases().Escalate(ctx, dana, caseID, desk.ReasonNoProgress, "Again.")
		if v := desk.AsValidation(err); v == nil || !strings.Contains(v["escalation"], "already escalated") {
			t.Errorf("second escalation = %v", err)
		}
		if got := f.mails(t, ownerUser.Email, "escalated"); len(got) != 1 {
			t.Errorf("escalation owner mails: %v", got)
		}

		// Only escalation owners decide.
		if err := f.svc.Cases().WorkEscalation(ctx, f.staff(t, desk.RoleAgent), esc.ID, support.StepAccept, "We will look."); kind(err) != "forbidden" {
			t.Errorf("an agent accepting = %v", err)
		}
		if err := f.svc.Cases().WorkEscalation(ctx, f.req(t, other.dana), esc.ID, support.StepNote, "Hello"); kind(err) != "notfound" {
			t.Errorf("another company adding to the feed = %v", err)
		}
		owner := f.req(t, ownerUser)
		if err := f.svc.Cases().WorkEscalation(ctx, owner, esc.ID, support.StepAccept, ""); desk.AsValidation(err) == nil {
			t.Errorf("accepting without next steps = %v", err)
		}
		if err := f.svc.Cases().WorkEscalation(ctx, owner, esc.ID, support.StepAccept, "An engineer joins the case today; update at 16:00."); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Cases().WorkEscalation(ctx, owner, esc.ID, support.StepReject, "Changed my mind."); kind(err) != "conflict" {
			t.Errorf("rejecting an accepted escalation = %v", err)
		}
		if err := f.svc.Cases().WorkEscalation(ctx, dana, esc.ID, support.StepNote, "Thanks, we will be there at 16:00."); err != nil {
			t.Errorf("the customer adding to the escalation feed: %v", err)
		}
		v, err := f.svc.Cases().Escalations(ctx, dana, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Current == nil || v.Current.State != desk.EscalationAccepted || len(v.Feed) != 3 || v.CanEscalate ||
			v.Refusal == nil || !strings.Contains(v.Refusal.String(), "already escalated") {
			t.Errorf("escalation view %+v", v)
		}
		// The escalation feed is apart from the Case Feed, which only says it happened.
		cv, _ := f.svc.Cases().Case(ctx, dana, caseID)
		for _, e := range cv.Feed {
			if strings.Contains(e.Body, "400 agents") {
				t.Error("the escalation's details are in the Case Feed")
			}
		}
		if err := f.svc.Cases().WorkEscalation(ctx, owner, esc.ID, support.StepClose, "Resolved with the customer."); err != nil {
			t.Fatal(err)
		}
		if v, _ := f.svc.Cases().Escalations(ctx, dana, caseID); !v.CanEscalate {
			t.Errorf("after closing, the case cannot be escalated again: %v", v.Refusal)
		}
		if q, err := f.svc.Cases().EscalationQueue(ctx, owner); err != nil || len(q.Escalations) != 0 {
			t.Errorf("queue after closing: %v %v", q, err)
		}
	})
}

func TestEscalationRules(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.customer("Acme Corp")
		dana := f.req(t, acme.dana)
		low := f.open(t, acme.dana, desk.PriorityLow)
		_, err := f.svc.Cases().Escalate(ctx, dana, low, desk.ReasonNoProgress, "Please.")
		if v := desk.AsValidation(err); v == nil || !strings.Contains(v["escalation"], "Low priority") {
			t.Errorf("low = %v", err)
		}
		high := f.open(t, acme.dana, desk.PriorityHigh)
		_, err = f.svc.Cases().Escalate(ctx, dana, high, desk.ReasonNoProgress, "Please.")
		if v := desk.AsValidation(err); v == nil || !strings.Contains(v["escalation"], "24 hours") {
			t.Errorf("high too soon = %v", err)
		}
		f.time.Set(f.time.Now().Add(25 * time.Hour))
		if _, err := f.svc.Cases().Escalate(ctx, dana, high, desk.ReasonNoProgress, "A day without news."); err != nil {
			t.Errorf("high after a quiet day: %v", err)
		}
		// A late RCA: premise, 7 business days after all information.
		medium := f.open(t, acme.dana, desk.PriorityMedium)
		if err := f.svc.Cases().Update(ctx, f.staff(t, desk.RoleAgent), medium, support.CaseChange{InfoComplete: true}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Cases().Escalate(ctx, dana, medium, desk.ReasonRCA, "Where is the analysis?")
		if v := desk.AsValidation(err); v == nil || !strings.Contains(v["escalation"], "7 business days") {
			t.Errorf("RCA too soon = %v", err)
		}
		f.time.Set(f.time.Now().AddDate(0, 0, 12))
		if _, err := f.svc.Cases().Escalate(ctx, dana, medium, desk.ReasonRCA, "Where is the analysis?"); err != nil {
			t.Errorf("RCA after 7 business days: %v", err)
		}
		// Closed cases cannot be escalated.
		if err := f.svc.Cases().Close(ctx, dana, low, desk.SubResolved, "Fine now."); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Cases().Escalate(ctx, dana, low, desk.ReasonNoProgress, "Please.")
		if v := desk.AsValidation(err); v == nil || !strings.Contains(v["escalation"], "closed case") {
			t.Errorf("closed = %v", err)
		}
	})
}

// TestOneActiveEscalationUnderRace: two escalations at once leave one.
func TestOneActiveEscalationUnderRace(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.customer("Acme Corp")
		caseID := f.open(t, acme.dana, desk.PriorityMedium)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		// The requests are made here: f.req fails the test, which only
		// the test's own goroutine may do.
		who := []support.Request{f.req(t, acme.dana), f.req(t, acme.sam)}
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = f.svc.Cases().Escalate(ctx, who[i%2], caseID, desk.ReasonBusinessImpact, "Everything is down.")
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case desk.AsValidation(err) != nil, errors.Is(err, desk.ErrConflict):
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d escalations succeeded, want 1", ok)
		}
	})
}

func TestCriticalNotifiesTheProductSupportManager(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		psm := f.fx.Staff([]desk.Role{desk.RoleProductSupportManager})
		caseID := f.open(t, f.customer("Acme Corp").dana, desk.PriorityMedium)
		down := desk.PriorityProductionDown
		if err := f.svc.Cases().Update(ctx, f.staff(t, desk.RoleAgent), caseID, support.CaseChange{Priority: &down}); err != nil {
			t.Fatal(err)
		}
		if got := f.mails(t, psm.Email, "Production Down"); len(got) != 1 {
			t.Errorf("product support manager mails: %v", got)
		}
	})
}

// TestEscalationRequestedTellsWhoWorksIt: a new escalation is emailed to
// every staff member the policy lets work escalations (escalation owners
// and portal admins), not to other staff.
func TestEscalationRequestedTellsWhoWorksIt(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		acme := f.customer("Acme Corp")
		owner, admin := f.fx.Staff([]desk.Role{desk.RoleEscalationOwner}), f.fx.Staff([]desk.Role{desk.RolePortalAdmin})
		agent, psm := f.fx.Staff([]desk.Role{desk.RoleAgent}), f.fx.Staff([]desk.Role{desk.RoleProductSupportManager})
		caseID := f.open(t, acme.dana, desk.PriorityMedium)
		if _, err := f.svc.Cases().Escalate(context.Background(), f.req(t, acme.dana), caseID, desk.ReasonBusinessImpact, "All agents affected."); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			who  string
			u    *desk.User
			want int
		}{{"the escalation owner", owner, 1}, {"the portal admin", admin, 1}, {"an agent", agent, 0}, {"the product support manager", psm, 0}} {
			if got := f.mails(t, tt.u.Email, "escalated"); len(got) != tt.want {
				t.Errorf("%s got %q, want %d email", tt.who, got, tt.want)
			}
		}
	})
}

// TestContractLink: staff reading why a case without an active Service
// Contract cannot be escalated get the way to the console that they may
// take: the ended contract for whoever reads the accounts, a new contract
// only for whoever may add one.
func TestContractLink(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		ended, never := f.fx.Company("Ended Inc"), f.fx.Company("Never Ltd")
		last := f.fx.Contract(ended, fixture.Ended(30))
		endedCase := f.fx.Case(f.fx.Contact(ended, desk.ReadWrite), fixture.On(fixture.Combination(last)))
		neverCombo := desk.Combination{SoldToID: never.ID, EndUserID: never.ID}
		pat := f.fx.Contact(never, desk.NoAccess)
		f.fx.Grant(pat, neverCombo, desk.ReadWrite)
		neverCase := f.fx.Case(pat, fixture.On(neverCombo))
		agent, admin := f.staff(t, desk.RoleAgent), f.staff(t, desk.RolePortalAdmin)
		for _, tt := range []struct {
			who    string
			r      support.Request
			caseID int64
			want   string
		}{
			{"an agent, ended contract", agent, endedCase.ID, "/console/contracts/" + itoa(last.ID)},
			{"an admin, ended contract", admin, endedCase.ID, "/console/contracts/" + itoa(last.ID)},
			{"an agent, no contract ever", agent, neverCase.ID, ""},
			{"an admin, no contract ever", admin, neverCase.ID, "/console/contracts/new?company=" + itoa(never.ID)},
		} {
			v, err := f.svc.Cases().Escalations(ctx, tt.r, tt.caseID)
			if err != nil {
				t.Fatal(err)
			}
			if v.Refusal == nil || v.ContractLink != tt.want {
				t.Errorf("%s: refusal %v, contract link %q; want a refusal and %q", tt.who, v.Refusal, v.ContractLink, tt.want)
			}
		}
	})
}
