package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// TestTimesInTheReadersZone: a page writes a moment in the zone of its
// reader (the one on their profile, else the one their browser names in
// the tz cookie, else UTC), naming the zone; one of the last week as
// people say it ("3 hours ago") with the exact time on hover, an older
// one in full. A zone that is not one of the database is refused with a
// message beside the field, and nothing is saved.
func TestTimesInTheReadersZone(t *testing.T) {
	t.Parallel()
	eachBuilt(t, func(t *testing.T, e *env) {
		opened := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
		e.clock.Set(opened)
		abc := e.fx.Company("ABC Testing Co")
		e.fx.Contract(abc)
		sam := e.fx.Contact(abc, desk.ReadWrite)
		c := e.signIn(e.login(sam))
		base, _ := url.Parse(e.srv.URL)
		e.open(sam, desk.PriorityMedium)
		e.clock.Set(opened.Add(3*time.Hour + 10*time.Minute))

		timeOf := func(c *client) string {
			t.Helper()
			body := c.get("/cases").Body
			i := strings.Index(body, `<time datetime="2026-12-02T10:00:00Z"`)
			if i < 0 {
				t.Fatalf("My Cases shows no <time> of the case's update:\n%s", body)
			}
			return body[i : i+strings.Index(body[i:], "</time>")+len("</time>")]
		}
		if got, want := timeOf(c), `<time datetime="2026-12-02T10:00:00Z" title="2 Dec 2026 10:00 UTC">3 hours ago</time>`; got != want {
			t.Errorf("without a zone: %s, want %s", got, want)
		}

		// The browser's zone, from the cookie caseport.js sets.
		c.c.Jar.SetCookies(base, []*http.Cookie{{Name: "tz", Value: url.QueryEscape("America/New_York"), Path: "/"}})
		if got, want := timeOf(c), `title="2 Dec 2026 05:00 EST">3 hours ago</time>`; !strings.HasSuffix(got, want) {
			t.Errorf("with the browser's zone: %s, want …%s", got, want)
		}
		c.c.Jar.SetCookies(base, []*http.Cookie{{Name: "tz", Value: "Mars%2FOlympus", Path: "/"}})
		if got, want := timeOf(c), `title="2 Dec 2026 10:00 UTC"`; !strings.Contains(got, want) {
			t.Errorf("with a zone that is none: %s, want UTC", got)
		}

		// The profile's zone goes before the browser's.
		c.c.Jar.SetCookies(base, []*http.Cookie{{Name: "tz", Value: url.QueryEscape("America/New_York"), Path: "/"}})
		if res := c.post("/profile/time-zone", url.Values{"time_zone": {"Europe/Berlin"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save the zone = %d: %s", res.StatusCode, res.Body)
		}
		if res := c.get("/profile"); !strings.Contains(res.Body, `<option selected>Europe/Berlin</option>`) {
			t.Error("the profile does not show the saved zone chosen")
		}
		if got, want := timeOf(c), `title="2 Dec 2026 11:00 CET">3 hours ago</time>`; !strings.HasSuffix(got, want) {
			t.Errorf("with the profile's zone: %s, want …%s", got, want)
		}
		e.clock.Set(opened.Add(10 * 24 * time.Hour))
		c = e.signIn(sam.Email) // the session has ended
		if got, want := timeOf(c), `<time datetime="2026-12-02T10:00:00Z">2 Dec 2026 11:00 CET</time>`; got != want {
			t.Errorf("ten days on: %s, want %s", got, want)
		}

		res := c.post("/profile/time-zone", url.Values{"time_zone": {"Europe/Atlantis"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="time_zone-error"`) ||
			!strings.Contains(res.Body, "Europe/Atlantis is not a time zone of the time zone database") {
			t.Errorf("an unknown zone = %d, want 422 with a message beside the field", res.StatusCode)
		}
		if u, err := e.store.User(t.Context(), sam.ID); err != nil || u.TimeZone != "Europe/Berlin" {
			t.Errorf("after the refused zone the user's is %q (%v), want Europe/Berlin kept", u.TimeZone, err)
		}
		// Browser default stores nothing.
		if res := c.post("/profile/time-zone", url.Values{"time_zone": {""}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("browser default = %d", res.StatusCode)
		}
		if u, _ := e.store.User(t.Context(), sam.ID); u.TimeZone != "" {
			t.Errorf("after Browser default the user's zone is %q", u.TimeZone)
		}
	})
}
