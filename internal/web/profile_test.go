package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
)

// TestProfilePIN: the PIN is on the contact's own profile and nowhere
// else they can see.
func TestProfilePIN(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// ABC Testing Co, a direct customer: Dana, Read-Write, its
		// Designated Approver, with a case, and Sam, Read-Write; an agent.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		e.fx.Approver(abc, danaUser)
		danasCase := e.fx.Case(danaUser)
		u := e.actor(danaUser.Email).User
		dana := e.signIn(e.login(danaUser))
		if res := dana.get("/profile"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `<strong id="pin" class="mono">`+u.PIN+`</strong>`) {
			t.Fatalf("profile = %d, want the PIN %s on it", res.StatusCode, u.PIN)
		}
		for _, path := range []string{"/cases", "/cases?list=group", "/cases/" + number(danasCase.ID), "/access-requests", "/api/v1/cases"} {
			if res := dana.get(path); strings.Contains(res.Body, u.PIN) {
				t.Errorf("%s shows the PIN", path)
			}
		}
		// Another contact's profile page is their own: never Dana's PIN.
		if res := e.signIn(e.login(e.fx.Contact(abc, desk.ReadWrite))).get("/profile"); strings.Contains(res.Body, u.PIN) {
			t.Error("another contact's profile shows Dana's PIN")
		}
		// Staff have no PIN to show.
		if res := e.signIn(e.staff(desk.RoleAgent)).get("/profile"); res.StatusCode != http.StatusOK || strings.Contains(res.Body, `id="pin"`) {
			t.Errorf("staff profile = %d, want no PIN", res.StatusCode)
		}
	})
}

// TestProfileTerms: a Read-Write grant counts as Read-Only until the
// contact accepts the Designated Contact terms.
func TestProfileTerms(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// A portal admin; ABC Testing Co, a direct customer, with Riley,
		// Read-Only, who has not accepted the terms; the admin makes Riley
		// Read-Write.
		ctx := context.Background()
		admin := e.actor(e.fx.Staff([]desk.Role{desk.RolePortalAdmin, desk.RoleAgent}).Email)
		abc := e.fx.Company("ABC Testing Co")
		abcCombo := fixture.Combination(e.fx.Contract(abc))
		riley := e.fx.Contact(abc, desk.ReadOnly)
		err := e.svc.Access().SetGrant(ctx, support.Request{Actor: admin}, desk.Grant{ContactID: riley.ID, Combination: abcCombo, Level: desk.ReadWrite})
		if err != nil {
			t.Fatal(err)
		}
		c := e.signIn(e.login(riley))
		res := c.get("/profile")
		if !strings.Contains(res.Body, "until you accept the Designated Contact terms") || strings.Contains(res.Body, `id="terms-accepted"`) {
			t.Fatal("profile does not explain that Read-Write waits for the terms")
		}
		if res := c.get("/cases/new"); !strings.Contains(res.Body, "You are not a Designated Contact") {
			t.Error("a contact who has not accepted the terms may open cases")
		}
		if res := c.post("/profile/terms", url.Values{}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Tick the box") {
			t.Errorf("terms without the box = %d, want 422", res.StatusCode)
		}
		if res := c.post("/profile/terms", url.Values{"accept": {"on"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept terms = %d", res.StatusCode)
		}
		res = c.get("/profile")
		if !strings.Contains(res.Body, `id="terms-accepted"`) || !strings.Contains(res.Body, "Read-Write (Designated Contact)") {
			t.Error("after accepting, the profile does not show the terms and Read-Write")
		}
		if res := c.get("/cases/new"); strings.Contains(res.Body, "You are not a Designated Contact") {
			t.Error("after accepting the terms the contact still cannot open cases")
		}
	})
}

// TestProfileDetailsAndPassword: a contact corrects their details (a bad
// form names each bad field) and changes their password, which then signs
// them in.
func TestProfileDetailsAndPassword(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Sam of ABC Testing Co, Read-Write.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		samEmail := e.login(e.fx.Contact(abc, desk.ReadWrite))
		password := e.passwords[samEmail]
		c := e.signIn(samEmail)
		res := c.post("/profile", url.Values{"first_name": {""}, "last_name": {"Second"}, "country": {"US"}, "phone": {"call me"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="first_name-error"`) || !strings.Contains(res.Body, `id="phone-error"`) {
			t.Fatalf("bad details = %d, want 422 naming first name and phone", res.StatusCode)
		}
		if res := c.post("/profile", url.Values{"first_name": {"Samuel"}, "last_name": {"Second"}, "country": {"US"}, "phone": {"+1 555 0199"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save details = %d: %s", res.StatusCode, res.Body)
		}
		if res := c.get("/profile"); !strings.Contains(res.Body, `value="Samuel"`) {
			t.Error("saved first name not shown")
		}

		bad := url.Values{"current_password": {"wrong password!"}, "new_password": {"a brand new secret"}, "confirm_password": {"a brand new secret"}}
		if res := c.post("/profile/password", bad); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "not your current password") {
			t.Fatalf("wrong current password = %d", res.StatusCode)
		}
		mismatch := url.Values{"current_password": {password}, "new_password": {"a brand new secret"}, "confirm_password": {"another secret!!"}}
		if res := c.post("/profile/password", mismatch); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("mismatched new passwords = %d", res.StatusCode)
		}
		good := url.Values{"current_password": {password}, "new_password": {"a brand new secret"}, "confirm_password": {"a brand new secret"}}
		if res := c.post("/profile/password", good); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("change password = %d: %s", res.StatusCode, res.Body)
		}
		res = e.anonymous().post("/signin", url.Values{"email": {samEmail}, "password": {"a brand new secret"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("sign in with the new password = %d", res.StatusCode)
		}
	})
}

// TestProfileAPITokens: a token's secret is shown once, works on the API
// until revoked, and never appears again.
func TestProfileAPITokens(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// ABC Testing Co, a direct customer: Dana and Sam, Read-Write.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		dana := e.fx.Contact(abc, desk.ReadWrite, func(u *desk.User) { u.Phone = "020 7946 0958" })
		c := e.signIn(e.login(dana))
		if res := c.post("/profile/tokens", url.Values{"name": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("unnamed token = %d, want 422", res.StatusCode)
		}
		// The POST redirects, so a reload of the page that shows the
		// secret makes no second token.
		res := c.post("/profile/tokens", url.Values{"name": {"nightly export"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/profile" {
			t.Fatalf("create token = %d to %q, want 303 to /profile", res.StatusCode, res.Header.Get("Location"))
		}
		res = c.get("/profile")
		m := regexp.MustCompile(`id="new-token-secret">([^<]+)<`).FindStringSubmatch(res.Body)
		if res.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("profile after creating a token = %d, want the secret on the page", res.StatusCode)
		}
		secret := m[1]
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Error("the page with the secret may be cached")
		}
		// The page with the secret shows the saved details, not an empty
		// form that would clear them when saved.
		for _, want := range []string{`name="first_name" value="` + dana.FirstName + `"`, `name="phone" type="tel" value="` + dana.Phone + `"`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the page with the new token lacks %s", want)
			}
		}
		if res := c.get("/profile"); strings.Contains(res.Body, secret) || !strings.Contains(res.Body, "nightly export") {
			t.Error("the profile shows the secret again, or not the token's name")
		}
		if n := strings.Count(c.get("/profile").Body, "/revoke\""); n != 1 {
			t.Errorf("the profile lists %d tokens, want 1", n)
		}
		// Another user's browser holding the cookie shows nothing.
		sam := e.signIn(e.login(e.fx.Contact(abc, desk.ReadWrite)))
		sam.c.Jar.SetCookies(res.Request.URL, []*http.Cookie{{Name: "caseport_new_token", Path: "/profile", Value: url.QueryEscape(itoa(dana.ID) + ":" + secret + ":nightly export")}})
		if strings.Contains(sam.get("/profile").Body, secret) {
			t.Error("another user's profile shows Dana's new token")
		}
		if res := e.bearer(secret).get("/api/v1/me"); res.StatusCode != http.StatusOK {
			t.Fatalf("API with the new token = %d", res.StatusCode)
		}
		tokenID := regexp.MustCompile(`/profile/tokens/(\d+)/revoke`).FindStringSubmatch(c.get("/profile").Body)[1]
		if res := c.post("/profile/tokens/"+tokenID+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke = %d", res.StatusCode)
		}
		if res := e.bearer(secret).get("/api/v1/me"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("API with a revoked token = %d, want 401", res.StatusCode)
		}
		// Someone else cannot revoke it (it is not theirs to see).
		if res := e.signIn(e.login(e.fx.Contact(abc, desk.ReadWrite))).post("/profile/tokens/"+tokenID+"/revoke", nil); res.StatusCode == http.StatusSeeOther {
			t.Error("another user revoked Dana's token")
		}
	})
}

// TestAccessRequestFlow: a contact asks for more, a Designated Approver of
// the Sold To decides once; others cannot see or decide it.
func TestAccessRequestFlow(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// ABC Testing Co, a direct customer: Dana, Read-Write, its
		// Designated Approver, and Riley Readonly, Read-Only, who has not
		// accepted the terms. Northwind Partners sells Contoso: Pat of
		// Northwind, Read-Write there, is Northwind's Designated Approver.
		abc, northwind, contoso := e.fx.Company("ABC Testing Co"), e.fx.Company("Northwind Partners"), e.fx.Company("Contoso")
		e.fx.Contract(abc)
		viaNorthwind := fixture.Combination(e.fx.Contract(contoso, fixture.PartnerOf(northwind)))
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		e.fx.Approver(abc, danaUser)
		rileyEmail := e.login(e.fx.Contact(abc, desk.ReadOnly, fixture.Named("Riley", "Readonly")))
		patUser := e.fx.Contact(northwind, desk.NoAccess, fixture.AcceptedTerms)
		e.fx.Grant(patUser, viaNorthwind, desk.ReadWrite)
		e.fx.Approver(northwind, patUser)
		patEmail := e.login(patUser)
		riley := e.signIn(rileyEmail)
		combo := itoa(abc.ID) + "-" + itoa(abc.ID)
		if res := riley.post("/profile/access", url.Values{"combination": {combo}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Choose the access level") {
			t.Fatalf("request without a level = %d, want 422", res.StatusCode)
		}
		if res := riley.post("/profile/access", url.Values{"combination": {"other"}, "sold_to": {" "}, "end_user": {abc.OrgID}, "level": {"read_only"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="sold_to-error"`) {
			t.Fatalf("request without a Sold To Org ID = %d, want 422 on sold_to", res.StatusCode)
		}
		res := riley.post("/profile/access", url.Values{"combination": {combo}, "level": {"read_write"}, "reason": {"I cover for Dana"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("request access = %d: %s", res.StatusCode, res.Body)
		}
		if res := riley.get("/profile"); !strings.Contains(res.Body, "Waiting for an approver") {
			t.Error("the profile does not show the pending request")
		}

		dana := e.signIn(e.login(danaUser)) // Designated Approver of ABC Testing Co
		res = dana.get("/access-requests?state=pending")
		m := regexp.MustCompile(`href="/access-requests/(\d+)"`).FindStringSubmatch(res.Body)
		if m == nil || !strings.Contains(res.Body, "Riley Readonly") {
			t.Fatalf("the approver does not see Riley's request")
		}
		path := "/access-requests/" + m[1]
		// Neither another customer's approver nor the requester may decide.
		for _, who := range []string{patEmail, rileyEmail} {
			c := e.signIn(who)
			if res := c.post(path+"/decision", url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s deciding = %d, want 404", who, res.StatusCode)
			}
		}
		if res := e.signIn(patEmail).get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("another company's approver sees the request: %d", res.StatusCode)
		}
		if res := dana.post(path+"/decision", url.Values{"decision": {"maybe"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("decision maybe = %d, want 422", res.StatusCode)
		}
		if res := dana.post(path+"/decision", url.Values{"decision": {"approve"}, "note": {"Welcome"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve = %d: %s", res.StatusCode, res.Body)
		}
		// Decided once: a second answer is refused with the reason.
		res = dana.post(path+"/decision", url.Values{"decision": {"reject"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("second decision = %d, want a redirect with the reason", res.StatusCode)
		}
		if res := dana.get(path); !strings.Contains(res.Body, "Approved") || strings.Contains(res.Body, `id="decide-form"`) {
			t.Error("the decided request still offers a decision")
		}
		if res := riley.get("/profile"); !strings.Contains(res.Body, "until you accept the Designated Contact terms") {
			t.Error("after approval Riley's profile does not show the Read-Write grant waiting for the terms")
		}
	})
}

// TestRegistration walks "Request My Support account" from the email to
// the access request.
func TestRegistration(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// ABC Testing Co, a direct customer, with Dana, Read-Write, its
		// Designated Approver; Jo, who works there, has no account yet.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		e.fx.Approver(abc, danaUser)
		c := e.anonymous()
		for _, bad := range []string{"someone@gmail.com", "support@abc-testing.example", "not an address"} {
			if res := c.post("/register", url.Values{"email": {bad}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="email-error"`) {
				t.Errorf("register %q = %d, want 422 with the reason", bad, res.StatusCode)
			}
		}
		email := "jo.new@abc-testing.example"
		// The answer is a redirect, so a reload sends no second email.
		res := c.post("/register", url.Values{"email": {email}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/register?sent" {
			t.Fatalf("register = %d to %q, want 303 to /register?sent", res.StatusCode, res.Header.Get("Location"))
		}
		sent := c.get("/register?sent")
		if !strings.Contains(sent.Body, `id="register-sent"`) || !strings.Contains(sent.Body, "We have sent a link to "+email) {
			t.Fatal("the page after registering does not say the link was sent, and where")
		}
		if res := c.get("/register?sent"); !strings.Contains(res.Body, `id="register-sent"`) || strings.Contains(res.Body, `id="email"`) {
			t.Error("a reload of the page after registering does not keep saying the link was sent")
		}
		// An address with an account gets the same answer on the page.
		if res := c.post("/register", url.Values{"email": {danaUser.Email}}); res.Header.Get("Location") != "/register?sent" ||
			!strings.Contains(c.get("/register?sent").Body, "We have sent a link to "+danaUser.Email) {
			t.Error("registering an existing address answers differently")
		}
		mails, err := e.store.Notifications(context.Background(), email, 1)
		if err != nil || len(mails) != 1 {
			t.Fatalf("verification email: %v, %v", mails, err)
		}
		token := regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(mails[0].Body)[1]
		if res := c.get("/register/complete?token=nope"); res.StatusCode != http.StatusGone {
			t.Errorf("a bad link = %d, want 410", res.StatusCode)
		}
		if res := c.get("/register/complete?token=" + token); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, email) {
			t.Fatalf("registration form = %d", res.StatusCode)
		}
		form := url.Values{
			"token": {token}, "first_name": {"Jo"}, "last_name": {"New"}, "country": {"US"},
			"employer": {abc.OrgID}, "sold_to": {abc.OrgID}, "end_user": {"ORG-9999"},
			"level": {"read_only"}, "password": {"jo's long password"}, "confirm_password": {"jo's long password"},
		}
		form.Set("end_user", "")
		if res := c.post("/register/complete", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="end_user-error"`) {
			t.Fatalf("no End User = %d, want 422 on end_user", res.StatusCode)
		}
		form.Set("end_user", abc.OrgID)
		if res := c.post("/register/complete", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("complete registration = %d: %s", res.StatusCode, res.Body)
		}
		if res := c.post("/register/complete", form); res.StatusCode != http.StatusGone {
			t.Errorf("the link works twice: %d", res.StatusCode)
		}
		jo := e.anonymous()
		if res := jo.post("/signin", url.Values{"email": {email}, "password": {"jo's long password"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in as the new contact = %d", res.StatusCode)
		}
		if res := jo.get("/profile"); !strings.Contains(res.Body, "Waiting for an approver") {
			t.Error("the new contact's request is not on their profile")
		}
		if res := e.signIn(e.login(danaUser)).get("/access-requests?state=pending"); !strings.Contains(res.Body, "Jo New") {
			t.Error("the approver does not see the new contact's request")
		}
	})
}

// TestRequestForTheLevelHeld: asking for the level one already holds on a
// Sold To and End User is refused on the level, by the combination's list,
// by its Org IDs and in the API, and nothing is filed.
func TestRequestForTheLevelHeld(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		e.fx.Approver(abc, danaUser)
		email := e.login(danaUser)
		dana := e.signIn(email)
		const want = "You already have Read-Write (Designated Contact) for this Sold To and End User."
		for _, form := range []url.Values{
			{"combination": {itoa(abc.ID) + "-" + itoa(abc.ID)}, "level": {"read_write"}},
			{"combination": {"other"}, "sold_to": {abc.OrgID}, "end_user": {abc.OrgID}, "level": {"read_write"}},
		} {
			res := dana.post("/profile/access", form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="level-error">`+want+`</p>`) {
				t.Errorf("request for Read-Write held (%v) = %d, want 422 on the level", form, res.StatusCode)
			}
		}
		p := wantProblem(t, e.apiClient(email).apiCall("POST", "/api/v1/access-requests", map[string]any{
			"sold_to_org_id": abc.OrgID, "end_user_org_id": abc.OrgID, "level": "read_write",
		}), http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Field != "level" || p.Errors[0].Message != want {
			t.Errorf("API request for the level held: %+v", p.Errors)
		}
		if page := dana.get("/profile").Body; strings.Contains(page, "Approved at once") || strings.Contains(page, "Your requests") {
			t.Error("a request for the level held was filed")
		}
		// Stepping down is a request like any other.
		if res := dana.post("/profile/access", url.Values{"combination": {itoa(abc.ID) + "-" + itoa(abc.ID)}, "level": {"read_only"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("request for Read-Only = %d, want 303", res.StatusCode)
		}
	})
}

// TestApproverWarnedOfEndedContract: an approver deciding a request for
// Read-Write on a Sold To and End User whose every contract has ended is
// told it counts as Read-Only until a contract is active; on an active one
// they are not.
func TestApproverWarnedOfEndedContract(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Northwind sells Fabrikam (ended) and Contoso (running); Pat is
		// Northwind's Designated Approver, Nico works at Northwind.
		northwind, fabrikam, contoso := e.fx.Company("Northwind Partners"), e.fx.Company("Fabrikam"), e.fx.Company("Contoso")
		ended := fixture.Combination(e.fx.Contract(fabrikam, fixture.PartnerOf(northwind), fixture.Ended(30)))
		running := fixture.Combination(e.fx.Contract(contoso, fixture.PartnerOf(northwind)))
		pat := e.fx.Contact(northwind, desk.NoAccess, fixture.AcceptedTerms)
		e.fx.Approver(northwind, pat)
		nico := e.fx.Contact(northwind, desk.NoAccess, fixture.AcceptedTerms)
		approver := e.signIn(e.login(pat))
		for _, tt := range []struct {
			combo desk.Combination
			warn  bool
		}{{ended, true}, {running, false}} {
			e.fx.Grant(nico, tt.combo, desk.ReadOnly)
			req, err := e.svc.Access().RequestAccess(context.Background(), support.Request{Actor: e.actor(nico.Email)}, tt.combo, desk.ReadWrite, "I run the night shift")
			if err != nil {
				t.Fatal(err)
			}
			page := approver.get("/access-requests/" + itoa(req.ID)).Body
			if got := strings.Contains(page, `id="no-active-contract"`) && strings.Contains(page, "counts as Read-Only until a contract is active"); got != tt.warn {
				t.Errorf("request on %v: the approver is warned of no active contract = %v, want %v", tt.combo, got, tt.warn)
			}
		}
	})
}
