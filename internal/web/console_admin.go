package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/support"
)

// Caller verification: staff on the phone ask for the caller's PIN.

func (s *Server) callerForm(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showCaller(w, r, a, http.StatusOK, nil, nil, nil)
}

func (s *Server) showCaller(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string, caller *support.Caller) error {
	s.render(w, r, status, "console-caller", &view{
		Title: s.loc(r).T("title.caller_verification"), User: a.User, Form: form, Errors: errs,
		Data: map[string]any{"Caller": caller},
	})
	return nil
}

// verifyCaller looks the PIN up. The PIN comes in a POST body, so it is
// never in a URL, a log line or the browser history, and the answer does
// not repeat it.
func (s *Server) verifyCaller(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var caller *support.Caller
	err := checkForm(r.PostForm)
	if err == nil {
		caller, err = s.svc.VerifyCaller(r.Context(), request(r, a), r.PostForm.Get("pin"))
	}
	if fields := s.fieldMessages(r, err); fields != nil {
		return s.showCaller(w, r, a, http.StatusUnprocessableEntity, nil, fields, nil)
	}
	if errors.Is(err, desk.ErrNotFound) {
		return s.showCaller(w, r, a, http.StatusNotFound, nil,
			map[string]string{"pin": s.loc(r).T("form.no_contact_has_this_pin_ask")}, nil)
	}
	if err != nil {
		return err
	}
	return s.showCaller(w, r, a, http.StatusOK, nil, nil, caller)
}

// openCaseByNumber takes the 10-digit number a caller reads out.
func (s *Server) openCaseByNumber(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := checkForm(r.PostForm); err != nil {
		return s.showCaller(w, r, a, http.StatusUnprocessableEntity, r.PostForm, s.fieldMessages(r, err), nil)
	}
	raw := strings.TrimSpace(r.PostForm.Get("number"))
	id, ok := desk.ParseCaseNumber(raw)
	if !ok || len(raw) != 10 {
		return s.showCaller(w, r, a, http.StatusUnprocessableEntity, r.PostForm,
			map[string]string{"number": s.loc(r).T("form.a_case_number_has_10_digits")}, nil)
	}
	if _, err := s.svc.Case(r.Context(), request(r, a), id); errors.Is(err, desk.ErrNotFound) {
		return s.showCaller(w, r, a, http.StatusNotFound, r.PostForm,
			map[string]string{"number": s.loc(r).T("form.no_such_case", "Number", raw)}, nil)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+raw, http.StatusSeeOther)
	return nil
}

// Products and components.

func (s *Server) products(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showProducts(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showProducts(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	cat, err := s.svc.Catalog(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	s.render(w, r, status, "console-products", &view{
		Title: s.loc(r).T("title.products"), User: a.User, Form: form, Errors: errs,
		Data: map[string]any{"Catalog": cat, "Admin": a.HasRole(desk.RolePortalAdmin)},
	})
	return nil
}

func (s *Server) createProduct(r *http.Request, req support.Request) (string, string, error) {
	var comps []string
	for c := range strings.SplitSeq(r.PostForm.Get("components"), ",") {
		if c = strings.TrimSpace(c); c != "" {
			comps = append(comps, c)
		}
	}
	_, err := s.svc.CreateProduct(r.Context(), req, r.PostForm.Get("name"), comps)
	return "/console/products", s.loc(r).T("notice.the_product_is_added"), err
}

func (s *Server) addComponent(r *http.Request, req support.Request) (string, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	_, err = s.svc.AddComponent(r.Context(), req, id, r.PostForm.Get("component"))
	return "/console/products", s.loc(r).T("notice.the_component_is_added"), err
}

// Staff.

func (s *Server) staff(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showStaff(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showStaff(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	users, err := s.svc.StaffUsers(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	s.render(w, r, status, "console-staff", &view{
		Title: s.loc(r).T("title.staff"), User: a.User, Form: form, Errors: errs,
		Data: map[string]any{"Staff": users, "Roles": desk.Roles, "Admin": a.HasRole(desk.RolePortalAdmin)},
	})
	return nil
}

func (s *Server) createStaff(r *http.Request, req support.Request) (string, string, error) {
	u := &desk.User{
		Kind: desk.KindStaff, Email: r.PostForm.Get("email"),
		FirstName: r.PostForm.Get("first_name"), LastName: r.PostForm.Get("last_name"),
	}
	for _, v := range r.PostForm["roles"] {
		u.Roles = append(u.Roles, desk.Role(v))
	}
	_, err := s.svc.CreateStaff(r.Context(), req, u, r.PostForm.Get("password"))
	return "/console/staff", s.loc(r).T("notice.the_staff_member_is_added"), err
}

// The audit log and the outbox.

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	f := store.AuditFilter{Action: strings.TrimSpace(q.Get("action")), Before: atoi64(q.Get("before")), Limit: 100}
	entries, err := s.svc.AuditLog(r.Context(), request(r, a), f)
	if err != nil {
		return err
	}
	next := ""
	if len(entries) == f.Limit {
		v := url.Values{"before": {strconv.FormatInt(entries[len(entries)-1].ID, 10)}}
		if f.Action != "" {
			v.Set("action", f.Action)
		}
		next = "/console/audit?" + v.Encode()
	}
	s.render(w, r, http.StatusOK, "console-audit", &view{
		Title: s.loc(r).T("title.audit_log"), User: a.User, Form: q, Data: map[string]any{"Entries": entries, "Next": next},
	})
	return nil
}

func (s *Server) outbox(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	mails, err := s.svc.Outbox(r.Context(), request(r, a), strings.TrimSpace(q.Get("to")), 200)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "console-outbox", &view{
		Title: s.loc(r).T("title.outbox"), User: a.User, Form: q, Data: map[string]any{"Mails": mails},
	})
	return nil
}

// Email rules: the free-mail domains and role aliases refused as work
// emails.

func (s *Server) emailSettings(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	rules, err := s.svc.EmailRulesSettings(r.Context(), request(r, a))
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
	s.render(w, r, status, "console-settings-email", &view{Title: s.loc(r).T("title.work_email_rules"), User: a.User, Form: form, Errors: errs})
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
	err := s.svc.SetEmailRules(r.Context(), req, rules)
	if fields := s.fieldMessages(r, err); fields != nil {
		// The form's fields are named free_mail and aliases.
		renamed := desk.Problems{}
		for k, v := range fields {
			renamed.Add(map[string]string{"free_mail_domains": "free_mail", "role_aliases": "aliases"}[k], v)
		}
		return "", "", renamed.Err()
	}
	return "/console/settings/email", s.loc(r).T("notice.the_work_email_rules_are_saved"), err
}

// fileSettings: whether Read-Write contacts may create temporary SFTP
// accounts themselves.
func (s *Server) fileSettings(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	on, err := s.svc.SFTPForContacts(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	form := url.Values{}
	if on {
		form.Set("sftp_for_contacts", "on")
	}
	return s.showFileSettings(w, r, a, http.StatusOK, form, nil)
}

func (s *Server) showFileSettings(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	s.render(w, r, status, "console-settings-files", &view{Title: s.loc(r).T("title.file_transfer"), User: a.User, Form: form, Errors: errs})
	return nil
}

func (s *Server) saveFileSettings(r *http.Request, req support.Request) (string, string, error) {
	on := r.PostForm.Get("sftp_for_contacts") == "on"
	return "/console/settings/files", s.loc(r).T("notice.the_file_transfer_settings_are_saved"), s.svc.SetSFTPForContacts(r.Context(), req, on)
}

// escalationQueue lists the active escalations, oldest first.
func (s *Server) escalationQueue(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q, err := s.svc.EscalationQueue(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "console-escalations", &view{
		Title: s.loc(r).T("title.escalations"), User: a.User, Data: map[string]any{"Queue": q, "Now": time.Now()},
	})
	return nil
}

// Received mail: the triage queue and every message's fate.

func (s *Server) inboundMail(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showInbound(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showInbound(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	state := r.URL.Query().Get("state")
	if state == "" && r.URL.Query().Get("all") == "" {
		state = store.InboundTriage
	}
	ms, err := s.svc.InboundMail(r.Context(), request(r, a), state)
	if err != nil {
		return err
	}
	s.render(w, r, status, "console-mail", &view{
		Title: s.loc(r).T("title.received_mail"), User: a.User, Form: form, Errors: errs,
		Data: map[string]any{"Mail": ms, "State": state},
	})
	return nil
}

func (s *Server) inboundMessage(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, msg, err := s.svc.ReadInbound(r.Context(), request(r, a), id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "console-mail-message", &view{
		Title: s.loc(r).T("title.received_mail"), User: a.User, Data: map[string]any{"M": m, "Msg": msg, "Raw": string(m.Raw)},
	})
	return nil
}

// linkInbound links a message in triage to a case, or discards it.
func (s *Server) linkInbound(r *http.Request, req support.Request) (string, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	if r.PostForm.Get("discard") != "" {
		return "/console/mail", s.loc(r).T("notice.the_message_is_discarded"), s.svc.LinkInbound(r.Context(), req, id, 0)
	}
	raw := strings.TrimSpace(r.PostForm.Get("case"))
	caseID, ok := desk.ParseCaseNumber(raw)
	if !ok {
		return "", "", invalid("case", "form.give_the_10_digit_case_number_2")
	}
	return "/console/mail", s.loc(r).T("notice.mail_added_to_case", "Number", desk.FormatCaseNumber(caseID)),
		s.svc.LinkInbound(r.Context(), req, id, caseID)
}

// Email templates.

func (s *Server) emailTemplates(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showEmailTemplates(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showEmailTemplates(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	stored, err := s.svc.EmailTemplates(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	type row struct {
		support.MailKind
		Subject, Body string
	}
	rows := make([]row, 0, len(support.MailKinds))
	for _, k := range support.MailKinds {
		t := stored[k.Kind]
		rows = append(rows, row{MailKind: k, Subject: t[0], Body: t[1]})
	}
	defSubject, defBody := support.DefaultMail(s.loc(r))
	s.render(w, r, status, "console-email-templates", &view{
		Title: s.loc(r).T("title.email_templates"), User: a.User, Form: form, Errors: errs,
		Data: map[string]any{"Rows": rows, "DefaultSubject": defSubject, "DefaultBody": defBody},
	})
	return nil
}

func (s *Server) saveEmailTemplate(r *http.Request, req support.Request) (string, string, error) {
	kind := r.PostForm.Get("kind")
	err := s.svc.SetEmailTemplate(r.Context(), req, kind, r.PostForm.Get("subject"), r.PostForm.Get("body"))
	return "/console/settings/templates#" + kind, s.loc(r).T("notice.the_template_is_saved"), err
}
