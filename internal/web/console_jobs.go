package web

import (
	"net/http"
	"net/url"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// Dead jobs: the jobs that ran out of attempts, for portal admins to try
// again or discard.

func (s *Server) deadJobs(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showDeadJobs(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showDeadJobs(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	jobs, err := s.svc.DeadJobs(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	s.render(w, r, status, "console-jobs", &view{
		Title: "Dead jobs", User: a.User, Form: form, Errors: errs, Data: map[string]any{"Jobs": jobs},
	})
	return nil
}

func (s *Server) workDeadJob(r *http.Request, req support.Request) (string, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	if r.PostForm.Get("discard") != "" {
		return "/console/jobs", "The job is discarded.", s.svc.DiscardJob(r.Context(), req, id)
	}
	return "/console/jobs", "The job runs again now.", s.svc.RetryJob(r.Context(), req, id)
}
