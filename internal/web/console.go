package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// queueFilter reads the staff queue's filters, shared by the console and
// the API: status (not closed unless asked), priority, product, company
// and owner ("me", "none" or an ID), with the search and paging of
// caseQuery.
func queueFilter(q url.Values, a *desk.Actor) store.CaseFilter {
	f := caseQuery(q)
	f.List = store.Queue
	switch v := q.Get("status"); {
	case v != "":
		f.Statuses = []desk.Status{desk.Status(v)}
	case q.Get("closed") == "on":
		f.Statuses = desk.Statuses
	default:
		f.Statuses = []desk.Status{desk.StatusOpen, desk.StatusAwaitingInformation, desk.StatusSolutionProposed}
	}
	if v := q.Get("priority"); v != "" {
		f.Priorities = []desk.Priority{desk.Priority(v)}
	}
	f.ProductID = atoi64(q.Get("product"))
	f.CompanyID = atoi64(q.Get("company"))
	f.ByDeadline = q.Get("sort") == "deadline"
	switch owner := q.Get("owner"); owner {
	case "":
	case "none":
		f.Unassigned = true
	case "me":
		f.OwnerID = a.User.ID
	default:
		f.OwnerID = atoi64(owner)
	}
	return f
}

// queue is the staff console's case queue, with filters.
func (s *Server) queue(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	f := queueFilter(q, a)
	page, err := s.svc.Cases(r.Context(), request(r, a), f)
	if desk.AsValidation(err) != nil {
		q.Del("after")
		http.Redirect(w, r, "/console?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	req := request(r, a)
	cat, err := s.svc.Catalog(r.Context(), req)
	if err != nil {
		return err
	}
	companies, err := s.svc.Companies(r.Context(), req)
	if err != nil {
		return err
	}
	staff, err := s.svc.StaffUsers(r.Context(), req)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "queue", &view{Title: s.loc(r).T("title.case_queue"), User: a.User, Form: q, Data: map[string]any{
		"Page": page, "Next": nextURL(r.URL, page.Next), "Statuses": desk.Statuses, "Priorities": desk.Priorities,
		"Catalog": cat, "Companies": companies, "Staff": staff, "Sizes": pageSizes, "Size": f.Limit,
		"Now": time.Now(),
	}})
	return nil
}
