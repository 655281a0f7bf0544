package support

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Automated follow-ups (handbook: "Automated Follow-up Process"). When
// staff propose a solution or ask the customer for information, a timer
// starts: reminder #1 after 2 days without a customer response, reminder
// #2 after 5, and after 10 days the case closes as Resolved with a final
// email. A customer update stops the timer; it starts again each time the
// case waits on the customer. Critical and Production Down cases have no
// automated follow-ups.

// JobFollowUp is the kind of the follow-up timer's jobs.
const JobFollowUp = "followup"

// The follow-up steps, by days since the case began to wait.
var followUpSteps = []struct {
	days  int
	close bool
}{{2, false}, {5, false}, {10, true}}

// AutoCloseReason is the closure comment of a case closed by follow-ups.
const AutoCloseReason = "No response after automated follow-ups." //i18n:stored

func followUpKey(caseID int64) string { return "followup:" + strconv.FormatInt(caseID, 10) }

// settingFollowUpDays says how follow-up days count: "calendar" (the
// default) or "business", on the case's calendar.
const settingFollowUpDays = "followup.days"

// followUpAt is when a follow-up step of days falls, counted from since.
func (s *core) followUpAt(ctx context.Context, tx *store.Tx, c *desk.Case, since time.Time, days int) (time.Time, error) {
	mode, err := tx.Setting(ctx, settingFollowUpDays, "calendar")
	if err != nil || mode != "business" {
		return since.AddDate(0, 0, days), err
	}
	_, calRow, err := s.caseTerms(ctx, tx, c)
	if err != nil {
		return time.Time{}, err
	}
	cal, err := calRow.Calendar()
	if err != nil {
		return time.Time{}, err
	}
	return cal.AddDays(since, days)
}

// followUpPayload is "step since": the step to run next and when the case
// began to wait.
func followUpPayload(step int, since time.Time) string {
	return strconv.Itoa(step) + " " + since.UTC().Format(time.RFC3339Nano)
}

func parseFollowUp(p string) (int, time.Time, error) {
	a, b, _ := strings.Cut(p, " ")
	step, err := strconv.Atoi(a)
	if err != nil || step < 0 || step >= len(followUpSteps) {
		return 0, time.Time{}, fmt.Errorf("follow-up payload %q: bad step", p)
	}
	since, err := time.Parse(time.RFC3339Nano, b)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("follow-up payload %q: %w", p, err)
	}
	return step, since, nil
}

// syncFollowUp starts or stops the follow-up timer after a change of the
// case, inside the change's transaction: it starts when the case begins to
// wait on the customer, and stops when it no longer waits or becomes
// Critical. It reports whether it scheduled a job.
func (s *core) syncFollowUp(ctx context.Context, tx *store.Tx, before desk.Case, c *desk.Case) (bool, error) {
	waits := c.WaitsOnCustomer() && c.FollowUpsApply()
	wasWaiting := before.WaitsOnCustomer() && before.FollowUpsApply()
	switch {
	case waits && !wasWaiting:
		now := s.now()
		at, err := s.followUpAt(ctx, tx, c, now, followUpSteps[0].days)
		if err != nil {
			return false, err
		}
		_, err = tx.ScheduleJob(ctx, &desk.Job{
			Kind: JobFollowUp, Key: followUpKey(c.ID), CaseID: c.ID,
			Payload: followUpPayload(0, now), RunAt: at,
		}, now)
		return err == nil, err
	case !waits && wasWaiting:
		_, err := tx.CancelJob(ctx, followUpKey(c.ID), s.now())
		return false, err
	}
	return false, nil
}

// autoClose closes a case whose customer never answered the follow-ups.
func (s *core) autoClose(ctx context.Context, tx *store.Tx, r Request, c *desk.Case) error {
	before := *c
	c.CloseComment = AutoCloseReason
	c.AutoClosed = true
	if err := s.setStatus(ctx, tx, r, c, desk.StatusClosed, desk.SubResolved, "(no response after automated follow-ups)"); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, r, "case_auto_closed", c.Number(), AutoCloseReason); err != nil {
		return err
	}
	if err := s.syncClocks(ctx, tx, before, c); err != nil {
		return err
	}
	if err := s.syncPurge(ctx, tx, before, c); err != nil {
		return err
	}
	if err := s.notifyContact(ctx, tx, c, "case_closed", desk.Msg("mail.case_auto_closed.subject", "Number", c.Number()),
		desk.Msg("mail.case_auto_closed.text", "Number", c.Number(), "Summary", c.Summary)); err != nil {
		return err
	}
	c.UpdatedAt = s.now()
	return tx.UpdateCase(ctx, c)
}

// autoCloseAt is when the follow-up timer running on a case will close
// it (its last step, counted from when the case began to wait as the
// timer counts); zero when no timer runs.
func (s *core) autoCloseAt(ctx context.Context, c *desk.Case) (time.Time, error) {
	jobs, err := s.store.Jobs(ctx, store.JobFilter{Kind: JobFollowUp, CaseID: c.ID, Pending: true, Limit: 1})
	if err != nil || len(jobs) == 0 {
		return time.Time{}, err
	}
	_, since, err := parseFollowUp(jobs[0].Payload)
	if err != nil {
		return time.Time{}, err
	}
	var at time.Time
	// The days may count on the case's calendar: read in a transaction
	// that changes nothing.
	err = s.store.DryRun(ctx, func(tx *store.Tx) error {
		at, err = s.followUpAt(ctx, tx, c, since, followUpSteps[len(followUpSteps)-1].days)
		return err
	})
	return at, err
}

// DemoFollowUp starts the follow-up timer of a demo case that waits on the
// customer, as if it had begun to wait when it last changed (or now, when
// that first step would already be past): the demo world writes its cases
// straight to the store, so no change started the timer, and the customer's
// page could not say when the case closes if nobody answers.
func DemoFollowUp(ctx context.Context, tx *store.Tx, c *desk.Case, now time.Time) error {
	if !c.WaitsOnCustomer() || !c.FollowUpsApply() {
		return nil
	}
	s := &core{clock: func() time.Time { return now }}
	since := c.UpdatedAt
	at, err := s.followUpAt(ctx, tx, c, since, followUpSteps[0].days)
	if err == nil && !at.After(now) {
		since = now
		at, err = s.followUpAt(ctx, tx, c, since, followUpSteps[0].days)
	}
	if err != nil {
		return err
	}
	_, err = tx.ScheduleJob(ctx, &desk.Job{
		Kind: JobFollowUp, Key: followUpKey(c.ID), CaseID: c.ID,
		Payload: followUpPayload(0, since), RunAt: at,
	}, now)
	return err
}
