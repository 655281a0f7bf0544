package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestCustomerCasePageSaysWhatToDoNext: the customer's case page tells a
// Designated Contact what to do by the case's status (accept the proposed
// solution or say it did not solve it; answer what support asked before
// follow-ups close the case; until when a closed case can be reopened),
// keeps Close and Escalate behind buttons, and shows a Read-Only colleague
// no action they cannot take.
func TestCustomerCasePageSaysWhatToDoNext(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser, rileyUser := e.fx.Contact(abc, desk.ReadWrite), e.fx.Contact(abc, desk.ReadOnly)
		c := e.fx.Case(danaUser, fixture.Priority(desk.PriorityMedium))
		path := "/cases/" + number(c.ID)
		dana, riley, agent := e.signIn(e.login(danaUser)), e.signIn(e.login(rileyUser)), e.signIn(e.staff(desk.RoleAgent))

		open := stripSpaces(dana.get(path).Body)
		for _, want := range []string{`id="next-step"`, "Support is working on this case", "Reference ID " + c.ReferenceID, `id="close-panel"`, `id="close-toggle"`} {
			if !strings.Contains(open, want) {
				t.Errorf("an open case's page lacks %q", want)
			}
		}
		if strings.Contains(open, `id="close-panel" open`) {
			t.Error("the Close form is open on a case nobody asked to close")
		}
		// A Read-Only colleague is not told to add updates they cannot add.
		if ro := stripSpaces(riley.get(path).Body); strings.Contains(ro, "Add an update below") || strings.Contains(ro, `id="reference"`) || !strings.Contains(ro, "Follow it to get an email") {
			t.Error("a Read-Only contact's open case tells them to add updates")
		}

		// Staff propose a solution: a reply, then the status.
		if res := agent.post(path+"/comments", url.Values{"body": {"Apply **patch 7.2**, see https://example.com/kb/72"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d", res.StatusCode)
		}
		if res := agent.post(path+"/update", url.Values{"status": {"solution_proposed/replied"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("propose: %d", res.StatusCode)
		}
		proposed := stripSpaces(dana.get(path).Body)
		for _, want := range []string{
			"Support proposed a solution", `id="accept-form"`, `id="reject-form"`, "<strong>patch 7.2</strong>",
			`<a href="https://example.com/kb/72" rel="nofollow noopener">`, "closed as resolved automatically on",
		} {
			if !strings.Contains(proposed, want) {
				t.Errorf("a Solution Proposed page lacks %q", want)
			}
		}
		ro := stripSpaces(riley.get(path).Body)
		for _, no := range []string{`id="accept-form"`, `id="reject-form"`, `id="close-form"`, `id="comment-form"`, `id="escalate-form"`} {
			if strings.Contains(ro, no) {
				t.Errorf("a Read-Only contact sees %s", no)
			}
		}
		if res := riley.post(path+"/accept-solution", url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a Read-Only contact accepting: %d, want 403", res.StatusCode)
		}

		// "This didn't solve it" without words is refused beside its field.
		res := dana.post(path+"/reject-solution", url.Values{"body": {" "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="reject-body-error"`) || !regexp.MustCompile(`<textarea id="reject-body"[^>]* aria-invalid="true"`).MatchString(res.Body) {
			t.Errorf("empty reject: %d, want 422 with the message beside the field, marked invalid", res.StatusCode)
		}

		// Accept: closed as resolved, with until when it can be reopened.
		if res := dana.post(path+"/accept-solution", url.Values{"comment": {"Works now."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", res.StatusCode, res.Body)
		}
		closed := stripSpaces(dana.get(path).Body)
		for _, want := range []string{"Closed - Resolved", "Solution accepted: Works now.", `id="reopen-until"`, `id="reopen-form"`} {
			if !strings.Contains(closed, want) {
				t.Errorf("the accepted case's page lacks %q", want)
			}
		}
		if res := dana.post(path+"/accept-solution", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("accepting a closed case: %d, want back to the case with the reason", res.StatusCode)
		}
		if body := dana.get(path).Body; !strings.Contains(body, "o solution is proposed on case "+number(c.ID)) {
			t.Error("accepting a closed case does not say why it was refused")
		}
	})
}

// TestAPISolution: accept-solution and reject-solution through the API.
func TestAPISolution(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		proposed := fixture.Status(desk.StatusSolutionProposed, desk.SubReplied)
		first, second := e.fx.Case(danaUser, proposed), e.fx.Case(danaUser, proposed)
		dana := e.apiClient(e.login(danaUser))

		res := dana.apiCall("POST", "/api/v1/cases/"+number(first.ID)+"/reject-solution", map[string]any{"body": "Still silent."})
		got := decode[map[string]any](t, res)
		if res.StatusCode != http.StatusOK || got["case"].(map[string]any)["status"] != "open" {
			t.Errorf("reject: %d %v", res.StatusCode, got["case"])
		}
		wantProblem(t, dana.apiCall("POST", "/api/v1/cases/"+number(first.ID)+"/accept-solution", map[string]any{}), http.StatusConflict)

		res = dana.apiCall("POST", "/api/v1/cases/"+number(second.ID)+"/accept-solution", map[string]any{"comment": "Solved."})
		got = decode[map[string]any](t, res)
		cs := got["case"].(map[string]any)
		if res.StatusCode != http.StatusOK || cs["status"] != "closed" || cs["substatus"] != "resolved" || got["reopen_until"] == nil {
			t.Errorf("accept: %d %v reopen_until=%v", res.StatusCode, cs, got["reopen_until"])
		}
	})
}

// TestReadOnlyLandsOnGroupCases: who may not open cases lands on Group
// Cases, told how to get Designated Contact access; a Designated Contact
// lands on My Cases.
func TestReadOnlyLandsOnGroupCases(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser, rileyUser := e.fx.Contact(abc, desk.ReadWrite), e.fx.Contact(abc, desk.ReadOnly)
		riley := e.signIn(e.login(rileyUser))
		if to := riley.get("/cases").Header.Get("Location"); to != "/cases?list=group" {
			t.Errorf("a Read-Only contact is sent from /cases to %q, want Group Cases", to)
		}
		res := riley.get("/cases?list=group")
		if strings.Contains(res.Body, `<a href="/cases">`) || strings.Contains(res.Body, `<a href="/cases" `) {
			t.Error("a Read-Only contact is offered an empty My Cases")
		}
		if !strings.Contains(res.Body, `id="designated-hint"`) || strings.Contains(res.Body, `id="open-case"`) {
			t.Error("Group Cases of a Read-Only contact does not say how to get Designated Contact access instead of Open a Case")
		}
		dana := e.signIn(e.login(danaUser))
		res = dana.get("/cases")
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, `id="designated-hint"`) || !strings.Contains(res.Body, `id="open-case"`) {
			t.Errorf("a Designated Contact's My Cases: %d, or without Open a Case", res.StatusCode)
		}
	})
}
