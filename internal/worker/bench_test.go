package worker_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/mailer"
	"github.com/caseport/caseport/internal/mailer/mailtest"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/worker"
)

// BenchmarkTimers measures the job mechanism with a million pending
// follow-up timers (CASEPORT_BENCH_TIMERS overrides the count):
//
//   - schedule: setting one keyed timer in its own transaction, as a
//     status change does;
//   - next-due and claim-none: the worker's two questions when nothing is
//     due, which are all it costs while idle;
//   - fire: running due timers (20,000 of the million are due);
//   - idle: the worker's CPU time over three seconds with nothing due.
//
// Run: go test ./internal/worker -run '^$' -bench Timers -benchtime 2000x
func BenchmarkTimers(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("CASEPORT_BENCH_TIMERS")); err == nil && v > 0 {
		n = v
	}
	for _, eng := range storetest.Engines(b) {
		b.Run(eng.Name, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, eng)
			now := time.Now().UTC()
			const due = 20_000
			start := time.Now()
			for first := 0; first < n; first += 5000 {
				err := s.Write(ctx, func(tx *store.Tx) error {
					for i := first; i < min(n, first+5000); i++ {
						at := now.Add(48*time.Hour + time.Duration(i)*time.Second)
						if i < due {
							at = now.Add(-time.Minute)
						}
						j := &desk.Job{Kind: "followup", Key: "followup:" + strconv.Itoa(i), Payload: "0", RunAt: at}
						if _, err := tx.ScheduleJob(ctx, j, now); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			took := time.Since(start)
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			b.Logf("%s: scheduled %d timers in %s (%.0f/s) in batches of 5,000; Go heap after: %.1f MiB",
				eng.Name, n, took.Round(time.Millisecond), float64(n)/took.Seconds(), float64(ms.HeapAlloc)/(1<<20))

			b.Run("schedule", func(b *testing.B) {
				i := 0
				for b.Loop() {
					err := s.Write(ctx, func(tx *store.Tx) error {
						_, err := tx.ScheduleJob(ctx, &desk.Job{Kind: "followup", Key: fmt.Sprintf("bench:%d", i), RunAt: now.Add(72 * time.Hour)}, now)
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			b.Run("next-due", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := s.NextJobAt(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("claim-none", func(b *testing.B) {
				for b.Loop() {
					if j, err := s.ClaimJob(ctx, now.Add(-time.Hour), time.Minute); err != nil || j != nil {
						b.Fatal(j, err)
					}
				}
			})
			b.Run("fire", func(b *testing.B) {
				fired := 0
				for b.Loop() {
					// One due timer per operation, through claim, handler and finish.
					j, err := s.ClaimJob(ctx, time.Now().UTC(), time.Minute)
					if err != nil || j == nil {
						b.Fatalf("claim %d: %v %v", fired, j, err)
					}
					if err := s.Write(ctx, func(tx *store.Tx) error {
						_, err := tx.FinishJob(ctx, j.ID, time.Now().UTC())
						return err
					}); err != nil {
						b.Fatal(err)
					}
					fired++
					if fired == due {
						b.Fatal("out of due timers: use a smaller -benchtime")
					}
				}
			})
			// Once, whatever b.N: the worker with the timers, none due, for
			// three seconds.
			b.Run("idle", func(b *testing.B) {
				w := worker.New(worker.Config{Store: s, Log: quiet})
				w.Handle("followup", func(context.Context, *desk.Job) error { return nil })
				if _, err := w.RunDue(ctx); err != nil { // what is still due
					b.Fatal(err)
				}
				runCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
				defer cancel()
				before := cpuTime()
				w.Run(runCtx)
				b.ReportMetric(float64((cpuTime()-before).Microseconds())/1000*20, "cpu-ms/min")
			})
		})
	}
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMailBacklog opens cases at the peak rate seen in production
// (34 a second; CASEPORT_BENCH_RATE overrides it) while the worker sends
// their emails through the mailer to a real SMTP relay on loopback that
// takes 50 ms a message (CASEPORT_BENCH_RELAY_DELAY). Each operation is one
// case, paced to the rate, opened through support.OpenCase as the portal
// does, by eight openers at once as the web side's requests are (one
// alone tops out below 200 a second). Reported: backlog, the mail jobs still pending when the last case
// is opened; peak-backlog, the most seen at any second; sent/s and
// cases/s. With one runner (the worker before runners per kind) the
// backlog grows with every case; with eight it stays flat.
//
// Run: go test ./internal/worker -run '^$' -bench MailBacklog -benchtime 1000x
func BenchmarkMailBacklog(b *testing.B) {
	rate := 34.0
	if v, err := strconv.ParseFloat(os.Getenv("CASEPORT_BENCH_RATE"), 64); err == nil && v > 0 {
		rate = v
	}
	delay := 50 * time.Millisecond
	if v, err := time.ParseDuration(os.Getenv("CASEPORT_BENCH_RELAY_DELAY")); err == nil {
		delay = v
	}
	for _, eng := range storetest.Engines(b) {
		for _, runners := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/runners=%d", eng.Name, runners), func(b *testing.B) {
				mailBacklog(b, eng, runners, rate, delay)
			})
		}
	}
}

func mailBacklog(b *testing.B, eng storetest.Engine, runners int, rate float64, delay time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := storetest.Open(b, eng)
	// One customer whose contact opens every case: each case queues one
	// email, the case_created one to its contact.
	fx := fixture.New(b, s)
	acme := fx.Company("Acme Corp")
	combo := fixture.Combination(fx.Contract(acme))
	dana, product := fx.Contact(acme, desk.ReadWrite), fx.DefaultProduct()
	rl := &mailtest.Relay{Delay: delay}
	svc := support.New(support.Deps{Store: s, Log: quiet, BaseURL: "https://support.example"})
	m, err := mailer.New(s, quiet, mailer.Config{Relay: rl.Start(b), From: "Support <support@vendor.example>"})
	if err != nil {
		b.Fatal(err)
	}
	w := worker.New(worker.Config{Store: s, Log: quiet})
	w.HandleKind(desk.JobMail, m.Send, worker.Kind{Runners: runners})
	s.OnSchedule(w.Wake)
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	a, err := s.Actor(ctx, dana.ID, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	peak := 0
	sample := time.NewTicker(time.Second)
	defer sample.Stop()
	interval := time.Duration(float64(time.Second) / rate)
	const openers = 8
	due := make(chan int)
	var opened sync.WaitGroup
	var failed atomic.Pointer[error]
	for range openers {
		opened.Go(func() {
			for i := range due {
				_, err := svc.Cases().Open(ctx, support.Request{Actor: a}, desk.NewCase{
					Combination: combo, Type: desk.TypeSupport, SubType: "Problem",
					ProductID: product.ID, ComponentID: product.Components[0],
					Summary: fmt.Sprintf("Calls drop on trunk %d", i), Description: "Every call on the trunk drops after thirty seconds since this morning.",
					Priority: desk.PriorityMedium, Stage: desk.StageProduction,
				})
				if err != nil {
					failed.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	start := time.Now()
	next := start
	cases := 0
	for b.Loop() {
		time.Sleep(time.Until(next))
		next = next.Add(interval)
		// Blocks while all openers are busy: the rate is then what they
		// manage, as cases/s shows.
		due <- cases
		cases++
		select {
		case <-sample.C:
			n, err := s.PendingJobs(ctx, desk.JobMail)
			if err != nil {
				b.Fatal(err)
			}
			peak = max(peak, n)
		default:
		}
	}
	close(due)
	opened.Wait()
	took := time.Since(start)
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	backlog, err := s.PendingJobs(ctx, desk.JobMail)
	if err != nil {
		b.Fatal(err)
	}
	sent := rl.Accepted()
	cancel()
	<-done
	b.ReportMetric(float64(backlog), "backlog")
	b.ReportMetric(float64(max(peak, backlog)), "peak-backlog")
	b.ReportMetric(float64(sent)/took.Seconds(), "sent/s")
	b.ReportMetric(float64(cases)/took.Seconds(), "cases/s")
}
