package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
)

// runAlerts runs the pending alert job of a delivery and returns the
// alert emails queued to addr since.
func (e *env) runAlerts(d desk.KBDelivery, addr string) []desk.Notification {
	e.t.Helper()
	ctx := context.Background()
	if err := e.kb.ScheduleAlerts(ctx); err != nil {
		e.t.Fatal(err)
	}
	before, err := e.store.Notifications(ctx, addr, 500)
	if err != nil {
		e.t.Fatal(err)
	}
	j, err := e.store.PendingJob(ctx, kb.JobAlerts+":"+string(d))
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.kb.RunAlerts(ctx, j); err != nil {
		e.t.Fatal(err)
	}
	after, err := e.store.Notifications(ctx, addr, 500)
	if err != nil {
		e.t.Fatal(err)
	}
	return after[:len(after)-len(before)]
}

// TestKnowledgeAlertsPages: a Basic contact follows a query from the
// results and an item from its result, sees them in Manage Alerts,
// changes the delivery to Weekly and a description; after an editor
// updates a matching article the weekly alert email lists it (and never
// an Internal Tech Article) with links to it and to Manage Alerts; its
// stop link works without signing in. The API lists, changes and
// deletes alerts; the profile's switch subscribes to security advisories.
func TestKnowledgeAlertsPages(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		e.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		art := e.kbItem("Dropped calls after transfer", "Calls drop when the agent transfers them.", desk.KBProblemSolution, true)
		other := e.kbItem("Greeting prompts", "Record the greeting.", desk.KBQA, true)
		internal := e.kbItem("Transfer internals", "Calls drop in the transfer core.", desk.KBInternalTech, true)
		co := e.fx.Company("Basic Co")
		u := e.fx.Contact(co, desk.Basic)
		c := e.signIn(e.login(u))
		e.clock.Add(time.Hour)

		res := c.get("/knowledge?q=calls&sort=date")
		for _, want := range []string{`action="/knowledge/follow"`, `id="follow-query"`, `action="/knowledge/` + itoa(art.ID) + `/follow"`, `href="/knowledge/alerts"`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the results lack %q", want)
			}
		}
		res = c.post("/knowledge/follow", url.Values{"q": {"calls"}, "sort": {"date"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/knowledge?") {
			t.Fatalf("Follow Query: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res = c.post("/knowledge/"+itoa(other.ID)+"/follow", url.Values{"back": {"/knowledge?q=greeting"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/knowledge?q=greeting" {
			t.Fatalf("Follow: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res := c.post("/knowledge/"+itoa(internal.ID)+"/follow", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("a contact follows an Internal Tech Article: %d", res.StatusCode)
		}
		if res := c.get("/knowledge/" + itoa(other.ID)); !strings.Contains(res.Body, `action="/knowledge/`+itoa(other.ID)+`/unfollow"`) || !strings.Contains(res.Body, "Stop Following") {
			t.Errorf("the item's page does not offer Stop Following")
		}
		res = c.get("/knowledge/alerts")
		for _, want := range []string{"Manage Alerts", "<th scope=\"col\">Type</th>", "Query", "Item", `value="calls"`, "Greeting prompts", `<option value="weekly">Weekly</option>`, "Tuesday"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("Manage Alerts lacks %q", want)
			}
		}
		ids := regexp.MustCompile(`action="/knowledge/alerts/(\d+)/save"`).FindAllStringSubmatch(res.Body, -1)
		if len(ids) != 2 {
			t.Fatalf("Manage Alerts rows: %v", ids)
		}
		queryID, itemID := ids[0][1], ids[1][1]
		if res := c.post("/knowledge/alerts/"+queryID+"/save", url.Values{"delivery": {"weekly"}, "description": {"Dropped calls, all of them"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, res.Body)
		}
		if res := c.post("/knowledge/alerts/"+queryID+"/save", url.Values{"delivery": {"hourly"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Choose when the alerts go out") {
			t.Errorf("a bad delivery: %d", res.StatusCode)
		}
		res = c.get("/knowledge/alerts")
		if !strings.Contains(res.Body, `value="Dropped calls, all of them"`) || !strings.Contains(res.Body, `<option value="weekly" selected>Weekly</option>`) {
			t.Errorf("Manage Alerts does not keep the change")
		}

		e.clock.Add(time.Hour)
		ed := &desk.Actor{User: e.fx.Staff([]desk.Role{desk.RoleKnowledgeEditor})}
		if _, err := e.kb.Update(context.Background(), desk.Request{Actor: ed}, art.ID, art.Version,
			desk.KBItemInput{Source: art.Source, Type: art.Type, Title: art.Title, Body: "Calls drop on a blind transfer."}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.kb.Update(context.Background(), desk.Request{Actor: ed}, internal.ID, internal.Version,
			desk.KBItemInput{Source: internal.Source, Type: internal.Type, Title: "Transfer internals", Body: "Calls drop in the core."}, ""); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Hour)
		if got := e.runAlerts(desk.KBDaily, u.Email); len(got) != 0 {
			t.Errorf("the daily job sent a weekly alert: %+v", got)
		}
		got := e.runAlerts(desk.KBWeekly, u.Email)
		if len(got) != 1 {
			t.Fatalf("weekly alert emails: %+v", got)
		}
		m := got[0]
		if m.Kind != "kb_alert" || !strings.Contains(m.Subject, "1 item") || !strings.Contains(m.Body, "Dropped calls after transfer") ||
			!strings.Contains(m.Body, e.srv.URL+"/knowledge/"+itoa(art.ID)) || !strings.Contains(m.Body, e.srv.URL+"/knowledge/alerts") {
			t.Errorf("the alert email: %s\n%s", m.Subject, m.Body)
		}
		if strings.Contains(m.Body, "Transfer internals") {
			t.Errorf("the alert lists an Internal Tech Article to a contact")
		}
		if again := e.runAlerts(desk.KBWeekly, u.Email); len(again) != 0 {
			t.Errorf("the same update twice: %+v", again)
		}

		stop := regexp.MustCompile(`(https?://[^\s]+/knowledge/alerts/stop\?token=[A-Za-z0-9_\-]+)`).FindString(m.Body)
		if stop == "" {
			t.Fatalf("no stop link in %s", m.Body)
		}
		res = e.anonymous().get(strings.TrimPrefix(stop, e.srv.URL))
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "These alerts are stopped") {
			t.Errorf("the stop link: %d", res.StatusCode)
		}
		if res := e.anonymous().get("/knowledge/alerts/stop?token=cpk_forged"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a forged stop link: %d", res.StatusCode)
		}
		if res := c.get("/knowledge/alerts"); strings.Contains(res.Body, "/knowledge/alerts/"+queryID+"/save") || !strings.Contains(res.Body, "/knowledge/alerts/"+itemID+"/save") {
			t.Errorf("the stop link did not stop exactly that email's alerts")
		}

		// The API.
		api := e.apiClient(e.login(u))
		list := decode[[]map[string]any](t, api.apiCall("GET", "/api/v1/kb/alerts", nil))
		if len(list) != 1 || list[0]["kind"] != "item" || list[0]["title"] != "Greeting prompts" {
			t.Fatalf("GET alerts: %+v", list)
		}
		res = api.apiCall("POST", "/api/v1/kb/alerts", map[string]any{"kind": "query", "q": "greeting", "types": []string{"qa"}})
		created := decode[map[string]any](t, res)
		if res.StatusCode != http.StatusCreated || created["description"] != "greeting" || created["delivery"] != "daily" {
			t.Fatalf("POST alert: %d %s", res.StatusCode, res.Body)
		}
		id := itoa(int64(created["id"].(float64)))
		res = api.apiCall("PATCH", "/api/v1/kb/alerts/"+id, map[string]any{"delivery": "friday", "description": "Greetings"})
		if changed := decode[map[string]any](t, res); res.StatusCode != http.StatusOK || changed["delivery"] != "friday" || changed["description"] != "Greetings" || changed["query"] != created["query"] {
			t.Errorf("PATCH alert: %d %s", res.StatusCode, res.Body)
		}
		if res := api.apiCall("PATCH", "/api/v1/kb/alerts/"+id, map[string]any{"delivery": "hourly"}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("PATCH a bad delivery: %d", res.StatusCode)
		}
		if res := api.apiCall("POST", "/api/v1/kb/alerts", map[string]any{"kind": "item", "item_id": internal.ID}); res.StatusCode != http.StatusNotFound {
			t.Errorf("API follow of an Internal Tech Article: %d", res.StatusCode)
		}
		if res := api.apiCall("DELETE", "/api/v1/kb/alerts/"+id, nil); res.StatusCode != http.StatusNoContent {
			t.Errorf("DELETE alert: %d", res.StatusCode)
		}
		if res := api.apiCall("DELETE", "/api/v1/kb/alerts/"+id, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("DELETE it again: %d", res.StatusCode)
		}

		// Security advisories.
		if res := c.get("/profile"); !strings.Contains(res.Body, "Subscribe to security advisories") || strings.Contains(res.Body, `id="advisories-switch" role="switch" checked`) {
			t.Errorf("the profile lacks the advisories switch, off")
		}
		if res := c.post("/profile/advisories", url.Values{"advisories": {"on"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("subscribe: %d", res.StatusCode)
		}
		if res := c.get("/profile"); !strings.Contains(res.Body, `id="advisories-switch" role="switch" checked`) {
			t.Errorf("the switch is not on")
		}
		if got := decode[map[string]bool](t, api.apiCall("GET", "/api/v1/me/advisories", nil)); !got["subscribed"] {
			t.Errorf("API advisories: %v", got)
		}
		e.clock.Add(time.Hour)
		e.kbItem("SA-2026-02 Weak ciphers", "Disable them.", desk.KBSecurityAdvisory, true)
		e.clock.Add(time.Hour)
		got = e.runAlerts(desk.KBDaily, u.Email)
		if len(got) != 1 || !strings.Contains(got[0].Body, "SA-2026-02") {
			t.Errorf("the advisory email: %+v", got)
		}
		if res := api.apiCall("PUT", "/api/v1/me/advisories", map[string]any{"subscribed": false}); res.StatusCode != http.StatusOK {
			t.Errorf("API unsubscribe: %d", res.StatusCode)
		}
		if res := c.get("/profile"); strings.Contains(res.Body, `id="advisories-switch" role="switch" checked`) {
			t.Errorf("the switch stays on")
		}
	})
}

// TestHomeAlertUpdatesAndAdvisories: the home page lists the items
// updated for the reader's follows (a followed query and a followed item,
// never an Internal Tech Article, newest first) and suggests the security
// advisories to a Designated Contact until they subscribe, from the card
// itself; a Basic contact is not offered them.
func TestHomeAlertUpdatesAndAdvisories(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		e.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		art := e.kbItem("Dropped calls after transfer", "Calls drop when the agent transfers them.", desk.KBProblemSolution, true)
		greeting := e.kbItem("Greeting prompts", "Record the greeting.", desk.KBQA, true)
		internal := e.kbItem("Transfer internals", "Calls drop in the transfer core.", desk.KBInternalTech, true)
		co := e.fx.Company("Home Co")
		e.fx.Contract(co)
		u := e.fx.Contact(co, desk.ReadWrite)
		c := e.signIn(e.login(u))

		res := c.get("/home")
		if !strings.Contains(res.Body, `id="advisories-suggestion"`) {
			t.Error("a Designated Contact who has not subscribed is not offered the security advisories")
		}
		if !strings.Contains(res.Body, "Nothing new for your alerts in the last 30 days.") {
			t.Error("the home page without follows does not say nothing is new")
		}
		e.clock.Add(time.Hour)
		if res := c.post("/knowledge/follow", url.Values{"q": {"calls"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("Follow Query: %d", res.StatusCode)
		}
		if res := c.post("/knowledge/"+itoa(greeting.ID)+"/follow", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("Follow: %d", res.StatusCode)
		}
		if res := c.get("/home"); strings.Contains(res.Body, `href="/knowledge/`+itoa(art.ID)+`"`) {
			t.Error("an item not updated since the follow began is listed as updated")
		}

		ed := desk.Request{Actor: &desk.Actor{User: e.fx.Staff([]desk.Role{desk.RoleKnowledgeEditor})}}
		update := func(it *desk.KBItem, body string) {
			t.Helper()
			e.clock.Add(time.Hour)
			if _, err := e.kb.Update(context.Background(), ed, it.ID, it.Version,
				desk.KBItemInput{Source: it.Source, Type: it.Type, Title: it.Title, Body: body}, ""); err != nil {
				t.Fatal(err)
			}
		}
		update(greeting, "Record the greeting in WAV.")
		update(internal, "Calls drop in the core.")
		update(art, "Calls drop on a blind transfer.")
		res = c.get("/home")
		section := res.Body[strings.Index(res.Body, `id="alert-updates"`):]
		artAt, greetingAt := strings.Index(section, `href="/knowledge/`+itoa(art.ID)+`"`), strings.Index(section, `href="/knowledge/`+itoa(greeting.ID)+`"`)
		if artAt < 0 || greetingAt < 0 || artAt > greetingAt {
			t.Errorf("the home page does not list the updated items newest first (article at %d, greeting at %d)", artAt, greetingAt)
		}
		if strings.Contains(section, `href="/knowledge/`+itoa(internal.ID)+`"`) {
			t.Error("the home page lists an Internal Tech Article to a contact")
		}

		res = c.post("/profile/advisories", url.Values{"advisories": {"on"}, "from": {"home"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/home" {
			t.Fatalf("subscribing from the home page: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res := c.get("/home"); strings.Contains(res.Body, `id="advisories-suggestion"`) {
			t.Error("the home page still suggests the advisories to a subscriber")
		}

		basic := e.signIn(e.login(e.fx.Contact(co, desk.Basic)))
		if res := basic.get("/home"); res.StatusCode != http.StatusOK || strings.Contains(res.Body, `id="advisories-suggestion"`) {
			t.Errorf("a Basic contact's home page: %d, or it suggests the advisories", res.StatusCode)
		}
	})
}
