package worker_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/caseport/caseport/internal/clocktest"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/worker"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func schedule(t *testing.T, s *store.Store, j desk.Job) int64 {
	t.Helper()
	var id int64
	err := s.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = tx.ScheduleJob(context.Background(), &j, t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func newWorker(s *store.Store, c *clocktest.Clock) *worker.Worker {
	w := worker.New(worker.Config{Store: s, Log: quiet, Clock: c.Now})
	return w
}

func TestJobRunsWhenDue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := clocktest.New(t0)
		w := newWorker(s, c)
		var ran []string
		w.Handle("note", func(_ context.Context, j *desk.Job) error {
			ran = append(ran, j.Payload)
			return nil
		})
		schedule(t, s, desk.Job{Kind: "note", Payload: "later", RunAt: t0.Add(time.Hour)})
		schedule(t, s, desk.Job{Kind: "note", Payload: "now", RunAt: t0})
		if n, err := w.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("RunDue at t0 = %d, %v; want the job due now", n, err)
		}
		next, ok, err := s.NextJobAt(ctx)
		if err != nil || !ok || !next.Equal(t0.Add(time.Hour)) {
			t.Fatalf("NextJobAt = %s %v %v", next, ok, err)
		}
		c.Add(59 * time.Minute)
		if n, _ := w.RunDue(ctx); n != 0 {
			t.Fatal("a job ran before it was due")
		}
		c.Add(time.Minute)
		if n, _ := w.RunDue(ctx); n != 1 {
			t.Fatal("the job did not run when due")
		}
		if len(ran) != 2 || ran[0] != "now" || ran[1] != "later" {
			t.Errorf("ran %v", ran)
		}
		if _, ok, _ := s.NextJobAt(ctx); ok {
			t.Error("a finished job is still pending")
		}
	})
}

func TestJobKeysReplaceAndCancel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := clocktest.New(t0)
		w := newWorker(s, c)
		var ran []string
		w.Handle("followup", func(_ context.Context, j *desk.Job) error {
			ran = append(ran, j.Payload)
			return nil
		})
		first := schedule(t, s, desk.Job{Kind: "followup", Key: "followup:1", Payload: "first", RunAt: t0.Add(time.Hour)})
		second := schedule(t, s, desk.Job{Kind: "followup", Key: "followup:1", Payload: "moved", RunAt: t0.Add(2 * time.Hour)})
		if first != second {
			t.Errorf("a keyed job set again made a new job (%d, %d)", first, second)
		}
		schedule(t, s, desk.Job{Kind: "followup", Key: "followup:2", Payload: "cancelled", RunAt: t0.Add(time.Hour)})
		err := s.Write(ctx, func(tx *store.Tx) error {
			ok, err := tx.CancelJob(ctx, "followup:2", t0)
			if !ok && err == nil {
				err = errors.New("nothing cancelled")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c.Add(3 * time.Hour)
		if n, err := w.RunDue(ctx); n != 1 || err != nil {
			t.Fatalf("RunDue = %d, %v", n, err)
		}
		if len(ran) != 1 || ran[0] != "moved" {
			t.Errorf("ran %v, want only the moved timer", ran)
		}
		// Once done, the key is free for a new timer.
		again := schedule(t, s, desk.Job{Kind: "followup", Key: "followup:1", Payload: "again", RunAt: t0})
		if again == first {
			t.Error("a new timer reused a finished job")
		}
	})
}

func TestJobRetriesWithBackoff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := clocktest.New(t0)
		w := newWorker(s, c)
		calls := 0
		w.Handle("flaky", func(context.Context, *desk.Job) error {
			calls++
			switch calls {
			case 1:
				return errors.New("relay down")
			case 2:
				panic("handler bug")
			}
			return nil
		})
		id := schedule(t, s, desk.Job{Kind: "flaky", RunAt: t0})
		w.RunDue(ctx) //nolint:errcheck // the job's failure is recorded on the job
		jobs, err := s.Jobs(ctx, store.JobFilter{Failing: true})
		if err != nil || len(jobs) != 1 || jobs[0].ID != id || jobs[0].LastError != "relay down" || !jobs[0].RunAt.Equal(t0.Add(30*time.Second)) {
			t.Fatalf("after a failure: %+v %v; want a retry in 30s with the error", jobs, err)
		}
		c.Add(30 * time.Second)
		w.RunDue(ctx) //nolint:errcheck // as above
		jobs, _ = s.Jobs(ctx, store.JobFilter{Failing: true})
		if len(jobs) != 1 || jobs[0].LastError != "panic: handler bug" || !jobs[0].RunAt.Equal(c.Now().Add(time.Minute)) {
			t.Fatalf("after a panic: %+v; want a retry in a minute", jobs)
		}
		c.Add(time.Minute)
		if n, _ := w.RunDue(ctx); n != 1 || calls != 3 {
			t.Fatalf("third attempt: ran %d, calls %d", n, calls)
		}
		if jobs, _ := s.Jobs(ctx, store.JobFilter{Pending: true}); len(jobs) != 0 {
			t.Errorf("pending after success: %+v", jobs)
		}
	})
}

// TestJobSurvivesACrash: a worker that claimed a job and died leaves it
// to another once the lease is over; until then nobody takes it.
func TestJobSurvivesACrash(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := clocktest.New(t0)
		schedule(t, s, desk.Job{Kind: "mail", RunAt: t0})
		claimed, err := s.ClaimJob(ctx, t0, time.Minute) // ...and the process dies here
		if err != nil || claimed == nil {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		w := newWorker(s, c)
		var ran atomic.Int32
		w.Handle("mail", func(context.Context, *desk.Job) error { ran.Add(1); return nil })
		if n, _ := w.RunDue(ctx); n != 0 {
			t.Fatal("a leased job was taken by another worker")
		}
		c.Add(time.Minute)
		if n, _ := w.RunDue(ctx); n != 1 || ran.Load() != 1 {
			t.Fatal("the job of a dead worker did not run after its lease")
		}
	})
}

// TestRunWakesOnTime: the loop sleeps until the next job, wakes when one
// is scheduled, and runs it at its time.
func TestRunWakesOnTime(t *testing.T) {
	t.Parallel()
	storetest.EachSynctest(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(t.Context())
		w := worker.New(worker.Config{Store: s, Log: quiet, Poll: time.Hour})
		done := make(chan time.Time, 1)
		w.Handle("tick", func(context.Context, *desk.Job) error { done <- time.Now(); return nil })
		stopped := make(chan struct{})
		go func() { defer close(stopped); w.Run(ctx) }()
		synctest.Wait() // nothing is due: the loop sleeps
		due := time.Now().Add(300 * time.Millisecond)
		err := s.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.ScheduleJob(ctx, &desk.Job{Kind: "tick", RunAt: due}, time.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		w.Wake()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("the job ran before its time")
		default:
		}
		if at := <-done; !at.Equal(due) {
			t.Errorf("ran %s after its time, want at its time", at.Sub(due))
		}
		cancel()
		<-stopped
	})
}

// TestTwoInstancesRunEachJobOnce starts two workers of four runners each
// on two connections to one database, as two `caseport serve` processes
// would be, and counts
// what they do: every job once, its effect once.
func TestTwoInstancesRunEachJobOnce(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			url := eng.URL(t)
			var stores []*store.Store
			for range 2 {
				s, err := store.Open(ctx, url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				if err := s.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				stores = append(stores, s)
			}
			const jobs = 200
			err := stores[0].Write(ctx, func(tx *store.Tx) error {
				for i := range jobs {
					if _, err := tx.ScheduleJob(ctx, &desk.Job{Kind: "count", Payload: fmt.Sprint(i), RunAt: time.Now()}, time.Now()); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var calls [2]atomic.Int32
			var wg sync.WaitGroup
			for i, s := range stores {
				w := worker.New(worker.Config{Store: s, Log: quiet, Poll: 20 * time.Millisecond})
				// Several runners per process: claims must not overlap
				// within a process either.
				w.HandleKind("count", func(ctx context.Context, j *desk.Job) error {
					calls[i].Add(1)
					// The effect and the finish in one transaction.
					return s.Write(ctx, func(tx *store.Tx) error {
						if err := storetest.QueueMail(ctx, tx, desk.Notification{Kind: "test", To: "job" + j.Payload + "@example.com", Subject: "job " + j.Payload, CreatedAt: time.Now()}); err != nil {
							return err
						}
						ok, err := tx.FinishJob(ctx, j.ID, time.Now())
						if err == nil && !ok {
							err = errors.New("finished by someone else")
						}
						return err
					})
				}, worker.Kind{Runners: 4})
				wg.Add(1)
				go func() { defer wg.Done(); w.Run(ctx) }()
			}
			deadline := time.Now().Add(60 * time.Second)
			for {
				// The effect's emails have jobs of their own (nobody sends
				// them here); wait for the counting jobs.
				if pending, err := stores[0].Jobs(ctx, store.JobFilter{Pending: true, Kind: "count"}); err == nil && len(pending) == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the jobs did not all run within a minute")
				}
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
			wg.Wait()
			mails, err := stores[0].Notifications(context.Background(), "", 500)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, m := range mails {
				if seen[m.To] {
					t.Errorf("%s was sent twice", m.To)
				}
				seen[m.To] = true
			}
			total := calls[0].Load() + calls[1].Load()
			if len(mails) != jobs || total != jobs {
				t.Errorf("%d emails from %d handler calls (%d + %d), want %d of each", len(mails), total, calls[0].Load(), calls[1].Load(), jobs)
			}
			t.Logf("%s: instance A ran %d jobs, instance B %d", eng.Name, calls[0].Load(), calls[1].Load())
		})
	}
}

// TestKindsRunConcurrently: the jobs of a kind run on up to its runners
// at once, never more, and a busy kind does not hold up another.
func TestKindsRunConcurrently(t *testing.T) {
	t.Parallel()
	storetest.EachSynctest(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(t.Context())
		w := worker.New(worker.Config{Store: s, Log: quiet, Poll: time.Hour})
		const runners, mails = 4, 12
		var now, peak atomic.Int32
		release := make(chan struct{})
		var sent atomic.Int32
		w.HandleKind("mail", func(context.Context, *desk.Job) error {
			n := now.Add(1)
			defer now.Add(-1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			<-release
			sent.Add(1)
			return nil
		}, worker.Kind{Runners: runners})
		other := make(chan struct{}, 1)
		w.Handle("followup", func(context.Context, *desk.Job) error { other <- struct{}{}; return nil })
		for i := range mails {
			schedule(t, s, desk.Job{Kind: "mail", Payload: fmt.Sprint(i), RunAt: time.Now()})
		}
		done := make(chan struct{})
		go func() { defer close(done); w.Run(ctx) }()
		synctest.Wait()
		if n := now.Load(); n != runners {
			t.Fatalf("%d mails run at once, want all %d runners busy", n, runners)
		}
		// All mail runners are busy; a follow-up still runs.
		schedule(t, s, desk.Job{Kind: "followup", RunAt: time.Now()})
		w.Wake()
		synctest.Wait()
		select {
		case <-other:
		default:
			t.Fatal("a follow-up waited for the busy mail runners")
		}
		close(release)
		synctest.Wait()
		if n := sent.Load(); n != mails {
			t.Fatalf("%d of %d mails sent once the runners were free", n, mails)
		}
		if p := peak.Load(); p != runners {
			t.Errorf("at most %d mails ran at once, want %d", p, runners)
		}
		cancel()
		<-done
	})
}

// TestJobDiesAfterItsAttempts: a job that keeps failing is dead after
// its kind's attempts, with the last error, and Died tells of it in the
// same transaction; a permanent failure is dead at once. A dead job is
// no longer pending; retried it runs again, discarded it is gone.
func TestJobDiesAfterItsAttempts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := clocktest.New(t0)
		var died []string
		w := worker.New(worker.Config{Store: s, Log: quiet, Clock: c.Now, Died: func(ctx context.Context, tx *store.Tx, j *desk.Job) error {
			died = append(died, fmt.Sprintf("%d:%s", j.ID, j.LastError))
			return storetest.QueueMail(ctx, tx, desk.Notification{Kind: "test", To: "admin@example.com", Subject: "dead", CreatedAt: c.Now()})
		}})
		fail := true
		calls := 0
		w.HandleKind("flaky", func(context.Context, *desk.Job) error {
			calls++
			if fail {
				return fmt.Errorf("relay down (%d)", calls)
			}
			return nil
		}, worker.Kind{Attempts: 3})
		w.HandleKind("refused", func(context.Context, *desk.Job) error {
			return worker.Permanent(errors.New("550 no such user"))
		}, worker.Kind{Attempts: 3})
		flaky := schedule(t, s, desk.Job{Kind: "flaky", RunAt: t0})
		refused := schedule(t, s, desk.Job{Kind: "refused", RunAt: t0})
		for range 3 {
			w.RunDue(ctx) //nolint:errcheck // failures are recorded on the jobs
			c.Add(2 * time.Minute)
		}
		if calls != 3 {
			t.Errorf("the failing job ran %d times, want 3", calls)
		}
		want := []string{fmt.Sprintf("%d:550 no such user", refused), fmt.Sprintf("%d:relay down (3)", flaky)}
		if fmt.Sprint(died) != fmt.Sprint(want) {
			t.Errorf("Died told of %v, want %v", died, want)
		}
		dead, err := s.Jobs(ctx, store.JobFilter{Dead: true})
		if err != nil || len(dead) != 2 || dead[0].ID != flaky || dead[0].Attempts != 3 || dead[0].LastError != "relay down (3)" || dead[0].DeadAt.IsZero() {
			t.Fatalf("dead jobs: %+v %v", dead, err)
		}
		if pending, _ := s.Jobs(ctx, store.JobFilter{Pending: true}); len(pending) != 2 || pending[0].Kind != desk.JobMail || pending[1].Kind != desk.JobMail {
			t.Errorf("pending: %+v; want only the alerts' emails", pending)
		}
		c.Add(time.Hour)
		if n, _ := w.RunDue(ctx); n != 0 {
			t.Error("a dead job ran again by itself")
		}
		fail = false
		err = s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.ReviveJob(ctx, flaky, c.Now()); err != nil {
				return err
			}
			return tx.DiscardJob(ctx, refused, c.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := w.RunDue(ctx); n != 1 || calls != 4 {
			t.Errorf("after Retry now: ran %d, calls %d", n, calls)
		}
		if dead, _ := s.Jobs(ctx, store.JobFilter{Dead: true}); len(dead) != 0 {
			t.Errorf("still dead: %+v", dead)
		}
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.DiscardJob(ctx, refused, c.Now()) })
		if !errors.Is(err, desk.ErrConflict) {
			t.Errorf("discarding a discarded job: %v, want a conflict", err)
		}
	})
}

// TestShutdownDrainsJobs: once Run is told to stop it claims nothing
// more; a running job that ends within the grace is finished, and one
// that does not is stopped and released to run again, never lost.
func TestShutdownDrainsJobs(t *testing.T) {
	t.Parallel()
	storetest.EachSynctest(t, func(t *testing.T, s *store.Store) {
		ctx, stop := context.WithCancel(t.Context())
		const grace = 300 * time.Millisecond
		w := worker.New(worker.Config{Store: s, Log: quiet, Grace: grace})
		started := make(chan string, 2)
		w.HandleKind("quick", func(ctx context.Context, _ *desk.Job) error {
			started <- "quick"
			time.Sleep(100 * time.Millisecond) // goes on past the stop
			return nil
		}, worker.Kind{})
		w.HandleKind("slow", func(ctx context.Context, _ *desk.Job) error {
			started <- "slow"
			<-ctx.Done()
			return ctx.Err()
		}, worker.Kind{})
		now := time.Now()
		quick := schedule(t, s, desk.Job{Kind: "quick", RunAt: now})
		slow := schedule(t, s, desk.Job{Kind: "slow", RunAt: now})
		done := make(chan struct{})
		go func() { defer close(done); w.Run(ctx) }()
		<-started
		<-started
		schedule(t, s, desk.Job{Kind: "quick", Key: "late", RunAt: now})
		stopped := time.Now()
		stop()
		<-done
		if took := time.Since(stopped); took != grace {
			t.Errorf("Run took %s to return, want its grace of %s", took, grace)
		}
		ctx = t.Context()
		jobs, err := s.Jobs(ctx, store.JobFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			switch {
			case j.ID == quick && j.DoneAt.IsZero():
				t.Error("the job that ended within the grace is not finished")
			case j.ID == slow && (!j.DoneAt.IsZero() || j.Attempts != 0 || !j.LockedUntil.IsZero() || j.RunAt.After(time.Now())):
				t.Errorf("the stopped job: %+v; want it released, due now, its attempt not counted", j)
			case j.Key == "late" && (j.Attempts != 0 || !j.DoneAt.IsZero()):
				t.Error("a job was claimed after the stop")
			}
		}
	})
}

// TestJobsCostOneWriteEach: with SQLite's one writer, write transactions
// decide how many jobs a second get done. Due jobs of a kind are claimed
// together in one transaction, and a handler that finishes its job in
// the transaction of its effect is not followed by a second one.
func TestJobsCostOneWriteEach(t *testing.T) {
	t.Parallel()
	storetest.EachSynctest(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(t.Context())
		w := worker.New(worker.Config{Store: s, Log: quiet, Poll: time.Hour})
		const jobs = 3
		var done atomic.Int32
		w.HandleKind("mail", func(ctx context.Context, j *desk.Job) error {
			err := s.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.FinishJob(ctx, j.ID, time.Now())
				return err
			})
			done.Add(1)
			return err
		}, worker.Kind{Runners: jobs})
		for i := range jobs {
			schedule(t, s, desk.Job{Kind: "mail", Payload: fmt.Sprint(i), RunAt: time.Now()})
		}
		before := s.Writes()
		stopped := make(chan struct{})
		go func() { defer close(stopped); w.Run(ctx) }()
		synctest.Wait()
		if n := done.Load(); n != jobs {
			t.Fatalf("%d of %d jobs done once the worker sleeps", n, jobs)
		}
		cancel()
		<-stopped
		if n, err := s.PendingJobs(t.Context(), "mail"); err != nil || n != 0 {
			t.Fatalf("%d jobs pending, %v", n, err)
		}
		if got := s.Writes() - before; got != 1+jobs {
			t.Errorf("%d jobs took %d write transactions, want %d (one claim, one each)", jobs, got, 1+jobs)
		}
	})
}

// TestKindsAreWiringNotState: a kind registered once Run has started is
// refused, so nothing of a running worker changes.
func TestKindsAreWiringNotState(t *testing.T) {
	t.Parallel()
	storetest.EachSynctest(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(t.Context())
		w := worker.New(worker.Config{Store: s, Log: quiet, Poll: time.Hour})
		w.Handle("early", func(context.Context, *desk.Job) error { return nil })
		stopped := make(chan struct{})
		go func() { defer close(stopped); w.Run(ctx) }()
		synctest.Wait() // nothing is due: the loop sleeps
		func() {
			defer func() {
				if recover() == nil {
					t.Error("Handle after Run started did not panic")
				}
			}()
			w.Handle("late", func(context.Context, *desk.Job) error { return nil })
		}()
		cancel()
		<-stopped
	})
}
