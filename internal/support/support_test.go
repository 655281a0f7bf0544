package support_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/clocktest"
	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/support"
)

// fixture is the demo world behind a service whose clock tests move.
type fixture struct {
	svc   *support.Service
	store *store.Store
	world *demo.World
	time  *clocktest.Clock // the services' clock, which tests move
	// with changes the dependencies of the fixture's services (configure).
	with []func(*support.Deps)
}

func eachEngine(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, s *store.Store) { fn(t, newFixture(t, s)) })
}

// newFixture loads the demo world into s.
func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	w, err := demo.Load(context.Background(), s, now)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: s, world: w, time: clocktest.New(now)}
	f.svc = f.service(s)
	return f
}

// service returns a service on s with the fixture's clock and
// configuration, changed by each of with; on a second store of the same
// database it is a second process.
func (f *fixture) service(s *store.Store, with ...func(*support.Deps)) *support.Service {
	d := support.Deps{
		Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: f.time.Now, BaseURL: "https://support.example",
	}
	for _, w := range append(slices.Clip(f.with), with...) {
		w(&d)
	}
	return support.New(d)
}

// configure gives the fixture a new service with w applied to its
// dependencies as well; a test calls it before it uses the service.
func (f *fixture) configure(w func(*support.Deps)) {
	f.with = append(f.with, w)
	f.svc = f.service(f.store)
}

// as returns the request of a demo user.
func (f *fixture) as(t *testing.T, email string) support.Request {
	t.Helper()
	a, err := f.store.Actor(context.Background(), f.world.Users[email], f.time.Now())
	if err != nil {
		t.Fatalf("actor %s: %v", email, err)
	}
	return support.Request{Actor: a, Address: "192.0.2.1"}
}

func kind(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, desk.ErrNotFound):
		return "notfound"
	case errors.Is(err, desk.ErrForbidden):
		return "forbidden"
	case errors.Is(err, desk.ErrConflict):
		return "conflict"
	case desk.AsValidation(err) != nil:
		return "invalid"
	}
	return "error: " + err.Error()
}

// TestCaseAccessMatrix walks every demo user against every demo case:
// who sees it, who may comment, and what the lists show.
func TestCaseAccessMatrix(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		w := f.world
		abc := []string{"abc-new", "abc-investigation", "abc-awaiting", "abc-proposed", "abc-resolved", "abc-cancelled-old"}
		contoso := []string{"contoso-open", "contoso-proposed", "contoso-third-party"}
		fabrikam := []string{"fabrikam-closed"}
		all := slices.Concat(abc, contoso, fabrikam)
		visible := map[string][]string{
			demo.Designated: abc, demo.Designated2: abc, demo.ReadOnly: abc, demo.Basic: nil,
			demo.Partner: slices.Concat(contoso, fabrikam), demo.Partner2: contoso, demo.EndUserRO: contoso,
			demo.ExpiredRO: fabrikam,
			demo.Agent:     all, demo.EscalationOwner: all, demo.Admin: all, demo.ProductManager: all,
		}
		// May the user comment on the open cases they see?
		writes := map[string]bool{
			demo.Designated: true, demo.Designated2: true, demo.Partner: true, demo.Partner2: true,
			demo.Agent: true, demo.EscalationOwner: true, demo.Admin: true, demo.ProductManager: true,
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
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		w := f.world
		dana, agent, riley := f.as(t, demo.Designated), f.as(t, demo.Agent), f.as(t, demo.ReadOnly)
		n := desk.NewCase{
			Combination: w.ABCCombo(), Type: desk.TypeSupport, SubType: "Problem",
			ProductID: w.Products["SIP Server"], ComponentID: w.Comps["SIP Server"][0],
			Summary: "Trunk 7 drops calls", Description: "Every inbound call on trunk 7 drops after thirty seconds since the upgrade.",
			Priority: desk.PriorityHigh, Stage: desk.StageProduction,
		}
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
		mails, err := f.store.Notifications(ctx, demo.Designated, 100)
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
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		w := f.world
		valid := desk.NewCase{
			Combination: w.ABCCombo(), Type: desk.TypeSupport, SubType: "Question",
			ProductID: w.Products["IVR"], ComponentID: w.Comps["IVR"][0],
			Summary: "Prompt question", Description: "How do we change the welcome prompt of the main number?",
			Priority: desk.PriorityLow, Stage: desk.StageUAT,
		}
		tests := []struct {
			name   string
			email  string
			change func(*desk.NewCase)
			want   string
			field  string
		}{
			{"component of another product", demo.Designated, func(n *desk.NewCase) { n.ComponentID = w.Comps["SIP Server"][0] }, "invalid", "component"},
			{"product the contract does not cover", demo.Partner, func(n *desk.NewCase) {
				n.Combination = w.ContosoCombo()
			}, "invalid", "product"},
			{"expired contract", demo.Partner, func(n *desk.NewCase) {
				n.Combination, n.ProductID, n.ComponentID = w.FabrikamCombo(), w.Products["IVR"], w.Comps["IVR"][0]
			}, "forbidden", ""},
			{"read-only contact", demo.ReadOnly, func(*desk.NewCase) {}, "forbidden", ""},
			{"another company's combination", demo.Designated, func(n *desk.NewCase) { n.Combination = w.ContosoCombo() }, "invalid", "combination"},
			{"summary too long", demo.Designated, func(n *desk.NewCase) { n.Summary = strings.Repeat("x", 1001) }, "invalid", "summary"},
		}
		for _, tt := range tests {
			n := valid
			tt.change(&n)
			_, err := f.svc.Cases().Open(ctx, f.as(t, tt.email), n)
			if got := kind(err); got != tt.want {
				t.Errorf("%s: %s, want %s (%v)", tt.name, got, tt.want, err)
			}
			if tt.field != "" && desk.AsValidation(err)[tt.field] == "" {
				t.Errorf("%s: no message for %s: %v", tt.name, tt.field, err)
			}
		}
		page, err := f.svc.Cases().List(ctx, f.as(t, demo.Agent), desk.CaseFilter{List: desk.Queue, Limit: 100, Statuses: desk.Statuses})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Cases) != len(w.Cases) {
			t.Errorf("the store holds %d cases after refused attempts, want %d", len(page.Cases), len(w.Cases))
		}
	})
}

func TestAccessRequests(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		w := f.world
		// An approver's own request is approved at once.
		req, err := f.svc.Access().RequestAccess(ctx, f.as(t, demo.Partner), w.ContosoCombo(), desk.ReadOnly, "Downgrade me")
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.store.AccessRequests(ctx, store.AccessRequestFilter{ID: req.ID})
		if err != nil || len(got) != 1 || got[0].State != desk.RequestApproved {
			t.Fatalf("approver's own request = %+v, %v; want approved", got, err)
		}
		// Riley asks for Read-Write; Dana (approver of ABC) decides once.
		req, err = f.svc.Access().RequestAccess(ctx, f.as(t, demo.ReadOnly), w.ABCCombo(), desk.ReadWrite, "I run the night shift")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Access().DecideAccessRequest(ctx, f.as(t, demo.Partner), req.ID, true, ""); kind(err) != "notfound" {
			t.Errorf("another Sold To's approver decides: %s, want notfound", kind(err))
		}
		if err := f.svc.Access().DecideAccessRequest(ctx, f.as(t, demo.Designated2), req.ID, true, ""); kind(err) != "notfound" {
			t.Errorf("a non-approver decides: %s, want notfound", kind(err))
		}
		if err := f.svc.Access().DecideAccessRequest(ctx, f.as(t, demo.Designated), req.ID, true, "Welcome"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Access().DecideAccessRequest(ctx, f.as(t, demo.Admin), req.ID, false, "too late"); kind(err) != "conflict" {
			t.Errorf("second decision: %s, want conflict", kind(err))
		}
		// Riley has not accepted the terms: Read-Write counts as Read-Only
		// until then.
		if lvl := f.as(t, demo.ReadOnly).Actor.Level(w.ABCCombo()); lvl != desk.ReadOnly {
			t.Errorf("before accepting the terms Riley's level = %s, want read_only", lvl)
		}
		if err := f.svc.Accounts().AcceptTerms(ctx, f.as(t, demo.ReadOnly)); err != nil {
			t.Fatal(err)
		}
		if lvl := f.as(t, demo.ReadOnly).Actor.Level(w.ABCCombo()); lvl != desk.ReadWrite {
			t.Errorf("after accepting the terms Riley's level = %s, want read_write", lvl)
		}
		mails, err := f.store.Notifications(ctx, demo.ReadOnly, 10)
		if err != nil || len(mails) == 0 || mails[0].Kind != "access_decision" {
			t.Errorf("Riley was not told of the decision: %v %v", mails, err)
		}
		// The partner rule: an End User employee cannot be Read-Write on a
		// partner-run combination.
		err = f.svc.Access().SetGrant(ctx, f.as(t, demo.Admin), desk.Grant{ContactID: w.Users[demo.EndUserRO], Combination: w.ContosoCombo(), Level: desk.ReadWrite})
		if desk.AsValidation(err)["level"] == "" {
			t.Errorf("granting Read-Write to an End User employee: %v, want a message on level", err)
		}
	})
}

// TestConflictsAreFieldMessages: what the store reports as a broken unique
// constraint or a bad page link reaches the form as today's field message.
func TestConflictsAreFieldMessages(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		admin := f.as(t, demo.Admin)
		_, err := f.svc.Accounts().CreateCompany(ctx, admin, &desk.Company{OrgID: "ORG-1001", Name: "Another ABC", Country: "France"})
		if got := desk.AsValidation(err)["org_id"]; got != "Another company has this Org ID." {
			t.Errorf("a second company ORG-1001: %v, want the org_id message", err)
		}
		_, err = f.svc.Cases().List(ctx, f.as(t, demo.Designated), desk.CaseFilter{List: desk.GroupCases, After: "garbage"})
		if got := desk.AsValidation(err)["after"]; got != "This page link is not valid; go back to the first page." {
			t.Errorf("a bad page link: %v, want the after message", err)
		}
	})
}
