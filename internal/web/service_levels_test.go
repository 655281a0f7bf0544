package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
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
		target := matrixForm(t, admin.get("/console/service-levels").Body)
		target.Set("amount-premise-business_care-high-response", "3")
		target.Set("unit-premise-business_care-high-response", "business_hours")
		if res := agent.post("/console/service-levels/targets", target); res.StatusCode != http.StatusForbidden {
			t.Errorf("agent setting a target = %d, want 403", res.StatusCode)
		}
		zero := matrixForm(t, admin.get("/console/service-levels").Body)
		zero.Set("amount-premise-business_care-high-response", "0")
		if res := admin.post("/console/service-levels/targets", zero); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a zero target = %d, want 422", res.StatusCode)
		}
		if res := admin.post("/console/service-levels/targets", target); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("set target = %d: %s", res.StatusCode, res.Body)
		}
		// 3 business hours are 180 business minutes, shown in hours.
		after := matrixForm(t, admin.get("/console/service-levels").Body)
		if after.Get("amount-premise-business_care-high-response") != "3" || after.Get("unit-premise-business_care-high-response") != "business_hours" {
			t.Errorf("the new target shows as %s %s, want 3 business_hours",
				after.Get("amount-premise-business_care-high-response"), after.Get("unit-premise-business_care-high-response"))
		}
		ts, err := e.store.SLATargets(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range ts {
			if tg.Deployment == desk.Premise && tg.Level == desk.BusinessCare && tg.Priority == desk.PriorityHigh && tg.Kind == desk.ClockResponse &&
				(tg.Amount != 180 || tg.Unit != desk.UnitBusinessMinutes) {
				t.Errorf("stored target = %d %s, want 180 business_minutes", tg.Amount, tg.Unit)
			}
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
		// The whole table at once: every problem told, nothing saved.
		p := wantProblem(t, admin.apiCall("PUT", "/api/v1/settings/service-levels/table", map[string]any{"targets": []map[string]any{
			{"deployment": "cloud", "level": "business_care", "priority": "low", "kind": "response", "amount": 120, "unit": "minutes"},
			{"deployment": "cloud", "level": "business_care", "priority": "medium", "kind": "response", "amount": 0, "unit": "minutes"},
			{"deployment": "cloud", "level": "business_care", "priority": "high", "kind": "response", "amount": 5, "unit": "weeks"},
		}}), http.StatusUnprocessableEntity)
		var fields []string
		for _, f := range p.Errors {
			fields = append(fields, f.Field)
		}
		if strings.Join(fields, " ") != "targets.1.amount targets.2.unit" {
			t.Errorf("table problems = %v, want targets.1.amount and targets.2.unit", fields)
		}
		res = admin.apiCall("PUT", "/api/v1/settings/service-levels/table", map[string]any{"targets": []map[string]any{
			{"deployment": "cloud", "level": "business_care", "priority": "low", "kind": "response", "amount": 120, "unit": "minutes"},
			{"deployment": "cloud", "level": "business_care", "priority": "medium", "kind": "response", "amount": 90, "unit": "minutes"},
		}})
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"priority":"medium","kind":"response","amount":90,"unit":"minutes"`) {
			t.Errorf("set table = %d: %s", res.StatusCode, res.Body)
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

// TestServiceLevelMatrixRefusedAsAWhole: the matrix is saved as one form:
// every cell refused comes back as typed with its message beside it (and
// in the error summary), nothing of the form is saved, and the Settings
// form shows what is saved.
func TestServiceLevelMatrixRefusedAsAWhole(t *testing.T) {
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
		before, err := e.store.SLATargets(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		form := matrixForm(t, admin.get("/console/service-levels").Body)
		// Each message names its cell: the summary lists them all.
		cells := []struct{ cell, amount, unit, message string }{
			{"premise-business_care-high-response", "abc", "business_days", "Premise · Business Care · High · Initial response: Give the target as a whole number."},
			{"premise-premium_care-low-rca", "999999999", "business_days", "Premise · Premium Care · Low · Root-cause analysis: Give a target from 1 to 100000."},
			{"cloud-business_care-medium-response", "0", "hours", "Cloud · Business Care · Medium · Initial response: Give a target from 1 to 100000."},
			{"cloud-premium_care-high-response", "2", "fortnights", "Cloud · Premium Care · High · Initial response: Choose a unit from the list."},
		}
		for _, c := range cells {
			form.Set("amount-"+c.cell, c.amount)
			form.Set("unit-"+c.cell, c.unit)
		}
		form.Set("amount-premise-business_care-low-response", "7") // a good change, not saved either
		res := admin.post("/console/service-levels/targets", form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("matrix = %d, want 422", res.StatusCode)
		}
		for _, c := range cells {
			field := "amount-" + c.cell
			if c.unit == "fortnights" {
				field = "unit-" + c.cell
			}
			for _, want := range []string{
				`id="amount-` + c.cell + `" name="amount-` + c.cell + `" value="` + c.amount + `"`,
				`<p class="field-error" id="` + field + `-error">` + c.message + `</p>`,
				`<a href="#` + field + `">` + c.message + `</a>`,
			} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("cell %s: the page lacks %s", c.cell, want)
				}
			}
		}
		for _, want := range []string{`id="lead" name="lead" inputmode="numeric" value="45"`, `<option value="` + calendar[1] + `" selected>`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the Settings form lacks %s", want)
			}
		}
		after, err := e.store.SLATargets(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(before, after) {
			t.Error("a refused matrix saved some of its targets")
		}
	})
}

// matrixForm is the targets form of the service-levels page as a browser
// would post it unchanged.
func matrixForm(t *testing.T, page string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range regexp.MustCompile(`name="(amount-[a-z_-]+)" value="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], m[2])
	}
	for _, m := range regexp.MustCompile(`name="(unit-[a-z_-]+)">(?:<option value="[^"]+" >[^<]*</option>)*<option value="([^"]+)" selected>`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], m[2])
	}
	if len(form) == 0 || len(form)%2 != 0 {
		t.Fatalf("the targets form has %d fields", len(form))
	}
	return form
}
