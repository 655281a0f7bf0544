package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// The console's global search: in the header for staff only; a case
// number, the words of cases, the start of a company's name, a contact's
// name or email, each kind in its own section.
func TestGlobalSearch(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		co := e.fx.Company("Quillfeather Labs")
		e.fx.Contract(co)
		contact := e.fx.Contact(co, desk.ReadWrite, fixture.Named("Wilhelmina", "Zorander"))
		contactEmail := e.login(contact)
		c := e.open(contact, desk.PriorityLow)
		agent := e.signIn(e.login(e.fx.Staff([]desk.Role{desk.RoleAgent})))

		if res := agent.get("/console"); !strings.Contains(res.Body, `<form class="header-search" method="get" action="/console/search" role="search">`) {
			t.Error("the console's header has no search")
		}
		customer := e.signIn(contactEmail)
		res := customer.get("/cases")
		if strings.Contains(res.Body, `action="/console/search"`) {
			t.Error("a customer's header has the console's search")
		}
		if !strings.Contains(res.Body, `<form class="header-search" method="get" action="/knowledge" role="search">`) {
			t.Error("a customer's header has no knowledge search")
		}
		if res := customer.get("/console/search?q=quill"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a customer searches the console = %d, want 404", res.StatusCode)
		}
		search := func(q string) string {
			t.Helper()
			res := agent.get("/console/search?" + url.Values{"q": {q}}.Encode())
			if res.StatusCode != http.StatusOK {
				t.Fatalf("search %q = %d", q, res.StatusCode)
			}
			return res.Body
		}
		section := func(body, id string) string {
			i := strings.Index(body, `id="`+id+`"`)
			if i < 0 {
				return ""
			}
			rest := body[i:]
			if j := strings.Index(rest, "</section>"); j >= 0 {
				return rest[:j]
			}
			return rest
		}
		body := search("quillfeather")
		if !strings.Contains(section(body, "found-companies"), `href="/console/companies/`+itoa(co.ID)+`"`) {
			t.Error("the start of the company's name does not find it")
		}
		body = search("zorand")
		if !strings.Contains(section(body, "found-contacts"), `href="/console/contacts/`+itoa(contact.ID)+`"`) {
			t.Error("the start of the contact's last name does not find them")
		}
		body = search("Wilhelmina Zor")
		if !strings.Contains(section(body, "found-contacts"), "Wilhelmina Zorander") {
			t.Error("the start of the contact's full name does not find them")
		}
		body = search(contact.Email[:6])
		if !strings.Contains(section(body, "found-contacts"), contact.Email) {
			t.Error("the start of the contact's email does not find them")
		}
		body = search(c.Number())
		if !strings.Contains(section(body, "found-case"), `href="/cases/`+c.Number()+`"`) {
			t.Error("the case number does not find its case")
		}
		body = search("trunk")
		if !strings.Contains(section(body, "found-cases"), `href="/cases/`+c.Number()+`"`) {
			t.Error("a word of the case does not find it")
		}
		if res := agent.get("/console/search?q=%00"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a search with a control character = %d, want 422", res.StatusCode)
		}
	})
}
