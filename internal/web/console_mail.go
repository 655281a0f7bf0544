package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/inbound"
	"github.com/caseport/caseport/internal/support"
)

// pageOutbox lists the emails Caseport wrote.
var pageOutbox = page[outboxData]{"console-outbox"}

type outboxData struct{ Mails []desk.Notification }

func (s *Server) outbox(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	mails, err := s.mail.Outbox(r.Context(), request(r, a), strings.TrimSpace(q.Get("to")), 200)
	if err != nil {
		return err
	}
	render(s, w, r, http.StatusOK, pageOutbox, &view{Title: s.loc(r).T("title.outbox"), User: a.User, Form: q}, outboxData{Mails: mails})
	return nil
}

// Email rules: the free-mail domains and role aliases refused as work
// emails.

// pageEmailSettings is the form of the work email rules.
var pageEmailSettings = page[noData]{"console-settings-email"}

func (s *Server) emailSettings(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	rules, err := s.mail.EmailRulesSettings(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	form := url.Values{
		"free_mail": {strings.Join(rules.FreeMailDomains, "\n")},
		"aliases":   {strings.Join(rules.RoleAliases, "\n")},
	}
	return s.showEmailSettings(w, r, a, http.StatusOK, form, nil)
}

func (s *Server) showEmailSettings(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	render(s, w, r, status, pageEmailSettings, &view{Title: s.loc(r).T("title.work_email_rules"), User: a.User, Form: form, Errors: errs}, noData{})
	return nil
}

func (s *Server) saveEmailSettings(r *http.Request, req support.Request) (string, string, error) {
	lines := func(v string) []string {
		var out []string
		for l := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == '\n' || r == ',' || r == ' ' || r == '\r' }) {
			out = append(out, strings.ToLower(l))
		}
		return out
	}
	rules := desk.EmailRules{FreeMailDomains: lines(r.PostForm.Get("free_mail")), RoleAliases: lines(r.PostForm.Get("aliases"))}
	err := s.mail.SetEmailRules(r.Context(), req, rules)
	// The form's fields are named free_mail and aliases.
	err = desk.RenameFields(err, map[string]string{"free_mail_domains": "free_mail", "role_aliases": "aliases"})
	return "/console/settings/email", s.loc(r).T("notice.the_work_email_rules_are_saved"), err
}

// Received mail: the triage queue and every message's fate.

var (
	pageMail        = page[mailData]{"console-mail"}
	pageMailMessage = page[mailMessageData]{"console-mail-message"}
)

// mailData is the received mail in one State ("" for all).
type mailData struct {
	Mail  []desk.InboundMail
	State string
}

// mailMessageData is one received message: as kept, as read, and raw.
type mailMessageData struct {
	M   *desk.InboundMail
	Msg *inbound.Message
	Raw string
}

func (s *Server) inboundMail(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showInbound(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showInbound(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	state := r.URL.Query().Get("state")
	if state == "" && r.URL.Query().Get("all") == "" {
		state = string(desk.InboundTriage)
	}
	ms, err := s.mail.InboundMail(r.Context(), request(r, a), state)
	if err != nil {
		return err
	}
	render(s, w, r, status, pageMail, &view{
		Title: s.loc(r).T("title.received_mail"), User: a.User, Form: form, Errors: errs,
	}, mailData{Mail: ms, State: state})
	return nil
}

func (s *Server) inboundMessage(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, msg, err := s.mail.ReadInbound(r.Context(), request(r, a), id)
	if err != nil {
		return err
	}
	render(s, w, r, http.StatusOK, pageMailMessage, &view{Title: s.loc(r).T("title.received_mail"), User: a.User}, mailMessageData{M: m, Msg: msg, Raw: string(m.Raw)})
	return nil
}

// linkInbound links a message in triage to a case, or discards it.
func (s *Server) linkInbound(r *http.Request, req support.Request) (string, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	if r.PostForm.Get("discard") != "" {
		return "/console/mail", s.loc(r).T("notice.the_message_is_discarded"), s.mail.LinkInbound(r.Context(), req, id, 0)
	}
	raw := strings.TrimSpace(r.PostForm.Get("case"))
	caseID, ok := desk.ParseCaseNumber(raw)
	if !ok {
		return "", "", invalid("case", "form.give_the_10_digit_case_number_2")
	}
	return "/console/mail", s.loc(r).T("notice.mail_added_to_case", "Number", desk.FormatCaseNumber(caseID)),
		s.mail.LinkInbound(r.Context(), req, id, caseID)
}

// Email templates.

// pageEmailTemplates is the email templates of every kind of email.
var pageEmailTemplates = page[emailTemplatesData]{"console-email-templates"}

type emailTemplatesData struct {
	Rows                        []emailTemplateRow
	DefaultSubject, DefaultBody string
}

// emailTemplateRow is a kind of email with its stored templates (empty
// for the built-in ones).
type emailTemplateRow struct {
	support.MailKind
	Subject, Body string
}

func (s *Server) emailTemplates(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showEmailTemplates(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showEmailTemplates(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	stored, err := s.mail.EmailTemplates(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	rows := make([]emailTemplateRow, 0, len(support.MailKinds))
	for _, k := range support.MailKinds {
		t := stored[k.Kind]
		rows = append(rows, emailTemplateRow{MailKind: k, Subject: t[0], Body: t[1]})
	}
	// A refused template comes back in its own card, its messages beside
	// its fields there (subject-KIND, body-KIND), where the error summary
	// links to.
	if kind := form.Get("kind"); kind != "" {
		renamed := make(map[string]string, len(errs))
		for field, msg := range errs {
			if field == "subject" || field == "body" {
				field += "-" + kind
			}
			renamed[field] = msg
		}
		errs = renamed
	}
	defSubject, defBody := support.DefaultMail(s.loc(r))
	render(s, w, r, status, pageEmailTemplates, &view{
		Title: s.loc(r).T("title.email_templates"), User: a.User, Form: form, Errors: errs,
	}, emailTemplatesData{Rows: rows, DefaultSubject: defSubject, DefaultBody: defBody})
	return nil
}

func (s *Server) saveEmailTemplate(r *http.Request, req support.Request) (string, string, error) {
	kind := r.PostForm.Get("kind")
	err := s.mail.SetEmailTemplate(r.Context(), req, kind, r.PostForm.Get("subject"), r.PostForm.Get("body"))
	return "/console/settings/templates#" + kind, s.loc(r).T("notice.the_template_is_saved"), err
}
