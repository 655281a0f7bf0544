package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

func TestServiceLevelPages(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		agent, admin := e.signIn(e.staff(desk.RoleAgent)), e.signIn(e.staff(desk.RolePortalAdmin))
		if res := agent.get("/console/service-levels"); res.StatusCode != http.StatusOK || strings.Contains(res.Body, `action="/console/service-levels/targets"`) {
			t.Errorf("agent's service levels = %d, or with forms", res.StatusCode)
		}
		target := url.Values{"deployment": {"premise"}, "level": {"business_care"}, "priority": {"high"}, "kind": {"response"}, "amount": {"180"}, "unit": {"business_minutes"}}
		if res := agent.post("/console/service-levels/targets", target); res.StatusCode != http.StatusForbidden {
			t.Errorf("agent setting a target = %d, want 403", res.StatusCode)
		}
		if res := admin.post("/console/service-levels/targets", url.Values{"deployment": {"premise"}, "level": {"business_care"}, "priority": {"high"}, "kind": {"response"}, "amount": {"0"}, "unit": {"business_minutes"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a zero target = %d, want 422", res.StatusCode)
		}
		if res := admin.post("/console/service-levels/targets", target); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("set target = %d: %s", res.StatusCode, res.Body)
		}
		if res := admin.get("/console/service-levels"); !strings.Contains(res.Body, `value="180"`) {
			t.Error("the new target is not shown")
		}

		bad := url.Values{"name": {"Tokyo"}, "zone": {"Mars/Olympus"}, "week": {"mon-fri 9-17"}}
		res := admin.post("/console/calendars", bad)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="zone-error"`) || !strings.Contains(res.Body, `id="week-error"`) {
			t.Fatalf("bad calendar = %d", res.StatusCode)
		}
		res = admin.post("/console/calendars", url.Values{"name": {"Tokyo"}, "zone": {"Asia/Tokyo"}, "week": {"mon-fri 09:00-17:30"}, "holidays": {"2026-12-31\n2027-01-01"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("new calendar = %d: %s", res.StatusCode, res.Body)
		}
		calPath := res.Header.Get("Location")
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "jp.ics")
		fw.Write([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270111\r\nSUMMARY:Coming of Age Day\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")) //nolint:errcheck // a buffer
		mw.Close()
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, e.srv.URL+calPath+"/holidays", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", e.srv.URL)
		if res := admin.do(req); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("import holidays = %d: %s", res.StatusCode, res.Body)
		}
		page := admin.get(calPath).Body
		if !strings.Contains(page, "2027-01-11") || strings.Count(page, "2027-01-01") != 1 {
			t.Error("the imported holiday is missing, or a known one doubled")
		}
	})
}

func TestServiceLevelAPI(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		admin, agent := e.apiClient(e.staff(desk.RolePortalAdmin)), e.apiClient(e.staff(desk.RoleAgent))
		abc := e.fx.Company("ABC Testing Co", func(c *desk.Company) { c.Country = "United States" })
		if res := agent.apiCall("GET", "/api/v1/settings/service-levels", nil); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"unit":"business_days"`) {
			t.Errorf("agent reads the targets = %d", res.StatusCode)
		}
		wantProblem(t, agent.apiCall("PUT", "/api/v1/settings/service-levels/targets", map[string]any{"deployment": "cloud", "level": "business_care", "priority": "high", "kind": "response", "amount": 60, "unit": "business_minutes"}), http.StatusForbidden)
		res := admin.apiCall("PUT", "/api/v1/settings/service-levels/targets", map[string]any{"deployment": "cloud", "level": "business_care", "priority": "high", "kind": "response", "amount": 60, "unit": "business_minutes"})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("set target = %d: %s", res.StatusCode, res.Body)
		}
		wantProblem(t, admin.apiCall("PUT", "/api/v1/settings/service-levels", map[string]any{"default_calendar": "Atlantis", "warning_lead_minutes": 30}), http.StatusUnprocessableEntity)
		if res := admin.apiCall("PUT", "/api/v1/settings/service-levels", map[string]any{"default_calendar": "EMEA", "warning_lead_minutes": 45, "follow_up_business_days": true}); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"warning_lead_minutes":45`) {
			t.Errorf("set settings = %d: %s", res.StatusCode, res.Body)
		}
		res = admin.apiCall("POST", "/api/v1/calendars", map[string]any{"name": "Sydney", "zone": "Australia/Sydney", "week": "mon-fri 08:30-17:30", "holidays": []string{"2027-01-26"}})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create calendar = %d: %s", res.StatusCode, res.Body)
		}
		calID := int64(decode[map[string]any](t, res)["id"].(float64))
		wantProblem(t, admin.apiCall("POST", "/api/v1/calendars", map[string]any{"name": "Bad", "zone": "Nowhere/Land", "week": "mon-fri 08:30-17:30"}), http.StatusUnprocessableEntity)
		// A company points at it; a contract at one that does not exist is refused.
		res = admin.apiCall("PATCH", "/api/v1/companies/"+itoa(abc.ID), map[string]any{"org_id": abc.OrgID, "name": "ABC Testing Co", "country": "United States", "calendar_id": calID})
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"calendar_id":`+itoa(calID)) {
			t.Errorf("company calendar = %d: %s", res.StatusCode, res.Body)
		}
		wantProblem(t, admin.apiCall("PATCH", "/api/v1/companies/"+itoa(abc.ID), map[string]any{"org_id": abc.OrgID, "name": "ABC Testing Co", "country": "United States", "calendar_id": 999}), http.StatusUnprocessableEntity)
	})
}

// TestServiceLevelTargetRefusedInItsRow: a target that is refused comes
// back in its own row, as typed, with its message beside it and the range
// it must be in; the other rows and the Settings form show what is saved.
func TestServiceLevelTargetRefusedInItsRow(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		admin := e.signIn(e.staff(desk.RolePortalAdmin))
		page := admin.get("/console/service-levels").Body
		calendar := regexp.MustCompile(`<option value="([^"]+)" selected>`).FindStringSubmatch(page)
		if calendar == nil {
			t.Fatal("no default calendar is selected on the Settings form")
		}
		if res := admin.post("/console/service-levels", url.Values{"default_calendar": {calendar[1]}, "lead": {"45"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save settings = %d", res.StatusCode)
		}
		const row = "amount-premise-business_care-high-response"
		for _, tt := range []struct{ amount, message string }{
			{"abc", "Give the target as a whole number."},
			{"999999999", "Give a target from 1 to 100000."},
			{"0", "Give a target from 1 to 100000."},
		} {
			res := admin.post("/console/service-levels/targets", url.Values{
				"deployment": {"premise"}, "level": {"business_care"}, "priority": {"high"}, "kind": {"response"},
				"amount": {tt.amount}, "unit": {"business_days"},
			})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("target %q = %d, want 422", tt.amount, res.StatusCode)
			}
			for _, want := range []string{
				`id="` + row + `" name="amount" value="` + tt.amount + `"`,
				`<p class="field-error" id="` + row + `-error">` + tt.message + `</p>`,
				`<a href="#` + row + `">` + tt.message + `</a>`,
				`id="lead" name="lead" inputmode="numeric" value="45"`,
				`<option value="` + calendar[1] + `" selected>`,
			} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("target %q: the page lacks %s", tt.amount, want)
				}
			}
			if n := strings.Count(res.Body, `name="amount" value="`+tt.amount+`"`); n != 1 {
				t.Errorf("target %q: %d rows show the typed value, want the one that failed", tt.amount, n)
			}
			if !regexp.MustCompile(`id="unit-premise-business_care-high-response"[^>]*>(<option[^>]*>[^<]*</option>)*?<option value="business_days" selected>`).MatchString(res.Body) {
				t.Errorf("target %q: the row does not keep the unit chosen", tt.amount)
			}
		}
	})
}
