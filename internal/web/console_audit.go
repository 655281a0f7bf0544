package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
)

// The audit log and the outbox.

// pageAudit is a page of the audit log.
var pageAudit = page[auditData]{"console-audit"}

// auditData is a page of the audit log; Next the URL of the one after.
type auditData struct {
	Entries []desk.AuditEntry
	Next    string
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
	render(s, w, r, http.StatusOK, pageAudit, &view{Title: s.loc(r).T("title.audit_log"), User: a.User, Form: q}, auditData{Entries: entries, Next: next})
	return nil
}
