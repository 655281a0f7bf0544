package web_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestAPIProblemsNameBodyFields: a refused call's problem fields are the
// JSON fields of the body it was sent, not the pages' form names.
func TestAPIProblemsNameBodyFields(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		fields := func(p problemDoc) []string {
			var out []string
			for _, f := range p.Errors {
				out = append(out, f.Field)
			}
			return out
		}
		casey := e.apiClient(e.login(e.fx.Contact(e.fx.Company("Contoso"), desk.ReadOnly)))
		p := wantProblem(t, casey.apiCall("POST", "/api/v1/access-requests", map[string]any{
			"sold_to_org_id": "", "end_user_org_id": "", "level": "read_only",
		}), http.StatusUnprocessableEntity)
		if got := fields(p); !slices.Equal(got, []string{"end_user_org_id", "sold_to_org_id"}) {
			t.Errorf("access request problem fields %v, want end_user_org_id and sold_to_org_id", got)
		}

		admin := e.apiClient(e.staff(desk.RolePortalAdmin))
		p = wantProblem(t, admin.apiCall("POST", "/api/v1/contracts", map[string]any{
			"number": "SC-PROBLEM-1", "sold_to_id": 999999, "end_user_id": 999998, "level": "premium_care", "state": "active",
			"deployment": "premise", "product_ids": []int64{999997}, "starts": "2026-01-01", "ends": "2026-12-31",
		}), http.StatusUnprocessableEntity)
		for _, want := range []string{"sold_to_id", "end_user_id"} {
			if !slices.Contains(fields(p), want) {
				t.Errorf("contract problem fields %v, want %s among them", fields(p), want)
			}
		}

		p = wantProblem(t, admin.apiCall("POST", "/api/v1/contacts", map[string]any{
			"email": "new.contact@abc.example", "first_name": "New", "last_name": "Contact", "country": "GB",
		}), http.StatusUnprocessableEntity)
		if !slices.Contains(fields(p), "company_id") {
			t.Errorf("contact problem fields %v, want company_id", fields(p))
		}
	})
}
