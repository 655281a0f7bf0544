package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
)

// TestServiceLevelsShown: the case page and the API show the clocks, and
// the queue orders by time to breach.
func TestServiceLevelsShown(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Business Care Plus on premise: High is answered within 2
		// business hours. Dana's case made by the builder has no clock.
		abc := e.fx.Company("ABC Testing Co")
		combo := fixture.Combination(e.fx.Contract(abc, fixture.Care(desk.BusinessCarePlus, desk.Premise)))
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		noClock := e.fx.Case(danaUser)
		dana := support.Request{Actor: e.actor(danaUser.Email)}
		product := e.fx.DefaultProduct()
		open := func(p desk.Priority, summary string) string {
			c, err := e.svc.Cases().Open(ctx, dana, desk.NewCase{
				Combination: combo, Type: desk.TypeSupport, SubType: "Problem",
				ProductID: product.ID, ComponentID: product.Components[0],
				Summary: summary, Description: "Calls on trunk 2 drop after thirty seconds since this morning's change.",
				Priority: p, Stage: desk.StageProduction,
			})
			if err != nil {
				t.Fatal(err)
			}
			return c.Number()
		}
		high := open(desk.PriorityHigh, "High one")
		low := open(desk.PriorityLow, "Low one")

		agentEmail := e.staff(desk.RoleAgent)
		agent := e.signIn(agentEmail)
		res := agent.get("/cases/" + high)
		if !strings.Contains(res.Body, `id="clock-response"`) || !strings.Contains(res.Body, "within business 2 hours") || !strings.Contains(res.Body, "left") {
			t.Error("the case page does not show the response clock with its target and time left")
		}
		// Latest activity first puts the Low case first; time to breach the High one.
		body := agent.get("/console").Body
		if strings.Index(body, low) > strings.Index(body, high) {
			t.Error("the default queue order is not latest activity first")
		}
		body = agent.get("/console?sort=deadline").Body
		if i, j := strings.Index(body, high), strings.Index(body, low); i < 0 || j < 0 || i > j {
			t.Error("the queue by time to breach does not put the High case first")
		}
		if k, j := strings.Index(body, number(noClock.ID)), strings.Index(body, low); k < 0 || k < j {
			t.Error("the time-to-breach order hides a case without a running clock, or puts it before the running ones")
		}

		api := e.apiClient(agentEmail)
		d := decode[struct {
			Clocks []struct {
				Kind, Target, State string
			} `json:"clocks"`
		}](t, api.apiCall("GET", "/api/v1/cases/"+high, nil))
		if len(d.Clocks) != 1 || d.Clocks[0].Kind != "response" || d.Clocks[0].State != "running" {
			t.Fatalf("API clocks = %+v", d.Clocks)
		}
		res = api.apiCall("PATCH", "/api/v1/cases/"+high, map[string]any{"info_complete": true})
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"kind":"rca"`) {
			t.Errorf("start the RCA clock = %d: %s", res.StatusCode, res.Body)
		}
		res = agent.post("/cases/"+low+"/update", map[string][]string{"rca_delivered": {"on"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "not running") {
			t.Errorf("RCA delivered without a clock = %d, want 422", res.StatusCode)
		}
	})
}

// TestSLAWarningSaysTimeInWords: the warning before a target is due is
// stored in the feed, which the customer reads, and emailed to the owner
// with the time left in words ("30 minutes"), not Go's "30m0s".
func TestSLAWarningSaysTimeInWords(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		abc := e.fx.Company("ABC Testing Co")
		combo := fixture.Combination(e.fx.Contract(abc, fixture.Care(desk.BusinessCarePlus, desk.Premise)))
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		c := e.openCase(danaUser, combo, desk.PriorityHigh)
		owner := e.fx.Staff([]desk.Role{desk.RoleAgent})
		if err := e.svc.Cases().Update(ctx, support.Request{Actor: e.actor(owner.Email)}, c.ID, support.CaseChange{OwnerID: &owner.ID}); err != nil {
			t.Fatal(err)
		}
		job, err := e.store.PendingJob(ctx, support.JobSLAWarning+":"+itoa(c.ID)+":"+string(desk.ClockResponse))
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Set(job.RunAt)
		if err := e.svc.Jobs().RunSLAWarning(ctx, job); err != nil {
			t.Fatal(err)
		}
		body := e.signIn(e.login(danaUser)).get("/cases/" + c.Number()).Body
		if !strings.Contains(body, "30 minutes left.") || strings.Contains(body, "30m0s") {
			t.Error("the case feed does not say the time left in words (30 minutes left.)")
		}
		mails, err := e.store.Notifications(ctx, owner.Email, 10)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range mails {
			if strings.Contains(m.Subject, "target due") {
				found = true
				if !strings.Contains(m.Subject, "30 minutes left") || strings.Contains(m.Subject, "30m0s") {
					t.Errorf("the warning email's subject = %q, want the time left in words", m.Subject)
				}
			}
		}
		if !found {
			t.Errorf("the owner got no warning email: %+v", mails)
		}
	})
}

// TestClosedCaseClockSaysClosed: the service-level box of a closed case
// says its clocks stopped because the case is closed, not that they wait
// on the customer.
func TestClosedCaseClockSaysClosed(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		combo := fixture.Combination(e.fx.Contract(abc, fixture.Care(desk.BusinessCarePlus, desk.Premise)))
		danaUser := e.fx.Contact(abc, desk.ReadWrite)
		c := e.openCase(danaUser, combo, desk.PriorityHigh)
		dana := e.signIn(e.login(danaUser))
		if res := dana.post("/cases/"+c.Number()+"/close", url.Values{"reason": {"resolved"}, "comment": {"It works again."}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("close = %d", res.StatusCode)
		}
		body := dana.get("/cases/" + c.Number()).Body
		i := strings.Index(body, `id="clock-response"`)
		if i < 0 {
			t.Fatal("the closed case shows no response clock")
		}
		clock := body[i:]
		clock = clock[:strings.Index(clock, "</li>")]
		if !strings.Contains(clock, "Stopped") || !strings.Contains(clock, "The case is closed.") || strings.Contains(clock, "waits on the customer") {
			t.Errorf("the closed case's clock reads %q, want it stopped because the case is closed", clock)
		}
	})
}
