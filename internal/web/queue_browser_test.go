package web_test

import (
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/browsertest"
	"github.com/caseport/caseport/internal/demo"
)

// TestBrowserQueue drives Chromium through the agent's queue at desktop
// and phone sizes on the demo world: the views and their counts, the Next
// SLA deadline column with every state, a bulk assignment from a view,
// the bell it rings for the agent, and the global search.
func TestBrowserQueue(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	eachDemo(t, func(t *testing.T, e *env) {
		for _, size := range []browsertest.Size{browsertest.Desktop, browsertest.Phone} {
			t.Run(size.Name, func(t *testing.T) {
				agent := b.Page(t, e.srv.URL, size)
				signInPage(agent, demo.Agent)
				agent.Go("/console")
				if n := agent.Count(".view-link"); n < 5 {
					t.Errorf("the queue's sidebar has %d views, want the 5 built-in ones", n)
				}
				for _, state := range []string{"running", "breached", "paused", "met"} {
					if !agent.Has(".deadline-" + state) {
						t.Errorf("the Next SLA deadline column shows no %s case", state)
					}
				}
				agent.CheckFits()
				checkControlsWhole(t, agent, "the queue")
				agent.Screenshot("queue")
				agent.Go("/console/search?q=contoso")
				agent.CheckFits()
				agent.Screenshot("search")
			})
		}

		// A manager assigns the unassigned cases from the view, in bulk.
		lead := b.Page(t, e.srv.URL, browsertest.Desktop)
		signInPage(lead, demo.ProductManager)
		lead.Go("/console")
		lead.Submit(`.view-link[href="/console?owner=none"]`)
		if !lead.Has(`.view-link[aria-current="page"][href="/console?owner=none"]`) {
			t.Error("the Unassigned view is not marked as the one shown")
		}
		unassigned := lead.Count(`input[name="case"]`)
		if unassigned == 0 {
			t.Fatal("the demo has no unassigned case")
		}
		if got := lead.Text(`.view-link[href="/console?owner=none"] .view-count`); got != itoa(int64(unassigned)) {
			t.Errorf("the Unassigned view counts %s, and lists %d", got, unassigned)
		}
		lead.Click(`input[name="case"]`)
		lead.Choose("#bulk_owner", itoa(e.world.Users[demo.Agent]))
		lead.Screenshot("bulk-assign")
		lead.Submit(`button[name="action"][value="assign"]`)
		if p := lead.Path(); p != "/console?owner=none" {
			t.Errorf("after the bulk assignment the manager is at %s", p)
		}
		if !strings.Contains(lead.Text(".flash"), "1 case is changed.") {
			t.Errorf("after the bulk assignment the flash says %q", lead.Text(".flash"))
		}
		if n := lead.Count(`input[name="case"]`); n != unassigned-1 {
			t.Errorf("after assigning one the view lists %d, want %d", n, unassigned-1)
		}

		// The agent's bell rings; the list opens the case.
		for _, size := range []browsertest.Size{browsertest.Desktop, browsertest.Phone} {
			agent := b.Page(t, e.srv.URL, size)
			signInPage(agent, demo.Agent)
			agent.Go("/console")
			if got := agent.Text(".bell-count"); got != "1" {
				t.Errorf("%s: the bell counts %q, want 1", size.Name, got)
			}
			agent.Submit(".bell")
			if agent.Count(".notice-unread") != 1 {
				t.Errorf("%s: the notifications list has %d unread", size.Name, agent.Count(".notice-unread"))
			}
			agent.CheckFits()
			agent.Screenshot("notifications")
		}
	})
}
