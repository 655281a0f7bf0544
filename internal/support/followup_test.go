package support_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

func TestFollowUpsCloseASilentCase(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		w := f.worker()
		dana := f.customer("Acme Corp").dana
		caseID := f.investigating(dana)
		f.setStatus(t, caseID, desk.StatusSolutionProposed, desk.SubReplied)
		start := f.time.Now()
		job, err := f.store.PendingJob(ctx, "followup:"+itoa(caseID))
		if err != nil || !job.RunAt.Equal(start.AddDate(0, 0, 2)) {
			t.Fatalf("follow-up timer = %+v, %v; want one due in 2 days", job, err)
		}
		run := func(want int) {
			t.Helper()
			n, err := w.RunDue(ctx)
			if err != nil || n != want {
				t.Fatalf("RunDue at +%s = %d, %v; want %d", f.time.Now().Sub(start), n, err, want)
			}
		}
		f.time.Set(start.AddDate(0, 0, 2).Add(-time.Minute))
		run(0)
		f.time.Set(start.AddDate(0, 0, 2))
		run(1)
		if got := f.mails(t, dana.Email, "Reminder #1"); len(got) != 1 {
			t.Fatalf("reminder #1 mails: %v", got)
		}
		f.time.Set(start.AddDate(0, 0, 5))
		run(1)
		if got := f.mails(t, dana.Email, "Reminder #2"); len(got) != 1 {
			t.Fatalf("reminder #2 mails: %v", got)
		}
		f.time.Set(start.AddDate(0, 0, 10))
		run(1)
		v, err := f.svc.Cases().Case(ctx, f.req(t, dana), caseID)
		if err != nil {
			t.Fatal(err)
		}
		c := v.Case.Case
		if c.Status != desk.StatusClosed || c.SubStatus != desk.SubResolved || !c.AutoClosed || c.CloseComment != support.AutoCloseReason {
			t.Fatalf("after 10 days: %s/%s auto=%v %q", c.Status, c.SubStatus, c.AutoClosed, c.CloseComment)
		}
		if got := f.mails(t, dana.Email, "closed: no response"); len(got) != 1 {
			t.Errorf("final mails: %v", got)
		}
		if v.CanReopen {
			t.Error("the customer is offered to reopen a case closed by follow-ups")
		}
		err = f.svc.Cases().Reopen(ctx, f.req(t, dana), caseID, "It is back")
		if !errors.Is(err, desk.ErrConflict) || !strings.Contains(err.Error(), "call support") {
			t.Errorf("customer reopen = %v, want a conflict saying to call support", err)
		}
		if err := f.svc.Cases().Reopen(ctx, f.staff(t, desk.RoleAgent), caseID, "Customer called: still broken"); err != nil {
			t.Fatalf("staff reopen: %v", err)
		}
		if _, err := f.store.PendingJob(ctx, "followup:"+itoa(caseID)); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("a timer is pending after the closure: %v", err)
		}
	})
}

func TestFollowUpsStopAndStartAgain(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		w := f.worker()
		dana := f.customer("Acme Corp").dana
		caseID := f.investigating(dana)
		key := "followup:" + itoa(caseID)
		for round := range 3 {
			f.setStatus(t, caseID, desk.StatusAwaitingInformation, desk.SubInfoFromCustomer)
			f.time.Set(f.time.Now().Add(36 * time.Hour))
			if err := f.svc.Cases().Comment(ctx, f.req(t, dana), caseID, "Here are the logs you asked for."); err != nil {
				t.Fatal(err)
			}
			if _, err := f.store.PendingJob(ctx, key); !errors.Is(err, desk.ErrNotFound) {
				t.Fatalf("round %d: the customer's update did not stop the timer: %v", round, err)
			}
			f.time.Set(f.time.Now().AddDate(0, 0, 11))
			if n, _ := w.RunDue(ctx); n != 0 {
				t.Fatalf("round %d: a stopped timer ran", round)
			}
		}
		if got := f.mails(t, dana.Email, "Reminder"); len(got) != 0 {
			t.Errorf("reminders after every update was answered: %v", got)
		}
		// Third party pending waits on someone else: no timer.
		f.setStatus(t, caseID, desk.StatusAwaitingInformation, desk.SubThirdPartyPending)
		if _, err := f.store.PendingJob(ctx, key); !errors.Is(err, desk.ErrNotFound) {
			t.Error("a timer started for Third Party Pending")
		}
		// Staff moving it on from waiting stops it too.
		f.setStatus(t, caseID, desk.StatusSolutionProposed, desk.SubFixedSoftware)
		if _, err := f.store.PendingJob(ctx, key); err != nil {
			t.Fatalf("no timer after Solution Proposed: %v", err)
		}
		f.setStatus(t, caseID, desk.StatusOpen, desk.SubInvestigation)
		if _, err := f.store.PendingJob(ctx, key); !errors.Is(err, desk.ErrNotFound) {
			t.Error("the timer survived staff reopening the investigation")
		}
	})
}

func TestNoFollowUpsForCritical(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		dana := f.customer("Acme Corp").dana
		caseID := f.investigating(dana)
		key := "followup:" + itoa(caseID)
		critical := desk.PriorityCritical
		if err := f.svc.Cases().Update(ctx, f.staff(t, desk.RoleAgent), caseID, support.CaseChange{Priority: &critical}); err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, caseID, desk.StatusSolutionProposed, desk.SubReplied)
		if _, err := f.store.PendingJob(ctx, key); !errors.Is(err, desk.ErrNotFound) {
			t.Error("a Critical case got automated follow-ups")
		}
		// Raised to Critical while waiting: the timer stops.
		medium := desk.PriorityMedium
		if err := f.svc.Cases().Update(ctx, f.staff(t, desk.RoleAgent), caseID, support.CaseChange{Priority: &medium}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.PendingJob(ctx, key); err != nil {
			t.Fatalf("no timer once the case is Medium and waiting: %v", err)
		}
		down := desk.PriorityProductionDown
		if err := f.svc.Cases().Update(ctx, f.staff(t, desk.RoleAgent), caseID, support.CaseChange{Priority: &down}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.PendingJob(ctx, key); !errors.Is(err, desk.ErrNotFound) {
			t.Error("the timer survived Production Down")
		}
	})
}

// TestFollowUpJobOnce: the same follow-up job run twice (a retry after a
// crash) queues one reminder.
func TestFollowUpJobOnce(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		dana := f.customer("Acme Corp").dana
		caseID := f.investigating(dana)
		f.setStatus(t, caseID, desk.StatusSolutionProposed, desk.SubReplied)
		f.time.Set(f.time.Now().AddDate(0, 0, 2))
		j, err := f.store.PendingJob(ctx, "followup:"+itoa(caseID))
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := f.svc.Jobs().RunFollowUp(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.mails(t, dana.Email, "Reminder #1"); len(got) != 1 {
			t.Errorf("reminders: %v, want one", got)
		}
	})
}

// TestFollowUpsInBusinessDays: with the setting, 2 days from a Friday
// afternoon on the EMEA calendar is the Tuesday after.
func TestFollowUpsInBusinessDays(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		monday := slaFixture(t, f) // EMEA is the default calendar
		err := f.svc.ServiceLevels().SetSettings(ctx, f.staff(t, desk.RolePortalAdmin), support.SLASettings{DefaultCalendar: "EMEA", WarningLead: 30 * time.Minute, FollowUpBusinessDays: true})
		if err != nil {
			t.Fatal(err)
		}
		friday := monday.AddDate(0, 0, 4).Add(6 * time.Hour) // 15:00 London
		f.time.Set(friday.UTC())
		dana := f.customer("Acme Corp").dana
		caseID := f.investigating(dana)
		f.setStatus(t, caseID, desk.StatusSolutionProposed, desk.SubReplied)
		job, err := f.store.PendingJob(ctx, "followup:"+itoa(caseID))
		if err != nil {
			t.Fatal(err)
		}
		if want := friday.AddDate(0, 0, 4); !job.RunAt.Equal(want) {
			t.Errorf("reminder #1 at %s, want %s (two business days)", job.RunAt.In(friday.Location()), want)
		}
	})
}

// TestThirdPartyPendingAsksNothingOfTheCustomer: the handbook's
// Awaiting Information - Third Party Pending is support waiting on a
// third party it logged a fault with, so the customer's case page asks
// them nothing (no reply quoted as what support asked for, no date the
// follow-ups would close it, since none run), and the customer may still
// add an update; Information Required From Customer on the same case does
// ask, with the date.
func TestThirdPartyPendingAsksNothingOfTheCustomer(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		cu := f.customer("Acme Corp")
		caseID := f.investigating(cu.dana)
		agent := f.staff(t, desk.RoleAgent)
		if err := f.svc.Cases().Reply(ctx, agent, caseID, "We logged the fault with the carrier and wait for their answer.", false); err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, caseID, desk.StatusAwaitingInformation, desk.SubThirdPartyPending)
		v, err := f.svc.Cases().Case(ctx, f.req(t, cu.dana), caseID)
		if err != nil {
			t.Fatal(err)
		}
		if !v.WaitsOnThirdParty() || v.AwaitingInformation() {
			t.Errorf("Third Party Pending: WaitsOnThirdParty() = %t, AwaitingInformation() = %t; want waiting on a third party, not on the customer",
				v.WaitsOnThirdParty(), v.AwaitingInformation())
		}
		if v.AskedFor != nil || !v.AutoCloseAt.IsZero() {
			t.Errorf("Third Party Pending: AskedFor %+v, AutoCloseAt %v; want nothing asked and no closing date", v.AskedFor, v.AutoCloseAt)
		}
		if !v.CanComment {
			t.Error("the Designated Contact may not add an update to a case waiting on a third party")
		}
		f.setStatus(t, caseID, desk.StatusAwaitingInformation, desk.SubInfoFromCustomer)
		start := f.time.Now()
		v, err = f.svc.Cases().Case(ctx, f.req(t, cu.dana), caseID)
		if err != nil {
			t.Fatal(err)
		}
		if v.WaitsOnThirdParty() || !v.AwaitingInformation() || v.AskedFor == nil || !v.AutoCloseAt.Equal(start.AddDate(0, 0, 10)) {
			t.Errorf("Information Required From Customer: WaitsOnThirdParty() = %t, AwaitingInformation() = %t, AskedFor %+v, AutoCloseAt %v; want the customer asked, closing in 10 days",
				v.WaitsOnThirdParty(), v.AwaitingInformation(), v.AskedFor, v.AutoCloseAt)
		}
	})
}
