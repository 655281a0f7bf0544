package web_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
	"github.com/caseport/caseport/internal/store/storetest/fixture"
	"github.com/caseport/caseport/internal/support"
	"github.com/caseport/caseport/internal/web"
	"github.com/caseport/caseport/internal/worker"
)

// pseudoLanguage is the pseudo-locale's tag: English of a private-use
// region, as Android names its pseudo-locale, so its plural rules are
// English's.
const pseudoLanguage = "en-XA"

// pseudoCatalogue is the catalogue with a generated second language that
// wraps every English message, of web's file and desk's, in ⟦…⟧ (each
// plural form too; template actions stay as they are).
func pseudoCatalogue(t *testing.T) *i18n.Catalogue {
	t.Helper()
	wrapped := map[string]any{}
	for id, v := range web.EnglishFiles(t) {
		switch m := v.(type) {
		case string:
			wrapped[id] = "⟦" + m + "⟧"
		case map[string]any:
			forms := map[string]any{}
			for k, f := range m {
				switch s, ok := f.(string); {
				case ok && k != "description" && k != "leftDelim" && k != "rightDelim":
					forms[k] = "⟦" + s + "⟧"
				default:
					forms[k] = f // a description, a mail template's delimiters
				}
			}
			wrapped[id] = forms
		}
	}
	raw, err := json.Marshal(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load(i18n.Files, desk.Messages, fstest.MapFS{"messages/" + pseudoLanguage + ".json": {Data: raw}})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// knownEnglish are the texts the pages show in English in any language,
// each with what makes it and why it stays for now. A text of a page that
// no message wrapped fails the test unless one of these matches it, and an
// entry no page matches any more fails it too, so the list stays true.
var knownEnglish = func() []knownText {
	known := []knownText{
		// Stored texts stay as stored (ARCHITECTURE, "Words for people"):
		// feed entries, escalation entries, audit details and triage
		// reasons are data once written.
		{`^Case opened on the portal\.$`, "a feed entry, stored in English"},
		{`^Case escalated: The business impact has grown\.$`, "a feed entry, stored in English"},
		{`^Escalation requested: The business impact has grown\.`, "an escalation entry, stored in English"},
		{`^request \d+: Read-Write \(Designated Contact\) on Sold To "ORG-Q1" / End User "ORG-Q2", which no Service Contract joins: for support staff$`, "an audit detail, stored in English"},
		{`^The business impact has grown$`, "an audit detail (the escalation reason's label), stored in English"},
		{`^:? ?No Reference ID: email does not open cases; new cases are opened on the web or by phone\.$`, "a triage reason, stored in English"},
		// Emails are written in their recipient's language when they are
		// queued (English until users choose a language); the outbox shows
		// them as written.
		{`^Case \d{10} opened: `, "an email's subject, as written for its recipient"},
		{`^Case \d{10}: a reply from support$`, "an email's subject, as written for its recipient"},
		{`^Case \d{10} escalated(: .+)?$`, "an email's subject, as written for its recipient"},
		// Names the code gives, not words.
		{`^mail$`, "a job's kind (desk.JobMail), a name shown on the Dead jobs page"},
		{`^((Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z0-9_+/-]+|UTC)$`, "a zone's name in the time zone database, on the profile's choice of zones"},
	}
	// The case types' sub-types are stored values (desk.CaseTypes), shown
	// as stored beside their type's label.
	subTypes := map[string]bool{}
	for _, ti := range desk.CaseTypes {
		for _, sub := range ti.SubTypes {
			if !subTypes[sub] {
				subTypes[sub] = true
				known = append(known, knownText{`^: ` + regexp.QuoteMeta(sub) + `$`, "a case sub-type, a stored value"})
			}
		}
	}
	return known
}()

// knownText is a text of knownEnglish: a pattern of the whole text, and
// why it is English.
type knownText struct{ pattern, why string }

// visit is a page the pseudo-locale test reads: who reads it, and how.
type visit struct {
	who    string // the user's email, "" for no one signed in
	method string // GET when empty
	path   string
	form   url.Values
	status int // 200 when zero
}

// TestPseudoLocale: with a language whose every message is wrapped in
// ⟦…⟧, the portal's and the console's pages show no text outside the
// wrapping but what the test built (names, emails, summaries), numbers
// and punctuation: every text people read comes from the catalogue.
func TestPseudoLocale(t *testing.T) {
	t.Parallel()
	cat := pseudoCatalogue(t)
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			e := newBuilt(t, storetest.Open(t, eng), func(c *web.Config) { c.Catalogue = cat })
			readPseudoPages(t, e)
		})
	}
}

// readPseudoPages reads the pages of pseudoWorld in the pseudo-locale and
// fails on each text no message wrapped that knownEnglish does not name.
func readPseudoPages(t *testing.T, e *env) {
	t.Helper()
	known := make([]*regexp.Regexp, len(knownEnglish))
	for i, k := range knownEnglish {
		known[i] = regexp.MustCompile(k.pattern)
	}
	seen := make([]bool, len(knownEnglish))
	visits, data := pseudoWorld(t, e)
	clients := map[string]*client{}
	for _, v := range visits {
		c, ok := clients[v.who]
		if !ok {
			c = e.anonymous()
			if v.who != "" {
				c = e.signIn(v.who)
			}
			c.header = http.Header{"Accept-Language": {pseudoLanguage}}
			clients[v.who] = c
		}
		var res *response
		if v.method == http.MethodPost {
			res = c.post(v.path, v.form)
		} else {
			res = c.get(v.path)
		}
		want := cmp.Or(v.status, http.StatusOK)
		if res.StatusCode != want {
			t.Errorf("%s %s as %q = %d, want %d", v.method, v.path, v.who, res.StatusCode, want)
			continue
		}
		if res.StatusCode == http.StatusSeeOther {
			// As a browser does: the next page shows the notice.
			res = c.get(res.Header.Get("Location"))
		}
		if !strings.Contains(res.Body, `<html lang="`+pseudoLanguage+`">`) {
			t.Errorf("%s %s is not in %s", v.method, v.path, pseudoLanguage)
		}
	texts:
		for _, text := range unwrapped(res.Body, data) {
			for i, re := range known {
				if re.MatchString(text) {
					seen[i] = true
					continue texts
				}
			}
			t.Errorf("%s %s as %q shows %q outside the catalogue", v.method, v.path, v.who, text)
		}
	}
	for i, k := range knownEnglish {
		if !seen[i] {
			t.Errorf("no page shows %s (%s) any more: delete it from knownEnglish", k.pattern, k.why)
		}
	}
}

// pseudoWorld builds a contact's and a portal admin's world and lists the
// pages to read, with the texts the test wrote (user data, shown as
// written).
func pseudoWorld(t *testing.T, e *env) ([]visit, []string) {
	t.Helper()
	ctx := context.Background()
	// Today at 10:00; the case is opened two days before, so that a High
	// case may be escalated now.
	now := time.Now().UTC().Truncate(24 * time.Hour).Add(10 * time.Hour)
	e.clock.Set(now.Add(-48 * time.Hour))
	fx := e.fx.At(now.Add(-49 * time.Hour))
	co := fx.Company("Quokka Holdings")
	contract := fx.Contract(co)
	dana := fx.Contact(co, desk.ReadWrite, fixture.Named("Dana", "Quist"))
	fx.Approver(co, dana)
	sam := fx.Contact(co, desk.ReadOnly, fixture.Named("Sam", "Quill"))
	danaEmail := e.login(dana)
	admin := fx.Staff([]desk.Role{desk.RolePortalAdmin}, fixture.Named("Ada", "Quarles"))
	adminEmail := e.login(admin)
	closed := fx.Case(dana, fixture.Closed(desk.SubResolved, 3))
	old := fx.Case(dana, fixture.Closed(desk.SubResolved, 40))

	c := e.open(dana, desk.PriorityHigh)
	n := c.Number()
	as := func(u *desk.User) support.Request { return support.Request{Actor: e.actor(u.Email)} }
	if err := e.svc.Cases().Reply(ctx, as(admin), c.ID, "Quokkas reply here.", false); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Cases().Reply(ctx, as(admin), c.ID, "Quokkas note here.", true); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(now)
	if _, err := e.svc.Cases().Escalate(ctx, as(dana), c.ID, desk.ReasonBusinessImpact, "Quokkas cannot work."); err != nil {
		t.Fatal(err)
	}
	req, err := e.svc.Access().RequestAccessByOrgIDs(ctx, as(dana), "ORG-Q1", "ORG-Q2", desk.ReadWrite, "Quokkas need it.")
	if err != nil {
		t.Fatal(err)
	}
	raw := "From: Quinn <quinn@elsewhere.example>\r\nSubject: Quokkas help\r\n\r\nOur quokkas are down.\r\n"
	if err := e.svc.Mail().ReceiveMail(ctx, "smtp", "quinn@elsewhere.example", []string{"support@vendor.example"}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	// The worker runs on the service's clock: before 10:00 UTC, today's
	// 10:00 is still to come and its jobs would not be due by the real one.
	w := worker.New(worker.Config{Store: e.store, Log: quietWeb(), Clock: e.clock.Now})
	w.Handle(desk.JobInbound, e.svc.Jobs().ProcessInbound)
	w.Handle(desk.JobMail, func(context.Context, *desk.Job) error { return nil })
	if _, err := w.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	mail, err := e.store.InboundList(ctx, desk.InboundTriage, 1)
	if err != nil || len(mail) != 1 {
		t.Fatalf("received mail in triage: %v, %v", mail, err)
	}
	var purged int64
	err = e.store.Write(ctx, func(tx *store.Tx) error {
		for _, f := range []desk.CaseFile{
			{Name: "quokka.log", Size: 1_500_000, Source: "upload", Direction: "customer"},
			{Name: "quokka-fix.zip", Size: 2_000, Source: "email", Direction: "support"},
			{Name: "quokka-old.log", Size: 12, Source: "sftp", Direction: "customer"},
		} {
			f.CaseID, f.SHA256, f.StorageKey, f.CreatedAt = c.ID, strings.Repeat("0", 64), "cases/"+f.Name, now
			id, err := tx.AddCaseFile(ctx, &f)
			if err != nil {
				return err
			}
			if f.Name == "quokka-old.log" {
				purged = id
				if err := tx.MarkPurged(ctx, id, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	deadMails(t, e, "gone@quokka.example")
	dead, err := e.store.Jobs(ctx, store.JobFilter{Dead: true})
	if err != nil || len(dead) != 1 {
		t.Fatalf("dead jobs: %v, %v", dead, err)
	}

	data := []string{
		co.Name, co.OrgID, co.Country, contract.Number, "ORG-Q1", "ORG-Q2",
		dana.Name(), dana.Email, sam.Name(), sam.Email, admin.Name(), admin.Email,
		fx.DefaultProduct().Name, "Routing", "EMEA", "Americas", "APAC", "24x7", // the seeded calendars
		n, c.Summary, c.Description, closed.Number(), closed.Summary, closed.Description, old.Number(), old.Summary,
		old.Description, "Closed by the fixture.", "Quokkas drop calls",
		"Quokkas reply here.", "Quokkas note here.", "Quokkas cannot work.", "Quokkas need it.",
		"quokka.log", "quokka-fix.zip", "quokka-old.log",
		"Quinn", "quinn@elsewhere.example", "Quokkas help", "Our quokkas are down.",
		"gone@quokka.example", "A reply from support", "Hello", "550 5.1.1 no such mailbox", // deadMails'
	}
	id := func(n int64) string { return itoa(n) }
	visits := []visit{
		{path: "/signin"},
		{path: "/register"},
		{path: "/forgot-password"},
		{path: "/reset-password?token=quokka"},
		{path: "/register/complete?token=quokka", status: http.StatusGone},
		{who: danaEmail, path: "/cases"},
		{who: danaEmail, path: "/cases?list=group"},
		{who: danaEmail, path: "/cases?list=closed"},
		{who: danaEmail, path: "/cases/new"},
		{who: danaEmail, method: http.MethodPost, path: "/cases/new", form: url.Values{
			"summary": {"Quokkas drop calls"}, "description": {"Quokkas drop every call on trunk three since this morning, all of them."},
		}},
		{who: danaEmail, path: "/cases/" + n},
		{who: danaEmail, path: "/cases/" + closed.Number()},
		{who: danaEmail, path: "/cases/" + n + "/files"},
		{who: danaEmail, method: http.MethodPost, path: "/cases/" + n + "/files/acknowledge", status: http.StatusSeeOther},
		{who: danaEmail, path: "/cases/0009999999", status: http.StatusNotFound},
		{who: danaEmail, path: "/profile"},
		{who: danaEmail, path: "/access-requests"},
		{who: danaEmail, path: "/access-requests/" + id(req.ID)},
		{who: adminEmail, path: "/console"},
		{who: adminEmail, path: "/console?sort=deadline"},
		{who: adminEmail, path: "/cases/" + n},
		{who: adminEmail, path: "/console/escalations"},
		{who: adminEmail, path: "/console/caller"},
		{who: adminEmail, path: "/console/companies"},
		{who: adminEmail, path: "/console/companies/" + id(co.ID)},
		{who: adminEmail, path: "/console/contracts/" + id(contract.ID)},
		{who: adminEmail, path: "/console/contracts/new?company=" + id(co.ID)},
		{who: adminEmail, path: "/console/contacts/" + id(dana.ID)},
		{who: adminEmail, path: "/console/contacts/new?company=" + id(co.ID)},
		{who: adminEmail, path: "/console/products"},
		{who: adminEmail, path: "/console/staff"},
		{who: adminEmail, path: "/console/service-levels"},
		{who: adminEmail, path: "/console/import"},
		{who: adminEmail, path: "/console/settings/templates"},
		{who: adminEmail, path: "/console/settings/email"},
		{who: adminEmail, path: "/console/settings/files"},
		{who: adminEmail, path: "/console/outbox"},
		{who: adminEmail, path: "/console/jobs"},
		{who: adminEmail, path: "/console/mail"},
		{who: adminEmail, path: "/console/mail/" + id(mail[0].ID)},
		{who: adminEmail, path: "/console/jobs/" + id(dead[0].ID) + "/discard"},
		{who: adminEmail, path: "/console/calendars/1"},
		{who: adminEmail, path: "/console/calendars/new"},
		{who: adminEmail, path: "/console/audit"},
		{who: adminEmail, path: "/access-requests"},
		{who: adminEmail, path: "/access-requests/" + id(req.ID)},
		{who: adminEmail, path: "/profile"},
		// Refusals and forms with errors.
		{who: danaEmail, method: http.MethodPost, path: "/cases/" + closed.Number() + "/comments", form: url.Values{"body": {"Quokkas again."}}, status: http.StatusSeeOther},
		{who: danaEmail, method: http.MethodPost, path: "/cases/" + old.Number() + "/reopen", form: url.Values{"reason": {"Quokkas are back."}}, status: http.StatusSeeOther},
		{who: adminEmail, method: http.MethodPost, path: "/access-requests/" + id(req.ID) + "/decision", form: url.Values{"decision": {"reject"}}, status: http.StatusSeeOther},
		{who: adminEmail, method: http.MethodPost, path: "/access-requests/" + id(req.ID) + "/decision", form: url.Values{"decision": {"approve"}}, status: http.StatusSeeOther},
		{who: adminEmail, method: http.MethodPost, path: "/console/mail/" + id(mail[0].ID), form: url.Values{"case": {n}}, status: http.StatusSeeOther},
		{who: adminEmail, method: http.MethodPost, path: "/console/mail/" + id(mail[0].ID), form: url.Values{"case": {n}}, status: http.StatusSeeOther},
		{who: danaEmail, method: http.MethodPost, path: "/cases/" + n + "/escalate", form: url.Values{"reason": {"business_impact"}, "details": {"Quokkas again."}}, status: http.StatusUnprocessableEntity},
		{who: danaEmail, method: http.MethodPost, path: "/profile/access", form: url.Values{"combination": {"other"}, "level": {"read_write"}}, status: http.StatusUnprocessableEntity},
		{who: danaEmail, method: http.MethodPost, path: "/profile/password", form: url.Values{"current_password": {"wrong"}, "new_password": {"short"}, "confirm_password": {"other"}}, status: http.StatusUnprocessableEntity},
		{who: danaEmail, path: "/cases/" + n + "/files/" + id(purged), status: http.StatusGone},
		{who: adminEmail, method: http.MethodPost, path: "/console/staff", form: url.Values{"first_name": {"Quentin"}, "last_name": {"Quokka"}, "email": {"quentin@caseport.example"}, "password": {"short"}, "roles": {"agent"}}, status: http.StatusUnprocessableEntity},
		{who: adminEmail, method: http.MethodPost, path: "/console/contracts", form: url.Values{"number": {"SC-Q1"}, "sold_to": {id(co.ID)}, "end_user": {id(co.ID)}, "starts": {"2026-13-01"}, "ends": {"x"}}, status: http.StatusUnprocessableEntity},
		{who: adminEmail, method: http.MethodPost, path: "/console/calendars", form: url.Values{"name": {"Quokka hours"}, "zone": {"Mars/Olympus"}, "week": {"someday 25:00"}}, status: http.StatusUnprocessableEntity},
	}
	return visits, data
}

// unwrapped lists the texts of a page people see (text nodes, the
// attributes people read, the messages it gives its scripts) that are not
// inside ⟦…⟧, with the data the test
// wrote, numbers and punctuation taken out first. Code and preformatted
// text (audit actions, email kinds, the outbox's mails as sent) are not
// words of the page, and a text box holds what was typed (the work email
// rules' lists).
func unwrapped(page string, data []string) []string {
	doc, err := html.ParseWithOptions(strings.NewReader(page), html.ParseOptionEnableScripting(false))
	if err != nil {
		return []string{"unparsable page: " + err.Error()}
	}
	// Longer data first, so a name inside an email goes with the email.
	data = slices.Clone(data)
	slices.SortFunc(data, func(a, b string) int { return len(b) - len(a) })
	var found []string
	check := func(outside string) {
		rest := outside
		for _, d := range data {
			rest = strings.ReplaceAll(rest, d, " ")
		}
		if strings.IndexFunc(rest, unicode.IsLetter) >= 0 {
			found = append(found, strings.Join(strings.Fields(outside), " "))
		}
	}
	depth := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				if n.FirstChild != nil && slices.Contains(n.Attr, html.Attribute{Key: "type", Val: "application/json"}) {
					for _, text := range scriptTexts(n.FirstChild.Data) {
						d := 0
						check(placeholder.ReplaceAllString(outsideWrapping(text, &d), ""))
					}
				}
				return
			case "style", "code", "pre", "textarea":
				return
			}
			for _, a := range n.Attr {
				if visibleAttribute(a.Key) {
					d := 0
					check(outsideWrapping(a.Val, &d))
				}
			}
		}
		if n.Type == html.TextNode {
			check(outsideWrapping(n.Data, &depth))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

// visibleAttribute reports whether people read or hear an attribute.
func visibleAttribute(k string) bool {
	switch k {
	case "placeholder", "title", "aria-label", "alt", "label", "data-label":
		return true
	}
	return strings.HasPrefix(k, "data-msg-")
}

// outsideWrapping is the part of s outside ⟦…⟧, given how deep inside
// the text before it ended (a wrapped message can hold elements).
func outsideWrapping(s string, depth *int) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '⟦':
			*depth++
		case r == '⟧' && *depth == 0:
			b.WriteString("⟧") // a message cut open: shown, so it is found
		case r == '⟧':
			*depth--
		case *depth <= 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// placeholder is where a script puts a value into a message: {name}.
var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// scriptTexts are the strings of a page's messages for scripts (JSON).
func scriptTexts(src string) []string {
	var v any
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		return []string{"the messages for scripts are not JSON: " + err.Error()}
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
