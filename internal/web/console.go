package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// queueFilter reads the staff queue's filters, shared by the console and
// the API: status (not closed unless asked), priority, product, company
// and owner ("me", "none" or an ID), with the search and paging of
// caseQuery.
func queueFilter(q url.Values, a *desk.Actor) desk.CaseFilter {
	f := caseQuery(q)
	f.List = desk.Queue
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

// pageQueue is the staff console's case queue.
var pageQueue = page[queueData]{"queue"}

// queueData is a page of the queue with what its filters offer.
type queueData struct {
	Page       *desk.CasePage
	Next       string
	Statuses   []desk.Status
	Priorities []desk.Priority
	Catalog    *desk.Catalog
	Companies  []desk.Company
	Staff      []desk.User
	Sizes      []int
	Size       int
	Now        time.Time
}

// queue is the staff console's case queue, with filters.
func (s *Server) queue(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	status, search := http.StatusOK, r.URL.Query()
	errs := s.searchProblems(r, search)
	if errs != nil {
		status = http.StatusUnprocessableEntity // the queue without the search
	}
	f := queueFilter(search, a)
	page, err := s.cases.List(r.Context(), request(r, a), f)
	if desk.FieldMessages(err) != nil {
		q.Del("after")
		http.Redirect(w, r, "/console?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	req := request(r, a)
	cat, err := s.accounts.Catalog(r.Context(), req)
	if err != nil {
		return err
	}
	companies, err := s.accounts.Companies(r.Context(), req)
	if err != nil {
		return err
	}
	staff, err := s.accounts.StaffUsers(r.Context(), req)
	if err != nil {
		return err
	}
	render(s, w, r, status, pageQueue, &view{Title: s.loc(r).T("title.case_queue"), User: a.User, Form: q, Errors: errs}, queueData{
		Page: page, Next: nextURL(r.URL, page.Next), Statuses: desk.Statuses, Priorities: desk.Priorities,
		Catalog: cat, Companies: companies, Staff: staff, Sizes: pageSizes, Size: f.Limit,
		Now: page.Now,
	})
	return nil
}
