package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestAddedContactGetsSetPasswordLink: a contact a portal admin adds, in
// the console or through the API, finds an email in the outbox whose link
// lets them choose a password and sign in.
func TestAddedContactGetsSetPasswordLink(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		adminEmail, co := e.staff(desk.RolePortalAdmin), e.fx.Company("ABC Testing Co")
		admin := e.signIn(adminEmail)
		api := e.apiClient(adminEmail)
		add := map[string]func(email string) int{
			"console": func(email string) int {
				return admin.post("/console/contacts", url.Values{
					"first_name": {"Tia"}, "last_name": {"Tail"}, "email": {email}, "company": {itoa(co.ID)}, "country": {"Canada"},
				}).StatusCode
			},
			"api": func(email string) int {
				return api.apiCall("POST", "/api/v1/contacts", map[string]any{
					"first_name": "Kim", "last_name": "Ward", "email": email, "company_id": co.ID, "country": "Australia",
				}).StatusCode
			},
		}
		want := map[string]int{"console": http.StatusSeeOther, "api": http.StatusCreated}
		for via, do := range add {
			email := via + ".new@abc.example"
			if got := do(email); got != want[via] {
				t.Fatalf("%s: add contact = %d, want %d", via, got, want[via])
			}
			ms, err := e.store.Notifications(context.Background(), email, 5)
			if err != nil || len(ms) != 1 || ms[0].Kind != "set_password" {
				t.Fatalf("%s: outbox for %s = %+v, %v; want one set_password email", via, email, ms, err)
			}
			m := regexp.MustCompile(`(?m)^\S*/reset-password\?token=(\S+)$`).FindStringSubmatch(ms[0].Body)
			if m == nil {
				t.Fatalf("%s: the email has no set-password link:\n%s", via, ms[0].Body)
			}
			contact := e.anonymous()
			if res := contact.get("/reset-password?token=" + url.QueryEscape(m[1])); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `name="password"`) {
				t.Fatalf("%s: set-password page = %d", via, res.StatusCode)
			}
			if res := contact.post("/reset-password", url.Values{"token": {m[1]}, "password": {"a long new passphrase"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: set password = %d: %s", via, res.StatusCode, res.Body)
			}
			if res := contact.post("/signin", url.Values{"email": {email}, "password": {"a long new passphrase"}}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("%s: sign in with the new password = %d", via, res.StatusCode)
			}
		}
		// A contact added disabled may not sign in, so gets no link.
		res := api.apiCall("POST", "/api/v1/contacts", map[string]any{
			"first_name": "Dee", "last_name": "Off", "email": "dee.off@abc.example", "company_id": co.ID, "country": "Chile", "disabled": true,
		})
		if ms, err := e.store.Notifications(context.Background(), "dee.off@abc.example", 5); res.StatusCode != http.StatusCreated || err != nil || len(ms) != 0 {
			t.Errorf("disabled contact = %d; outbox %d emails, %v; want none", res.StatusCode, len(ms), err)
		}
	})
}
