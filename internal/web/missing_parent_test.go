package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// Ids of records that do not exist.
const (
	missingID   = "999999"
	missingCase = "0009999999"
)

// TestWritesToMissingParents sends every write of the API route table,
// and the console's forms, naming a record that does not exist (in the
// path, or as a reference in the body) with an input that is otherwise
// valid: each answers 404 or 422, never a 500. A write route of the
// OpenAPI document without a row here fails the test, so a new route
// gets one.
func TestWritesToMissingParents(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// The parents that exist: ABC Testing Co, a direct customer with
		// an active contract for the builder's product; Dana (Read-Write)
		// with a case under investigation, Sam (Read-Write), Bailey
		// (Basic). Staff: a portal admin (also an agent) and an
		// escalation owner.
		abcCo := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abcCo)
		product := e.fx.DefaultProduct()
		danaUser, samUser := e.fx.Contact(abcCo, desk.ReadWrite), e.fx.Contact(abcCo, desk.ReadWrite)
		caseN := number(e.fx.Case(danaUser, fixture.Priority(desk.PriorityMedium), fixture.Status(desk.StatusOpen, desk.SubInvestigation)).ID)
		danaEmail, baileyEmail := e.login(danaUser), e.login(e.fx.Contact(abcCo, desk.Basic))
		adminEmail, ownerEmail := e.staff(desk.RolePortalAdmin, desk.RoleAgent), e.staff(desk.RoleEscalationOwner, desk.RoleAgent)
		abc, contact := itoa(abcCo.ID), itoa(samUser.ID)
		newCase := func(change func(m map[string]any)) map[string]any {
			m := map[string]any{
				"sold_to_id": abcCo.ID, "end_user_id": abcCo.ID, "contact_id": danaUser.ID, "type": "support", "sub_type": "Problem",
				"product_id": product.ID, "component_id": product.Components[0], "summary": "Calls drop",
				"description": "Every call on trunk 3 drops after thirty seconds since this morning.", "priority": "medium", "stage": "production",
			}
			change(m)
			return m
		}
		contract := func(change func(m map[string]any)) map[string]any {
			m := map[string]any{
				"number": "SC-9001", "sold_to_id": abcCo.ID, "end_user_id": abcCo.ID, "level": "business_care", "deployment": "premise",
				"product_ids": []int64{product.ID}, "starts": "2026-01-01", "ends": "2027-12-31", "state": "active",
			}
			change(m)
			return m
		}
		kbItem := func(change func(m map[string]any)) map[string]any {
			m := map[string]any{
				"source": "articles", "type": "problem_solution", "product_ids": []int64{product.ID},
				"title": "Calls drop after transfer", "summary": "What to check.", "body": "Check the trunk.",
			}
			change(m)
			return m
		}
		announcement := func(m map[string]any) map[string]any {
			m["title"], m["body"], m["starts"] = "Maintenance", "The portal is down on Sunday.", "2026-12-20T08:00:00Z"
			return m
		}
		company := map[string]any{"org_id": "ORG-9001", "name": "Missing Parent Co", "country": "France", "parent_id": 999999}
		calendar := map[string]any{"name": "Paris", "zone": "Europe/Paris", "week": "mon-fri 09:00-17:00", "holidays": []string{}}
		contactIn := map[string]any{"email": "new.contact@abc-testing.example", "first_name": "New", "last_name": "Contact", "company_id": 999999, "country": "France"}
		writes := []struct {
			route, path string // route as in the OpenAPI document; path with the ids filled in
			who         string
			body        any
		}{
			// A row without path or body names no parent: the route has none.
			{"PATCH /api/v1/me", "", danaEmail, nil},
			{"POST /api/v1/me/terms", "", danaEmail, nil},
			{"PUT /api/v1/me/password", "", danaEmail, nil},
			{"POST /api/v1/cases", "", adminEmail, newCase(func(m map[string]any) { m["product_id"] = 999999 })},
			{"POST /api/v1/cases", "", adminEmail, newCase(func(m map[string]any) { m["component_id"] = 999999 })},
			{"POST /api/v1/cases", "", adminEmail, newCase(func(m map[string]any) { m["contact_id"] = 999999 })},
			{"POST /api/v1/cases", "", adminEmail, newCase(func(m map[string]any) { m["sold_to_id"], m["end_user_id"] = 999999, 999999 })},
			{"POST /api/v1/cases", "", danaEmail, newCase(func(m map[string]any) { m["linked_case"] = missingCase })},
			{"PATCH /api/v1/cases/{number}", "/api/v1/cases/" + missingCase, adminEmail, map[string]any{"priority": "high"}},
			{"PATCH /api/v1/cases/{number}", "/api/v1/cases/" + caseN, adminEmail, map[string]any{"owner_id": 999999}},
			{"PATCH /api/v1/cases/{number}", "/api/v1/cases/" + caseN, adminEmail, map[string]any{"contact_id": 999999}},
			{"POST /api/v1/cases/{number}/comments", "/api/v1/cases/" + missingCase + "/comments", adminEmail, map[string]any{"body": "Any news?"}},
			{"POST /api/v1/cases/{number}/close", "/api/v1/cases/" + missingCase + "/close", adminEmail, map[string]any{"reason": "resolved", "comment": "Done."}},
			{"POST /api/v1/cases/{number}/reopen", "/api/v1/cases/" + missingCase + "/reopen", adminEmail, map[string]any{"reason": "Back."}},
			{"POST /api/v1/cases/{number}/accept-solution", "/api/v1/cases/" + missingCase + "/accept-solution", adminEmail, map[string]any{"comment": "Solved."}},
			{"POST /api/v1/cases/{number}/reject-solution", "/api/v1/cases/" + missingCase + "/reject-solution", adminEmail, map[string]any{"body": "Still broken."}},
			{"POST /api/v1/cases/{number}/escalation", "/api/v1/cases/" + missingCase + "/escalation", danaEmail, map[string]any{"reason": "no_progress", "details": "Hurry."}},
			{"POST /api/v1/cases/{number}/escalation/{step}", "/api/v1/cases/" + missingCase + "/escalation/accept", ownerEmail, map[string]any{"text": "Next steps."}},
			{"PUT /api/v1/cases/{number}/follow", "/api/v1/cases/" + missingCase + "/follow", adminEmail, nil},
			{"DELETE /api/v1/cases/{number}/follow", "/api/v1/cases/" + missingCase + "/follow", adminEmail, nil},
			{"PUT /api/v1/settings/email-templates/{kind}", "/api/v1/settings/email-templates/no_such_kind", adminEmail, map[string]any{"subject": "S", "body": "B"}},
			{"POST /api/v1/cases/{number}/files/acknowledgement", "/api/v1/cases/" + missingCase + "/files/acknowledgement", danaEmail, nil},
			{"POST /api/v1/cases/{number}/sftp", "/api/v1/cases/" + missingCase + "/sftp", danaEmail, nil},
			{"PUT /api/v1/settings/files", "", adminEmail, nil}, // no parent: its own test covers the input
			// tus: sent below, with the protocol's headers.
			{"POST /api/v1/uploads", "", danaEmail, nil},
			{"PATCH /api/v1/uploads/{upload}", "", danaEmail, nil},
			{"DELETE /api/v1/uploads/{upload}", "", danaEmail, nil},
			// Org IDs that name nothing answer like any others:
			// TestAccessRequestAnswersTheSame.
			{"POST /api/v1/access-requests", "", baileyEmail, nil},
			{"POST /api/v1/access-requests/{id}/decision", "/api/v1/access-requests/" + missingID + "/decision", adminEmail, map[string]any{"approve": true}},
			{"POST /api/v1/tokens", "", danaEmail, nil}, // no parent
			{"DELETE /api/v1/tokens/{id}", "/api/v1/tokens/" + missingID, danaEmail, nil},
			{"POST /api/v1/caller-verification", "", adminEmail, map[string]any{"pin": "000000"}},
			{"POST /api/v1/companies", "", adminEmail, company},
			{"POST /api/v1/companies", "", adminEmail, map[string]any{"org_id": "ORG-9002", "name": "Missing Calendar Co", "country": "France", "calendar_id": 999999}},
			{"PATCH /api/v1/companies/{id}", "/api/v1/companies/" + missingID, adminEmail, map[string]any{"org_id": "ORG-9003", "name": "Nobody", "country": "France"}},
			{"PATCH /api/v1/companies/{id}", "/api/v1/companies/" + abc, adminEmail, map[string]any{"org_id": abcCo.OrgID, "name": abcCo.Name, "country": abcCo.Country, "parent_id": 999999}},
			{"PUT /api/v1/companies/{id}/approvers/{contact}", "/api/v1/companies/" + missingID + "/approvers/" + contact, adminEmail, nil},
			{"PUT /api/v1/companies/{id}/approvers/{contact}", "/api/v1/companies/" + abc + "/approvers/" + missingID, adminEmail, nil},
			{"DELETE /api/v1/companies/{id}/approvers/{contact}", "/api/v1/companies/" + missingID + "/approvers/" + contact, adminEmail, nil},
			{"DELETE /api/v1/companies/{id}/approvers/{contact}", "/api/v1/companies/" + abc + "/approvers/" + missingID, adminEmail, nil},
			{"POST /api/v1/contracts", "", adminEmail, contract(func(m map[string]any) { m["sold_to_id"] = 999999 })},
			{"POST /api/v1/contracts", "", adminEmail, contract(func(m map[string]any) { m["end_user_id"] = 999999 })},
			{"POST /api/v1/contracts", "", adminEmail, contract(func(m map[string]any) { m["support_owner_id"] = 999999 })},
			{"POST /api/v1/contracts", "", adminEmail, contract(func(m map[string]any) { m["product_ids"] = []int64{999999} })},
			{"POST /api/v1/contracts", "", adminEmail, contract(func(m map[string]any) { m["calendar_id"] = 999999 })},
			{"PUT /api/v1/contracts/{id}", "/api/v1/contracts/" + missingID, adminEmail, contract(func(map[string]any) {})},
			{"POST /api/v1/contacts", "", adminEmail, contactIn},
			{"PATCH /api/v1/contacts/{id}", "/api/v1/contacts/" + missingID, adminEmail, map[string]any{"email": "x@abc-testing.example", "first_name": "X", "last_name": "Y", "company_id": abcCo.ID, "country": "France"}},
			{"PATCH /api/v1/contacts/{id}", "/api/v1/contacts/" + contact, adminEmail, map[string]any{"email": samUser.Email, "first_name": samUser.FirstName, "last_name": samUser.LastName, "company_id": 999999, "country": "France"}},
			{"PUT /api/v1/contacts/{id}/grants", "/api/v1/contacts/" + missingID + "/grants", adminEmail, map[string]any{"sold_to_id": abcCo.ID, "end_user_id": abcCo.ID, "level": "read_only"}},
			{"PUT /api/v1/contacts/{id}/grants", "/api/v1/contacts/" + contact + "/grants", adminEmail, map[string]any{"sold_to_id": 999999, "end_user_id": 999999, "level": "read_only"}},
			{"POST /api/v1/products", "", adminEmail, nil}, // no parent
			{"POST /api/v1/products/{id}/components", "/api/v1/products/" + missingID + "/components", adminEmail, map[string]any{"name": "Widgets"}},
			{"POST /api/v1/inbound/{id}/link", "/api/v1/inbound/" + missingID + "/link", adminEmail, map[string]any{"case": caseN}},
			{"POST /api/v1/jobs/{id}/retry", "/api/v1/jobs/" + missingID + "/retry", adminEmail, nil},
			{"POST /api/v1/jobs/{id}/discard", "/api/v1/jobs/" + missingID + "/discard", adminEmail, nil},
			{"POST /api/v1/calendars", "", adminEmail, nil}, // no parent
			{"PUT /api/v1/calendars/{id}", "/api/v1/calendars/" + missingID, adminEmail, calendar},
			{"PUT /api/v1/settings/service-levels", "", adminEmail, map[string]any{"default_calendar": "No Such Calendar", "warning_lead_minutes": 30}},
			{"PUT /api/v1/settings/service-levels/targets", "", adminEmail, nil}, // no parent
			{"PUT /api/v1/settings/service-levels/table", "", adminEmail, nil},   // no parent
			{"POST /api/v1/staff", "", adminEmail, nil},                          // no parent
			{"PUT /api/v1/settings/email-rules", "", adminEmail, nil},            // no parent
			{"POST /api/v1/imports", "", adminEmail, nil},                        // CSV rows name parents: TestImport
			{"POST /api/v1/macros", "", adminEmail, nil},                         // no parent
			{"DELETE /api/v1/macros/{id}", "/api/v1/macros/" + missingID, adminEmail, nil},
			{"POST /api/v1/queue/views", "", adminEmail, nil}, // no parent
			{"DELETE /api/v1/queue/views/{id}", "/api/v1/queue/views/" + missingID, adminEmail, nil},
			{"POST /api/v1/queue/bulk", "", adminEmail, map[string]any{"action": "note", "cases": []string{caseN, missingCase}, "note": "Any news?"}},
			{"POST /api/v1/queue/bulk", "", adminEmail, map[string]any{"action": "assign", "cases": []string{caseN}, "owner_id": 999999}},
			{"POST /api/v1/cases/{number}/merge", "/api/v1/cases/" + missingCase + "/merge", adminEmail, map[string]any{"duplicates": []string{caseN}}},
			{"POST /api/v1/cases/{number}/merge", "/api/v1/cases/" + caseN + "/merge", adminEmail, map[string]any{"duplicates": []string{missingCase}}},
			{"POST /api/v1/notifications/read", "", adminEmail, map[string]any{"id": 999999}},
			{"POST /api/v1/kb/items", "", adminEmail, kbItem(func(m map[string]any) { m["product_line_id"] = 999999 })},
			{"POST /api/v1/kb/items", "", adminEmail, kbItem(func(m map[string]any) { m["product_ids"] = []int64{999999} })},
			{"PATCH /api/v1/kb/items/{id}", "/api/v1/kb/items/" + missingID, adminEmail, kbItem(func(m map[string]any) { m["version"] = 1 })},
			{"POST /api/v1/kb/items/{id}/publish", "/api/v1/kb/items/" + missingID + "/publish", adminEmail, map[string]any{"version": 1}},
			{"POST /api/v1/kb/items/{id}/retire", "/api/v1/kb/items/" + missingID + "/retire", adminEmail, map[string]any{"version": 1}},
			{"POST /api/v1/kb/items/{id}/files", "", adminEmail, nil},          // multipart: TestKnowledgeFiles posts to an item that is not there
			{"DELETE /api/v1/kb/items/{id}/files/{name}", "", adminEmail, nil}, // TestKnowledgeFiles
			{"POST /api/v1/kb/import", "", adminEmail, nil},                    // lines name parents by name: TestKnowledgeAPI
			{"POST /api/v1/kb/alerts", "", danaEmail, map[string]any{"kind": "item", "item_id": 999999}},
			{"POST /api/v1/kb/alerts", "", danaEmail, map[string]any{"kind": "query", "q": "calls", "product_lines": []int64{999999}}},
			{"PATCH /api/v1/kb/alerts/{id}", "/api/v1/kb/alerts/" + missingID, danaEmail, map[string]any{"delivery": "weekly"}},
			{"DELETE /api/v1/kb/alerts/{id}", "/api/v1/kb/alerts/" + missingID, danaEmail, nil},
			{"PUT /api/v1/me/advisories", "", danaEmail, nil}, // no parent
			{"POST /api/v1/announcements", "", adminEmail, announcement(map[string]any{"audience": "product_line", "product_line_id": 999999})},
			{"POST /api/v1/announcements", "", adminEmail, announcement(map[string]any{"audience": "company", "company_id": 999999})},
			{"PATCH /api/v1/announcements/{id}", "/api/v1/announcements/" + missingID, adminEmail, map[string]any{"title": "Maintenance"}},
			{"DELETE /api/v1/announcements/{id}", "/api/v1/announcements/" + missingID, adminEmail, nil},
		}
		covered := map[string]bool{}
		clients := map[string]*client{}
		for _, wr := range writes {
			covered[wr.route] = true
			if wr.path == "" && wr.body == nil {
				continue
			}
			method, path, _ := strings.Cut(wr.route, " ")
			if wr.path != "" {
				path = wr.path
			}
			c := clients[wr.who]
			if c == nil {
				c = e.apiClient(wr.who)
				clients[wr.who] = c
			}
			res := c.apiCall(method, path, wr.body)
			if res.StatusCode >= 500 || (res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusUnprocessableEntity) {
				b, _ := json.Marshal(wr.body)
				t.Errorf("%s %s %s = %d, want 404 or 422: %s", method, path, b, res.StatusCode, res.Body)
			}
		}
		tus := e.apiClient(danaEmail)
		for _, res := range []*response{
			tus.tusCall("POST", "/api/v1/uploads", map[string]string{"Upload-Length": "3", "Upload-Metadata": tusMeta(missingCase, "x.log")}, ""),
			tus.tusCall("PATCH", "/api/v1/uploads/missing", map[string]string{"Content-Type": chunkMedia, "Upload-Offset": "0"}, "abc"),
			tus.tusCall("DELETE", "/api/v1/uploads/missing", nil, ""),
		} {
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("tus %s %s = %d, want 404", res.Request.Method, res.Request.URL.Path, res.StatusCode)
			}
		}

		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal([]byte(e.anonymous().get("/api/v1/openapi.json").Body), &doc); err != nil {
			t.Fatal(err)
		}
		for p, ops := range doc.Paths {
			for m := range ops {
				m = strings.ToUpper(m)
				if m == "GET" || m == "HEAD" || m == "OPTIONS" {
					continue
				}
				if !covered[m+" "+p] {
					t.Errorf("%s %s: no row in TestWritesToMissingParents", m, p)
				}
			}
		}

		// The console's forms.
		admin := e.signIn(adminEmail)
		forms := []struct {
			path string
			form url.Values
		}{
			{"/console/companies", url.Values{"org_id": {"ORG-9101"}, "name": {"Form Co"}, "country": {"France"}, "parent": {missingID}}},
			{"/console/companies", url.Values{"org_id": {"ORG-9104"}, "name": {"Form Co"}, "country": {"France"}, "calendar": {missingID}}},
			{"/console/companies/" + abc, url.Values{"org_id": {abcCo.OrgID}, "name": {abcCo.Name}, "country": {"France"}, "parent": {missingID}}},
			{"/console/companies/" + missingID, url.Values{"org_id": {"ORG-9102"}, "name": {"Form Co"}, "country": {"France"}}},
			{"/console/companies/" + missingID + "/approvers", url.Values{"contact": {contact}, "on": {"1"}}},
			{"/console/companies/" + abc + "/approvers", url.Values{"contact": {missingID}, "on": {"1"}}},
			{"/console/contracts", url.Values{"number": {"SC-9101"}, "sold_to": {missingID}, "end_user": {abc}, "level": {"business_care"}, "deployment": {"premise"}, "starts": {"2026-01-01"}, "ends": {"2027-01-01"}, "state": {"active"}}},
			{"/console/contracts", url.Values{"number": {"SC-9103"}, "sold_to": {abc}, "end_user": {abc}, "support_owner": {abc}, "products": {missingID}, "calendar": {missingID}, "level": {"business_care"}, "deployment": {"premise"}, "starts": {"2026-01-01"}, "ends": {"2027-01-01"}, "state": {"active"}}},
			{"/console/contracts", url.Values{"id": {missingID}, "number": {"SC-9102"}, "sold_to": {abc}, "end_user": {abc}, "level": {"business_care"}, "deployment": {"premise"}, "starts": {"2026-01-01"}, "ends": {"2027-01-01"}, "state": {"active"}}},
			{"/console/contacts", url.Values{"email": {"form.contact@abc-testing.example"}, "first_name": {"Form"}, "last_name": {"Contact"}, "company": {missingID}, "country": {"France"}}},
			{"/console/contacts/" + missingID, url.Values{"email": {"x@abc-testing.example"}, "first_name": {"X"}, "last_name": {"Y"}, "company": {abc}, "country": {"France"}}},
			{"/console/contacts/" + missingID + "/grants", url.Values{"combination": {abc + "-" + abc}, "level": {"read_only"}}},
			{"/console/contacts/" + contact + "/grants", url.Values{"combination": {missingID + "-" + missingID}, "level": {"read_only"}}},
			{"/console/products/" + missingID + "/components", url.Values{"component": {"Widgets"}}},
			{"/console/calendars/" + missingID, url.Values{"name": {"Paris"}, "zone": {"Europe/Paris"}, "week": {"mon-fri 09:00-17:00"}}},
			{"/console/calendars/" + missingID + "/holidays", url.Values{"ics": {""}}},
			{"/console/mail/" + missingID, url.Values{"case": {caseN}}},
			{"/console/jobs/" + missingID, url.Values{}},
			{"/console/jobs/" + missingID + "/discard", url.Values{}},
			{"/console/caller/case", url.Values{"number": {missingCase}}},
			{"/access-requests/" + missingID + "/decision", url.Values{"approve": {"on"}}},
			{"/cases/" + missingCase + "/comments", url.Values{"body": {"Any news?"}}},
			{"/cases/" + missingCase + "/close", url.Values{"reason": {"resolved"}, "comment": {"Done."}}},
			{"/cases/" + missingCase + "/update", url.Values{"priority": {"high"}}},
			{"/cases/" + caseN + "/update", url.Values{"owner": {missingID}}},
			{"/cases/" + missingCase + "/follow", url.Values{"on": {"on"}}},
			{"/cases/" + missingCase + "/reopen", url.Values{"reason": {"Back."}}},
			{"/cases/" + missingCase + "/escalate", url.Values{"reason": {"no_progress"}, "details": {"Hurry."}}},
			{"/cases/" + missingCase + "/escalation/accept", url.Values{"text": {"Next steps."}}},
			{"/cases/" + missingCase + "/sftp", url.Values{}},
			{"/cases/" + missingCase + "/files/acknowledge", url.Values{}},
			{"/profile/tokens/" + missingID + "/revoke", url.Values{}},
		}
		for _, f := range forms {
			if res := admin.post(f.path, f.form); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("POST %s %v = %d, want 404 or 422", f.path, f.form, res.StatusCode)
			}
		}
	})
}
