package support

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/hours"
	"github.com/caseport/caseport/internal/store"
)

// Service levels: each case gets an initial-response clock when it opens,
// and a root-cause-analysis clock when staff mark all information
// provided. A clock runs on the case's business-hours calendar towards a
// target from the service-level table (by the contract's deployment and
// support level and the case's priority); it pauses while the case waits
// on the customer and resumes when it leaves that state. A warning job
// fires a lead time before the deadline and a breach job at it, each once.

// Jobs of the service-level clocks.
const (
	JobSLAWarning = "sla_warning"
	JobSLABreach  = "sla_breach"
)

// Settings of the service levels.
const (
	settingWarningLead     = "sla.warning_lead_minutes"
	settingDefaultCalendar = "sla.default_calendar"
	defaultWarningLead     = 30
	defaultCalendarName    = "24x7"
)

// ErrNoActiveContract reports a case whose Sold To and End User have no
// active Service Contract: there are no service levels to follow. It is a
// conflict with the state of the contracts, with its reason, not a fault.
var ErrNoActiveContract = desk.Refuse(desk.ErrConflict, "support.sla.no_active_service_contract")

// caseTerms finds what a case's service levels follow: the best active
// contract of its combination, and the calendar of that contract, else of
// the End User, else the default one.
func (s *core) caseTerms(ctx context.Context, tx *store.Tx, c *desk.Case) (*desk.Contract, *hours.CalendarRow, error) {
	cs, err := tx.Contracts(ctx, desk.ContractFilter{SoldToID: c.SoldToID, EndUserID: c.EndUserID})
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	var best *desk.Contract
	for i := range cs {
		ct := &cs[i]
		if !ct.ActiveAt(now) && (best == nil || best.ActiveAt(now)) {
			continue
		}
		if best == nil || !best.ActiveAt(now) || levelRank(ct.Level) > levelRank(best.Level) {
			best = ct
		}
	}
	if best == nil {
		return nil, nil, fmt.Errorf("case %s: %w", c.Number(), ErrNoActiveContract)
	}
	calID := best.CalendarID
	if calID == 0 {
		eu, err := tx.Company(ctx, c.EndUserID)
		if err != nil {
			return nil, nil, err
		}
		calID = eu.CalendarID
	}
	var cal *hours.CalendarRow
	if calID != 0 {
		cal, err = tx.CalendarByID(ctx, calID)
	} else {
		name, serr := tx.Setting(ctx, settingDefaultCalendar, defaultCalendarName)
		if serr != nil {
			return nil, nil, serr
		}
		cal, err = tx.CalendarByName(ctx, name)
	}
	return best, cal, err
}

func levelRank(l desk.SupportLevel) int { return slices.Index(desk.SupportLevels, l) }

// deadline is when amount of unit has passed since start on cal.
func deadline(cal *hours.Calendar, start time.Time, amount int, unit desk.TargetUnit) (time.Time, error) {
	switch unit {
	case desk.UnitMinutes:
		return start.Add(time.Duration(amount) * time.Minute), nil
	case desk.UnitBusinessMinutes:
		return cal.Add(start, time.Duration(amount)*time.Minute)
	case desk.UnitBusinessDays:
		return cal.AddDays(start, amount)
	}
	return time.Time{}, fmt.Errorf("unknown target unit %q", unit)
}

// span is the time of the clock's kind between a and b: wall time for
// targets around the clock, business time otherwise.
func span(cal *hours.Calendar, unit desk.TargetUnit, a, b time.Time) time.Duration {
	if unit == desk.UnitMinutes {
		return max(b.Sub(a), 0)
	}
	return cal.Between(a, b)
}

// later is span's inverse: the instant d of the clock's time after a.
func later(cal *hours.Calendar, unit desk.TargetUnit, a time.Time, d time.Duration) (time.Time, error) {
	if unit == desk.UnitMinutes {
		return a.Add(d), nil
	}
	return cal.Add(a, d)
}

// clockCalendar loads the calendar a clock runs on.
func clockCalendar(ctx context.Context, tx *store.Tx, ck *desk.Clock) (*hours.Calendar, error) {
	if ck.CalendarID == 0 {
		return hours.AlwaysOpen("24x7"), nil
	}
	row, err := tx.CalendarByID(ctx, ck.CalendarID)
	if err != nil {
		return nil, err
	}
	return row.Calendar()
}

// startClock starts (or restarts) a case's clock of a kind at start.
func (s *core) startClock(ctx context.Context, tx *store.Tx, c *desk.Case, kind desk.ClockKind, start time.Time) error {
	ct, calRow, err := s.caseTerms(ctx, tx, c)
	if err != nil {
		return err
	}
	t, err := tx.SLATarget(ctx, ct.Deployment, ct.Level, c.Priority, kind)
	if err != nil {
		return err
	}
	cal, err := calRow.Calendar()
	if err != nil {
		return err
	}
	due, err := deadline(cal, start, t.Amount, t.Unit)
	if err != nil {
		return err
	}
	ck := &desk.Clock{CaseID: c.ID, Kind: kind, CalendarID: calRow.ID, Amount: t.Amount, Unit: t.Unit, StartedAt: start, DueAt: due}
	if c.WaitsOnCustomer() {
		// Started while the case waits on the customer: paused at once.
		ck.Left, ck.DueAt = span(cal, t.Unit, start, due), time.Time{}
		if err := tx.StartPause(ctx, c.ID, kind, start, "waiting on the customer"); err != nil {
			return err
		}
	}
	if err := tx.SaveClock(ctx, ck); err != nil {
		return err
	}
	return s.scheduleClockJobs(ctx, tx, ck)
}

// StartClocks gives a case written with its history (the demo world's
// cases, back-dated) the service-level clocks the use cases would have left
// it at now: the response clock started when the case was opened, on the
// contract active then, met at respondedAt (the first public reply, if any),
// and paused when the case waits on the customer or is closed. A case whose
// combination had no active contract when it was opened gets none.
func StartClocks(ctx context.Context, tx *store.Tx, c *desk.Case, respondedAt, now time.Time) error {
	at := func(t time.Time) *core { return &core{clock: func() time.Time { return t }} }
	opened := *c
	opened.Status, opened.SubStatus, opened.ClosedAt = desk.StatusOpen, desk.SubNew, time.Time{}
	err := at(c.CreatedAt).startClock(ctx, tx, &opened, desk.ClockResponse, c.CreatedAt)
	if errors.Is(err, ErrNoActiveContract) {
		return nil
	}
	if err != nil {
		return err
	}
	if !respondedAt.IsZero() {
		if _, err := at(respondedAt).meetClock(ctx, tx, c.ID, desk.ClockResponse, respondedAt); err != nil {
			return err
		}
	}
	since := now
	if c.Status == desk.StatusClosed {
		since = c.ClosedAt
	}
	return at(since).syncClocks(ctx, tx, opened, c)
}

func clockJobKey(kind string, ck *desk.Clock) string {
	return kind + ":" + strconv.FormatInt(ck.CaseID, 10) + ":" + string(ck.Kind)
}

// scheduleClockJobs sets a running clock's warning and breach timers, and
// cancels them for one that does not run.
func (s *core) scheduleClockJobs(ctx context.Context, tx *store.Tx, ck *desk.Clock) error {
	now := s.now()
	if !ck.Running() {
		for _, kind := range []string{JobSLAWarning, JobSLABreach} {
			if _, err := tx.CancelJob(ctx, clockJobKey(kind, ck), now); err != nil {
				return err
			}
		}
		return nil
	}
	leadMinutes, err := tx.Setting(ctx, settingWarningLead, strconv.Itoa(defaultWarningLead))
	if err != nil {
		return err
	}
	lead, err := strconv.Atoi(leadMinutes)
	if err != nil || lead < 0 {
		lead = defaultWarningLead
	}
	if ck.WarnedAt.IsZero() {
		if _, err := tx.ScheduleJob(ctx, &desk.Job{
			Kind: JobSLAWarning, Key: clockJobKey(JobSLAWarning, ck), CaseID: ck.CaseID, Payload: string(ck.Kind),
			RunAt: ck.DueAt.Add(-time.Duration(lead) * time.Minute),
		}, now); err != nil {
			return err
		}
	}
	if ck.BreachedAt.IsZero() {
		if _, err := tx.ScheduleJob(ctx, &desk.Job{
			Kind: JobSLABreach, Key: clockJobKey(JobSLABreach, ck), CaseID: ck.CaseID, Payload: string(ck.Kind), RunAt: ck.DueAt,
		}, now); err != nil {
			return err
		}
	}
	return nil
}

// meetClock marks a case's clock met (the first public staff reply, the
// root-cause analysis delivered). It reports whether it was running.
func (s *core) meetClock(ctx context.Context, tx *store.Tx, caseID int64, kind desk.ClockKind, at time.Time) (bool, error) {
	ck, err := tx.Clock(ctx, caseID, kind)
	if err != nil || ck == nil || !ck.MetAt.IsZero() {
		return false, err
	}
	if ck.Paused() {
		if err := tx.EndPause(ctx, caseID, kind, at); err != nil {
			return false, err
		}
	}
	ck.MetAt = at
	if err := tx.SaveClock(ctx, ck); err != nil {
		return false, err
	}
	return true, s.scheduleClockJobs(ctx, tx, ck)
}

// syncClocks pauses a case's clocks when it begins to wait on the
// customer, resumes them when it stops, retargets them when the priority
// changes, and silences them while it is closed.
func (s *core) syncClocks(ctx context.Context, tx *store.Tx, before desk.Case, c *desk.Case) error {
	waits, waited := c.WaitsOnCustomer() || c.Status == desk.StatusClosed, before.WaitsOnCustomer() || before.Status == desk.StatusClosed
	if waits == waited && c.Priority == before.Priority {
		return nil
	}
	now := s.now()
	for _, kind := range []desk.ClockKind{desk.ClockResponse, desk.ClockRCA} {
		ck, err := tx.Clock(ctx, c.ID, kind)
		if err != nil {
			return err
		}
		if ck == nil || !ck.MetAt.IsZero() {
			continue
		}
		cal, err := clockCalendar(ctx, tx, ck)
		if err != nil {
			return err
		}
		if c.Priority != before.Priority {
			if err := s.retarget(ctx, tx, c, ck, cal, now); err != nil {
				return err
			}
		}
		switch {
		case waits && ck.Running():
			ck.Left, ck.DueAt = span(cal, ck.Unit, now, ck.DueAt), time.Time{}
			reason := "waiting on the customer"
			if c.Status == desk.StatusClosed {
				reason = "case closed"
			}
			if err := tx.StartPause(ctx, c.ID, kind, now, reason); err != nil {
				return err
			}
		case !waits && ck.Paused():
			due, err := later(cal, ck.Unit, now, ck.Left)
			if err != nil {
				return err
			}
			ck.DueAt, ck.Left = due, 0
			if err := tx.EndPause(ctx, c.ID, kind, now); err != nil {
				return err
			}
		}
		if err := tx.SaveClock(ctx, ck); err != nil {
			return err
		}
		if err := s.scheduleClockJobs(ctx, tx, ck); err != nil {
			return err
		}
	}
	return nil
}

// retarget moves a clock to the target of the case's new priority: the
// time already used counts against the new target.
func (s *core) retarget(ctx context.Context, tx *store.Tx, c *desk.Case, ck *desk.Clock, cal *hours.Calendar, now time.Time) error {
	ct, _, err := s.caseTerms(ctx, tx, c)
	if err != nil {
		return err
	}
	t, err := tx.SLATarget(ctx, ct.Deployment, ct.Level, c.Priority, ck.Kind)
	if err != nil {
		return err
	}
	// What is left of the old target, and how much of it was used.
	oldDue, err := deadline(cal, ck.StartedAt, ck.Amount, ck.Unit)
	if err != nil {
		return err
	}
	oldTotal := span(cal, ck.Unit, ck.StartedAt, oldDue)
	left := ck.Left
	if ck.Running() {
		left = span(cal, ck.Unit, now, ck.DueAt)
		if now.After(ck.DueAt) {
			left = -span(cal, ck.Unit, ck.DueAt, now)
		}
	}
	used := oldTotal - left
	newDue, err := deadline(cal, ck.StartedAt, t.Amount, t.Unit)
	if err != nil {
		return err
	}
	newLeft := span(cal, t.Unit, ck.StartedAt, newDue) - used
	ck.Amount, ck.Unit = t.Amount, t.Unit
	if ck.Paused() {
		ck.Left = max(newLeft, 0)
		return nil
	}
	if newLeft <= 0 {
		ck.DueAt = now // already past the new target
		return nil
	}
	ck.DueAt, err = later(cal, ck.Unit, now, newLeft)
	return err
}

func (s *core) runClockJob(ctx context.Context, j *desk.Job, breach bool) error {
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if done, err := tx.FinishJob(ctx, j.ID, s.now()); err != nil || !done {
			return err
		}
		ck, err := tx.Clock(ctx, j.CaseID, desk.ClockKind(j.Payload))
		if err != nil || ck == nil || !ck.Running() {
			return err // met, paused or gone meanwhile
		}
		c, err := tx.CaseForUpdate(ctx, j.CaseID)
		if err != nil {
			return err
		}
		now := s.now()
		system := Request{Address: "service levels"}
		var text, action string
		switch {
		case breach && ck.BreachedAt.IsZero():
			ck.BreachedAt = now
			text = fmt.Sprintf("%s target missed: it was due %s.", ck.Kind.Label(), ck.DueAt.UTC().Format("2 Jan 2006 15:04 UTC")) //i18n:stored
			action = "sla_breached"
		case !breach && ck.WarnedAt.IsZero() && now.Before(ck.DueAt):
			ck.WarnedAt = now
			text = fmt.Sprintf("%s target due %s: %s left.", ck.Kind.Label(), ck.DueAt.UTC().Format("2 Jan 2006 15:04 UTC"), //i18n:stored
				desk.Span(ck.DueAt.Sub(now)))
			action = "sla_warning"
		default:
			return nil // told already, or a warning come too late: the breach tells
		}
		if err := tx.SaveClock(ctx, ck); err != nil {
			return err
		}
		if err := s.event(ctx, tx, system, c, text); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, system, action, c.Number(), string(ck.Kind)); err != nil {
			return err
		}
		if c.OwnerID == 0 {
			return nil
		}
		owner, err := tx.User(ctx, c.OwnerID)
		if err != nil {
			return err
		}
		event := desk.EventSLAWarning
		if action == "sla_breached" {
			event = desk.EventSLABreached
		}
		return s.notice(ctx, tx, system, owner, event, c, text, &mail{
			Kind: action, Case: c, Subject: desk.Msg("mail.sla.subject", "Number", c.Number(), "Event", text),
			Text: desk.Msg("mail.sla.text", "Event", text, "Number", c.Number(), "Summary", c.Summary), Link: s.caseLink(c),
		})
	})
}

// DemoDeadline gives a back-dated case of the demo world a running clock
// of kind due at due, with its warning and breach timers (a deadline
// already past is breached when the worker next runs): the clock is
// started at now if the case has none (the root-cause analysis, as when
// staff mark all troubleshooting information provided), and stays paused
// when the case waits on the customer. It lets the demo
// show every state of the queue's deadline column, whatever the time of
// day it is loaded at; a case without a contract gets none.
func DemoDeadline(ctx context.Context, tx *store.Tx, c *desk.Case, kind desk.ClockKind, due, now time.Time) error {
	s := &core{clock: func() time.Time { return now }}
	ck, err := tx.Clock(ctx, c.ID, kind)
	if err != nil {
		return err
	}
	if ck == nil {
		err := s.startClock(ctx, tx, c, kind, now)
		if errors.Is(err, ErrNoActiveContract) {
			return nil
		}
		if err != nil {
			return err
		}
		if ck, err = tx.Clock(ctx, c.ID, kind); err != nil || ck == nil || ck.Paused() {
			return err // a case waiting on the customer: paused with its time left
		}
	}
	ck.MetAt, ck.DueAt, ck.Left, ck.WarnedAt, ck.BreachedAt = time.Time{}, due, 0, time.Time{}, time.Time{}
	if err := tx.SaveClock(ctx, ck); err != nil {
		return err
	}
	return s.scheduleClockJobs(ctx, tx, ck)
}
