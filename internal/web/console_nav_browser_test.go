package web_test

import (
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/browsertest"
	"github.com/caseport/caseport/internal/demo"
)

// TestBrowserConsoleNavigation: a portal admin's grouped navigation fits
// one row at 1280 px, a group opens to its pages without script's help,
// and on a phone the menu holds the groups.
func TestBrowserConsoleNavigation(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	e := newDemo(t, sqliteStore(t))
	desk := e.pageAs(t, b, browsertest.Desktop, demo.Admin, "/console/products")
	rows := browsertest.Eval[int](desk, `new Set([...document.querySelectorAll('.nav-wide .nav-links > li')].map(li => Math.round(li.getBoundingClientRect().top))).size`)
	if rows != 1 {
		t.Errorf("the console's navigation takes %d rows at 1280 px, want 1", rows)
	}
	// The groups: Cases, Customers, Knowledge, Settings, Audit.
	desk.Click(".nav-wide .nav-group:nth-child(4) summary")
	if !strings.Contains(desk.Text(".nav-wide .nav-group:nth-child(4) ul"), "Service levels") {
		t.Error("the Settings group does not show Service levels")
	}
	desk.CheckFits()
	desk.Screenshot("console-nav-settings-open")

	phone := e.pageAs(t, b, browsertest.Phone, demo.Admin, "/console/audit")
	phone.Click(".nav-menu > summary")
	phone.Click(".nav-menu .nav-group:nth-child(5) summary")
	if !strings.Contains(phone.Text(".nav-menu .nav-group:nth-child(5) ul"), "Audit log") {
		t.Error("the phone menu's Audit group does not show the Audit log")
	}
	phone.CheckFits()
	phone.Screenshot("console-nav-menu-open")
}

// TestBrowserServiceLevelsMatrix: the service levels are one form of
// blocks, far shorter than a row per target was (10,420 px), at 1280 px
// and on a phone, where nothing is wider than the screen, every unit shows
// its words and an amount of five digits shows whole.
func TestBrowserServiceLevelsMatrix(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	e := newDemo(t, sqliteStore(t))
	for _, size := range []browsertest.Size{browsertest.Desktop, browsertest.Phone} {
		p := e.pageAs(t, b, size, demo.Admin, "/console/service-levels")
		p.CheckFits()
		checkControlsWhole(t, p, "the service levels")
		p.Screenshot("service-levels")
		// The widest amounts a target takes, typed in every cell.
		browsertest.Eval[bool](p, `(() => { for (const el of document.querySelectorAll(".sla-cell input")) el.value = "99999"; return true; })()`)
		p.CheckFits()
		checkControlsWhole(t, p, "the service levels with five-digit amounts")
		// On a phone a clock takes a line of its own, so that its unit
		// shows its words: taller than two clocks a line, still far
		// shorter than a row per target.
		height := browsertest.Eval[int](p, `document.documentElement.scrollHeight`)
		if limit := map[string]int{"desktop": 3000, "phone": 6000}[size.Name]; height > limit {
			t.Errorf("the service levels page is %d px tall at %s, want at most %d", height, size.Name, limit)
		}
		if n := p.Count(`#targets-form button[type="submit"]`); n != 1 {
			t.Errorf("the targets form has %d buttons, want one Save", n)
		}
	}
}

// TestBrowserAuditAndCaller: the audit log with its filters and the
// caller's page after a PIN checks out fit a phone and a desktop.
func TestBrowserAuditAndCaller(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	e := newDemo(t, sqliteStore(t))
	pin := e.actor(demo.Designated).User.PIN
	for _, size := range []browsertest.Size{browsertest.Desktop, browsertest.Phone} {
		admin := e.pageAs(t, b, size, demo.Admin, "/console/audit?action=sign_in")
		admin.CheckFits()
		admin.Screenshot("audit-log")
		agent := e.pageAs(t, b, size, demo.Agent, "/console/caller")
		agent.Fill("#pin", pin)
		agent.Submit("#verify")
		if !agent.Has("#caller-cases a") {
			t.Errorf("%s: the caller's page lists no cases", size.Name)
		}
		agent.Click("#caller-open-toggle")
		agent.CheckFits()
		agent.Screenshot("caller")
	}
}
