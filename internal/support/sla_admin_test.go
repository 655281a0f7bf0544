package support_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestSetTargetsAsAWhole: the table is checked as a whole (every problem
// told by row and field) and saved in one transaction, only its changed
// rows audited; staff other than portal admins may not.
func TestSetTargetsAsAWhole(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		admin, agent := f.staff(t, desk.RolePortalAdmin), f.staff(t, desk.RoleAgent)
		before, err := f.svc.ServiceLevels().Targets(ctx, admin)
		if err != nil || len(before) < 3 {
			t.Fatalf("targets %d, %v", len(before), err)
		}
		ts := slices.Clone(before[:3])
		if err := f.svc.ServiceLevels().SetTargets(ctx, agent, ts); !errors.Is(err, desk.ErrForbidden) {
			t.Errorf("agent SetTargets = %v, want forbidden", err)
		}
		ts[0].Amount += 5
		ts[1].Amount = 0
		ts[2].Unit = "weeks"
		err = f.svc.ServiceLevels().SetTargets(ctx, admin, append(ts, ts[0]))
		got := desk.FieldMessages(err)
		for _, field := range []string{"targets.1.amount", "targets.2.unit", "targets.3"} {
			if _, ok := got[field]; !ok {
				t.Errorf("SetTargets problems %v lack %s", got, field)
			}
		}
		if len(got) != 3 {
			t.Errorf("SetTargets problems = %v, want 3", got)
		}
		after, err := f.svc.ServiceLevels().Targets(ctx, admin)
		if err != nil || !slices.Equal(before, after) {
			t.Errorf("a refused table changed the targets (%v)", err)
		}
		ts = slices.Clone(before[:3])
		ts[0].Amount += 5
		if err := f.svc.ServiceLevels().SetTargets(ctx, admin, ts); err != nil {
			t.Fatalf("SetTargets: %v", err)
		}
		after, err = f.svc.ServiceLevels().Targets(ctx, admin)
		if err != nil || !slices.Contains(after, ts[0]) || !slices.Contains(after, ts[1]) {
			t.Errorf("the saved table lacks its rows (%v)", err)
		}
		entries, err := f.store.AuditLog(ctx, desk.AuditFilter{Action: "sla_target_set"})
		if err != nil || len(entries) != 1 {
			t.Errorf("audit lines of the change = %d, %v; want one (the one row changed)", len(entries), err)
		}
	})
}
