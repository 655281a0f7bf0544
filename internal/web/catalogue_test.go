package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template/parse"
	"unicode"

	"golang.org/x/net/html"

	"github.com/caseport/caseport/internal/desk"
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

// Templates take their words from the catalogue and their decisions from
// the page's data: they call no method that returns desk's English (Label,
// Describe, String: use label, describe and msg), ask no one whether they
// are staff (IsStaff: the page's data or the policy says), and compare no
// value with a string literal (an enum's value is the domain's to read:
// the data carries a fact such as .Closed or .State.Allows "accept"). A
// form's own values may be compared (.Value "field"), and so may a list's
// filter, which is the page's own query word ($d.List, $d.State).
func TestTemplatesTakeWordsAndDecisionsFromTheirData(t *testing.T) {
	for f, problems := range templateProblems(t) {
		for _, p := range problems {
			t.Errorf("%s: %s", f, p)
		}
	}
}

// forbiddenCalls are the methods templates must not call.
var forbiddenCalls = map[string]string{
	"Label": "use {{label …}}", "Describe": "use {{describe …}}", "String": "use {{label …}} or {{msg …}}",
	"IsStaff": "give the page's data a fact, or ask .Perms.Can",
}

// comparisons are the template functions that compare their arguments.
var comparisons = map[string]bool{"eq": true, "ne": true, "selected": true}

// fields are the calls of forbiddenCalls' names that are fields, by file:
// the navigation's items carry their text in the reader's language.
var fields = map[string]string{"assets/templates/layout.html": ".Label"}

// filters are the page values a template may compare with a literal: the
// current list's query word.
var filters = map[string]bool{"$d.List": true, "$d.State": true}

// templateProblems lists, by file, what TestTemplatesTakeWordsAndDecisions
// finds.
func templateProblems(t *testing.T) map[string][]string {
	t.Helper()
	files, err := fs.Glob(assets, "assets/templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := fs.Glob(assets, "assets/templates/*/*.html")
	found := map[string][]string{}
	for _, f := range append(files, more...) {
		src, err := fs.ReadFile(assets, f)
		if err != nil {
			t.Fatal(err)
		}
		found[f] = checkTemplate(t, f, string(src))
	}
	return found
}

// checkTemplate lists the forbidden calls and comparisons of one template
// file.
func checkTemplate(t *testing.T, name, src string) []string {
	t.Helper()
	known := templateFuncNames()
	trees, err := parse.Parse(name, src, "", "", known...)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	var problems []string
	for _, tree := range trees {
		walkNodes(tree.Root, func(cmd *parse.CommandNode) {
			for _, a := range cmd.Args {
				var idents []string
				switch a := a.(type) {
				case *parse.FieldNode:
					idents = a.Ident
				case *parse.VariableNode:
					idents = a.Ident[1:]
				case *parse.ChainNode:
					idents = a.Field
				}
				for _, id := range idents {
					if why, bad := forbiddenCalls[id]; bad && fields[name] != a.String() {
						problems = append(problems, fmt.Sprintf("%s calls .%s: %s", cmd, id, why))
					}
				}
			}
			fn, ok := cmd.Args[0].(*parse.IdentifierNode)
			if !ok || !comparisons[fn.Ident] {
				return
			}
			literal, others := false, []parse.Node{}
			for _, a := range cmd.Args[1:] {
				if _, ok := a.(*parse.StringNode); ok {
					literal = true
					continue
				}
				others = append(others, a)
			}
			if literal && !slices.ContainsFunc(others, mayCompare) {
				problems = append(problems, fmt.Sprintf("%s compares with a string literal: give the page's data a fact", cmd))
			}
		})
	}
	return problems
}

// mayCompare reports whether a template may compare n with a literal: a
// form value (.Value "field", $.Value "field") or a list's filter.
func mayCompare(n parse.Node) bool {
	if filters[n.String()] {
		return true
	}
	pipe, ok := n.(*parse.PipeNode)
	if !ok || len(pipe.Cmds) != 1 {
		return false
	}
	switch f := pipe.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		return slices.Equal(f.Ident, []string{"Value"})
	case *parse.VariableNode:
		return slices.Equal(f.Ident, []string{"$", "Value"})
	}
	return false
}

// The check finds what it is for.
func TestCheckTemplateFinds(t *testing.T) {
	src := `{{if .User.IsStaff}}{{.Unit.Describe 3}}{{end}}{{if eq .State "active"}}{{end}}` +
		`{{if eq (.Value "x") "on"}}{{end}}{{if eq $.Data.List "group"}}{{end}}{{$d := .}}{{if eq $d.List "group"}}{{end}}`
	got := strings.Join(checkTemplate(t, "x.html", src), "|")
	want := `.User.IsStaff calls .IsStaff: give the page's data a fact, or ask .Perms.Can|` +
		`.Unit.Describe 3 calls .Describe: use {{describe …}}|` +
		`eq .State "active" compares with a string literal: give the page's data a fact|` +
		`eq $.Data.List "group" compares with a string literal: give the page's data a fact`
	if got != want {
		t.Errorf("checkTemplate =\n%s\nwant\n%s", got, want)
	}
}

// A message a translator can translate holds whole sentences, not half an
// element: what a template shows is HTML whose tags balance, and the only
// tags are a sentence's own emphasis (code, strong, em, kbd) without
// attributes (a link is an argument: link). Messages Go code shows are
// text, with no markup at all.
func TestMessagesHoldNoMarkup(t *testing.T) {
	ids, err := templateIDs()
	if err != nil {
		t.Fatal(err)
	}
	for id, texts := range englishTexts(t) {
		for _, text := range texts {
			if _, html := ids[id]; html {
				if problem := markupProblem(text); problem != "" {
					t.Errorf("%s: %s in %q", id, problem, text)
				}
				continue
			}
			if markup.MatchString(text) {
				t.Errorf("%s is text, not HTML, but holds markup: %q", id, text)
			}
		}
	}
}

// markup is an element's tag with an attribute, or an end tag.
var markup = regexp.MustCompile(`<[a-z]+\s[^>]*[a-z]+=|</[a-z]+>`)

// inlineTags are the tags a message may hold: the emphasis of a sentence.
var inlineTags = map[string]bool{"code": true, "strong": true, "em": true, "kbd": true}

// markupProblem says what is wrong with the markup of a message's HTML,
// or "".
func markupProblem(text string) string {
	z := html.NewTokenizer(strings.NewReader(action.ReplaceAllString(text, "x")))
	var open []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if len(open) > 0 {
				return "<" + open[len(open)-1] + "> is not closed"
			}
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !inlineTags[string(name)] {
				return "<" + string(name) + "> belongs in the template"
			}
			if hasAttr {
				return "<" + string(name) + "> has attributes"
			}
			open = append(open, string(name))
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(open) == 0 || open[len(open)-1] != string(name) {
				return "</" + string(name) + "> closes what the message did not open"
			}
			open = open[:len(open)-1]
		}
	}
}

// englishTexts are the texts of every English message, of web's file and
// desk's, by ID: each plural form of a plural message.
func englishTexts(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for id, v := range EnglishFiles(t) {
		switch m := v.(type) {
		case string:
			out[id] = []string{m}
		case map[string]any:
			for k, f := range m {
				if s, ok := f.(string); ok && pluralForms[k] {
					out[id] = append(out[id], s)
				}
			}
		}
	}
	return out
}

// EnglishFiles is every entry of the English message files, web's and
// desk's, as JSON decodes it: a string, or an object of plural forms (and
// a description). It is exported for the external tests (the pseudo-locale).
func EnglishFiles(t *testing.T) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, fsys := range []fs.FS{i18n.Files, desk.Messages} {
		raw, err := fs.ReadFile(fsys, "messages/en.json")
		if err != nil {
			t.Fatal(err)
		}
		var file map[string]any
		if err := json.Unmarshal(raw, &file); err != nil {
			t.Fatal(err)
		}
		maps.Copy(out, file)
	}
	return out
}

// pluralForms are the keys of a message object that hold its text.
var pluralForms = map[string]bool{"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true}

// The check finds half elements, attributes and block markup.
func TestMarkupProblemFinds(t *testing.T) {
	for text, want := range map[string]string{
		"Case {{.Number}}</a>":                     "</a> closes what the message did not open",
		`<span class="hint">Hi</span>`:             "<span> belongs in the template",
		`Run <code class="x">ls</code>`:            "<code> has attributes",
		"<br>Last error":                           "<br> belongs in the template",
		"Send it as <code>Bearer &lt;t&gt;</code>": "",
		"For <strong>{{.Email}}</strong>.":         "",
		"Open <strong>now":                         "<strong> is not closed",
	} {
		if got := markupProblem(text); got != want {
			t.Errorf("markupProblem(%q) = %q, want %q", text, got, want)
		}
	}
}

// An error's text shown on its own starts with a capital in any script,
// and a text that starts with a letter of more than one byte keeps it
// whole (the first byte alone was upper-cased into U+FFFD).
func TestUpperFirstKeepsLetters(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "case closed": "Case closed", "écrit": "Écrit", "⟦case⟧": "⟦case⟧", "ölçü": "Ölçü",
	} {
		if got := upperFirst(in); got != want {
			t.Errorf("upperFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

// The pages' scripts show no text of their own: every text comes from the
// messages layout.html gives them (caseport.js's caseportText). A string
// literal of a script that reads as words fails, unless it is one of
// scriptWords. wasm_exec.js is Go's, as shipped.
func TestScriptsShowNoLiteralText(t *testing.T) {
	files, err := fs.Glob(assets, "assets/static/*.js")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if path.Base(f) == "wasm_exec.js" {
			continue
		}
		src, err := fs.ReadFile(assets, f)
		if err != nil {
			t.Fatal(err)
		}
		n++
		for _, lit := range scriptStrings(string(src)) {
			if readsAsWords(lit) && scriptWords[lit] == "" {
				t.Errorf("%s: %q is not from the catalogue (give it in the script-messages partial)", f, lit)
			}
		}
	}
	if n == 0 {
		t.Fatal("no scripts found")
	}
}

// scriptWords are the literals of the scripts that read as words but are
// not texts for people.
var scriptWords = map[string]string{
	"use strict": "a directive", "Location": "a response header", "case ": "a tus metadata key", ",filename ": "a tus metadata key",
	",filetype ": "a tus metadata key", "sha256 ": "a tus checksum's algorithm", "HTTP ": "a status line's start, before its code",
	"; path=/; max-age=31536000; samesite=lax": "a cookie's attributes", "; secure": "a cookie's attribute",
	"Escape": "a KeyboardEvent key",
}

// readsAsWords reports whether a literal reads as text for people: words
// with a space between them, or a capitalised word.
func readsAsWords(s string) bool {
	return scriptSentence.MatchString(s) || scriptWord.MatchString(s)
}

var (
	scriptSentence = regexp.MustCompile(`\pL[^"]*\s|\s\pL`)
	scriptWord     = regexp.MustCompile(`^\p{Lu}\p{Ll}+\b[^-]*$`)
)

// scriptStrings lists the string literals of a script, comments aside.
func scriptStrings(src string) []string {
	var out []string
	for i := 0; i < len(src); i++ {
		switch {
		case strings.HasPrefix(src[i:], "//"):
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				return out
			}
			i += j
		case strings.HasPrefix(src[i:], "/*"):
			j := strings.Index(src[i:], "*/")
			if j < 0 {
				return out
			}
			i += j + 1
		case src[i] == '"' || src[i] == '\'' || src[i] == '`':
			q, b := src[i], strings.Builder{}
			for i++; i < len(src) && src[i] != q; i++ {
				if src[i] == '\\' && i+1 < len(src) {
					i++
				}
				b.WriteByte(src[i])
			}
			out = append(out, b.String())
		}
	}
	return out
}

// The check finds words and leaves code alone.
func TestScriptStringsFinds(t *testing.T) {
	src := `// "a comment"
	x.textContent = "Waiting (" + n + ")"; h.set("Tus-Resumable", "1.0.0"); /* 'no' */ y = 'Sent, ' + z + " of ";`
	var words []string
	for _, lit := range scriptStrings(src) {
		if readsAsWords(lit) {
			words = append(words, lit)
		}
	}
	if got, want := strings.Join(words, "|"), "Waiting (|Sent, | of "; got != want {
		t.Errorf("words = %q, want %q", got, want)
	}
}
