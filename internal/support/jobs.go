package support

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/inbound"
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
	Subject desk.Message
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
		d := DeadJob{Job: j, Subject: desk.Msg("support.jobs.other", "Kind", j.Kind, "Payload", j.Payload)}
		if j.Kind == desk.JobMail {
			if nid, err := strconv.ParseInt(j.Payload, 10, 64); err == nil {
				if n, err := s.store.Notification(ctx, nid); err == nil {
					d.Subject = desk.Msg("support.jobs.email_to", "To", n.To, "Subject", n.Subject)
				}
			}
		} else if j.CaseID != 0 {
			d.Subject = desk.Msg("support.jobs.case", "Number", desk.FormatCaseNumber(j.CaseID))
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
	return s.write(ctx, r, func(tx *store.Tx) error {
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
	return s.write(ctx, r, func(tx *store.Tx) error {
		if err := tx.DiscardJob(ctx, jobID, s.now()); err != nil {
			return notDead(err, jobID)
		}
		return s.audit(ctx, tx, r, "job_discarded", strconv.FormatInt(jobID, 10), "")
	})
}

// JobDied is told of every job that dies, in the transaction that makes
// it dead (worker.Worker.Died): it sets the alert to those who may
// ManageJobs (portal admins), once for all the jobs that die before the
// alert goes out.
func (s *Jobs) JobDied(ctx context.Context, tx *store.Tx, j *desk.Job) error {
	return tx.ScheduleJobOnce(ctx, &desk.Job{Kind: JobDeadAlert, Key: JobDeadAlert, RunAt: s.now().Add(deadAlertDelay)}, s.now())
}

// RunDeadJobsAlert is the job that emails everyone who may ManageJobs
// (portal admins) the jobs that died since it was set and are still dead.
func (s *Jobs) RunDeadJobsAlert(ctx context.Context, j *desk.Job) error {
	jobs, err := s.store.Jobs(ctx, store.JobFilter{Dead: true, Limit: 500})
	if err != nil {
		return err
	}
	var lines []desk.Message
	for _, d := range s.describeJobs(ctx, jobs) {
		if d.DeadAt.Before(j.CreatedAt) {
			continue // an earlier alert told of it
		}
		lines = append(lines, desk.Msg("support.jobs.dead_line", "Job", d.Subject, "Kind", d.Kind, "Count", d.Attempts, "Error", d.LastError))
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if done, err := tx.FinishJob(ctx, j.ID, s.now()); err != nil || !done || len(lines) == 0 {
			return err
		}
		admins, err := s.staffWhoMay(ctx, tx, desk.ManageJobs)
		if err != nil {
			return err
		}
		subject := desk.Msg("mail.jobs_dead.subject", "Count", len(lines))
		for i := range admins {
			l := mailLocalizer(&admins[i])
			list := make([]string, len(lines))
			for k, line := range lines {
				list[k] = l.Message(line)
			}
			text := desk.Msg("mail.jobs_dead.text", "Count", len(lines), "Jobs", strings.Join(list, "\n"))
			m := mail{Kind: "jobs_dead", To: &admins[i], Subject: subject, Text: text, Link: s.baseURL + "/console/jobs"}
			if err := s.queueMail(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// RunFollowUp is the follow-up timer's job: a reminder, or the closure.
// It finishes the job in the transaction of its effect, so a reminder is
// queued once however often the job is tried.
func (s *Jobs) RunFollowUp(ctx context.Context, j *desk.Job) error {
	step, since, err := parseFollowUp(j.Payload)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if done, err := tx.FinishJob(ctx, j.ID, s.now()); err != nil || !done {
			return err // finished or cancelled meanwhile: nothing to do
		}
		c, err := tx.CaseForUpdate(ctx, j.CaseID)
		if err != nil {
			return err
		}
		if !c.WaitsOnCustomer() || !c.FollowUpsApply() {
			return nil // the timer should have stopped; stop it now
		}
		system := Request{Address: "follow-up"}
		if followUpSteps[step].close {
			return s.autoClose(ctx, tx, system, c)
		}
		n := step + 1
		if err := s.event(ctx, tx, system, c, fmt.Sprintf("Automated follow-up: reminder #%d sent to the case contact.", n)); err != nil { //i18n:stored
			return err
		}
		closeOn, err := s.followUpAt(ctx, tx, c, since, followUpSteps[len(followUpSteps)-1].days)
		if err != nil {
			return err
		}
		if err := s.notifyContact(ctx, tx, c, "followup_reminder",
			desk.Msg("mail.followup_reminder.subject", "N", n, "Number", c.Number()),
			desk.Msg("mail.followup_reminder.text", "Number", c.Number(), "Summary", c.Summary, "Status", c.Status,
				"SubStatus", c.SubStatus, "CloseOn", desk.Date(closeOn))); err != nil {
			return err
		}
		nextAt, err := s.followUpAt(ctx, tx, c, since, followUpSteps[step+1].days)
		if err != nil {
			return err
		}
		if _, err := tx.ScheduleJob(ctx, &desk.Job{
			Kind: JobFollowUp, Key: followUpKey(c.ID), CaseID: c.ID,
			Payload: followUpPayload(step+1, since), RunAt: nextAt,
		}, s.now()); err != nil {
			return err
		}
		c.UpdatedAt = s.now()
		return tx.UpdateCase(ctx, c)
	})
}

// ProcessInbound is the job that reads one received message and files it.
// The filing and the job's end are one transaction: a message is added to
// a case once.
func (s *Jobs) ProcessInbound(ctx context.Context, j *desk.Job) error {
	inboundID, err := strconv.ParseInt(j.Payload, 10, 64)
	if err != nil {
		return fmt.Errorf("inbound job %d: payload %q", j.ID, j.Payload)
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if done, err := tx.FinishJob(ctx, j.ID, s.now()); err != nil || !done {
			return err
		}
		m, err := tx.InboundForUpdate(ctx, inboundID)
		if err != nil || m.State != desk.InboundPending {
			return err
		}
		m.ProcessedAt = s.now()
		file := func(ev desk.InboundEvent, reason string) error {
			var err error
			if m.State, err = desk.NextInbound(m.State, ev); err != nil {
				return err
			}
			m.Reason = reason
			return tx.SetInbound(ctx, m)
		}
		msg, err := inbound.Parse(m.Raw, s.mailDomain)
		if err != nil {
			return file(desk.TriageInbound, "The message could not be read: "+err.Error()) //i18n:stored
		}
		m.Sender, m.Subject = msg.From, msg.Subject
		if msg.Auto != inbound.NotAuto {
			return file(desk.IgnoreInbound, "An automatic message ("+string(msg.Auto)+"): kept, not added to a case.") //i18n:stored
		}
		caseID, err := s.fileReply(ctx, tx, msg)
		var t *triage
		switch {
		case errors.As(err, &t):
			m.CaseID = caseID
			return file(desk.TriageInbound, t.reason)
		case err != nil:
			return err
		}
		m.CaseID = caseID
		return file(desk.AppendInbound, "Added to the Case Feed as the customer's update.") //i18n:stored
	})
}

// RunPurge deletes the files of a case closed thirty days ago. It runs
// again harmlessly: deleted files are skipped, and a missing file is no
// error.
func (s *Jobs) RunPurge(ctx context.Context, j *desk.Job) error {
	files, err := s.store.CaseFiles(ctx, j.CaseID)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if done, err := tx.FinishJob(ctx, j.ID, s.now()); err != nil || !done {
			return err
		}
		c, err := tx.CaseForUpdate(ctx, j.CaseID)
		if err != nil {
			return err
		}
		if c.Status != desk.StatusClosed || s.now().Before(c.ClosedAt.Add(desk.ReopenWindow)) {
			return nil // reopened, or closed again later: its own purge will come
		}
		var removed []string
		for _, f := range files {
			if !f.PurgedAt.IsZero() {
				continue
			}
			if s.files != nil {
				if err := s.files.Delete(ctx, f.StorageKey); err != nil {
					return err
				}
			}
			if err := tx.MarkPurged(ctx, f.ID, s.now()); err != nil {
				return err
			}
			removed = append(removed, f.Name+" ("+f.SHA256[:12]+")")
		}
		if len(removed) == 0 {
			return nil
		}
		s.log.InfoContext(ctx, "files purged", "case", c.Number(), "files", len(removed))
		if err := s.event(ctx, tx, Request{Address: "retention"}, c, "Files deleted 30 days after closure: "+strings.Join(removed, ", ")+"."); err != nil { //i18n:stored
			return err
		}
		return s.audit(ctx, tx, Request{Address: "retention"}, "files_purged", c.Number(), strings.Join(removed, ", "))
	})
}

// RunSFTPExpiry ends a case's accounts that reached their expiry.
func (s *Jobs) RunSFTPExpiry(ctx context.Context, j *desk.Job) error {
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if done, err := tx.FinishJob(ctx, j.ID, s.now()); err != nil || !done {
			return err
		}
		_, err := tx.EndSFTPAccounts(ctx, j.CaseID, s.now(), false)
		return err
	})
}

// RunSLAWarning and RunSLABreach are the clocks' jobs. Each fires once:
// the clock records it in the job's transaction.
func (s *Jobs) RunSLAWarning(ctx context.Context, j *desk.Job) error {
	return s.runClockJob(ctx, j, false)
}

// RunSLABreach records a missed target.
func (s *Jobs) RunSLABreach(ctx context.Context, j *desk.Job) error {
	return s.runClockJob(ctx, j, true)
}

// RunUploadExpiry removes an upload that waited too long for its next
// chunk. A finished upload only loses its resumable address: its file
// stays with the case.
func (s *Jobs) RunUploadExpiry(ctx context.Context, j *desk.Job) error {
	u, err := s.store.Upload(ctx, j.Payload)
	if errors.Is(err, desk.ErrNotFound) {
		return s.finishJob(ctx, j)
	}
	if err != nil {
		return err
	}
	if s.now().Before(u.ExpiresAt) {
		return s.finishJob(ctx, j) // written to since: its own expiry is scheduled
	}
	if u.FileID == 0 {
		s.log.InfoContext(ctx, "upload expired", "upload", u.ID, "case", desk.FormatCaseNumber(u.CaseID),
			"received", u.Received, "length", u.Length)
	}
	if err := s.files.Uploads().Remove(u.ID); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.FinishJob(ctx, j.ID, s.now()); err != nil {
			return err
		}
		return tx.DeleteUpload(ctx, u.ID)
	})
}

// QueueMail queues an email to a user, not about a case, in tx: the
// funnel other areas send through (the knowledge area's alerts).
func (s *Jobs) QueueMail(ctx context.Context, tx *store.Tx, to *desk.User, kind string, subject, text desk.Message, link string) error {
	return s.queueMail(ctx, tx, mail{Kind: kind, To: to, Subject: subject, Text: text, Link: link})
}
