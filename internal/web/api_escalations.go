package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// apiEscalationRoutes are the calls on a case's escalation and the escalation queue.
func (s *Server) apiEscalationRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/cases/{number}/escalation", Tag: "escalations", Summary: "The case's escalation with its feed, and whether you may escalate now (and why not)",
			Answer: apiEscalationView{}, Status: http.StatusOK, Handle: s.apiEscalation,
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/escalation", Tag: "escalations", Summary: "Escalate a case with a reason and details (Designated Contacts); each refusal says why",
			Body: apiNewEscalation{}, Answer: apiEscalationView{}, Status: http.StatusCreated, Handle: s.apiEscalate,
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/escalation/{step}", Tag: "escalations", Summary: "accept (next steps), reject (reasons), close, or note on the case's escalation (escalation owners; the case's Designated Contacts may add notes; other staff may not)",
			Body: apiEscalationStep{}, Answer: apiEscalationView{}, Status: http.StatusOK, Handle: s.apiWorkEscalation,
		},
		{
			Method: "GET", Path: "/api/v1/escalations", Tag: "escalations", Summary: "Active escalations, oldest first (escalation owners)",
			Answer: []apiEscalation{}, Status: http.StatusOK, Handle: s.apiEscalationQueue,
		},
	}
}

// Escalations.

type apiEscalation struct {
	ID        int64      `json:"id"`
	Case      string     `json:"case"`
	Reason    string     `json:"reason"`
	Details   string     `json:"details"`
	State     string     `json:"state"`
	Requester apiRef     `json:"requested_by"`
	Owner     *apiRef    `json:"owner,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
}

func toAPIEscalation(e *desk.EscalationRow) apiEscalation {
	out := apiEscalation{
		ID: e.ID, Case: desk.FormatCaseNumber(e.CaseID), Reason: string(e.Reason), Details: e.Details, State: string(e.State),
		Requester: apiRef{e.RequestedBy, e.RequesterName}, CreatedAt: e.CreatedAt, DecidedAt: optTime(e.DecidedAt), ClosedAt: optTime(e.ClosedAt),
	}
	if e.OwnerID != 0 {
		out.Owner = &apiRef{e.OwnerID, e.OwnerName}
	}
	return out
}

type apiEscalationView struct {
	// Current is the case's latest escalation, if any.
	Current *apiEscalation `json:"current,omitempty"`
	Feed    []apiEntry     `json:"feed"`
	// CanEscalate says whether you may escalate the case now; Refusal
	// why not.
	CanEscalate bool   `json:"can_escalate"`
	Refusal     string `json:"refusal,omitempty"`
	// ContractLink is, for staff when no active Service Contract covers
	// the case, the console page to renew its last contract or add one.
	ContractLink string `json:"contract_link,omitempty"`
}

type apiNewEscalation struct {
	Reason  string `json:"reason"`
	Details string `json:"details"`
}

type apiEscalationStep struct {
	Text string `json:"text"`
}

func (s *Server) apiEscalationAnswer(w http.ResponseWriter, r *http.Request, a *desk.Actor, caseID int64, status int) error {
	v, err := s.cases.Escalations(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	out := apiEscalationView{Feed: make([]apiEntry, 0, len(v.Feed)), CanEscalate: v.CanEscalate, ContractLink: v.ContractLink}
	if v.Refusal != nil {
		out.Refusal = s.loc(r).Message(*v.Refusal)
	}
	if v.Current != nil {
		cur := toAPIEscalation(v.Current)
		out.Current = &cur
	}
	for _, e := range v.Feed {
		out.Feed = append(out.Feed, apiEntry{ID: e.ID, Kind: "escalation", Author: e.Author, Body: e.Body, CreatedAt: e.CreatedAt})
	}
	writeJSON(w, status, out)
	return nil
}

func (s *Server) apiEscalation(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	return s.apiEscalationAnswer(w, r, a, caseID, http.StatusOK)
}

func (s *Server) apiEscalate(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	var in apiNewEscalation
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if _, err := s.cases.Escalate(r.Context(), request(r, a), caseID, desk.EscalationReason(in.Reason), in.Details); err != nil {
		return err
	}
	return s.apiEscalationAnswer(w, r, a, caseID, http.StatusCreated)
}

func (s *Server) apiWorkEscalation(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	var in apiEscalationStep
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.cases.Escalations(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	if v.Current == nil {
		return fmt.Errorf("case %s has no escalation: %w", desk.FormatCaseNumber(caseID), desk.ErrNotFound)
	}
	step := support.EscalationStep(r.PathValue("step"))
	switch step {
	case support.StepAccept, support.StepReject, support.StepClose, support.StepNote:
	default:
		return desk.ErrNotFound
	}
	if err := s.cases.WorkEscalation(r.Context(), request(r, a), v.Current.ID, step, in.Text); err != nil {
		return err
	}
	return s.apiEscalationAnswer(w, r, a, caseID, http.StatusOK)
}

func (s *Server) apiEscalationQueue(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q, err := s.cases.EscalationQueue(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiEscalation, 0, len(q.Escalations))
	for i := range q.Escalations {
		out = append(out, toAPIEscalation(&q.Escalations[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
