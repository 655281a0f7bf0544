package web

import (
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

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
	q := r.URL.Query()
	limit := int(atoi64(q.Get("limit")))
	es, err := s.svc.AuditLog(r.Context(), request(r, a), store.AuditFilter{Action: q.Get("action"), Before: atoi64(q.Get("before")), Limit: limit})
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
