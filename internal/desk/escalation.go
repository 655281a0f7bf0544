package desk

import (
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

// CheckEscalation says why a case may not be escalated now, in English
// words for reader; "" when it may. EscalationRefusal gives the same as a
// catalogue message.
func CheckEscalation(reader *Actor, c *Case, reason EscalationReason, f EscalationFacts, now time.Time) string {
	return EscalationRefusal(reader, c, reason, f, now).String()
}

// alreadyEscalated are the messages of a case escalated already, by the
// state of its escalation.
var alreadyEscalated = map[EscalationState]string{
	EscalationRequested: "desk.escalation.already_requested",
	EscalationAccepted:  "desk.escalation.already_accepted",
	EscalationRejected:  "desk.escalation.already_rejected",
	EscalationClosed:    "desk.escalation.already_closed",
}

// EscalationRefusal says why a case may not be escalated now, in words for
// reader (the customer's, or staff's where they can do something about
// it); the zero Message when it may. The rules are the handbook's.
func EscalationRefusal(reader *Actor, c *Case, reason EscalationReason, f EscalationFacts, now time.Time) Message {
	day := func(t time.Time) Date { return Date(t.UTC()) }
	switch {
	case c.Status == StatusClosed:
		return Msg("desk.escalation.closed_case")
	case f.NoActiveContract && reader.IsStaff():
		return noContractForStaff(f.LastContract, now)
	case f.NoActiveContract:
		return Msg("desk.escalation.no_contract")
	case f.Active != nil:
		id, ok := alreadyEscalated[f.Active.State]
		if !ok {
			id = "desk.escalation.already"
		}
		return Msg(id, "Date", day(f.Active.CreatedAt))
	case c.Priority == PriorityLow:
		return Msg("desk.escalation.low_priority")
	case c.Priority == PriorityHigh && now.Sub(f.LastUpdate) < HighPriorityWait:
		return Msg("desk.escalation.high_priority_wait", "After", DateTime(f.LastUpdate.Add(HighPriorityWait).UTC()))
	}
	if reason == ReasonRCA {
		wait := RCAWaitDays(f.Deployment)
		switch {
		case f.InfoProvidedAt.IsZero():
			return Msg("desk.escalation.rca_info_missing")
		case f.BusinessDaysSinceInfo < wait:
			return Msg("desk.escalation.rca_wait", "Wait", wait, "Provided", day(f.InfoProvidedAt), "Passed", f.BusinessDaysSinceInfo)
		}
	}
	return Message{}
}

// noContractForStaff says what is wrong with the contracts of a case that
// cannot be escalated for want of an active one, and what staff can do.
func noContractForStaff(last *Contract, now time.Time) Message {
	day := func(t time.Time) Date { return Date(t.UTC()) }
	switch {
	case last == nil:
		return Msg("desk.escalation.staff_no_contract")
	case last.State != ContractActive:
		return Msg("desk.escalation.staff_contract_inactive", "Number", last.Number, "State", string(last.State),
			"Starts", day(last.Starts), "Ends", day(last.Ends))
	case now.Before(last.Starts):
		return Msg("desk.escalation.staff_contract_future", "Number", last.Number, "Starts", day(last.Starts))
	}
	return Msg("desk.escalation.staff_contract_ended", "Number", last.Number, "Ends", day(last.Ends))
}

// ValidEscalationReason reports whether r is one of the reasons.
func ValidEscalationReason(r EscalationReason) bool { return slices.Contains(EscalationReasons, r) }
