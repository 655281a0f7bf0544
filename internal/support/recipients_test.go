package support_test

import (
	"context"
	"testing"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// TestCaseEmailsOnlyToThoseWhoMaySeeTheCase: once a case contact loses
// access (a portal admin sets their grant to none, or disables them),
// no email about the case is queued to them: replies, status changes,
// the Escalation Feed, follow-up reminders and the closure. A colleague
// who follows the case and may still see it keeps getting them.
func TestCaseEmailsOnlyToThoseWhoMaySeeTheCase(t *testing.T) {
	t.Parallel()
	for _, loss := range []string{"grant none", "disabled"} {
		t.Run(loss, func(t *testing.T) {
			t.Parallel()
			eachEngine(t, func(t *testing.T, f *env) {
				ctx := context.Background()
				w := f.worker()
				acme := f.customer("Acme Corp")
				owner := f.staff(t, desk.RoleEscalationOwner)
				caseID := f.open(t, acme.dana, desk.PriorityMedium)
				esc, err := f.svc.Cases().Escalate(ctx, f.req(t, acme.dana), caseID, desk.ReasonBusinessImpact, "All agents affected.")
				if err != nil {
					t.Fatal(err)
				}
				if err := f.svc.Cases().Follow(ctx, f.req(t, acme.sam), caseID, true); err != nil {
					t.Fatal(err)
				}
				admin, agent := f.staff(t, desk.RolePortalAdmin), f.staff(t, desk.RoleAgent)
				dana := acme.dana.ID
				if loss == "disabled" {
					u, err := f.store.User(ctx, dana)
					if err != nil {
						t.Fatal(err)
					}
					in := support.ContactInput{Disabled: true, ProfileInput: desk.ProfileInput{
						FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, CompanyID: u.CompanyID, Country: u.Country,
					}}
					if err := f.svc.Accounts().UpdateContact(ctx, admin, dana, in); err != nil {
						t.Fatal(err)
					}
				} else if err := f.svc.Access().SetGrant(ctx, admin, desk.Grant{ContactID: dana, Combination: acme.combo, Level: desk.NoAccess}); err != nil {
					t.Fatal(err)
				}
				before, sam := len(f.mails(t, acme.dana.Email, "")), len(f.mails(t, acme.sam.Email, ""))

				if err := f.svc.Cases().Reply(ctx, agent, caseID, "Please try the patch.", false); err != nil {
					t.Fatal(err)
				}
				if err := f.svc.Cases().WorkEscalation(ctx, owner, esc.ID, support.StepAccept, "A developer is on it."); err != nil {
					t.Fatal(err)
				}
				if err := f.svc.Cases().WorkEscalation(ctx, owner, esc.ID, support.StepNote, "The fix is in test."); err != nil {
					t.Fatal(err)
				}
				f.setStatus(t, caseID, desk.StatusSolutionProposed, desk.SubReplied)
				f.time.Set(f.time.Now().AddDate(0, 0, 2))
				if n, err := w.RunDue(ctx); err != nil || n == 0 {
					t.Fatalf("the follow-up reminder did not run: %d, %v", n, err)
				}
				if err := f.svc.Cases().Close(ctx, agent, caseID, desk.SubResolved, "Fixed by the patch."); err != nil {
					t.Fatal(err)
				}
				if got := f.mails(t, acme.dana.Email, ""); len(got) != before {
					t.Errorf("the case contact without access got %v", got[:len(got)-before])
				}
				// reply, accept, note, status, reminder, closure (status and closed)
				if got := f.mails(t, acme.sam.Email, ""); len(got)-sam != 7 {
					t.Errorf("the follower who may see the case got %d emails, want 7: %v", len(got)-sam, got)
				}
			})
		})
	}
}
