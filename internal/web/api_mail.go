package web

import (
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// apiMailRoutes are the calls on mail: received mail, the outbox, email templates and the work email rules.
func (s *Server) apiMailRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/settings/email-templates", Tag: "admin", Summary: "The email templates, by kind (portal admins)",
			Answer: []apiEmailTemplate{}, Status: http.StatusOK, Handle: s.apiEmailTemplates,
		},
		{
			Method: "PUT", Path: "/api/v1/settings/email-templates/{kind}", Tag: "admin", Summary: "Set a kind's templates; empty texts restore the built-in layout (portal admins)",
			Body: apiEmailTemplateInput{}, Answer: []apiEmailTemplate{}, Status: http.StatusOK, Handle: s.apiSetEmailTemplate,
		},
		{
			Method: "GET", Path: "/api/v1/inbound", Tag: "admin", Summary: "Mail received for the support address, newest first, with what became of it (portal admins)",
			Query:  []apiParam{{Name: "state", Doc: "triage, appended, ignored, linked, discarded or pending; all when left out"}},
			Answer: []apiInbound{}, Status: http.StatusOK, Handle: s.apiInboundList,
		},
		{
			Method: "POST", Path: "/api/v1/inbound/{id}/link", Tag: "admin", Summary: "Add a message from triage to a case as an internal note, or discard it (portal admins)",
			Body: apiInboundLink{}, Answer: apiInbound{}, Status: http.StatusOK, Handle: s.apiLinkInbound,
		},
		{
			Method: "GET", Path: "/api/v1/outbox", Tag: "admin", Summary: "The emails Caseport wrote, newest first (portal admins)",
			Query:  []apiParam{{Name: "to", Doc: "only emails to this address"}, {Name: "limit", Doc: "at most this many (100 by default)", Integer: true}},
			Answer: []apiMail{}, Status: http.StatusOK, Handle: s.apiOutbox,
		},
		{
			Method: "GET", Path: "/api/v1/settings/email-rules", Tag: "admin", Summary: "The free-mail domains and role aliases refused as work emails (portal admins)",
			Answer: apiEmailRules{}, Status: http.StatusOK, Handle: s.apiEmailRules,
		},
		{
			Method: "PUT", Path: "/api/v1/settings/email-rules", Tag: "admin", Summary: "Replace the work email rules: both lists, each with at least one entry; each domain a domain name (Unicode or punycode, kept as punycode), each alias the part of an address before the @; an entry given twice is kept once (portal admins)",
			Body: apiEmailRules{}, Answer: apiEmailRules{}, Status: http.StatusOK, Handle: s.apiSetEmailRules,
		},
	}
}

type apiMail struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	To        string     `json:"to"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Case      string     `json:"case,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

func (s *Server) apiOutbox(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	ms, err := s.mail.Outbox(r.Context(), request(r, a), q.Get("to"), int(atoi64(q.Get("limit"))))
	if err != nil {
		return err
	}
	out := make([]apiMail, 0, len(ms))
	for _, m := range ms {
		am := apiMail{ID: m.ID, Kind: m.Kind, To: m.To, Subject: m.Subject, Body: m.Body, CreatedAt: m.CreatedAt, SentAt: optTime(m.SentAt)}
		if m.CaseID != 0 {
			am.Case = desk.FormatCaseNumber(m.CaseID)
		}
		out = append(out, am)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type apiEmailRules struct {
	FreeMailDomains []string `json:"free_mail_domains"`
	RoleAliases     []string `json:"role_aliases"`
}

func (s *Server) apiEmailRules(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	rules, err := s.mail.EmailRulesSettings(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiEmailRules{FreeMailDomains: rules.FreeMailDomains, RoleAliases: rules.RoleAliases})
	return nil
}

func (s *Server) apiSetEmailRules(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiEmailRules
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	// Both lists are the setting: a body without one would empty it.
	p := desk.Problems{}
	if in.FreeMailDomains == nil {
		p.Add("free_mail_domains", webMessage("form.give_the_free_mail_domains_to"))
	}
	if in.RoleAliases == nil {
		p.Add("role_aliases", webMessage("form.give_the_role_aliases_to_refuse"))
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := s.mail.SetEmailRules(r.Context(), request(r, a), desk.EmailRules{FreeMailDomains: in.FreeMailDomains, RoleAliases: in.RoleAliases}); err != nil {
		return err
	}
	return s.apiEmailRules(w, r, a)
}

// Received mail.

type apiInbound struct {
	ID         int64      `json:"id"`
	Source     string     `json:"source"`
	From       string     `json:"from"`
	Subject    string     `json:"subject"`
	State      string     `json:"state"`
	Reason     string     `json:"reason,omitempty"`
	Case       string     `json:"case,omitempty"`
	ReceivedAt time.Time  `json:"received_at"`
	Processed  *time.Time `json:"processed_at,omitempty"`
}

type apiInboundLink struct {
	// Case is the 10-digit number to link to; empty with discard.
	Case    string `json:"case,omitempty"`
	Discard bool   `json:"discard,omitempty"`
}

func toAPIInbound(m *desk.InboundMail) apiInbound {
	out := apiInbound{
		ID: m.ID, Source: m.Source, From: m.Sender, Subject: m.Subject, State: string(m.State), Reason: m.Reason,
		ReceivedAt: m.ReceivedAt, Processed: optTime(m.ProcessedAt),
	}
	if out.From == "" {
		out.From = m.MailFrom
	}
	if m.CaseID != 0 {
		out.Case = desk.FormatCaseNumber(m.CaseID)
	}
	return out
}

func (s *Server) apiInboundList(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	ms, err := s.mail.InboundMail(r.Context(), request(r, a), r.URL.Query().Get("state"))
	if err != nil {
		return err
	}
	out := make([]apiInbound, 0, len(ms))
	for i := range ms {
		out = append(out, toAPIInbound(&ms[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiLinkInbound(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiInboundLink
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var caseID int64
	if !in.Discard {
		n, ok := desk.ParseCaseNumber(in.Case)
		if !ok {
			return invalid("case", "form.give_the_10_digit_case_number")
		}
		caseID = n
	}
	if err := s.mail.LinkInbound(r.Context(), request(r, a), id, caseID); err != nil {
		return err
	}
	m, _, err := s.mail.ReadInbound(r.Context(), request(r, a), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIInbound(m))
	return nil
}

type apiEmailTemplate struct {
	Kind  string `json:"kind"`
	About string `json:"about"`
	// Subject and Body are Go text/template texts over the fields
	// FirstName, Name, Email, Subject, Text, Link, CaseNumber,
	// CaseSummary and PortalURL; empty means the built-in layout.
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

type apiEmailTemplateInput struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

func (s *Server) apiEmailTemplates(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	stored, err := s.mail.EmailTemplates(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiEmailTemplate, 0, len(support.MailKinds))
	for _, k := range support.MailKinds {
		t := stored[k.Kind]
		out = append(out, apiEmailTemplate{Kind: k.Kind, About: k.About(), Subject: t[0], Body: t[1]})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiSetEmailTemplate(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiEmailTemplateInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.mail.SetEmailTemplate(r.Context(), request(r, a), r.PathValue("kind"), in.Subject, in.Body); err != nil {
		return err
	}
	return s.apiEmailTemplates(w, r, a)
}
