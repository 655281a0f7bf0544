package desk

import (
	"fmt"
	"time"
)

// ClockKind names a service-level clock of a case.
type ClockKind string

const (
	// ClockResponse runs from the case's opening to the first public
	// reply by a person on the staff side.
	ClockResponse ClockKind = "response"
	// ClockRCA runs from when staff mark all troubleshooting information
	// provided to the root-cause analysis.
	ClockRCA ClockKind = "rca"
)

// MessageID is the catalogue ID of the ClockKind's label.
func (k ClockKind) MessageID() string { return "label.clock_kind." + string(k) }

// Label is how pages name the clock.
func (k ClockKind) Label() string { return label(k.MessageID(), string(k)) }

// TargetUnit says how a target's amount is counted.
type TargetUnit string

const (
	UnitMinutes         TargetUnit = "minutes"          // around the clock
	UnitBusinessMinutes TargetUnit = "business_minutes" // on the case's calendar
	UnitBusinessDays    TargetUnit = "business_days"    // on the case's calendar
)

// Valid reports whether u is a known unit.
func (u TargetUnit) Valid() bool {
	return u == UnitMinutes || u == UnitBusinessMinutes || u == UnitBusinessDays
}

// Describe writes a target for people: "1 hour around the clock",
// "4 business hours", "7 business days".
func (u TargetUnit) Describe(amount int) string {
	plural := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	span := func(minutes int) string {
		if minutes%60 == 0 {
			return plural(minutes/60, "hour")
		}
		return plural(minutes, "minute")
	}
	switch u {
	case UnitMinutes:
		return span(amount) + " around the clock"
	case UnitBusinessMinutes:
		return "business " + span(amount)
	case UnitBusinessDays:
		return plural(amount, "business day")
	}
	return fmt.Sprintf("%d %s", amount, u)
}

// Clock is one service-level clock of a case. A running clock has a
// deadline; a paused one has none and keeps the business time that was
// left; a met clock is done.
type Clock struct {
	CaseID     int64
	Kind       ClockKind
	CalendarID int64
	Amount     int
	Unit       TargetUnit
	StartedAt  time.Time
	DueAt      time.Time // zero while paused
	Left       time.Duration
	MetAt      time.Time
	WarnedAt   time.Time
	BreachedAt time.Time
}

// Running reports whether the clock runs towards DueAt.
func (c *Clock) Running() bool { return c.MetAt.IsZero() && !c.DueAt.IsZero() }

// Paused reports whether the clock waits on the customer.
func (c *Clock) Paused() bool { return c.MetAt.IsZero() && c.DueAt.IsZero() }

// Missed reports whether the target was or is being missed at now.
func (c *Clock) Missed(now time.Time) bool {
	if !c.BreachedAt.IsZero() {
		return true
	}
	if !c.MetAt.IsZero() {
		return !c.DueAt.IsZero() && c.MetAt.After(c.DueAt)
	}
	return c.Running() && now.After(c.DueAt)
}
