package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestCallerCasesAndOpenForCaller: once a caller's PIN checks out, the page
// lists their cases (open first) and opens a case on their behalf,
// recorded as opened by phone; a refused form comes back on the caller's
// page with each message beside its field.
func TestCallerCasesAndOpenForCaller(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		dana := e.actor(danaUser.Email).User
		closed := e.fx.Case(danaUser, fixture.Closed(desk.SubResolved, 2))
		open := e.fx.Case(danaUser)
		agent := e.signIn(e.staff(desk.RoleAgent))

		page := agent.post("/console/caller", url.Values{"pin": {dana.PIN}}).Body
		openAt, closedAt := strings.Index(page, `href="/cases/`+number(open.ID)+`"`), strings.Index(page, `href="/cases/`+number(closed.ID)+`"`)
		if openAt < 0 || closedAt < 0 || openAt > closedAt {
			t.Errorf("the caller's cases: open at %d, closed at %d; want both, the open one first", openAt, closedAt)
		}
		if !strings.Contains(page, `id="caller-case-form"`) {
			t.Fatal("the caller's page offers no case to open for them")
		}

		product := e.fx.DefaultProduct()
		form := url.Values{
			"contact": {itoa(dana.ID)}, "combination": {itoa(abc.ID) + "-" + itoa(abc.ID)},
			"product": {itoa(product.ID)}, "component": {itoa(product.Components[0])}, "kind": {"support/Problem"},
			"stage": {"production"}, "priority": {"high"}, "summary": {""}, "description": {"Calls drop after ten seconds on every trunk."},
		}
		res := agent.post("/console/caller/cases", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="caller-summary-error"`) || !strings.Contains(res.Body, `id="caller-open-panel" open`) ||
			!strings.Contains(res.Body, "Calls drop after ten seconds") || !strings.Contains(res.Body, `href="/cases/`+number(open.ID)+`"`) {
			t.Errorf("a case without a summary: %d, want the caller's page with the message beside the summary", res.StatusCode)
		}
		form.Set("summary", "Calls drop after ten seconds")
		res = agent.post("/console/caller/cases", form)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/cases/") {
			t.Fatalf("open for caller: %d %s", res.StatusCode, res.Body)
		}
		casePage := agent.get(res.Header.Get("Location")).Body
		if !strings.Contains(casePage, "· Phone") || !strings.Contains(casePage, "Case opened by phone") {
			t.Error("the case is not recorded as opened by phone")
		}
		mine := e.signIn(e.login(danaUser)).get(res.Header.Get("Location"))
		if mine.StatusCode != http.StatusOK {
			t.Errorf("the caller does not see the case opened for them: %d", mine.StatusCode)
		}
		if body := e.signIn(e.staff(desk.RolePortalAdmin)).get("/console/audit?action=case_opened_for_caller").Body; !strings.Contains(body, "Case opened for a caller (phone)") {
			t.Error("the audit log does not record the case opened for the caller")
		}
		if res := e.signIn(e.login(danaUser)).post("/console/caller/cases", form); res.StatusCode != http.StatusNotFound {
			t.Errorf("a contact opening a case by phone: %d, want 404", res.StatusCode)
		}
	})
}
