package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestEmailRulesEntriesAreChecked: each free-mail domain is a domain name
// and each role alias a mailbox name, in the API and the console; a
// refused list names its bad entries and changes nothing; the same entry
// twice (in any case, a domain as Unicode and as punycode) is kept once.
func TestEmailRulesEntriesAreChecked(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		adminEmail, co := e.staff(desk.RolePortalAdmin), e.fx.Company("ABC Testing Co")
		admin := e.apiClient(adminEmail)
		before := admin.apiCall("GET", "/api/v1/settings/email-rules", nil).Body
		for _, tc := range []struct {
			name          string
			free, aliases []string
			field, entry  string
		}{
			{"punctuation in a domain", []string{"gmail.com", "domain!"}, []string{"support"}, "free_mail_domains", `"domain!"`},
			{"a comma for a domain", []string{","}, []string{"support"}, "free_mail_domains", `","`},
			{"one label", []string{"localhost"}, []string{"support"}, "free_mail_domains", `"localhost"`},
			{"an empty label", []string{"mail..example"}, []string{"support"}, "free_mail_domains", `"mail..example"`},
			{"a hyphen at a label's end", []string{"mail-.example"}, []string{"support"}, "free_mail_domains", `"mail-.example"`},
			{"an address for an alias", []string{"gmail.com"}, []string{"support@abc.example"}, "role_aliases", `"support@abc.example"`},
			{"a comma for an alias", []string{"gmail.com"}, []string{","}, "role_aliases", `","`},
			{"a space in an alias", []string{"gmail.com"}, []string{"help desk"}, "role_aliases", `"help desk"`},
			{"a leading dot", []string{"gmail.com"}, []string{".info"}, "role_aliases", `".info"`},
		} {
			p := wantProblem(t, admin.apiCall("PUT", "/api/v1/settings/email-rules", map[string]any{
				"free_mail_domains": tc.free, "role_aliases": tc.aliases,
			}), http.StatusUnprocessableEntity)
			if len(p.Errors) != 1 || p.Errors[0].Field != tc.field || !strings.Contains(p.Errors[0].Message, tc.entry) {
				t.Errorf("%s: errors %+v, want one for %s naming %s", tc.name, p.Errors, tc.field, tc.entry)
			}
		}
		page := e.signIn(adminEmail)
		res := page.post("/console/settings/email", url.Values{"free_mail": {"gmail.com\ndomain!"}, "aliases": {"support"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Not domain names: &#34;domain!&#34;") {
			t.Errorf("console save with domain! = %d, want 422 naming the entry:\n%s", res.StatusCode, res.Body)
		}
		if after := admin.apiCall("GET", "/api/v1/settings/email-rules", nil).Body; after != before {
			t.Errorf("refused changes changed the rules:\n%s\n→ %s", before, after)
		}

		res = admin.apiCall("PUT", "/api/v1/settings/email-rules", map[string]any{
			"free_mail_domains": []string{"Gmail.com", "gmail.com", "Bücher.example", "xn--bcher-kva.example"},
			"role_aliases":      []string{"Support", "support", "no-reply", "équipe"},
		})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("PUT with duplicates = %d %s, want 200", res.StatusCode, res.Body)
		}
		got := decode[struct {
			Free    []string `json:"free_mail_domains"`
			Aliases []string `json:"role_aliases"`
		}](t, res)
		if !slices.Equal(got.Free, []string{"gmail.com", "xn--bcher-kva.example"}) || !slices.Equal(got.Aliases, []string{"support", "no-reply", "équipe"}) {
			t.Errorf("saved rules %+v, want each entry once, domains in punycode", got)
		}
		for _, email := range []string{"anna@bücher.example", "anna@xn--bcher-kva.example"} {
			p := wantProblem(t, admin.apiCall("POST", "/api/v1/contacts", map[string]any{
				"first_name": "Anna", "last_name": "Buch", "email": email, "company_id": co.ID, "country": "Germany",
			}), http.StatusUnprocessableEntity)
			if len(p.Errors) != 1 || p.Errors[0].Field != "email" || !strings.Contains(p.Errors[0].Message, "personal addresses") {
				t.Errorf("%s: errors %+v, want the free-mail refusal", email, p.Errors)
			}
		}
	})
}
