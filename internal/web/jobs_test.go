package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/worker"
)

// TestDeadJobsPage: an email the relay refused for good waits on the
// console's Dead jobs page with its recipient, attempts and error, for
// portal admins only, who try it again or discard it there or through
// the API.
func TestDeadJobsPage(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		agent, adminEmail := e.staff(desk.RoleAgent), e.staff(desk.RolePortalAdmin)
		deadMails(t, e, "gone@customer.example", "moved@customer.example")
		if res := e.signIn(agent).get("/console/jobs"); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent's Dead jobs page = %d, want 403", res.StatusCode)
		}
		admin := e.signIn(adminEmail)
		page := admin.get("/console/jobs")
		for _, want := range []string{"Email to gone@<wbr>customer.example: A reply from support", "550 5.1.1 no such mailbox", "Retry now", "Discard"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the Dead jobs page lacks %q", want)
			}
		}
		dead, _ := e.store.Jobs(ctx, store.JobFilter{Dead: true})
		if len(dead) != 2 {
			t.Fatalf("dead jobs: %+v", dead)
		}
		if res := e.signIn(agent).post("/console/jobs/"+itoa(dead[0].ID), url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent's Retry now = %d, want 403", res.StatusCode)
		}
		if res := admin.post("/console/jobs/"+itoa(dead[0].ID), url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("Retry now = %d, want 303", res.StatusCode)
		}
		if j, _ := e.store.Job(ctx, dead[0].ID); !j.DeadAt.IsZero() || j.Attempts != 0 {
			t.Errorf("after Retry now: %+v", j)
		}
		if res := admin.get("/console/jobs/" + itoa(dead[0].ID) + "/discard"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/jobs" {
			t.Errorf("asking to discard a job that is no longer dead = %d to %q, want 303 to the list", res.StatusCode, res.Header.Get("Location"))
		}
		admin.post("/console/jobs/"+itoa(dead[0].ID)+"/discard", url.Values{})
		if j, _ := e.store.Job(ctx, dead[0].ID); !j.CancelledAt.IsZero() {
			t.Error("a job that is no longer dead was discarded")
		}
		api := e.apiClient(adminEmail)
		res := api.apiCall("GET", "/api/v1/jobs/dead", nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `{"id":`+itoa(dead[1].ID)+`,"kind":"mail","subject":"Email to `) || strings.Contains(res.Body, `"id":`+itoa(dead[0].ID)+`,`) {
			t.Fatalf("API dead jobs = %d: %s", res.StatusCode, res.Body)
		}
		if res := e.apiClient(agent).apiCall("POST", "/api/v1/jobs/"+itoa(dead[1].ID)+"/discard", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent's API discard = %d, want 403", res.StatusCode)
		}
		if res := api.apiCall("POST", "/api/v1/jobs/"+itoa(dead[1].ID)+"/discard", nil); res.StatusCode != http.StatusNoContent {
			t.Errorf("API discard = %d: %s", res.StatusCode, res.Body)
		}
		if res := api.apiCall("POST", "/api/v1/jobs/999999/retry", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("API retry of no job = %d, want 404", res.StatusCode)
		}
		if page := admin.get("/console/jobs").Body; !strings.Contains(page, "No dead jobs") {
			t.Error("the Dead jobs page still lists jobs after retry and discard")
		}
	})
}

// TestDiscardJobAsksFirst: Discard on the Dead jobs page opens a page
// that says which job goes for good and asks again, without JavaScript;
// only its own Discard button discards, Cancel leads back to the list.
func TestDiscardJobAsksFirst(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		agent, adminEmail := e.staff(desk.RoleAgent), e.staff(desk.RolePortalAdmin)
		deadMails(t, e, "gone@customer.example")
		dead, _ := e.store.Jobs(ctx, store.JobFilter{Dead: true})
		if len(dead) != 1 {
			t.Fatalf("dead jobs: %+v", dead)
		}
		ask := "/console/jobs/" + itoa(dead[0].ID) + "/discard"
		admin := e.signIn(adminEmail)
		if page := admin.get("/console/jobs").Body; !strings.Contains(page, `href="`+ask+`">Discard</a>`) || strings.Contains(page, `name="discard"`) {
			t.Errorf("the list's Discard does not lead to the page that asks first:\n%s", page)
		}
		if res := e.signIn(agent).get(ask); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent asking to discard = %d, want 403", res.StatusCode)
		}
		page := admin.get(ask)
		for _, want := range []string{
			"Discard this job?", "Email to gone@<wbr>customer.example: A reply from support", "550 5.1.1 no such mailbox",
			"gone for good", `<form class="card" method="post" action="` + ask + `"`, `id="discard">Discard</button>`, `href="/console/jobs">Cancel</a>`,
		} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the page that asks before discarding lacks %q", want)
			}
		}
		if res := admin.post("/console/jobs/"+itoa(dead[0].ID), url.Values{"discard": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the list's old discard form = %d, want 303", res.StatusCode)
		}
		if j, _ := e.store.Job(ctx, dead[0].ID); !j.CancelledAt.IsZero() {
			t.Fatal("a post without the question discarded the job")
		}
		deadMails(t, e, "moved@customer.example")
		dead, _ = e.store.Jobs(ctx, store.JobFilter{Dead: true})
		ask = "/console/jobs/" + itoa(dead[0].ID) + "/discard"
		if res := admin.post(ask, url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("Discard on the page that asks = %d, want 303", res.StatusCode)
		}
		if j, _ := e.store.Job(ctx, dead[0].ID); j.CancelledAt.IsZero() {
			t.Error("Discard on the page that asks left the job")
		}
	})
}

// deadMails queues an email to each address and has the relay refuse
// each for good, so their jobs are dead.
func deadMails(t *testing.T, e *env, to ...string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	err := e.store.Write(ctx, func(tx *store.Tx) error {
		for _, addr := range to {
			n := desk.Notification{Kind: "case_reply", To: addr, Subject: "A reply from support", Body: "Hello", CreatedAt: now}
			if err := storetest.QueueMail(ctx, tx, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w := worker.New(worker.Config{Store: e.store, Log: quietWeb(), Died: e.svc.Jobs().JobDied})
	w.Handle(desk.JobMail, func(context.Context, *desk.Job) error {
		return worker.Permanent(errors.New("550 5.1.1 no such mailbox"))
	})
	if _, err := w.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
}
