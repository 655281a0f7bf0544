package desk

import (
	"fmt"
	"strings"
)

// The state machines of the domain besides the case's (transitions, in
// case.go): for each, one table of what each event does in each state.
// An event a state's row does not list is refused; the code that changes
// a state asks its table.

// EscalationEvent is what happens to an escalation.
type EscalationEvent string

// Escalation events: an escalation owner accepts, rejects or closes it;
// owners and the case's Designated Contacts add notes to its feed.
const (
	EscalationAccept EscalationEvent = "accept"
	EscalationReject EscalationEvent = "reject"
	EscalationClose  EscalationEvent = "close"
	EscalationNote   EscalationEvent = "note"
)

// EscalationEvents lists every escalation event.
var EscalationEvents = []EscalationEvent{EscalationAccept, EscalationReject, EscalationClose, EscalationNote}

// escalationTransitions is the one table of escalation states: the state
// each allowed event leads to. A rejected or closed escalation is over.
var escalationTransitions = map[EscalationState]map[EscalationEvent]EscalationState{
	EscalationRequested: {
		EscalationAccept: EscalationAccepted,
		EscalationReject: EscalationRejected,
		EscalationClose:  EscalationClosed,
		EscalationNote:   EscalationRequested,
	},
	EscalationAccepted: {
		EscalationClose: EscalationClosed,
		EscalationNote:  EscalationAccepted,
	},
}

// NextEscalation returns the state ev moves an escalation in state from
// to, or a wrapped ErrConflict saying where it stands when the table
// refuses ev.
func NextEscalation(from EscalationState, ev EscalationEvent) (EscalationState, error) {
	if to, ok := escalationTransitions[from][ev]; ok {
		return to, nil
	}
	if ev == EscalationNote {
		return from, fmt.Errorf("the escalation is %s: %w", strings.ToLower(from.Label()), ErrConflict)
	}
	return from, fmt.Errorf("the escalation is %s already: %w", strings.ToLower(from.Label()), ErrConflict)
}

// RequestEvent is the decision on an access request.
type RequestEvent string

// Access request events.
const (
	RequestApprove RequestEvent = "approve"
	RequestReject  RequestEvent = "reject"
)

// RequestEvents lists every access request event.
var RequestEvents = []RequestEvent{RequestApprove, RequestReject}

// requestTransitions is the one table of access request states: one
// decision settles a pending request.
var requestTransitions = map[RequestState]map[RequestEvent]RequestState{
	RequestPending: {RequestApprove: RequestApproved, RequestReject: RequestRejected},
}

// Next returns the state ev moves the request to, or a wrapped
// ErrConflict when it was decided already.
func (r *AccessRequest) Next(ev RequestEvent) (RequestState, error) {
	if to, ok := requestTransitions[r.State][ev]; ok {
		return to, nil
	}
	return r.State, fmt.Errorf("access request %d was already %s: %w", r.ID, r.State, ErrConflict)
}

// Decidable reports whether a request in state s still waits for a
// decision.
func (s RequestState) Decidable() bool { return len(requestTransitions[s]) > 0 }

// InboundEvent is what becomes of a received message.
type InboundEvent string

// Inbound mail events: processing appends a message to its case, sends it
// to triage or ignores it (an automatic message); a portal admin links a
// message from triage to a case or discards it.
const (
	AppendInbound  InboundEvent = "append"
	TriageInbound  InboundEvent = "triage"
	IgnoreInbound  InboundEvent = "ignore"
	LinkInbound    InboundEvent = "link"
	DiscardInbound InboundEvent = "discard"
)

// InboundEvents lists every inbound mail event.
var InboundEvents = []InboundEvent{AppendInbound, TriageInbound, IgnoreInbound, LinkInbound, DiscardInbound}

// inboundTransitions is the one table of inbound mail states. Appended,
// linked and discarded messages are settled.
var inboundTransitions = map[InboundState]map[InboundEvent]InboundState{
	InboundPending: {AppendInbound: InboundAppended, TriageInbound: InboundTriage, IgnoreInbound: InboundIgnored},
	InboundTriage:  {LinkInbound: InboundLinked, DiscardInbound: InboundDiscard},
	InboundIgnored: {LinkInbound: InboundLinked, DiscardInbound: InboundDiscard},
}

// NextInbound returns the state ev moves a message in state from to, or a
// wrapped ErrConflict when the table refuses ev.
func NextInbound(from InboundState, ev InboundEvent) (InboundState, error) {
	if to, ok := inboundTransitions[from][ev]; ok {
		return to, nil
	}
	return from, fmt.Errorf("this message was %s already: %w", from, ErrConflict)
}
