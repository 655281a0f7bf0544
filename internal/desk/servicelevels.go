package desk

import "time"

// SLATarget is one row of the service-level table.
type SLATarget struct {
	Deployment Deployment
	Level      SupportLevel
	Priority   Priority
	Kind       ClockKind
	Amount     int
	Unit       TargetUnit
}

// Pause is one pause of a clock.
type Pause struct {
	Kind      ClockKind
	StartedAt time.Time
	EndedAt   time.Time // zero while it lasts
	Reason    string
}
