package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

var (
	summaryBlock = regexp.MustCompile(`(?s)<div class="error-summary"[^>]*>.*?</div>`)
	summaryLink  = regexp.MustCompile(`<a href="#([^"]*)">`)
	elementID    = regexp.MustCompile(`\sid="([^"]+)"`)
	fieldMessage = regexp.MustCompile(`<p class="field-error" id="([^"]+)-error">`)
)

// errorSummary checks a page that came back with errors: every id on it
// is unique, every link of its error summary points at an element of the
// page, whose message the page shows beside it (FIELD-error), and the
// summary lists them in the order the page shows those messages. It
// returns the ids the summary links to.
func errorSummary(t *testing.T, what string, res *response) []string {
	t.Helper()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("%s = %d, want 422", what, res.StatusCode)
		return nil
	}
	seen := map[string]int{}
	for _, m := range elementID.FindAllStringSubmatch(res.Body, -1) {
		seen[m[1]]++
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s: id %q is on the page %d times", what, id, n)
		}
	}
	block := summaryBlock.FindString(res.Body)
	if block == "" {
		t.Errorf("%s: no error summary", what)
		return nil
	}
	var links []string
	for _, m := range summaryLink.FindAllStringSubmatch(block, -1) {
		links = append(links, m[1])
		if seen[m[1]] != 1 {
			t.Errorf("%s: the error summary links to #%s, which is not on the page", what, m[1])
		}
		if seen[m[1]+"-error"] != 1 {
			t.Errorf("%s: the page does not show the message of #%s beside it", what, m[1])
		}
	}
	var shown []string
	for _, m := range fieldMessage.FindAllStringSubmatch(res.Body, -1) {
		shown = append(shown, m[1])
	}
	if !slices.Equal(links, shown) {
		t.Errorf("%s: the error summary lists %v, the page shows messages beside %v", what, links, shown)
	}
	return links
}

// TestErrorSummaryLinksToItsFields: on the pages with several forms (a
// case, the email templates) and on the wizard, a refused form's messages
// show beside its own fields only, the error summary lists them in the
// order of the form and links to fields that are on the page, and the form
// keeps every choice made in it: an internal note refused stays an
// internal note.
func TestErrorSummaryLinksToItsFields(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Dana, Read-Write at ABC Testing Co (a direct customer), with a
		// Medium case and a closed one; an agent; a portal admin.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		dana := e.signIn(e.login(danaUser))
		c := e.open(danaUser, desk.PriorityMedium)
		n := c.Number()
		closed := e.open(danaUser, desk.PriorityMedium)
		if err := e.svc.Cases().Close(ctx, support.Request{Actor: e.actor(danaUser.Email)}, closed.ID, desk.SubResolved, "It works again."); err != nil {
			t.Fatal(err)
		}
		agentUser := e.fx.Staff([]desk.Role{desk.RoleAgent})
		agent := e.signIn(e.login(agentUser))
		admin := e.signIn(e.staff(desk.RolePortalAdmin))

		// Escalate without a reason or details: the messages are the
		// escalation's, in its order, and not under Close's reason.
		res := dana.post("/cases/"+n+"/escalate", url.Values{"reason": {""}, "details": {""}})
		if got := errorSummary(t, "an empty escalation", res); !slices.Equal(got, []string{"escalation-reason", "escalation-details"}) {
			t.Errorf("an empty escalation: the summary links to %v", got)
		}
		// A refused close: its reason's message is under its radios only.
		res = dana.post("/cases/"+n+"/close", url.Values{"comment": {"Done here."}})
		if got := errorSummary(t, "a close without a reason", res); !slices.Equal(got, []string{"close-reason"}) {
			t.Errorf("a close without a reason: the summary links to %v", got)
		}
		if !strings.Contains(res.Body, `name="comment" rows="3" aria-describedby="close-comment-error">Done here.</textarea>`) {
			t.Error("a refused close does not keep its comment")
		}
		// With the reason chosen and the comment too long, the reason stays.
		res = dana.post("/cases/"+n+"/close", url.Values{"reason": {"cancelled"}, "comment": {strings.Repeat("c", desk.MaxComment+1)}})
		errorSummary(t, "a close with a long comment", res)
		if !strings.Contains(res.Body, `value="cancelled" id="close-reason-cancelled" checked`) {
			t.Error("a refused close does not keep the reason chosen")
		}
		// A reopen without a reason, on the closed case.
		res = dana.post("/cases/"+closed.Number()+"/reopen", url.Values{"reason": {" "}})
		if got := errorSummary(t, "a reopen without a reason", res); !slices.Equal(got, []string{"reopen-reason"}) {
			t.Errorf("a reopen without a reason: the summary links to %v", got)
		}

		// An internal note refused, empty or too long, stays an internal note.
		for what, body := range map[string]string{"empty": "", "too long": strings.Repeat("n", desk.MaxComment+1)} {
			res = agent.post("/cases/"+n+"/comments", url.Values{"visibility": {"internal"}, "body": {body}})
			if got := errorSummary(t, "an internal note "+what, res); !slices.Equal(got, []string{"body"}) {
				t.Errorf("an internal note %s: the summary links to %v", what, got)
			}
			if !strings.Contains(res.Body, `value="internal" id="visibility-internal" checked`) || strings.Contains(res.Body, `value="public" id="visibility" checked`) {
				t.Errorf("an internal note %s comes back as a public reply", what)
			}
		}
		// A public reply refused stays a public reply.
		res = agent.post("/cases/"+n+"/comments", url.Values{"visibility": {"public"}, "body": {""}})
		if errorSummary(t, "an empty reply", res); !strings.Contains(res.Body, `value="public" id="visibility" checked`) {
			t.Error("an empty public reply does not come back as a public reply")
		}
		// A refused update keeps what was chosen in it.
		res = agent.post("/cases/"+n+"/update", url.Values{
			"status": {"open/new"}, "priority": {"low"}, "severity": {"3"}, "owner": {"999999"},
			"contact": {itoa(danaUser.ID)}, "info_complete": {"on"},
		})
		if got := errorSummary(t, "an update to an unknown owner", res); !slices.Equal(got, []string{"owner"}) {
			t.Errorf("an update to an unknown owner: the summary links to %v", got)
		}
		for _, want := range []string{`<option value="low" selected>`, `<option value="3" selected>`, `id="info_complete" checked`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("a refused update does not keep %s", want)
			}
		}
		// Another form refused leaves the update form as the case is.
		res = agent.post("/cases/"+n+"/comments", url.Values{"body": {""}})
		if !strings.Contains(res.Body, `<option value="medium" selected>`) || strings.Contains(res.Body, `id="info_complete" checked`) {
			t.Error("after a refused reply the update form does not show the case as it is")
		}

		// The wizard, both steps: in the order of its fields.
		res = dana.post("/cases/new", url.Values{"summary": {""}, "description": {""}})
		if got := errorSummary(t, "an empty first step", res); !slices.Equal(got, []string{"summary", "description"}) {
			t.Errorf("an empty first step: the summary links to %v", got)
		}
		res = dana.post("/cases", url.Values{
			"summary": {"Agents stuck"}, "description": {"Agents stay in Not Ready after they log out and in again."},
			"combination": {itoa(abc.ID) + "-" + itoa(abc.ID)}, "kind": {"nope/Nothing"},
		})
		if got := errorSummary(t, "an empty second step", res); !slices.Equal(got, []string{"product", "component", "kind", "priority", "stage"}) {
			t.Errorf("an empty second step: the summary links to %v", got)
		}

		// A new company: name, Org ID, country, as the form has them.
		res = admin.post("/console/companies", url.Values{"name": {""}})
		if got := errorSummary(t, "an empty company", res); !slices.Equal(got, []string{"name", "org_id", "country"}) {
			t.Errorf("an empty company: the summary links to %v", got)
		}

		// An email template refused: the summary links to its card's field.
		res = admin.post("/console/settings/templates", url.Values{"kind": {"case_created"}, "subject": {"{{.Nope}}"}, "body": {""}})
		if got := errorSummary(t, "a broken template", res); !slices.Equal(got, []string{"subject-case_created"}) {
			t.Errorf("a broken template: the summary links to %v", got)
		}
	})
}

// TestEveryFormSummaryLinksToItsFields walks every form of the route
// table: posted empty by a portal admin who is also an agent and by a
// Designated Contact, each form that comes back refused has an error
// summary whose links point at fields on the page, in the page's order,
// and no id twice.
func TestEveryFormSummaryLinksToItsFields(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		r, danaEmail := buildRecords(e)
		who := map[string]*client{
			"a portal admin": e.signIn(e.staff(desk.RolePortalAdmin, desk.RoleAgent, desk.RoleEscalationOwner)),
			"Dana":           e.signIn(danaEmail),
		}
		checked := 0
		for _, pattern := range formRoutes(t) {
			if pattern == "/signout" || upload[pattern] {
				continue
			}
			path := e.concrete(t, r, pattern)
			for name, c := range who {
				res := c.post(path, url.Values{})
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(summaryBlock.FindString(res.Body), "<li>") {
					continue
				}
				errorSummary(t, name+" posting "+path+" empty", res)
				checked++
			}
		}
		if checked < 15 {
			t.Errorf("only %d refused forms had an error summary to check; the walk is broken", checked)
		}
	})
}
