package desk

import (
	"fmt"
	"slices"
	"time"
)

// Customer escalations (handbook: "Escalating a Case"). A Designated
// Contact escalates an open case with a reason and details; an escalation
// owner accepts it with next steps or rejects it with reasons, and closes
// it once done. An escalation keeps a feed of its own, apart from the
// Case Feed.

// EscalationReason is why a customer escalates.
type EscalationReason string

const (
	ReasonBusinessImpact EscalationReason = "business_impact"
	ReasonNoProgress     EscalationReason = "no_progress"
	ReasonSolution       EscalationReason = "solution_not_acceptable"
	ReasonRCA            EscalationReason = "root_cause_analysis"
	ReasonOther          EscalationReason = "other"
)

// EscalationReasons lists the reasons, as the form offers them.
var EscalationReasons = []EscalationReason{ReasonBusinessImpact, ReasonNoProgress, ReasonSolution, ReasonRCA, ReasonOther}

// MessageID is the catalogue ID of the EscalationReason's label.
func (r EscalationReason) MessageID() string { return "label.escalation_reason." + string(r) }

// Label is how the form names a reason.
func (r EscalationReason) Label() string { return label(r.MessageID(), string(r)) }

// EscalationState is where an escalation stands. Requested and Accepted
// are active: a case has at most one active escalation.
type EscalationState string

const (
	EscalationRequested EscalationState = "requested"
	EscalationAccepted  EscalationState = "accepted"
	EscalationRejected  EscalationState = "rejected"
	EscalationClosed    EscalationState = "closed"
)

// Active reports whether the escalation is still open.
func (s EscalationState) Active() bool { return s == EscalationRequested || s == EscalationAccepted }

// MessageID is the catalogue ID of the EscalationState's label.
func (s EscalationState) MessageID() string { return "label.escalation_state." + string(s) }

// Label is how pages name a state.
func (s EscalationState) Label() string { return label(s.MessageID(), string(s)) }

// Escalation is a customer escalation of a case.
type Escalation struct {
	ID          int64
	CaseID      int64
	Reason      EscalationReason
	Details     string
	State       EscalationState
	RequestedBy int64
	OwnerID     int64 // the escalation owner who reviewed it
	CreatedAt   time.Time
	DecidedAt   time.Time
	ClosedAt    time.Time
}

// EscalationFacts are what eligibility depends on besides the case.
type EscalationFacts struct {
	// Active is the case's active escalation, if any.
	Active *Escalation
	// LastUpdate is the case's last update.
	LastUpdate time.Time
	// InfoProvidedAt is when staff marked all information provided (the
	// RCA clock's start); zero if never.
	InfoProvidedAt time.Time
	// BusinessDaysSinceInfo counts business days from InfoProvidedAt to
	// now on the case's calendar.
	BusinessDaysSinceInfo int
	Deployment            Deployment
	// NoActiveContract is true when no Service Contract of the case's Sold
	// To and End User is active: escalation is part of what a contract
	// buys.
	NoActiveContract bool
	// LastContract is then the contract of the Sold To and End User that
	// ends last, for staff to renew; nil when they have none.
	LastContract *Contract
}

// HighPriorityWait is how long a High case must have gone without an
// update before it may be escalated.
const HighPriorityWait = 24 * time.Hour

// RCAWaitDays is how many business days after all information was
// provided a late root-cause analysis may be escalated.
func RCAWaitDays(d Deployment) int {
	if d == Cloud {
		return 5
	}
	return 7
}

// CheckEscalation says why a case may not be escalated now, in words for
// reader (the customer's, or staff's where they can do something about
// it); "" when it may. The rules are the handbook's.
func CheckEscalation(reader *Actor, c *Case, reason EscalationReason, f EscalationFacts, now time.Time) string {
	switch {
	case c.Status == StatusClosed:
		return "A closed case cannot be escalated. Reopen it first, or open a new case."
	case f.NoActiveContract && reader.IsStaff():
		return noContractForStaff(f.LastContract, now)
	case f.NoActiveContract:
		return "No active Service Contract covers this case's Sold To and End User, so it cannot be escalated. " +
			"Your account manager can renew the contract; support still works the case."
	case f.Active != nil:
		return fmt.Sprintf("This case was already escalated on %s; the escalation is %s.",
			f.Active.CreatedAt.UTC().Format("2 January 2006"), lower(f.Active.State.Label()))
	case c.Priority == PriorityLow:
		return "Low priority cases cannot be escalated. To raise the priority to Medium, ask for it in a comment on the case; " +
			"for High, Critical or Production Down, call support."
	case c.Priority == PriorityHigh && now.Sub(f.LastUpdate) < HighPriorityWait:
		return fmt.Sprintf("A High priority case can be escalated once it has had no update for 24 hours: after %s.",
			f.LastUpdate.Add(HighPriorityWait).UTC().Format("2 Jan 2006 15:04 UTC"))
	}
	if reason == ReasonRCA {
		wait := RCAWaitDays(f.Deployment)
		switch {
		case f.InfoProvidedAt.IsZero():
			return "A root-cause analysis can be escalated once support has all the information it needs and the analysis is late; support has not marked the information complete yet."
		case f.BusinessDaysSinceInfo < wait:
			return fmt.Sprintf("A root-cause analysis can be escalated %d business days after all information was provided (%s); %d have passed.",
				wait, f.InfoProvidedAt.UTC().Format("2 January 2006"), f.BusinessDaysSinceInfo)
		}
	}
	return ""
}

// noContractForStaff says what is wrong with the contracts of a case that
// cannot be escalated for want of an active one, and what staff can do.
func noContractForStaff(last *Contract, now time.Time) string {
	const (
		head = "No active Service Contract covers this case, so it cannot be escalated: "
		tail = " Renew it, or add a Service Contract for this Sold To and End User, in the console; support still works the case."
	)
	day := func(t time.Time) string { return t.UTC().Format("2 January 2006") }
	switch {
	case last == nil:
		return head + "its Sold To and End User have no Service Contract. " +
			"Add one in the console; support still works the case."
	case last.State != ContractActive:
		return head + fmt.Sprintf("Service Contract %s is %s (it ran from %s to %s).",
			last.Number, last.State, day(last.Starts), day(last.Ends)) + tail
	case now.Before(last.Starts):
		return head + fmt.Sprintf("Service Contract %s starts on %s.", last.Number, day(last.Starts)) +
			" Change its start, or add a Service Contract for this Sold To and End User, in the console; support still works the case."
	}
	return head + fmt.Sprintf("Service Contract %s ended on %s.", last.Number, day(last.Ends)) + tail
}

func lower(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

// ValidEscalationReason reports whether r is one of the reasons.
func ValidEscalationReason(r EscalationReason) bool { return slices.Contains(EscalationReasons, r) }
