package support_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
)

// slaFixture moves the clock to the next Monday 09:00 in London and puts
// the cases on the EMEA calendar (Mon-Fri 08:00-18:00 London).
func slaFixture(t *testing.T, f *env) time.Time {
	t.Helper()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	d := f.time.Now().In(london)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	monday := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, london)
	f.time.Set(monday.UTC())
	err = f.store.Write(context.Background(), func(tx *store.Tx) error {
		return tx.SetSetting(context.Background(), "sla.default_calendar", "EMEA")
	})
	if err != nil {
		t.Fatal(err)
	}
	return monday
}

func (f *env) clock(t *testing.T, caseID int64, kind desk.ClockKind) desk.Clock {
	t.Helper()
	cc, err := f.svc.Cases().Case(context.Background(), f.staff(t, desk.RoleAgent), caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range cc.Clocks {
		if ck.Kind == kind {
			return ck
		}
	}
	t.Fatalf("case %d has no %s clock", caseID, kind)
	return desk.Clock{}
}

// TestLateWarningSaysNothing: a warning that runs after the deadline (the
// worker was stopped, or the target shortened under it) posts no "left"
// warning; the breach alone tells.
func TestLateWarningSaysNothing(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		monday := slaFixture(t, f)
		w := f.worker()
		acme := f.customer("Acme Corp", fixture.Care(desk.BusinessCarePlus, desk.Premise))
		caseID := f.open(t, acme.dana, desk.PriorityHigh)
		f.time.Set(monday.Add(3 * time.Hour)) // an hour past the 11:00 deadline
		if n, _ := w.RunDue(ctx); n != 2 {
			t.Fatalf("ran %d jobs, want the warning's and the breach's", n)
		}
		v, err := f.svc.Cases().Case(ctx, f.staff(t, desk.RoleAgent), caseID)
		if err != nil {
			t.Fatal(err)
		}
		feed := ""
		for _, e := range v.Feed {
			feed += e.Body + "\n"
		}
		if strings.Contains(feed, "Initial response target due") || !strings.Contains(feed, "Initial response target missed") {
			t.Errorf("a late warning: the feed should tell the breach alone:\n%s", feed)
		}
	})
}

func TestResponseClock(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		monday := slaFixture(t, f)
		w := f.worker()
		acme := f.customer("Acme Corp", fixture.Care(desk.BusinessCarePlus, desk.Premise))
		agent := f.staff(t, desk.RoleAgent)
		// Business Care Plus, premise, High: 4 hours made 50% faster.
		caseID := f.open(t, acme.dana, desk.PriorityHigh)
		ck := f.clock(t, caseID, desk.ClockResponse)
		if ck.Amount != 120 || ck.Unit != desk.UnitBusinessMinutes || !ck.DueAt.Equal(monday.Add(2*time.Hour)) {
			t.Fatalf("response clock %+v; want 2 business hours, due 11:00", ck)
		}

		// Waiting on the customer pauses it; the answer resumes it.
		f.time.Set(monday.Add(time.Hour))
		f.setStatus(t, caseID, desk.StatusAwaitingInformation, desk.SubInfoFromCustomer)
		if ck := f.clock(t, caseID, desk.ClockResponse); !ck.Paused() || ck.Left != time.Hour {
			t.Fatalf("after asking for information: %+v; want paused with an hour left", ck)
		}
		tuesday := monday.AddDate(0, 0, 1)
		f.time.Set(tuesday.Add(30 * time.Minute))
		if n, _ := w.RunDue(ctx); n != 0 {
			t.Fatal("a paused clock's jobs ran")
		}
		if err := f.svc.Cases().Comment(ctx, f.req(t, acme.dana), caseID, "Here is the trace you asked for."); err != nil {
			t.Fatal(err)
		}
		ck = f.clock(t, caseID, desk.ClockResponse)
		if !ck.Running() || !ck.DueAt.Equal(tuesday.Add(90*time.Minute)) {
			t.Fatalf("after the answer: %+v; want due 10:30 Tuesday", ck)
		}
		cc, _ := f.svc.Cases().Case(ctx, f.req(t, acme.dana), caseID)
		if len(cc.Pauses) != 1 || !cc.Pauses[0].StartedAt.Equal(monday.Add(time.Hour)) || !cc.Pauses[0].EndedAt.Equal(f.time.Now()) {
			t.Errorf("pause history %+v", cc.Pauses)
		}

		// The warning 30 minutes before, the breach at the deadline, once each.
		f.time.Set(tuesday.Add(time.Hour))
		if n, _ := w.RunDue(ctx); n != 1 {
			t.Fatalf("warning: ran %d jobs", n)
		}
		f.time.Set(tuesday.Add(2 * time.Hour))
		if n, _ := w.RunDue(ctx); n != 1 {
			t.Fatalf("breach: ran %d jobs", n)
		}
		if n, _ := w.RunDue(ctx); n != 0 {
			t.Fatal("a clock job ran twice")
		}
		ck = f.clock(t, caseID, desk.ClockResponse)
		if ck.WarnedAt.IsZero() || ck.BreachedAt.IsZero() || !ck.Missed(f.time.Now()) {
			t.Errorf("after the deadline: %+v", ck)
		}
		v, _ := f.svc.Cases().Case(ctx, agent, caseID)
		feed := ""
		for _, e := range v.Feed {
			feed += e.Body + "\n"
		}
		if !strings.Contains(feed, "Initial response target due") || !strings.Contains(feed, "Initial response target missed") {
			t.Errorf("the feed does not show the warning and the breach:\n%s", feed)
		}

		// An internal note is no response; a public reply is.
		if err := f.svc.Cases().Reply(ctx, agent, caseID, "Looking at the trace.", true); err != nil {
			t.Fatal(err)
		}
		if ck := f.clock(t, caseID, desk.ClockResponse); !ck.MetAt.IsZero() {
			t.Fatal("an internal note met the response target")
		}
		if err := f.svc.Cases().Reply(ctx, agent, caseID, "We are on it.", false); err != nil {
			t.Fatal(err)
		}
		if ck := f.clock(t, caseID, desk.ClockResponse); !ck.MetAt.Equal(f.time.Now()) {
			t.Errorf("a public reply did not meet the target: %+v", ck)
		}
	})
}

func TestResponseClockMetInTime(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		monday := slaFixture(t, f)
		w := f.worker()
		acme := f.customer("Acme Corp", fixture.Care(desk.BusinessCarePlus, desk.Premise))
		agent := f.staff(t, desk.RoleAgent)
		// Business Care Plus, Medium: 24 hours made 12, business hours: due Tuesday 11:00.
		caseID := f.open(t, acme.dana, desk.PriorityMedium)
		if ck := f.clock(t, caseID, desk.ClockResponse); !ck.DueAt.Equal(monday.AddDate(0, 0, 1).Add(2 * time.Hour)) {
			t.Fatalf("medium due %s", ck.DueAt)
		}
		// Raised to High after an hour: 2 hours in all, one used.
		f.time.Set(monday.Add(time.Hour))
		high := desk.PriorityHigh
		if err := f.svc.Cases().Update(ctx, agent, caseID, support.CaseChange{Priority: &high}); err != nil {
			t.Fatal(err)
		}
		if ck := f.clock(t, caseID, desk.ClockResponse); !ck.DueAt.Equal(monday.Add(2*time.Hour)) || ck.Amount != 120 {
			t.Fatalf("after raising to High: %+v; want due 11:00", ck)
		}
		f.time.Set(monday.Add(90 * time.Minute))
		if err := f.svc.Cases().Reply(ctx, agent, caseID, "Hello, we are looking.", false); err != nil {
			t.Fatal(err)
		}
		f.time.Set(monday.AddDate(0, 0, 3))
		if n, _ := w.RunDue(ctx); n != 0 {
			t.Errorf("%d clock jobs ran for a met target", n)
		}
		if ck := f.clock(t, caseID, desk.ClockResponse); ck.Missed(f.time.Now()) || !ck.WarnedAt.IsZero() {
			t.Errorf("a target met in time: %+v", ck)
		}
	})
}

func TestRCAClock(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		monday := slaFixture(t, f)
		acme := f.customer("Acme Corp", fixture.Care(desk.BusinessCarePlus, desk.Premise))
		agent := f.staff(t, desk.RoleAgent)
		caseID := f.open(t, acme.dana, desk.PriorityHigh)
		err := f.svc.Cases().Update(ctx, agent, caseID, support.CaseChange{RCADelivered: true})
		if err == nil {
			t.Fatal("an RCA was delivered before its clock started")
		}
		if err := f.svc.Cases().Update(ctx, agent, caseID, support.CaseChange{InfoComplete: true}); err != nil {
			t.Fatal(err)
		}
		// High: 9 business days, Monday to the Thursday of the week after next.
		ck := f.clock(t, caseID, desk.ClockRCA)
		if ck.Amount != 9 || ck.Unit != desk.UnitBusinessDays || !ck.DueAt.Equal(monday.AddDate(0, 0, 11)) {
			t.Fatalf("RCA clock %+v", ck)
		}
		f.time.Set(monday.AddDate(0, 0, 4))
		if err := f.svc.Cases().Update(ctx, agent, caseID, support.CaseChange{RCADelivered: true}); err != nil {
			t.Fatal(err)
		}
		if ck := f.clock(t, caseID, desk.ClockRCA); ck.MetAt.IsZero() || ck.Missed(f.time.Now()) {
			t.Errorf("delivered RCA: %+v", ck)
		}
	})
}

func TestCriticalCloudClock(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		slaFixture(t, f)
		// Staff raise a case of a partner's End User (cloud, Business Care)
		// to Critical: 10 minutes around the clock, from when the case opened.
		partner := f.fx.Company("Partner Ltd")
		endUser := fixture.Combination(f.fx.Contract(f.fx.Company("EndCo"), fixture.PartnerOf(partner), fixture.Care(desk.BusinessCare, desk.Cloud)))
		pat := f.fx.Contact(partner, desk.NoAccess, fixture.AcceptedTerms)
		f.fx.Grant(pat, endUser, desk.ReadWrite)
		agent := f.staff(t, desk.RoleAgent)
		n := f.newCase(endUser)
		n.Summary, n.Description = "No calls routed", "No call reaches an agent since the maintenance window ended an hour ago."
		n.Priority = desk.PriorityHigh
		c, err := f.svc.Cases().Open(ctx, f.req(t, pat), n)
		if err != nil {
			t.Fatal(err)
		}
		start := f.time.Now()
		f.time.Set(f.time.Now().Add(2 * time.Minute))
		critical := desk.PriorityCritical
		if err := f.svc.Cases().Update(ctx, agent, c.ID, support.CaseChange{Priority: &critical}); err != nil {
			t.Fatal(err)
		}
		if ck := f.clock(t, c.ID, desk.ClockResponse); ck.Unit != desk.UnitMinutes || ck.Amount != 10 || !ck.DueAt.Equal(start.Add(10*time.Minute)) {
			t.Errorf("critical cloud clock %+v; want due 10 minutes after opening", ck)
		}
	})
}
