package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/web"
)

// TestSignInNextStaysOnSite tries known open-redirect bypasses in next,
// both posted with the sign-in and carried in by a link to /signin.
func TestSignInNextStaysOnSite(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) { signInNextStaysOnSite(t, e) })
}

func signInNextStaysOnSite(t *testing.T, e *env) {
	t.Helper()
	// Dana, Read-Write at ABC Testing Co (a direct customer), signs in.
	abc := e.fx.Company("ABC Testing Co")
	e.fx.Contract(abc)
	dana := e.login(e.fx.Contact(abc, desk.ReadWrite))
	password := e.passwords[dana]
	// Only next on the sign-in page is let through to be replaced: other
	// parameters, and next elsewhere, are still checked.
	for _, path := range []string{"/signin?email=%00", "/register?next=%00"} {
		if res := e.anonymous().get(path); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("GET %s = %d, want 422", path, res.StatusCode)
		}
	}
	bypasses := []string{
		"https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
		"/\t/evil.example", "/\t\\evil.example", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example",
		"/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example", "/%09/evil.example", "/%0a/evil.example",
		"//user@evil.example", "/\\user@evil.example", "https:evil.example", "javascript:alert(1)",
		"evil.example", "/\x00/evil.example", "/\u3002/evil.example", "/\uff0f/evil.example", "/<script>",
	}
	for _, next := range bypasses {
		if got := formNext(e, next); got != "/" {
			t.Errorf("GET /signin?next=%q puts %q in the form, want /", next, got)
		}
		res := e.anonymous().post("/signin", url.Values{"email": {dana}, "password": {password}, "next": {next}})
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != "/home" {
			t.Errorf("sign in with next=%q: %d to %q, want 303 to /home", next, res.StatusCode, got)
		}
	}
	for _, next := range []string{"/cases/0000000001", "/cases?status=open&cursor=MTIz%3D", "/profile", "/cases?q=it's+(down)*&by=a@b"} {
		if got := formNext(e, next); got != next {
			t.Errorf("GET /signin?next=%q puts %q in the form", next, got)
		}
		res := e.anonymous().post("/signin", url.Values{"email": {dana}, "password": {password}, "next": {next}})
		if got := res.Header.Get("Location"); got != next {
			t.Errorf("sign in with next=%q goes to %q", next, got)
		}
	}
}

// formNext is the next the sign-in form carries when a link to it has one.
func formNext(e *env, next string) string {
	e.t.Helper()
	res := e.anonymous().get("/signin?next=" + url.QueryEscape(next))
	if res.StatusCode != http.StatusOK {
		e.t.Fatalf("GET /signin?next=%q = %d, want the sign-in form", next, res.StatusCode)
	}
	_, after, ok := strings.Cut(res.Body, `name="next" value="`)
	if !ok {
		e.t.Fatal("the sign-in form has no next field")
	}
	value, _, _ := strings.Cut(after, `"`)
	return html.UnescapeString(value)
}

// TestClientAddressBehindProxy checks whose address the audit log and the
// sign-in throttle see: behind a trusted proxy the client the proxies name
// (the rightmost hop that is not one of them), from anyone else the peer,
// whatever forwarding headers it sends.
func TestClientAddressBehindProxy(t *testing.T) {
	trustLoopback := func(c *web.Config) {
		var err error
		c.TrustedProxies, err = web.ParseTrustedProxies("127.0.0.0/8, 10.0.0.0/8,::1")
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		trusted bool
		header  http.Header
		want    string
	}{
		{"no header", true, nil, "127.0.0.1"},
		{"X-Forwarded-For from a trusted proxy", true, http.Header{"X-Forwarded-For": {"203.0.113.7"}}, "203.0.113.7"},
		{"spoofed hop left of the client", true, http.Header{"X-Forwarded-For": {"198.51.100.1, 203.0.113.7"}}, "203.0.113.7"},
		{"two trusted proxies", true, http.Header{"X-Forwarded-For": {"203.0.113.7, 10.1.2.3"}}, "203.0.113.7"},
		{"headers on two lines", true, http.Header{"X-Forwarded-For": {"198.51.100.1", "203.0.113.7, 10.1.2.3"}}, "203.0.113.7"},
		{"Forwarded wins", true, http.Header{
			"Forwarded":       {`for=198.51.100.1, for="[2001:db8::7]:4711";proto=https`},
			"X-Forwarded-For": {"203.0.113.9"},
		}, "2001:db8::7"},
		{"Forwarded with port", true, http.Header{"Forwarded": {`For="203.0.113.7:8443"`}}, "203.0.113.7"},
		{"unknown hop", true, http.Header{"Forwarded": {"for=unknown"}}, "127.0.0.1"},
		{"every hop trusted", true, http.Header{"X-Forwarded-For": {"10.9.9.9"}}, "10.9.9.9"},
		{"spoofed from an untrusted peer", false, http.Header{"X-Forwarded-For": {"203.0.113.7"}}, "127.0.0.1"},
		{"spoofed Forwarded from an untrusted peer", false, http.Header{"Forwarded": {"for=203.0.113.7"}}, "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var configure []func(*web.Config)
			if tt.trusted {
				configure = append(configure, trustLoopback)
			}
			// Dana, a contact with a password, is signed in for with
			// the wrong one.
			e := newBuilt(t, sqliteStore(t), configure...)
			dana := e.login(e.fx.Contact(e.fx.Company("ABC Testing Co"), desk.ReadWrite))
			c := e.anonymous()
			c.header = tt.header
			c.post("/signin", url.Values{"email": {dana}, "password": {"not the password"}})
			log, err := e.store.AuditLog(context.Background(), desk.AuditFilter{Action: "sign_in_failed"})
			if err != nil {
				t.Fatal(err)
			}
			if len(log) != 1 || log[0].Address != tt.want {
				t.Fatalf("failed sign-in audited as %+v, want one line from %s", log, tt.want)
			}
		})
	}
	t.Run("one client behind the proxy locks out no one else", func(t *testing.T) {
		// Dana, a contact with a password, signs in behind the proxy
		// from which another client guesses.
		e := newBuilt(t, sqliteStore(t), trustLoopback)
		dana := e.login(e.fx.Contact(e.fx.Company("ABC Testing Co"), desk.ReadWrite))
		attacker := e.anonymous()
		attacker.header = http.Header{"X-Forwarded-For": {"203.0.113.66"}}
		for i := range support.MaxAddressFailures + 5 {
			attacker.post("/signin", url.Values{"email": {"nobody" + itoa(int64(i)) + "@example.com"}, "password": {"guess"}})
		}
		user := e.anonymous()
		user.header = http.Header{"X-Forwarded-For": {"198.51.100.20"}}
		res := user.post("/signin", url.Values{"email": {dana}, "password": {e.passwords[dana]}})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("sign-in of another client behind the proxy = %d, want 303", res.StatusCode)
		}
	})
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := web.ParseTrustedProxies(" 10.0.0.0/8,192.0.2.1 , ::1,2001:db8::/32,")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[1].String() != "192.0.2.1/32" || got[2].String() != "::1/128" {
		t.Errorf("ParseTrustedProxies = %v", got)
	}
	for _, bad := range []string{"proxy.example", "10.0.0.0/33", "10.0.0.1-10.0.0.9"} {
		if _, err := web.ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) = nil error, want one", bad)
		}
	}
}

// TestAccessRequestAnswersTheSame: a request for Org IDs answers the same
// whether a Service Contract joins them, the companies exist but share no
// contract, or nothing exists; it names no company the requester did not
// type; only the matching Sold To's approvers hear of it; a request that
// matches nothing is there for staff; and a contact may file only a few
// an hour.
func TestAccessRequestAnswersTheSame(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Casey of Contoso is Read-Only on what Northwind sells Contoso;
		// Northwind also sold Fabrikam a contract, which has ended. Pat of
		// Northwind (Read-Write for Contoso) approves for Northwind, Dana
		// of ABC Testing Co (a direct customer) for ABC, where Riley is
		// Read-Only.
		abc, northwind, contoso, fabrikam := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners"), e.fx.Company("Contoso"), e.fx.Company("Fabrikam")
		e.fx.Contract(abc)
		contosoCombo := fixture.Combination(e.fx.Contract(contoso, fixture.PartnerOf(northwind)))
		e.fx.Contract(fabrikam, fixture.PartnerOf(northwind), fixture.Ended(60))
		danaUser, patUser, caseyUser := e.fx.Contact(abc, desk.ReadWrite), e.fx.Contact(northwind, desk.NoAccess, fixture.AcceptedTerms), e.fx.Contact(contoso, desk.NoAccess)
		e.fx.Approver(abc, danaUser)
		e.fx.Grant(patUser, contosoCombo, desk.ReadWrite)
		e.fx.Approver(northwind, patUser)
		e.fx.Grant(caseyUser, contosoCombo, desk.ReadOnly)
		dana, pat, caseyEmail, riley := danaUser.Email, e.login(patUser), e.login(caseyUser), e.login(e.fx.Contact(abc, desk.ReadOnly))
		mails := func(to string) int {
			ns, err := e.store.Notifications(ctx, to, 100)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, m := range ns {
				if m.Kind == "access_request" {
					n++
				}
			}
			return n
		}
		patBefore, danaBefore := mails(pat), mails(dana)
		casey := e.apiClient(caseyEmail)
		probes := []struct{ name, soldTo, endUser string }{
			{"a Service Contract joins them", northwind.OrgID, fabrikam.OrgID},
			{"companies without a contract", abc.OrgID, contoso.OrgID},
			{"no such companies", "ORG-9998", "ORG-9999"},
		}
		var answers []map[string]any
		var ids []float64
		for _, p := range probes {
			res := casey.apiCall("POST", "/api/v1/access-requests", map[string]any{
				"sold_to_org_id": p.soldTo, "end_user_org_id": p.endUser, "level": "read_only",
			})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("%s: POST = %d %s, want 201", p.name, res.StatusCode, res.Body)
			}
			for _, name := range []string{fabrikam.Name, abc.Name, northwind.Name} {
				if strings.Contains(res.Body, name) {
					t.Errorf("%s: the answer names %s: %s", p.name, name, res.Body)
				}
			}
			got := decode[map[string]any](t, res)
			if got["sold_to_org_id"] != p.soldTo || got["end_user_org_id"] != p.endUser {
				t.Errorf("%s: answer %v does not echo the Org IDs", p.name, got)
			}
			again := casey.apiCall("GET", res.Header.Get("Location"), nil)
			if again.StatusCode != http.StatusOK || again.Body != res.Body {
				t.Errorf("%s: GET = %d %s, want what POST answered", p.name, again.StatusCode, again.Body)
			}
			ids = append(ids, got["id"].(float64))
			for _, k := range []string{"id", "created_at", "sold_to_org_id", "end_user_org_id"} {
				delete(got, k)
			}
			answers = append(answers, got)
		}
		for i := range answers[1:] {
			if diff := cmp.Diff(answers[0], answers[i+1]); diff != "" {
				t.Errorf("%s answers otherwise than %s (-+):\n%s", probes[i+1].name, probes[0].name, diff)
			}
		}
		list := casey.apiCall("GET", "/api/v1/access-requests", nil)
		if strings.Contains(list.Body, fabrikam.Name) || strings.Contains(list.Body, abc.Name) {
			t.Errorf("the requester's list names companies: %s", list.Body)
		}
		if got := mails(pat) - patBefore; got != 1 {
			t.Errorf("Northwind's approver got %d access request emails, want 1", got)
		}
		if got := mails(dana) - danaBefore; got != 0 {
			t.Errorf("ABC's approver got %d access request emails for a combination without a contract, want 0", got)
		}
		if res := e.signIn(pat).get("/access-requests?state=pending"); !strings.Contains(res.Body, fabrikam.Name) || strings.Contains(res.Body, "ORG-9998") {
			t.Error("Northwind's approver does not see exactly the request for their Sold To")
		}
		staff := e.signIn(e.staff(desk.RoleAgent)).get("/access-requests?state=pending")
		for _, want := range []string{"ORG-9998 / ORG-9999", abc.OrgID + " / " + contoso.OrgID, "No Service Contract joins them"} {
			if !strings.Contains(staff.Body, want) {
				t.Errorf("the staff list lacks %q", want)
			}
		}
		// A portal admin closes an unmatched request once the contact is
		// helped; there is nothing to approve.
		admin := e.signIn(e.staff(desk.RolePortalAdmin, desk.RoleAgent))
		unmatched := "/access-requests/" + strconv.Itoa(int(ids[2]))
		if res := admin.post(unmatched+"/decision", url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "No Service Contract joins") {
			t.Errorf("approving an unmatched request = %d, want 422 with the reason", res.StatusCode)
		}
		if res := admin.post(unmatched+"/decision", url.Values{"decision": {"reject"}, "note": {"Granted on your contact page"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("rejecting an unmatched request = %d, want 303", res.StatusCode)
		}

		// The page says the same for every kind of Org IDs.
		page := e.signIn(caseyEmail)
		var notices []string
		for _, p := range probes[:2] {
			res := page.post("/profile/access", url.Values{"combination": {"other"}, "sold_to": {p.soldTo}, "end_user": {p.endUser}, "level": {"read_only"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: page post = %d", p.name, res.StatusCode)
			}
			notices = append(notices, page.get("/profile").Body)
		}
		for _, name := range []string{fabrikam.Name, abc.Name} {
			if strings.Contains(notices[1], name) {
				t.Errorf("the requester's profile names %s", name)
			}
		}
		if !strings.Contains(notices[1], "Org IDs "+northwind.OrgID+" / "+fabrikam.OrgID) {
			t.Error("the requester's profile does not show the Org IDs they typed")
		}
		if flash := func(body string) string {
			_, after, _ := strings.Cut(body, `class="flash`)
			before, _, _ := strings.Cut(after, "</div>")
			return before
		}; flash(notices[0]) != flash(notices[1]) {
			t.Errorf("the page's notices differ: %q and %q", flash(notices[0]), flash(notices[1]))
		}

		// That was five; the sixth within the hour is refused.
		res := casey.apiCall("POST", "/api/v1/access-requests", map[string]any{"sold_to_org_id": northwind.OrgID, "end_user_org_id": contoso.OrgID, "level": "basic"})
		wantProblem(t, res, http.StatusTooManyRequests)
		if wait, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || wait < 3000 || wait > 3600 {
			t.Errorf("Retry-After = %q, want about an hour in seconds", res.Header.Get("Retry-After"))
		}
		if res := page.post("/profile/access", url.Values{"combination": {"other"}, "sold_to": {northwind.OrgID}, "end_user": {contoso.OrgID}, "level": {"basic"}}); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Errorf("the page's sixth request = %d, Retry-After %q; want 429 with one", res.StatusCode, res.Header.Get("Retry-After"))
		}
		// Another contact is not held up by Casey's requests.
		other := e.apiClient(riley)
		if res := other.apiCall("POST", "/api/v1/access-requests", map[string]any{"sold_to_org_id": abc.OrgID, "end_user_org_id": abc.OrgID, "level": "read_write"}); res.StatusCode != http.StatusCreated {
			t.Errorf("another contact's request = %d, want 201", res.StatusCode)
		}
	})
}

// TestRegistrationAnswersTheSame: "Request My Support account" files the
// request for whatever Sold To and End User Org IDs are typed, with the
// same answer, and staff see the one that matches nothing.
func TestRegistrationAnswersTheSame(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// ABC Testing Co, a direct customer, employs the people who
		// register; Contoso shares no contract with it.
		abc, contoso := e.fx.Company("ABC Testing Co"), e.fx.Company("Contoso")
		e.fx.Contract(abc)
		var flashes []string
		for i, p := range []struct{ soldTo, endUser string }{{abc.OrgID, abc.OrgID}, {abc.OrgID, contoso.OrgID}, {"ORG-7777", "ORG-8888"}} {
			c := e.anonymous()
			email := "new" + strconv.Itoa(i) + "@abc-testing.example"
			c.post("/register", url.Values{"email": {email}})
			mails, err := e.store.Notifications(context.Background(), email, 1)
			if err != nil || len(mails) != 1 {
				t.Fatalf("verification email: %v, %v", mails, err)
			}
			token := regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(mails[0].Body)[1]
			res := c.post("/register/complete", url.Values{
				"token": {token}, "first_name": {"Jo"}, "last_name": {"New" + strconv.Itoa(i)}, "country": {"US"},
				"employer": {abc.OrgID}, "sold_to": {p.soldTo}, "end_user": {p.endUser},
				"level": {"read_only"}, "password": {"jo's long password"}, "confirm_password": {"jo's long password"},
			})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin" {
				t.Fatalf("register for %s / %s = %d %s, want 303 to /signin", p.soldTo, p.endUser, res.StatusCode, res.Body)
			}
			flashes = append(flashes, c.get("/signin").Body)
		}
		if flashes[0] != flashes[1] || flashes[0] != flashes[2] {
			t.Error("the answers after registration differ")
		}
		if res := e.signIn(e.staff(desk.RolePortalAdmin, desk.RoleAgent)).get("/access-requests?state=pending"); !strings.Contains(res.Body, "ORG-7777 / ORG-8888") {
			t.Error("staff do not see the registration whose Org IDs match nothing")
		}

		// The employer must exist, but neither one link nor one address
		// can try many.
		c := e.anonymous()
		link := func(email string) string {
			c.post("/register", url.Values{"email": {email}})
			mails, err := e.store.Notifications(context.Background(), email, 1)
			if err != nil || len(mails) != 1 {
				t.Fatalf("verification email: %v, %v", mails, err)
			}
			return regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(mails[0].Body)[1]
		}
		form := url.Values{
			"token": {link("guesser@abc-testing.example")}, "first_name": {"G"}, "last_name": {"Uesser"},
			"country": {"US"}, "sold_to": {abc.OrgID}, "end_user": {abc.OrgID},
			"level": {"read_only"}, "password": {"a long enough password"}, "confirm_password": {"a long enough password"},
		}
		for i := range support.MaxAccountFailures {
			form.Set("employer", "ORG-GUESS-"+strconv.Itoa(i))
			if res := c.post("/register/complete", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="employer-error"`) {
				t.Fatalf("unknown employer %d = %d, want 422 on employer", i, res.StatusCode)
			}
		}
		form.Set("employer", abc.OrgID)
		res := c.post("/register/complete", form)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Errorf("after %d unknown employers = %d, want 429 with Retry-After", support.MaxAccountFailures, res.StatusCode)
		}
		if !strings.Contains(res.Body, `<h2>Too many unknown Org IDs; try again in`) || !strings.Contains(res.Body, `value="Uesser"`) {
			t.Error("the refused registration does not come back as the form with when to try again")
		}
		form.Set("token", link("guesser.again@abc-testing.example"))
		form.Set("employer", "ORG-GUESS-NEW-LINK")
		if res := c.post("/register/complete", form); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Errorf("a new link from the same address after %d unknown employers = %d, want 429 with Retry-After", support.MaxAccountFailures, res.StatusCode)
		}
	})
}

// TestHSTSWhenHTTPS: a portal whose base URL is https tells browsers to
// stay on HTTPS; a plain-HTTP development one does not.
func TestHSTSWhenHTTPS(t *testing.T) {
	https := newBuilt(t, sqliteStore(t), func(c *web.Config) { c.SecureCookies = true })
	if got := https.anonymous().get("/signin").Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("Strict-Transport-Security over https = %q, want max-age=31536000", got)
	}
	plain := newBuilt(t, sqliteStore(t))
	if got := plain.anonymous().get("/signin").Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("Strict-Transport-Security on plain HTTP = %q, want none", got)
	}
}

// TestSignOutEverywhere: a password change with "sign out everywhere"
// ends the other sessions and the API tokens, not this browser's; without
// it they stay.
func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Riley, Read-Only at ABC Testing Co (a direct customer), is
		// signed in in two browsers and has an API token.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		riley := e.login(e.fx.Contact(abc, desk.ReadOnly))
		here, elsewhere := e.signIn(riley), e.signIn(riley)
		token := e.apiClient(riley)
		change := func(from, to string, everywhere bool) {
			t.Helper()
			form := url.Values{"current_password": {from}, "new_password": {to}, "confirm_password": {to}}
			if everywhere {
				form.Set("sign_out_everywhere", "1")
			}
			if res := here.post("/profile/password", form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("change password = %d: %s", res.StatusCode, res.Body)
			}
		}
		change(e.passwords[riley], "a first new passphrase", false)
		if elsewhere.get("/profile").StatusCode != http.StatusOK || token.apiCall("GET", "/api/v1/me", nil).StatusCode != http.StatusOK {
			t.Fatal("a plain password change ended other sessions or tokens")
		}
		change("a first new passphrase", "a second new passphrase", true)
		if res := here.get("/profile"); res.StatusCode != http.StatusOK {
			t.Errorf("this browser after sign out everywhere = %d, want still signed in", res.StatusCode)
		}
		if res := elsewhere.get("/profile"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the other browser after sign out everywhere = %d, want 303 to sign in", res.StatusCode)
		}
		wantProblem(t, token.apiCall("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	})
}
