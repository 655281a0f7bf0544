package support

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// JobDeadAlert is the kind of the job that emails portal admins the jobs
// that died.
const JobDeadAlert = "dead_jobs_alert"

// deadAlertDelay gathers the deaths of a burst (a relay that is down
// kills mail job after mail job) into one email, and is the least time
// between two such emails.
const deadAlertDelay = 10 * time.Minute

// DeadJob is a dead job with what it was about, in words.
type DeadJob struct {
	desk.Job
	Subject string
}

// DeadJobs lists the jobs that ran out of attempts or failed for good,
// the last to die first (portal admins).
func (s *Jobs) DeadJobs(ctx context.Context, r Request) ([]DeadJob, error) {
	if err := desk.Authorize(r.Actor, desk.ManageJobs, desk.Target{}); err != nil {
		return nil, err
	}
	jobs, err := s.store.Jobs(ctx, store.JobFilter{Dead: true, Limit: 200})
	if err != nil {
		return nil, err
	}
	return s.describeJobs(ctx, jobs), nil
}

// DeadJob returns one dead job with what it was about, for the page that
// asks before it is discarded (portal admins).
func (s *Jobs) DeadJob(ctx context.Context, r Request, jobID int64) (*DeadJob, error) {
	if err := desk.Authorize(r.Actor, desk.ManageJobs, desk.Target{}); err != nil {
		return nil, err
	}
	j, err := s.store.Job(ctx, jobID)
	if err != nil {
		return nil, err
	}
	if j.DeadAt.IsZero() || !j.DoneAt.IsZero() || !j.CancelledAt.IsZero() {
		return nil, desk.Refuse(desk.ErrConflict, "support.jobs.job_is_no_longer", "Job", jobID)
	}
	return &s.describeJobs(ctx, []desk.Job{*j})[0], nil
}

// describeJobs says what each job was about: an email's recipient and
// subject, a case's number.
func (s *core) describeJobs(ctx context.Context, jobs []desk.Job) []DeadJob {
	out := make([]DeadJob, 0, len(jobs))
	for _, j := range jobs {
		d := DeadJob{Job: j, Subject: j.Kind + " " + j.Payload}
		if j.Kind == desk.JobMail {
			if nid, err := strconv.ParseInt(j.Payload, 10, 64); err == nil {
				if n, err := s.store.Notification(ctx, nid); err == nil {
					d.Subject = "Email to " + n.To + ": " + n.Subject
				}
			}
		} else if j.CaseID != 0 {
			d.Subject = "Case " + desk.FormatCaseNumber(j.CaseID)
		}
		out = append(out, d)
	}
	return out
}

// RetryJob makes a dead job due now with its attempts counted afresh
// (portal admins).
func (s *Jobs) RetryJob(ctx context.Context, r Request, jobID int64) error {
	if err := desk.Authorize(r.Actor, desk.ManageJobs, desk.Target{}); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.ReviveJob(ctx, jobID, s.now()); err != nil {
			return notDead(err, jobID)
		}
		return s.audit(ctx, tx, r, "job_retried", strconv.FormatInt(jobID, 10), "")
	})
}

// notDead says why an action on a dead job changed nothing, as the portal
// admin reads it.
func notDead(err error, jobID int64) error {
	switch {
	case errors.Is(err, store.ErrJobNotDead):
		return desk.Refuse(desk.ErrConflict, "support.jobs.job_is_no_longer", "Job", jobID)
	case errors.Is(err, store.ErrJobSuperseded):
		return desk.Refuse(desk.ErrConflict, "support.jobs.a_newer_job_of", "Job", jobID)
	}
	return err
}

// DiscardJob gives up a dead job for good (portal admins).
func (s *Jobs) DiscardJob(ctx context.Context, r Request, jobID int64) error {
	if err := desk.Authorize(r.Actor, desk.ManageJobs, desk.Target{}); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.DiscardJob(ctx, jobID, s.now()); err != nil {
			return notDead(err, jobID)
		}
		return s.audit(ctx, tx, r, "job_discarded", strconv.FormatInt(jobID, 10), "")
	})
}

// JobDied is told of every job that dies, in the transaction that makes
// it dead (worker.Worker.Died): it sets the alert to portal admins, once
// for all the jobs that die before the alert goes out.
func (s *Jobs) JobDied(ctx context.Context, tx *store.Tx, j *desk.Job) error {
	return tx.ScheduleJobOnce(ctx, &desk.Job{Kind: JobDeadAlert, Key: JobDeadAlert, RunAt: s.now().Add(deadAlertDelay)}, s.now())
}

// RunDeadJobsAlert is the job that emails every portal admin the jobs
// that died since it was set and are still dead.
func (s *Jobs) RunDeadJobsAlert(ctx context.Context, j *desk.Job) error {
	jobs, err := s.store.Jobs(ctx, store.JobFilter{Dead: true, Limit: 500})
	if err != nil {
		return err
	}
	var lines []string
	for _, d := range s.describeJobs(ctx, jobs) {
		if d.DeadAt.Before(j.CreatedAt) {
			continue // an earlier alert told of it
		}
		lines = append(lines, fmt.Sprintf("- %s (%s, %d attempts): %s", d.Subject, d.Kind, d.Attempts, d.LastError))
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if done, err := tx.FinishJob(ctx, j.ID, s.now()); err != nil || !done || len(lines) == 0 {
			return err
		}
		admins, err := s.staffWith(ctx, tx, desk.RolePortalAdmin)
		if err != nil {
			return err
		}
		subject := desk.Msg("mail.jobs_dead.subject", "Count", len(lines))
		text := desk.Msg("mail.jobs_dead.text", "Count", len(lines), "Jobs", strings.Join(lines, "\n"))
		for i := range admins {
			m := mail{Kind: "jobs_dead", To: &admins[i], Subject: subject, Text: text, Link: s.baseURL + "/console/jobs"}
			if err := s.queueMail(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
}
