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
// Why is what was refused, as the use case words it ("too many failed
// sign-ins for this account").
type RetryError struct {
	Why  Message
	Wait time.Duration
}

// Message is the text for people: why, and in how many minutes (at least
// one) to try again.
func (e *RetryError) Message() Message {
	minutes := max(int((e.Wait+time.Minute-1)/time.Minute), 1)
	return Msg("desk.retry", "Why", e.Why, "Count", minutes)
}

// Error is the English message and the kind.
func (e *RetryError) Error() string {
	return e.Message().String() + ": " + ErrThrottled.Error()
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
// a list. Field names are the form/JSON names. Problems.Err makes one.
type ValidationError struct {
	// Messages holds each field's message, a catalogue message the edge
	// shows in the reader's language.
	Messages map[string]Message
}

// FieldMessages returns the messages of a validation error by field, or
// nil when err is not a validation error.
func FieldMessages(err error) map[string]Message {
	v, ok := errors.AsType[*ValidationError](err)
	if !ok {
		return nil
	}
	return maps.Clone(v.Messages)
}

// Error lists the fields in a stable order, in English.
func (e *ValidationError) Error() string {
	keys := slices.Sorted(maps.Keys(e.Messages))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %s", k, e.Messages[k].String()))
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Problems collects field messages while an input is checked.
type Problems map[string]Message

// Add records m for field unless the field already has a message: the
// first problem found is the most useful one to show.
func (p Problems) Add(field string, m Message) {
	if _, ok := p[field]; !ok {
		p[field] = m
	}
}

// AddMessage records the catalogue message id, with name, value pairs of
// arguments, for field, as Add does.
func (p Problems) AddMessage(field, id string, kv ...any) {
	p.Add(field, Msg(id, kv...))
}

// Merge records, as Add does, the field messages of err when it is a
// validation error (a check another function made), and returns nil; any
// other error it returns as it is, for the caller to stop on.
func (p Problems) Merge(err error) error {
	v, ok := errors.AsType[*ValidationError](err)
	if !ok {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(v.Messages)) {
		p.Add(k, v.Messages[k])
	}
	return nil
}

// Invalid is the validation error of one field whose message is the
// catalogue message id, with name, value pairs of arguments.
func Invalid(field, id string, kv ...any) error {
	return Problems{field: Msg(id, kv...)}.Err()
}

// Err returns nil when nothing was added, and a *ValidationError otherwise.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Messages: p}
}

// RenameFields returns err with its fields renamed by names (a field not
// in names keeps its name), for an edge whose form or body names a field
// otherwise than the use case; any other error comes back as it is.
func RenameFields(err error, names map[string]string) error {
	v, ok := errors.AsType[*ValidationError](err)
	if !ok {
		return err
	}
	p := Problems{}
	for _, k := range slices.Sorted(maps.Keys(v.Messages)) {
		name, ok := names[k]
		if !ok {
			name = k
		}
		p.Add(name, v.Messages[k])
	}
	return p.Err()
}

// AsValidation returns the field messages of err in English, for logs and
// tests, or nil when err is not a validation error. The edge shows
// FieldMessages.
func AsValidation(err error) map[string]string {
	v, ok := errors.AsType[*ValidationError](err)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(v.Messages))
	for k, m := range v.Messages {
		out[k] = m.String()
	}
	return out
}
