package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/hours"
)

func scanCalendar(sc scanner, r *hours.CalendarRow) error {
	var holidays string
	if err := sc.Scan(&r.ID, &r.Name, &r.Zone, &r.Week, &holidays); err != nil {
		return err
	}
	r.Holidays = nil
	for line := range strings.FieldsSeq(holidays) {
		d, err := hours.ParseDate(line)
		if err != nil {
			return fmt.Errorf("calendar %s: %w", r.Name, err)
		}
		r.Holidays = append(r.Holidays, d)
	}
	return nil
}

const calendarColumns = `id, name, zone, week, holidays`

// Calendars lists the calendars by name.
func (s *Store) Calendars(ctx context.Context) ([]hours.CalendarRow, error) {
	rows, err := s.read().query(ctx, `SELECT `+calendarColumns+` FROM calendars ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("calendars: %w", err)
	}
	defer rows.Close()
	var out []hours.CalendarRow
	for rows.Next() {
		var r hours.CalendarRow
		if err := scanCalendar(rows, &r); err != nil {
			return nil, fmt.Errorf("calendars: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CalendarByID reads one calendar inside the transaction.
func (tx *Tx) CalendarByID(ctx context.Context, calendarID int64) (*hours.CalendarRow, error) {
	return fact(ctx, tx.q(), factKey{kind: "calendar", a: calendarID}, cloneCalendar, func(ctx context.Context, q q) (*hours.CalendarRow, error) {
		var r hours.CalendarRow
		if err := scanCalendar(q.row(ctx, `SELECT `+calendarColumns+` FROM calendars WHERE id = ?`, calendarID), &r); err != nil {
			return nil, notFound(err, "calendar")
		}
		return &r, nil
	})
}

// CalendarByName reads one calendar inside the transaction.
func (tx *Tx) CalendarByName(ctx context.Context, name string) (*hours.CalendarRow, error) {
	return fact(ctx, tx.q(), factKey{kind: "calendar", s: name}, cloneCalendar, func(ctx context.Context, q q) (*hours.CalendarRow, error) {
		var r hours.CalendarRow
		if err := scanCalendar(q.row(ctx, `SELECT `+calendarColumns+` FROM calendars WHERE name = ?`, name), &r); err != nil {
			return nil, notFound(err, "calendar "+name)
		}
		return &r, nil
	})
}

func cloneCalendar(r *hours.CalendarRow) *hours.CalendarRow {
	c := *r
	c.Holidays = slices.Clone(r.Holidays)
	return &c
}

// SaveCalendar creates (ID zero) or updates a calendar.
func (tx *Tx) SaveCalendar(ctx context.Context, r *hours.CalendarRow, now time.Time) error {
	days := make([]string, len(r.Holidays))
	for i, d := range r.Holidays {
		days[i] = d.String()
	}
	holidays := strings.Join(days, "\n")
	if r.ID == 0 {
		err := tx.q().row(ctx, `INSERT INTO calendars (name, zone, week, holidays, created_at) VALUES (?, ?, ?, ?, ?)
			RETURNING id`, r.Name, r.Zone, r.Week, holidays, ts(now)).Scan(&r.ID)
		if err != nil {
			return conflict(err, "create calendar")
		}
		return nil
	}
	res, err := tx.q().exec(ctx, `UPDATE calendars SET name = ?, zone = ?, week = ?, holidays = ? WHERE id = ?`,
		r.Name, r.Zone, r.Week, holidays, r.ID)
	if err != nil {
		return conflict(err, "update calendar")
	}
	return affected(res, "calendar "+r.Name)
}

// SLATarget reads the target for a deployment, level, priority and kind.
func (tx *Tx) SLATarget(ctx context.Context, dep desk.Deployment, level desk.SupportLevel, p desk.Priority, kind desk.ClockKind) (*desk.SLATarget, error) {
	key := factKey{kind: "service-level target", s: string(dep) + "\x00" + string(level) + "\x00" + string(p) + "\x00" + string(kind)}
	t, err := fact(ctx, tx.q(), key, same[desk.SLATarget], func(ctx context.Context, q q) (desk.SLATarget, error) {
		t := desk.SLATarget{Deployment: dep, Level: level, Priority: p, Kind: kind}
		var unit string
		err := q.row(ctx, `SELECT amount, unit FROM sla_targets
			WHERE deployment = ? AND level = ? AND priority = ? AND kind = ?`,
			string(dep), string(level), string(p), string(kind)).Scan(&t.Amount, &unit)
		if err != nil {
			return t, notFound(err, "service-level target")
		}
		t.Unit = desk.TargetUnit(unit)
		return t, nil
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// SLATargets lists the whole table.
func (s *Store) SLATargets(ctx context.Context) ([]desk.SLATarget, error) {
	rows, err := s.read().query(ctx, `SELECT deployment, level, priority, kind, amount, unit FROM sla_targets
		ORDER BY deployment, level, kind, amount`)
	if err != nil {
		return nil, fmt.Errorf("sla targets: %w", err)
	}
	defer rows.Close()
	var out []desk.SLATarget
	for rows.Next() {
		var t desk.SLATarget
		var dep, level, p, kind, unit string
		if err := rows.Scan(&dep, &level, &p, &kind, &t.Amount, &unit); err != nil {
			return nil, fmt.Errorf("sla targets: %w", err)
		}
		t.Deployment, t.Level, t.Priority, t.Kind, t.Unit = desk.Deployment(dep), desk.SupportLevel(level), desk.Priority(p), desk.ClockKind(kind), desk.TargetUnit(unit)
		out = append(out, t)
	}
	return out, rows.Err()
}

// SetSLATarget writes one row of the table.
func (tx *Tx) SetSLATarget(ctx context.Context, t *desk.SLATarget) error {
	_, err := tx.q().exec(ctx, `INSERT INTO sla_targets (deployment, level, priority, kind, amount, unit)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (deployment, level, priority, kind) DO UPDATE SET amount = excluded.amount, unit = excluded.unit`,
		string(t.Deployment), string(t.Level), string(t.Priority), string(t.Kind), t.Amount, string(t.Unit))
	if err != nil {
		return fmt.Errorf("set sla target: %w", err)
	}
	return nil
}

const clockColumns = `case_id, kind, calendar_id, amount, unit, started_at, due_at, left_ms, met_at, warned_at, breached_at`

func scanClock(sc scanner, c *desk.Clock) error {
	var kind, unit string
	var leftMS int64
	if err := sc.Scan(&c.CaseID, &kind, nullInt{&c.CalendarID}, &c.Amount, &unit, nullTime{&c.StartedAt},
		nullTime{&c.DueAt}, &leftMS, nullTime{&c.MetAt}, nullTime{&c.WarnedAt}, nullTime{&c.BreachedAt}); err != nil {
		return err
	}
	c.Kind, c.Unit, c.Left = desk.ClockKind(kind), desk.TargetUnit(unit), time.Duration(leftMS)*time.Millisecond
	return nil
}

// Clock reads a case's clock of a kind inside the transaction; nil when
// the case has none.
func (tx *Tx) Clock(ctx context.Context, caseID int64, kind desk.ClockKind) (*desk.Clock, error) {
	var c desk.Clock
	err := scanClock(tx.q().row(ctx, `SELECT `+clockColumns+` FROM case_clocks WHERE case_id = ? AND kind = ?`, caseID, string(kind)), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil //nolint:nilnil // no clock is not an error
	}
	if err != nil {
		return nil, fmt.Errorf("clock: %w", err)
	}
	return &c, nil
}

// SaveClock writes a clock, and the case's earliest running deadline for
// the queue's "time to breach" order.
func (tx *Tx) SaveClock(ctx context.Context, c *desk.Clock) error {
	_, err := tx.q().exec(ctx, `INSERT INTO case_clocks (`+clockColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (case_id, kind) DO UPDATE SET calendar_id = excluded.calendar_id, amount = excluded.amount,
			unit = excluded.unit, started_at = excluded.started_at, due_at = excluded.due_at, left_ms = excluded.left_ms,
			met_at = excluded.met_at, warned_at = excluded.warned_at, breached_at = excluded.breached_at`,
		c.CaseID, string(c.Kind), id(c.CalendarID), c.Amount, string(c.Unit), ts(c.StartedAt), ts(c.DueAt),
		c.Left.Milliseconds(), ts(c.MetAt), ts(c.WarnedAt), ts(c.BreachedAt))
	if err != nil {
		return fmt.Errorf("save clock: %w", err)
	}
	_, err = tx.q().exec(ctx, `UPDATE cases SET sla_due_at = (SELECT MIN(due_at) FROM case_clocks
		WHERE case_id = ? AND met_at IS NULL AND due_at IS NOT NULL) WHERE id = ?`, c.CaseID, c.CaseID)
	if err != nil {
		return fmt.Errorf("case deadline: %w", err)
	}
	return nil
}

// Clocks lists a case's clocks.
func (s *Store) Clocks(ctx context.Context, caseID int64) ([]desk.Clock, error) {
	rows, err := s.read().query(ctx, `SELECT `+clockColumns+` FROM case_clocks WHERE case_id = ? ORDER BY kind DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("clocks: %w", err)
	}
	defer rows.Close()
	var out []desk.Clock
	for rows.Next() {
		var c desk.Clock
		if err := scanClock(rows, &c); err != nil {
			return nil, fmt.Errorf("clocks: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// StartPause and EndPause record the pause history of a clock.
func (tx *Tx) StartPause(ctx context.Context, caseID int64, kind desk.ClockKind, at time.Time, reason string) error {
	_, err := tx.q().exec(ctx, `INSERT INTO clock_pauses (case_id, kind, started_at, reason) VALUES (?, ?, ?, ?)`,
		caseID, string(kind), ts(at), reason)
	if err != nil {
		return fmt.Errorf("pause clock: %w", err)
	}
	return nil
}

// EndPause closes the open pause of a clock.
func (tx *Tx) EndPause(ctx context.Context, caseID int64, kind desk.ClockKind, at time.Time) error {
	_, err := tx.q().exec(ctx, `UPDATE clock_pauses SET ended_at = ? WHERE case_id = ? AND kind = ? AND ended_at IS NULL`,
		ts(at), caseID, string(kind))
	if err != nil {
		return fmt.Errorf("resume clock: %w", err)
	}
	return nil
}

// Pauses lists a case's pauses, oldest first.
func (s *Store) Pauses(ctx context.Context, caseID int64) ([]desk.Pause, error) {
	rows, err := s.read().query(ctx, `SELECT kind, started_at, ended_at, reason FROM clock_pauses
		WHERE case_id = ? ORDER BY started_at, kind`, caseID)
	if err != nil {
		return nil, fmt.Errorf("pauses: %w", err)
	}
	defer rows.Close()
	var out []desk.Pause
	for rows.Next() {
		var p desk.Pause
		var kind string
		if err := rows.Scan(&kind, nullTime{&p.StartedAt}, nullTime{&p.EndedAt}, &p.Reason); err != nil {
			return nil, fmt.Errorf("pauses: %w", err)
		}
		p.Kind = desk.ClockKind(kind)
		out = append(out, p)
	}
	return out, rows.Err()
}
