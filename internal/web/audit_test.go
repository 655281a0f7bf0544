package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestAuditLogFiltersAndExport: the audit log names its actions in words,
// links the cases it is about, filters by actor, action, subject and
// dates, and exports what the filters keep as CSV that a spreadsheet
// cannot take for formulas.
func TestAuditLogFiltersAndExport(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		dana := e.fx.Contact(abc, desk.ReadWrite, fixture.Named("=HYPERLINK(1)", "Dana"))
		c := e.fx.Case(dana)
		customer := e.signIn(e.login(dana))
		if res := customer.post("/cases/"+number(c.ID)+"/comments", url.Values{"body": {"+1 still broken"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment: %d", res.StatusCode)
		}
		admin := e.signIn(e.staff(desk.RolePortalAdmin))
		if res := e.signIn(e.staff(desk.RoleAgent)).get("/console/audit"); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent reads the audit log: %d", res.StatusCode)
		}

		page := admin.get("/console/audit").Body
		for _, want := range []string{`<span data-action="case_commented">Customer update added</span>`, `<a href="/cases/` + number(c.ID) + `">` + number(c.ID) + `</a>`, `id="audit-export"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the audit log lacks %s", want)
			}
		}
		today := e.clock.Now().UTC().Format("2006-01-02")
		for _, tt := range []struct {
			query      string
			shows, not string
		}{
			{"action=case_commented", `data-action="case_commented"`, `data-action="sign_in"`},
			{"actor=hyperlink", `data-action="case_commented"`, `data-action="staff_created"`},
			{"subject=" + number(c.ID), `data-action="case_commented"`, `data-action="sign_in"`},
			{"from=" + today + "&to=" + today, `data-action="case_commented"`, "Nothing in the audit log"},
			{"to=2000-01-01", "", `data-action="case_commented"`},
		} {
			body := admin.get("/console/audit?" + tt.query).Body
			if tt.shows != "" && !strings.Contains(body, tt.shows) {
				t.Errorf("%s: the log lacks %s", tt.query, tt.shows)
			}
			if strings.Contains(body, tt.not) {
				t.Errorf("%s: the log shows %s", tt.query, tt.not)
			}
		}
		if res := admin.get("/console/audit?from=yesterday"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="from-error"`) {
			t.Errorf("a date that is not one: %d", res.StatusCode)
		}
		// A range that ends before it starts is told on its end date, in
		// the error summary and beside the field, not as an empty log; the
		// export and the API refuse it the same way.
		reversed := "from=" + today + "&to=2000-01-01"
		res := admin.get("/console/audit?" + reversed)
		if links := errorSummary(t, "a reversed range", res); !slices.Equal(links, []string{"to"}) {
			t.Errorf("a reversed range: the summary points at %v, want the end date", links)
		}
		wantProblems(t, "a reversed range", res, "The end date is before the start date ("+today+")", `value="2000-01-01"`)
		if strings.Contains(res.Body, "Nothing in the audit log") {
			t.Error("a reversed range says the log is empty")
		}
		if res := admin.get("/console/audit.csv?" + reversed); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="to-error"`) {
			t.Errorf("the export of a reversed range: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res := admin.get("/console/audit?from=" + today + "&to=" + today); res.StatusCode != http.StatusOK {
			t.Errorf("a range of one day: %d", res.StatusCode)
		}

		res = admin.get("/console/audit.csv?actor=hyperlink")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("export rows %d: %v", len(rows), err)
		}
		for _, row := range rows[1:] {
			if !strings.HasPrefix(row[1], "'=HYPERLINK(1)") {
				t.Errorf("the actor's cell %q is not kept from being a formula", row[1])
			}
			for _, cell := range row {
				if cell != "" && strings.ContainsAny(cell[:1], "=+-@") {
					t.Errorf("cell %q starts a formula", cell)
				}
			}
		}
		if rows[1][2] != "Customer update added" && rows[len(rows)-1][2] != "Signed in" {
			t.Errorf("the export's actions are not in words: %v", rows)
		}

		// The API takes the same filters.
		api := e.apiClient(e.staff(desk.RolePortalAdmin))
		lines := decode[[]map[string]any](t, api.apiCall("GET", "/api/v1/audit?subject="+number(c.ID)+"&from="+today, nil))
		if len(lines) == 0 {
			t.Error("the API's audit log by subject and day is empty")
		}
		for _, l := range lines {
			if l["subject"] != number(c.ID) {
				t.Errorf("the API's audit log by subject holds %v", l)
			}
		}
		wantProblem(t, api.apiCall("GET", "/api/v1/audit?to=soon", nil), http.StatusUnprocessableEntity)
		doc := wantProblem(t, api.apiCall("GET", "/api/v1/audit?"+reversed, nil), http.StatusUnprocessableEntity)
		if len(doc.Errors) != 1 || doc.Errors[0].Field != "to" || !strings.Contains(doc.Errors[0].Message, "before the start date ("+today+")") {
			t.Errorf("the API's reversed range: %+v", doc)
		}
	})
}
