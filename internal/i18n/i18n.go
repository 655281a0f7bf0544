// Package i18n is Caseport's message catalogue: every text people read
// (pages, emails, notices, labels of statuses and other enums, validation
// and refusal messages) by a stable ID, in one JSON message file per
// language, embedded. English is complete and is the fallback for an ID
// another language lacks; adding a language is adding its file.
//
// The files are go-i18n's JSON format: an ID maps to a text, or to an
// object with CLDR plural forms ("one", "other", …) and a "description"
// for translators. Texts are Go text/template strings over named
// arguments ({{.Name}}); a plural message gets its count as {{.Count}}.
// The domain's own words (labels, desk's messages) are in desk's file
// (desk.Messages), which desk also reads for its English; this package's
// files hold the rest.
package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"github.com/caseport/caseport/internal/desk"
)

// Catalogue holds every message in every language. It is built once and
// only read afterwards, so it is safe for concurrent use.
type Catalogue struct {
	bundle  *goi18n.Bundle
	langs   []language.Tag
	matcher language.Matcher
	// english maps each ID to its English message, to list and check IDs.
	english map[string]*goi18n.Message
}

// Load builds a catalogue from message files named LANG.json under the
// given file systems' "messages" directories (this package's and desk's by
// default, see Default). English must be among them.
func Load(fsyss ...fs.FS) (*Catalogue, error) {
	c := &Catalogue{bundle: goi18n.NewBundle(language.English), english: map[string]*goi18n.Message{}}
	seen := map[language.Tag]bool{language.English: true}
	c.langs = []language.Tag{language.English}
	for _, fsys := range fsyss {
		files, err := fs.Glob(fsys, "messages/*.json")
		if err != nil {
			return nil, fmt.Errorf("list message files: %w", err)
		}
		for _, f := range files {
			raw, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", f, err)
			}
			mf, err := c.bundle.ParseMessageFileBytes(raw, path.Base(f))
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", f, err)
			}
			if mf.Tag == language.English {
				for _, m := range mf.Messages {
					if _, dup := c.english[m.ID]; dup {
						return nil, fmt.Errorf("%s: message %s is defined twice", f, m.ID)
					}
					c.english[m.ID] = m
				}
			}
			if !seen[mf.Tag] {
				seen[mf.Tag] = true
				c.langs = append(c.langs, mf.Tag)
			}
		}
	}
	if len(c.english) == 0 {
		return nil, errors.New("no English messages")
	}
	c.matcher = language.NewMatcher(c.langs)
	return c, nil
}

// Default is the catalogue of the embedded message files, loaded on first
// use. The files are part of the binary: a broken one is a bug the tests
// catch, so it panics.
var Default = sync.OnceValue(func() *Catalogue {
	c, err := Load(Files, desk.Messages)
	if err != nil {
		panic(err)
	}
	return c
})

// English returns the default catalogue's English localizer, for texts
// that have no reader's language to follow (logs, events, emails until
// users choose a language).
func English() *Localizer { return Default().Localizer(language.English) }

// Languages lists the catalogue's languages, English first.
func (c *Catalogue) Languages() []language.Tag { return slices.Clone(c.langs) }

// IDs lists the English IDs, sorted.
func (c *Catalogue) IDs() []string { return slices.Sorted(maps.Keys(c.english)) }

// Has reports whether English has id. Every ID in use must pass (English
// is complete); tests and the start-up check ask.
func (c *Catalogue) Has(id string) bool {
	_, ok := c.english[id]
	return ok
}

// Match picks the catalogue's language for a request's preferences: values
// of Accept-Language, later a user's own choice first.
func (c *Catalogue) Match(prefs ...string) language.Tag {
	var tags []language.Tag
	for _, p := range prefs {
		ts, _, err := language.ParseAcceptLanguage(p)
		if err == nil {
			tags = append(tags, ts...)
		}
	}
	_, i, _ := c.matcher.Match(tags...)
	return c.langs[i]
}

// Localizer renders messages in tag, falling back to English per message.
func (c *Catalogue) Localizer(tag language.Tag) *Localizer {
	return &Localizer{cat: c, tag: tag, loc: goi18n.NewLocalizer(c.bundle, tag.String(), language.English.String())}
}

// Localizer renders the catalogue's messages in one language.
type Localizer struct {
	cat *Catalogue
	tag language.Tag
	loc *goi18n.Localizer
	// zone is where the reader is: moments (DateTime) are written in it;
	// nil is UTC.
	zone *time.Location
}

// In returns the localizer writing moments in zone (nil: UTC).
func (l *Localizer) In(zone *time.Location) *Localizer {
	c := *l
	c.zone = zone
	return &c
}

// Zone is the time zone the localizer writes moments in.
func (l *Localizer) Zone() *time.Location {
	if l.zone == nil {
		return time.UTC
	}
	return l.zone
}

// Language is the localizer's language.
func (l *Localizer) Language() language.Tag { return l.tag }

// T renders message id with arguments given as name, value pairs. An
// argument that is a desk.Labelled value is shown by its label. An ID the
// catalogue lacks comes back as itself, so it shows (the tests and the
// start-up check find them first).
func (l *Localizer) T(id string, kv ...any) string {
	return l.render(id, nil, pairs(kv))
}

// N renders the plural message id for count, with arguments as for T;
// the message sees count as {{.Count}}.
func (l *Localizer) N(id string, count int, kv ...any) string {
	args := pairs(kv)
	args["Count"] = count
	return l.render(id, count, args)
}

// Forms renders the plural message id once in each plural form the
// language gives whole numbers, by CLDR name ("one", "few", "other", …),
// for a script that picks the form itself (Intl.PluralRules). Arguments are as for T; the
// texts do not see the count, so give its place as an argument of its own
// ("N", "{n}").
func (l *Localizer) Forms(id string, kv ...any) map[string]string {
	out := map[string]string{}
	// Every integer form of every language shows among 0…199.
	for n := range 200 {
		name := formNames[plural.Cardinal.MatchPlural(l.tag, n, 0, 0, 0, 0)]
		if _, done := out[name]; !done {
			out[name] = l.N(id, n, kv...)
		}
	}
	return out
}

// formNames are the CLDR names of the plural forms.
var formNames = map[plural.Form]string{
	plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many", plural.Other: "other",
}

// Label is the label of an enum value.
func (l *Localizer) Label(v desk.Labelled) string {
	if v == nil {
		return ""
	}
	id := v.MessageID()
	if !l.cat.Has(id) {
		// A stored value this version does not know: show it as stored.
		_, raw, _ := cutLast(id)
		return raw
	}
	return l.render(id, nil, nil)
}

// Choice is an enum value's label as one choice of a select whose
// groups name its kind: the catalogue's "choice." message of the value
// where a select would cut the whole label (Info Required From Customer
// under Awaiting Information), else its label.
func (l *Localizer) Choice(v desk.Labelled) string {
	if v == nil {
		return ""
	}
	if id := "choice." + strings.TrimPrefix(v.MessageID(), "label."); l.cat.Has(id) {
		return l.render(id, nil, nil)
	}
	return l.Label(v)
}

// Message renders a message the domain made (the zero Message is
// nothing to show).
func (l *Localizer) Message(m desk.Message) string {
	if m.ID == "" {
		return ""
	}
	var count any
	if n, ok := m.Args["Count"].(int); ok {
		count = n
	}
	return l.render(m.ID, count, m.Args)
}

// Date writes a day on a page (format.date: "2 Jan 2006" in English).
func (l *Localizer) Date(t time.Time) string { return desk.FormatTime(t, "format.date", l.text) }

// DateLong writes a day in a sentence (format.date_long: "2 January
// 2006" in English), as a desk.Date argument is written.
func (l *Localizer) DateLong(t time.Time) string {
	return desk.FormatTime(t, "format.date_long", l.text)
}

// DateTime writes a moment on a page or in an email in the localizer's
// zone, named (format.datetime: "2 Jan 2006 15:04 CET" in English).
func (l *Localizer) DateTime(t time.Time) string {
	return desk.FormatTime(t.In(l.Zone()), "format.datetime", l.text)
}

// Size writes a byte count (format.size.*: "1.5 MB" in English).
func (l *Localizer) Size(n int64) string { return desk.Size(n).Format(l.text) }

// text renders a message for desk's formats, in its plural form when
// args hold a Count (the units of a desk.Span).
func (l *Localizer) text(id string, args map[string]any) string {
	var count any
	if n, ok := args["Count"].(int); ok {
		count = n
	}
	return l.render(id, count, args)
}

func (l *Localizer) render(id string, count any, args map[string]any) string {
	data := make(map[string]any, len(args))
	for k, v := range args {
		switch a := v.(type) {
		case desk.Labelled:
			v = l.Label(a)
		case desk.Message:
			v = l.Message(a)
		case desk.Date:
			v = l.DateLong(time.Time(a))
		case desk.DateTime:
			v = l.DateTime(time.Time(a))
		case desk.Size:
			v = a.Format(l.text)
		case desk.Span:
			v = a.Format(l.text)
		}
		data[k] = v
	}
	out, tag, err := l.loc.LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil && count != nil {
		// A message without plural forms that takes a Count argument
		// (go-i18n asks it for the "one" form of 1, which it lacks).
		out, tag, err = l.loc.LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	}
	if _, notFound := errors.AsType[*goi18n.MessageNotFoundErr](err); notFound && tag != language.Und {
		return out // English stood in for a message the language lacks
	}
	if err != nil {
		return id
	}
	return out
}

// pairs reads name, value pairs into a map; an odd last name gets "".
func pairs(kv []any) map[string]any {
	m := make(map[string]any, len(kv)/2+1)
	for i := 0; i < len(kv); i += 2 {
		k := fmt.Sprint(kv[i])
		if i+1 < len(kv) {
			m[k] = kv[i+1]
		} else {
			m[k] = ""
		}
	}
	return m
}

// cutLast splits an ID at its last dot.
func cutLast(id string) (before, after string, found bool) {
	i := strings.LastIndex(id, ".")
	if i < 0 {
		return "", id, false
	}
	return id[:i], id[i+1:], true
}
