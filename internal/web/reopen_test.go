package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
)

// TestClosedCasePageSaysWhy: a closed case's page offers to reopen it to
// whoever may (Case.MayReopen), and tells everyone else why not in the
// policy's words; only a contact who may open cases is sent on to a new
// case linked to one whose window has passed.
func TestClosedCasePageSaysWhy(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		danaUser, rileyUser := e.fx.Contact(abc, desk.ReadWrite), e.fx.Contact(abc, desk.ReadOnly)
		recent := e.fx.Case(danaUser, fixture.Closed(desk.SubResolved, 3))
		old := e.fx.Case(danaUser, fixture.Closed(desk.SubResolved, 45))
		// Closed after automated follow-ups (the store creates no case so).
		autoClosed := func(daysAgo int) *desk.Case {
			c := e.fx.Case(danaUser, fixture.Closed(desk.SubResolved, daysAgo))
			c.AutoClosed = true
			if err := e.store.Write(context.Background(), func(tx *store.Tx) error { return tx.UpdateCase(context.Background(), c) }); err != nil {
				t.Fatal(err)
			}
			return c
		}
		auto, autoOld := autoClosed(3), autoClosed(45)
		dana, riley, agent := e.signIn(e.login(danaUser)), e.signIn(e.login(rileyUser)), e.signIn(e.staff(desk.RoleAgent))
		const (
			form   = `id="reopen-form"`
			linked = "/cases/new?linked_case="
		)
		tests := []struct {
			name   string
			c      *client
			caseID int64
			show   string // what the page must show
			not    []string
		}{
			{"Dana, closed 3 days ago", dana, recent.ID, form, []string{linked}},
			{"Dana, closed 45 days ago", dana, old.ID, "more than 30 days ago", []string{form}},
			{"Dana, closed after follow-ups", dana, auto.ID, "call support to reopen it.", []string{form, linked}},
			{"Dana, closed after follow-ups 45 days ago", dana, autoOld.ID, "call support to reopen it.", []string{form, linked}},
			{"Riley, closed 3 days ago", riley, recent.ID, "You need Read-Write (Designated Contact) access to reopen cases for this Sold To and End User.", []string{form, linked}},
			{"Riley, closed 45 days ago", riley, old.ID, "You need Read-Write (Designated Contact) access to reopen cases for this Sold To and End User.", []string{form, linked}},
			{"Riley, closed after follow-ups", riley, auto.ID, "You need Read-Write (Designated Contact) access to reopen cases for this Sold To and End User.", []string{form, linked}},
			{"an agent, closed 45 days ago", agent, old.ID, form, []string{linked}},
			{"an agent, closed after follow-ups", agent, auto.ID, form, []string{linked}},
		}
		for _, tt := range tests {
			body := stripSpaces(tt.c.get("/cases/" + number(tt.caseID)).Body)
			if !strings.Contains(body, tt.show) {
				t.Errorf("%s: the page does not show %q", tt.name, tt.show)
			}
			for _, no := range tt.not {
				if strings.Contains(body, no) {
					t.Errorf("%s: the page shows %q", tt.name, no)
				}
			}
			if tt.show != form && !strings.Contains(body, `id="reopen-why"`) {
				t.Errorf("%s: the page gives no reason for not offering to reopen", tt.name)
			}
		}
		if body := dana.get("/cases/" + number(old.ID)).Body; !strings.Contains(body, linked+itoa(old.ID)) {
			t.Error("Dana is not offered a new case linked to the one closed 45 days ago")
		}
	})
}

// stripSpaces joins the lines of a page, so a sentence the template
// wraps is found whole.
func stripSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }
