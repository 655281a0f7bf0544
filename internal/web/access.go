package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

var (
	pageAccessRequests = page[accessRequestsData]{"access-requests"}
	pageAccessRequest  = page[accessRequestData]{"access-request"}
)

// accessRequestsData is the list of requests, filtered by State.
type accessRequestsData struct {
	Requests []support.AccessRequestView
	Scope    desk.AccessRequestScope
	State    string
}

type accessRequestData struct {
	R *support.AccessRequestView
	// TermsApply says the level asked for counts only once the contact
	// accepts the Designated Contact terms.
	TermsApply bool
}

// accessRequests lists the requests of the user's scope: all (staff),
// their Sold To companies' (Designated Approvers) or their own.
func (s *Server) accessRequests(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	state := desk.RequestState(r.URL.Query().Get("state"))
	switch state {
	case desk.RequestPending, desk.RequestApproved, desk.RequestRejected, "":
	default:
		state = ""
	}
	reqs, err := s.access.AccessRequests(r.Context(), request(r, a), state)
	if err != nil {
		return err
	}
	render(s, w, r, http.StatusOK, pageAccessRequests, &view{
		Title: s.loc(r).T("title.access_requests"), User: a.User, Form: r.URL.Query(),
	}, accessRequestsData{Requests: reqs, Scope: a.AccessRequestScope(), State: string(state)})
	return nil
}

func requestID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, desk.ErrNotFound
	}
	return id, nil
}

func (s *Server) accessRequest(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showAccessRequest(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showAccessRequest(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	id, err := requestID(r)
	if err != nil {
		return err
	}
	req, err := s.access.AccessRequest(r.Context(), request(r, a), id)
	if err != nil {
		return err
	}
	render(s, w, r, status, pageAccessRequest, &view{
		Title: s.loc(r).T("title.access_request"), User: a.User, Form: form, Errors: errs,
	}, accessRequestData{R: req, TermsApply: req.Level == desk.ReadWrite})
	return nil
}

// decideAccessRequest records an approver's yes or no.
func (s *Server) decideAccessRequest(r *http.Request, req support.Request) (string, string, error) {
	id, err := requestID(r)
	if err != nil {
		return "", "", err
	}
	if err := s.access.AskDecide(r.Context(), req, id); err != nil { // the policy before the form
		return "", "", err
	}
	var approve bool
	switch r.PostForm.Get("decision") {
	case "approve":
		approve = true
	case "reject":
	default:
		return "", "", invalid("decision", "form.choose_approve_or_reject")
	}
	to := "/access-requests/" + strconv.FormatInt(id, 10)
	if err := s.access.DecideAccessRequest(r.Context(), req, id, approve, r.PostForm.Get("note")); err != nil {
		return to, "", err
	}
	if approve {
		return to, s.loc(r).T("notice.the_request_is_approved_and_the"), nil
	}
	return to, s.loc(r).T("notice.the_request_is_rejected"), nil
}
