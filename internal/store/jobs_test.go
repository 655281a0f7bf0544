package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestNextJobsAt: each kind's earliest pending job, in one statement; a
// kind whose jobs are all cancelled, or that has none, is not there.
func TestNextJobsAt(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		err := s.Write(ctx, func(tx *store.Tx) error {
			for _, j := range []desk.Job{
				{Kind: "mail", RunAt: now.Add(2 * time.Minute)},
				{Kind: "mail", RunAt: now.Add(time.Minute)},
				{Kind: "breach", RunAt: now.Add(time.Hour)},
				{Kind: "cancelled", Key: "c1", RunAt: now},
			} {
				if _, err := tx.ScheduleJob(ctx, &j, now); err != nil {
					return err
				}
			}
			_, err := tx.CancelJob(ctx, "c1", now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		next, err := s.NextJobsAt(ctx, "mail", "breach", "cancelled", "none")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]time.Time{"mail": now.Add(time.Minute), "breach": now.Add(time.Hour)}
		if len(next) != len(want) {
			t.Errorf("NextJobsAt = %v, want %v", next, want)
		}
		for kind, at := range want {
			if !next[kind].Equal(at) {
				t.Errorf("next %s job at %s, want %s", kind, next[kind], at)
			}
		}
		first, ok, err := s.NextJobAt(ctx, "breach", "mail")
		if err != nil || !ok || !first.Equal(now.Add(time.Minute)) {
			t.Errorf("NextJobAt(breach, mail) = %s %v %v, want the mail job's time", first, ok, err)
		}
		if _, ok, err := s.NextJobAt(ctx, "cancelled", "none"); ok || err != nil {
			t.Errorf("NextJobAt of kinds with nothing pending = %v %v, want none", ok, err)
		}
	})
}
