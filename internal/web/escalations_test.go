package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

func TestEscalationPages(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// ABC Testing Co, a direct customer with an active contract: Dana
		// (Read-Write) opens a High and a Medium case, Riley is Read-Only.
		// Staff: an agent and an escalation owner (also an agent).
		abc := e.fx.Company("ABC Testing Co")
		combo := fixture.Combination(e.fx.Contract(abc))
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		danaEmail, rileyEmail := e.login(danaUser), e.login(e.fx.Contact(abc, desk.ReadOnly))
		agentEmail, ownerEmail := e.staff(desk.RoleAgent), e.staff(desk.RoleEscalationOwner, desk.RoleAgent)
		high, medium := e.openCase(danaUser, combo, desk.PriorityHigh).Number(), e.openCase(danaUser, combo, desk.PriorityMedium).Number()
		dana := e.signIn(danaEmail)
		if res := dana.get("/cases/" + high); !strings.Contains(res.Body, `id="escalate-why"`) || !strings.Contains(res.Body, "24 hours") {
			t.Error("a fresh High case does not explain why it cannot be escalated")
		}
		res := dana.post("/cases/"+medium+"/escalate", url.Values{"reason": {"business_impact"}, "details": {""}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="escalation-details-error"`) {
			t.Fatalf("escalation without details = %d", res.StatusCode)
		}
		res = dana.post("/cases/"+medium+"/escalate", url.Values{"reason": {"business_impact"}, "details": {"All agents affected."}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("escalate = %d: %s", res.StatusCode, res.Body)
		}
		page := dana.get("/cases/" + medium).Body
		if !strings.Contains(page, `id="escalated"`) || !strings.Contains(page, "Waiting for review") || strings.Contains(page, `id="escalate-form"`) {
			t.Error("the escalated case does not show the escalation, or still offers to escalate")
		}
		if res := e.signIn(rileyEmail).get("/cases/" + medium); !strings.Contains(res.Body, "Waiting for review") || strings.Contains(res.Body, `id="escalation-note-form"`) {
			t.Error("a Read-Only contact does not see the escalation, or may write to it")
		}

		if res := e.signIn(agentEmail).get("/console/escalations"); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent's escalation queue = %d, want 403", res.StatusCode)
		}
		if res := dana.get("/console/escalations"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a contact's escalation queue = %d, want 404", res.StatusCode)
		}
		owner := e.signIn(ownerEmail)
		if res := owner.get("/console/escalations"); !strings.Contains(res.Body, medium) {
			t.Error("the escalation queue does not list the case")
		}
		if res := owner.post("/cases/"+medium+"/escalation/accept", url.Values{"text": {"An engineer joins today."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept = %d: %s", res.StatusCode, res.Body)
		}
		if res := dana.get("/cases/" + medium); !strings.Contains(res.Body, "An engineer joins today.") {
			t.Error("the customer does not see the next steps")
		}

		// The API: the view, a refused escalation with its reason, the queue.
		api := e.apiClient(danaEmail)
		v := decode[struct {
			Current struct {
				State string `json:"state"`
			} `json:"current"`
			CanEscalate bool `json:"can_escalate"`
		}](t, api.apiCall("GET", "/api/v1/cases/"+medium+"/escalation", nil))
		if v.Current.State != "accepted" || v.CanEscalate {
			t.Errorf("API view %+v", v)
		}
		p := wantProblem(t, api.apiCall("POST", "/api/v1/cases/"+high+"/escalation", map[string]any{"reason": "no_progress", "details": "Hurry."}), http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || !strings.Contains(p.Errors[0].Message, "24 hours") {
			t.Errorf("API refusal %+v", p)
		}
		ownerAPI := e.apiClient(ownerEmail)
		if q := decode[[]map[string]any](t, ownerAPI.apiCall("GET", "/api/v1/escalations", nil)); len(q) != 1 {
			t.Errorf("API queue has %d", len(q))
		}
		if res := ownerAPI.apiCall("POST", "/api/v1/cases/"+medium+"/escalation/close", map[string]any{"text": "Done."}); res.StatusCode != http.StatusOK {
			t.Errorf("API close = %d: %s", res.StatusCode, res.Body)
		}
	})
}

// TestFollowAndTemplatePages: the Follow button, and the template page.
func TestFollowAndTemplatePages(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// A colleague's case Riley (Read-Only) may follow; another
		// company's contact may not.
		abc, other := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners")
		e.fx.Contract(abc)
		e.fx.Contract(other)
		rileyEmail := e.login(e.fx.Contact(abc, desk.ReadOnly))
		riley := e.signIn(rileyEmail)
		n := number(e.fx.Case(e.fx.Contact(abc, desk.ReadWrite)).ID)
		if res := riley.get("/cases/" + n); !strings.Contains(res.Body, `id="follow"`) {
			t.Fatal("no Follow button")
		}
		if res := riley.post("/cases/"+n+"/follow", url.Values{"follow": {"on"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("follow = %d", res.StatusCode)
		}
		if res := riley.get("/cases/" + n); !strings.Contains(res.Body, `id="unfollow"`) {
			t.Error("no Unfollow button after following")
		}
		if res := e.signIn(e.login(e.fx.Contact(other, desk.ReadWrite))).post("/cases/"+n+"/follow", url.Values{"follow": {"on"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("another company following = %d", res.StatusCode)
		}
		if res := e.apiClient(rileyEmail).apiCall("DELETE", "/api/v1/cases/"+n+"/follow", nil); res.StatusCode != http.StatusNoContent {
			t.Errorf("API unfollow = %d", res.StatusCode)
		}
		admin := e.signIn(e.staff(desk.RolePortalAdmin))
		if res := admin.get("/console/settings/templates"); !strings.Contains(res.Body, "case_reply") {
			t.Error("the template page does not list the kinds")
		}
		res := admin.post("/console/settings/templates", url.Values{"kind": {"case_reply"}, "body": {"{{.Broken"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "does not work") {
			t.Errorf("a broken template = %d", res.StatusCode)
		}
		if res := admin.post("/console/settings/templates", url.Values{"kind": {"case_reply"}, "body": {"Hi {{.FirstName}}: {{.Text}}"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("save template = %d", res.StatusCode)
		}
	})
}

// TestTemplateErrorsInWords: an email template refused says in the
// catalogue's words what is wrong, and which fields there are, never
// text/template's own message.
func TestTemplateErrorsInWords(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		admin := e.signIn(e.staff(desk.RolePortalAdmin))
		fields := ".FirstName, .Name, .Email, .Subject, .Text, .Link, .CaseNumber, .CaseSummary, .PortalURL"
		for _, tt := range []struct{ field, tmpl, want string }{
			{"subject", "{{.Nope}}", "The template does not work: the emails have no field .Nope; the fields are " + fields + "."},
			{"subject", "Hi {{if .Name}}{{.Nop}}{{end}}", "the emails have no field .Nop;"},
			{"body", "Line one\n{{.Broken", "The template does not work: line 2 cannot be read; write each field as {{.FirstName}}, with two braces on each side."},
			{"subject", "{{nope .Name}}", "line 1 cannot be read"},
			{"subject", "{{range .Name}}{{end}}", "The template does not work on a sample email; write the fields as they are: " + fields + "."},
		} {
			tmpl, want := tt.tmpl, tt.want
			res := admin.post("/console/settings/templates", url.Values{"kind": {"sla_breached"}, tt.field: {tmpl}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, html.EscapeString(want)) {
				t.Errorf("the template %q = %d, want 422 saying %q", tmpl, res.StatusCode, want)
			}
			for _, goWords := range []string{"can&#39;t evaluate", "executing", "support.MailData", "template: mail"} {
				if strings.Contains(res.Body, goWords) {
					t.Errorf("the template %q is refused in text/template's words (%s)", tmpl, goWords)
				}
			}
		}
	})
}

// TestEscalationDateWrittenOnce: the case header's badge and the
// escalation box's sentence write the day of the escalation the same way.
func TestEscalationDateWrittenOnce(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		e.clock.Set(time.Date(2026, time.December, 1, 17, 3, 0, 0, time.UTC))
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		n := e.open(danaUser, desk.PriorityMedium).Number()
		dana := e.signIn(e.login(danaUser))
		if res := dana.post("/cases/"+n+"/escalate", url.Values{"reason": {"business_impact"}, "details": {"All agents affected."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("escalate = %d", res.StatusCode)
		}
		body := dana.get("/cases/" + n).Body
		for _, want := range []string{">Escalated on 1 December 2026</span>", "already escalated on 1 December 2026;"} {
			if !strings.Contains(body, want) {
				t.Errorf("the escalated case does not say %q", want)
			}
		}
	})
}
