package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// TestCaseWithoutActiveContract opens a case whose Sold To and End User
// have no active Service Contract (the demo's expired Fabrikam case, and an
// open Contoso case once its contract has ended): the page opens, and
// escalation is not offered, with the reason, on the page and in the API.
func TestCaseWithoutActiveContract(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		agent := e.signIn(demo.Agent)
		api := e.apiClient(demo.Agent)
		if res := agent.get("/cases/" + number(e.world.Cases["fabrikam-closed"])); res.StatusCode != http.StatusOK {
			t.Errorf("the expired Fabrikam case's page = %d, want 200", res.StatusCode)
		}

		ended := time.Now().AddDate(0, 0, -2)
		var contracts []string // the console pages of the ended contracts
		err := e.store.Write(ctx, func(tx *store.Tx) error {
			cs, err := tx.Contracts(ctx, desk.ContractFilter{SoldToID: e.world.Northwind, EndUserID: e.world.Contoso})
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
		n := number(e.world.Cases["contoso-open"])
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
		if res := e.signIn(demo.Partner).get("/cases/" + n); !strings.Contains(res.Body, `id="read-only-notice"`) || strings.Contains(res.Body, `id="comment-form"`) {
			t.Error("the contact's page of a case without an active contract does not say why it cannot be updated")
		}
	})
}
