package web_test

import (
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/browsertest"
	"github.com/caseport/caseport/internal/demo"
)

// TestBrowserAnnouncementsThenHome: on a phone and a desktop a Designated
// Contact who signs in reads Customer Care's announcements first,
// continues to the dashboard (search box, counts, tiles, recent
// announcements), and is not shown them again at the next sign-in; a
// portal admin's console lists them.
func TestBrowserAnnouncementsThenHome(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	for _, size := range []browsertest.Size{browsertest.Phone, browsertest.Desktop} {
		e := newDemo(t, sqliteStore(t))
		dana := b.Page(t, e.srv.URL, size)
		signInPage(dana, demo.Designated)
		if p := dana.Path(); p != "/announcements?next=%2Fhome" {
			t.Fatalf("%s: after sign-in Dana is at %s, want the announcements", size.Name, p)
		}
		if n := dana.Count("article.announcement"); n != 3 {
			t.Errorf("%s: %d announcements shown at sign-in, want the demo's 3", size.Name, n)
		}
		dana.CheckFits()
		dana.CheckWordsWhole()
		dana.Screenshot("announcements-at-sign-in")
		dana.Submit("#continue-dashboard")
		if p := dana.Path(); p != "/home" {
			t.Fatalf("%s: Continue to your Dashboard leads to %s, want /home", size.Name, p)
		}
		for _, sel := range []string{"#home-q", "#count-my-cases", "#count-group-cases", "#tile-open-case", "#tile-tutorials", "#recent-announcements", "#alert-updates"} {
			if !dana.Has(sel) {
				t.Errorf("%s: My Support has no %s", size.Name, sel)
			}
		}
		dana.CheckFits()
		dana.CheckWordsWhole()
		dana.Screenshot("my-support-home")
		dana.Submit("#count-my-cases")
		if p := dana.Path(); p != "/cases" {
			t.Errorf("%s: My Cases open leads to %s, want My Cases", size.Name, p)
		}
		dana.Go("/home")
		dana.Fill("#home-q", "transfer")
		dana.Submit(`.home-search button[type="submit"]`)
		if p := dana.Path(); !strings.HasPrefix(p, "/knowledge?q=transfer") {
			t.Errorf("%s: the home page's search leads to %s", size.Name, p)
		}
		dana.Go("/coming/community")
		dana.CheckFits()
		dana.Screenshot("coming-soon")

		again := b.Page(t, e.srv.URL, size)
		signInPage(again, demo.Designated)
		if p := again.Path(); p != "/home" {
			t.Errorf("%s: Dana's second sign-in lands on %s, want /home: each announcement is shown once", size.Name, p)
		}

		admin := b.Page(t, e.srv.URL, size)
		signInPage(admin, demo.Admin)
		admin.Go("/console/announcements")
		if n := admin.Count("#announcements tbody tr"); n != 3 {
			t.Errorf("%s: the console lists %d announcements, want 3", size.Name, n)
		}
		admin.CheckFits()
		admin.CheckWordsWhole()
		admin.Screenshot("console-announcements")
	}
}
