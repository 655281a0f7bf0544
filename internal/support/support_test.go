package support_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
)

// TestCaseAccessMatrix walks every demo user against every demo case:
// who sees it, who may comment, and what the lists show.
func TestCaseAccessMatrix(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		w := f.world
		abc := []string{"abc-new", "abc-investigation", "abc-awaiting", "abc-proposed", "abc-resolved", "abc-cancelled-old", "abc-escalated"}
		contoso := []string{"contoso-open", "contoso-proposed", "contoso-third-party"}
		fabrikam := []string{"fabrikam-closed"}
		all := slices.Concat(abc, contoso, fabrikam)
		visible := map[string][]string{
			demo.Designated: abc, demo.Designated2: abc, demo.ReadOnly: abc, demo.Basic: nil,
			demo.Partner: slices.Concat(contoso, fabrikam), demo.Partner2: contoso, demo.EndUserRO: contoso,
			demo.ExpiredRO: fabrikam,
			demo.Agent:     all, demo.EscalationOwner: all, demo.Admin: all, demo.ProductManager: all,
			demo.Editor: all, // staff: every case, as every member of staff
		}
		// May the user comment on the open cases they see?
		writes := map[string]bool{
			demo.Designated: true, demo.Designated2: true, demo.Partner: true, demo.Partner2: true,
			demo.Agent: true, demo.EscalationOwner: true, demo.Admin: true, demo.ProductManager: true,
			demo.Editor: true,
		}
		for _, l := range demo.Logins {
			r := f.as(t, l.Email)
			for _, key := range all {
				caseID := w.Cases[key]
				sees := slices.Contains(visible[l.Email], key)
				_, err := f.svc.Cases().Case(ctx, r, caseID)
				if got, want := kind(err), map[bool]string{true: "ok", false: "notfound"}[sees]; got != want {
					t.Errorf("%s views %s: %s, want %s", l.Email, key, got, want)
				}
				v, _ := f.svc.Cases().Case(ctx, r, caseID)
				if v != nil && !r.Actor.IsStaff() {
					for _, e := range v.Feed {
						if e.Kind == desk.EntryNote {
							t.Errorf("%s sees an internal note on %s", l.Email, key)
						}
					}
				}
				closed := strings.Contains(key, "closed") || strings.Contains(key, "resolved") || strings.Contains(key, "cancelled")
				if closed {
					continue
				}
				expired := l.Email == demo.Partner && slices.Contains(fabrikam, key)
				want := "notfound"
				switch {
				case sees && writes[l.Email] && !expired:
					want = "ok"
				case sees:
					want = "forbidden"
				}
				err = f.svc.Cases().Comment(ctx, r, caseID, "A comment from "+l.Email)
				if got := kind(err); got != want {
					t.Errorf("%s comments on %s: %s, want %s", l.Email, key, got, want)
				}
			}
			// Lists show exactly the visible cases, never another company's.
			if r.Actor.IsStaff() {
				continue
			}
			var listed []string
			for _, list := range []desk.CaseList{desk.GroupCases, desk.ClosedCases} {
				page, err := f.svc.Cases().List(ctx, r, desk.CaseFilter{List: list, Limit: 100, Scope: desk.CaseScope{All: true}})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range page.Cases {
					for key, id := range w.Cases {
						if id == c.ID {
							listed = append(listed, key)
						}
					}
				}
			}
			slices.Sort(listed)
			want := slices.Clone(visible[l.Email])
			slices.Sort(want)
			if !slices.Equal(listed, want) {
				t.Errorf("%s lists %v, want %v (a scope from the caller must be ignored)", l.Email, listed, want)
			}
		}
	})
}

func TestCaseLifecycle(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.fx.Company("Acme Corp")
		combo := fixture.Combination(f.fx.Contract(acme))
		danaUser := f.fx.Contact(acme, desk.ReadWrite)
		dana, agent, riley := f.req(t, danaUser), f.staff(t, desk.RoleAgent), f.req(t, f.fx.Contact(acme, desk.ReadOnly))
		n := f.newCase(combo)
		n.Summary, n.Description = "Trunk 7 drops calls", "Every inbound call on trunk 7 drops after thirty seconds since the upgrade."
		n.Priority = desk.PriorityHigh
		c, err := f.svc.Cases().Open(ctx, dana, n)
		if err != nil {
			t.Fatalf("OpenCase: %v", err)
		}
		if c.Status != desk.StatusOpen || c.SubStatus != desk.SubNew || len(c.Number()) != 10 {
			t.Fatalf("new case = %s %s/%s, want a 10-digit Open/New case", c.Number(), c.Status, c.SubStatus)
		}
		mine, err := f.svc.Cases().List(ctx, dana, desk.CaseFilter{List: desk.MyCases})
		if err != nil || len(mine.Cases) == 0 || mine.Cases[0].ID != c.ID {
			t.Fatalf("My Cases does not start with the new case: %v", err)
		}
		critical := n
		critical.Priority = desk.PriorityCritical
		if _, err := f.svc.Cases().Open(ctx, dana, critical); kind(err) != "invalid" {
			t.Errorf("a customer opening a Critical case: %s, want invalid", kind(err))
		}

		// Staff propose a solution; the customer's update reopens the case.
		status, sub := desk.StatusSolutionProposed, desk.SubReplied
		if err := f.svc.Cases().Reply(ctx, agent, c.ID, "Please try the patch.", false); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Cases().Reply(ctx, agent, c.ID, "Internal: patch is experimental.", true); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Cases().Update(ctx, agent, c.ID, support.CaseChange{Status: &status, SubStatus: &sub}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Cases().Comment(ctx, dana, c.ID, "The patch did not help."); err != nil {
			t.Fatal(err)
		}
		v, err := f.svc.Cases().Case(ctx, dana, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Case.Status != desk.StatusOpen {
			t.Errorf("after the customer's update the case is %s, want Open", v.Case.Status)
		}
		for _, e := range v.Feed {
			if strings.Contains(e.Body, "experimental") {
				t.Errorf("the customer sees the internal note %q", e.Body)
			}
		}
		if v.Feed[0].Kind != desk.EntryEvent || !strings.Contains(v.Feed[0].Body, "Open") {
			t.Errorf("newest feed entry = %s %q, want the status event", v.Feed[0].Kind, v.Feed[0].Body)
		}
		if err := f.svc.Cases().Close(ctx, riley, c.ID, desk.SubResolved, "done"); kind(err) != "forbidden" {
			t.Errorf("read-only close: %s, want forbidden", kind(err))
		}
		if err := f.svc.Cases().Close(ctx, dana, c.ID, desk.SubResolved, ""); kind(err) != "invalid" {
			t.Errorf("close without a comment: %s, want invalid", kind(err))
		}
		if err := f.svc.Cases().Close(ctx, dana, c.ID, desk.SubResolved, "Fixed by the second patch."); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Cases().Comment(ctx, dana, c.ID, "one more thing"); kind(err) != "conflict" {
			t.Errorf("comment on a closed case: %s, want conflict", kind(err))
		}
		f.time.Set(f.time.Now().Add(29 * 24 * time.Hour))
		if err := f.svc.Cases().Reopen(ctx, dana, c.ID, "It is back since this morning."); err != nil {
			t.Fatalf("reopen within 30 days: %v", err)
		}
		if err := f.svc.Cases().Close(ctx, dana, c.ID, desk.SubCancelled, "Our mistake."); err != nil {
			t.Fatal(err)
		}
		f.time.Set(f.time.Now().Add(31 * 24 * time.Hour))
		if err := f.svc.Cases().Reopen(ctx, dana, c.ID, "Back again."); kind(err) != "conflict" {
			t.Errorf("customer reopen after 30 days: %s, want conflict", kind(err))
		}
		if err := f.svc.Cases().Reopen(ctx, agent, c.ID, "Reopened on the customer's call."); err != nil {
			t.Errorf("staff reopen after 30 days: %v", err)
		}

		// Every step left its notification and audit line.
		mails, err := f.store.Notifications(ctx, danaUser.Email, 100)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, m := range mails {
			if m.CaseID == c.ID {
				kinds[m.Kind]++
			}
			if strings.Contains(m.Body, "experimental") {
				t.Errorf("an email carries the internal note: %q", m.Subject)
			}
		}
		for _, k := range []string{"case_created", "case_reply", "case_status", "case_closed"} {
			if kinds[k] == 0 {
				t.Errorf("no %s notification; got %v", k, kinds)
			}
		}
		log, err := f.store.AuditLog(ctx, desk.AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, e := range log {
			actions[e.Action] = true
		}
		for _, a := range []string{"case_opened", "case_reply", "case_note", "case_updated", "case_commented", "case_closed", "case_reopened"} {
			if !actions[a] {
				t.Errorf("no %s line in the audit log", a)
			}
		}
	})
}

// Bad input saves nothing: no case, no feed entry, no notification.
func TestOpenCaseRefusals(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		// Acme has IVR and Signalling Server; a partner sells Signalling Server to EndCo,
		// and sold IVR to Lapsed AG on a contract that has ended.
		ivr, sip := f.fx.Product("IVR", "Prompts"), f.fx.Product("Signalling Server", "Trunks")
		acme, partner := f.fx.Company("Acme Corp"), f.fx.Company("Partner Ltd")
		abc := fixture.Combination(f.fx.Contract(acme, fixture.Products(ivr, sip)))
		endCo := fixture.Combination(f.fx.Contract(f.fx.Company("EndCo"), fixture.PartnerOf(partner), fixture.Products(sip)))
		lapsed := fixture.Combination(f.fx.Contract(f.fx.Company("Lapsed AG"), fixture.PartnerOf(partner), fixture.Products(ivr), fixture.Ended(30)))
		dana, riley := f.fx.Contact(acme, desk.ReadWrite), f.fx.Contact(acme, desk.ReadOnly)
		pat := f.fx.Contact(partner, desk.NoAccess, fixture.AcceptedTerms)
		f.fx.Grant(pat, endCo, desk.ReadWrite)
		f.fx.Grant(pat, lapsed, desk.ReadWrite)
		valid := desk.NewCase{
			Combination: abc, Type: desk.TypeSupport, SubType: "Question",
			ProductID: ivr.ID, ComponentID: ivr.Components[0],
			Summary: "Prompt question", Description: "How do we change the welcome prompt of the main number?",
			Priority: desk.PriorityLow, Stage: desk.StageUAT,
		}
		tests := []struct {
			name   string
			who    *desk.User
			change func(*desk.NewCase)
			want   string
			field  string
		}{
			{"component of another product", dana, func(n *desk.NewCase) { n.ComponentID = sip.Components[0] }, "invalid", "component"},
			{"product the contract does not cover", pat, func(n *desk.NewCase) {
				n.Combination = endCo
			}, "invalid", "product"},
			{"expired contract", pat, func(n *desk.NewCase) { n.Combination = lapsed }, "forbidden", ""},
			{"read-only contact", riley, func(*desk.NewCase) {}, "forbidden", ""},
			{"another company's combination", dana, func(n *desk.NewCase) { n.Combination = endCo }, "invalid", "combination"},
			{"summary too long", dana, func(n *desk.NewCase) { n.Summary = strings.Repeat("x", 1001) }, "invalid", "summary"},
		}
		for _, tt := range tests {
			n := valid
			tt.change(&n)
			_, err := f.svc.Cases().Open(ctx, f.req(t, tt.who), n)
			if got := kind(err); got != tt.want {
				t.Errorf("%s: %s, want %s (%v)", tt.name, got, tt.want, err)
			}
			if tt.field != "" && desk.AsValidation(err)[tt.field] == "" {
				t.Errorf("%s: no message for %s: %v", tt.name, tt.field, err)
			}
		}
		// Every problem is named at once, the form's own and the store's.
		n := valid
		n.Summary, n.ComponentID, n.LinkedCaseID = "", sip.Components[0], 99999
		_, err := f.svc.Cases().Open(ctx, f.req(t, dana), n)
		for _, field := range []string{"summary", "component", "linked_case"} {
			if desk.AsValidation(err)[field] == "" {
				t.Errorf("a form with three problems: no message for %s: %v", field, err)
			}
		}
		page, err := f.svc.Cases().List(ctx, f.staff(t, desk.RoleAgent), desk.CaseFilter{List: desk.Queue, Limit: 100, Statuses: desk.Statuses})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Cases) != 0 {
			t.Errorf("the store holds %d cases after refused attempts, want none", len(page.Cases))
		}
	})
}

func TestAccessRequests(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		// Acme's Dana is its Designated Approver and Sam a second
		// Read-Write contact; Riley is Read-Only. Pat of Partner Ltd, its
		// approver, is Read-Write on what it sells EndCo, whose Casey is
		// Read-Only there.
		acme, partner, endCo := f.fx.Company("Acme Corp"), f.fx.Company("Partner Ltd"), f.fx.Company("EndCo")
		abc := fixture.Combination(f.fx.Contract(acme))
		viaPartner := fixture.Combination(f.fx.Contract(endCo, fixture.PartnerOf(partner)))
		dana, sam, riley := f.fx.Contact(acme, desk.ReadWrite), f.fx.Contact(acme, desk.ReadWrite), f.fx.Contact(acme, desk.ReadOnly)
		f.fx.Approver(acme, dana)
		pat := f.fx.Contact(partner, desk.NoAccess, fixture.AcceptedTerms)
		f.fx.Grant(pat, viaPartner, desk.ReadWrite)
		f.fx.Approver(partner, pat)
		casey := f.fx.Contact(endCo, desk.NoAccess)
		f.fx.Grant(casey, viaPartner, desk.ReadOnly)
		admin := f.staff(t, desk.RolePortalAdmin)
		// An approver's own request is approved at once.
		req, err := f.svc.Access().RequestAccess(ctx, f.req(t, pat), viaPartner, desk.ReadOnly, "Downgrade me")
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.store.AccessRequests(ctx, store.AccessRequestFilter{ID: req.ID})
		if err != nil || len(got) != 1 || got[0].State != desk.RequestApproved {
			t.Fatalf("approver's own request = %+v, %v; want approved", got, err)
		}
		// Riley asks for Read-Write; Dana (approver of Acme) decides once.
		req, err = f.svc.Access().RequestAccess(ctx, f.req(t, riley), abc, desk.ReadWrite, "I run the night shift")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Access().DecideAccessRequest(ctx, f.req(t, pat), req.ID, true, ""); kind(err) != "notfound" {
			t.Errorf("another Sold To's approver decides: %s, want notfound", kind(err))
		}
		if err := f.svc.Access().DecideAccessRequest(ctx, f.req(t, sam), req.ID, true, ""); kind(err) != "notfound" {
			t.Errorf("a non-approver decides: %s, want notfound", kind(err))
		}
		if err := f.svc.Access().DecideAccessRequest(ctx, f.req(t, dana), req.ID, true, "Welcome"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Access().DecideAccessRequest(ctx, admin, req.ID, false, "too late"); kind(err) != "conflict" {
			t.Errorf("second decision: %s, want conflict", kind(err))
		}
		// Riley has not accepted the terms: Read-Write counts as Read-Only
		// until then.
		if lvl := f.req(t, riley).Actor.Level(abc); lvl != desk.ReadOnly {
			t.Errorf("before accepting the terms Riley's level = %s, want read_only", lvl)
		}
		if err := f.svc.Accounts().AcceptTerms(ctx, f.req(t, riley)); err != nil {
			t.Fatal(err)
		}
		if lvl := f.req(t, riley).Actor.Level(abc); lvl != desk.ReadWrite {
			t.Errorf("after accepting the terms Riley's level = %s, want read_write", lvl)
		}
		mails, err := f.store.Notifications(ctx, riley.Email, 10)
		if err != nil || len(mails) == 0 || mails[0].Kind != "access_decision" {
			t.Errorf("Riley was not told of the decision: %v %v", mails, err)
		}
		// The partner rule: an End User employee cannot be Read-Write on a
		// partner-run combination.
		err = f.svc.Access().SetGrant(ctx, admin, desk.Grant{ContactID: casey.ID, Combination: viaPartner, Level: desk.ReadWrite})
		if desk.AsValidation(err)["level"] == "" {
			t.Errorf("granting Read-Write to an End User employee: %v, want a message on level", err)
		}
	})
}

// TestConflictsAreFieldMessages: what the store reports as a broken unique
// constraint or a bad page link reaches the form as today's field message.
func TestConflictsAreFieldMessages(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.fx.Company("Acme Corp")
		f.fx.Contract(acme)
		admin := f.staff(t, desk.RolePortalAdmin)
		_, err := f.svc.Accounts().CreateCompany(ctx, admin, &desk.Company{OrgID: acme.OrgID, Name: "Another Acme", Country: "France"})
		if got := desk.AsValidation(err)["org_id"]; got != "Another company has this Org ID." {
			t.Errorf("a second company %s: %v, want the org_id message", acme.OrgID, err)
		}
		_, err = f.svc.Cases().List(ctx, f.req(t, f.fx.Contact(acme, desk.ReadWrite)), desk.CaseFilter{List: desk.GroupCases, After: "garbage"})
		if got := desk.AsValidation(err)["after"]; got != "This page link is not valid; go back to the first page." {
			t.Errorf("a bad page link: %v, want the after message", err)
		}
	})
}

// TestOpenForCaller: whoever may OpenCaseForCaller (an agent on the phone)
// opens a case for a Designated Contact, as Critical if need be; a
// Designated Contact's case is always their own and never Critical.
func TestOpenForCaller(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.fx.Company("Acme Corp")
		combo := fixture.Combination(f.fx.Contract(acme))
		dana, sam := f.fx.Contact(acme, desk.ReadWrite), f.fx.Contact(acme, desk.ReadWrite)
		n := f.newCase(combo)
		n.ContactID, n.Priority = dana.ID, desk.PriorityCritical
		c, err := f.svc.Cases().Open(ctx, f.staff(t, desk.RoleAgent), n)
		if err != nil {
			t.Fatalf("an agent opens a Critical case for Dana: %v", err)
		}
		if c.ContactID != dana.ID || c.Priority != desk.PriorityCritical {
			t.Errorf("the agent's case is %d's, %s; want Dana's (%d), critical", c.ContactID, c.Priority, dana.ID)
		}
		feed, err := f.store.Entries(ctx, c.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(feed) == 0 || !strings.Contains(feed[0].Body, "for the caller") {
			t.Errorf("the feed does not say the case was opened for the caller: %+v", feed)
		}

		n.Priority = desk.PriorityHigh
		c, err = f.svc.Cases().Open(ctx, f.req(t, sam), n)
		if err != nil {
			t.Fatalf("Sam opens a case naming Dana: %v", err)
		}
		if c.ContactID != sam.ID {
			t.Errorf("Sam's case names contact %d, want Sam (%d): a contact opens cases for themselves", c.ContactID, sam.ID)
		}
		n.Priority = desk.PriorityProductionDown
		if _, err := f.svc.Cases().Open(ctx, f.req(t, sam), n); desk.AsValidation(err)["priority"] == "" {
			t.Errorf("Sam opening a Production Down case: %v, want a priority problem", err)
		}
	})
}

// TestPost: one use case for what people write on a case, the page's and
// the API's: a contact's update, a staff reply, a staff note; a contact
// asking for an internal note is refused by the policy.
func TestPost(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.customer("Acme Corp")
		caseID := f.open(t, acme.dana, desk.PriorityMedium)
		dana, agent := f.req(t, acme.dana), f.staff(t, desk.RoleAgent)
		for _, tt := range []struct {
			who      string
			r        support.Request
			internal bool
			want     desk.EntryKind
		}{
			{"Dana", dana, false, desk.EntryComment},
			{"an agent", agent, false, desk.EntryReply},
			{"an agent, internal", agent, true, desk.EntryNote},
		} {
			body := "Posted by " + tt.who + "."
			kind, err := f.svc.Cases().Post(ctx, tt.r, caseID, support.Posting{Body: body, Internal: tt.internal})
			if err != nil || kind != tt.want {
				t.Fatalf("Post by %s = %s, %v; want %s", tt.who, kind, err, tt.want)
			}
			feed, err := f.store.Entries(ctx, caseID, true)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(feed, func(e desk.Entry) bool { return e.Body == body && e.Kind == tt.want }) {
				t.Errorf("the feed has no %s %q", tt.want, body)
			}
		}
		_, err := f.svc.Cases().Post(ctx, dana, caseID, support.Posting{Internal: true})
		if !errors.Is(err, desk.ErrForbidden) || !strings.Contains(err.Error(), "only support staff write internal notes") {
			t.Errorf("Dana asking for an internal note: %v, want the policy's refusal before the body is read", err)
		}
	})
}

// TestListAsksThePolicy: every list asks the policy (ListCases, or
// ViewQueue for the queue), so a user disabled since their request began,
// or nobody, lists nothing.
func TestListAsksThePolicy(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.customer("Acme Corp")
		f.open(t, acme.dana, desk.PriorityMedium)
		dana := f.req(t, acme.dana)
		if page, err := f.svc.Cases().List(ctx, dana, desk.CaseFilter{List: desk.MyCases}); err != nil || len(page.Cases) != 1 {
			t.Fatalf("Dana's cases: %v", err)
		}
		disabled := *dana.Actor
		u := *disabled.User
		u.Disabled = true
		disabled.User = &u
		for _, r := range []support.Request{{Actor: &disabled}, {}} {
			for _, list := range []desk.CaseList{desk.MyCases, desk.GroupCases, desk.ClosedCases, desk.Queue} {
				if _, err := f.svc.Cases().List(ctx, r, desk.CaseFilter{List: list}); !errors.Is(err, desk.ErrUnauthenticated) {
					t.Errorf("list %v as %v: %v, want unauthenticated", list, r.Actor, err)
				}
			}
		}
	})
}

// TestAccessRequestView: who reads a request learns what the policy lets
// them: its match (ViewAccessMatch) for staff and its Sold To's approver,
// not for the contact who asked; the decision for the approver and portal
// admins (DecideAccessRequest) while it waits.
func TestAccessRequestView(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *env) {
		ctx := context.Background()
		acme := f.customer("Acme Corp")
		req, err := f.svc.Access().RequestAccess(ctx, f.req(t, acme.riley), acme.combo, desk.ReadWrite, "I run the night shift")
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			who               string
			r                 support.Request
			seeMatch, decides bool
		}{
			{"Riley, who asked", f.req(t, acme.riley), false, false},
			{"Dana, the approver", f.req(t, acme.dana), true, true},
			{"an agent", f.staff(t, desk.RoleAgent), true, false},
			{"a portal admin", f.staff(t, desk.RolePortalAdmin), true, true},
		} {
			v, err := f.svc.Access().AccessRequest(ctx, tt.r, req.ID)
			if err != nil {
				t.Fatalf("%s: %v", tt.who, err)
			}
			if v.CanSeeMatch != tt.seeMatch || v.CanDecide != tt.decides || v.Matched() != tt.seeMatch || (v.SoldToName != "") != tt.seeMatch {
				t.Errorf("%s: sees the match %v (matched %v, %q), decides %v; want %v, %v", tt.who, v.CanSeeMatch, v.Matched(), v.SoldToName, v.CanDecide, tt.seeMatch, tt.decides)
			}
			list, err := f.svc.Access().AccessRequests(ctx, tt.r, "")
			if err != nil || len(list) != 1 || list[0].CanSeeMatch != tt.seeMatch || list[0].CanDecide != tt.decides {
				t.Errorf("%s: the list = %+v, %v", tt.who, list, err)
			}
		}
		if err := f.svc.Access().AskDecide(ctx, f.req(t, acme.sam), req.ID); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("Sam, who does not approve, asking to decide: %v, want not found", err)
		}
		if err := f.svc.Access().AskDecide(ctx, f.req(t, acme.dana), req.ID); err != nil {
			t.Errorf("Dana asking to decide: %v", err)
		}
	})
}
