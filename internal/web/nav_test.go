package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// TestNavigationAsksTheActionsOfItsPages: a menu item shows for whoever
// may take the action its page needs: Open a Case (and the case list's
// button) for whoever may open a case on one of their combinations, not a
// Read-Only or Basic contact; Service levels for every member of staff,
// who may read them.
func TestNavigationAsksTheActionsOfItsPages(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		const (
			openCase      = `<a href="/cases/new">`
			serviceLevels = `<a href="/console/service-levels">`
		)
		for _, tt := range []struct {
			who     string
			email   string
			contact bool
			item    string
			shows   bool
		}{
			{"Dana (Read-Write)", e.login(e.fx.Contact(abc, desk.ReadWrite)), true, openCase, true},
			{"Riley (Read-Only)", e.login(e.fx.Contact(abc, desk.ReadOnly)), true, openCase, false},
			{"Bailey (Basic)", e.login(e.fx.Contact(abc, desk.Basic)), true, openCase, false},
			{"an agent", e.staff(desk.RoleAgent), false, serviceLevels, true},
			{"a product support manager", e.staff(desk.RoleProductSupportManager), false, serviceLevels, true},
			{"a portal admin", e.staff(desk.RolePortalAdmin), false, serviceLevels, true},
		} {
			c := e.signIn(tt.email)
			if got := strings.Contains(c.get("/profile").Body, tt.item); got != tt.shows {
				t.Errorf("%s: the navigation shows %s = %v, want %v", tt.who, tt.item, got, tt.shows)
			}
			if tt.contact {
				if got := strings.Contains(c.get("/cases").Body, `id="open-case"`); got != tt.shows {
					t.Errorf("%s: the case list shows its Open a Case button = %v, want %v", tt.who, got, tt.shows)
				}
			}
		}
	})
}

// TestNavigationMarksThePageShown: of the three case lists, which share a
// path, only the list shown is the current page.
func TestNavigationMarksThePageShown(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		c := e.signIn(e.login(e.fx.Contact(abc, desk.ReadWrite)))
		current := regexp.MustCompile(`<li><a href="([^"]+)" aria-current="page">`)
		for _, tt := range []struct{ path, want string }{
			{"/cases", "/cases"},
			{"/cases?list=mine", "/cases"},
			{"/cases?list=group", "/cases?list=group"},
			{"/cases?list=closed&amp;q=x", "/cases?list=closed"},
			{"/profile", "/profile"},
		} {
			// The navigation shows twice, in the header and in the
			// phone's menu: each marks one item.
			var got []string
			for _, m := range current.FindAllStringSubmatch(c.get(strings.ReplaceAll(tt.path, "&amp;", "&")).Body, -1) {
				got = append(got, html.UnescapeString(m[1]))
			}
			if len(got) != 2 || got[0] != tt.want || got[1] != tt.want {
				t.Errorf("%s: the navigation marks %q as the current page, want only %s", tt.path, got, tt.want)
			}
		}
	})
}

// TestConsoleNavigationIsGrouped: the console's navigation groups its
// pages (Cases, Customers, Settings, Audit) as far as the user may see
// more than one page of a group; a group of one page is that page.
func TestConsoleNavigationIsGrouped(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		group := regexp.MustCompile(`<li class="nav-group"><details><summary[^>]*>([^<]+)</summary>`)
		groups := func(body string) []string {
			var out []string
			for _, m := range group.FindAllStringSubmatch(body, -1) {
				out = append(out, m[1])
			}
			return out[:len(out)/2] // the header's and the phone menu's
		}
		admin := e.signIn(e.staff(desk.RolePortalAdmin))
		body := admin.get("/console/service-levels").Body
		if got, want := strings.Join(groups(body), ", "), "Cases, Customers, Knowledge, Settings, Audit"; got != want {
			t.Errorf("a portal admin's groups = %q, want %q", got, want)
		}
		if !strings.Contains(body, `<summary class="nav-group-current">Settings</summary>`) {
			t.Error("the group of the page shown is not marked")
		}
		for _, item := range []string{"/console", "/console/companies", "/console/audit", "/console/settings/templates", "/profile"} {
			if !strings.Contains(body, `<a href="`+item+`"`) {
				t.Errorf("a portal admin's navigation lacks %s", item)
			}
		}
	})
}
