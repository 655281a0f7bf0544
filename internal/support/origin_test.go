package support_test

import (
	"context"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestCaseOrigin: a case records how it was opened; only staff taking a
// call open one by phone (a contact's claim to it counts as the portal),
// and that is its own audit action.
func TestCaseOrigin(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		cu := f.customer("Acme Corp")
		agent := f.staff(t, desk.RoleAgent)
		for _, tt := range []struct {
			name string
			r    func() (desk.NewCase, bool)
			want desk.Origin
		}{
			{"a contact on the portal", func() (desk.NewCase, bool) { return f.newCase(cu.combo), false }, desk.OriginPortal},
			{"a contact saying phone", func() (desk.NewCase, bool) {
				n := f.newCase(cu.combo)
				n.Origin = desk.OriginPhone
				return n, false
			}, desk.OriginPortal},
			{"a contact by API", func() (desk.NewCase, bool) {
				n := f.newCase(cu.combo)
				n.Origin = desk.OriginAPI
				return n, false
			}, desk.OriginAPI},
			{"staff for a caller", func() (desk.NewCase, bool) {
				n := f.newCase(cu.combo)
				n.Origin, n.ContactID = desk.OriginPhone, cu.dana.ID
				return n, true
			}, desk.OriginPhone},
		} {
			n, staff := tt.r()
			req := f.req(t, cu.dana)
			if staff {
				req = agent
			}
			c, err := f.svc.Cases().Open(ctx, req, n)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			v, err := f.svc.Cases().Case(ctx, f.req(t, cu.dana), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if v.Case.Origin != tt.want || v.Case.ContactID != cu.dana.ID {
				t.Errorf("%s: origin %q contact %d, want %q and Dana", tt.name, v.Case.Origin, v.Case.ContactID, tt.want)
			}
		}
		entries, err := f.store.AuditLog(ctx, desk.AuditFilter{Action: "case_opened_for_caller"})
		if err != nil || len(entries) != 1 {
			t.Errorf("case_opened_for_caller lines = %d, %v; want 1", len(entries), err)
		}
	})
}
