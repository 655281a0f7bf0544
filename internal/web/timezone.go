package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
)

// Times on pages are written in the reader's time zone: the one on their
// profile, else the one their browser names in the tz cookie (caseport.js
// sets it), else UTC. Templates are bound to a localizer at parse time, so
// the pages of each language are parsed once per zone that asks for them
// (zonedPages), the UTC ones at start-up.
//
// The zones offered on the profile (timeZones, in zones.go) are the names
// of Go's time zone database, listed by zones_gen.go: Go embeds the
// database (time/tzdata) but does not say which names it holds.
//go:generate go run zones_gen.go

// zoneCookie is the cookie caseport.js keeps the browser's zone in.
const zoneCookie = "tz"

// zoneOf is the time zone of the reader of r: u's choice, their browser's,
// or UTC.
func zoneOf(r *http.Request, u *desk.User) *time.Location {
	if u != nil && u.TimeZone != "" {
		if z, err := desk.LoadZone(u.TimeZone); err == nil {
			return z
		}
	}
	if c, err := r.Cookie(zoneCookie); err == nil {
		if name, err := url.QueryUnescape(c.Value); err == nil {
			if z, err := desk.LoadZone(name); err == nil {
				return z
			}
		}
	}
	return time.UTC
}

// maxZonedSets bounds the page sets kept for zones other than UTC: a
// set is some megabytes, and any browser may name any zone.
const maxZonedSets = 32

// zonedPages are the parsed pages of a language in a zone other than
// UTC, made when a reader in that zone first asks.
type zonedPages struct {
	mu   sync.Mutex
	sets map[zonedKey]map[string]*template.Template
}

type zonedKey struct{ lang, zone string }

// pagesFor returns the pages of lang written for a reader in zone.
func (s *Server) pagesFor(lang string, zone *time.Location) (map[string]*template.Template, error) {
	if zone == time.UTC {
		return s.pages[lang], nil
	}
	key := zonedKey{lang, zone.String()}
	s.zoned.mu.Lock()
	defer s.zoned.mu.Unlock()
	if pages, ok := s.zoned.sets[key]; ok {
		return pages, nil
	}
	i := slices.IndexFunc(s.catalogue.Languages(), func(t language.Tag) bool { return t.String() == lang })
	if i < 0 {
		return nil, nil // render says there is no such page
	}
	pages, err := parseLanguage(s.catalogue.Localizer(s.catalogue.Languages()[i]).In(zone), s.static, s.now)
	if err != nil {
		return nil, err
	}
	if s.zoned.sets == nil || len(s.zoned.sets) >= maxZonedSets {
		s.zoned.sets = map[zonedKey]map[string]*template.Template{} // rare: start again
	}
	s.zoned.sets[key] = pages
	return pages, nil
}

// timeFuncs are the templates' functions that write moments, in l's zone
// and language; now is the clock "3 hours ago" is counted from.
func timeFuncs(l *i18n.Localizer, now func() time.Time) template.FuncMap {
	return template.FuncMap{
		// datetime writes a moment in full: "2 Dec 2026 14:05 CET".
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return l.DateTime(t)
		},
		// when writes a moment in a <time> element: one of the last or
		// the next week as people say it ("3 hours ago", "in 2 days"),
		// with the exact time on hover; an older or later one as
		// datetime does.
		"when": func(t time.Time) template.HTML {
			if t.IsZero() {
				return ""
			}
			exact := l.DateTime(t)
			if rel := relative(l, t, now()); rel != "" {
				return timeElement(t, exact, rel)
			}
			return timeElement(t, "", exact)
		},
		// dateLong writes the day of a moment in the reader's zone as a
		// sentence does, and as the use cases' messages write theirs
		// (desk.Date): "Escalated on 1 December 2026" beside "escalated
		// on 1 December 2026; …".
		"dateLong": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return l.DateLong(t.In(l.Zone()))
		},
	}
}

// timeElement is <time datetime="ISO" title="title">text</time>.
func timeElement(t time.Time, title, text string) template.HTML {
	out := `<time datetime="` + t.UTC().Format(time.RFC3339) + `"`
	if title != "" {
		out += ` title="` + htmlEscaper.Replace(title) + `"`
	}
	return template.HTML(out + ">" + htmlEscaper.Replace(text) + "</time>") //nolint:gosec // the texts are escaped
}

// relative says how long ago (or until) t is from now, in the largest
// whole unit, for a moment within a week; "" for one further away.
func relative(l *i18n.Localizer, t, now time.Time) string {
	d := now.Sub(t)
	ahead := d < 0
	if ahead {
		d = -d
	}
	pick := func(ago, in string, n int) string {
		if ahead {
			return l.N(in, n)
		}
		return l.N(ago, n)
	}
	switch {
	case d < time.Minute:
		return l.T("time.just_now")
	case d < time.Hour:
		return pick("time.minutes_ago", "time.in_minutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return pick("time.hours_ago", "time.in_hours", int(d/time.Hour))
	case d < 7*24*time.Hour:
		return pick("time.days_ago", "time.in_days", int(d/(24*time.Hour)))
	}
	return ""
}
