package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

type apiAccessRequest struct {
	ID      int64  `json:"id"`
	Contact apiRef `json:"contact"`
	// SoldToOrgID and EndUserOrgID are the Org IDs as the requester gave
	// them. SoldTo and EndUser, the companies they name, are shown only
	// to those who decide the request and to staff.
	SoldToOrgID  string     `json:"sold_to_org_id"`
	EndUserOrgID string     `json:"end_user_org_id"`
	SoldTo       *apiRef    `json:"sold_to,omitempty"`
	EndUser      *apiRef    `json:"end_user,omitempty"`
	Level        string     `json:"level"`
	Reason       string     `json:"reason,omitempty"`
	State        string     `json:"state"`
	Decision     string     `json:"decision,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
}

type apiNewAccessRequest struct {
	// The Org IDs on the Service Contract of the combination.
	SoldToOrgID  string `json:"sold_to_org_id"`
	EndUserOrgID string `json:"end_user_org_id"`
	Level        string `json:"level"`
	Reason       string `json:"reason,omitempty"`
}

type apiDecision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note,omitempty"`
}

// Access requests.

func toAPIAccessRequest(q *store.AccessRequestRow) apiAccessRequest {
	out := apiAccessRequest{
		ID: q.ID, Contact: apiRef{q.ContactID, q.ContactName}, SoldToOrgID: q.SoldToOrgID, EndUserOrgID: q.EndUserOrgID,
		Level: q.Level.String(), Reason: q.Reason,
		State: string(q.State), Decision: q.Decision, CreatedAt: q.CreatedAt, DecidedAt: optTime(q.DecidedAt),
	}
	if q.Matched() {
		out.SoldTo, out.EndUser = &apiRef{q.SoldToID, q.SoldToName}, &apiRef{q.EndUserID, q.EndUserName}
	}
	return out
}

func (s *Server) apiAccessRequests(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	state := desk.RequestState(r.URL.Query().Get("state"))
	switch state {
	case "", desk.RequestPending, desk.RequestApproved, desk.RequestRejected:
	default:
		return &desk.ValidationError{Fields: map[string]string{"state": "Ask for pending, approved or rejected."}}
	}
	reqs, err := s.svc.AccessRequests(r.Context(), request(r, a), state)
	if err != nil {
		return err
	}
	out := make([]apiAccessRequest, 0, len(reqs))
	for i := range reqs {
		out = append(out, toAPIAccessRequest(&reqs[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiRequestAccess(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiNewAccessRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	level, ok := desk.ParseAccessLevel(in.Level)
	if !ok {
		return &desk.ValidationError{Fields: map[string]string{"level": "Ask for basic, read_only or read_write."}}
	}
	ar, err := s.svc.RequestAccessByOrgIDs(r.Context(), request(r, a), in.SoldToOrgID, in.EndUserOrgID, level, in.Reason)
	if err != nil {
		return err
	}
	return s.apiAccessRequestAnswer(w, r, a, ar.ID, http.StatusCreated)
}

func (s *Server) apiAccessRequestAnswer(w http.ResponseWriter, r *http.Request, a *desk.Actor, id int64, status int) error {
	q, _, err := s.svc.AccessRequest(r.Context(), request(r, a), id)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/access-requests/%d", id))
	}
	writeJSON(w, status, toAPIAccessRequest(q))
	return nil
}

func (s *Server) apiAccessRequest(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.apiAccessRequestAnswer(w, r, a, id, http.StatusOK)
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiDecision
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.DecideAccessRequest(r.Context(), request(r, a), id, in.Approve, in.Note); err != nil {
		return err
	}
	return s.apiAccessRequestAnswer(w, r, a, id, http.StatusOK)
}
