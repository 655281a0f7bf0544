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

// MessageID is the catalogue ID of the TargetUnit's label.
func (u TargetUnit) MessageID() string { return "label.target_unit." + string(u) }

// Label is how the service-level table names the unit.
func (u TargetUnit) Label() string { return label(u.MessageID(), string(u)) }

// Valid reports whether u is a known unit.
func (u TargetUnit) Valid() bool {
	return u == UnitMinutes || u == UnitBusinessMinutes || u == UnitBusinessDays
}

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

// DeadlineState is where a case stands against its service levels, as the
// queue's "Next SLA deadline" column shows it.
type DeadlineState string

// Deadline states: no clock at all, a clock running towards its deadline,
// one past it (breached, running or not), every clock paused while the
// case waits on the customer, every clock met.
const (
	DeadlineNone     DeadlineState = "none"
	DeadlineRunning  DeadlineState = "running"
	DeadlineBreached DeadlineState = "breached"
	DeadlinePaused   DeadlineState = "paused"
	DeadlineMet      DeadlineState = "met"
)

// MessageID is the catalogue ID of the DeadlineState's label.
func (s DeadlineState) MessageID() string { return "label.deadline_state." + string(s) }

// Label is how the queue names the state.
func (s DeadlineState) Label() string { return label(s.MessageID(), string(s)) }

// NextDeadline is the deadline a case meets next: the clock it belongs to,
// its state, and when it falls due (running, breached), how much
// business time was left when it paused (paused) or when it was met.
type NextDeadline struct {
	State DeadlineState
	Kind  ClockKind
	DueAt time.Time
	Left  time.Duration
	MetAt time.Time
}

// Breached, Running, Paused, Met and None say the state, for templates.
func (d NextDeadline) Breached() bool { return d.State == DeadlineBreached }
func (d NextDeadline) Running() bool  { return d.State == DeadlineRunning }
func (d NextDeadline) Paused() bool   { return d.State == DeadlinePaused }
func (d NextDeadline) Met() bool      { return d.State == DeadlineMet }
func (d NextDeadline) None() bool     { return d.State == DeadlineNone || d.State == "" }

// SoonWithin is how near a running deadline is "soon": the queue's
// "Breaching within 2 hours" view and the colour of its deadline column.
const SoonWithin = 2 * time.Hour

// Soon reports whether the deadline runs out within SoonWithin of now.
func (d NextDeadline) Soon(now time.Time) bool {
	return d.State == DeadlineRunning && d.DueAt.Sub(now) <= SoonWithin
}

// NextDeadlineOf says where a case with these clocks stands at now: a
// clock being missed first (the earliest deadline), then the soonest
// running one, then a paused one (the least time left), then met (the
// latest), else none. A case without clocks is never left out of the
// answer: it is DeadlineNone.
func NextDeadlineOf(clocks []Clock, now time.Time) NextDeadline {
	var breached, running, paused, met *Clock
	for i := range clocks {
		c := &clocks[i]
		switch {
		case !c.MetAt.IsZero():
			if met == nil || c.MetAt.After(met.MetAt) {
				met = c
			}
		case c.Missed(now):
			if breached == nil || (!c.DueAt.IsZero() && (breached.DueAt.IsZero() || c.DueAt.Before(breached.DueAt))) {
				breached = c
			}
		case c.Running():
			if running == nil || c.DueAt.Before(running.DueAt) {
				running = c
			}
		case c.Paused():
			if paused == nil || c.Left < paused.Left {
				paused = c
			}
		}
	}
	switch {
	case breached != nil:
		return NextDeadline{State: DeadlineBreached, Kind: breached.Kind, DueAt: breached.DueAt}
	case running != nil:
		return NextDeadline{State: DeadlineRunning, Kind: running.Kind, DueAt: running.DueAt}
	case paused != nil:
		return NextDeadline{State: DeadlinePaused, Kind: paused.Kind, Left: paused.Left}
	case met != nil:
		return NextDeadline{State: DeadlineMet, Kind: met.Kind, MetAt: met.MetAt}
	}
	return NextDeadline{State: DeadlineNone}
}
