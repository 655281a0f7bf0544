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
	"time"

	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/worker"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a time the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func schedule(t *testing.T, s *store.Store, j store.Job) int64 {
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

func newWorker(s *store.Store, c *clock) *worker.Worker {
	w := worker.New(s, quiet)
	w.Clock = c.now
	return w
}

func TestJobRunsWhenDue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{t: t0}
		w := newWorker(s, c)
		var ran []string
		w.Handle("note", func(_ context.Context, j *store.Job) error {
			ran = append(ran, j.Payload)
			return nil
		})
		schedule(t, s, store.Job{Kind: "note", Payload: "later", RunAt: t0.Add(time.Hour)})
		schedule(t, s, store.Job{Kind: "note", Payload: "now", RunAt: t0})
		if n, err := w.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("RunDue at t0 = %d, %v; want the job due now", n, err)
		}
		next, ok, err := s.NextJobAt(ctx)
		if err != nil || !ok || !next.Equal(t0.Add(time.Hour)) {
			t.Fatalf("NextJobAt = %s %v %v", next, ok, err)
		}
		c.add(59 * time.Minute)
		if n, _ := w.RunDue(ctx); n != 0 {
			t.Fatal("a job ran before it was due")
		}
		c.add(time.Minute)
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
		c := &clock{t: t0}
		w := newWorker(s, c)
		var ran []string
		w.Handle("followup", func(_ context.Context, j *store.Job) error {
			ran = append(ran, j.Payload)
			return nil
		})
		first := schedule(t, s, store.Job{Kind: "followup", Key: "followup:1", Payload: "first", RunAt: t0.Add(time.Hour)})
		second := schedule(t, s, store.Job{Kind: "followup", Key: "followup:1", Payload: "moved", RunAt: t0.Add(2 * time.Hour)})
		if first != second {
			t.Errorf("a keyed job set again made a new job (%d, %d)", first, second)
		}
		schedule(t, s, store.Job{Kind: "followup", Key: "followup:2", Payload: "cancelled", RunAt: t0.Add(time.Hour)})
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
		c.add(3 * time.Hour)
		if n, err := w.RunDue(ctx); n != 1 || err != nil {
			t.Fatalf("RunDue = %d, %v", n, err)
		}
		if len(ran) != 1 || ran[0] != "moved" {
			t.Errorf("ran %v, want only the moved timer", ran)
		}
		// Once done, the key is free for a new timer.
		again := schedule(t, s, store.Job{Kind: "followup", Key: "followup:1", Payload: "again", RunAt: t0})
		if again == first {
			t.Error("a new timer reused a finished job")
		}
	})
}

func TestJobRetriesWithBackoff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{t: t0}
		w := newWorker(s, c)
		calls := 0
		w.Handle("flaky", func(context.Context, *store.Job) error {
			calls++
			switch calls {
			case 1:
				return errors.New("relay down")
			case 2:
				panic("handler bug")
			}
			return nil
		})
		id := schedule(t, s, store.Job{Kind: "flaky", RunAt: t0})
		w.RunDue(ctx) //nolint:errcheck // the job's failure is recorded on the job
		jobs, err := s.Jobs(ctx, store.JobFilter{Failing: true})
		if err != nil || len(jobs) != 1 || jobs[0].ID != id || jobs[0].LastError != "relay down" || !jobs[0].RunAt.Equal(t0.Add(30*time.Second)) {
			t.Fatalf("after a failure: %+v %v; want a retry in 30s with the error", jobs, err)
		}
		c.add(30 * time.Second)
		w.RunDue(ctx) //nolint:errcheck // as above
		jobs, _ = s.Jobs(ctx, store.JobFilter{Failing: true})
		if len(jobs) != 1 || jobs[0].LastError != "panic: handler bug" || !jobs[0].RunAt.Equal(c.now().Add(time.Minute)) {
			t.Fatalf("after a panic: %+v; want a retry in a minute", jobs)
		}
		c.add(time.Minute)
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
		c := &clock{t: t0}
		schedule(t, s, store.Job{Kind: "mail", RunAt: t0})
		claimed, err := s.ClaimJob(ctx, t0, time.Minute) // ...and the process dies here
		if err != nil || claimed == nil {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		w := newWorker(s, c)
		var ran atomic.Int32
		w.Handle("mail", func(context.Context, *store.Job) error { ran.Add(1); return nil })
		if n, _ := w.RunDue(ctx); n != 0 {
			t.Fatal("a leased job was taken by another worker")
		}
		c.add(time.Minute)
		if n, _ := w.RunDue(ctx); n != 1 || ran.Load() != 1 {
			t.Fatal("the job of a dead worker did not run after its lease")
		}
	})
}

// TestRunWakesOnTime: the loop sleeps until the next job, wakes when one
// is scheduled, and runs it within a few milliseconds of its time.
func TestRunWakesOnTime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := worker.New(s, quiet)
		w.Poll = time.Hour // only the next due job or Wake may end a sleep
		done := make(chan time.Time, 1)
		w.Handle("tick", func(context.Context, *store.Job) error { done <- time.Now(); return nil })
		go w.Run(ctx)
		time.Sleep(50 * time.Millisecond)
		due := time.Now().Add(300 * time.Millisecond)
		err := s.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.ScheduleJob(ctx, &store.Job{Kind: "tick", RunAt: due}, time.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		w.Wake()
		select {
		case at := <-done:
			if late := at.Sub(due); late < 0 || late > 2*time.Second {
				t.Errorf("ran %s after its time", late)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the job never ran")
		}
	})
}

// TestTwoInstancesRunEachJobOnce starts two workers on two connections
// to one database, as two `caseport serve` processes would be, and counts
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
					if _, err := tx.ScheduleJob(ctx, &store.Job{Kind: "count", Payload: fmt.Sprint(i), RunAt: time.Now()}, time.Now()); err != nil {
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
				w := worker.New(s, quiet)
				w.Poll = 20 * time.Millisecond
				w.Handle("count", func(ctx context.Context, j *store.Job) error {
					calls[i].Add(1)
					// The effect and the finish in one transaction.
					return s.Write(ctx, func(tx *store.Tx) error {
						if err := tx.AddNotification(ctx, store.Notification{Kind: "test", To: "job" + j.Payload + "@example.com", Subject: "job " + j.Payload, CreatedAt: time.Now()}); err != nil {
							return err
						}
						ok, err := tx.FinishJob(ctx, j.ID, time.Now())
						if err == nil && !ok {
							err = errors.New("finished by someone else")
						}
						return err
					})
				})
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
