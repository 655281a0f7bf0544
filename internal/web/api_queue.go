package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/caseport/caseport/internal/desk"
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
