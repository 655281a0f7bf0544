package desk

import "time"

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID      int64
	At      time.Time
	ActorID int64
	Actor   string // the actor's name, for display
	Action  string
	Subject string
	Detail  string
	Address string
}

// AuditFilter selects audit lines.
type AuditFilter struct {
	Action string
	// Before pages backwards: lines with a smaller ID.
	Before int64
	Limit  int
	// Actor keeps the lines of actors whose name or email holds it;
	// Subject those whose subject holds it (neither minds case).
	Actor, Subject string
	// From and To keep the lines at or after From and before To (either
	// zero: no bound).
	From, To time.Time
}
