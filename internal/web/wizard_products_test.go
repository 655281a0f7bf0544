package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestWizardOffersCoveredProducts: the wizard's product list holds only
// what the chosen combination's active contracts cover, and a case for
// another product is refused with a field message, on the page and in the
// API.
func TestWizardOffersCoveredProducts(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Pat of Northwind is Read-Write on what it sells Contoso (four
		// products) and Fabrikam (IVR and Routing Server; the contract has
		// ended).
		northwind, contoso, fabrikam := e.fx.Company("Northwind Partners"), e.fx.Company("Contoso"), e.fx.Company("Fabrikam")
		var covered []*fixture.Product
		for _, name := range []string{"ACD Server", "Signalling Server", "Agent Desktop", "Reporting"} {
			covered = append(covered, e.fx.Product(name))
		}
		ivr, routing := e.fx.Product("IVR"), e.fx.Product("Routing Server")
		patUser := e.fx.Contact(northwind, desk.NoAccess, fixture.AcceptedTerms)
		e.fx.Grant(patUser, fixture.Combination(e.fx.Contract(contoso, fixture.PartnerOf(northwind), fixture.Products(covered...))), desk.ReadWrite)
		e.fx.Grant(patUser, fixture.Combination(e.fx.Contract(fabrikam, fixture.PartnerOf(northwind), fixture.Products(ivr, routing), fixture.Ended(30))), desk.ReadWrite)
		patEmail := e.login(patUser)
		pat := e.signIn(patEmail)
		describe := url.Values{"summary": {"Agents stuck"}, "description": {"Agents stay in Not Ready after they log out and in again."}}
		options := func(page string) []string {
			i, j := strings.Index(page, `<select id="product"`), strings.Index(page, `<select id="component"`)
			if i < 0 || j < i {
				t.Fatalf("no product list:\n%s", page)
			}
			var names []string
			for _, m := range regexp.MustCompile(`<option value="\d+"[^>]*>([^<]+)</option>`).FindAllStringSubmatch(page[i:j], -1) {
				names = append(names, m[1])
			}
			return names
		}
		// Contoso's contract covers ACD Server, Signalling Server, Agent Desktop and Reporting.
		got := strings.Join(options(pat.post("/cases/new", describe).Body), ", ")
		if got != "ACD Server, Agent Desktop, Reporting, Signalling Server" {
			t.Errorf("the wizard offers %s, want only what Contoso's contract covers", got)
		}

		form := url.Values{
			"summary": describe["summary"], "description": describe["description"],
			"combination": {itoa(northwind.ID) + "-" + itoa(contoso.ID)}, "kind": {"support/Problem"},
			"product": {itoa(routing.ID)}, "component": {itoa(routing.Components[0])},
			"priority": {"medium"}, "stage": {"production"},
		}
		res := pat.post("/cases", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="product-error">No active Service Contract`) {
			t.Errorf("a case for an uncovered product on the page = %d, without the product's message", res.StatusCode)
		}
		p := wantProblem(t, e.apiClient(patEmail).apiCall("POST", "/api/v1/cases", map[string]any{
			"sold_to_id": northwind.ID, "end_user_id": contoso.ID, "type": "support", "sub_type": "Problem",
			"product_id": routing.ID, "component_id": routing.Components[0],
			"summary": "Agents stuck", "description": describe["description"][0], "priority": "medium", "stage": "production",
		}), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "product_id" || !strings.Contains(p.Errors[0].Message, "No active Service Contract") {
			t.Errorf("a case for an uncovered product in the API: %+v", p)
		}

		// With Fabrikam's contract renewed, Pat chooses between two
		// combinations: the list follows the one chosen.
		err := e.store.Write(context.Background(), func(tx *store.Tx) error {
			cs, err := tx.Contracts(context.Background(), desk.ContractFilter{SoldToID: northwind.ID, EndUserID: fabrikam.ID})
			if err != nil || len(cs) != 1 {
				return fmt.Errorf("fabrikam's contracts %v: %w", cs, err)
			}
			cs[0].Ends = time.Now().AddDate(1, 0, 0)
			return tx.UpdateContract(context.Background(), &cs[0])
		})
		if err != nil {
			t.Fatal(err)
		}
		choose := url.Values{"summary": describe["summary"], "description": describe["description"], "combination": {itoa(northwind.ID) + "-" + itoa(fabrikam.ID)}}
		page := pat.post("/cases/new", choose).Body
		if got := strings.Join(options(page), ", "); got != "IVR, Routing Server" || !strings.Contains(page, `id="combination-products"`) {
			t.Errorf("with Fabrikam chosen the wizard offers %s (or no way to change the combination)", got)
		}
		// Enter in a field opens the case: the form's first submit button,
		// the one Enter presses, is "Open the case", not "Show its products".
		_, step2, _ := strings.Cut(page, `action="/cases" class="card"`)
		if first := regexp.MustCompile(`<button[^>]*type="submit"[^>]*>([^<]*)</button>`).FindStringSubmatch(step2); first == nil || first[1] != "Open the case" {
			t.Errorf("the wizard's first submit button is %v, want Open the case", first)
		}
	})
}
