package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
)

// consolePages are the console's pages, for the tests that walk them all;
// those of one company are company's.
func consolePages(company int64) []string {
	return []string{
		"/console", "/console/caller", "/console/companies", "/console/companies/" + itoa(company),
		"/console/contracts/new?company=" + itoa(company), "/console/contacts/new?company=" + itoa(company),
		"/console/products", "/console/staff", "/console/audit", "/console/outbox", "/console/settings/email",
		"/console/settings/files", "/console/jobs",
		"/console/import",
	}
}

// TestConsoleClosedToContacts: no contact, whatever their level or
// company, finds the console or may use its forms.
func TestConsoleClosedToContacts(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// ABC Testing Co, a direct customer: Dana is Read-Write and its
		// Designated Approver, Riley Read-Only. Northwind Partners sells
		// Contoso: Pat of Northwind is Read-Write there and Northwind's
		// Designated Approver.
		abc, northwind, contoso := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners"), e.fx.Company("Contoso")
		e.fx.Contract(abc)
		viaNorthwind := fixture.Combination(e.fx.Contract(contoso, fixture.PartnerOf(northwind)))
		dana := e.fx.Contact(abc, desk.ReadWrite)
		e.fx.Approver(abc, dana)
		pat := e.fx.Contact(northwind, desk.NoAccess, fixture.AcceptedTerms)
		e.fx.Grant(pat, viaNorthwind, desk.ReadWrite)
		e.fx.Approver(northwind, pat)
		for _, who := range []string{e.login(dana), e.login(e.fx.Contact(abc, desk.ReadOnly)), e.login(pat)} {
			c := e.signIn(who)
			for _, path := range consolePages(abc.ID) {
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

// TestConsolePagesForStaff: an agent sees the console's pages but the
// admin's, and may not change accounts; a portal admin sees them all.
func TestConsolePagesForStaff(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// An agent, and a portal admin who is an agent too; ABC Testing
		// Co, a direct customer, with Riley, Read-Only.
		agentEmail, adminEmail := e.staff(desk.RoleAgent), e.staff(desk.RolePortalAdmin, desk.RoleAgent)
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		riley := e.fx.Contact(abc, desk.ReadOnly).ID
		for _, who := range []string{agentEmail, adminEmail} {
			c := e.signIn(who)
			for _, path := range consolePages(abc.ID) {
				res := c.get(path)
				want := http.StatusOK
				if who == agentEmail && (strings.HasPrefix(path, "/console/audit") || strings.HasPrefix(path, "/console/outbox") ||
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
		agent := e.signIn(agentEmail)
		if res := agent.get("/console/companies/" + itoa(abc.ID)); strings.Contains(res.Body, `id="company-form"`) {
			t.Error("an agent is offered the company form")
		}
		if res := agent.post("/console/companies", url.Values{"name": {"Agent Co"}, "org_id": {"ORG-777"}, "country": {"US"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent creating a company = %d, want 403", res.StatusCode)
		}
		agent.post("/console/contacts/"+itoa(riley)+"/grants", url.Values{"combination": {itoa(abc.ID) + "-" + itoa(abc.ID)}, "level": {"read_write"}})
		gs, err := e.store.Grants(context.Background(), store.GrantFilter{ContactID: riley})
		if err != nil || len(gs) != 1 || gs[0].Level != desk.ReadOnly {
			t.Errorf("after an agent tried to grant Read-Write, Riley's grants are %+v, %v", gs, err)
		}
	})
}

// userID is the ID of the user with email.
func userID(t *testing.T, e *env, email string) int64 {
	t.Helper()
	u, err := e.store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestConsoleCallerVerification: an agent finds a caller by their PIN,
// sees whether they may open cases, and opens a case by its number.
func TestConsoleCallerVerification(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// An agent; ABC Testing Co, a direct customer, with Dana
		// Designated, Read-Write, who has a case, and Riley, Read-Only.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		dana := e.actor(e.fx.Contact(abc, desk.ReadWrite, fixture.Named("Dana", "Designated")).Email).User
		riley := e.actor(e.fx.Contact(abc, desk.ReadOnly).Email).User
		danasCase := e.fx.Case(dana)
		agent := e.signIn(e.staff(desk.RoleAgent))
		res := agent.post("/console/caller", url.Values{"pin": {dana.PIN}})
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Dana Designated") || !strings.Contains(res.Body, `id="caller-designated"><span class="badge badge-ok">Yes`) {
			t.Fatalf("verify Dana's PIN = %d, want her as a Designated Contact", res.StatusCode)
		}
		if strings.Contains(res.Body, dana.PIN) {
			t.Error("the answer repeats the PIN")
		}
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
		n := number(danasCase.ID)
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

// TestConsoleAccounts: a portal admin creates a company, its contract
// and a contact, grants access and names an approver; bad forms save
// nothing, and the access rules hold in the console too.
func TestConsoleAccounts(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// A portal admin; ABC Testing Co, a direct customer, with Dana and
		// Sam, both Read-Write (its two Designated Contacts); Northwind
		// Partners sells Contoso, whose Casey is Read-Only there; the IVR
		// product.
		admin := e.signIn(e.staff(desk.RolePortalAdmin, desk.RoleAgent))
		abc, northwind, contoso := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners"), e.fx.Company("Contoso")
		e.fx.Contract(abc)
		viaNorthwind := fixture.Combination(e.fx.Contract(contoso, fixture.PartnerOf(northwind)))
		dana, sam := e.fx.Contact(abc, desk.ReadWrite), e.fx.Contact(abc, desk.ReadWrite)
		casey := e.fx.Contact(contoso, desk.NoAccess)
		e.fx.Grant(casey, viaNorthwind, desk.ReadOnly)
		ivr := e.fx.Product("IVR")

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
			"starts": {"2026-01-01"}, "ends": {"31/12/2027"}, "products": {itoa(ivr.ID)},
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
		if res := admin.post(companyPath+"/approvers", url.Values{"contact": {itoa(dana.ID)}, "on": {"1"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("approver from another company = %d, want 422", res.StatusCode)
		}

		// The partner rule: an End User's employee cannot be Read-Write
		// on the partner's combination.
		res = admin.post("/console/contacts/"+itoa(casey.ID)+"/grants", url.Values{"combination": {itoa(northwind.ID) + "-" + itoa(contoso.ID)}, "level": {"read_write"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="level-error"`) {
			t.Errorf("partner rule = %d, want 422 on the level", res.StatusCode)
		}
		// Fewer than two Designated Contacts at ABC once Sam loses his grant.
		abcPath := "/console/companies/" + itoa(abc.ID)
		if res := admin.get(abcPath); strings.Contains(res.Body, "each customer should have at least") || !strings.Contains(res.Body, "2 Designated Contacts now.") {
			t.Error("ABC with two Designated Contacts is warned about, or not said to have 2")
		}
		if res := admin.post("/console/contacts/"+itoa(sam.ID)+"/grants", url.Values{"combination": {itoa(abc.ID) + "-" + itoa(abc.ID)}, "level": {"none"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove grant = %d", res.StatusCode)
		}
		if res := admin.get(abcPath); !strings.Contains(res.Body, "ABC Testing Co has 1 Designated Contact; each customer should have at least 2.") ||
			!strings.Contains(res.Body, "1 Designated Contact now.") {
			t.Error("ABC with one Designated Contact is not warned about in the singular")
		}
	})
}

// TestConsoleAdminPages: a portal admin adds products, components and
// staff, sets the work email rules (registration follows them), and reads
// the audit log and the outbox.
func TestConsoleAdminPages(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// A portal admin who is an agent too, and the IVR product.
		admin := e.signIn(e.staff(desk.RolePortalAdmin, desk.RoleAgent))
		ivr := e.fx.Product("IVR")
		if res := admin.post("/console/products", url.Values{"name": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unnamed product = %d, want 422", res.StatusCode)
		}
		if res := admin.post("/console/products", url.Values{"name": {"Workforce"}, "components": {"Scheduling, Forecasting"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create product = %d: %s", res.StatusCode, res.Body)
		}
		if res := admin.post("/console/products/"+itoa(ivr.ID)+"/components", url.Values{"component": {"Speech"}}); res.StatusCode != http.StatusSeeOther {
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
		for _, action := range []string{`<span data-action="staff_created">Staff member added</span>`, `<span data-action="sign_in">Signed in</span>`} {
			if !strings.Contains(res.Body, action) {
				t.Errorf("the audit log does not show %s", action)
			}
		}
		if res := admin.get("/console/audit?action=staff_created"); strings.Contains(res.Body, `<span data-action="sign_in">`) {
			t.Error("the audit filter lets other actions through")
		}
		if res := e.anonymous().post("/register", url.Values{"email": {"lee.new@abc-testing.example"}}); res.StatusCode != http.StatusSeeOther {
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
	eachBuilt(t, func(t *testing.T, e *env) {
		// A portal admin; Dana of ABC Testing Co, who forgot her password.
		adminEmail := e.staff(desk.RolePortalAdmin, desk.RoleAgent)
		dana := e.fx.Contact(e.fx.Company("ABC Testing Co"), desk.ReadWrite)
		if res := e.anonymous().post("/forgot-password", url.Values{"email": {dana.Email}}); res.StatusCode != http.StatusOK {
			t.Fatalf("forgot password = %d", res.StatusCode)
		}
		ms, err := e.store.Notifications(context.Background(), dana.Email, 1)
		if err != nil || len(ms) != 1 {
			t.Fatal(ms, err)
		}
		token := regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(ms[0].Body)[1]
		page := e.signIn(adminEmail).get("/console/outbox").Body
		if strings.Contains(page, token) || !strings.Contains(page, "token=(hidden)") {
			t.Error("the outbox shows a reset token")
		}
		if res := e.apiClient(adminEmail).apiCall("GET", "/api/v1/outbox", nil); strings.Contains(res.Body, token) {
			t.Error("the API outbox shows a reset token")
		}
	})
}

// TestCallerVerificationThrottled: guessing PINs stops after ten misses
// in a quarter of an hour, and every lookup is in the audit log.
func TestCallerVerificationThrottled(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// An agent and a portal admin; Dana of ABC Testing Co, a contact
		// with a PIN.
		agent, adminEmail := e.signIn(e.staff(desk.RoleAgent)), e.staff(desk.RolePortalAdmin, desk.RoleAgent)
		dana := e.actor(e.fx.Contact(e.fx.Company("ABC Testing Co"), desk.ReadWrite).Email).User
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
		if res := e.signIn(adminEmail).get("/console/audit?action=caller_pin_unknown"); strings.Count(res.Body, `<span data-action="caller_pin_unknown">Unknown PIN given</span>`) < 9 {
			t.Error("unknown PINs are not in the audit log")
		}
	})
}

// TestConsoleTimesReadTheServicesClock: the queue's time to breach, how
// long ago a case was escalated and whether a contract still runs count
// from the service's clock, as everything support decides does, not from
// the web server's.
func TestConsoleTimesReadTheServicesClock(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		start := time.Now().UTC().Truncate(time.Minute)
		e.clock.Set(start)
		acme := e.fx.Company("Acme Corp")
		combo := fixture.Combination(e.fx.Contract(acme)) // runs for a year
		dana := e.fx.Contact(acme, desk.ReadWrite)
		c := e.openCase(dana, combo, desk.PriorityMedium)
		if _, err := e.svc.Cases().Escalate(context.Background(), support.Request{Actor: e.actor(e.login(dana))}, c.ID,
			desk.EscalationReason("business_impact"), "All agents affected."); err != nil {
			t.Fatal(err)
		}
		// Four hundred days on, by the service's clock: the case is long
		// overdue, the escalation as old, the contract over.
		e.clock.Set(start.Add(400 * 24 * time.Hour))
		owner := e.signIn(e.staff(desk.RoleEscalationOwner, desk.RoleAgent))
		// The Medium case's first response was due within days of start.
		if res := owner.get("/console"); !regexp.MustCompile(`Overdue 3\d\dd`).MatchString(res.Body) {
			t.Errorf("the queue does not count from the service's clock (want Overdue 39xd …): %s", res.Body)
		}
		// By the service's clock the escalation is over a week old: written
		// in full (by the web server's, "minutes ago" with a title).
		if res := owner.get("/console/escalations"); !strings.Contains(res.Body, `<time datetime="`+start.Format(time.RFC3339)+`">`) {
			t.Errorf("the escalation queue does not count from the service's clock (want the escalation's time in full): %s", res.Body)
		}
		if res := owner.get("/console/companies/" + itoa(acme.ID)); !strings.Contains(res.Body, `<span class="badge">Ended</span>`) {
			t.Errorf("the company page shows the contract running at the service's time: %s", res.Body)
		}
		if q := decode[[]map[string]any](t, e.apiClient(e.staff(desk.RoleEscalationOwner)).apiCall("GET", "/api/v1/escalations", nil)); len(q) != 1 {
			t.Errorf("API queue has %d, want the one escalation", len(q))
		}
	})
}

// TestContractStatusByItsDates: a contract in state active is Active,
// Not started or Ended by its dates, on the company page, the contract
// page and in the API, counted from the service's clock.
func TestContractStatusByItsDates(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		e.clock.Set(now)
		acme := e.fx.At(now).Company("Acme Corp")
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		running := e.fx.Contract(acme)
		future := e.fx.Contract(acme, func(c *desk.Contract) { c.Starts, c.Ends = day(2027, 1, 1), day(2027, 12, 31) })
		ended := e.fx.Contract(acme, fixture.Ended(30))
		terminated := e.fx.Contract(acme, func(c *desk.Contract) { c.State = desk.ContractTerminated })
		admin := e.staff(desk.RolePortalAdmin)
		c := e.signIn(admin)
		page := c.get("/console/companies/" + itoa(acme.ID)).Body
		for _, tt := range []struct {
			contract *desk.Contract
			want     string
		}{
			{running, `<span class="badge badge-ok">Active</span>`},
			{future, `<span class="badge">Not started</span><br><span class="hint">Starts 1 Jan 2027</span>`},
			{ended, `<span class="badge">Ended</span>`},
			{terminated, `<span class="badge">Terminated</span>`},
		} {
			row := regexp.MustCompile(`(?s)>` + tt.contract.Number + `</a>.*?</tr>`).FindString(page)
			if !strings.Contains(row, tt.want) {
				t.Errorf("company page: %s shows %q, want %s", tt.contract.Number, row, tt.want)
			}
			if res := c.get("/console/contracts/" + itoa(tt.contract.ID)); !strings.Contains(res.Body, tt.want) {
				t.Errorf("contract page of %s lacks %s", tt.contract.Number, tt.want)
			}
		}
		want := map[string]string{running.Number: "active", future.Number: "not_started", ended.Number: "ended", terminated.Number: "terminated"}
		got := map[string]string{}
		for _, ct := range decode[[]map[string]any](t, e.apiClient(admin).apiCall("GET", "/api/v1/contracts?company="+itoa(acme.ID), nil)) {
			got[ct["number"].(string)], _ = ct["status"].(string)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("API status of the contracts (-want +got):\n%s", diff)
		}
	})
}

// TestCompanyParentChainHasNoCycle: a company cannot become its own
// ancestor through its parent, however far up, from the console or the API;
// the refusal names the parent field and says why.
func TestCompanyParentChainHasNoCycle(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Globex is a division of ABC, Initech of Globex.
		abc := e.fx.Company("ABC Testing Co")
		globex := e.fx.Company("Globex", func(c *desk.Company) { c.ParentID = abc.ID })
		initech := e.fx.Company("Initech", func(c *desk.Company) { c.ParentID = globex.ID })
		admin := e.staff(desk.RolePortalAdmin)
		c := e.signIn(admin)
		form := func(parent *desk.Company) url.Values {
			return url.Values{"org_id": {abc.OrgID}, "name": {abc.Name}, "country": {abc.Country}, "parent": {itoa(parent.ID)}}
		}
		for _, parent := range []*desk.Company{globex, initech} {
			res := c.post("/console/companies/"+itoa(abc.ID), form(parent))
			want := parent.Name + " is already a division of ABC Testing Co, so it cannot be its parent"
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="parent-error"`) || !strings.Contains(res.Body, want) {
				t.Errorf("console: ABC under %s = %d, want 422 with %q on the parent", parent.Name, res.StatusCode, want)
			}
		}
		api := e.apiClient(admin)
		p := wantProblem(t, api.apiCall("PATCH", "/api/v1/companies/"+itoa(abc.ID), map[string]any{
			"org_id": abc.OrgID, "name": abc.Name, "country": abc.Country, "parent_id": initech.ID,
		}), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "parent_id" || !strings.Contains(p.Errors[0].Message, "Initech is already a division of ABC Testing Co") {
			t.Errorf("API: ABC under Initech = %+v, want the cycle on parent_id", p.Errors)
		}
		// A parent that makes no cycle is still fine.
		other := e.fx.Company("Contoso")
		if res := c.post("/console/companies/"+itoa(abc.ID), form(other)); res.StatusCode != http.StatusSeeOther {
			t.Errorf("ABC under Contoso = %d, want 303", res.StatusCode)
		}
	})
}

// TestConsoleShowsWordsNotCodes: the console names what people read by its
// words: email templates by the kind of email, the audit log's actions that
// no client made by where they came from, an escalation by its reason, a
// deployment refused by the labels it offers, the default calendar by what
// it is for.
func TestConsoleShowsWordsNotCodes(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		acme := e.fx.Company("Acme Corp")
		combo := fixture.Combination(e.fx.Contract(acme))
		dana := e.fx.Contact(acme, desk.ReadWrite)
		c := e.openCase(dana, combo, desk.PriorityMedium)
		if _, err := e.svc.Cases().Escalate(ctx, support.Request{Actor: e.actor(e.login(dana))}, c.ID, desk.ReasonNoProgress, "Nothing has moved for a week."); err != nil {
			t.Fatal(err)
		}
		err := e.store.Write(ctx, func(tx *store.Tx) error {
			for _, a := range []string{"service levels", "sftp:case-7-x1"} {
				if err := tx.Audit(ctx, desk.AuditEntry{At: time.Now(), Action: "sla_breached", Subject: c.Number(), Address: a}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		admin := e.signIn(e.staff(desk.RolePortalAdmin, desk.RoleAgent))
		for _, tt := range []struct {
			path       string
			want, lack []string
		}{
			{"/console/settings/templates", []string{"<h2>Case opened</h2>", "<h2>Service-level target missed</h2>"}, []string{"<code>case_created</code>"}},
			{"/console/audit", []string{
				`<td data-label="Who">Caseport (service-level timers)</td>`,
				`<td data-label="Who">by SFTP (case-7-x1)</td>`,
				`<td data-label="Detail">The case is not progressing</td>`,
				`<td data-label="Address">—</td>`,
			}, []string{">service levels<", ">no_progress<", ">sftp:case-7-x1<"}},
			{"/console/service-levels", []string{`<label for="default_calendar">Default calendar</label>`}, []string{"name none"}},
		} {
			page := admin.get(tt.path).Body
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("%s lacks %s", tt.path, w)
				}
			}
			for _, l := range tt.lack {
				if strings.Contains(page, l) {
					t.Errorf("%s shows %s", tt.path, l)
				}
			}
		}
		res := admin.post("/console/contracts", url.Values{
			"number": {"SC-9"}, "sold_to": {itoa(acme.ID)}, "end_user": {itoa(acme.ID)},
			"level": {"business_care"}, "deployment": {"moon"}, "state": {"active"}, "starts": {"2026-01-01"}, "ends": {"2026-12-31"},
		})
		if !strings.Contains(res.Body, "Choose Premise or Cloud.") {
			t.Errorf("a bad deployment = %d, without the labels it offers", res.StatusCode)
		}
	})
}

// TestContractNeedsAProduct: "Products covered" is required: a contract
// with none is refused on that field, in the console and the API, and not
// saved.
func TestContractNeedsAProduct(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		acme := e.fx.Company("Acme Corp")
		e.fx.DefaultProduct()
		admin := e.staff(desk.RolePortalAdmin)
		form := url.Values{
			"number": {"SC-9301"}, "sold_to": {itoa(acme.ID)}, "end_user": {itoa(acme.ID)}, "level": {"business_care"},
			"deployment": {"premise"}, "state": {"active"}, "starts": {"2026-01-01"}, "ends": {"2026-12-31"},
		}
		res := e.signIn(admin).post("/console/contracts", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="products-error">Choose at least one product the contract covers.</p>`) {
			t.Errorf("console contract without products = %d, want 422 on Products covered", res.StatusCode)
		}
		api := e.apiClient(admin)
		p := wantProblem(t, api.apiCall("POST", "/api/v1/contracts", map[string]any{
			"number": "SC-9302", "sold_to_id": acme.ID, "end_user_id": acme.ID, "level": "business_care", "deployment": "premise",
			"product_ids": []int64{}, "starts": "2026-01-01", "ends": "2026-12-31", "state": "active",
		}), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "product_ids" {
			t.Errorf("API contract without products: %+v, want the one problem on product_ids", p.Errors)
		}
		if cs := decode[[]map[string]any](t, api.apiCall("GET", "/api/v1/contracts?company="+itoa(acme.ID), nil)); len(cs) != 0 {
			t.Errorf("%d contracts saved, want none", len(cs))
		}
	})
}

// TestEmptyStaffFormNamesEveryField: the empty New staff member form is
// refused with a message for each required field, the first password too.
func TestEmptyStaffFormNamesEveryField(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		res := e.signIn(e.staff(desk.RolePortalAdmin)).post("/console/staff", url.Values{})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("empty staff form = %d, want 422", res.StatusCode)
		}
		for _, field := range []string{"email", "first_name", "last_name", "roles", "password"} {
			if !strings.Contains(res.Body, `id="`+field+`-error"`) {
				t.Errorf("the empty staff form has no message for %s", field)
			}
		}
		if !strings.Contains(res.Body, "Give a first password of at least 10 characters.") {
			t.Error("the missing first password is not named")
		}
	})
}
