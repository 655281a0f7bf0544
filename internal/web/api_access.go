package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// apiAccessRoutes are the calls on access requests.
func (s *Server) apiAccessRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/access-requests", Tag: "access", Summary: "Access requests you may decide, or your own",
			Query: []apiParam{{Name: "state", Doc: "pending, approved or rejected"}}, Answer: []apiAccessRequest{}, Status: http.StatusOK, Handle: s.apiAccessRequests,
		},
		{
			Method: "POST", Path: "/api/v1/access-requests", Tag: "access", Summary: "Request a different access level for the Sold To and End User Org IDs on a Service Contract: the answer is the same (201, the Org IDs as sent) whether or not they name companies a contract joins; the Sold To's Designated Approvers decide, or support staff help. At most 5 requests an hour per contact (then 429 with Retry-After)",
			Body: apiNewAccessRequest{}, Answer: apiAccessRequest{}, Status: http.StatusCreated, Handle: s.apiRequestAccess, Fields: map[string]string{"sold_to": "sold_to_org_id", "end_user": "end_user_org_id"},
		},
		{
			Method: "GET", Path: "/api/v1/access-requests/{id}", Tag: "access", Summary: "One access request",
			Answer: apiAccessRequest{}, Status: http.StatusOK, Handle: s.apiAccessRequest,
		},
		{
			Method: "POST", Path: "/api/v1/access-requests/{id}/decision", Tag: "access", Summary: "Approve or reject a pending request (Designated Approvers of the Sold To, portal admins)",
			Body: apiDecision{}, Answer: apiAccessRequest{}, Status: http.StatusOK, Handle: s.apiDecide,
		},
	}
}

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

func toAPIAccessRequest(q *support.AccessRequestView) apiAccessRequest {
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
		return invalid("state", "form.ask_for_pending_approved_or_rejected")
	}
	reqs, err := s.access.AccessRequests(r.Context(), request(r, a), state)
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
	if err := desk.Authorize(a, desk.RequestAccess, desk.Target{}); err != nil { // the policy before the fields
		return err
	}
	level, ok := desk.ParseAccessLevel(in.Level)
	if !ok {
		return invalid("level", "form.ask_for_basic_read_only_or")
	}
	ar, err := s.access.RequestAccessByOrgIDs(r.Context(), request(r, a), in.SoldToOrgID, in.EndUserOrgID, level, in.Reason)
	if err != nil {
		return err
	}
	return s.apiAccessRequestAnswer(w, r, a, ar.ID, http.StatusCreated)
}

func (s *Server) apiAccessRequestAnswer(w http.ResponseWriter, r *http.Request, a *desk.Actor, id int64, status int) error {
	q, err := s.access.AccessRequest(r.Context(), request(r, a), id)
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
	if err := s.access.DecideAccessRequest(r.Context(), request(r, a), id, in.Approve, in.Note); err != nil {
		return err
	}
	return s.apiAccessRequestAnswer(w, r, a, id, http.StatusOK)
}
