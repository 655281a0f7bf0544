package web

import (
	"encoding/csv"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
)

// The audit log and the outbox.

// pageAudit is a page of the audit log.
var pageAudit = page[auditData]{"console-audit"}

// auditData is a page of the audit log; Next the URL of the one after,
// Export the CSV of every line the filters keep, Actions the filter's
// choices by readable name.
type auditData struct {
	Entries []auditLine
	Next    string
	Export  string
	Actions []auditChoice
}

// auditLine is an audit entry as the log shows it: the client's address,
// or (Via) how the action came when no browser or API client made it: a
// timer of Caseport's, received mail, SFTP, the command line.
type auditLine struct {
	desk.AuditEntry
	Via string
	// Name is the action's readable name, Link where its subject leads.
	Name, Link string
}

// auditSources are the catalogue IDs of the addresses support records for
// the actions no client made.
var auditSources = map[string]string{
	"service levels": "page.console-audit.via_service_levels",
	"follow-up":      "page.console-audit.via_follow_ups",
	"retention":      "page.console-audit.via_retention",
	"command line":   "page.console-audit.via_command_line",
	"email":          "page.console-audit.via_email",
}

// auditLines gives each entry its words for how it came.
func auditLines(l *i18n.Localizer, entries []desk.AuditEntry) []auditLine {
	out := make([]auditLine, len(entries))
	for i, e := range entries {
		out[i].AuditEntry = e
		out[i].Name, out[i].Link = auditActionName(l, e.Action), auditSubjectLink(e)
		if id, ok := auditSources[e.Address]; ok {
			out[i].Address, out[i].Via = "", l.T(id)
		} else if user, ok := strings.CutPrefix(e.Address, "sftp:"); ok {
			out[i].Address, out[i].Via = "", l.T("page.console-audit.via_sftp", "Username", user)
		}
	}
	return out
}

// auditActions is the catalogue of the actions the audit log records, in
// the order the filter lists them; each has a readable name,
// page.audit.action.<action>. An action not listed shows as it is stored.
var auditActions = []string{
	"sign_in", "sign_in_failed", "password_changed", "password_reset_requested", "password_reset", "password_set",
	"registration_started", "terms_accepted", "api_token_created", "api_token_revoked",
	"case_opened", "case_opened_for_caller", "case_commented", "case_reply", "case_note", "case_updated", "case_closed",
	"case_solution_accepted", "case_solution_rejected", "case_auto_closed", "case_reopened", "case_merged",
	"sla_warning", "sla_breached",
	"case_escalated", "escalation_note", "escalation_accept", "escalation_reject", "escalation_close",
	"caller_verified", "caller_pin_unknown",
	"file_received", "files_acknowledged", "sftp_account_created", "files_purged",
	"access_requested", "access_request_approved", "access_request_rejected", "access_granted", "approver_added", "approver_removed",
	"company_created", "company_updated", "contract_created", "contract_updated", "contact_created", "contact_updated", "staff_created",
	"product_created", "component_created",
	"import_companies", "import_products", "import_contracts", "import_contacts",
	"sla_target_set", "sla_settings_set", "calendar_created", "calendar_updated", "holidays_imported",
	"email_rules_updated", "email_template_set", "setting_changed", "inbound_linked", "inbound_discarded",
	"job_retried", "job_discarded", "macro_saved", "macro_deleted", "queue_view_saved", "queue_view_shared",
	"queue_view_deleted", "notice_prefs_saved",
	"kb_item_created", "kb_item_updated", "kb_item_published", "kb_item_retired", "kb_items_imported",
	"kb_item_file_added", "kb_item_file_removed",
	"announcement_created", "announcement_updated", "announcement_deleted",
}

// auditActionName is an action's readable name, or the action itself
// when the catalogue does not know it.
func auditActionName(l *i18n.Localizer, action string) string {
	if slices.Contains(auditActions, action) {
		return l.T("page.audit.action." + action)
	}
	return action
}

// auditChoice is an action the filter offers.
type auditChoice struct{ Value, Name string }

// auditSubjectLink is where a line's subject leads: its case, its
// company, or the lines about the same subject.
func auditSubjectLink(e desk.AuditEntry) string {
	switch {
	case e.Subject == "":
		return ""
	case len(e.Subject) == 10 && strings.Trim(e.Subject, "0123456789") == "":
		return "/cases/" + e.Subject
	case strings.HasPrefix(e.Action, "company_"):
		return "/console/companies?" + url.Values{"q": {e.Subject}}.Encode()
	}
	return "/console/audit?" + url.Values{"subject": {e.Subject}}.Encode()
}

// auditFilter reads the log's filters from a query. A date that is not
// one is told on its field, and so is a range that ends before it starts
// (on its end date, naming the start), rather than a log that finds
// nothing; the error is a validation error (desk.Problems) for the page's
// error summary and the API's problem details alike.
func auditFilter(q url.Values) (desk.AuditFilter, error) {
	f := desk.AuditFilter{
		Action: strings.TrimSpace(q.Get("action")), Before: atoi64(q.Get("before")),
		Actor: q.Get("actor"), Subject: q.Get("subject"),
	}
	p := desk.Problems{}
	day := func(field string) time.Time {
		v := strings.TrimSpace(q.Get(field))
		if v == "" {
			return time.Time{}
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			p.Add(field, webMessage("page.audit.date_wanted"))
		}
		return d
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		if !f.From.IsZero() && to.Before(f.From) {
			p.Add("to", webMessage("page.audit.to_before_from", "From", f.From.Format(time.DateOnly)))
		}
		f.To = to.AddDate(0, 0, 1) // the whole of the last day
	}
	return f, p.Err()
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	f, err := auditFilter(q)
	errs := s.fieldMessages(r, err)
	status := http.StatusOK
	if errs != nil {
		status = http.StatusUnprocessableEntity
		f.From, f.To = time.Time{}, time.Time{}
	}
	f.Limit = 100
	entries, err := s.audit.Entries(r.Context(), request(r, a), f)
	if err != nil {
		return err
	}
	next := ""
	if len(entries) == f.Limit {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		next = "/console/audit?" + v.Encode()
	}
	export := url.Values{}
	for _, k := range []string{"actor", "action", "subject", "from", "to"} {
		if v := q.Get(k); v != "" {
			export.Set(k, v)
		}
	}
	l := s.loc(r)
	choices := make([]auditChoice, len(auditActions))
	for i, act := range auditActions {
		choices[i] = auditChoice{act, l.T("page.audit.action." + act)}
	}
	slices.SortFunc(choices, func(a, b auditChoice) int { return strings.Compare(a.Name, b.Name) })
	render(s, w, r, status, pageAudit, &view{Title: l.T("title.audit_log"), User: a.User, Form: q, Errors: errs}, auditData{
		Entries: auditLines(l, entries), Next: next, Actions: choices, Export: "/console/audit.csv?" + export.Encode(),
	})
	return nil
}

// auditCSV streams the lines the filters keep as CSV, newest first, as
// the store reads them. A cell that a spreadsheet would take for a
// formula (starting with = + - @, a tab or a carriage return) gets a
// leading ' so it stays text.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.ViewAudit, desk.Target{}); err != nil { // the policy before the query
		return err
	}
	f, err := auditFilter(r.URL.Query())
	if err != nil {
		return s.auditLog(w, r, a)
	}
	req := request(r, a)
	l := s.loc(r)
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "audit-log.csv"}))
	h.Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	row := func(cells ...string) error {
		for i, c := range cells {
			cells[i] = csvSafe(c)
		}
		return cw.Write(cells)
	}
	if err := row(l.T("page.console-audit.when"), l.T("page.console-audit.who"), l.T("page.console-audit.action"),
		l.T("page.audit.action_code"), l.T("page.console-audit.subject"), l.T("page.console-audit.detail"),
		l.T("page.console-audit.address")); err != nil {
		return err
	}
	err = s.audit.EachEntry(r.Context(), req, f, func(e desk.AuditEntry) error {
		line := auditLines(l, []desk.AuditEntry{e})[0]
		who := line.Actor
		if line.Via != "" {
			who = strings.TrimSpace(who + " " + line.Via)
		}
		return row(e.At.UTC().Format(time.RFC3339), who, auditActionName(l, e.Action), e.Action, e.Subject, e.Detail, line.Address)
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err != nil {
		// The header is sent: the log has the failure, the file ends short.
		s.logError(r, http.StatusInternalServerError, err)
	}
	return nil
}

// csvSafe keeps a cell from being read as a formula by a spreadsheet.
func csvSafe(cell string) string {
	if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
		return "'" + cell
	}
	return cell
}
