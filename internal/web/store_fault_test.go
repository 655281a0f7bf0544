package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestStoreFaultIsNotAFieldMessage breaks the store (the calendars table is
// gone) under requests that look a calendar up: the answer is a 500 with a
// request id, never "choose one of the calendars", and the log line of the
// failure carries the same id, on the page and in the API.
func TestStoreFaultIsNotAFieldMessage(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			s, exec := storetest.OpenBreakable(t, eng)
			e := start(t, s, false, nil, nil)
			abc, adminEmail := e.fx.Company("ABC Testing Co"), e.staff(desk.RolePortalAdmin)
			api := e.apiClient(adminEmail)
			admin := e.signIn(adminEmail)
			exec("ALTER TABLE calendars RENAME TO calendars_gone")

			inLog := func(id string) bool {
				return regexp.MustCompile(`msg="request failed".*request_id=` + id).MatchString(e.logs.String())
			}
			res := api.apiCall("POST", "/api/v1/companies", map[string]any{
				"org_id": "ORG-9201", "name": "Calendar Co", "country": "France", "calendar_id": 1,
			})
			p := wantProblem(t, res, http.StatusInternalServerError)
			withID := decode[struct {
				RequestID string `json:"request_id"`
			}](t, res)
			if len(p.Errors) != 0 || withID.RequestID == "" || res.Header.Get("X-Request-Id") != withID.RequestID || !inLog(withID.RequestID) {
				t.Errorf("a store fault in the API = %s; request id %q not in the log:\n%s", res.Body, withID.RequestID, e.logs.String())
			}

			// Other writes that look a calendar up.
			for _, call := range []struct {
				method, path string
				body         map[string]any
			}{
				{"POST", "/api/v1/contracts", map[string]any{
					"number": "SC-9201", "sold_to_id": abc.ID, "end_user_id": abc.ID, "level": "business_care", "deployment": "premise",
					"product_ids": []int64{e.fx.DefaultProduct().ID}, "starts": "2026-01-01", "ends": "2027-12-31", "state": "active", "calendar_id": 1,
				}},
				{"PUT", "/api/v1/settings/service-levels", map[string]any{"default_calendar": "24x7", "warning_lead_minutes": 30}},
			} {
				if p := wantProblem(t, api.apiCall(call.method, call.path, call.body), http.StatusInternalServerError); len(p.Errors) != 0 {
					t.Errorf("%s %s with the store failing: %+v", call.method, call.path, p)
				}
			}

			res = admin.get("/console/service-levels")
			m := regexp.MustCompile(`id="request-id">Request ID: <code>([0-9a-f]+)</code>`).FindStringSubmatch(res.Body)
			if res.StatusCode != http.StatusInternalServerError || m == nil || !inLog(m[1]) || strings.Contains(res.Body, "field-error") {
				t.Errorf("a store fault on a page = %d, request id %v (in the log: %v)", res.StatusCode, m, m != nil && inLog(m[1]))
			}
		})
	}
}
