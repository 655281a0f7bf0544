package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
)

// TestProfileFormsAfterARefusal: the profile page holds several forms. One
// refused keeps what was typed in it and the others keep what is saved; a
// sixth access request within the hour comes back as the form, with when
// to try again above it.
func TestProfileFormsAfterARefusal(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Dana Designated, Read-Write at ABC Testing Co (a direct customer),
		// asks for access on her profile page.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		dana := e.signIn(e.login(e.fx.Contact(abc, desk.ReadWrite, fixture.Named("Dana", "Designated"))))
		other := func(soldTo string) url.Values {
			return url.Values{"combination": {"other"}, "sold_to": {soldTo}, "end_user": {"ORG-9998"}, "level": {"read_only"}, "reason": {"For the new site."}}
		}
		res := dana.post("/profile/access", url.Values{"combination": {"other"}, "sold_to": {"ORG-9999"}, "reason": {"For the new site."}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="end_user-error"`) {
			t.Fatalf("a request without End User = %d", res.StatusCode)
		}
		for _, want := range []string{`value="ORG-9999"`, "For the new site.", `id="first_name" name="first_name" value="Dana"`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("after a refused access request the page lacks %s", want)
			}
		}
		for i := range support.MaxAccessRequests {
			if res := dana.post("/profile/access", other(fmt.Sprintf("ORG-99%d", i))); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("request %d = %d", i+1, res.StatusCode)
			}
		}
		res = dana.post("/profile/access", other("ORG-4242"))
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("the sixth request = %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
		}
		if !regexp.MustCompile(`<h2>You asked for access 5 times in the last hour; try again in \d+ minutes\.</h2>`).MatchString(res.Body) ||
			!strings.Contains(res.Body, `value="ORG-4242"`) || !strings.Contains(res.Body, `id="request-access"`) {
			t.Errorf("the sixth request does not come back as the form with when to try again:\n%s", res.Body)
		}
		if hint := fmt.Sprintf("At least %d characters.", desk.MinPasswordLength); !strings.Contains(res.Body, hint) {
			t.Errorf("the password hint is not %q", hint)
		}
	})
}

// TestEscalationFormsKeepTheirText: the escalation's forms all post
// "text"; a refused one shows its message beside its own box, keeps what
// was typed there, and the error summary links to that box.
func TestEscalationFormsKeepTheirText(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Dana, Read-Write at ABC Testing Co (a direct customer), escalates
		// her Medium case, opened through the service; an escalation owner
		// rejects the escalation.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		n := e.open(danaUser, desk.PriorityMedium).Number()
		dana := e.signIn(e.login(danaUser))
		if res := dana.post("/cases/"+n+"/escalate", url.Values{"reason": {"business_impact"}, "details": {"All agents affected."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("escalate = %d", res.StatusCode)
		}
		res := dana.post("/cases/"+n+"/escalation/note", url.Values{"text": {"Site two too\x01"}})
		if res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, `<a href="#escalation-text">`) || !strings.Contains(res.Body, `id="escalation-text-error"`) ||
			!strings.Contains(res.Body, `name="text" rows="2">Site two too`) {
			t.Errorf("a refused note = %d, without its message beside its box or what was typed", res.StatusCode)
		}
		if res := dana.post("/cases/"+n+"/escalation/note", url.Values{"text": {" "}}); !strings.Contains(res.Body, "Write your update to the escalation.") {
			t.Error("an empty note does not say which update is missing")
		}
		owner := e.signIn(e.staff(desk.RoleEscalationOwner, desk.RoleAgent))
		res = owner.post("/cases/"+n+"/escalation/reject", url.Values{"text": {""}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="reject-text-error"`) || strings.Contains(res.Body, `id="escalation-text-error"`) {
			t.Errorf("a reject without reasons = %d, its message not beside the reject form", res.StatusCode)
		}
	})
}

// TestRegistrationListsEveryProblem: the registration form names every
// missing field at once, the person's own fields with the others.
func TestRegistrationListsEveryProblem(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Lee registers as an employee of ABC Testing Co, a company with a
		// Service Contract.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		c := e.anonymous()
		token := startRegistration(t, e, c, "lee.new@abc-testing.example")
		res := c.post("/register/complete", url.Values{
			"token": {token}, "first_name": {"Lee"}, "country": {"US"}, "employer": {abc.OrgID}, "end_user": {abc.OrgID},
			"password": {"short"}, "confirm_password": {"short"},
		})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("an incomplete registration = %d", res.StatusCode)
		}
		for _, field := range []string{"last_name", "sold_to", "level", "password"} {
			if !strings.Contains(res.Body, `id="`+field+`-error"`) {
				t.Errorf("the refused registration has no message for %s", field)
			}
		}
		// A first name too long and passwords that differ hide nothing
		// either, and the link still works afterwards.
		res = c.post("/register/complete", url.Values{
			"token": {token}, "first_name": {strings.Repeat("L", 201)}, "country": {"US"}, "employer": {abc.OrgID}, "end_user": {abc.OrgID},
			"password": {"a long enough secret"}, "confirm_password": {"another long secret"},
		})
		for _, field := range []string{"first_name", "last_name", "sold_to", "level", "confirm_password"} {
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="`+field+`-error"`) {
				t.Errorf("the registration with a long name and differing passwords = %d, no message for %s", res.StatusCode, field)
			}
		}
		res = c.post("/register/complete", url.Values{
			"token": {token}, "first_name": {"Lee"}, "last_name": {"New"}, "country": {"US"}, "employer": {abc.OrgID},
			"sold_to": {abc.OrgID}, "end_user": {abc.OrgID}, "level": {"read_only"},
			"password": {"a long enough secret"}, "confirm_password": {"a long enough secret"},
		})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("the registration once right = %d, want it done with the same link", res.StatusCode)
		}
	})
}

// TestPagesSayWhatToDo: a few words that tell a person what happens next.
func TestPagesSayWhatToDo(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// A portal admin adds a contact to ABC Testing Co (a direct
		// customer); its Read-Write contacts Dana and Sam post a profile
		// too large and sign in wrongly.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		dana, sam := e.login(e.fx.Contact(abc, desk.ReadWrite)), e.login(e.fx.Contact(abc, desk.ReadWrite))
		admin := e.signIn(e.staff(desk.RolePortalAdmin, desk.RoleAgent))
		if res := admin.get("/console/contacts/new?company=" + itoa(abc.ID)); !strings.Contains(res.Body, "We email the contact a link to choose a password") {
			t.Error("the new contact form does not say the contact gets a link")
		}
		big := url.Values{"first_name": {strings.Repeat("a", 1<<20)}}
		if res := e.signIn(dana).post("/profile", big); res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "larger than 1 MB.</p>") {
			t.Errorf("a form over 1 MB = %d, its message not a sentence", res.StatusCode)
		}
		// Sign-in slowed down: the wait is the form's heading, not a
		// message about the email field.
		c := e.anonymous()
		wrong := url.Values{"email": {sam}, "password": {"not the password"}}
		for range 5 {
			c.post("/signin", wrong)
		}
		res := c.post("/signin", wrong)
		if res.StatusCode != http.StatusTooManyRequests ||
			!regexp.MustCompile(`<h2>Too many failed sign-ins for this account; try again in \d+ minutes?\. Or reset your password\.</h2>`).MatchString(res.Body) ||
			!strings.Contains(res.Body, `value="`+sam+`"`) {
			t.Errorf("a slowed-down sign-in = %d, without the wait as its heading or the email typed", res.StatusCode)
		}
	})
}

// TestUnmatchedRequestOffersOnlyReject: a request whose Org IDs no
// Service Contract joins has nothing to approve; its page says what to do
// instead and offers only Reject.
func TestUnmatchedRequestOffersOnlyReject(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		// Dana, Read-Write at ABC Testing Co (a direct customer), asks for
		// access by Org IDs that name no company; a portal admin reads the
		// request.
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		dana := e.signIn(e.login(danaUser))
		if res := dana.post("/profile/access", url.Values{"combination": {"other"}, "sold_to": {"ORG-7777"}, "end_user": {"ORG-8888"}, "level": {"basic"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("request = %d", res.StatusCode)
		}
		admin := e.signIn(e.staff(desk.RolePortalAdmin, desk.RoleAgent))
		m := regexp.MustCompile(`href="/access-requests/(\d+)"`).FindStringSubmatch(admin.get("/access-requests").Body)
		if m == nil {
			t.Fatal("the access requests list has no request")
		}
		page := admin.get("/access-requests/" + m[1]).Body
		if strings.Contains(page, `id="approve"`) || !strings.Contains(page, `id="reject"`) ||
			!strings.Contains(page, `href="/console/contacts/`+itoa(danaUser.ID)+`"`) {
			t.Error("the unmatched request's page offers Approve, or no Reject, or no way to the contact's page")
		}
	})
}
