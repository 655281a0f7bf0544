package web

import (
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// apiAuditRoutes are the calls on the audit log.
func (s *Server) apiAuditRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/audit", Tag: "admin", Summary: "The audit log, newest first (portal admins)",
			Query: []apiParam{
				{Name: "action", Doc: "only this action, e.g. sign_in_failed"},
				{Name: "actor", Doc: "only lines of actors whose name or email holds this"},
				{Name: "subject", Doc: "only lines whose subject holds this (a case number, an email, an Org ID)"},
				{Name: "from", Doc: "only lines from this day on (YYYY-MM-DD, UTC)"},
				{Name: "to", Doc: "only lines up to the end of this day (YYYY-MM-DD, UTC), not before from: a range that ends before it starts is a 422 naming to"},
				{Name: "before", Doc: "lines older than this id, for the next page", Integer: true},
				{Name: "limit", Doc: "at most this many lines (100 by default, 500 at most)", Integer: true},
			},
			Answer: []apiAuditEntry{}, Status: http.StatusOK, Handle: s.apiAudit,
		},
	}
}

type apiAuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor,omitempty"`
	Action  string    `json:"action"`
	Subject string    `json:"subject,omitempty"`
	Detail  string    `json:"detail,omitempty"`
	Address string    `json:"address,omitempty"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.ViewAudit, desk.Target{}); err != nil { // the policy before the query
		return err
	}
	q := r.URL.Query()
	f, err := auditFilter(q)
	if err != nil { // a date that is not one, a range that ends before it starts
		return err
	}
	f.Limit = int(atoi64(q.Get("limit")))
	es, err := s.audit.Entries(r.Context(), request(r, a), f)
	if err != nil {
		return err
	}
	out := make([]apiAuditEntry, 0, len(es))
	for _, e := range es {
		out = append(out, apiAuditEntry{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Subject: e.Subject, Detail: e.Detail, Address: e.Address})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
