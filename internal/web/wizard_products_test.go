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

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// TestWizardOffersCoveredProducts: the wizard's product list holds only
// what the chosen combination's active contracts cover, and a case for
// another product is refused with a field message, on the page and in the
// API.
func TestWizardOffersCoveredProducts(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, e *env) {
		w := e.world
		pat := e.signIn(demo.Partner)
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
		// Contoso's contract covers ACD Server, SIP Server, Agent Desktop and Reporting.
		got := strings.Join(options(pat.post("/cases/new", describe).Body), ", ")
		if got != "ACD Server, Agent Desktop, Reporting, SIP Server" {
			t.Errorf("the wizard offers %s, want only what Contoso's contract covers", got)
		}

		form := url.Values{
			"summary": describe["summary"], "description": describe["description"],
			"combination": {itoa(w.Northwind) + "-" + itoa(w.Contoso)}, "kind": {"support/Problem"},
			"product": {itoa(w.Products["Routing Server"])}, "component": {itoa(w.Comps["Routing Server"][0])},
			"priority": {"medium"}, "stage": {"production"},
		}
		res := pat.post("/cases", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="product-error">No active Service Contract`) {
			t.Errorf("a case for an uncovered product on the page = %d, without the product's message", res.StatusCode)
		}
		p := wantProblem(t, e.apiClient(demo.Partner).apiCall("POST", "/api/v1/cases", map[string]any{
			"sold_to_id": w.Northwind, "end_user_id": w.Contoso, "type": "support", "sub_type": "Problem",
			"product_id": w.Products["Routing Server"], "component_id": w.Comps["Routing Server"][0],
			"summary": "Agents stuck", "description": describe["description"][0], "priority": "medium", "stage": "production",
		}), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "product_id" || !strings.Contains(p.Errors[0].Message, "No active Service Contract") {
			t.Errorf("a case for an uncovered product in the API: %+v", p)
		}

		// With Fabrikam's contract renewed, Pat chooses between two
		// combinations: the list follows the one chosen.
		err := e.store.Write(context.Background(), func(tx *store.Tx) error {
			cs, err := tx.Contracts(context.Background(), desk.ContractFilter{SoldToID: w.Northwind, EndUserID: w.Fabrikam})
			if err != nil || len(cs) != 1 {
				return fmt.Errorf("fabrikam's contracts %v: %w", cs, err)
			}
			cs[0].Ends = time.Now().AddDate(1, 0, 0)
			return tx.UpdateContract(context.Background(), &cs[0])
		})
		if err != nil {
			t.Fatal(err)
		}
		choose := url.Values{"summary": describe["summary"], "description": describe["description"], "combination": {itoa(w.Northwind) + "-" + itoa(w.Fabrikam)}}
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
