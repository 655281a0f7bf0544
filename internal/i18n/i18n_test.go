package i18n

import (
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/text/language"

	"github.com/caseport/caseport/internal/desk"
)

func TestDefaultLoads(t *testing.T) {
	c := Default()
	if !c.Has("label.status.open") || !c.Has("nav.profile") {
		t.Fatalf("the default catalogue lacks desk's or its own English")
	}
}

// A second language is a file: no code. A message it lacks is English.
func TestSecondLanguageFallsBackToEnglish(t *testing.T) {
	fsys := fstest.MapFS{
		"messages/en.json": {Data: []byte(`{"hello": "Hello {{.Name}}", "bye": "Goodbye",
			"files": {"one": "{{.Count}} file", "other": "{{.Count}} files"}}`)},
		"messages/de.json": {Data: []byte(`{"hello": "Hallo {{.Name}}",
			"files": {"one": "{{.Count}} Datei", "other": "{{.Count}} Dateien"}}`)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	de := c.Localizer(c.Match("de-CH, en;q=0.5"))
	tests := []struct{ got, want string }{
		{de.T("hello", "Name", "Ada"), "Hallo Ada"},
		{de.T("bye"), "Goodbye"},
		{de.N("files", 1), "1 Datei"},
		{de.N("files", 3), "3 Dateien"},
		{c.Localizer(language.English).N("files", 1), "1 file"},
		{c.Localizer(c.Match("fr")).T("hello", "Name", "Ada"), "Hello Ada"},
		{de.T("no.such.id"), "no.such.id"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestDuplicateIDRefused(t *testing.T) {
	fsys := fstest.MapFS{"messages/en.json": {Data: []byte(`{"a": "A"}`)}}
	if _, err := Load(fsys, fsys); err == nil {
		t.Fatal("Load accepted an ID defined in two English files")
	}
}

// Labels and the domain's messages render through the catalogue the same
// as desk's own English.
func TestLabelsMatchDeskEnglish(t *testing.T) {
	en := English()
	for _, s := range desk.Statuses {
		if got, want := en.Label(s), s.Label(); got != want {
			t.Errorf("Label(%s) = %q, want %q", s, got, want)
		}
	}
	if got := en.Label(desk.Status("archived")); got != "archived" {
		t.Errorf("Label(unknown status) = %q, want the stored value", got)
	}
	for _, id := range desk.MessageIDs() {
		if !Default().Has(id) {
			t.Errorf("desk message %s is not in the catalogue", id)
		}
	}
}

// A domain message that takes a Count but has no plural forms renders in
// full for every count, 1 included (go-i18n alone would ask for its "one"
// form and fail).
func TestCountWithoutPluralForms(t *testing.T) {
	fsys := fstest.MapFS{"messages/en.json": {Data: []byte(`{"company.contacts": "{{.Company}} has {{.Count}} contact(s)"}`)}}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	en := c.Localizer(language.English)
	for n, want := range map[int]string{0: "Acme has 0 contact(s)", 1: "Acme has 1 contact(s)", 2: "Acme has 2 contact(s)"} {
		if got := en.Message(desk.Msg("company.contacts", "Company", "Acme", "Count", n)); got != want {
			t.Errorf("Count %d: %q, want %q", n, got, want)
		}
	}
}

// A script gets a plural message in every form of the page's language,
// and dates, sizes and arguments of those kinds in that language's words.
func TestFormsAndFormats(t *testing.T) {
	fsys := fstest.MapFS{
		"messages/en.json": {Data: []byte(`{"files": {"one": "{{.N}} file", "other": "{{.N}} files"},
			"format.date": "2 Jan 2006", "format.date_long": "2 January 2006", "format.month.3": "March", "format.month_short.3": "Mar",
			"format.decimal_mark": ".", "format.size.MB": "{{.Number}} MB", "gone": "deleted on {{.Date}}"}`)},
		"messages/pl.json": {Data: []byte(`{"files": {"one": "{{.N}} plik", "few": "{{.N}} pliki", "many": "{{.N}} plików", "other": "{{.N}} pliku"},
			"format.date_long": "2 January 2006", "format.month.3": "marca", "format.decimal_mark": ",", "gone": "usunięto {{.Date}}"}`)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	pl := c.Localizer(c.Match("pl"))
	at := time.Date(2026, time.March, 4, 0, 0, 0, 0, time.UTC)
	tests := []struct{ got, want any }{
		{c.Localizer(language.English).Forms("files", "N", "{n}"), map[string]string{"one": "{n} file", "other": "{n} files"}},
		// Polish counts whole things in three forms ("other" is for fractions).
		{pl.Forms("files", "N", "{n}"), map[string]string{"one": "{n} plik", "few": "{n} pliki", "many": "{n} plików"}},
		{c.Localizer(language.English).Date(at), "4 Mar 2026"},
		{pl.Size(1_500_000), "1,5 MB"},
		{pl.Message(desk.Msg("gone", "Date", desk.Date(at))), "usunięto 4 marca 2026"},
	}
	for i, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%d: got %v, want %v", i, tt.got, tt.want)
		}
	}
}
