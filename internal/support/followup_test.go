package support_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/worker"
)

// jobs runs the service's timers on the fixture's clock and counts the
// ones that ran, by kind; emails are only queued here, not sent.
type jobs struct {
	w   *worker.Worker
	ran map[string]int
}

func (f *fixture) worker() *jobs {
	j := &jobs{w: worker.New(worker.Config{Store: f.store, Clock: f.time.Now}), ran: map[string]int{}}
	count := func(kind string, h worker.Handler) {
		j.w.Handle(kind, func(ctx context.Context, job *desk.Job) error {
			j.ran[kind]++
			return h(ctx, job)
		})
	}
	count(support.JobFollowUp, f.svc.Jobs().RunFollowUp)
	count(support.JobSLAWarning, f.svc.Jobs().RunSLAWarning)
	count(support.JobSLABreach, f.svc.Jobs().RunSLABreach)
	j.w.Handle(desk.JobMail, func(context.Context, *desk.Job) error { return nil })
	return j
}

// RunDue runs what is due and returns how many timers ran, emails aside.
func (j *jobs) RunDue(ctx context.Context) (int, error) {
	before := j.total()
	_, err := j.w.RunDue(ctx)
	return j.total() - before, err
}

func (j *jobs) total() int {
	n := 0
	for _, v := range j.ran {
		n += v
	}
	return n
}

func (f *fixture) setStatus(t *testing.T, caseID int64, st desk.Status, sub desk.SubStatus) {
	t.Helper()
	if err := f.svc.Cases().Update(context.Background(), f.as(t, demo.Agent), caseID, support.CaseChange{Status: &st, SubStatus: &sub}); err != nil {
		t.Fatalf("set %s/%s: %v", st, sub, err)
	}
}

// mails returns the subjects of the emails to the contact that contain
// part.
func (f *fixture) mails(t *testing.T, to, part string) []string {
	t.Helper()
	ms, err := f.store.Notifications(context.Background(), to, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		if strings.Contains(m.Subject, part) {
			out = append(out, m.Subject)
		}
	}
	return out
}

func TestFollowUpsCloseASilentCase(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		w := f.worker()
		caseID := f.world.Cases["abc-investigation"]
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
		if got := f.mails(t, demo.Designated, "Reminder #1"); len(got) != 1 {
			t.Fatalf("reminder #1 mails: %v", got)
		}
		f.time.Set(start.AddDate(0, 0, 5))
		run(1)
		if got := f.mails(t, demo.Designated, "Reminder #2"); len(got) != 1 {
			t.Fatalf("reminder #2 mails: %v", got)
		}
		f.time.Set(start.AddDate(0, 0, 10))
		run(1)
		v, err := f.svc.Cases().Case(ctx, f.as(t, demo.Designated), caseID)
		if err != nil {
			t.Fatal(err)
		}
		c := v.Case.Case
		if c.Status != desk.StatusClosed || c.SubStatus != desk.SubResolved || !c.AutoClosed || c.CloseComment != support.AutoCloseReason {
			t.Fatalf("after 10 days: %s/%s auto=%v %q", c.Status, c.SubStatus, c.AutoClosed, c.CloseComment)
		}
		if got := f.mails(t, demo.Designated, "closed: no response"); len(got) != 1 {
			t.Errorf("final mails: %v", got)
		}
		if v.CanReopen {
			t.Error("the customer is offered to reopen a case closed by follow-ups")
		}
		err = f.svc.Cases().Reopen(ctx, f.as(t, demo.Designated), caseID, "It is back")
		if !errors.Is(err, desk.ErrConflict) || !strings.Contains(err.Error(), "call support") {
			t.Errorf("customer reopen = %v, want a conflict saying to call support", err)
		}
		if err := f.svc.Cases().Reopen(ctx, f.as(t, demo.Agent), caseID, "Customer called: still broken"); err != nil {
			t.Fatalf("staff reopen: %v", err)
		}
		if _, err := f.store.PendingJob(ctx, "followup:"+itoa(caseID)); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("a timer is pending after the closure: %v", err)
		}
	})
}

func TestFollowUpsStopAndStartAgain(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		w := f.worker()
		caseID := f.world.Cases["abc-investigation"]
		key := "followup:" + itoa(caseID)
		for round := range 3 {
			f.setStatus(t, caseID, desk.StatusAwaitingInformation, desk.SubInfoFromCustomer)
			f.time.Set(f.time.Now().Add(36 * time.Hour))
			if err := f.svc.Cases().Comment(ctx, f.as(t, demo.Designated), caseID, "Here are the logs you asked for."); err != nil {
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
		if got := f.mails(t, demo.Designated, "Reminder"); len(got) != 0 {
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
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		caseID := f.world.Cases["abc-investigation"]
		key := "followup:" + itoa(caseID)
		critical := desk.PriorityCritical
		if err := f.svc.Cases().Update(ctx, f.as(t, demo.Agent), caseID, support.CaseChange{Priority: &critical}); err != nil {
			t.Fatal(err)
		}
		f.setStatus(t, caseID, desk.StatusSolutionProposed, desk.SubReplied)
		if _, err := f.store.PendingJob(ctx, key); !errors.Is(err, desk.ErrNotFound) {
			t.Error("a Critical case got automated follow-ups")
		}
		// Raised to Critical while waiting: the timer stops.
		medium := desk.PriorityMedium
		if err := f.svc.Cases().Update(ctx, f.as(t, demo.Agent), caseID, support.CaseChange{Priority: &medium}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.PendingJob(ctx, key); err != nil {
			t.Fatalf("no timer once the case is Medium and waiting: %v", err)
		}
		down := desk.PriorityProductionDown
		if err := f.svc.Cases().Update(ctx, f.as(t, demo.Agent), caseID, support.CaseChange{Priority: &down}); err != nil {
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
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		caseID := f.world.Cases["abc-investigation"]
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
		if got := f.mails(t, demo.Designated, "Reminder #1"); len(got) != 1 {
			t.Errorf("reminders: %v, want one", got)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestFollowUpsInBusinessDays: with the setting, 2 days from a Friday
// afternoon on the EMEA calendar is the Tuesday after.
func TestFollowUpsInBusinessDays(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		monday := slaFixture(t, f) // EMEA is the default calendar
		err := f.svc.ServiceLevels().SetSettings(ctx, f.as(t, demo.Admin), support.SLASettings{DefaultCalendar: "EMEA", WarningLead: 30 * time.Minute, FollowUpBusinessDays: true})
		if err != nil {
			t.Fatal(err)
		}
		friday := monday.AddDate(0, 0, 4).Add(6 * time.Hour) // 15:00 London
		f.time.Set(friday.UTC())
		caseID := f.world.Cases["abc-investigation"]
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
