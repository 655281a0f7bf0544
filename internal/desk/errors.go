package desk

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Error kinds. The web layer maps each one to an HTTP status in one table;
// everything else wraps them with context using %w.
var (
	// ErrNotFound reports a missing record, or one the actor may not know of:
	// another company's case is "not found", never "forbidden".
	ErrNotFound = errors.New("not found")
	// ErrForbidden reports an action the actor may not take on a record they
	// are allowed to see.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict reports a write that clashes with the current state, such as
	// a duplicate email or a transition the status table does not allow.
	ErrConflict = errors.New("conflict")
	// ErrUnauthenticated reports a request without a valid session or token.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrThrottled reports too many attempts in a short time.
	ErrThrottled = errors.New("too many attempts")
	// ErrGone reports a record that existed and was removed for good, such
	// as a case file purged after the case closed: asking again will not
	// help.
	ErrGone = errors.New("gone")
)

// RetryError is ErrThrottled with the wait after which the same attempt
// may succeed, for a Retry-After header and a message people can act on.
type RetryError struct {
	What string
	Wait time.Duration
}

// Error says what was refused and for how long.
func (e *RetryError) Error() string {
	minutes := int((e.Wait + time.Minute - 1) / time.Minute)
	unit := "minutes"
	if minutes <= 1 {
		minutes, unit = 1, "minute"
	}
	return fmt.Sprintf("%s; try again in %d %s: %s", e.What, minutes, unit, ErrThrottled)
}

// Unwrap makes a RetryError an ErrThrottled.
func (e *RetryError) Unwrap() error { return ErrThrottled }

// ConflictError is a write that a unique constraint refused: another
// record holds the value. Constraint is the constraint's name, the same on
// both engines; the use case that made the write turns it into the message
// its user sees (which field, what to do). It is an ErrConflict.
type ConflictError struct {
	Constraint string
}

// Error names the constraint.
func (e *ConflictError) Error() string {
	return "unique constraint " + e.Constraint + ": " + ErrConflict.Error()
}

// Unwrap makes a ConflictError an ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// ConflictOn reports whether err is a conflict on the unique constraint
// named constraint.
func ConflictOn(err error, constraint string) bool {
	var c *ConflictError
	return errors.As(err, &c) && c.Constraint == constraint
}

// ValidationError lists what is wrong with an input, field by field, so a
// form can show each message beside its field and the API can return them as
// a list. Field names are the form/JSON names.
type ValidationError struct {
	Fields map[string]string
}

// Error lists the fields in a stable order.
func (e *ValidationError) Error() string {
	keys := slices.Sorted(maps.Keys(e.Fields))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %s", k, e.Fields[k]))
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Problems collects field messages while an input is checked.
type Problems map[string]string

// Add records msg for field unless the field already has a message: the
// first problem found is the most useful one to show.
func (p Problems) Add(field, msg string) {
	if _, ok := p[field]; !ok {
		p[field] = msg
	}
}

// Err returns nil when nothing was added, and a *ValidationError otherwise.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Fields: p}
}

// AsValidation returns the field messages of err, or nil when err is not a
// validation error.
func AsValidation(err error) map[string]string {
	var v *ValidationError
	if errors.As(err, &v) {
		return v.Fields
	}
	return nil
}
