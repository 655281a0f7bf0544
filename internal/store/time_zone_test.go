package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestTimeZone: a user's time zone is kept, read back with the user and
// with their actor (from the facts in memory, after the change), and
// cleared with ""; an unknown user is not found.
func TestTimeZone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		var id int64
		err := s.Write(ctx, func(tx *store.Tx) error {
			var err error
			id, err = tx.CreateUser(ctx, &desk.User{Kind: desk.KindStaff, Email: "tz@caseport.example", FirstName: "Tee", LastName: "Zed", Roles: []desk.Role{desk.RoleAgent}}, "", "", now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, zone := range []string{"Europe/Berlin", "America/Los_Angeles", ""} {
			if _, err := s.Actor(ctx, id, now); err != nil { // the facts in memory hold the user
				t.Fatal(err)
			}
			if err := s.Write(ctx, func(tx *store.Tx) error { return tx.SetTimeZone(ctx, id, zone) }); err != nil {
				t.Fatalf("SetTimeZone(%q): %v", zone, err)
			}
			u, err := s.User(ctx, id)
			if err != nil || u.TimeZone != zone {
				t.Errorf("after SetTimeZone(%q) the user's zone is %q (%v)", zone, u.TimeZone, err)
			}
			a, err := s.Actor(ctx, id, now)
			if err != nil || a.User.TimeZone != zone {
				t.Errorf("after SetTimeZone(%q) the actor's zone is %q (%v)", zone, a.User.TimeZone, err)
			}
		}
		err = s.Write(ctx, func(tx *store.Tx) error { return tx.SetTimeZone(ctx, id+1000, "UTC") })
		if !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("SetTimeZone of no user = %v, want ErrNotFound", err)
		}
	})
}
