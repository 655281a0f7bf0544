package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
)

//go:embed assets
var assets embed.FS

// view is what every page template gets. Data holds the page's own values,
// of the type its page value names (render sets it).
type view struct {
	Title  string
	User   *desk.User
	Nav    []navItem
	Flash  *flash
	Errors map[string]string
	// Form holds the submitted values, to refill a form that had errors.
	Form url.Values
	Data any
	// Path is the request path, to mark the active navigation item.
	Path string
	// Perms is what the user may do across the console and portal (no
	// particular case or company): navigation and buttons ask it, as in
	// {{if $.Perms.Can "products.manage"}}. Pages about one case carry
	// their own answers for that case.
	Perms desk.Permissions
	// Unread is the bell's count of unread notifications (staff), up to
	// desk.MaxUnread; UnreadCapped says it reached it.
	Unread       int
	UnreadCapped bool
	// errorOrder is the fields of Errors in the order the page shows their
	// messages (render finds it), for the error summary.
	errorOrder []string
}

// fieldError is a field's message in the error summary: Field is the id
// of the field on the page, which the summary links to, or "" for a
// field the page does not have (a form posted from a page that no longer
// offers it).
type fieldError struct {
	Field, Message string
}

// ErrorList is the messages of the fields in Errors, for the error
// summary: in the order the page shows them beside their fields, then
// those of fields the page does not have, by name.
func (v *view) ErrorList() []fieldError {
	var out []fieldError
	for _, k := range v.errorOrder {
		out = append(out, fieldError{k, v.Errors[k]})
	}
	for _, k := range slices.Sorted(maps.Keys(v.Errors)) {
		if k != formLevel && !slices.Contains(v.errorOrder, k) {
			out = append(out, fieldError{"", v.Errors[k]})
		}
	}
	return out
}

// orderErrors sets v.errorOrder from a rendering of the page: the fields
// whose message (field-error, id="FIELD-error") the page shows, in the
// order it shows them.
func (v *view) orderErrors(page []byte) {
	at := map[string]int{}
	for k := range v.Errors {
		if i := bytes.Index(page, []byte(`id="`+template.HTMLEscapeString(k)+`-error"`)); k != formLevel && i >= 0 {
			at[k] = i
		}
	}
	v.errorOrder = slices.SortedFunc(maps.Keys(at), func(a, b string) int { return at[a] - at[b] })
}

// navItem is an item of the navigation: a page, or a group of pages
// (Items, no Href), which holds the current page when Active.
type navItem struct {
	Label  string
	Href   string
	Active bool
	Items  []navItem
}

type flash struct {
	Kind string // info, success, warning, error
	Text string
}

// Value returns the submitted value of a form field.
func (v *view) Value(field string) string { return v.Form.Get(field) }

var funcs = template.FuncMap{
	"iso":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"caseNumber": desk.FormatCaseNumber,
	"markdown":   markdown,
	"paragraphs": func(s string) template.HTML {
		var b strings.Builder
		for p := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			b.WriteString("<p>")
			b.WriteString(strings.ReplaceAll(template.HTMLEscapeString(p), "\n", "<br>"))
			b.WriteString("</p>")
		}
		return template.HTML(b.String()) //nolint:gosec // every piece of text is escaped above
	},
	"lower": strings.ToLower,
	// sentence shows a message made to be wrapped in others (a refusal:
	// "case … is not closed") on its own: capital first, full stop last.
	"sentence":      func(s string) string { return sentence(upperFirst(s)) },
	"wrapAddresses": wrapAddresses,
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"selected": func(a, b any) template.HTMLAttr {
		if fmt.Sprint(a) == fmt.Sprint(b) {
			return "selected"
		}
		return ""
	},
	"checked": func(on bool) template.HTMLAttr {
		if on {
			return "checked"
		}
		return ""
	},
	// has reports whether a form field with several values holds v, for
	// checkboxes.
	"has":  func(vals []string, v any) bool { return slices.Contains(vals, fmt.Sprint(v)) },
	"add":  func(a, b int) int { return a + b },
	"list": func(v ...int) []int { return v },
	"atoi": func(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n },
}

// formatDuration writes a span for people: "2d 3h", "1h 30m", "12m" in
// English.
func formatDuration(l *i18n.Localizer, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Minute)
	days, hours, minutes := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return l.T("format.duration.days", "Days", days, "Hours", hours)
	case hours > 0:
		return l.T("format.duration.hours", "Hours", hours, "Minutes", minutes)
	}
	return l.T("format.duration.minutes", "Minutes", minutes)
}

// page is a page template bound to the type of the data it shows: render
// takes the two together, so a handler cannot give a page another page's
// data, and a page is named by its value, never by a string. Each template
// file under assets/templates/pages has exactly one page value
// (TestPageValues).
type page[T any] struct{ name string }

// noData is the data of a page that shows only its form.
type noData struct{}

// parsePages parses the pages of every language of the catalogue, keyed by
// language, then by the page's file name without .html.
func parsePages(c *i18n.Catalogue, static staticAssets, now func() time.Time) (map[string]map[string]*template.Template, error) {
	if err := checkTemplateIDs(c); err != nil {
		return nil, err
	}
	byLang := make(map[string]map[string]*template.Template)
	for _, tag := range c.Languages() {
		pages, err := parseLanguage(c.Localizer(tag), static, now)
		if err != nil {
			return nil, err
		}
		byLang[tag.String()] = pages
	}
	return byLang, nil
}

// parseLanguage parses the layout and partials once, then each page on a
// clone of them, with the catalogue's functions in one language, the
// moments' in the localizer's zone (timeFuncs, counting from now) and
// asset, the address of a static file under its hashed name
// ({{asset "caseport.css"}}). A page that reads a key its data lacks
// fails to render rather than showing nothing there.
func parseLanguage(l *i18n.Localizer, static staticAssets, now func() time.Time) (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).Funcs(textFuncs(l)).Funcs(timeFuncs(l, now)).Funcs(assetFuncs(static)).ParseFS(assets, "assets/templates/layout.html", "assets/templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(assets, "assets/templates/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("list pages: %w", err)
	}
	pages := make(map[string]*template.Template, len(files))
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone layout: %w", err)
		}
		if t, err = t.ParseFS(assets, f); err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		pages[strings.TrimSuffix(path.Base(f), ".html")] = t.Option("missingkey=error")
	}
	return pages, nil
}

// render writes page p with its data and status. It renders into a buffer
// first, so a template error becomes a clean 500 rather than half a page.
func render[T any](s *Server, w http.ResponseWriter, r *http.Request, status int, p page[T], v *view, data T) {
	name := p.name
	pages, err := s.pagesFor(s.language(r), zoneOf(r, v.User))
	if err != nil {
		s.log.ErrorContext(r.Context(), "parse pages", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	t, ok := pages[name]
	if !ok {
		s.log.ErrorContext(r.Context(), "no such page template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v.Data = data
	v.Path = r.URL.Path
	if v.Flash == nil {
		v.Flash = s.takeFlash(w, r)
	}
	if v.User != nil {
		// Console-wide actions name no case or company, so who the user
		// is (their roles) decides them: the actor's levels do not count.
		v.Perms = desk.Allowed(&desk.Actor{User: v.User}, desk.Target{})
		if v.Nav == nil {
			v.Nav = navFor(s.loc(r), actorOf(r, v.User), r.URL)
		}
		if v.Perms.Can(desk.ViewNotices) {
			n, err := s.cases.UnreadNotices(r.Context(), request(r, actorOf(r, v.User)))
			if err != nil {
				// The page shows without its count rather than fail.
				s.log.WarnContext(r.Context(), "unread notices", "err", err)
			}
			v.Unread, v.UnreadCapped = n, n >= desk.MaxUnread
		}
	}
	var buf bytes.Buffer
	err = t.ExecuteTemplate(&buf, "layout", v)
	if _, heading := v.Errors[formLevel]; err == nil && len(v.Errors) > 0 && !heading {
		// The error summary comes before the fields: it lists them in the
		// order the first rendering showed their messages, and links only
		// to the fields it showed. (A message about the whole form is the
		// summary's heading alone.)
		v.orderErrors(buf.Bytes())
		buf.Reset()
		err = t.ExecuteTemplate(&buf, "layout", v)
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// navRow is an item of the navigation (its label's catalogue ID) and the
// action it needs.
type navRow struct {
	label, href string
	needs       desk.Action
}

// navGroup is a group of the console's navigation: its label's catalogue
// ID and its pages. A group of which the user may see one page only shows
// that page.
type navGroup struct {
	label string
	rows  []navRow
}

// consoleNav is the staff console's navigation, in groups (community
// joins as its area comes), portalNav the customers': an item
// shows when the policy lets the user take its action somewhere
// (desk.Anywhere): Open a Case for those who may open a case on one of
// their combinations.
var (
	consoleNav = []navGroup{
		{"page.console_nav.cases", []navRow{
			{"nav.queue", "/console", desk.ViewQueue},
			{"nav.escalations", "/console/escalations", desk.ManageEscalations},
			{"nav.caller_verification", "/console/caller", desk.VerifyCaller},
			{"nav.received_mail", "/console/mail", desk.TriageMail},
		}},
		{"page.console_nav.customers", []navRow{
			{"nav.companies", "/console/companies", desk.ViewAccounts},
			{"nav.access_requests", "/access-requests", desk.ViewAccessRequest},
			{"nav.import", "/console/import", desk.ImportAccounts},
		}},
		{"page.console_nav.knowledge", []navRow{
			{"nav.knowledge", "/knowledge", desk.ReadKnowledge},
			{"nav.kb_new", "/console/knowledge/new", desk.EditKnowledge},
			{"nav.announcements", "/console/announcements", desk.ManageAnnouncements},
		}},
		{"nav.settings", []navRow{
			{"nav.products", "/console/products", desk.ManageProducts},
			{"nav.service_levels", "/console/service-levels", desk.ViewServiceLevels},
			{"nav.staff", "/console/staff", desk.ManageStaff},
			{"page.console_nav.email_rules", "/console/settings/email", desk.ManageEmailRules},
			{"nav.file_transfer", "/console/settings/files", desk.ManageFileSettings},
			{"nav.email_templates", "/console/settings/templates", desk.ManageEmailTemplates},
			{"page.macros.nav", "/console/macros", desk.ManageMacros},
		}},
		{"page.console_nav.audit", []navRow{
			{"nav.audit_log", "/console/audit", desk.ViewAudit},
			{"nav.outbox", "/console/outbox", desk.ViewOutbox},
			{"nav.dead_jobs", "/console/jobs", desk.ManageJobs},
		}},
		{"", []navRow{{"nav.profile", "/profile", desk.ManageOwnProfile}}},
	}
	portalNav = []navRow{
		{"nav.home", "/home", desk.ReadKnowledge},
		{"nav.my_cases", "/cases", desk.OpenCase}, // who may open none has no cases of their own
		{"nav.group_cases", "/cases?list=group", desk.ListCases},
		{"nav.closed_cases", "/cases?list=closed", desk.ListCases},
		{"nav.open_a_case", "/cases/new", desk.OpenCase},
		{"nav.knowledge", "/knowledge", desk.ReadKnowledge},
		{"nav.access_requests", "/access-requests", desk.RequestAccess},
		{"nav.profile", "/profile", desk.ManageOwnProfile},
	}
)

// navFor builds the top navigation from what the actor may do. The item
// of the page shown is the current one; the three case lists share a path
// and differ in their list parameter.
func navFor(l *i18n.Localizer, a *desk.Actor, current *url.URL) []navItem {
	if desk.Authorize(a, desk.UseConsole, desk.Target{}) != nil {
		return navItems(l, a, current, portalNav)
	}
	var items []navItem
	for _, g := range consoleNav {
		in := navItems(l, a, current, g.rows)
		if len(in) < 2 || g.label == "" {
			items = append(items, in...)
			continue
		}
		group := navItem{Label: l.T(g.label), Items: in}
		for _, it := range in {
			group.Active = group.Active || it.Active
		}
		items = append(items, group)
	}
	return items
}

// navItems are the rows the actor may take the action of, the current
// page marked.
func navItems(l *i18n.Localizer, a *desk.Actor, current *url.URL, rows []navRow) []navItem {
	var items []navItem
	for _, row := range rows {
		if !desk.Anywhere(a, row.needs) {
			continue
		}
		href, query, _ := strings.Cut(row.href, "?")
		rowList, _ := url.ParseQuery(query) // a constant of the table above
		active := href == current.Path && caseList(rowList) == caseList(current.Query())
		items = append(items, navItem{Label: l.T(row.label), Href: row.href, Active: active})
	}
	return items
}

// caseList is the case list a query asks for, My Cases by either name.
func caseList(q url.Values) string {
	if l := q.Get("list"); l != "mine" {
		return l
	}
	return ""
}

const flashCookie = "caseport_flash"

// setFlash leaves a one-time notice for the next page, after a redirect.
func (s *Server) setFlash(w http.ResponseWriter, kind, text string) {
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: url.QueryEscape(kind + ":" + text), Path: "/",
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: 60,
	})
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure})
	raw, err := url.QueryUnescape(c.Value)
	if err != nil {
		return nil
	}
	kind, text, ok := strings.Cut(raw, ":")
	if !ok {
		return nil
	}
	switch kind {
	case "info", "success", "warning", "error":
	default:
		return nil
	}
	return &flash{Kind: kind, Text: text}
}

// redirect sends the browser on after a successful form post, with a
// notice.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, notice string) {
	if notice != "" {
		s.setFlash(w, "success", notice)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// errorPage renders err as a page with its status.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, a *desk.Actor, err error) {
	status, title, public := classify(err)
	s.logError(r, status, err)
	askToRetry(w, status)
	l := s.loc(r)
	msg := l.T("error.not_found")
	switch {
	case status == http.StatusServiceUnavailable:
		msg = l.T("error.unavailable")
	case status >= 500:
		msg = l.T("error.internal")
	case public:
		msg = sentence(s.message(r, err))
	}
	data := errorData{Status: status, Message: msg}
	if status >= 500 {
		data.RequestID = requestIDFrom(r.Context())
	}
	v := &view{Title: l.T(title)}
	if a != nil {
		v.User = a.User
	}
	setRetryAfter(w, err)
	render(s, w, r, status, pageError, v, data)
}

// pageError shows a failed request: its status, what to do, and for a
// failure on our side the request id of the log line.
var pageError = page[errorData]{"error"}

type errorData struct {
	Status    int
	Message   string
	RequestID string
}

// sentence ends a message shown on its own with a full stop.
func sentence(msg string) string {
	if msg == "" || strings.ContainsAny(msg[len(msg)-1:], ".!?") {
		return msg
	}
	return msg + "."
}

// wrapAddresses lets the email addresses in a text break after their @.
// Without that chance a narrow screen breaks an address that does not fit
// at any letter, the last one first, and "Email to
// gone@customer.example: A reply" starts a line with its colon.
func wrapAddresses(s string) template.HTML {
	return template.HTML(strings.ReplaceAll(template.HTMLEscapeString(s), "@", "@<wbr>")) //nolint:gosec // escaped first
}
