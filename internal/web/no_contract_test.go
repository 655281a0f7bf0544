package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestCaseWithoutActiveContract opens a case whose Sold To and End User
// have no active Service Contract (a closed Fabrikam case whose contract
// has expired, and an open Contoso case once its contract has ended): the
// page opens, and escalation is not offered, with the reason, on the page
// and in the API.
func TestCaseWithoutActiveContract(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Northwind sells to Contoso (an active contract) and to Fabrikam
		// (the contract ended 60 days ago). Pat of Northwind, Read-Write on
		// both, opened a High case for Contoso under investigation and one
		// for Fabrikam closed 90 days ago. Staff: an agent.
		northwind, contoso, fabrikam := e.fx.Company("Northwind Partners"), e.fx.Company("Contoso"), e.fx.Company("Fabrikam")
		contosoCombo := fixture.Combination(e.fx.Contract(contoso, fixture.PartnerOf(northwind)))
		fabrikamCombo := fixture.Combination(e.fx.Contract(fabrikam, fixture.PartnerOf(northwind), fixture.Ended(60)))
		patUser := e.fx.Contact(northwind, desk.NoAccess, fixture.AcceptedTerms)
		e.fx.Grant(patUser, contosoCombo, desk.ReadWrite)
		e.fx.Grant(patUser, fabrikamCombo, desk.ReadWrite)
		open := e.fx.Case(patUser, fixture.On(contosoCombo), fixture.Priority(desk.PriorityHigh), fixture.Status(desk.StatusOpen, desk.SubInvestigation))
		expired := e.fx.Case(patUser, fixture.On(fabrikamCombo), fixture.Closed(desk.SubResolved, 90))
		patEmail, agentEmail := e.login(patUser), e.staff(desk.RoleAgent)

		agent := e.signIn(agentEmail)
		api := e.apiClient(agentEmail)
		if res := agent.get("/cases/" + number(expired.ID)); res.StatusCode != http.StatusOK {
			t.Errorf("the expired Fabrikam case's page = %d, want 200", res.StatusCode)
		}

		ended := time.Now().AddDate(0, 0, -2)
		var contracts []string // the console pages of the ended contracts
		err := e.store.Write(ctx, func(tx *store.Tx) error {
			cs, err := tx.Contracts(ctx, desk.ContractFilter{SoldToID: northwind.ID, EndUserID: contoso.ID})
			if err != nil {
				return err
			}
			for i := range cs {
				contracts = append(contracts, "/console/contracts/"+itoa(cs[i].ID))
				cs[i].Ends = ended
				if err := tx.UpdateContract(ctx, &cs[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		n := number(open.ID)
		const reason = "No active Service Contract"
		res := agent.get("/cases/" + n)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, reason) || strings.Contains(res.Body, `id="escalate-form"`) {
			t.Errorf("the page of a case without an active contract = %d, offers escalation or gives no reason", res.StatusCode)
		}
		res = agent.post("/cases/"+n+"/escalate", url.Values{"reason": {"business_impact"}, "details": {"All agents affected."}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, reason) {
			t.Errorf("escalating it on the page = %d, want 422 with the reason", res.StatusCode)
		}
		v := decode[struct {
			CanEscalate bool   `json:"can_escalate"`
			Refusal     string `json:"refusal"`
		}](t, api.apiCall("GET", "/api/v1/cases/"+n+"/escalation", nil))
		if v.CanEscalate || !strings.Contains(v.Refusal, reason) {
			t.Errorf("API escalation view = %+v", v)
		}
		// Staff read what is wrong and what they can do, with the way to
		// the contract; the customer's words are not theirs.
		endedOn := "ended on " + ended.UTC().Format("2 January 2006") + "."
		if !strings.Contains(res.Body, endedOn) || !strings.Contains(res.Body, "Renew it, or add a Service Contract") ||
			strings.Contains(res.Body, "Your account manager") {
			t.Errorf("staff's reason does not say when the contract ended and what to do:\n%s", stripTags(res.Body))
		}
		if res := agent.get("/cases/" + n); !strings.Contains(res.Body, `id="escalate-contract-link"`) {
			t.Error("staff's reason has no link to the Service Contract")
		}
		staffView := decode[struct {
			Refusal      string `json:"refusal"`
			ContractLink string `json:"contract_link"`
		}](t, api.apiCall("GET", "/api/v1/cases/"+n+"/escalation", nil))
		if !strings.Contains(staffView.Refusal, endedOn) || !slices.Contains(contracts, staffView.ContractLink) {
			t.Errorf("API escalation view for staff = %+v, want the end date and one of %v", staffView, contracts)
		}
		if res := agent.get(staffView.ContractLink); res.StatusCode != http.StatusOK {
			t.Errorf("the contract link %s = %d", staffView.ContractLink, res.StatusCode)
		}
		p := wantProblem(t, api.apiCall("POST", "/api/v1/cases/"+n+"/escalation", map[string]any{"reason": "no_progress", "details": "Hurry."}), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Message, reason) {
			t.Errorf("API escalation refused with %+v", p)
		}
		// The contact who opened it, Read-Only there now, is told why the
		// page offers nothing to do.
		if res := e.signIn(patEmail).get("/cases/" + n); !strings.Contains(res.Body, `id="read-only-notice"`) || strings.Contains(res.Body, `id="comment-form"`) {
			t.Error("the contact's page of a case without an active contract does not say why it cannot be updated")
		}
	})
}
