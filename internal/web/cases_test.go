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

// TestPortalCaseJourney follows a case through the portal: the wizard, the
// lists, staff work, the customer's update, closure and reopening.
func TestPortalCaseJourney(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// ABC Testing Co, a direct customer whose contract covers SIP
		// Server: Dana opens the case (Read-Write), Riley is Read-Only,
		// Bailey Basic; Sam (Read-Write) has a case cancelled 45 days ago.
		// Northwind sells to Contoso: Pat of Northwind is Read-Write there,
		// Casey of Contoso Read-Only. Staff: an agent.
		abc, northwind, contoso := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners"), e.fx.Company("Contoso")
		sip := e.fx.Product("Signalling Server", "Call Control", "Registrar", "Media Gateway")
		e.fx.Contract(abc, fixture.Products(sip))
		contosoCombo := fixture.Combination(e.fx.Contract(contoso, fixture.PartnerOf(northwind)))
		danaEmail := e.login(e.fx.Contact(abc, desk.ReadWrite))
		rileyEmail, baileyEmail := e.login(e.fx.Contact(abc, desk.ReadOnly)), e.login(e.fx.Contact(abc, desk.Basic))
		cancelled := e.fx.Case(e.fx.Contact(abc, desk.ReadWrite), fixture.Closed(desk.SubCancelled, 45))
		patUser := e.fx.Contact(northwind, desk.NoAccess, fixture.AcceptedTerms)
		e.fx.Grant(patUser, contosoCombo, desk.ReadWrite)
		caseyUser := e.fx.Contact(contoso, desk.NoAccess)
		e.fx.Grant(caseyUser, contosoCombo, desk.ReadOnly)
		agentUser := e.fx.Staff([]desk.Role{desk.RoleAgent})
		patEmail, caseyEmail, agentEmail := e.login(patUser), e.login(caseyUser), e.login(agentUser)
		dana := e.signIn(danaEmail)

		// Step 1 refuses an empty description and keeps the summary.
		res := dana.post("/cases/new", url.Values{"summary": {"Trunk 9 drops calls"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Describe the problem") ||
			!strings.Contains(res.Body, `value="Trunk 9 drops calls"`) {
			t.Fatalf("step 1 without a description = %d; want 422 with the message and the summary kept", res.StatusCode)
		}
		// Step 2 suggests the component from the text.
		desc := "The Signalling Server call control drops every call on trunk 9 after thirty seconds since Monday."
		res = dana.post("/cases/new", url.Values{"summary": {"Trunk 9 drops calls"}, "description": {desc}})
		callControl := itoa(sip.Components[0])
		if res.StatusCode != http.StatusOK || !regexp.MustCompile(`<option value="`+callControl+`" selected>Call Control`).MatchString(res.Body) {
			t.Fatalf("step 2 = %d; want the Call Control component suggested", res.StatusCode)
		}
		form := url.Values{
			"summary": {"Trunk 9 drops calls"}, "description": {desc},
			"combination": {itoa(abc.ID) + "-" + itoa(abc.ID)},
			"product":     {itoa(sip.ID)}, "component": {callControl},
			"kind": {"support/Problem"}, "priority": {"critical"}, "stage": {"production"}, "agents_affected": {"many"},
		}
		res = dana.post("/cases", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "raised by telephone") ||
			!strings.Contains(res.Body, "from 0 to 1,000,000") {
			t.Fatalf("Critical from the portal = %d; want 422 explaining the telephone and the agents count", res.StatusCode)
		}
		form.Set("priority", "high")
		form.Set("agents_affected", "40")
		res = dana.post("/cases", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("open case = %d: %s", res.StatusCode, res.Body)
		}
		casePath := res.Header.Get("Location")
		number := strings.TrimPrefix(casePath, "/cases/")
		if len(number) != 10 {
			t.Fatalf("redirect to %q, want /cases/<10 digits>", casePath)
		}
		if mine := dana.get("/cases"); !strings.Contains(mine.Body, number) {
			t.Errorf("My Cases does not list %s", number)
		}

		// A Read-Only colleague sees the case but no controls, and may not post.
		riley := e.signIn(rileyEmail)
		page := riley.get(casePath)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Trunk 9 drops calls") {
			t.Fatalf("read-only view = %d", page.StatusCode)
		}
		for _, control := range []string{`id="comment-form"`, `id="close-form"`, `id="open-case"`} {
			if strings.Contains(page.Body, control) || strings.Contains(riley.get("/cases?list=group").Body, control) {
				t.Errorf("read-only contact sees %s", control)
			}
		}
		if res := riley.post(casePath+"/comments", url.Values{"body": {"me too"}}); res.StatusCode != http.StatusForbidden ||
			!strings.Contains(res.Body, "Read-Write") {
			t.Errorf("read-only comment = %d; want a refusal that names Read-Write access", res.StatusCode)
		}
		// Another company's contacts, and a Basic one: the case does not exist.
		for _, email := range []string{patEmail, caseyEmail, baileyEmail} {
			if res := e.signIn(email).get(casePath); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s views another company's case = %d, want 404", email, res.StatusCode)
			}
		}

		// Staff reply, note internally and propose a solution.
		agent := e.signIn(agentEmail)
		if res := agent.post(casePath+"/comments", url.Values{"body": {"Please try the patch."}, "visibility": {"public"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("staff reply = %d", res.StatusCode)
		}
		agent.post(casePath+"/comments", url.Values{"body": {"Secret: patch untested."}, "visibility": {"internal"}})
		agentID := itoa(agentUser.ID)
		res = agent.post(casePath+"/update", url.Values{"status": {"solution_proposed/replied"}, "owner": {agentID}, "priority": {"critical"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("staff update = %d: %s", res.StatusCode, res.Body)
		}
		staffView := agent.get(casePath).Body
		if !strings.Contains(staffView, "Secret: patch untested.") || !strings.Contains(staffView, "Solution Proposed - Replied") {
			t.Errorf("staff page lacks the note or the new status")
		}
		customerView := dana.get(casePath).Body
		if strings.Contains(customerView, "Secret") {
			t.Error("the customer sees the internal note")
		}
		if !strings.Contains(customerView, "Please try the patch.") || !strings.Contains(customerView, "Critical") {
			t.Error("the customer does not see the reply or the new priority")
		}

		// The customer's update returns the case to Open.
		dana.post(casePath+"/comments", url.Values{"body": {"The patch did not help."}})
		if !strings.Contains(dana.get(casePath).Body, `id="case-status">Open - Investigation`) {
			t.Error("after the customer's update the case is not Open - Investigation")
		}
		// Close needs a reason and a comment; then reopen.
		if res := dana.post(casePath+"/close", url.Values{"reason": {"resolved"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("close without a comment = %d, want 422", res.StatusCode)
		}
		if res := dana.post(casePath+"/close", url.Values{"reason": {"resolved"}, "comment": {"Fixed by the second patch."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("close = %d", res.StatusCode)
		}
		closed := dana.get(casePath).Body
		if !strings.Contains(closed, `id="reopen-form"`) || strings.Contains(closed, `id="comment-form"`) {
			t.Error("a closed case should offer Request to Re-open and no comment form")
		}
		if !strings.Contains(dana.get("/cases?list=closed").Body, number) || strings.Contains(dana.get("/cases").Body, number) {
			t.Error("the closed case should be in Closed Cases and not in My Cases")
		}
		dana.post(casePath+"/reopen", url.Values{"reason": {"It is back."}})
		if !strings.Contains(dana.get(casePath).Body, `id="case-status">Open`) {
			t.Error("reopen did not open the case")
		}

		// A case closed 45 days ago offers a linked new case instead.
		old := "/cases/" + desk.FormatCaseNumber(cancelled.ID)
		body := dana.get(old).Body
		if strings.Contains(body, `id="reopen-form"`) || !strings.Contains(body, "/cases/new?linked_case=") {
			t.Error("a case closed over 30 days ago should offer a linked new case, not reopening")
		}
		if res := dana.post(old+"/reopen", url.Values{"reason": {"again"}}); res.StatusCode != http.StatusSeeOther ||
			!strings.Contains(dana.get(old).Body, "more than 30 days") {
			t.Error("reopening an old case should be refused with the 30-day reason")
		}
	})
}

// TestCaseListSearchAndPaging: the group's cases page by page, found by a
// keyword or by a case number.
func TestCaseListSearchAndPaging(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// ABC Testing Co with Dana (Read-Write) and four open cases of
		// hers: one about routing and agent proficiency, one about an
		// empty historical report, two others.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		about := func(summary, description string) func(*desk.Case) {
			return func(c *desk.Case) { c.Summary, c.Description = summary, description }
		}
		e.fx.Case(danaUser, about("Skill-based routing ignores agent proficiency",
			"Calls for the Spanish skill go to agents with proficiency 1 while agents with proficiency 10 are idle."))
		report := e.fx.Case(danaUser, about("Historical report for October is empty",
			"The monthly historical report for October shows no rows although the dashboards showed traffic all month."))
		e.fx.Case(danaUser)
		e.fx.Case(danaUser)
		dana := e.signIn(e.login(danaUser))

		group := dana.get("/cases?list=group&size=2")
		if strings.Count(group.Body, `data-label="Case"`) != 2 || !strings.Contains(group.Body, `rel="next"`) {
			t.Fatalf("group cases with size 2: want 2 rows and an Older link")
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(group.Body)
		page2 := dana.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		if strings.Count(page2.Body, `data-label="Case"`) != 2 {
			t.Errorf("page 2 has %d rows, want 2", strings.Count(page2.Body, `data-label="Case"`))
		}
		if res := dana.get("/cases?list=group&q=proficiency"); !strings.Contains(res.Body, "Skill-based routing") || strings.Contains(res.Body, "Historical report") {
			t.Error("keyword search for proficiency should find only the routing case")
		}
		if res := dana.get("/cases?list=group&q=" + number(report.ID)); !strings.Contains(res.Body, "Historical report") || strings.Count(res.Body, `data-label="Case"`) != 1 {
			t.Error("search by case number should find exactly that case")
		}
		if res := dana.get("/cases?list=group&after=garbage"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("a malformed cursor = %d, want a redirect to the first page", res.StatusCode)
		}
		if res := dana.get("/cases/12ab"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a malformed case number = %d, want 404", res.StatusCode)
		}
	})
}

// TestOverLongSearchOnTheList: a search too long for the lists is refused
// beside the search box of the list page (My Cases, the queue), with what
// was typed kept, rather than on a bare error page.
func TestOverLongSearchOnTheList(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		c := e.fx.Case(danaUser)
		long := strings.Repeat("trunk ", 200) // 1200 characters
		for who, page := range map[*client]string{e.signIn(e.login(danaUser)): "/cases", e.signIn(e.staff(desk.RoleAgent)): "/console"} {
			res := who.get(page + "?q=" + url.QueryEscape(long))
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s with a long search = %d, want 422", page, res.StatusCode)
			}
			for _, want := range []string{`id="q-error">Use at most 1000 characters (you used 1200).`, `<a href="#q">`, `role="search"`, number(c.ID), `value="` + long} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("%s with a long search: the list page does not show %.60q", page, want)
				}
			}
			if strings.Contains(res.Body, "Invalid input") {
				t.Errorf("%s with a long search shows Go's error", page)
			}
		}
	})
}
