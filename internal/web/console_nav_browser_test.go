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
	desk := b.Page(t, e.srv.URL, browsertest.Desktop)
	signInPage(desk, demo.Admin)
	desk.Go("/console/products")
	rows := browsertest.Eval[int](desk, `new Set([...document.querySelectorAll('.nav-wide .nav-links > li')].map(li => Math.round(li.getBoundingClientRect().top))).size`)
	if rows != 1 {
		t.Errorf("the console's navigation takes %d rows at 1280 px, want 1", rows)
	}
	desk.Click(".nav-wide .nav-group:nth-child(3) summary")
	if !strings.Contains(desk.Text(".nav-wide .nav-group:nth-child(3) ul"), "Service levels") {
		t.Error("the Settings group does not show Service levels")
	}
	desk.CheckFits()
	desk.Screenshot("console-nav-settings-open")

	phone := b.Page(t, e.srv.URL, browsertest.Phone)
	signInPage(phone, demo.Admin)
	phone.Go("/console/audit")
	phone.Click(".nav-menu > summary")
	phone.Click(".nav-menu .nav-group:nth-child(4) summary")
	if !strings.Contains(phone.Text(".nav-menu .nav-group:nth-child(4) ul"), "Audit log") {
		t.Error("the phone menu's Audit group does not show the Audit log")
	}
	phone.CheckFits()
	phone.Screenshot("console-nav-menu-open")
}
