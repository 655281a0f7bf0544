package support

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
	"github.com/caseport/caseport/internal/store"
)

// Every email goes through one funnel: what happened is written by the
// code (Subject, Text, Link), and an email template of its kind, which a
// portal admin may edit, lays it out. The default template of every kind
// is a greeting, the text and the link.

// MailKind is a kind of email; what it is for is its label in the
// catalogue (mail.about.KIND).
type MailKind struct {
	Kind string
}

// MessageID is the catalogue ID of what the kind of email is for.
func (k MailKind) MessageID() string { return "mail.about." + k.Kind }

// About says what the kind of email is for, in English.
func (k MailKind) About() string { return i18n.English().Label(k) }

// Title names the kind of email, as the template page heads it
// (mail.name.KIND).
func (k MailKind) Title() MailName { return MailName(k) }

// MailName is a kind of email by its name in the catalogue.
type MailName MailKind

// MessageID is the catalogue ID of the kind of email's name.
func (n MailName) MessageID() string { return "mail.name." + n.Kind }

// MailKinds lists the emails Caseport sends, for the template page.
var MailKinds = []MailKind{
	{"case_created"},
	{"case_reply"},
	{"case_status"},
	{"case_closed"},
	{"followup_reminder"},
	{"escalation_requested"},
	{"escalation_accept"},
	{"escalation_reject"},
	{"escalation_close"},
	{"escalation_note"},
	{"file_shared"},
	{"priority_critical"},
	{"sla_warning"},
	{"sla_breached"},
	{"jobs_dead"},
	{"access_request"},
	{"access_decision"},
	{"verify_email"},
	{"registration_existing"},
	{"password_reset"},
	{"set_password"},
	{"case_assigned"},
	{"customer_update"},
	{"kb_alert"},
}

// DefaultMail returns the default templates of every kind in l's
// language: the catalogue's mail.default.subject and mail.default.body
// (text/templates over MailData, kept as written: their messages use
// other delimiters).
func DefaultMail(l *i18n.Localizer) (subject, body string) {
	return l.T("mail.default.subject"), l.T("mail.default.body")
}

// mailLocalizer is the language of emails to u, English until users
// choose a language, and the zone their times are written in (and named):
// u's own, or UTC.
func mailLocalizer(u *desk.User) *i18n.Localizer {
	l := i18n.English()
	if u != nil && u.TimeZone != "" {
		if z, err := desk.LoadZone(u.TimeZone); err == nil {
			return l.In(z)
		}
	}
	return l
}

// MailData is what an email template can use.
type MailData struct {
	FirstName   string // of the recipient; "" for an address without an account
	Name        string
	Email       string
	Subject     string // the subject the code wrote
	Text        string // what happened, in words
	Link        string // where to act, a full URL; may be empty
	CaseNumber  string // empty when the email is not about a case
	CaseSummary string
	PortalURL   string
}

// mail is one email to queue.
type mail struct {
	Kind    string
	To      *desk.User // the recipient; nil for an address without an account
	Address string     // the address when To is nil
	Case    *desk.Case
	Subject desk.Message
	Text    desk.Message
	Link    string
	// Reader is To's actor when the caller read it in the same
	// transaction; queueMail reads it otherwise.
	Reader *desk.Actor
}

// queueMail lays an email out with its template and queues it, in tx. An
// email about a case goes only to someone the policy lets see the case now
// (the mailer asks again when it sends); to anyone else it is not queued.
func (s *core) queueMail(ctx context.Context, tx *store.Tx, m mail) error {
	if s.quiet {
		return nil
	}
	if m.Case != nil {
		if m.To == nil {
			return nil
		}
		a := m.Reader
		if a == nil || a.User.ID != m.To.ID {
			var err error
			if a, err = tx.Actor(ctx, m.To.ID, s.now()); err != nil {
				return err
			}
		}
		if desk.Authorize(a, desk.ViewCase, desk.On(m.Case.Combination())) != nil {
			return nil
		}
	}
	l := mailLocalizer(m.To)
	d := MailData{Subject: l.Message(m.Subject), Text: strings.TrimSpace(l.Message(m.Text)), Link: m.Link, PortalURL: s.baseURL, Email: m.Address}
	n := desk.Notification{Kind: m.Kind, To: m.Address, CreatedAt: s.now()}
	if m.To != nil {
		d.FirstName, d.Name, d.Email = m.To.FirstName, m.To.Name(), m.To.Email
		n.UserID, n.To = m.To.ID, m.To.Email
	}
	if d.FirstName == "" {
		d.FirstName = l.T("mail.greeting.someone")
	}
	if m.Case != nil {
		d.CaseNumber, d.CaseSummary, n.CaseID = m.Case.Number(), m.Case.Summary, m.Case.ID
	}
	subject, body, err := tx.EmailTemplate(ctx, m.Kind)
	if err != nil {
		return err
	}
	defSubject, defBody := DefaultMail(l)
	if n.Subject, err = renderMail(subject, defSubject, d); err != nil {
		s.log.WarnContext(ctx, "email template", "kind", m.Kind, "err", err)
	}
	if n.Body, err = renderMail(body, defBody, d); err != nil {
		s.log.WarnContext(ctx, "email template", "kind", m.Kind, "err", err)
	}
	n.Subject = strings.Join(strings.Fields(n.Subject), " ") // one line
	notificationID, err := tx.AddNotification(ctx, n)
	if err != nil {
		return err
	}
	_, err = tx.ScheduleJob(ctx, desk.MailJob(notificationID, n.CaseID, n.CreatedAt), n.CreatedAt)
	return err
}

// renderMail executes a template, falling back to the default when the
// stored one does not run (and saying why).
func renderMail(tmpl, def string, d MailData) (string, error) {
	if tmpl == "" {
		tmpl = def
	}
	out, err := execMail(tmpl, d)
	if err != nil {
		fallback, _ := execMail(def, d)
		return fallback, err
	}
	return out, nil
}

func execMail(tmpl string, d MailData) (string, error) {
	t, err := template.New("mail").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// mailFields are the fields an email template may use, as it writes
// them: .FirstName, .Name, …
func mailFields() []string {
	var out []string
	for _, f := range reflect.VisibleFields(reflect.TypeFor[MailData]()) {
		out = append(out, "."+f.Name)
	}
	return out
}

// templateParseLine finds the line text/template names in a parse error:
// "template: mail:3: unexpected …".
var templateParseLine = regexp.MustCompile(`^template: mail:(\d+)`)

// templateProblem says, in the catalogue's words rather than
// text/template's, why an admin's template does not run on the sample
// email d: a field the emails do not have (with those they have), text it
// cannot read (on which line), or else that it does not run with the
// fields there are. The zero Message is a template that runs.
func templateProblem(tmpl string, d MailData) desk.Message {
	fields := strings.Join(mailFields(), ", ")
	t, err := template.New("mail").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		line := "1"
		if m := templateParseLine.FindStringSubmatch(err.Error()); m != nil {
			line = m[1]
		}
		return desk.Msg("support.mail.template_unreadable", "Line", line, "Example", "{{.FirstName}}")
	}
	if unknown := unknownField(t.Root, mailFields()); unknown != "" {
		return desk.Msg("support.mail.template_unknown_field", "Field", unknown, "Fields", fields)
	}
	if err := t.Execute(io.Discard, d); err != nil {
		return desk.Msg("support.mail.template_broken", "Fields", fields)
	}
	return desk.Message{}
}

// unknownField returns the first field of the email (.Name) that a
// template's nodes use and known lacks, or "".
func unknownField(n parse.Node, known []string) string {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return ""
		}
		for _, c := range n.Nodes {
			if f := unknownField(c, known); f != "" {
				return f
			}
		}
	case *parse.ActionNode:
		return unknownField(n.Pipe, known)
	case *parse.IfNode:
		return cmp.Or(unknownField(n.Pipe, known), unknownField(n.List, known), unknownField(n.ElseList, known))
	case *parse.WithNode:
		return unknownField(n.Pipe, known) // inside, dot is the field's value
	case *parse.RangeNode:
		return unknownField(n.Pipe, known)
	case *parse.PipeNode:
		if n == nil {
			return ""
		}
		for _, c := range n.Cmds {
			if f := unknownField(c, known); f != "" {
				return f
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if f := unknownField(a, known); f != "" {
				return f
			}
		}
	case *parse.FieldNode:
		if f := "." + n.Ident[0]; !slices.Contains(known, f) {
			return f
		}
	}
	return ""
}

// EmailTemplates lists the templates with the stored text of each kind
// (portal admins); empty means the default.
func (s *Mail) EmailTemplates(ctx context.Context, r Request) (map[string][2]string, error) {
	if err := desk.Authorize(r.Actor, desk.ManageEmailTemplates, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.EmailTemplates(ctx)
}

// SetEmailTemplate stores a kind's templates (portal admins); empty texts
// go back to the default. A template that does not run on sample data is
// refused with the reason.
func (s *Mail) SetEmailTemplate(ctx context.Context, r Request, kind, subject, body string) error {
	if err := desk.Authorize(r.Actor, desk.ManageEmailTemplates, desk.Target{}); err != nil {
		return err
	}
	known := false
	for _, k := range MailKinds {
		known = known || k.Kind == kind
	}
	if !known {
		return fmt.Errorf("email kind %q: %w", kind, desk.ErrNotFound)
	}
	sample := MailData{
		FirstName: "Dana", Name: "Dana Designated", Email: "dana@example.com", Subject: "Subject", //i18n:sample
		Text: "What happened.", Link: s.baseURL + "/cases/0001000001", CaseNumber: "0001000001", CaseSummary: "Summary", PortalURL: s.baseURL, //i18n:sample
	}
	p := desk.Problems{}
	for field, t := range map[string]string{"subject": subject, "body": body} {
		if strings.TrimSpace(t) == "" {
			continue
		}
		if m := templateProblem(t, sample); m.ID != "" {
			p.Add(field, m)
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		if err := tx.SetEmailTemplate(ctx, kind, strings.TrimSpace(subject), strings.TrimSpace(body), s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "email_template_set", kind, "")
	})
}

// Outbox lists the emails Caseport queued, newest first (portal admins):
// where mail goes when no relay is configured, so nothing is lost. The
// one-time tokens in sign-up and password-reset links are hidden: reading
// the outbox must not let anyone use them.
func (s *Mail) Outbox(ctx context.Context, r Request, to string, limit int) ([]desk.Notification, error) {
	if err := desk.Authorize(r.Actor, desk.ViewOutbox, desk.Target{}); err != nil {
		return nil, err
	}
	ms, err := s.store.Notifications(ctx, to, limit)
	for i := range ms {
		ms[i].Body = linkToken.ReplaceAllString(ms[i].Body, "token=(hidden)")
	}
	return ms, err
}

// linkToken finds the one-time token of a link in an email.
var linkToken = regexp.MustCompile(`token=[^\s&]+`)
