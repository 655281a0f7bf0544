package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
)

// The audit log and the outbox.

// pageAudit is a page of the audit log.
var pageAudit = page[auditData]{"console-audit"}

// auditData is a page of the audit log; Next the URL of the one after.
type auditData struct {
	Entries []auditLine
	Next    string
}

// auditLine is an audit entry as the log shows it: the client's address,
// or (Via) how the action came when no browser or API client made it: a
// timer of Caseport's, received mail, SFTP, the command line.
type auditLine struct {
	desk.AuditEntry
	Via string
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
		if id, ok := auditSources[e.Address]; ok {
			out[i].Address, out[i].Via = "", l.T(id)
		} else if user, ok := strings.CutPrefix(e.Address, "sftp:"); ok {
			out[i].Address, out[i].Via = "", l.T("page.console-audit.via_sftp", "Username", user)
		}
	}
	return out
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	f := desk.AuditFilter{Action: strings.TrimSpace(q.Get("action")), Before: atoi64(q.Get("before")), Limit: 100}
	entries, err := s.audit.Entries(r.Context(), request(r, a), f)
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
	render(s, w, r, http.StatusOK, pageAudit, &view{Title: s.loc(r).T("title.audit_log"), User: a.User, Form: q}, auditData{Entries: auditLines(s.loc(r), entries), Next: next})
	return nil
}
