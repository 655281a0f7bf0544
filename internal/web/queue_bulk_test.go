package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// The queue's bulk form works without script: tick cases, press an
// action's button; a refusal shows the queue again with each case named
// and still ticked, and nothing written. The API does the same, and
// merges.
func TestQueueBulk(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		co := e.fx.Company("Fabrikam Ltd")
		e.fx.Contract(co)
		contact := e.fx.Contact(co, desk.ReadWrite)
		e.login(contact)
		c1, c2 := e.open(contact, desk.PriorityHigh), e.open(contact, desk.PriorityLow)
		closed := e.fx.Case(contact, fixture.Closed(desk.SubResolved, 1))
		agentUser := e.fx.Staff([]desk.Role{desk.RoleAgent})
		agentEmail := e.login(agentUser)
		agent := e.signIn(agentEmail)

		page := agent.get("/console?owner=none")
		if !strings.Contains(page.Body, `<form class="bulk-form" method="post" action="/console/bulk?owner=none" id="bulk-form">`) ||
			!strings.Contains(page.Body, `id="case-`+c1.Number()+`" name="case" value="`+itoa(c1.ID)+`"`) {
			t.Fatal("the queue has no bulk form around its cases")
		}
		res := agent.post("/console/bulk?owner=none", url.Values{
			"case": {itoa(c1.ID), itoa(c2.ID)}, "action": {"assign"}, "bulk_owner": {"me"},
		})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console?owner=none" {
			t.Fatalf("bulk assign = %d to %q\n%.500s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		for _, c := range []*desk.Case{c1, c2} {
			if row, err := e.store.Case(ctx, c.ID); err != nil || row.OwnerID != agentUser.ID {
				t.Errorf("case %s after the bulk assign: owner %d, %v", c.Number(), row.OwnerID, err)
			}
		}
		if res := agent.get("/console"); viewCount(t, res.Body, "My open cases") != "2" {
			t.Error("My open cases does not count the two cases assigned")
		}

		// One case cannot take the status: the page says which and why.
		res = agent.post("/console/bulk", url.Values{
			"case": {itoa(c1.ID), itoa(closed.ID)}, "action": {"status"}, "bulk_status": {"awaiting_information/information_required_from_customer"},
		})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a bulk status change a closed case cannot take = %d", res.StatusCode)
		}
		if !strings.Contains(res.Body, "<li>Case "+closed.Number()+": a case cannot move from Closed to Awaiting Information</li>") {
			t.Errorf("the error summary does not name case %s and why", closed.Number())
		}
		if !strings.Contains(res.Body, `id="case-`+c1.Number()+`" name="case" value="`+itoa(c1.ID)+`" checked`) {
			t.Error("the cases ticked are not ticked again")
		}
		if row, _ := e.store.Case(ctx, c1.ID); row.Status != desk.StatusOpen {
			t.Errorf("case %s changed to %s although the bulk action was refused", c1.Number(), row.Status)
		}

		// The API: a bulk note, and a merge.
		api := e.apiClient(agentEmail)
		if res := api.apiCall("POST", "/api/v1/queue/bulk", map[string]any{
			"action": "note", "cases": []string{c1.Number(), c2.Number()}, "note": "Looked at both.",
		}); res.StatusCode != http.StatusNoContent {
			t.Errorf("API bulk note = %d %s", res.StatusCode, res.Body)
		}
		res = api.apiCall("POST", "/api/v1/queue/bulk", map[string]any{"action": "status", "cases": []string{c1.Number()}, "status": "open", "substatus": "replied"})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"field":"status"`) {
			t.Errorf("API bulk status that does not belong together = %d %s", res.StatusCode, res.Body)
		}
		res = api.apiCall("POST", "/api/v1/cases/"+c1.Number()+"/merge", map[string]any{"duplicates": []string{c2.Number()}})
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "was merged into this case") {
			t.Errorf("API merge = %d %.300s", res.StatusCode, res.Body)
		}
		if row, _ := e.store.Case(ctx, c2.ID); row.Status != desk.StatusClosed {
			t.Errorf("the merged duplicate is %s, want closed", row.Status)
		}
		// The duplicate points at the case that goes on: on both case
		// pages and in the API.
		pointer := `id="merged-into">This case was merged into case <a href="/cases/` + c1.Number() + `">` + c1.Number() + `</a>`
		customer := e.signIn(e.login(contact))
		for who, c := range map[string]*client{"agent": agent, "customer": customer} {
			if page := c.get("/cases/" + c2.Number()); !strings.Contains(page.Body, pointer) {
				t.Errorf("the %s's page of the merged duplicate does not point at case %s", who, c1.Number())
			}
		}
		if res := api.apiCall("GET", "/api/v1/cases/"+c2.Number(), nil); !strings.Contains(res.Body, `"merged_into":"`+c1.Number()+`"`) {
			t.Errorf("the API's merged duplicate has no merged_into: %.300s", res.Body)
		}
		if res := e.apiClient(e.login(contact)).apiCall("POST", "/api/v1/cases/"+c1.Number()+"/merge", map[string]any{"duplicates": []string{}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a contact merges = %d, want 403", res.StatusCode)
		}
	})
}
