package demo_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/support"
)

// TestLoadIfEmptyAtOnce: instances started at once with --demo on one new
// store all come up, and the demo world is loaded once. Each has its own
// connections, as separate processes would; before, each saw the store
// empty and all but one failed on "A product with this name exists".
func TestLoadIfEmptyAtOnce(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			url := e.URL(t)
			s := storetest.Open(t, storetest.Engine{Name: e.Name, URL: func(testing.TB) string { return url }})
			const n = 3
			type result struct {
				loaded bool
				err    error
			}
			results := make(chan result, n)
			start := make(chan struct{})
			now := time.Now()
			for range n {
				go func() {
					<-start
					ctx := context.Background()
					s, err := store.Open(ctx, url)
					if err != nil {
						results <- result{err: err}
						return
					}
					w, err := demo.LoadIfEmpty(ctx, s, now)
					results <- result{loaded: w != nil, err: errors.Join(err, s.Close())}
				}()
			}
			close(start)
			loads := 0
			for range n {
				r := <-results
				if r.err != nil {
					t.Errorf("LoadIfEmpty with %d starting at once: %v", n, r.err)
				}
				if r.loaded {
					loads++
				}
			}
			if loads != 1 {
				t.Errorf("the demo world was loaded %d times by %d starts, want once", loads, n)
			}
			cat, err := s.Catalog(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if want := 6; len(cat.Products) != want {
				t.Errorf("%d products after the starts, want %d", len(cat.Products), want)
			}
		})
	}
}

// TestDemoLoginsSignIn: the demo world loads on every engine, and every
// login it advertises (Logins, which README and `serve --demo` list)
// signs in with the demo password as the person it names.
func TestDemoLoginsSignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		w, err := demo.Load(ctx, s, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Users) != len(demo.Logins) {
			t.Errorf("the demo world has %d users, Logins lists %d", len(w.Users), len(demo.Logins))
		}
		svc := support.New(support.Deps{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "https://support.example"})
		for _, l := range demo.Logins {
			token, u, err := svc.Sessions().SignIn(ctx, l.Email, demo.Password, "192.0.2.1")
			if err != nil {
				t.Errorf("SignIn(%s, demo password) = %v", l.Email, err)
				continue
			}
			if token == "" || u.ID != w.Users[l.Email] || u.Name() != l.Name {
				t.Errorf("SignIn(%s) = token %q, user %d %q; want a session of user %d %q",
					l.Email, token, u.ID, u.Name(), w.Users[l.Email], l.Name)
			}
		}
	})
}

// TestREADMEListsTheDemoLogins: README's table of demo logins names the
// same people, in the same order, as Logins.
func TestREADMEListsTheDemoLogins(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Demo logins")
	if !ok {
		t.Fatal(`README has no "## Demo logins" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var got []string
	for line := range strings.Lines(section) {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) < 2 || !strings.Contains(cells[0], "@") {
			continue
		}
		got = append(got, strings.TrimSpace(cells[0])+" "+strings.TrimSpace(cells[1]))
	}
	var want []string
	for _, l := range demo.Logins {
		want = append(want, l.Email+" "+l.Name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("README's demo logins differ from demo.Logins (-Logins +README):\n%s", diff)
	}
}

// TestDemoCasesHaveClocks: the demo's cases have the service-level clocks
// opening them would have started, so the queue's Time to breach and the
// case pages' service levels show in the demo: an open case without a
// reply runs towards its target, a reply met it, a closed case that never
// got one waits, and the running clock's warning and breach are scheduled.
func TestDemoCasesHaveClocks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC)
		w, err := demo.Load(ctx, s, now)
		if err != nil {
			t.Fatal(err)
		}
		response := func(key string) desk.Clock {
			t.Helper()
			cks, err := s.Clocks(ctx, w.Cases[key])
			if err != nil {
				t.Fatal(err)
			}
			for _, ck := range cks {
				if ck.Kind == desk.ClockResponse {
					return ck
				}
			}
			t.Fatalf("demo case %s has no response clock", key)
			return desk.Clock{}
		}
		if ck := response("abc-new"); !ck.Running() || !ck.StartedAt.Equal(now.Add(-time.Hour)) || !ck.DueAt.After(ck.StartedAt) {
			t.Errorf("abc-new (High, Open - New, no reply): clock %+v, want running since it was opened an hour ago", ck)
		}
		for _, key := range []string{"abc-investigation", "abc-awaiting", "contoso-open", "abc-resolved"} {
			if ck := response(key); ck.MetAt.IsZero() || !ck.MetAt.After(ck.StartedAt) {
				t.Errorf("%s (answered): clock %+v, want met at the first reply", key, ck)
			}
		}
		if ck := response("abc-cancelled-old"); !ck.Paused() {
			t.Errorf("abc-cancelled-old (closed, never answered): clock %+v, want paused", ck)
		}
		for _, kind := range []string{support.JobSLAWarning, support.JobSLABreach} {
			key := kind + ":" + strconv.FormatInt(w.Cases["abc-new"], 10) + ":" + string(desk.ClockResponse)
			if j, err := s.PendingJob(ctx, key); err != nil || j.RunAt.After(response("abc-new").DueAt) {
				t.Errorf("abc-new's %s job = %+v, %v; want one due by the deadline", kind, j, err)
			}
		}
	})
}

// TestDemoShowsEveryDeadline: every open case of the demo has a clock
// that says where it stands, so the queue's SLA views show something real:
// cases being worked run (two within two hours, one past its deadline),
// those waiting on the customer are paused or have their response met.
func TestDemoShowsEveryDeadline(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC)
		w, err := demo.Load(ctx, s, now)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]desk.DeadlineState{
			"abc-new": desk.DeadlineRunning, "abc-investigation": desk.DeadlineRunning, "contoso-open": desk.DeadlineRunning,
			"contoso-third-party": desk.DeadlineBreached, "abc-awaiting": desk.DeadlinePaused, "abc-proposed": desk.DeadlinePaused,
			"contoso-proposed": desk.DeadlineMet,
		}
		soon := 0
		for key, state := range want {
			cks, err := s.Clocks(ctx, w.Cases[key])
			if err != nil {
				t.Fatal(err)
			}
			d := desk.NextDeadlineOf(cks, now)
			if d.State != state {
				t.Errorf("%s: next deadline %+v, want %s", key, d, state)
			}
			if d.Soon(now) {
				soon++
			}
		}
		if soon != 2 {
			t.Errorf("%d demo cases run out within two hours, want 2", soon)
		}
		n, err := s.CountCases(ctx, desk.CaseFilter{List: desk.Queue, Scope: desk.CaseScope{All: true}, DueBefore: now.Add(desk.SoonWithin)})
		if err != nil || n != 3 {
			t.Errorf("Breaching within 2 hours counts %d, %v; want 3 (one of them past its deadline)", n, err)
		}
		// The cases waiting on the customer have their follow-ups running
		// (so their pages say when they close); the others have none.
		for key, id := range w.Cases {
			c, err := s.Case(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			jobs, err := s.Jobs(ctx, store.JobFilter{Kind: support.JobFollowUp, CaseID: id, Pending: true})
			if err != nil {
				t.Fatal(err)
			}
			if waits := c.WaitsOnCustomer() && c.FollowUpsApply(); waits != (len(jobs) == 1) || (waits && !jobs[0].RunAt.After(now)) {
				t.Errorf("%s (%s - %s): %d follow-up jobs %+v", key, c.Status, c.SubStatus, len(jobs), jobs)
			}
		}
	})
}
