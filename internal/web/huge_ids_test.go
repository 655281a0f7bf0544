package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestIDsBeyond32Bits names records by ids past 2^31 in paths and query
// filters, pages and API: each is a record that does not exist (404, or an
// empty list), never a 500. PostgreSQL gave a placeholder compared only
// with the literal 0 that literal's type, int4, and refused the id.
func TestIDsBeyond32Bits(t *testing.T) {
	t.Parallel()
	const huge = "2147483648"
	eachBuilt(t, func(t *testing.T, e *env) {
		adminEmail := e.login(e.fx.Staff([]desk.Role{desk.RolePortalAdmin}))
		admin := e.apiClient(adminEmail)
		for _, c := range []struct {
			method, path string
			body         any
			want         int
		}{
			{"GET", "/api/v1/access-requests/" + huge, nil, http.StatusNotFound},
			{"POST", "/api/v1/access-requests/" + huge + "/decision", map[string]any{"approve": true}, http.StatusNotFound},
			{"GET", "/api/v1/contacts?company=" + huge, nil, http.StatusOK},
			{"GET", "/api/v1/contracts?company=" + huge, nil, http.StatusOK},
			{"GET", "/api/v1/audit?before=" + huge, nil, http.StatusOK},
			{"GET", "/api/v1/audit?before=99999999999999999999", nil, http.StatusOK},
		} {
			if res := admin.apiCall(c.method, c.path, c.body); res.StatusCode != c.want {
				t.Errorf("%s %s = %d, want %d\n%s", c.method, c.path, res.StatusCode, c.want, res.Body)
			}
		}
		console := e.signIn(adminEmail)
		for path, want := range map[string]int{
			"/access-requests/" + huge:               http.StatusNotFound,
			"/console/contracts/" + huge:             http.StatusNotFound,
			"/console/audit?before=" + huge:          http.StatusOK,
			"/console/companies/" + huge:             http.StatusNotFound,
			"/console/contacts/" + huge:              http.StatusNotFound,
			"/console/contracts/new?company=" + huge: http.StatusOK,
			"/console/contacts/new?company=" + huge:  http.StatusOK,
		} {
			if res := console.get(path); res.StatusCode != want {
				t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
			}
		}
		res := console.post("/access-requests/"+huge+"/decision", url.Values{"approve": {"1"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("POST /access-requests/%s/decision = %d, want 404", huge, res.StatusCode)
		}
	})
}
