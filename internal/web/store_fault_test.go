package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
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
			e := newEnv(t, s)
			api := e.apiClient(demo.Admin)
			admin := e.signIn(demo.Admin)
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

			res = admin.get("/console/service-levels")
			m := regexp.MustCompile(`id="request-id">Request ID: <code>([0-9a-f]+)</code>`).FindStringSubmatch(res.Body)
			if res.StatusCode != http.StatusInternalServerError || m == nil || !inLog(m[1]) || strings.Contains(res.Body, "field-error") {
				t.Errorf("a store fault on a page = %d, request id %v (in the log: %v)", res.StatusCode, m, m != nil && inLog(m[1]))
			}
		})
	}
}
