package support

import (
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/hours"
	"github.com/caseport/caseport/internal/store"
)

// Calendars lists the business-hours calendars (staff).
func (s *ServiceLevels) Calendars(ctx context.Context, r Request) ([]hours.CalendarRow, error) {
	if err := desk.Authorize(r.Actor, desk.ViewServiceLevels, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.Calendars(ctx)
}

// SaveCalendar creates (ID zero) or changes a calendar (portal admins):
// its zone must be an IANA zone and its week readable, each refusal on
// its field.
func (s *ServiceLevels) SaveCalendar(ctx context.Context, r Request, row *hours.CalendarRow) error {
	if err := desk.Authorize(r.Actor, desk.ManageCalendars, desk.Target{}); err != nil {
		return err
	}
	row.Name, row.Zone, row.Week = strings.TrimSpace(row.Name), strings.TrimSpace(row.Zone), strings.TrimSpace(row.Week)
	p := desk.Problems{}
	if row.Name == "" {
		p.AddMessage("name", "support.sla_admin.name")
	}
	if _, err := time.LoadLocation(row.Zone); err != nil || row.Zone == "" {
		p.AddMessage("zone", "support.sla_admin.zone")
	}
	if week, err := hours.ParseWeek(row.Week); err != nil {
		p.Add("week", parseProblem(err))
	} else if hours.FormatWeek(week) == "" {
		p.AddMessage("week", "support.sla_admin.week")
	}
	if err := p.Err(); err != nil {
		return err
	}
	slices.SortFunc(row.Holidays, func(a, b hours.Date) int { return strings.Compare(a.String(), b.String()) })
	row.Holidays = slices.Compact(row.Holidays)
	return s.write(ctx, r, func(tx *store.Tx) error {
		action := "calendar_updated"
		if row.ID == 0 {
			action = "calendar_created"
		}
		if err := tx.SaveCalendar(ctx, row, s.now()); err != nil {
			return fieldConflict(err)
		}
		return s.audit(ctx, tx, r, action, row.Name, row.Zone+" "+row.Week)
	})
}

// ImportHolidays adds the days of an iCalendar file to a calendar's
// holidays (portal admins). It returns how many days were new.
func (s *ServiceLevels) ImportHolidays(ctx context.Context, r Request, calendarID int64, ics io.Reader) (int, error) {
	if err := desk.Authorize(r.Actor, desk.ManageCalendars, desk.Target{}); err != nil {
		return 0, err
	}
	days, err := hours.ParseICalHolidays(io.LimitReader(ics, 4<<20))
	if err != nil {
		return 0, desk.Problems{"file": parseProblem(err)}.Err()
	}
	added := 0
	err = s.write(ctx, r, func(tx *store.Tx) error {
		row, err := tx.CalendarByID(ctx, calendarID)
		if err != nil {
			return err
		}
		have := map[hours.Date]bool{}
		for _, d := range row.Holidays {
			have[d] = true
		}
		for d := range days {
			if !have[d] {
				row.Holidays = append(row.Holidays, d)
				added++
			}
		}
		slices.SortFunc(row.Holidays, func(a, b hours.Date) int { return strings.Compare(a.String(), b.String()) })
		if err := tx.SaveCalendar(ctx, row, s.now()); err != nil {
			return fieldConflict(err)
		}
		return s.audit(ctx, tx, r, "holidays_imported", row.Name, strconv.Itoa(added)+" days")
	})
	return added, err
}

// parseProblem is what people read of a week, date or calendar file hours
// could not read.
func parseProblem(err error) desk.Message {
	if pe, ok := errors.AsType[*hours.ParseError](err); ok {
		return desk.Msg(pe.ID, pe.Args...)
	}
	return desk.Msg("hours.ical.unreadable")
}

// Targets lists the service-level table (staff).
func (s *ServiceLevels) Targets(ctx context.Context, r Request) ([]desk.SLATarget, error) {
	if err := desk.Authorize(r.Actor, desk.ViewServiceLevels, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.SLATargets(ctx)
}

// MaxTargetAmount is the largest target, in any unit: 100,000 business
// days is some 400 years.
const MaxTargetAmount = 100_000

// SetTarget changes one target (portal admins). Cases keep the target
// their clock started with until their priority changes.
func (s *ServiceLevels) SetTarget(ctx context.Context, r Request, t *desk.SLATarget) error {
	if err := desk.Authorize(r.Actor, desk.ManageSLATargets, desk.Target{}); err != nil {
		return err
	}
	p := desk.Problems{}
	checkTarget(p, "", t)
	if err := p.Err(); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		return s.setTarget(ctx, tx, r, t)
	})
}

// checkTarget adds what is wrong with a target to p, its fields named
// after prefix: "amount", "unit" and "target" (the row itself).
func checkTarget(p desk.Problems, prefix string, t *desk.SLATarget) {
	if t.Amount <= 0 || t.Amount > MaxTargetAmount {
		p.AddMessage(prefix+"amount", "support.sla_admin.amount_range", "Max", MaxTargetAmount)
	}
	if !t.Unit.Valid() {
		p.AddMessage(prefix+"unit", "support.sla_admin.unit")
	}
	if !t.Priority.Valid() || !t.Level.Valid() || (t.Deployment != desk.Premise && t.Deployment != desk.Cloud) ||
		(t.Kind != desk.ClockResponse && t.Kind != desk.ClockRCA) {
		p.AddMessage(prefix+"target", "support.sla_admin.target")
	}
}

// setTarget writes a target and its audit line inside tx.
func (s *core) setTarget(ctx context.Context, tx *store.Tx, r Request, t *desk.SLATarget) error {
	if err := tx.SetSLATarget(ctx, t); err != nil {
		return err
	}
	return s.audit(ctx, tx, r, "sla_target_set", string(t.Deployment)+"/"+string(t.Level)+"/"+string(t.Priority)+"/"+string(t.Kind),
		t.Unit.Describe(t.Amount))
}

// SetTargets changes many targets at once (portal admins), as the
// console's table is saved: every row is checked first and every problem
// told, by field, as "targets.N.amount", "targets.N.unit" or "targets.N"
// (N the row's place in ts); with any, nothing is saved. The rows that
// differ from the table are written in one transaction, each with its
// audit line. A row named twice is a problem on its second place.
func (s *ServiceLevels) SetTargets(ctx context.Context, r Request, ts []desk.SLATarget) error {
	if err := desk.Authorize(r.Actor, desk.ManageSLATargets, desk.Target{}); err != nil {
		return err
	}
	p := desk.Problems{}
	seen := map[[4]string]bool{}
	for i := range ts {
		t := &ts[i]
		prefix := "targets." + strconv.Itoa(i) + "."
		checkTarget(p, prefix, t)
		if m, ok := p[prefix+"target"]; ok {
			delete(p, prefix+"target")
			p.Add("targets."+strconv.Itoa(i), m)
		}
		key := [4]string{string(t.Deployment), string(t.Level), string(t.Priority), string(t.Kind)}
		if seen[key] {
			p.AddMessage("targets."+strconv.Itoa(i), "support.sla_admin.target_twice")
		}
		seen[key] = true
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		for i := range ts {
			t := &ts[i]
			old, err := tx.SLATarget(ctx, t.Deployment, t.Level, t.Priority, t.Kind)
			if err != nil && !errors.Is(err, desk.ErrNotFound) {
				return err
			}
			if old != nil && old.Amount == t.Amount && old.Unit == t.Unit {
				continue
			}
			if err := s.setTarget(ctx, tx, r, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// SLASettings are the service-level settings a portal admin edits.
type SLASettings struct {
	// DefaultCalendar names the calendar of cases whose contract and End
	// User name none.
	DefaultCalendar string
	// WarningLead is how long before a deadline the warning fires.
	WarningLead time.Duration
	// FollowUpBusinessDays counts follow-up days as business days of the
	// case's calendar rather than calendar days.
	FollowUpBusinessDays bool
}

// Settings returns the settings (staff).
func (s *ServiceLevels) Settings(ctx context.Context, r Request) (*SLASettings, error) {
	if err := desk.Authorize(r.Actor, desk.ViewServiceLevels, desk.Target{}); err != nil {
		return nil, err
	}
	cal, err := s.store.Setting(ctx, settingDefaultCalendar, defaultCalendarName)
	if err != nil {
		return nil, err
	}
	lead, err := s.store.Setting(ctx, settingWarningLead, strconv.Itoa(defaultWarningLead))
	if err != nil {
		return nil, err
	}
	minutes, err := strconv.Atoi(lead)
	if err != nil {
		minutes = defaultWarningLead
	}
	days, err := s.store.Setting(ctx, settingFollowUpDays, "calendar")
	if err != nil {
		return nil, err
	}
	return &SLASettings{DefaultCalendar: cal, WarningLead: time.Duration(minutes) * time.Minute, FollowUpBusinessDays: days == "business"}, nil
}

// SetSettings changes the settings (portal admins).
func (s *ServiceLevels) SetSettings(ctx context.Context, r Request, set SLASettings) error {
	if err := desk.Authorize(r.Actor, desk.ManageSLASettings, desk.Target{}); err != nil {
		return err
	}
	if set.WarningLead < 0 || set.WarningLead > 7*24*time.Hour {
		return desk.Invalid("lead", "support.sla_admin.lead")
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		if _, err := tx.CalendarByName(ctx, set.DefaultCalendar); err != nil {
			return missingAs(err, "default_calendar", "support.accounts.calendar")
		}
		if err := tx.SetSetting(ctx, settingDefaultCalendar, set.DefaultCalendar); err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, settingWarningLead, strconv.Itoa(int(set.WarningLead/time.Minute))); err != nil {
			return err
		}
		days := "calendar"
		if set.FollowUpBusinessDays {
			days = "business"
		}
		if err := tx.SetSetting(ctx, settingFollowUpDays, days); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "sla_settings_set", set.DefaultCalendar, set.WarningLead.String())
	})
}
