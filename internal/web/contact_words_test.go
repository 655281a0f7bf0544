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

// TestContactMessagesSpeakToTheirReader: the same checks of a contact's
// details speak of "the contact" to the portal admin who fills them in
// (Add contact, the contact's page) and of "your" details to the person
// registering or editing their profile.
func TestContactMessagesSpeakToTheirReader(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// ABC Testing Co with Dana, its contact; a portal admin.
		abc := e.fx.Company("ABC Testing Co")
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		danaEmail := e.login(danaUser)
		admin := e.signIn(e.staff(desk.RolePortalAdmin, desk.RoleAgent))
		wantWords := func(what string, res *http.Response, body string, want, not []string) {
			t.Helper()
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s = %d, want 422", what, res.StatusCode)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s does not say %q", what, w)
				}
			}
			for _, w := range not {
				if strings.Contains(body, w) {
					t.Errorf("%s says %q", what, w)
				}
			}
		}
		staffWords := []string{
			"Enter the contact&#39;s first name.", "Enter the contact&#39;s last name.",
			"Use the contact&#39;s corporate email address", "Enter the contact&#39;s country.",
		}
		res := admin.post("/console/contacts", url.Values{"email": {"someone@gmail.com"}, "company": {itoa(abc.ID)}})
		wantWords("Add contact", res.Response, res.Body, staffWords, []string{"Enter your", "Use your"})
		res = admin.post("/console/contacts/"+itoa(danaUser.ID), url.Values{
			"email": {"support@abc-testing.example"}, "company": {itoa(abc.ID)}, "country": {"Spain"},
		})
		wantWords("the contact's page", res.Response, res.Body,
			[]string{"Enter the contact&#39;s first name.", "Use an address assigned to the contact alone"}, []string{"Enter your", "assigned to you"})

		page := e.signIn(danaEmail)
		res = page.post("/profile", url.Values{"first_name": {""}, "last_name": {"Designated"}, "country": {"Spain"}})
		wantWords("the profile", res.Response, res.Body, []string{"Enter your first name."}, []string{"the contact"})

		c := e.anonymous()
		token := startRegistration(t, e, c, "lee.words@abc-testing.example")
		res = c.post("/register/complete", url.Values{"token": {token}, "employer": {abc.OrgID}})
		wantWords("the registration", res.Response, res.Body, []string{"Enter your first name.", "Enter your country."}, []string{"the contact"})
		if res := c.post("/register", url.Values{"email": {"lee@gmail.com"}}); !strings.Contains(res.Body, "Use your corporate email address") {
			t.Errorf("registering with free mail = %d, does not say \"Use your corporate email address\"", res.StatusCode)
		}
	})
}

// startRegistration starts "Request My Support account" for email and
// returns the token of the verification link it emails.
func startRegistration(t *testing.T, e *env, c *client, email string) string {
	t.Helper()
	if res := c.post("/register", url.Values{"email": {email}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register = %d", res.StatusCode)
	}
	mails, err := e.store.Notifications(context.Background(), email, 1)
	if err != nil || len(mails) != 1 {
		t.Fatalf("verification email: %v, %v", mails, err)
	}
	return regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(mails[0].Body)[1]
}
