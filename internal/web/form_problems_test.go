package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// wantProblems checks that a form came back refused (422) with every one
// of the messages want.
func wantProblems(t *testing.T, what string, res *response, want ...string) {
	t.Helper()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("%s = %d, want 422", what, res.StatusCode)
		return
	}
	for _, w := range want {
		if !strings.Contains(res.Body, w) {
			t.Errorf("%s: the page does not say %q", what, w)
		}
	}
}

// TestFormsReportEveryProblem: a form names all its problems at once. A
// field whose text is refused (too long, not readable) no longer hides the
// use case's own checks of the other fields, a date or an hour that
// cannot be read hides nothing either, and a field has one limit. Nothing
// of a refused form is saved.
func TestFormsReportEveryProblem(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Dana, Read-Write at ABC Testing Co (a direct customer); a
		// portal admin.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		danaEmail := e.login(danaUser)
		dana := e.signIn(danaEmail)
		product := e.fx.DefaultProduct()

		// The wizard's second step: no priority, "lots" of agents and a
		// reference of 500, then 150 characters (its limit is 100).
		newCase := func(ref string) url.Values {
			return url.Values{
				"combination": {itoa(abc.ID) + "-" + itoa(abc.ID)}, "kind": {"support/Problem"},
				"product": {itoa(product.ID)}, "component": {itoa(product.Components[0])},
				"summary": {"Agents stuck"}, "description": {"Agents stay in Not Ready after they log out and in again."},
				"stage": {"production"}, "agents_affected": {"lots"}, "external_ref": {ref},
			}
		}
		wantProblems(t, "a case with a 500-character reference", dana.post("/cases", newCase(strings.Repeat("r", 500))),
			"Choose a priority.", "Enter a number from 0 to 1,000,000.", "Use at most 100 characters (you used 500).")
		wantProblems(t, "a case with a 150-character reference", dana.post("/cases", newCase(strings.Repeat("r", 150))),
			"Choose a priority.", "Use at most 100 characters (you used 150).")

		// A token's name has one limit, that of names.
		wantProblems(t, "a token of 500 characters", dana.post("/profile/tokens", url.Values{"name": {strings.Repeat("n", 500)}}),
			"Use at most 200 characters (you used 500).")
		if res := dana.post("/profile/tokens", url.Values{"name": {strings.Repeat("n", 150)}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("a token named in 150 characters = %d, want it made (and the profile shown)", res.StatusCode)
		}

		// Details: an empty first name beside a last name too long.
		res := dana.post("/profile", url.Values{"first_name": {""}, "last_name": {strings.Repeat("l", 201)}, "country": {"US"}})
		wantProblems(t, "details with no first name and a long last name", res,
			`id="first_name-error"`, "Enter your first name.", `id="last_name-error"`, "Use at most 200 characters (you used 201).")

		// Password: a wrong current one, a short new one and a different
		// confirmation, all three at once.
		res = dana.post("/profile/password", url.Values{"current_password": {"not my password"}, "new_password": {"short"}, "confirm_password": {"other"}})
		wantProblems(t, "a password change with three problems", res,
			"This is not your current password.", "Use at least 10 characters.", "The two new passwords are not the same.")
		// A confirmation that differs changes nothing, even with the rest right.
		res = dana.post("/profile/password", url.Values{"current_password": {e.passwords[danaEmail]}, "new_password": {"a brand new secret"}, "confirm_password": {"another secret!!"}})
		wantProblems(t, "new passwords that differ", res, "The two new passwords are not the same.")
		if res := e.anonymous().post("/signin", url.Values{"email": {danaEmail}, "password": {e.passwords[danaEmail]}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("a refused password change changed the password: sign in with the old one = %d", res.StatusCode)
		}

		// An Org ID is counted in characters, as CheckText counts it: 40
		// accented letters are within its 64.
		res = dana.post("/profile/access", url.Values{
			"combination": {"other"}, "sold_to": {strings.Repeat("é", 40)}, "end_user": {"ORG-1"}, "level": {"read_only"}, "reason": {"For the new site."},
		})
		if strings.Contains(res.Body, "at most 64 characters") {
			t.Error("an Org ID of 40 characters is refused as longer than 64")
		}

		// An empty contract: each date says which it is, beside the rest.
		admin := e.signIn(e.staff(desk.RolePortalAdmin))
		wantProblems(t, "an empty contract", admin.post("/console/contracts", url.Values{"number": {""}}),
			"Enter the start date as YYYY-MM-DD.", "Enter the end date as YYYY-MM-DD.", "Enter the contract number.", "Choose the Sold To company.")

		// A calendar: a holiday that is no date beside hours that are not
		// hours.
		res = admin.post("/console/calendars", url.Values{"name": {"Ops"}, "zone": {"UTC"}, "week": {"mon-fri 25:00-26:00"}, "holidays": {"2026-13-45"}})
		wantProblems(t, "a calendar with a bad holiday and bad hours", res, `id="week-error"`, `id="holidays-error"`, "2026-13-45")

		// None of it was saved.
		if u, err := e.store.User(ctx, danaUser.ID); err != nil || u.FirstName != danaUser.FirstName || u.LastName != danaUser.LastName {
			t.Errorf("refused details were saved: %+v %v", u, err)
		}
		if tokens, err := e.store.APITokens(ctx, danaUser.ID); err != nil || len(tokens) != 1 {
			t.Errorf("tokens = %d (%v), want only the one named in 150 characters", len(tokens), err)
		}
		cals, err := e.store.Calendars(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cals {
			if c.Name == "Ops" {
				t.Errorf("a refused calendar was saved: %+v", c)
			}
		}
		if page, err := e.store.Cases(ctx, desk.CaseFilter{Limit: 10}); err != nil || len(page.Cases) != 0 {
			t.Errorf("a refused case was opened: %v", err)
		}
	})
}
