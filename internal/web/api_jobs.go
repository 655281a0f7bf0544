package web

import (
	"context"
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// apiJobRoutes are the calls on dead jobs.
func (s *Server) apiJobRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/jobs/dead", Tag: "admin", Summary: "The jobs that stopped after their last attempt or a permanent failure, the last to stop first (portal admins)",
			Answer: []apiDeadJob{}, Status: http.StatusOK, Handle: s.apiDeadJobs,
		},
		{
			Method: "POST", Path: "/api/v1/jobs/{id}/retry", Tag: "admin", Summary: "Run a dead job again now, its attempts counted afresh (portal admins)",
			Status: http.StatusNoContent, Handle: s.apiWorkDeadJob(s.jobs.RetryJob),
		},
		{
			Method: "POST", Path: "/api/v1/jobs/{id}/discard", Tag: "admin", Summary: "Give up a dead job for good (portal admins)",
			Status: http.StatusNoContent, Handle: s.apiWorkDeadJob(s.jobs.DiscardJob),
		},
	}
}

type apiDeadJob struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Subject   string    `json:"subject"`
	Case      string    `json:"case,omitempty"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	DeadAt    time.Time `json:"dead_at"`
}

func (s *Server) apiDeadJobs(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	jobs, err := s.jobs.DeadJobs(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiDeadJob, 0, len(jobs))
	for _, j := range jobs {
		aj := apiDeadJob{ID: j.ID, Kind: j.Kind, Subject: s.loc(r).Message(j.Subject), Attempts: j.Attempts, LastError: j.LastError, DeadAt: j.DeadAt}
		if j.CaseID != 0 {
			aj.Case = desk.FormatCaseNumber(j.CaseID)
		}
		out = append(out, aj)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiWorkDeadJob is the call that retries or discards a dead job.
func (s *Server) apiWorkDeadJob(act func(context.Context, support.Request, int64) error) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		id, err := pathID(r, "id")
		if err == nil {
			err = act(r.Context(), request(r, a), id)
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusNoContent, nil)
		return nil
	}
}
