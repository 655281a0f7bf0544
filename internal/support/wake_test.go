package support_test

import (
	"context"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/worker"
)

// TestQueuedMailWakesTheWorker: an email queued by any use case (here the
// forgot-password link, which once waited for the next poll) is sent at
// once by a worker that would otherwise sleep for an hour.
func TestQueuedMailWakesTheWorker(t *testing.T) {
	t.Parallel()
	storetest.EachSynctest(t, func(t *testing.T, s *store.Store) {
		f := newEnv(t, s)
		dana := f.fx.Contact(f.fx.Company("Acme Corp"), desk.ReadOnly)
		ctx, cancel := context.WithCancel(t.Context())
		sent := make(chan string, 100)
		w := worker.New(worker.Config{Store: f.store, Log: quietLog(), Poll: time.Hour})
		w.Handle(desk.JobMail, func(ctx context.Context, j *desk.Job) error {
			id, err := strconv.ParseInt(j.Payload, 10, 64)
			if err != nil {
				return err
			}
			n, err := f.store.Notification(ctx, id)
			if err != nil {
				return err
			}
			sent <- n.Kind
			return nil
		})
		f.store.OnSchedule(w.Wake)
		done := make(chan struct{})
		go func() { defer close(done); w.Run(ctx) }()
		defer func() { cancel(); <-done }()

		// Nothing is queued: the worker sleeps.
		synctest.Wait()
		if len(sent) > 0 {
			t.Fatalf("%d emails sent before any was queued", len(sent))
		}
		if err := f.svc.Sessions().RequestPasswordReset(ctx, dana.Email, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		// No time passes: only the wake can have sent it.
		synctest.Wait()
		select {
		case kind := <-sent:
			if kind != "password_reset" {
				t.Errorf("sent %s, want password_reset", kind)
			}
		default:
			t.Fatal("the password reset email was not sent before the worker slept again")
		}
	})
}
