package support_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
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

func (f *env) openCase(t *testing.T, p desk.Priority) int64 {
	t.Helper()
	c, err := f.svc.Cases().Open(context.Background(), f.as(t, demo.Designated), desk.NewCase{
		Combination: f.world.ABCCombo(), Type: desk.TypeSupport, SubType: "Problem",
		ProductID: f.world.Products["SIP Server"], ComponentID: f.world.Comps["SIP Server"][0],
		Summary: "Calls drop", Description: "Every call on trunk 3 drops after thirty seconds since this morning.",
		Priority: p, Stage: desk.StageProduction,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func (f *env) clock(t *testing.T, caseID int64, kind desk.ClockKind) desk.Clock {
	t.Helper()
	cc, err := f.svc.Cases().Case(context.Background(), f.as(t, demo.Agent), caseID)
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

func TestResponseClock(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		monday := slaFixture(t, f)
		w := f.worker()
		// Business Care Plus, premise, High: 4 hours made 50% faster.
		caseID := f.openCase(t, desk.PriorityHigh)
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
		if err := f.svc.Cases().Comment(ctx, f.as(t, demo.Designated), caseID, "Here is the trace you asked for."); err != nil {
			t.Fatal(err)
		}
		ck = f.clock(t, caseID, desk.ClockResponse)
		if !ck.Running() || !ck.DueAt.Equal(tuesday.Add(90*time.Minute)) {
			t.Fatalf("after the answer: %+v; want due 10:30 Tuesday", ck)
		}
		cc, _ := f.svc.Cases().Case(ctx, f.as(t, demo.Designated), caseID)
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
		v, _ := f.svc.Cases().Case(ctx, f.as(t, demo.Agent), caseID)
		feed := ""
		for _, e := range v.Feed {
			feed += e.Body + "\n"
		}
		if !strings.Contains(feed, "Initial response target due") || !strings.Contains(feed, "Initial response target missed") {
			t.Errorf("the feed does not show the warning and the breach:\n%s", feed)
		}

		// An internal note is no response; a public reply is.
		if err := f.svc.Cases().Reply(ctx, f.as(t, demo.Agent), caseID, "Looking at the trace.", true); err != nil {
			t.Fatal(err)
		}
		if ck := f.clock(t, caseID, desk.ClockResponse); !ck.MetAt.IsZero() {
			t.Fatal("an internal note met the response target")
		}
		if err := f.svc.Cases().Reply(ctx, f.as(t, demo.Agent), caseID, "We are on it.", false); err != nil {
			t.Fatal(err)
		}
		if ck := f.clock(t, caseID, desk.ClockResponse); !ck.MetAt.Equal(f.time.Now()) {
			t.Errorf("a public reply did not meet the target: %+v", ck)
		}
	})
}

func TestResponseClockMetInTime(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		monday := slaFixture(t, f)
		w := f.worker()
		// Medium: 24 hours made 12, business hours: due Tuesday 11:00.
		caseID := f.openCase(t, desk.PriorityMedium)
		if ck := f.clock(t, caseID, desk.ClockResponse); !ck.DueAt.Equal(monday.AddDate(0, 0, 1).Add(2 * time.Hour)) {
			t.Fatalf("medium due %s", ck.DueAt)
		}
		// Raised to High after an hour: 2 hours in all, one used.
		f.time.Set(monday.Add(time.Hour))
		high := desk.PriorityHigh
		if err := f.svc.Cases().Update(ctx, f.as(t, demo.Agent), caseID, support.CaseChange{Priority: &high}); err != nil {
			t.Fatal(err)
		}
		if ck := f.clock(t, caseID, desk.ClockResponse); !ck.DueAt.Equal(monday.Add(2*time.Hour)) || ck.Amount != 120 {
			t.Fatalf("after raising to High: %+v; want due 11:00", ck)
		}
		f.time.Set(monday.Add(90 * time.Minute))
		if err := f.svc.Cases().Reply(ctx, f.as(t, demo.Agent), caseID, "Hello, we are looking.", false); err != nil {
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
	eachDemo(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		monday := slaFixture(t, f)
		caseID := f.openCase(t, desk.PriorityHigh)
		err := f.svc.Cases().Update(ctx, f.as(t, demo.Agent), caseID, support.CaseChange{RCADelivered: true})
		if err == nil {
			t.Fatal("an RCA was delivered before its clock started")
		}
		if err := f.svc.Cases().Update(ctx, f.as(t, demo.Agent), caseID, support.CaseChange{InfoComplete: true}); err != nil {
			t.Fatal(err)
		}
		// High: 9 business days, Monday to the Thursday of the week after next.
		ck := f.clock(t, caseID, desk.ClockRCA)
		if ck.Amount != 9 || ck.Unit != desk.UnitBusinessDays || !ck.DueAt.Equal(monday.AddDate(0, 0, 11)) {
			t.Fatalf("RCA clock %+v", ck)
		}
		f.time.Set(monday.AddDate(0, 0, 4))
		if err := f.svc.Cases().Update(ctx, f.as(t, demo.Agent), caseID, support.CaseChange{RCADelivered: true}); err != nil {
			t.Fatal(err)
		}
		if ck := f.clock(t, caseID, desk.ClockRCA); ck.MetAt.IsZero() || ck.Missed(f.time.Now()) {
			t.Errorf("delivered RCA: %+v", ck)
		}
	})
}

func TestCriticalCloudClock(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		slaFixture(t, f)
		// Staff raise a Contoso (cloud, Business Care) case to Critical:
		// 10 minutes around the clock, from when the case opened.
		c, err := f.svc.Cases().Open(ctx, f.as(t, demo.Partner), desk.NewCase{
			Combination: desk.Combination{SoldToID: f.world.Northwind, EndUserID: f.world.Contoso}, Type: desk.TypeSupport, SubType: "Problem",
			ProductID: f.world.Products["ACD Server"], ComponentID: f.world.Comps["ACD Server"][0],
			Summary: "No calls routed", Description: "No call reaches an agent since the maintenance window ended an hour ago.",
			Priority: desk.PriorityHigh, Stage: desk.StageProduction,
		})
		if err != nil {
			t.Fatal(err)
		}
		start := f.time.Now()
		f.time.Set(f.time.Now().Add(2 * time.Minute))
		critical := desk.PriorityCritical
		if err := f.svc.Cases().Update(ctx, f.as(t, demo.Agent), c.ID, support.CaseChange{Priority: &critical}); err != nil {
			t.Fatal(err)
		}
		if ck := f.clock(t, c.ID, desk.ClockResponse); ck.Unit != desk.UnitMinutes || ck.Amount != 10 || !ck.DueAt.Equal(start.Add(10*time.Minute)) {
			t.Errorf("critical cloud clock %+v; want due 10 minutes after opening", ck)
		}
	})
}
