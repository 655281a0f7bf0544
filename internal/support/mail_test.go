package support_test

import (
	"context"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

func TestFollowers(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.customer("Acme Corp")
		agent := f.staff(t, desk.RoleAgent)
		caseID := f.open(t, acme.dana, desk.PriorityMedium)
		if err := f.svc.Cases().Follow(ctx, f.req(t, f.customer("Other Inc").dana), caseID, true); kind(err) != "notfound" {
			t.Errorf("another company following = %v", err)
		}
		if err := f.svc.Cases().Follow(ctx, f.req(t, acme.riley), caseID, true); err != nil {
			t.Fatal(err)
		}
		if v, _ := f.svc.Cases().Case(ctx, f.req(t, acme.riley), caseID); !v.Following {
			t.Error("the case page does not know Riley follows")
		}
		if err := f.svc.Cases().Reply(ctx, agent, caseID, "We found the cause.", false); err != nil {
			t.Fatal(err)
		}
		if got := f.mails(t, acme.riley.Email, "a reply from support"); len(got) != 1 {
			t.Fatalf("the follower got %v", got)
		}
		// A follower who loses access hears nothing more.
		err := f.svc.Access().SetGrant(ctx, f.staff(t, desk.RolePortalAdmin), desk.Grant{ContactID: acme.riley.ID, Combination: acme.combo, Level: desk.NoAccess})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Cases().Reply(ctx, agent, caseID, "Fixed.", false); err != nil {
			t.Fatal(err)
		}
		if got := f.mails(t, acme.riley.Email, "a reply from support"); len(got) != 1 {
			t.Errorf("a follower without access still gets mail: %v", got)
		}
	})
}

func TestEmailTemplates(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.customer("Acme Corp")
		admin, agent := f.staff(t, desk.RolePortalAdmin), f.staff(t, desk.RoleAgent)
		for _, bad := range []string{"{{.Nope}}", "{{ .Text"} {
			if err := f.svc.Mail().SetEmailTemplate(ctx, admin, "case_reply", "", bad); desk.AsValidation(err) == nil {
				t.Errorf("template %q accepted: %v", bad, err)
			}
		}
		if err := f.svc.Mail().SetEmailTemplate(ctx, agent, "case_reply", "", "x"); kind(err) != "forbidden" {
			t.Errorf("an agent setting a template = %v", err)
		}
		if err := f.svc.Mail().SetEmailTemplate(ctx, admin, "no_such_kind", "", "x"); kind(err) != "notfound" {
			t.Errorf("an unknown kind = %v", err)
		}
		err := f.svc.Mail().SetEmailTemplate(ctx, admin, "case_reply", "[{{.CaseNumber}}] {{.Subject}}", "Dear {{.Name}},\n{{.Text}}\n-- ACME Support\n{{.Link}}")
		if err != nil {
			t.Fatal(err)
		}
		caseID := f.open(t, acme.dana, desk.PriorityMedium)
		if err := f.svc.Cases().Reply(ctx, agent, caseID, "Try restarting the node.", false); err != nil {
			t.Fatal(err)
		}
		ms, err := f.store.Notifications(ctx, acme.dana.Email, 1)
		if err != nil || len(ms) != 1 {
			t.Fatal(ms, err)
		}
		m := ms[0]
		if !strings.HasPrefix(m.Subject, "[") || !strings.Contains(m.Body, "Dear Dana Designated,") || !strings.Contains(m.Body, "-- ACME Support") {
			t.Errorf("the template was not used: %q\n%s", m.Subject, m.Body)
		}
		// Empty texts restore the built-in layout.
		if err := f.svc.Mail().SetEmailTemplate(ctx, admin, "case_reply", "", ""); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Cases().Reply(ctx, agent, caseID, "Any news?", false); err != nil {
			t.Fatal(err)
		}
		ms, _ = f.store.Notifications(ctx, acme.dana.Email, 1)
		if !strings.HasPrefix(ms[0].Body, "Hello Dana,") {
			t.Errorf("the built-in layout is not back: %s", ms[0].Body)
		}
	})
}
