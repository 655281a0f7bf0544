package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// queueFilter reads the staff queue's filters, shared by the console, its
// views and the API: status (one or more; not closed unless asked),
// priority, product, company, owner ("me", "none" or an ID), escalated
// ("on"), due (a running deadline within a duration such as "2h") and the
// order (sort), with the search and paging of caseQuery.
func queueFilter(q url.Values, a *desk.Actor) desk.CaseFilter {
	f := caseQuery(q)
	f.List = desk.Queue
	var statuses []desk.Status
	for _, v := range q["status"] {
		if v != "" {
			statuses = append(statuses, desk.Status(v))
		}
	}
	switch {
	case len(statuses) > 0:
		f.Statuses = statuses
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
	f.Order = desk.ParseCaseOrder(q.Get("sort"))
	f.Escalated = q.Get("escalated") == "on"
	if d, err := time.ParseDuration(q.Get("due")); err == nil && d > 0 && d <= maxDueWithin {
		f.DueWithin = d
	}
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

// maxDueWithin is the furthest a queue link's due filter looks ahead.
const maxDueWithin = 30 * 24 * time.Hour

// pageQueue is the staff console's case queue.
var pageQueue = page[queueData]{"queue"}

// queueData is a page of the queue with what its filters offer, the
// views beside it and the links of its sortable columns.
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
	// Views are the built-in, shared and personal views with their
	// counts; Query is the queue's query string without its paging: what
	// a saved view keeps, and what the case page's next/previous reads
	// (from=).
	Views      []queueView
	Query      string
	SaveAction string
	// Filtered says the queue is filtered, searched or ordered: its
	// filters show open on a phone.
	Filtered bool
	// Sort is the header link of each sortable column: "number",
	// "updated", "deadline".
	Sort map[string]sortLink
	// Bulk is what the bulk form around the table offers.
	Bulk bulkData
	// BulkAction is where the bulk form posts, with the queue's query.
	BulkAction string
}

// queueView is a view as the sidebar links it.
type queueView struct {
	desk.QueueView
	Href    string
	Current bool
	// CanDelete says the actor may remove the saved view, posting to
	// DeleteAction.
	CanDelete    bool
	DeleteAction string
}

// sortLink is a column header's link: the order a click asks for, and
// the column's aria-sort now ("ascending", "descending" or "none").
type sortLink struct {
	Href string
	Aria string
}

// queueQuery is a queue link's query string without its paging, in one
// order (url.Values.Encode sorts the keys), so a view's link and the
// queue's own compare equal.
func queueQuery(q url.Values) string {
	c := url.Values{}
	for k, vs := range q {
		switch k {
		case "after", "size":
			continue
		}
		for _, v := range vs {
			if v != "" {
				c.Add(k, v)
			}
		}
	}
	return c.Encode()
}

// sortLinks are the header links of the sortable columns under order o.
func sortLinks(q url.Values, o desk.CaseOrder) map[string]sortLink {
	out := map[string]sortLink{}
	for _, col := range []string{"number", "updated", "deadline"} {
		c := url.Values{}
		for k, vs := range q {
			c[k] = vs
		}
		c.Del("after")
		c.Set("sort", string(o.Toggled(col)))
		l := sortLink{Href: "/console?" + c.Encode(), Aria: "none"}
		if o.Column() == col {
			l.Aria = "ascending"
			if o.Descending() {
				l.Aria = "descending"
			}
		}
		out[col] = l
	}
	return out
}

// queue is the staff console's case queue, with filters.
func (s *Server) queue(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showQueue(w, r, a, http.StatusOK, nil, nil)
}

// showQueue shows the queue of the request's query string; a form posted
// from it (a view saved, a bulk action) comes back with its values and
// problems.
func (s *Server) showQueue(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	q := r.URL.Query()
	search := r.URL.Query()
	if searchErrs := s.searchProblems(r, search); searchErrs != nil {
		status = http.StatusUnprocessableEntity // the queue without the search
		errs = mergeErrors(searchErrs, errs)
	}
	f := queueFilter(search, a)
	req := request(r, a)
	page, err := s.cases.List(r.Context(), req, f)
	if desk.FieldMessages(err) != nil {
		q.Del("after")
		http.Redirect(w, r, "/console?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
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
	views, err := s.queueViews(r, a, queueQuery(q))
	if err != nil {
		return err
	}
	values := q
	if form != nil {
		values = url.Values{}
		for k, vs := range q {
			values[k] = vs
		}
		for k, vs := range form {
			values[k] = vs
		}
	}
	render(s, w, r, status, pageQueue, &view{Title: s.loc(r).T("title.case_queue"), User: a.User, Form: values, Errors: errs}, queueData{
		Page: page, Next: nextURL(r.URL, page.Next), Statuses: desk.Statuses, Priorities: desk.Priorities,
		Catalog: cat, Companies: companies, Staff: staff, Sizes: pageSizes, Size: f.Limit,
		Now: page.Now, Views: views, Query: queueQuery(q), SaveAction: "/console/views?" + queueQuery(q), Filtered: queueQuery(q) != "" || errs != nil, Sort: sortLinks(q, f.Order),
		Bulk: bulkOffer(form), BulkAction: "/console/bulk?" + queueQuery(q),
	})
	return nil
}

// mergeErrors is the field messages of both maps, a's first.
func mergeErrors(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range b {
		out[k] = v
	}
	for k, v := range a {
		out[k] = v
	}
	return out
}
