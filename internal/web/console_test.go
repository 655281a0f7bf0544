package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// consolePages are the console's pages, for the tests that walk them all.
func consolePages(e *env) []string {
	return []string{
		"/console", "/console/caller", "/console/companies", "/console/companies/" + itoa(e.world.ABC),
		"/console/contracts/new?company=" + itoa(e.world.ABC), "/console/contacts/new?company=" + itoa(e.world.ABC),
		"/console/products", "/console/staff", "/console/audit", "/console/outbox", "/console/settings/email",
		"/console/settings/files", "/console/jobs",
		"/console/import",
	}
}

func TestConsoleClosedToContacts(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, e *env) {
		for _, who := range []string{demo.Designated, demo.ReadOnly, demo.Partner} {
			c := e.signIn(who)
			for _, path := range consolePages(e) {
				if res := c.get(path); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s GET %s = %d, want 404", who, path, res.StatusCode)
				}
			}
			form := url.Values{"name": {"Evil Co"}, "org_id": {"ORG-666"}, "country": {"US"}}
			if res := c.post("/console/companies", form); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s creating a company = %d, want 404", who, res.StatusCode)
			}
			if res := c.post("/console/caller", url.Values{"pin": {"123456"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s verifying a caller = %d, want 404", who, res.StatusCode)
			}
		}
	})
}

func TestConsolePagesForStaff(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, e *env) {
		for _, who := range []string{demo.Agent, demo.Admin} {
			c := e.signIn(who)
			for _, path := range consolePages(e) {
				res := c.get(path)
				want := http.StatusOK
				if who == demo.Agent && (strings.HasPrefix(path, "/console/audit") || strings.HasPrefix(path, "/console/outbox") ||
					strings.HasPrefix(path, "/console/import") || strings.HasPrefix(path, "/console/settings") ||
					strings.HasPrefix(path, "/console/jobs")) {
					want = http.StatusForbidden
				}
				if res.StatusCode != want {
					t.Errorf("%s GET %s = %d, want %d", who, path, res.StatusCode, want)
				}
			}
		}
		// An agent may look at accounts but not change them.
		agent := e.signIn(demo.Agent)
		if res := agent.get("/console/companies/" + itoa(e.world.ABC)); strings.Contains(res.Body, `id="company-form"`) {
			t.Error("an agent is offered the company form")
		}
		if res := agent.post("/console/companies", url.Values{"name": {"Agent Co"}, "org_id": {"ORG-777"}, "country": {"US"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent creating a company = %d, want 403", res.StatusCode)
		}
		riley := userID(t, e, demo.ReadOnly)
		agent.post("/console/contacts/"+itoa(riley)+"/grants", url.Values{"combination": {itoa(e.world.ABC) + "-" + itoa(e.world.ABC)}, "level": {"read_write"}})
		gs, err := e.store.Grants(context.Background(), store.GrantFilter{ContactID: riley})
		if err != nil || len(gs) != 1 || gs[0].Level != desk.ReadOnly {
			t.Errorf("after an agent tried to grant Read-Write, Riley's grants are %+v, %v", gs, err)
		}
	})
}

func userID(t *testing.T, e *env, email string) int64 {
	t.Helper()
	u, err := e.store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestConsoleCallerVerification(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, e *env) {
		dana, err := e.store.UserByEmail(context.Background(), demo.Designated)
		if err != nil {
			t.Fatal(err)
		}
		agent := e.signIn(demo.Agent)
		res := agent.post("/console/caller", url.Values{"pin": {dana.PIN}})
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Dana Designated") || !strings.Contains(res.Body, `id="caller-designated"><span class="badge badge-ok">Yes`) {
			t.Fatalf("verify Dana's PIN = %d, want her as a Designated Contact", res.StatusCode)
		}
		if strings.Contains(res.Body, dana.PIN) {
			t.Error("the answer repeats the PIN")
		}
		riley, _ := e.store.UserByEmail(context.Background(), demo.ReadOnly)
		if res := agent.post("/console/caller", url.Values{"pin": {riley.PIN}}); !strings.Contains(res.Body, "This caller cannot open or change cases") {
			t.Error("a Read-Only caller is not shown as not designated")
		}
		wrong := "000000"
		if dana.PIN == wrong || riley.PIN == wrong {
			wrong = "999999"
		}
		if res := agent.post("/console/caller", url.Values{"pin": {wrong}}); res.StatusCode != http.StatusNotFound || !strings.Contains(res.Body, "No contact has this PIN") {
			t.Errorf("unknown PIN = %d, want 404 with the message", res.StatusCode)
		}
		if res := agent.post("/console/caller", url.Values{"pin": {"12ab"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("malformed PIN = %d, want 422", res.StatusCode)
		}
		n := number(e.world.Cases["abc-new"])
		if res := agent.post("/console/caller/case", url.Values{"number": {n}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/cases/"+n {
			t.Errorf("open case by number = %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		for _, bad := range []string{"42", "9999999999"} {
			if res := agent.post("/console/caller/case", url.Values{"number": {bad}}); res.StatusCode == http.StatusSeeOther {
				t.Errorf("open case %q redirected", bad)
			}
		}
	})
}

func TestConsoleAccounts(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, e *env) {
		admin := e.signIn(demo.Admin)

		// A company: a bad form saves nothing; a good one is created.
		if res := admin.post("/console/companies", url.Values{"name": {""}, "org_id": {"ORG-1001"}, "country": {"US"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="name-error"`) {
			t.Fatalf("bad company = %d, want 422 on the name", res.StatusCode)
		}
		res := admin.post("/console/companies", url.Values{"name": {"Tailspin Toys"}, "org_id": {"ORG-4001"}, "country": {"Canada"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create company = %d: %s", res.StatusCode, res.Body)
		}
		companyPath := res.Header.Get("Location")
		companyID := strings.TrimPrefix(companyPath, "/console/companies/")
		if res := admin.post("/console/companies", url.Values{"name": {"Tailspin Again"}, "org_id": {"ORG-4001"}, "country": {"Canada"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("duplicate Org ID = %d, want 422", res.StatusCode)
		}
		if res := admin.post(companyPath, url.Values{"name": {"Tailspin Toys Ltd"}, "org_id": {"ORG-4001"}, "country": {"Canada"}, "parent": {"0"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("edit company = %d", res.StatusCode)
		}

		// A contract: a bad date saves nothing.
		contract := url.Values{
			"number": {"SC-4001"}, "sold_to": {companyID}, "end_user": {companyID}, "support_owner": {"0"},
			"level": {"premium_care"}, "deployment": {"cloud"}, "state": {"active"},
			"starts": {"2026-01-01"}, "ends": {"31/12/2027"}, "products": {itoa(e.world.Products["IVR"])},
			"flex_care": {"technical_account_manager"},
		}
		if res := admin.post("/console/contracts", contract); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="ends-error"`) {
			t.Fatalf("bad end date = %d, want 422 on ends", res.StatusCode)
		}
		if res := admin.get(companyPath); strings.Contains(res.Body, "SC-4001") {
			t.Fatal("a contract with a bad date was saved")
		}
		contract.Set("ends", "2027-12-31")
		if res := admin.post("/console/contracts", contract); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create contract = %d: %s", res.StatusCode, res.Body)
		}
		res = admin.get(companyPath)
		if !strings.Contains(res.Body, "SC-4001") || !strings.Contains(res.Body, "Technical Account Manager") {
			t.Error("the company page does not show the new contract")
		}
		// No Designated Contact and no approver yet: the page warns.
		if strings.Count(res.Body, `class="callout callout-warning company-warning"`) != 2 {
			t.Error("the company page does not warn about Designated Contacts and approvers")
		}

		// A contact: free mail refused per field; then created.
		person := url.Values{"first_name": {"Tia"}, "last_name": {"Tail"}, "email": {"tia@gmail.com"}, "company": {companyID}, "country": {"Canada"}}
		if res := admin.post("/console/contacts", person); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="email-error"`) {
			t.Fatalf("free-mail contact = %d, want 422 on the email", res.StatusCode)
		}
		person.Set("email", "tia.tail@tailspin.example")
		res = admin.post("/console/contacts", person)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create contact = %d: %s", res.StatusCode, res.Body)
		}
		contactPath := res.Header.Get("Location")
		contactID := strings.TrimPrefix(contactPath, "/console/contacts/")
		if res := admin.get(contactPath); res.StatusCode != http.StatusOK || regexp.MustCompile(`\b\d{6}\b`).MatchString(stripTags(res.Body)) {
			t.Errorf("contact page = %d, or it shows a six-digit number (a PIN?)", res.StatusCode)
		}
		combo := companyID + "-" + companyID
		if res := admin.post(contactPath+"/grants", url.Values{"combination": {combo}, "level": {"read_write"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("grant = %d: %s", res.StatusCode, res.Body)
		}
		res = admin.get(contactPath)
		if !strings.Contains(res.Body, `<span class="effective-level">Read-Only</span>`) {
			t.Error("a Read-Write grant without the terms does not show as counting Read-Only")
		}
		if res := admin.post(companyPath+"/approvers", url.Values{"contact": {contactID}, "on": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("make approver = %d", res.StatusCode)
		}
		if res := admin.get(companyPath); strings.Count(res.Body, "company-warning") != 1 {
			t.Error("with an approver the company page should warn only about Designated Contacts")
		}
		// An approver must work for the Sold To.
		if res := admin.post(companyPath+"/approvers", url.Values{"contact": {itoa(userID(t, e, demo.Designated))}, "on": {"1"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("approver from another company = %d, want 422", res.StatusCode)
		}

		// The partner rule: an End User's employee cannot be Read-Write
		// on the partner's combination.
		casey := itoa(userID(t, e, demo.EndUserRO))
		res = admin.post("/console/contacts/"+casey+"/grants", url.Values{"combination": {itoa(e.world.Northwind) + "-" + itoa(e.world.Contoso)}, "level": {"read_write"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="level-error"`) {
			t.Errorf("partner rule = %d, want 422 on the level", res.StatusCode)
		}
		// Fewer than two Designated Contacts at ABC once Sam loses his grant.
		sam := itoa(userID(t, e, demo.Designated2))
		if res := admin.post("/console/contacts/"+sam+"/grants", url.Values{"combination": {itoa(e.world.ABC) + "-" + itoa(e.world.ABC)}, "level": {"none"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove grant = %d", res.StatusCode)
		}
		if res := admin.get("/console/companies/" + itoa(e.world.ABC)); !strings.Contains(res.Body, "ABC Testing Co has 1 Designated Contact(s)") {
			t.Error("ABC with one Designated Contact is not warned about")
		}
	})
}

func TestConsoleAdminPages(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, e *env) {
		admin := e.signIn(demo.Admin)
		if res := admin.post("/console/products", url.Values{"name": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unnamed product = %d, want 422", res.StatusCode)
		}
		if res := admin.post("/console/products", url.Values{"name": {"Workforce"}, "components": {"Scheduling, Forecasting"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create product = %d: %s", res.StatusCode, res.Body)
		}
		if res := admin.post("/console/products/"+itoa(e.world.Products["IVR"])+"/components", url.Values{"component": {"Speech"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("add component = %d: %s", res.StatusCode, res.Body)
		}
		if res := admin.get("/console/products"); !strings.Contains(res.Body, "Forecasting") || !strings.Contains(res.Body, "Speech") {
			t.Error("the products page does not show the new product and component")
		}

		if res := admin.post("/console/staff", url.Values{"first_name": {"Nia"}, "last_name": {"New"}, "email": {"nia@caseport.example"}, "password": {"short"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("staff with a short password = %d, want 422", res.StatusCode)
		}
		res := admin.post("/console/staff", url.Values{"first_name": {"Nia"}, "last_name": {"New"}, "email": {"nia@caseport.example"}, "password": {"a long staff password"}, "roles": {"agent", "escalation_owner"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create staff = %d: %s", res.StatusCode, res.Body)
		}
		if res := e.anonymous().post("/signin", url.Values{"email": {"nia@caseport.example"}, "password": {"a long staff password"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("new staff sign-in = %d", res.StatusCode)
		}

		rules := url.Values{"free_mail": {"gmail.com\nexample-mail.test"}, "aliases": {"support\nhelpdesk"}}
		if res := admin.post("/console/settings/email", rules); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save email rules = %d: %s", res.StatusCode, res.Body)
		}
		if res := e.anonymous().post("/register", url.Values{"email": {"someone@example-mail.test"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a newly refused free-mail domain = %d, want 422", res.StatusCode)
		}
		if res := e.anonymous().post("/register", url.Values{"email": {"helpdesk@abc-testing.example"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a newly refused role alias = %d, want 422", res.StatusCode)
		}

		res = admin.get("/console/audit")
		for _, action := range []string{"staff_created", "sign_in"} {
			if !strings.Contains(res.Body, action) {
				t.Errorf("the audit log does not show %s", action)
			}
		}
		if res := admin.get("/console/audit?action=staff_created"); strings.Contains(res.Body, "<code>sign_in</code>") {
			t.Error("the audit filter lets other actions through")
		}
		if res := e.anonymous().post("/register", url.Values{"email": {"lee.new@abc-testing.example"}}); res.StatusCode != http.StatusOK {
			t.Fatalf("register = %d", res.StatusCode)
		}
		mails, err := e.store.Notifications(context.Background(), "", 1)
		if err != nil || len(mails) == 0 {
			t.Fatalf("outbox: %v %v", mails, err)
		}
		if res := admin.get("/console/outbox"); !strings.Contains(res.Body, mails[0].Subject) {
			t.Error("the outbox page does not show the latest email")
		}
	})
}

var tags = regexp.MustCompile(`<[^>]*>`)

func stripTags(s string) string { return tags.ReplaceAllString(s, " ") }

// TestOutboxHidesLinkTokens: an admin reading the outbox cannot use a
// password-reset link.
func TestOutboxHidesLinkTokens(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, e *env) {
		if res := e.anonymous().post("/forgot-password", url.Values{"email": {demo.Designated}}); res.StatusCode != http.StatusOK {
			t.Fatalf("forgot password = %d", res.StatusCode)
		}
		ms, err := e.store.Notifications(context.Background(), demo.Designated, 1)
		if err != nil || len(ms) != 1 {
			t.Fatal(ms, err)
		}
		token := regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(ms[0].Body)[1]
		page := e.signIn(demo.Admin).get("/console/outbox").Body
		if strings.Contains(page, token) || !strings.Contains(page, "token=(hidden)") {
			t.Error("the outbox shows a reset token")
		}
		if res := e.apiClient(demo.Admin).apiCall("GET", "/api/v1/outbox", nil); strings.Contains(res.Body, token) {
			t.Error("the API outbox shows a reset token")
		}
	})
}

// TestCallerVerificationThrottled: guessing PINs stops after ten misses
// in a quarter of an hour, and every lookup is in the audit log.
func TestCallerVerificationThrottled(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, e *env) {
		agent := e.signIn(demo.Agent)
		dana, _ := e.store.UserByEmail(context.Background(), demo.Designated)
		wrong := 100000
		for i := 0; i < 10; i++ {
			pin := strconv.Itoa(wrong + i)
			if pin == dana.PIN {
				continue
			}
			agent.post("/console/caller", url.Values{"pin": {pin}})
		}
		if res := agent.post("/console/caller", url.Values{"pin": {dana.PIN}}); res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("after ten unknown PINs = %d, want 429", res.StatusCode)
		}
		if res := e.signIn(demo.Admin).get("/console/audit?action=caller_pin_unknown"); strings.Count(res.Body, "<code>caller_pin_unknown</code>") < 9 {
			t.Error("unknown PINs are not in the audit log")
		}
	})
}
