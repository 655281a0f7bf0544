package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// The bell: staff see how many notifications they have not read in the
// header of every page; the list opens a case and marks it read, or all;
// the profile chooses which kinds are also emailed.
func TestNotificationsBell(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		co := e.fx.Company("Fabrikam Ltd")
		e.fx.Contract(co)
		contact := e.fx.Contact(co, desk.ReadWrite)
		customer := e.signIn(e.login(contact))
		c1, c2 := e.open(contact, desk.PriorityHigh), e.open(contact, desk.PriorityLow)
		agentUser := e.fx.Staff([]desk.Role{desk.RoleAgent})
		agent := e.signIn(e.login(agentUser))
		lead := e.signIn(e.login(e.fx.Staff([]desk.Role{desk.RoleProductSupportManager})))

		if res := lead.post("/console/bulk", url.Values{"case": {itoa(c1.ID), itoa(c2.ID)}, "action": {"assign"}, "bulk_owner": {itoa(agentUser.ID)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("assign = %d", res.StatusCode)
		}
		bell := regexp.MustCompile(`<a class="bell" href="/console/notifications" aria-label="Notifications: (\d+) unread">`)
		res := agent.get("/console")
		if m := bell.FindStringSubmatch(res.Body); m == nil || m[1] != "2" || !strings.Contains(res.Body, `<span class="bell-count" aria-hidden="true">2</span>`) {
			t.Fatalf("the bell after two assignments: %v", m)
		}
		if strings.Contains(customer.get("/cases").Body, `class="bell"`) {
			t.Error("a customer has the console's bell")
		}

		list := agent.get("/console/notifications")
		if n := strings.Count(list.Body, `class="notice-item notice-unread"`); n != 2 {
			t.Errorf("the list shows %d unread notifications, want 2", n)
		}
		// Each notification is headed by what happened, not by the
		// profile's choice of email.
		if n := strings.Count(list.Body, `<strong data-event="assigned">Assigned to you</strong>`); n != 2 {
			t.Errorf("the list heads %d notifications Assigned to you, want 2", n)
		}
		if strings.Contains(list.Body, desk.NoticeAssigned.Label()) {
			t.Errorf("the list heads a notification with the profile's %q", desk.NoticeAssigned.Label())
		}
		ids := regexp.MustCompile(`action="/console/notifications/(\d+)/read"><input type="hidden" name="open" value="` + c2.Number() + `"`).FindStringSubmatch(list.Body)
		if ids == nil {
			t.Fatal("no notification opens case " + c2.Number())
		}
		res = agent.post("/console/notifications/"+ids[1]+"/read", url.Values{"open": {c2.Number()}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/cases/"+c2.Number() {
			t.Errorf("open from a notification = %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if m := bell.FindStringSubmatch(agent.get("/console").Body); m == nil || m[1] != "1" {
			t.Errorf("the bell after opening one: %v", m)
		}
		if res := agent.post("/console/notifications/read", nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("mark all read = %d", res.StatusCode)
		}
		if m := bell.FindStringSubmatch(agent.get("/console").Body); m == nil || m[1] != "0" {
			t.Errorf("the bell after marking all read: %v", m)
		}
		if res := lead.post("/console/notifications/"+ids[1]+"/read", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("another's notification read = %d, want 404", res.StatusCode)
		}

		// The customer writes on a case the agent owns: a Customer update,
		// in the list and in the API.
		if res := customer.post("/cases/"+c1.Number()+"/comments", url.Values{"body": {"Still failing."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("customer comment = %d", res.StatusCode)
		}
		if body := agent.get("/console/notifications").Body; !strings.Contains(body, `<strong data-event="customer_update">Customer update</strong>`) || strings.Contains(body, desk.NoticeCustomerUpdate.Label()) {
			t.Error("the customer's update is not headed Customer update")
		}
		type apiNotice struct {
			Kind      string `json:"kind"`
			Event     string `json:"event"`
			EventName string `json:"event_name"`
		}
		api := decode[struct {
			Notices []apiNotice `json:"notices"`
		}](t, e.apiClient(e.login(agentUser)).apiCall("GET", "/api/v1/notifications", nil))
		if len(api.Notices) != 3 || api.Notices[0].Event != "customer_update" || api.Notices[0].EventName != "Customer update" || api.Notices[0].Kind != "customer_update" ||
			api.Notices[2].EventName != "Assigned to you" {
			t.Errorf("the API's notifications: %+v", api.Notices)
		}

		// The profile: every kind ticked by default; untick one.
		prof := agent.get("/profile")
		if n := strings.Count(prof.Body, `name="email" value=`); n != len(desk.NoticeKinds) {
			t.Fatalf("the profile offers %d kinds of email, want %d", n, len(desk.NoticeKinds))
		}
		if !strings.Contains(prof.Body, `value="assigned" checked`) {
			t.Error("assignments are not emailed by default")
		}
		if res := agent.post("/profile/notices", url.Values{"email": {"escalation", "sla"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save email choices = %d", res.StatusCode)
		}
		prof = agent.get("/profile")
		if strings.Contains(prof.Body, `value="assigned" checked`) || !strings.Contains(prof.Body, `value="sla" checked`) {
			t.Error("the email choices did not stay as saved")
		}
		if strings.Contains(customer.get("/profile").Body, `id="notices"`) {
			t.Error("a customer's profile offers the console's notifications")
		}
	})
}
