package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// Dead jobs: the jobs that ran out of attempts, for portal admins to try
// again or discard.

var (
	pageJobs       = page[jobsData]{"console-jobs"}
	pageJobDiscard = page[jobDiscardData]{"console-job-discard"}
)

type jobsData struct{ Jobs []support.DeadJob }

type jobDiscardData struct{ Job *support.DeadJob }

func (s *Server) deadJobs(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showDeadJobs(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showDeadJobs(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	jobs, err := s.jobs.DeadJobs(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	render(s, w, r, status, pageJobs, &view{Title: s.loc(r).T("title.dead_jobs"), User: a.User, Form: form, Errors: errs}, jobsData{Jobs: jobs})
	return nil
}

// workDeadJob tries a dead job again.
func (s *Server) workDeadJob(r *http.Request, req support.Request) (string, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	return "/console/jobs", s.loc(r).T("notice.the_job_runs_again_now"), s.jobs.RetryJob(r.Context(), req, id)
}

// confirmDiscardJob asks before a dead job is discarded: a discarded job
// is gone for good. A job no longer dead sends the admin back to the list.
func (s *Server) confirmDiscardJob(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	j, err := s.jobs.DeadJob(r.Context(), request(r, a), id)
	if errors.Is(err, desk.ErrConflict) {
		s.setFlash(w, "error", s.message(r, err))
		http.Redirect(w, r, "/console/jobs", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	render(s, w, r, http.StatusOK, pageJobDiscard, &view{Title: s.loc(r).T("title.discard_a_dead_job"), User: a.User}, jobDiscardData{Job: j})
	return nil
}

// discardDeadJob discards a dead job, once confirmed.
func (s *Server) discardDeadJob(r *http.Request, req support.Request) (string, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	return "/console/jobs", s.loc(r).T("notice.the_job_is_discarded"), s.jobs.DiscardJob(r.Context(), req, id)
}
