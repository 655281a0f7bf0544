package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"slices"
	"strings"
	"text/template/parse"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
)

// Every text a page shows comes from the message catalogue (internal/i18n):
// templates call t, tn and label, bound at start-up to one localizer per
// language of the catalogue; Go code asks s.loc(r).

// textFuncs are the template functions of the catalogue in one language.
// A message's own text is trusted HTML (it comes from the catalogue, as
// template text did, entities as written); its arguments are escaped.
func textFuncs(l *i18n.Localizer) template.FuncMap {
	return template.FuncMap{
		// t renders a message: {{t "page.case.title" "Number" .Number}}.
		"t": func(id string, kv ...any) template.HTML {
			return template.HTML(l.T(id, escapeArgs(l, kv)...)) //nolint:gosec // arguments escaped, text from the catalogue
		},
		// tn renders the plural form for count: {{tn "page.files.count" (len .Files)}}.
		"tn": func(id string, count int, kv ...any) template.HTML {
			return template.HTML(l.N(id, count, escapeArgs(l, kv)...)) //nolint:gosec // as t
		},
		// forms renders a plural message in each form of the language, for
		// the pages' scripts: {{forms "js.words" "N" "{n}"}} in the
		// messages element (layout.html).
		"forms": func(id string, kv ...any) map[string]string { return l.Forms(id, kv...) },
		// label is an enum value's label: {{label .Status}}.
		"label": func(v desk.Labelled) string { return l.Label(v) },
		// choice is an enum value's label as a choice under a group that
		// names its kind: {{choice .}} of a sub-status under its status.
		"choice": func(v desk.Labelled) string { return l.Choice(v) },
		// msg renders a message a use case gave: {{msg .Warning}} (a
		// desk.Message or a pointer to one; nil shows nothing).
		"msg": func(v any) string {
			switch m := v.(type) {
			case desk.Message:
				return l.Message(m)
			case *desk.Message:
				if m != nil {
					return l.Message(*m)
				}
			}
			return ""
		},
		// link is a link a message takes as an argument, so the markup stays
		// in the template and the sentence in the catalogue: {{t "page.x"
		// "Link" (link "/profile" (t "page.x.link"))}}. The address is
		// escaped; the text is escaped unless it is a message.
		"link": func(href string, text any) template.HTML {
			s, ok := text.(template.HTML)
			if !ok {
				s = template.HTML(htmlEscaper.Replace(fmt.Sprint(text))) //nolint:gosec // escaped
			}
			return `<a href="` + template.HTML(htmlEscaper.Replace(href)) + `">` + s + `</a>` //nolint:gosec // the address is escaped, the text a message or escaped
		},
		// describe writes a service-level target: {{describe .Unit .Amount}}.
		"describe": func(u desk.TargetUnit, amount int) string { return l.Message(u.Description(amount)) },
		// lang is the page's language, for <html lang>.
		"lang": func() string { return l.Language().String() },
		// date writes a calendar day (a contract's start, stored as UTC
		// midnight) as the language does, in UTC whatever the reader's
		// zone; the zero time shows nothing. Moments are timeFuncs'.
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return l.Date(t.UTC())
		},
		// bytes writes a size: {{bytes .Size}}.
		"bytes": func(n int64) string { return l.Size(n) },
		// duration writes a span; until and since say how long until a
		// deadline, or since it passed.
		"duration": func(d time.Duration) string { return formatDuration(l, d) },
		"until":    func(t, now time.Time) string { return formatDuration(l, t.Sub(now)) },
		"since":    func(t, now time.Time) string { return formatDuration(l, now.Sub(t)) },
	}
}

// escapeArgs escapes the values of name, value pairs as html/template
// escapes text, so a message shows them as the template showed them.
func escapeArgs(l *i18n.Localizer, kv []any) []any {
	out := make([]any, len(kv))
	for i, v := range kv {
		if i%2 == 0 {
			out[i] = v
			continue
		}
		switch v := v.(type) {
		case template.HTML:
			out[i] = string(v)
		case desk.Labelled:
			out[i] = htmlEscaper.Replace(l.Label(v))
		default:
			out[i] = htmlEscaper.Replace(fmt.Sprint(v))
		}
	}
	return out
}

// htmlEscaper escapes as html/template does in text (it also escapes +).
var htmlEscaper = strings.NewReplacer(
	"\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;",
)

// language picks the catalogue's language for a request: Accept-Language
// now; a user's own choice, once there is one, goes first.
func (s *Server) language(r *http.Request) string {
	return s.catalogue.Match(r.Header.Values("Accept-Language")...).String()
}

// loc is the localizer for texts a handler writes in Go (titles, notices,
// navigation) for this request.
func (s *Server) loc(r *http.Request) *i18n.Localizer {
	return s.catalogue.Localizer(s.catalogue.Match(r.Header.Values("Accept-Language")...))
}

// templateFuncNames are the names of every template function, for
// reading the templates' parse trees without executing them.
func templateFuncNames() []map[string]any {
	return []map[string]any{builtinsForParse(funcs), builtinsForParse(textFuncs(nil)), builtinsForParse(assetFuncs(nil)), builtinsForParse(timeFuncs(nil, nil)), builtins}
}

// templateIDs lists the catalogue IDs the templates use, with the file of
// each. An ID must be a string literal, so that this list is complete.
func templateIDs() (map[string]string, error) {
	files, err := fs.Glob(assets, "assets/templates/*.html")
	if err != nil {
		return nil, err
	}
	more, err := fs.Glob(assets, "assets/templates/*/*.html")
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	known := templateFuncNames()
	for _, f := range append(files, more...) {
		src, err := fs.ReadFile(assets, f)
		if err != nil {
			return nil, err
		}
		trees, err := parse.Parse(f, string(src), "", "", known...)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		for _, tree := range trees {
			var bad error
			walkNodes(tree.Root, func(cmd *parse.CommandNode) {
				id, ok := func() (parse.Node, bool) {
					if len(cmd.Args) == 0 {
						return nil, false
					}
					fn, ok := cmd.Args[0].(*parse.IdentifierNode)
					if !ok || (fn.Ident != "t" && fn.Ident != "tn" && fn.Ident != "forms") {
						return nil, false
					}
					if len(cmd.Args) < 2 {
						return cmd.Args[0], true
					}
					return cmd.Args[1], true
				}()
				if !ok {
					return
				}
				s, lit := id.(*parse.StringNode)
				if !lit {
					bad = fmt.Errorf("%s: %s: a message ID must be a string literal", f, cmd)
					return
				}
				ids[s.Text] = f
			})
			if bad != nil {
				return nil, bad
			}
		}
	}
	return ids, nil
}

// checkTemplateIDs fails the start when a template names an ID English
// lacks.
func checkTemplateIDs(c *i18n.Catalogue) error {
	ids, err := templateIDs()
	if err != nil {
		return err
	}
	var missing []string
	for id, f := range ids {
		if !c.Has(id) {
			missing = append(missing, f+": "+id)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("messages missing from the English catalogue: %s", strings.Join(missing, ", "))
	}
	return nil
}

// builtins are text/template's own functions, which parse.Parse is not
// told of.
var builtins = func() map[string]any {
	m := map[string]any{}
	for _, name := range strings.Fields("and or not len index slice print printf println html js urlquery call eq ne lt le gt ge") {
		m[name] = fmt.Sprint
	}
	return m
}()

func builtinsForParse(m template.FuncMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// walkNodes calls f for every command in the tree under n.
func walkNodes(n parse.Node, f func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkNodes(c, f)
		}
	case *parse.ActionNode:
		walkNodes(n.Pipe, f)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkNodes(c, f)
		}
	case *parse.CommandNode:
		f(n)
		for _, a := range n.Args {
			walkNodes(a, f)
		}
	case *parse.IfNode:
		walkNodes(n.Pipe, f)
		walkNodes(n.List, f)
		walkNodes(n.ElseList, f)
	case *parse.RangeNode:
		walkNodes(n.Pipe, f)
		walkNodes(n.List, f)
		walkNodes(n.ElseList, f)
	case *parse.WithNode:
		walkNodes(n.Pipe, f)
		walkNodes(n.List, f)
		walkNodes(n.ElseList, f)
	case *parse.TemplateNode:
		walkNodes(n.Pipe, f)
	}
}

// fieldMessages are the messages of a validation error by field, in the
// request's language, or nil when err is not one.
func (s *Server) fieldMessages(r *http.Request, err error) map[string]string {
	msgs := desk.FieldMessages(err)
	if msgs == nil {
		return nil
	}
	l := s.loc(r)
	out := make(map[string]string, len(msgs))
	for k, m := range msgs {
		out[k] = l.Message(m)
	}
	return out
}

// message is an error's text for a person in the request's language: the
// catalogue message the error carries (a refusal, a field's problem), or
// else the catalogue's words for its kind. The error's own text
// (err.Error()) is English context for the log, and never shown.
func (s *Server) message(r *http.Request, err error) string {
	l := s.loc(r)
	if m, ok := desk.AsMessage(err); ok {
		return upperFirst(l.Message(m))
	}
	if fields := s.fieldMessages(r, err); fields != nil {
		// A form's problems reach a page of their own only when no form
		// shows them beside their fields: each, in the fields' order.
		msgs := make([]string, 0, len(fields))
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			msgs = append(msgs, sentence(upperFirst(fields[k])))
		}
		return strings.Join(msgs, " ")
	}
	if id := kindDetail(err); id != "" {
		return l.T(id)
	}
	return l.T("error.internal")
}

// upperFirst gives s a capital first letter, of whatever script.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// refuse is an error of kind whose text for people is the catalogue
// message id that web writes: English in Error, as fmt.Errorf("…: %w")
// wrote it, and the reader's language where it is shown (message).
func refuse(kind error, id string, kv ...any) error {
	e := desk.Refuse(kind, id, kv...)
	e.Text = i18n.English().T(id, kv...)
	return e
}

// invalid is a validation error of one field whose message web writes:
// the catalogue message id, English in Error for logs, and the reader's
// language where it is shown (fieldMessages).
func invalid(field, id string, kv ...any) error {
	return desk.Problems{field: webMessage(id, kv...)}.Err()
}

// webMessage is a field's message that web writes, for desk.Problems: the
// catalogue message id with its English for logs, as invalid makes it.
func webMessage(id string, kv ...any) desk.Message {
	m := desk.Msg(id, kv...)
	m.Text = i18n.English().T(id, kv...)
	return m
}
