package support_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/worker"
)

// TestDeadJobs: jobs that die are told to portal admins in one email
// for a burst, not one each; only portal admins list them, try them
// again or discard them, and each action is audited.
func TestDeadJobs(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		adminUser, agentUser := f.fx.Staff([]desk.Role{desk.RolePortalAdmin}), f.fx.Staff([]desk.Role{desk.RoleAgent})
		w := worker.New(worker.Config{Store: f.store, Log: quietLog(), Clock: f.time.Now, Died: f.svc.Jobs().JobDied})
		w.Handle(support.JobDeadAlert, f.svc.Jobs().RunDeadJobsAlert)
		w.Handle(desk.JobMail, func(context.Context, *desk.Job) error { return nil })
		fail := true
		w.HandleKind("export", func(context.Context, *desk.Job) error {
			if fail {
				return errors.New("disk full")
			}
			return nil
		}, worker.Kind{Attempts: 2})
		var ids []int64
		err := f.store.Write(ctx, func(tx *store.Tx) error {
			for i := range 3 {
				id, err := tx.ScheduleJob(ctx, &desk.Job{Kind: "export", Payload: fmt.Sprint(i), RunAt: f.time.Now()}, f.time.Now())
				ids = append(ids, id)
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := w.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			f.time.Set(f.time.Now().Add(time.Minute))
		}
		f.time.Set(f.time.Now().Add(10 * time.Minute))
		if _, err := w.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		alerts := f.mails(t, adminUser.Email, "stopped after")
		if len(alerts) != 1 || alerts[0] != "3 jobs stopped after their last attempt" {
			t.Fatalf("alerts to the portal admin: %q; want one for the three", alerts)
		}
		if got := f.mails(t, agentUser.Email, "stopped after"); len(got) != 0 {
			t.Errorf("an agent was alerted: %q", got)
		}
		if _, err := f.svc.Jobs().DeadJobs(ctx, f.req(t, agentUser)); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("an agent's DeadJobs: %v, want forbidden", err)
		}
		if err := f.svc.Jobs().RetryJob(ctx, f.req(t, agentUser), ids[0]); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("an agent's RetryJob: %v, want forbidden", err)
		}
		admin := f.req(t, adminUser)
		dead, err := f.svc.Jobs().DeadJobs(ctx, admin)
		if err != nil || len(dead) != 3 || dead[0].LastError != "disk full" || dead[0].Attempts != 2 || !strings.HasPrefix(dead[0].Subject.String(), "export ") {
			t.Fatalf("DeadJobs: %+v %v", dead, err)
		}
		fail = false
		if err := f.svc.Jobs().RetryJob(ctx, admin, ids[0]); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Jobs().DiscardJob(ctx, admin, ids[1]); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Jobs().RetryJob(ctx, admin, ids[1]); !errors.Is(err, desk.ErrConflict) {
			t.Errorf("retrying a discarded job: %v, want a conflict", err)
		} else if want := fmt.Sprintf("job %d is no longer dead: conflict", ids[1]); err.Error() != want {
			t.Errorf("retrying a discarded job: %q, want %q", err, want)
		}
		if err := f.svc.Jobs().RetryJob(ctx, admin, 999999); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("retrying no job: %v, want not found", err)
		}
		if n, err := w.RunDue(ctx); n != 1 || err != nil {
			t.Errorf("after Retry now: ran %d, %v", n, err)
		}
		if dead, _ := f.svc.Jobs().DeadJobs(ctx, admin); len(dead) != 1 || dead[0].ID != ids[2] {
			t.Errorf("dead after retry and discard: %+v", dead)
		}
		for _, action := range []string{"job_retried", "job_discarded"} {
			if lines, _ := f.store.AuditLog(ctx, desk.AuditFilter{Action: action}); len(lines) != 1 {
				t.Errorf("audit %s: %d lines", action, len(lines))
			}
		}
		// A later death is a new alert; the ones told of are not told again.
		err = f.store.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.ScheduleJob(ctx, &desk.Job{Kind: "export", RunAt: f.time.Now()}, f.time.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		fail = true
		for range 3 {
			if _, err := w.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			f.time.Set(f.time.Now().Add(10 * time.Minute))
		}
		if alerts := f.mails(t, adminUser.Email, "stopped after"); len(alerts) != 2 || alerts[0] != "A job stopped after its last attempt" {
			t.Errorf("alerts after a later death: %q", alerts)
		}
	})
}
