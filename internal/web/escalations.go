package web

import (
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

func (s *Server) escalateCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	_, err := s.cases.Escalate(r.Context(), req, caseID, desk.EscalationReason(r.PostForm.Get("reason")), r.PostForm.Get("details"))
	return s.loc(r).T("notice.the_case_is_escalated_an_escalation"), err
}

// workEscalation takes a step on the case's current escalation.
func (s *Server) workEscalation(r *http.Request, req support.Request, caseID int64) (string, error) {
	esc, err := s.cases.Escalations(r.Context(), req, caseID)
	if err != nil {
		return "", err
	}
	if esc.Current == nil {
		return "", desk.ErrNotFound
	}
	step := support.EscalationStep(r.PathValue("step"))
	id := map[support.EscalationStep]string{
		support.StepAccept: "notice.escalation_accepted", support.StepReject: "notice.escalation_rejected",
		support.StepClose: "notice.escalation_closed", support.StepNote: "notice.escalation_note_added",
	}[step]
	if id == "" {
		return "", desk.ErrNotFound
	}
	notice := s.loc(r).T(id)
	return notice, s.cases.WorkEscalation(r.Context(), req, esc.Current.ID, step, r.PostForm.Get("text"))
}

// pageEscalations is the queue of active escalations.
var pageEscalations = page[escalationsData]{"console-escalations"}

type escalationsData struct {
	Queue []desk.EscalationRow
	Now   time.Time
}

// escalationQueue lists the active escalations, oldest first.
func (s *Server) escalationQueue(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q, err := s.cases.EscalationQueue(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	render(s, w, r, http.StatusOK, pageEscalations, &view{Title: s.loc(r).T("title.escalations"), User: a.User}, escalationsData{Queue: q.Escalations, Now: q.Now})
	return nil
}
