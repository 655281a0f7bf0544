package web_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/browsertest"
	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// TestBrowserCaseLifecycle drives headless Chromium through the life of a
// case, as the people involved see it: a Designated Contact opens it with
// the wizard, a Read-Only colleague follows it, staff propose a solution,
// the contact answers, closes and reopens it.
func TestBrowserCaseLifecycle(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	eachDemo(t, func(t *testing.T, e *env) {
		dana := b.Page(t, e.srv.URL, browsertest.Desktop)
		signInPage(dana, demo.Designated)
		if p := dana.Path(); p != "/announcements?next=%2Fhome" {
			t.Fatalf("after sign-in the contact is at %s, want the announcements", p)
		}
		dana.Submit("#continue-dashboard")
		if p := dana.Path(); p != "/home" {
			t.Fatalf("after the announcements the contact is at %s, want My Support", p)
		}
		dana.Go("/cases")

		// The wizard: step 1 counts characters and words.
		dana.Submit("#open-case")
		dana.Fill("#summary", "Agents hear silence on transferred calls")
		if got := dana.Text("#summary-count"); got != "40 / 1000 characters" {
			t.Errorf("summary counter = %q", got)
		}
		dana.Fill("#description", "Since Monday")
		if dana.Has(".word-meter.met") {
			t.Error("the word meter is green after two words")
		}
		dana.Fill("#description", "Since Monday the Signalling Server call control drops audio on every call transferred between agents on site two.")
		if !dana.Has(".word-meter.met") {
			t.Error("the word meter is not green after ten words")
		}
		dana.Submit("#wizard-next")

		// Step 2: the details.
		dana.Choose("#product", itoa(e.world.Products["Signalling Server"]))
		dana.Choose("#component", itoa(e.world.Comps["Signalling Server"][0]))
		dana.Choose("#kind", "support/Problem")
		dana.Choose("#priority", "medium")
		dana.Click(`input[name="stage"][value="production"]`)
		dana.Fill("#agents_affected", "12")
		dana.Submit("#submit-case")
		number := strings.TrimPrefix(dana.Text(".eyebrow"), "Case ")
		if len(number) != 10 {
			t.Fatalf("after the wizard the page shows %q, want a case page", dana.Text("h1"))
		}
		casePath := "/cases/" + number
		if got := dana.Text("#case-status"); got != "Open - New" {
			t.Errorf("new case status = %q", got)
		}
		dana.Go("/cases")
		if !dana.Has(`a[href="` + casePath + `"]`) {
			t.Errorf("My Cases does not list %s", number)
		}

		// A Read-Only colleague sees the case and no controls, on a phone.
		riley := b.Page(t, e.srv.URL, browsertest.Phone)
		signInPage(riley, demo.ReadOnly)
		riley.Go("/cases?list=group")
		if !riley.Has(`a[href="` + casePath + `"]`) {
			t.Errorf("Group Cases of a Read-Only contact does not list %s", number)
		}
		if riley.Has("#open-case") {
			t.Error("a Read-Only contact is offered Open a Case")
		}
		riley.Go(casePath)
		for _, control := range []string{"#comment-form", "#close-form", "#reopen-form", "#update-form"} {
			if riley.Has(control) {
				t.Errorf("a Read-Only contact sees %s", control)
			}
		}
		riley.CheckFits()

		// Staff reply and propose a solution.
		agent := b.Page(t, e.srv.URL, browsertest.Desktop)
		signInPage(agent, demo.Agent)
		agent.Go(casePath)
		agent.Fill("#body", "Please apply the attached patch to the call control.")
		agent.Choose("#status", "solution_proposed/replied")
		agent.Submit("#send")
		if got := browsertest.Eval[string](agent, `document.getElementById("status").value`); got != "solution_proposed/replied" {
			t.Fatalf("after staff proposed a solution the status is %q", got)
		}

		// The contact answers: the case is back to Open.
		dana.Go(casePath)
		if !strings.Contains(dana.Text("#case-feed"), "apply the attached patch") {
			t.Error("the contact does not see the staff reply in the Case Feed")
		}
		dana.Fill("#body", "The patch did not help: the silence is still there.")
		dana.Submit("#comment-submit")
		if got := dana.Text("#case-status"); !strings.HasPrefix(got, "Open") {
			t.Errorf("after the customer's update the status is %q, want Open", got)
		}

		// Close (behind its button), then reopen.
		dana.Click("#close-toggle")
		dana.Click(`input[name="reason"][value="resolved"]`)
		dana.Fill("#close-comment", "Solved by the second patch.")
		dana.Submit("#close-submit")
		if got := dana.Text("#case-status"); got != "Closed - Resolved" {
			t.Fatalf("after closing the status is %q", got)
		}
		dana.Fill("#reopen-reason", "The silence came back after a restart.")
		dana.Submit("#reopen-submit")
		if got := dana.Text("#case-status"); !strings.HasPrefix(got, "Open") {
			t.Errorf("after reopening the status is %q, want Open", got)
		}
	})
}

// TestBrowserPagesFit opens the main pages of the portal and the console
// on a desktop and on a phone: nothing may be wider than the screen, and
// each page is saved as a screenshot under test-artifacts/.
func TestBrowserPagesFit(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	e := newDemo(t, sqliteStore(t))
	open := e.world.Cases["abc-investigation"]
	closedOld := e.world.Cases["abc-cancelled-old"]
	deadMails(t, e, "gone@customer.example")
	dead, err := e.store.Jobs(context.Background(), store.JobFilter{Dead: true})
	if err != nil || len(dead) != 1 {
		t.Fatalf("dead jobs %+v %v", dead, err)
	}
	pages := []struct {
		who, name, path string
	}{
		{"", "sign-in", "/signin"},
		{"", "forgot-password", "/forgot-password"},
		{demo.Designated, "my-cases", "/cases"},
		{demo.Designated, "group-cases", "/cases?list=group"},
		{demo.Designated, "open-case", "/cases/new"},
		{demo.Designated, "case", "/cases/" + number(open)},
		{demo.Designated, "case-closed-long-ago", "/cases/" + number(closedOld)},
		{demo.Designated2, "transfer-files-notice", "/cases/" + number(open) + "/files"},
		{demo.Basic, "open-case-refused", "/cases/new"},
		{"", "register", "/register"},
		{demo.Designated, "profile", "/profile"},
		{demo.Designated, "access-requests", "/access-requests"},
		{demo.Agent, "queue", "/console"},
		{demo.Agent, "queue-with-closed", "/console?closed=on"},
		{demo.Agent, "case-staff", "/cases/" + number(open)},
		{demo.Agent, "caller", "/console/caller"},
		{demo.EscalationOwner, "escalations", "/console/escalations"},
		{demo.Admin, "import", "/console/import"},
		{demo.Admin, "companies", "/console/companies"},
		{demo.Admin, "company", "/console/companies/" + itoa(e.world.Northwind)},
		{demo.Admin, "contract", "/console/contracts/new?company=" + itoa(e.world.ABC)},
		{demo.Admin, "contact", "/console/contacts/" + itoa(userID(t, e, demo.Partner))},
		{demo.Admin, "contact-new", "/console/contacts/new?company=" + itoa(e.world.ABC)},
		{demo.Admin, "products", "/console/products"},
		{demo.Admin, "staff", "/console/staff"},
		{demo.Admin, "audit-log", "/console/audit"},
		{demo.Admin, "outbox", "/console/outbox"},
		{demo.Admin, "dead-jobs", "/console/jobs"},
		{demo.Admin, "discard-job", "/console/jobs/" + itoa(dead[0].ID) + "/discard"},
		{demo.Admin, "received-mail", "/console/mail?all=1"},
		{demo.Admin, "email-rules", "/console/settings/email"},
		{demo.Admin, "service-levels", "/console/service-levels"},
		{demo.Admin, "email-templates", "/console/settings/templates"},
		{demo.Admin, "calendar", "/console/calendars/1"},
		{demo.Admin, "macros", "/console/macros"},
	}
	for _, size := range []browsertest.Size{browsertest.Desktop, browsertest.Phone} {
		t.Run(size.Name, func(t *testing.T) {
			signedIn := map[string]*browsertest.Page{}
			for _, pg := range pages {
				p := signedIn[pg.who]
				if p == nil {
					p = b.Page(t, e.srv.URL, size)
					if pg.who != "" {
						signInPage(p, pg.who)
					}
					signedIn[pg.who] = p
				}
				p.Go(pg.path)
				p.CheckFits()
				p.CheckWordsWhole()
				p.Screenshot(pg.name)
			}
			// A dead email's description reads as one phrase: no line of it
			// starts with the colon after the address, or a dot of it.
			admin := signedIn[demo.Admin]
			for _, path := range []string{"/console/jobs", "/console/jobs/" + itoa(dead[0].ID) + "/discard"} {
				admin.Go(path)
				if lines := browsertest.Eval[[]string](admin, lineStartsScript); slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, ":") || strings.HasPrefix(l, ".") }) {
					t.Errorf("%s: the job's description breaks into lines %q", path, lines)
				}
			}
			// A refused access request: the messages sit beside their fields.
			p := signedIn[demo.Designated]
			p.Go("/profile")
			p.Choose("#combination", "other")
			p.Fill("#sold_to", "ORG-9999")
			p.Submit("#request-access-submit")
			if !p.Has("#end_user-error") {
				t.Error("an access request without End User shows no message beside it")
			}
			p.CheckFits()
			p.Screenshot("profile-refused")
			// The phone menu opens and shows the navigation.
			if size == browsertest.Phone {
				p.Go("/cases")
				p.Click(".nav-menu > summary")
				if !strings.Contains(p.Text(".nav-menu nav"), "Open a Case") {
					t.Error("the phone menu does not show the navigation")
				}
				p.Screenshot("menu-open")
			}
		})
	}
}

// lineStartsScript returns the lines the first dead job's description is
// laid out in, on the list or on the page that asks before discarding.
const lineStartsScript = `(() => {
  const el = document.querySelector('#dead-jobs td[data-label="Job"], #job-subject');
  const lines = [];
  let top = null;
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    for (let i = 0; i < n.data.length; i++) {
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + 1);
      const rect = r.getClientRects()[0];
      if (!rect) continue; // a collapsed space at a line's end
      if (top === null || rect.top > top + 2) { lines.push(""); top = rect.top; }
      lines[lines.length - 1] += n.data[i];
    }
  }
  return lines.map(l => l.trim());
})()`

// signInPage signs a demo user in through the sign-in form.
func signInPage(p *browsertest.Page, email string) {
	p.Go("/signin")
	p.Fill("#email", email)
	p.Fill("#password", demo.Password)
	p.Submit(`.signin-card button[type="submit"]`)
}

// TestBrowserTabStripsShowTheyScroll: on a phone a strip of tabs wider
// than the screen scrolls, and shows so with a shade at the edge beyond
// which more tabs are.
func TestBrowserTabStripsShowTheyScroll(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	eachBuilt(t, func(t *testing.T, e *env) {
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		for _, tt := range []struct{ email, path string }{
			{e.login(e.fx.Contact(abc, desk.ReadWrite)), "/cases"},
			{e.staff(desk.RolePortalAdmin, desk.RoleAgent), "/console/mail"},
		} {
			p := b.Page(t, e.srv.URL, browsertest.Phone)
			p.Go("/signin")
			p.Fill("#email", tt.email)
			p.Fill("#password", e.passwords[tt.email])
			p.Submit(`.signin-card button[type="submit"]`)
			p.Go(tt.path)
			// The strip is cut, and its background has the shades, the
			// covers scrolling with the tabs.
			if !browsertest.Eval[bool](p, `(() => { const t = document.querySelector("nav.tabs"); return t.scrollWidth > t.clientWidth })()`) {
				t.Logf("%s: the tabs fit a phone; nothing to show", tt.path)
			}
			style := browsertest.Eval[[]string](p, `(() => { const s = getComputedStyle(document.querySelector("nav.tabs")); return [s.backgroundImage, s.backgroundAttachment] })()`)
			if strings.Count(style[0], "linear-gradient") != 4 || !strings.Contains(style[1], "local") {
				t.Errorf("%s: the tab strip shows no shade where it scrolls: %q", tt.path, style)
			}
			p.CheckFits()
			p.Screenshot("tabs" + strings.ReplaceAll(tt.path, "/", "-"))
		}
	})
}

// cutControlsScript lists the visible controls whose text the page cuts:
// a select narrower than it would be showing only its chosen option, a
// number field narrower than its number, an empty field narrower than its
// placeholder.
const cutControlsScript = `(() => {
  const out = [];
  const name = el => el.id ? "#" + el.id : el.name || el.tagName.toLowerCase();
  for (const el of document.querySelectorAll("select:not([multiple])")) {
    const o = el.options[el.selectedIndex];
    if (!o || !el.checkVisibility()) continue;
    const probe = el.cloneNode(false);
    probe.removeAttribute("id");
    probe.append(new Option(o.text));
    probe.style.cssText = "position:absolute;visibility:hidden;width:auto;min-width:0;max-width:none;flex:none";
    el.parentNode.append(probe);
    const need = probe.getBoundingClientRect().width;
    probe.remove();
    const has = el.getBoundingClientRect().width;
    if (need > has + 0.5) out.push(name(el) + " shows " + JSON.stringify(o.text) + " in " + Math.round(has) + " px of the " + Math.round(need) + " it needs");
  }
  // A number field shows its number; an empty field, its placeholder
  // (set as its value for the measure: a search field keeps the room of
  // its clear button either way).
  for (const el of document.querySelectorAll('input:not([type]), input[type="text"], input[type="search"], input[type="email"]')) {
    const numeric = el.inputMode === "numeric";
    const text = numeric && el.value ? el.value : el.value ? "" : el.placeholder;
    if (!text || !el.checkVisibility()) continue;
    const was = el.value;
    el.value = text;
    const need = el.scrollWidth, has = el.clientWidth;
    el.value = was;
    if (need > has) out.push(name(el) + " shows " + JSON.stringify(text) + " in " + has + " px of the " + need + " it needs");
  }
  return out;
})()`

// checkControlsWhole fails the test for each control on p's page that
// cuts its text (cutControlsScript).
func checkControlsWhole(t *testing.T, p *browsertest.Page, page string) {
	t.Helper()
	for _, cut := range browsertest.Eval[[]string](p, cutControlsScript) {
		t.Errorf("%s at %s: %s", page, p.Size().Name, cut)
	}
}
