package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"

	"github.com/caseport/caseport/internal/i18n"
)

// visibleAttrs are the attributes people read or hear.
var visibleAttrs = map[string]bool{
	"placeholder": true, "title": true, "aria-label": true, "alt": true, "label": true, "data-label": true,
}

// action matches a template action, quoted strings inside it included.
var action = regexp.MustCompile("\\{\\{(?:[^\"`}]|\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`|\\}[^}])*\\}\\}")

// Every text a template shows, and every attribute people read, comes from
// the catalogue: with the actions taken out, no letter is left.
func TestTemplatesShowNoLiteralText(t *testing.T) {
	files, err := fs.Glob(assets, "assets/templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := fs.Glob(assets, "assets/templates/*/*.html")
	for _, f := range append(files, more...) {
		src, err := fs.ReadFile(assets, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, lit := range literalTexts(string(src)) {
			t.Errorf("%s: %q is not from the catalogue (use {{t \"id\"}})", f, lit)
		}
	}
}

// literalTexts lists the visible texts and attributes of a template that
// have letters once its actions are removed.
func literalTexts(src string) []string {
	var found []string
	z := html.NewTokenizer(strings.NewReader(action.ReplaceAllString(src, "")))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return found
		case html.TextToken:
			if text := string(z.Text()); hasLetter(text) {
				found = append(found, text)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			for hasAttr {
				k, v, more := z.TagAttr()
				if visibleAttrs[string(k)] && hasLetter(string(v)) {
					found = append(found, string(k)+"="+string(v))
				}
				hasAttr = more
			}
			switch string(name) {
			case "script", "style":
				z.Next() // raw text: code, not words
			case "noscript":
				if z.Next() == html.TextToken { // raw text too, but HTML people read
					found = append(found, literalTexts(string(z.Text()))...)
				}
			}
		}
	}
}

func hasLetter(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

// The check itself: literal text is found, catalogue calls are not.
func TestLiteralTextsFinds(t *testing.T) {
	src := `<p title="Hi {{.Name}}">Hello {{if .X}}there{{end}}</p><p aria-label="{{t "a"}}">{{t "b" "N" .N}} · {{.Name}}</p>`
	got := strings.Join(literalTexts(src), "|")
	if want := "title=Hi |Hello there"; got != want {
		t.Errorf("literalTexts = %q, want %q", got, want)
	}
}

// Every ID a template uses is in the English catalogue (New also refuses
// to start otherwise).
func TestTemplateIDsAreInCatalogue(t *testing.T) {
	ids, err := templateIDs()
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		t.Fatal("no catalogue IDs found in the templates")
	}
	c := i18n.Default()
	for id, f := range ids {
		if !c.Has(id) {
			t.Errorf("%s uses %s, which English lacks", f, id)
		}
	}
}
