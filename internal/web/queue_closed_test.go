package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestQueueIncludesClosed checks the staff queue's closed=on, on the
// console page and in the API: closed cases are listed only when asked for.
func TestQueueIncludesClosed(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// A company with a closed case and an open one; the queue lists
		// the open one either way.
		co := e.fx.Company("Fabrikam Ltd")
		e.fx.Contract(co)
		contact := e.fx.Contact(co, desk.ReadWrite)
		closed := number(e.fx.Case(contact, fixture.Closed(desk.SubResolved, 10)).ID)
		e.fx.Case(contact)
		fabrikam := itoa(co.ID)
		agentEmail := e.login(e.fx.Staff([]desk.Role{desk.RoleAgent}))
		agent := e.signIn(agentEmail)
		if res := agent.get("/console?company=" + fabrikam); strings.Contains(res.Body, closed) {
			t.Error("the queue lists a closed case without closed=on")
		}
		if res := agent.get("/console?closed=on&company=" + fabrikam); !strings.Contains(res.Body, closed) || !strings.Contains(res.Body, `id="closed" name="closed" checked`) {
			t.Errorf("the queue with closed=on = %d: no closed case, or the box is not ticked", res.StatusCode)
		}
		if res := agent.get("/console?closed=on"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, closed) {
			t.Errorf("the unfiltered queue with closed=on = %d, without the closed case", res.StatusCode)
		}
		api := e.apiClient(agentEmail)
		for query, want := range map[string]bool{"": false, "&closed=on": true} {
			list := decode[struct {
				Cases []struct {
					Number string `json:"number"`
				} `json:"cases"`
			}](t, api.apiCall("GET", "/api/v1/cases?list=queue&company="+fabrikam+query, nil))
			found := false
			for _, c := range list.Cases {
				found = found || c.Number == closed
			}
			if found != want {
				t.Errorf("API queue%s lists the closed case: %v, want %v", query, found, want)
			}
		}
	})
}
