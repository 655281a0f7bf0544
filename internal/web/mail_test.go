package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/worker"
)

// TestReceivedMailPages: the triage queue in the console and the API.
func TestReceivedMailPages(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		co := e.fx.Company("Acme Corp")
		e.fx.Contract(co)
		danaUser := e.fx.Contact(co, desk.ReadWrite)
		caseID := e.fx.Case(danaUser).ID
		dana, agent, adminEmail := e.login(danaUser), e.staff(desk.RoleAgent), e.staff(desk.RolePortalAdmin)
		raw := "From: Someone <someone@elsewhere.example>\r\nSubject: Please help\r\n\r\nOur IVR is down.\r\n"
		if err := e.svc.Mail().ReceiveMail(ctx, "smtp", "someone@elsewhere.example", []string{"support@vendor.example"}, []byte(raw)); err != nil {
			t.Fatal(err)
		}
		w := worker.New(worker.Config{Store: e.store, Log: quietWeb()})
		w.Handle(desk.JobInbound, e.svc.Jobs().ProcessInbound)
		w.Handle(desk.JobMail, func(context.Context, *desk.Job) error { return nil })
		if _, err := w.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if res := e.signIn(agent).get("/console/mail"); res.StatusCode != http.StatusForbidden {
			t.Errorf("an agent's triage page = %d, want 403", res.StatusCode)
		}
		admin := e.signIn(adminEmail)
		page := admin.get("/console/mail").Body
		if !strings.Contains(page, "Please help") || !strings.Contains(page, "No Reference ID") {
			t.Fatal("the triage page does not show the message and its reason")
		}
		ms, _ := e.store.InboundList(ctx, desk.InboundTriage, 10)
		id := itoa(ms[0].ID)
		if res := admin.get("/console/mail/" + id); !strings.Contains(res.Body, "Our IVR is down.") {
			t.Error("the message page does not show the text")
		}
		if res := admin.post("/console/mail/"+id, url.Values{"case": {"12"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a bad case number = %d, want 422", res.StatusCode)
		}
		n := number(caseID)
		api := e.apiClient(adminEmail)
		res := api.apiCall("POST", "/api/v1/inbound/"+id+"/link", map[string]any{"case": n})
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"state":"linked"`) {
			t.Fatalf("API link = %d: %s", res.StatusCode, res.Body)
		}
		if res := e.signIn(agent).get("/cases/" + n); !strings.Contains(res.Body, "Our IVR is down.") {
			t.Error("the linked email is not on the case for staff")
		}
		if res := e.signIn(dana).get("/cases/" + n); strings.Contains(res.Body, "Our IVR is down.") {
			t.Error("the linked email, an internal note, is shown to the customer")
		}
	})
}
