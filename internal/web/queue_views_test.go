package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// viewCount reads the count a view's link shows in the queue's sidebar.
func viewCount(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<span class="view-name">` + regexp.QuoteMeta(name) + `</span>\s*<span class="badge view-count" data-count="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no view %q in the sidebar", name)
	}
	return m[1]
}

// The queue's views: the built-in ones with their counts, personal views
// any agent saves and deletes, shared views only product support
// managers and portal admins save or delete, and the deadline column,
// which shows every open case, a case without a clock too.
func TestQueueViewsOnThePage(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		co := e.fx.Company("Fabrikam Ltd")
		e.fx.Contract(co)
		contact := e.fx.Contact(co, desk.ReadWrite)
		e.login(contact)
		for range 3 {
			e.open(contact, desk.PriorityHigh) // with its clocks
		}
		e.fx.Case(contact) // no clock at all
		agentEmail := e.login(e.fx.Staff([]desk.Role{desk.RoleAgent}))
		otherEmail := e.login(e.fx.Staff([]desk.Role{desk.RoleAgent}))
		psmEmail := e.login(e.fx.Staff([]desk.Role{desk.RoleProductSupportManager}))
		agent, other, psm := e.signIn(agentEmail), e.signIn(otherEmail), e.signIn(psmEmail)

		res := agent.get("/console")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("the queue = %d", res.StatusCode)
		}
		for name, want := range map[string]string{"My open cases": "0", "Unassigned": "4", "Escalated": "0", "Awaiting customer": "0"} {
			if got := viewCount(t, res.Body, name); got != want {
				t.Errorf("view %s counts %s, want %s", name, got, want)
			}
		}
		if n := strings.Count(res.Body, "deadline-running"); n != 3 {
			t.Errorf("%d cases show a running clock, want 3", n)
		}
		if !strings.Contains(res.Body, `<span class="badge deadline-none">No clock</span>`) {
			t.Error("the case without a clock does not say so")
		}
		if strings.Contains(res.Body, `name="shared"`) {
			t.Error("an agent is offered to share a view")
		}

		// The deadline order keeps the case without a clock, last.
		res = agent.get("/console?sort=deadline")
		if !strings.Contains(res.Body, "deadline-none") {
			t.Error("the deadline order hides the case without a clock")
		}
		if !regexp.MustCompile(`<th aria-sort="ascending"><a class="sort-link" href="[^"]*">Next SLA deadline`).MatchString(res.Body) {
			t.Error("the deadline column is not marked as the order")
		}
		if !strings.Contains(res.Body, `href="/console?sort=-number"`) {
			t.Error("the case column does not link to the newest case first")
		}

		// A personal view, saved from the queue's query.
		res = agent.post("/console/views?owner=none&sort=deadline", url.Values{"name": {"Fresh work"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console?owner=none&sort=deadline" {
			t.Fatalf("save a view = %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		res = agent.get("/console?sort=deadline&owner=none")
		if got := viewCount(t, res.Body, "Fresh work"); got != "4" {
			t.Errorf("the saved view counts %s, want 4", got)
		}
		if !regexp.MustCompile(`<a class="view-link" href="/console\?owner=none&amp;sort=deadline" aria-current="page">`).MatchString(res.Body) {
			t.Error("the saved view is not marked as the one shown")
		}
		if strings.Contains(other.get("/console").Body, "Fresh work") {
			t.Error("another agent sees a personal view")
		}
		for name, form := range map[string]url.Values{
			"no name":   {"name": {" "}},
			"same name": {"name": {"Fresh work"}},
			"a shared":  {"name": {"Team"}, "shared": {"on"}},
			"bad text":  {"name": {"a\x00b"}},
		} {
			res := agent.post("/console/views?owner=me", form)
			want := http.StatusUnprocessableEntity
			if name == "a shared" {
				want = http.StatusForbidden
			}
			if res.StatusCode != want {
				t.Errorf("save a view with %s = %d, want %d", name, res.StatusCode, want)
			}
			if want == http.StatusUnprocessableEntity && !strings.Contains(res.Body, `id="name-error"`) {
				t.Errorf("save a view with %s: no message beside the name", name)
			}
		}

		// A shared view: every staff member sees it; only the manager may
		// delete it.
		if res := psm.post("/console/views?escalated=on", url.Values{"name": {"Team escalations"}, "shared": {"on"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a manager shares a view = %d", res.StatusCode)
		}
		res = agent.get("/console")
		if got := viewCount(t, res.Body, "Team escalations"); got != "0" {
			t.Errorf("the shared view counts %s, want 0", got)
		}
		ids := regexp.MustCompile(`action="/console/views/(\d+)/delete`).FindAllStringSubmatch(res.Body, -1)
		if len(ids) != 1 {
			t.Fatalf("the agent may delete %d views, want 1 (their own)", len(ids))
		}
		own := ids[0][1]
		shared := regexp.MustCompile(`action="/console/views/(\d+)/delete`).FindAllStringSubmatch(psm.get("/console").Body, -1)
		if len(shared) != 1 || shared[0][1] == own {
			t.Fatalf("the manager may delete %v, want the shared view alone", shared)
		}
		if res := agent.post("/console/views/"+shared[0][1]+"/delete", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent deletes a shared view = %d, want 403", res.StatusCode)
		}
		if res := other.post("/console/views/"+own+"/delete", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("another agent deletes a personal view = %d, want 404", res.StatusCode)
		}
		if res := agent.post("/console/views/"+own+"/delete?owner=none", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console?owner=none" {
			t.Errorf("delete one's own view = %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if strings.Contains(agent.get("/console").Body, "Fresh work") {
			t.Error("the deleted view is still shown")
		}

		// The API: the same views and counts, and saving one.
		api := e.apiClient(agentEmail)
		views := decode[[]struct {
			Key    string `json:"key"`
			Name   string `json:"name"`
			Count  int    `json:"count"`
			Shared bool   `json:"shared"`
		}](t, api.apiCall("GET", "/api/v1/queue/views", nil))
		got := map[string]int{}
		for _, v := range views {
			got[v.Name] = v.Count
		}
		if got["Unassigned"] != 4 || got["Team escalations"] != 0 || len(views) != len(desk.BuiltInViews)+1 {
			t.Errorf("API views = %+v", views)
		}
		if res := api.apiCall("POST", "/api/v1/queue/views", map[string]any{"name": "High", "query": "?priority=high"}); res.StatusCode != http.StatusCreated {
			t.Errorf("API save a view = %d %s", res.StatusCode, res.Body)
		}
		if res := api.apiCall("POST", "/api/v1/queue/views", map[string]any{"name": "Shared", "query": "", "shared": true}); res.StatusCode != http.StatusForbidden {
			t.Errorf("API: an agent shares a view = %d, want 403", res.StatusCode)
		}
		if res := agent.get("/console"); viewCount(t, res.Body, "High") != "3" {
			t.Error("the view saved through the API does not count the High cases")
		}
	})
}

// TestQueueFiltersKeepTheView: the filter form holds every part of a
// view's query, so pressing Filter on a view narrows it and drops
// nothing: both statuses of Awaiting customer, Escalated, the deadline
// window of Breaching within 2 hours.
func TestQueueFiltersKeepTheView(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		agent := e.signIn(e.login(e.fx.Staff([]desk.Role{desk.RoleAgent})))
		page := agent.get("/console?status=awaiting_information&status=solution_proposed").Body
		for _, want := range []string{
			`<select id="status" name="status" multiple size="5">`,
			`<option value="awaiting_information" selected>`, `<option value="solution_proposed" selected>`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("Awaiting customer's filters lack %s", want)
			}
		}
		if page := agent.get("/console?status=open").Body; !strings.Contains(page, `<select id="status" name="status"><option`) || !strings.Contains(page, `<option value="open" selected>`) {
			t.Error("one status is not one choice of a plain select")
		}
		if page := agent.get("/console?escalated=on").Body; !strings.Contains(page, `id="escalated" name="escalated" checked`) {
			t.Error("the Escalated view's filter is not ticked")
		}
		if page := agent.get("/console?due=2h&sort=deadline").Body; !strings.Contains(page, `<input type="hidden" name="due" value="2h">`) {
			t.Error("Breaching within 2 hours loses its window in the filter form")
		}
	})
}
