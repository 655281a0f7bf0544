package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/caseport/caseport/internal/browsertest"
	"github.com/caseport/caseport/internal/demo"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// laptop is the screen the agent's page is measured on: its composer and
// its status control show without scrolling.
var laptop = browsertest.Size{Name: "laptop", Width: 1280, Height: 800}

// inViewScript lists the elements of the agent's page that are not
// wholly inside the window as the page opens (nothing scrolled).
const inViewScript = `(() => {
  const out = [];
  if (window.scrollY !== 0) out.push("scrolled " + window.scrollY);
  for (const sel of ["#body", "#send", "#send-then", "#status"]) {
    const el = document.querySelector(sel);
    if (!el) { out.push(sel + " missing"); continue; }
    if (el.hidden && sel === "#send-then") continue; // not offered: the case is in that status
    const r = el.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > window.innerHeight || r.right > window.innerWidth || r.width === 0) {
      out.push(sel + " at " + Math.round(r.top) + "-" + Math.round(r.bottom) + " of " + window.innerHeight);
    }
  }
  return out;
})()`

// solvedMacro saves, as the demo's portal admin, the saved reply the
// agents of these tests insert.
func solvedMacro(t *testing.T, e *env) *desk.Macro {
	t.Helper()
	m := &desk.Macro{
		Name: "A fix is out", Body: "Hello {{contact.first_name}}, the fix for case {{case.number}} is in **8.5.103**.",
		Status: desk.StatusSolutionProposed, SubStatus: desk.SubReplied,
	}
	if err := e.svc.Cases().SaveMacro(context.Background(), support.Request{Actor: e.actor(demo.Admin)}, m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBrowserAgentWorksACaseByKeyboard: from the queue, an agent opens a
// case, assigns it to themselves, inserts a saved reply and sends it
// setting Solution Proposed, with the keyboard alone, on a laptop and on
// a phone. On the laptop the composer and the status show without
// scrolling.
func TestBrowserAgentWorksACaseByKeyboard(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	e := newDemo(t, sqliteStore(t))
	solvedMacro(t, e)
	agentID := e.actor(demo.Agent).User.ID
	co := e.fx.Company("Keyboard Co")
	e.fx.Contract(co)
	contact := e.fx.Contact(co, desk.ReadWrite)
	for _, size := range []browsertest.Size{laptop, browsertest.Phone} {
		t.Run(size.Name, func(t *testing.T) {
			p := b.Page(t, e.srv.URL, size)
			signInPage(p, demo.Agent)
			// A case with a long Case Feed, as the demo's: the feed
			// scrolls, the work stays in view.
			p.Go("/cases/" + number(e.world.Cases["abc-investigation"]))
			if size == laptop {
				if out := browsertest.Eval[[]string](p, inViewScript); len(out) > 0 {
					t.Errorf("at 1280×800 the composer or the status is not in view: %v", out)
				}
			}
			p.CheckFits()
			checkControlsWhole(t, p, "the agent's case page")
			p.Screenshot("agent-case-demo")
			// The longest status shows whole: Info Required From Customer
			// under Awaiting Information.
			p.Go("/cases/" + number(e.world.Cases["abc-awaiting"]))
			checkControlsWhole(t, p, "the agent's page of a case awaiting information from the customer")

			// j and k walk the view the case was opened from.
			p.Go("/console")
			p.Focus(`main a[href^="/cases/0"]`)
			p.PressTo(kb.Enter)
			first := p.Path()
			p.PressTo("j")
			if second := p.Path(); second == first || !strings.Contains(second, "?from=") {
				t.Errorf("j from %s leads to %s, want the next case of the queue", first, second)
			}
			p.PressTo("k")
			if back := p.Path(); back != first {
				t.Errorf("k leads back to %s, want %s", back, first)
			}

			// A draft survives a reload.
			p.Fill("#body", "Half a thought")
			p.Go(first)
			if got := browsertest.Eval[string](p, `document.getElementById("body").value`); got != "Half a thought" {
				t.Errorf("after a reload the draft is %q", got)
			}

			n := number(e.open(contact, desk.PriorityMedium).ID)
			p.Go("/console?q=" + n)
			p.Focus(`a[href^="/cases/` + n + `"]`)
			p.PressTo(kb.Enter)
			if path := p.Path(); !strings.HasPrefix(path, "/cases/"+n+"?from=") {
				t.Fatalf("the case opened from the queue is at %s, want its page with the queue's query", path)
			}
			if size == laptop {
				if out := browsertest.Eval[[]string](p, inViewScript); len(out) > 0 {
					t.Errorf("at 1280×800 the composer or the status is not in view: %v", out)
				}
			}
			p.CheckFits()
			p.Screenshot("agent-case")

			p.PressTo("a")
			if got := browsertest.Eval[string](p, `document.getElementById("owner").value`); got != strconv.FormatInt(agentID, 10) {
				t.Fatalf("after a the owner is %q, want the agent (%d)", got, agentID)
			}
			p.Press("r")
			if got := browsertest.Eval[string](p, `document.activeElement.id`); got != "body" {
				t.Fatalf("after r the focus is on %q, want the reply", got)
			}
			p.Focus("#macro")
			p.Press(kb.ArrowDown)
			if got := browsertest.Eval[string](p, `document.getElementById("body").value`); !strings.HasPrefix(got, "Hello ") || !strings.Contains(got, n) {
				t.Fatalf("after choosing the macro the reply is %q, want its text filled in for case %s", got, n)
			}
			if got := p.Text("#send-then"); got != "Send and set Solution Proposed - Replied" {
				t.Errorf("the second button says %q", got)
			}
			p.Focus("#send-then")
			p.PressTo(kb.Enter)
			if got := browsertest.Eval[string](p, `document.getElementById("status").value`); got != "solution_proposed/replied" {
				t.Errorf("after Send and set the status is %q", got)
			}
			if feed := p.Text("#case-feed"); !strings.Contains(feed, "the fix for case "+n+" is in 8.5.103") {
				t.Errorf("the feed does not show the reply: %q", feed)
			}
			if got := browsertest.Eval[string](p, `(() => { const r = [...document.querySelectorAll(".feed-reply .feed-body strong")]; return r.length ? r[r.length - 1].textContent : "" })()`); got != "8.5.103" {
				t.Errorf("the reply's Markdown shows as %q, want 8.5.103 in bold", got)
			}
			if got := browsertest.Eval[string](p, `localStorage.getItem("caseport-draft-`+n+`") || ""`); got != "" {
				t.Errorf("the draft is still kept after sending: %q", got)
			}
			p.Press("?")
			if !browsertest.Eval[bool](p, `document.getElementById("shortcuts-help").open`) {
				t.Error("? does not show the shortcuts")
			}
			p.Screenshot("agent-case-sent")
			if size == laptop {
				page, _, _ := strings.Cut(p.Path(), "#")
				p.Go(page) // the notice of the send is gone: measure with one
				p.Fill("#body", "x")
				p.Submit("#send")
				if out := browsertest.Eval[[]string](p, inViewScript); len(out) > 0 {
					t.Errorf("after a send at 1280×800 the composer or the status is not in view: %v", out)
				}
			}
			p.CheckFits()
		})
	}
}

// TestBrowserTwoAgentsEditTheSameCase: two agents have a case open; the
// first raises its priority (saved as it is chosen); the second, whose
// page still shows the old priority, sends a reply and is told what
// changed, field by field, with the reply kept in the form; nothing of
// theirs is saved until they send it again.
func TestBrowserTwoAgentsEditTheSameCase(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	e := newDemo(t, sqliteStore(t))
	caseID := e.world.Cases["abc-investigation"]
	path := "/cases/" + number(caseID)
	first := b.Page(t, e.srv.URL, laptop)
	signInPage(first, demo.Agent)
	second := b.Page(t, e.srv.URL, browsertest.Phone)
	signInPage(second, demo.ProductManager)
	first.Go(path)
	second.Go(path)

	// The properties save as they change.
	first.Choose("#priority", "high")
	first.WaitUntil(`!document.getElementById("props-saved").hidden`)
	if c, err := e.store.Case(context.Background(), caseID); err != nil || c.Priority != desk.PriorityHigh {
		t.Fatalf("after the first agent chose High the case is %+v, %v", c, err)
	}

	// The second agent's page notices (as it does every 15 s, and when
	// the window comes back into focus).
	browsertest.Eval[bool](second, `window.dispatchEvent(new Event("focus"))`)
	second.WaitUntil(`!document.getElementById("case-changed").hidden`)

	second.Fill("#body", "Lowering the priority: the workaround holds.")
	second.Submit("#send")
	stale := second.Text("#stale")
	for _, want := range []string{"changed while you had it open", "Priority: you saw Medium; it is now High."} {
		if !strings.Contains(stale, want) {
			t.Errorf("the second agent is told %q, want %q in it", stale, want)
		}
	}
	if got := browsertest.Eval[string](second, `document.getElementById("body").value`); got != "Lowering the priority: the workaround holds." {
		t.Errorf("the reply in the form after the refusal is %q", got)
	}
	if got := browsertest.Eval[string](second, `document.getElementById("priority").value`); got != "high" {
		t.Errorf("after the refusal the form shows the priority %q, want the case's High", got)
	}
	second.CheckFits()
	second.Screenshot("agent-case-stale")
	feed, err := e.store.Entries(context.Background(), caseID, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range feed {
		if strings.Contains(en.Body, "workaround holds") {
			t.Fatal("the stale reply was saved")
		}
	}

	// Sent again, on the case as it now is, it goes through.
	second.Submit("#send")
	if !strings.Contains(second.Text("#case-feed"), "workaround holds") {
		t.Error("sent again, the reply is not in the feed")
	}
	if second.Has("#stale") {
		t.Errorf("sent again, the second agent is still refused: %s", second.Text("#stale"))
	}
	// The priority the second agent never touched stays the first's.
	if c, err := e.store.Case(context.Background(), caseID); err != nil || c.Priority != desk.PriorityHigh {
		t.Errorf("after the second agent's reply the priority is %v (%v), want the first agent's High", c.Priority, err)
	}
}
