package web_test

import (
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/browsertest"
	"github.com/caseport/caseport/internal/demo"
)

// TestBrowserCustomerAcceptsSolution: on a phone and on a desktop, a
// Designated Contact opens a case where support proposed a solution, sees
// it first with the two answers, and accepts it; the case is closed as
// resolved and says until when it can be reopened.
func TestBrowserCustomerAcceptsSolution(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	for _, size := range []browsertest.Size{browsertest.Phone, browsertest.Desktop} {
		t.Run(size.Name, func(t *testing.T) {
			e := newDemo(t, sqliteStore(t))
			dana := e.pageAs(t, b, size, demo.Designated, "/cases/"+number(e.world.Cases["abc-proposed"]))
			dana.CheckFits()
			dana.Screenshot("case-solution-proposed")
			if got := dana.Text("#next-step-title"); got != "Support proposed a solution" {
				t.Errorf("next step = %q", got)
			}
			if !strings.Contains(dana.Text("#asked-for"), "Allow desktop apps to access your microphone") {
				t.Error("the next step does not quote the proposed solution")
			}
			// The next step comes first, then the conversation, then the
			// form that adds to it, before the case's details (beside them
			// on a desktop, below on a phone).
			order := browsertest.Eval[bool](dana, `(() => {
				const y = s => document.querySelector(s).getBoundingClientRect().top;
				return y('#next-step') < y('#case-feed-card') && y('#case-feed-card') < y('#comment-form') &&
					(innerWidth >= 768 || y('#comment-form') < y('.case-details'));
			})()`)
			if !order {
				t.Error("on this screen the next step and the conversation do not come first")
			}
			// The two answers are a pair: Accept (primary) and "This
			// didn't solve it" (secondary) with its required comment, side
			// by side on a desktop, Accept first on a phone.
			pair := browsertest.Eval[string](dana, `(() => {
				const a = document.querySelector('#accept-form').getBoundingClientRect();
				const r = document.querySelector('#reject-form').getBoundingClientRect();
				if (!document.querySelector('#accept-solution').classList.contains('btn-primary')) return "Accept is not the primary button";
				if (!document.querySelector('#reject-solution').classList.contains('btn-secondary')) return "the reject is not a secondary button";
				if (!document.querySelector('#reject-body').required || !document.querySelector('#reject-body').checkVisibility()) return "the reject's comment is not shown as required";
				if (innerWidth >= 768) return Math.abs(a.top - r.top) < 1 && Math.abs(a.height - r.height) < 1 && a.right <= r.left ? "" : "the answers are not side by side";
				return a.bottom <= r.top && Math.abs(a.left - r.left) < 1 ? "" : "Accept is not above the reject";
			})()`)
			if pair != "" {
				t.Errorf("the proposed solution's answers: %s", pair)
			}
			if dana.Has("#escalate-form") && browsertest.Eval[bool](dana, `document.querySelector('#escalate-form').checkVisibility()`) {
				t.Error("the Escalate form is open before the customer asked for it")
			}
			dana.Fill("#accept-comment", "That setting fixed it on every machine.")
			dana.Submit("#accept-solution")
			if got := dana.Text("#case-status"); got != "Closed - Resolved" {
				t.Fatalf("after accepting the status is %q", got)
			}
			if !strings.Contains(dana.Text("#reopen-until"), "until") {
				t.Error("the closed case does not say until when it can be reopened")
			}
			if !strings.Contains(dana.Text("#case-feed"), "Solution accepted: That setting fixed it on every machine.") {
				t.Error("the Case Feed does not show the acceptance")
			}
			dana.CheckFits()
			dana.Screenshot("case-solution-accepted")
		})
	}
}

// TestBrowserCustomerCasePages: the customer's case page as a Designated
// Contact sees a case awaiting information and a Read-Only colleague sees
// a case, on a phone and a desktop.
func TestBrowserCustomerCasePages(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	e := newDemo(t, sqliteStore(t))
	for _, size := range []browsertest.Size{browsertest.Phone, browsertest.Desktop} {
		sam := e.pageAs(t, b, size, demo.Designated2, "/cases/"+number(e.world.Cases["abc-awaiting"]))
		if !strings.Contains(sam.Text("#asked-for"), "report server log") {
			t.Errorf("%s: the case awaiting information does not say what support asked for", size.Name)
		}
		sam.CheckFits()
		sam.Screenshot("case-awaiting-information")
		riley := b.Page(t, e.srv.URL, size)
		signInPage(riley, demo.ReadOnly)
		if p := riley.Path(); p != "/cases" {
			t.Logf("a Read-Only contact lands on %s", p)
		}
		riley.Go("/cases")
		riley.CheckFits()
		riley.Screenshot("read-only-landing")
		riley.Go("/cases/" + number(e.world.Cases["abc-proposed"]))
		if riley.Has("#accept-form") || riley.Has("#close-form") || riley.Has("#escalate-form") {
			t.Errorf("%s: a Read-Only contact is offered actions", size.Name)
		}
		riley.CheckFits()
		riley.Screenshot("case-read-only")
	}
}
