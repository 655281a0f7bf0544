package web_test

import (
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
