package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
)

// TestDemoEscalationShows: the demo's escalated case counts in the queue's
// Escalated view and shows on the escalation owners' queue and on its
// pages, with the Escalation Feed.
func TestDemoEscalationShows(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		n := number(e.world.Cases["abc-escalated"])
		agent := e.signIn(demo.Agent)
		res := agent.get("/console")
		if got := viewCount(t, res.Body, "Escalated"); got != "1" {
			t.Errorf("the demo's Escalated view counts %s, want 1", got)
		}
		if res := agent.get("/console?escalated=on"); !strings.Contains(res.Body, "/cases/"+n) || strings.Count(res.Body, `name="case" value=`) != 1 {
			t.Errorf("the Escalated view does not list just %s", n)
		}
		if res := e.signIn(demo.EscalationOwner).get("/console/escalations"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, n) {
			t.Errorf("the escalation queue = %d, without %s", res.StatusCode, n)
		}
		for _, email := range []string{demo.Admin, demo.Designated} {
			page := e.signIn(email).get("/cases/" + n).Body
			for _, want := range []string{`id="escalated"`, "Escalation accepted. Next steps: Engineering reproduced the fault", "Our Denver site manager joins"} {
				if !strings.Contains(page, want) {
					t.Errorf("%s's page of %s does not show %q", email, n, want)
				}
			}
		}
	})
}

// TestThirdPartyClockSaysWhyItRuns: a case waiting on a third party keeps
// its clock running (only waiting on the customer pauses it), and where
// the clock shows, the queue and both case pages say why; a case being
// worked, or waiting on the customer, does not.
func TestThirdPartyClockSaysWhyItRuns(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		third, worked, waiting := number(e.world.Cases["contoso-third-party"]), number(e.world.Cases["contoso-open"]), number(e.world.Cases["abc-awaiting"])
		agent := e.signIn(demo.Agent)
		queue := agent.get("/console").Body
		if n := strings.Count(queue, `<span class="deadline-why">Runs while waiting on a third party</span>`); n != 1 {
			t.Errorf("the queue says %d times why a clock runs, want once", n)
		}
		if row := queueRow(queue, third); !strings.Contains(row, "deadline-breached") || !strings.Contains(row, "deadline-why") {
			t.Errorf("the queue's row of %s (Third Party Pending, past its deadline) does not say why its clock runs:\n%s", third, row)
		}
		if page := agent.get("/cases/" + third).Body; !strings.Contains(page, `id="clock-why-rca"> · runs while waiting on a third party: only waiting on the customer pauses it</span>`) {
			t.Errorf("the agent's page of %s does not say why its clock runs", third)
		}
		for _, n := range []string{worked, waiting} {
			if page := agent.get("/cases/" + n).Body; strings.Contains(page, `class="clock-why"`) {
				t.Errorf("the agent's page of %s says it waits on a third party", n)
			}
		}
		if page := e.signIn(demo.Partner).get("/cases/" + third).Body; !strings.Contains(page, "The clock runs while support waits on a third party; it pauses only while the case waits on you.") {
			t.Errorf("the customer's page of %s does not say why its clock runs", third)
		}
	})
}

// queueRow is the queue's table row of the case numbered n.
func queueRow(body, n string) string {
	i := strings.Index(body, `<a href="/cases/`+n)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<tr>")
	end := strings.Index(body[i:], "</tr>")
	if start < 0 || end < 0 {
		return ""
	}
	return body[start : i+end]
}

// TestThirdPartyCaseAsksNothingOfTheCustomer: the customer's page of a case
// waiting on a third party (Awaiting Information - Third Party Pending)
// says support waits on a third party, what that means for them and that
// they may still add an update, with no "Answer support" and no date the
// case would close automatically (no follow-up runs for it); a case
// waiting on the customer still asks them, with the date.
func TestThirdPartyCaseAsksNothingOfTheCustomer(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, e *env) {
		third, waiting := number(e.world.Cases["contoso-third-party"]), number(e.world.Cases["abc-awaiting"])
		for _, email := range []string{demo.Partner, demo.EndUserRO} {
			page := e.signIn(email).get("/cases/" + third).Body
			for _, want := range []string{
				`<h2 id="next-step-title">Support is waiting on a third party</h2>`,
				"is waiting for their answer. Nothing is needed from you now, and the case is not closed automatically while support waits.",
			} {
				if !strings.Contains(page, want) {
					t.Errorf("%s's page of %s (Third Party Pending) does not say %q", email, third, want)
				}
			}
			for _, not := range []string{"Support needs information from you", `id="answer-link"`, `id="auto-close"`, `id="asked-for"`} {
				if strings.Contains(page, not) {
					t.Errorf("%s's page of %s (Third Party Pending) shows %q", email, third, not)
				}
			}
		}
		if page := e.signIn(demo.Partner).get("/cases/" + third).Body; !strings.Contains(page, "If anything changes on your side, add an update below") ||
			!strings.Contains(page, `id="body"`) {
			t.Errorf("the Designated Contact's page of %s is not offered to add an update", third)
		}
		if page := e.signIn(demo.EndUserRO).get("/cases/" + third).Body; !strings.Contains(page, "a Designated Contact of the company can add updates") {
			t.Errorf("the Read-Only contact's page of %s does not say who can add updates", third)
		}
		page := e.signIn(demo.Designated).get("/cases/" + waiting).Body
		for _, want := range []string{"Support needs information from you", `id="answer-link"`, `id="auto-close"`, `id="asked-for"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page of %s (Information Required From Customer) does not show %q", waiting, want)
			}
		}
	})
}
