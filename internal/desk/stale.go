package desk

import (
	"errors"
	"fmt"
	"slices"
)

// ErrStale reports a change made on a version of a record that is no
// longer its own: someone changed it in between. Nothing was written; the
// author looks at the record as it now is and decides again.
var ErrStale = errors.New("changed meanwhile")

// CaseSeen is what a page showed of a case when it was read: its version
// and the fields a staff change sets, so a change refused as stale can
// say, field by field, what is different now.
type CaseSeen struct {
	Version     int64
	Status      Status
	SubStatus   SubStatus
	Priority    Priority
	Severity    int
	OwnerID     int64
	ContactID   int64
	ComponentID int64
	Tags        []string
	// LastEntry is the newest Case Feed entry shown.
	LastEntry int64
	// Known says the fields above were sent (a page); an API client
	// sends the version only.
	Known bool
}

// Differences names the fields whose value in now differs from what was
// seen: status (with its substatus), priority, severity, owner, contact,
// component, tags.
func (s *CaseSeen) Differences(now *Case, tags []string) []string {
	if !s.Known {
		return nil
	}
	var out []string
	add := func(field string, differs bool) {
		if differs {
			out = append(out, field)
		}
	}
	add("status", s.Status != now.Status || s.SubStatus != now.SubStatus)
	add("priority", s.Priority != now.Priority)
	add("severity", s.Severity != now.Severity)
	add("owner", s.OwnerID != now.OwnerID)
	add("contact", s.ContactID != now.ContactID)
	add("component", s.ComponentID != now.ComponentID)
	add("tags", !slices.Equal(s.Tags, tags))
	return out
}

// Change is one field of a case as its author saw it and as it is now.
// Seen and Now are message arguments (a label, a name, a number).
type Change struct {
	Field     string
	Seen, Now any
}

// StaleError is a change of a case refused because the case moved on
// since its author read it (ErrStale): what differs now, field by field,
// and the Case Feed entries added meanwhile.
type StaleError struct {
	Number    string
	Seen, Now int64
	Changes   []Change
	// Entries are the authors of the entries added since the page was
	// read, newest first.
	Entries []string
}

// Message is the text for people: who and what changed.
func (e *StaleError) Message() Message {
	if len(e.Changes) == 0 && len(e.Entries) == 0 {
		return Msg("desk.stale.case", "Number", e.Number)
	}
	return Msg("desk.stale.case_changed", "Number", e.Number)
}

// ChangeMessage says of one change what was seen and what is there now.
func (c Change) Message() Message {
	return Msg("desk.stale.field", "Field", Msg(fieldNames[c.Field]), "Seen", c.Seen, "Now", c.Now)
}

// fieldNames are the catalogue IDs of the names of the fields
// Differences compares.
var fieldNames = map[string]string{
	"status":    "desk.stale.field_status",
	"priority":  "desk.stale.field_priority",
	"severity":  "desk.stale.field_severity",
	"owner":     "desk.stale.field_owner",
	"contact":   "desk.stale.field_contact",
	"component": "desk.stale.field_component",
	"tags":      "desk.stale.field_tags",
}

// EntriesMessage says how many entries were added meanwhile and by whom;
// the zero Message when none were.
func (e *StaleError) EntriesMessage() Message {
	if len(e.Entries) == 0 {
		return Message{}
	}
	return Msg("desk.stale.entries", "Count", len(e.Entries), "Authors", joinNames(e.Entries))
}

// joinNames lists names once each, in order, separated by commas.
func joinNames(names []string) string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	s := ""
	for i, n := range out {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

// Error is the English message, for logs.
func (e *StaleError) Error() string {
	return fmt.Sprintf("case %s: version %d seen, %d now: %v", e.Number, e.Seen, e.Now, ErrStale)
}

// Unwrap makes a StaleError an ErrStale.
func (e *StaleError) Unwrap() error { return ErrStale }
