package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// apiQueueRoutes are the calls on the staff queue's views.
func (s *Server) apiQueueRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/queue/views", Tag: "queue", Summary: "The queue's views (built-in, shared and your own) with how many cases each lists now (staff)",
			Answer: []apiQueueView{}, Status: http.StatusOK, Handle: s.apiQueueViews,
		},
		{
			Method: "POST", Path: "/api/v1/queue/views", Tag: "queue", Summary: "Save the queue's filters (a query string of GET /api/v1/cases?list=queue) as a personal view, or a shared one (product support managers, portal admins)",
			Body: apiNewQueueView{}, Answer: apiCreated{}, Status: http.StatusCreated, Handle: s.apiSaveQueueView,
		},
		{
			Method: "DELETE", Path: "/api/v1/queue/views/{id}", Tag: "queue", Summary: "Delete your own view, or a shared one (product support managers, portal admins)",
			Status: http.StatusNoContent, Handle: s.apiDeleteQueueView,
		},
		{
			Method: "POST", Path: "/api/v1/queue/bulk", Tag: "queue", Summary: "Assign, change the status of, add an internal note to, or merge several cases at once (staff): all or nothing, each case named with why when one is refused",
			Body: apiBulk{}, Status: http.StatusNoContent, Handle: s.apiBulk, Fields: bulkFields,
		},
		{
			Method: "GET", Path: "/api/v1/notifications", Tag: "queue", Summary: "Your notifications of the console, newest first, and how many are unread (staff)",
			Query:  []apiParam{{Name: "before", Doc: "the id of the last notification of the previous page", Integer: true}},
			Answer: apiNotices{}, Status: http.StatusOK, Handle: s.apiNotifications,
		},
		{
			Method: "POST", Path: "/api/v1/notifications/read", Tag: "queue", Summary: "Mark one of your notifications read (id), or all of them",
			Body: apiMarkRead{}, Status: http.StatusNoContent, Handle: s.apiMarkNoticesRead,
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/merge", Tag: "cases", Summary: "Merge duplicates into this case (staff): they close pointing at it and their Case Feed moves here",
			Body: apiMerge{}, Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: apiCaseWrite(s, s.apiMergeCases), Fields: map[string]string{"cases": "duplicates"},
		},
	}
}

// apiQueueView is a view of the queue. A built-in view has a key and no
// id; count stops at 1,000 (capped).
type apiQueueView struct {
	ID     int64  `json:"id,omitempty"`
	Key    string `json:"key,omitempty"`
	Name   string `json:"name"`
	Shared bool   `json:"shared"`
	Query  string `json:"query"`
	Count  int    `json:"count"`
	Capped bool   `json:"capped"`
	// CanDelete says you may delete the saved view.
	CanDelete bool `json:"can_delete"`
}

type apiNewQueueView struct {
	Name   string `json:"name"`
	Query  string `json:"query"`
	Shared bool   `json:"shared"`
}

func (s *Server) apiQueueViews(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	views, err := s.queueViews(r, a, "")
	if err != nil {
		return err
	}
	l := s.loc(r)
	out := make([]apiQueueView, 0, len(views))
	for _, v := range views {
		name := v.Name
		if v.Key != "" {
			name = l.Label(v.QueueView)
		}
		out = append(out, apiQueueView{
			ID: v.ID, Key: v.Key, Name: name, Shared: v.Shared(), Query: v.Query, Count: v.Count, Capped: v.Capped(),
			CanDelete: v.CanDelete,
		})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiSaveQueueView(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiNewQueueView
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	q, err := url.ParseQuery(strings.TrimPrefix(in.Query, "?"))
	if err != nil {
		return invalid("query", "error.queue.bad_query")
	}
	id, err := s.cases.SaveView(r.Context(), request(r, a), in.Name, queueQuery(q), in.Shared)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiCreated{ID: id})
	return nil
}

func (s *Server) apiDeleteQueueView(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.cases.DeleteView(r.Context(), request(r, a), id); err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
	return nil
}

// apiBulk is one bulk action on cases named by their numbers.
type apiBulk struct {
	// Action is assign, status, note or merge.
	Action string   `json:"action"`
	Cases  []string `json:"cases"`
	// OwnerID is who an assignment sets (0 or none: unassign).
	OwnerID   int64  `json:"owner_id,omitempty"`
	Status    string `json:"status,omitempty"`
	SubStatus string `json:"substatus,omitempty"`
	Note      string `json:"note,omitempty"`
	// Into is the case a merge keeps, one of cases.
	Into string `json:"into,omitempty"`
}

// apiMerge names the duplicates merged into the case of the path.
type apiMerge struct {
	Duplicates []string `json:"duplicates"`
}

// bulkFields are the API's names of the bulk action's fields.
var bulkFields = map[string]string{"bulk_owner": "owner_id", "bulk_status": "status"}

// apiCaseIDs reads case numbers; one that is no case number is 0, which
// the use case refuses as no case selected or names as no such case.
func apiCaseIDs(numbers []string) []int64 {
	out := make([]int64, 0, len(numbers))
	for _, n := range numbers {
		id, _ := desk.ParseCaseNumber(n)
		out = append(out, id)
	}
	return out
}

func (s *Server) apiBulk(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiBulk
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	into, _ := desk.ParseCaseNumber(in.Into)
	err := s.cases.Bulk(r.Context(), request(r, a), support.Bulk{
		Action: support.BulkAction(in.Action), CaseIDs: apiCaseIDs(in.Cases), OwnerID: in.OwnerID,
		Status: desk.Status(in.Status), SubStatus: desk.SubStatus(in.SubStatus), Note: in.Note, IntoID: into,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
	return nil
}

func (s *Server) apiMergeCases(r *http.Request, req support.Request, caseID int64, in *apiMerge) error {
	if err := s.cases.Ask(r.Context(), req, caseID, desk.MergeCases); err != nil {
		return err // a case one may not see does not exist for them
	}
	return s.cases.Bulk(r.Context(), req, support.Bulk{
		Action: support.BulkMerge, CaseIDs: append([]int64{caseID}, apiCaseIDs(in.Duplicates)...), IntoID: caseID,
	})
}

// apiNotices is a page of your notifications and how many are unread.
type apiNotices struct {
	Unread  int         `json:"unread"`
	Notices []apiNotice `json:"notices"`
}

type apiNotice struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Event     string    `json:"event"`
	EventName string    `json:"event_name"`
	Case      string    `json:"case"`
	Summary   string    `json:"summary"`
	By        string    `json:"by,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

// apiMarkRead names the notification to mark read; none marks all.
type apiMarkRead struct {
	ID int64 `json:"id,omitempty"`
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	req := request(r, a)
	notices, err := s.cases.Notices(r.Context(), req, atoi64(r.URL.Query().Get("before")))
	if err != nil {
		return err
	}
	unread, err := s.cases.UnreadNotices(r.Context(), req)
	if err != nil {
		return err
	}
	out := apiNotices{Unread: unread, Notices: make([]apiNotice, 0, len(notices))}
	l := s.loc(r)
	for _, n := range notices {
		out.Notices = append(out.Notices, apiNotice{
			ID: n.ID, Kind: string(n.Kind), Event: string(n.Event), EventName: l.Label(n.Event), Case: n.Number(), Summary: n.CaseSummary, By: n.ActorName, Detail: n.Detail,
			CreatedAt: n.CreatedAt, Read: !n.Unread(),
		})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiMarkNoticesRead(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiMarkRead
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.cases.MarkNoticesRead(r.Context(), request(r, a), in.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
	return nil
}
