package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// The demo's announcements (internal/demo): one for everyone, one for the
// Voice Platform's customers, one for ABC Testing Co.
const (
	holidays = "Customer Care hours over the holidays"
	sip914   = "Signalling Server 9.1.4: maintenance release for dropped transfers"
	renewal  = "ABC Testing Co: your Service Contract renewal"
)

// signInTo posts the sign-in form with next and returns the client and
// where it was sent.
func signInTo(e *env, email, next string) (*client, string) {
	e.t.Helper()
	c := e.anonymous()
	form := url.Values{"email": {email}, "password": {demo.Password}}
	if next != "" {
		form.Set("next", next)
	}
	res := c.post("/signin", form)
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: %d, want 303", email, res.StatusCode)
	}
	return c, res.Header.Get("Location")
}

// continueFrom reads the announcements page at to and presses Continue to
// your Dashboard, returning the page's body and where Continue went.
func continueFrom(e *env, c *client, to string) (string, string) {
	e.t.Helper()
	page := c.get(to)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Continue to your Dashboard") {
		e.t.Fatalf("GET %s = %d, want the announcements with Continue to your Dashboard\n%.400s", to, page.StatusCode, page.Body)
	}
	form := url.Values{}
	for _, part := range strings.Split(page.Body, `name="seen" value="`)[1:] {
		id, _, _ := strings.Cut(part, `"`)
		form.Add("seen", id)
	}
	_, after, _ := strings.Cut(page.Body, `name="next" value="`)
	next, _, _ := strings.Cut(after, `"`)
	form.Set("next", strings.ReplaceAll(next, "&amp;", "&"))
	res := c.post("/announcements/seen", form)
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("Continue to your Dashboard = %d, want 303", res.StatusCode)
	}
	return page.Body, res.Header.Get("Location")
}

// TestAnnouncementsAtSignInThenHome: after sign-in a contact reads the
// announcements in force for them first, once each, then lands on My
// Support with their counts, the tiles and the recent announcements;
// next survives the detour; staff go straight to the queue.
func TestAnnouncementsAtSignInThenHome(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		c, to := signInTo(e, demo.Designated, "")
		if to != "/announcements?next=%2Fhome" {
			t.Fatalf("Dana signs in to %q, want the announcements first, then /home", to)
		}
		body, next := continueFrom(e, c, to)
		for _, title := range []string{holidays, sip914, renewal} {
			if !strings.Contains(body, title) {
				t.Errorf("Dana is not shown %q at sign-in", title)
			}
		}
		if !strings.Contains(body, "<strong>24 December and 2 January</strong>") {
			t.Error("the announcement's Markdown is not rendered")
		}
		if next != "/home" {
			t.Errorf("Continue to your Dashboard goes to %q, want /home", next)
		}
		// Once per user: the next sign-in lands on the dashboard.
		c, to = signInTo(e, demo.Designated, "")
		if to != "/home" {
			t.Errorf("Dana's second sign-in goes to %q, want /home: the announcements were shown", to)
		}
		if res := c.get("/announcements?next=%2Fprofile"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/profile" {
			t.Errorf("the announcements page with nothing unseen = %d to %q, want 303 to /profile", res.StatusCode, res.Header.Get("Location"))
		}
		home := c.get("/home")
		if home.StatusCode != http.StatusOK {
			t.Fatalf("GET /home = %d", home.StatusCode)
		}
		for _, want := range []string{
			`id="home-q"`, `id="count-my-cases"`, `id="count-group-cases"`, `id="tile-cases"`, `id="tile-open-case"`,
			`id="tile-knowledge"`, `href="/coming/downloads"`, `href="/coming/community"`, `href="/coming/ideas"`,
			`href="/knowledge?type=tech_tutorial"`, `id="recent-announcements"`, `id="alert-updates"`, holidays, renewal,
			`<a href="/cases"`, "My Cases open", "Group Cases open",
		} {
			if !strings.Contains(home.Body, want) {
				t.Errorf("My Support does not show %s", want)
			}
		}
		// The counts are the lists' own.
		page, err := e.svc.Cases().List(context.Background(), support.Request{Actor: e.actor(demo.Designated)}, desk.CaseFilter{List: desk.GroupCases, Limit: desk.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		if want := `<span class="home-count-n">` + strconv.Itoa(len(page.Cases)) + `</span> <span>Group Cases open`; !strings.Contains(home.Body, want) {
			t.Errorf("My Support does not count %d Group Cases open", len(page.Cases))
		}
		if res := e.signIn(demo.ReadOnly).get("/home"); strings.Contains(res.Body, `id="tile-open-case"`) || strings.Contains(res.Body, `id="count-my-cases"`) {
			t.Error("a Read-Only contact is offered Open Case or an empty My Cases on My Support")
		}
		// next is kept through the announcements.
		caseURL := "/cases/" + number(e.world.Cases["abc-investigation"])
		c, to = signInTo(e, demo.Designated2, caseURL)
		if to != "/announcements?next="+url.QueryEscape(caseURL) {
			t.Fatalf("Sam signs in with next=%s to %q", caseURL, to)
		}
		if _, next := continueFrom(e, c, to); next != caseURL {
			t.Errorf("Continue goes to %q, want next %s", next, caseURL)
		}
		// Staff land on the queue, announcements or not; / sends each home.
		if _, to := signInTo(e, demo.Admin, ""); to != "/console" {
			t.Errorf("the portal admin signs in to %q, want /console", to)
		}
		if res := c.get("/"); res.Header.Get("Location") != "/home" {
			t.Errorf("/ sends a contact to %q, want /home", res.Header.Get("Location"))
		}
		if res := c.get("/coming/downloads"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `id="coming-soon"`) {
			t.Errorf("GET /coming/downloads = %d, want the page saying it is coming", res.StatusCode)
		}
		if res := c.get("/coming/everything"); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET /coming/everything = %d, want 404", res.StatusCode)
		}
	})
}

// TestAnnouncementAudiences: a contact sees the announcements of their
// audience only: another company's does not reach them, nor one of a
// product line their contracts in force do not cover.
func TestAnnouncementAudiences(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		for _, tt := range []struct {
			email     string
			see, miss []string
		}{
			{demo.Designated, []string{holidays, sip914, renewal}, nil},
			// Contoso (Northwind's End User) holds Signalling Server: not ABC's news.
			{demo.EndUserRO, []string{holidays, sip914}, []string{renewal}},
			// Fabrikam's contract, with IVR of the Voice Platform, ended.
			{demo.ExpiredRO, []string{holidays}, []string{sip914, renewal}},
		} {
			c, to := signInTo(e, tt.email, "")
			body, _ := continueFrom(e, c, to)
			home := c.get("/home").Body
			for _, title := range tt.see {
				if !strings.Contains(body, title) || !strings.Contains(home, title) {
					t.Errorf("%s is not shown %q at sign-in and on My Support", tt.email, title)
				}
			}
			for _, title := range tt.miss {
				if strings.Contains(body, title) || strings.Contains(home, title) {
					t.Errorf("%s is shown %q, which is not for them", tt.email, title)
				}
			}
			var list []struct{ Title string }
			res := e.apiClient(tt.email).apiCall("GET", "/api/v1/announcements", nil)
			if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
				t.Fatalf("GET /api/v1/announcements as %s: %d %v", tt.email, res.StatusCode, err)
			}
			if len(list) != len(tt.see) {
				t.Errorf("the API gives %s %d announcements, want %d: %+v", tt.email, len(list), len(tt.see), list)
			}
		}
	})
}

// TestManageAnnouncements: a portal admin writes, changes and deletes
// announcements in the console and through the API; a new one is shown
// at the next sign-in of those it is for; bad input is told field by
// field; anyone else is refused.
func TestManageAnnouncements(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		// Casey has read what is in force.
		casey, to := signInTo(e, demo.EndUserRO, "")
		continueFrom(e, casey, to)

		admin := e.apiClient(demo.Admin)
		starts := e.clock.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
		res := admin.apiCall("POST", "/api/v1/announcements", map[string]any{
			"title": "Contoso: planned network work", "body": "The **Frankfurt** site is moved on Saturday.",
			"audience": "company", "company_id": e.world.Contoso, "starts": starts,
		})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("POST /api/v1/announcements = %d\n%s", res.StatusCode, res.Body)
		}
		var made struct{ ID int64 }
		if err := json.Unmarshal([]byte(res.Body), &made); err != nil || made.ID == 0 {
			t.Fatalf("the answer names no announcement: %s", res.Body)
		}
		path := "/api/v1/announcements/" + itoa(made.ID)
		if res := admin.apiCall("PATCH", path, map[string]any{"title": "Contoso: network work on Saturday"}); res.StatusCode != http.StatusOK ||
			!strings.Contains(res.Body, `"title":"Contoso: network work on Saturday"`) || !strings.Contains(res.Body, `"audience":"company"`) {
			t.Errorf("PATCH %s = %d %s", path, res.StatusCode, res.Body)
		}
		// Casey is shown the new one, once; Dana (ABC) is not.
		c, to := signInTo(e, demo.EndUserRO, "")
		if body, _ := continueFrom(e, c, to); !strings.Contains(body, "Contoso: network work on Saturday") || strings.Contains(body, holidays) {
			t.Errorf("Casey's next sign-in does not show only the new announcement")
		}
		dana, to := signInTo(e, demo.Designated, "")
		if body, _ := continueFrom(e, dana, to); strings.Contains(body, "Contoso: network") {
			t.Error("ABC's Dana is shown Contoso's announcement")
		}

		// Bad input, field by field, and nothing saved.
		res = admin.apiCall("POST", "/api/v1/announcements", map[string]any{"title": " ", "body": "x", "audience": "product_line", "starts": "soon"})
		for _, want := range []string{`"field":"title"`, `"field":"product_line_id"`, `"field":"starts"`} {
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, want) {
				t.Errorf("a bad announcement = %d, want 422 naming %s\n%s", res.StatusCode, want, res.Body)
			}
		}
		page := e.signIn(demo.Admin)
		form := url.Values{"title": {""}, "body": {"Text"}, "audience": {"support_level"}, "starts": {"tomorrow"}, "ends": {""}}
		res = page.post("/console/announcements", form)
		for _, want := range []string{`id="title-error"`, `id="level-error"`, `id="starts-error">Write the moment as a date and time`} {
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, want) {
				t.Errorf("the console's form with bad input = %d, want 422 with %s", res.StatusCode, want)
			}
		}
		form = url.Values{
			"title": {"Premium Care: new hotline"}, "body": {"Call **+1 555 0100**."}, "audience": {"support_level"},
			"level": {"premium_care"}, "starts": {"2026-01-05T09:00"}, "ends": {"2026-01-04T09:00"},
		}
		if res := page.post("/console/announcements", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="ends-error"`) {
			t.Errorf("an end before the start = %d, want 422 on ends", res.StatusCode)
		}
		form.Set("ends", "")
		if res := page.post("/console/announcements", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the console's form = %d, want 303", res.StatusCode)
		}
		list := page.get("/console/announcements")
		if !strings.Contains(list.Body, "Premium Care: new hotline") || !strings.Contains(list.Body, "A support level: Premium Care") {
			t.Error("the console's list does not show the new announcement and whom it is for")
		}
		if !strings.Contains(page.get("/console").Body, `href="/console/announcements"`) {
			t.Error("the console's navigation does not lead to Announcements")
		}

		// Others are refused; the admin deletes.
		for _, email := range []string{demo.Agent, demo.Editor, demo.Designated} {
			if res := e.apiClient(email).apiCall("DELETE", path, nil); res.StatusCode != http.StatusForbidden {
				t.Errorf("DELETE %s as %s = %d, want 403", path, email, res.StatusCode)
			}
			if res := e.apiClient(email).apiCall("POST", "/api/v1/announcements", map[string]any{"title": "Mine"}); res.StatusCode != http.StatusForbidden {
				t.Errorf("POST /api/v1/announcements as %s = %d, want 403", email, res.StatusCode)
			}
		}
		if res := e.signIn(demo.Agent).post("/console/announcements", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("the console's form as an agent = %d, want 403", res.StatusCode)
		}
		if res := admin.apiCall("DELETE", path, nil); res.StatusCode != http.StatusNoContent {
			t.Errorf("DELETE %s = %d, want 204", path, res.StatusCode)
		}
		if res := admin.apiCall("PATCH", path, map[string]any{"title": "Gone"}); res.StatusCode != http.StatusNotFound {
			t.Errorf("PATCH of a deleted announcement = %d, want 404", res.StatusCode)
		}
	})
}
