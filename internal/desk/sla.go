package desk

import "time"

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

// MessageID is the catalogue ID of the TargetUnit's label (a unit after
// an amount, as a form's choice).
func (u TargetUnit) MessageID() string { return "label.target_unit." + string(u) }

// Describe writes a target for people: "1 hour around the clock",
// "4 business hours", "7 business days".
func (u TargetUnit) Describe(amount int) string { return u.Description(amount).String() }

// Description is Describe as a catalogue message, its plural by amount.
func (u TargetUnit) Description(amount int) Message {
	hours := amount%60 == 0
	switch {
	case u == UnitMinutes && hours:
		return Msg("desk.target.hours", "Count", amount/60)
	case u == UnitMinutes:
		return Msg("desk.target.minutes", "Count", amount)
	case u == UnitBusinessMinutes && hours:
		return Msg("desk.target.business_hours", "Count", amount/60)
	case u == UnitBusinessMinutes:
		return Msg("desk.target.business_minutes", "Count", amount)
	case u == UnitBusinessDays:
		return Msg("desk.target.business_days", "Count", amount)
	}
	return Msg("desk.target.other", "Count", amount, "Unit", string(u))
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
