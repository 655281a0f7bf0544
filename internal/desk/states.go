package desk

import (
	"errors"
	"slices"
	"time"
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

// Allows reports whether the table lets ev happen to an escalation in
// state s.
func (s EscalationState) Allows(ev EscalationEvent) bool {
	_, ok := escalationTransitions[s][ev]
	return ok
}

// NextEscalation returns the state ev moves an escalation in state from
// to, or a wrapped ErrConflict saying where it stands when the table
// refuses ev.
func NextEscalation(from EscalationState, ev EscalationEvent) (EscalationState, error) {
	if to, ok := escalationTransitions[from][ev]; ok {
		return to, nil
	}
	if ev == EscalationNote {
		return from, Refuse(ErrConflict, "desk.escalation.over."+string(from))
	}
	return from, Refuse(ErrConflict, "desk.escalation.already."+string(from))
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
	return r.State, Refuse(ErrConflict, "desk.access_request.already."+string(r.State), "Request", r.ID)
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

// Allows reports whether the table lets ev happen to a message in state
// s.
func (s InboundState) Allows(ev InboundEvent) bool {
	_, ok := inboundTransitions[s][ev]
	return ok
}

// NextInbound returns the state ev moves a message in state from to, or a
// wrapped ErrConflict when the table refuses ev.
func NextInbound(from InboundState, ev InboundEvent) (InboundState, error) {
	if to, ok := inboundTransitions[from][ev]; ok {
		return to, nil
	}
	return from, Refuse(ErrConflict, "desk.inbound.already."+string(from))
}

// ErrUploadExpired is an upload that waited past its expiry for its next
// chunk: its bytes are gone, and its sender starts again. It is a kind of
// its own (the protocol answers 410 with its own words), whose text is for
// logs.
var ErrUploadExpired = errors.New("upload expired")

// UploadState is where a resumable upload stands. It follows from the
// upload's offset, file and expiry (Upload.State), so nothing stores it.
type UploadState string

// Upload states.
const (
	UploadReceiving    UploadState = "receiving"     // bytes are still to come
	UploadReceived     UploadState = "received"      // every byte came: it is to become a case file
	UploadPartReceived UploadState = "part_received" // every byte of a part came: it waits to be joined
	UploadFiled        UploadState = "filed"         // it became a file of its case
	UploadExpired      UploadState = "expired"       // it waited too long for its next chunk
)

// UploadEvent is what is done to an upload.
type UploadEvent string

// Upload events.
const (
	UploadWrite     UploadEvent = "write"     // a chunk is added at the offset
	UploadFinish    UploadEvent = "finish"    // the received upload becomes a case file
	UploadJoin      UploadEvent = "join"      // a received part joins a concatenated upload
	UploadTerminate UploadEvent = "terminate" // its sender stops it: what arrived goes
)

// UploadEvents lists every upload event.
var UploadEvents = []UploadEvent{UploadWrite, UploadFinish, UploadJoin, UploadTerminate}

// uploadEvents is the one table of upload states: the events each state
// allows. The state that follows is read from the upload again, since a
// chunk may or may not bring its last byte. A filed upload keeps its
// address until it expires, so a sender can read that it is done.
var uploadEvents = map[UploadState][]UploadEvent{
	UploadReceiving:    {UploadWrite, UploadTerminate},
	UploadReceived:     {UploadFinish, UploadTerminate},
	UploadPartReceived: {UploadJoin, UploadTerminate},
}

// State is where u stands at now. A filed upload stays filed after its
// expiry: only its resumable address goes.
func (u *Upload) State(now time.Time) UploadState {
	switch {
	case u.FileID != 0:
		return UploadFiled
	case !now.Before(u.ExpiresAt):
		return UploadExpired
	case !u.Complete():
		return UploadReceiving
	case u.Partial:
		return UploadPartReceived
	}
	return UploadReceived
}

// Allows reports whether the upload table lets ev happen to u at now.
func (u *Upload) Allows(ev UploadEvent, now time.Time) bool {
	return slices.Contains(uploadEvents[u.State(now)], ev)
}

// Check returns nil when the upload table lets ev happen to u at now, and
// otherwise why not: ErrUploadExpired, or a wrapped ErrConflict saying
// where the upload stands.
func (u *Upload) Check(ev UploadEvent, now time.Time) error {
	st := u.State(now)
	switch {
	case slices.Contains(uploadEvents[st], ev):
		return nil
	case st == UploadExpired:
		return ErrUploadExpired
	case st == UploadFiled:
		return Refuse(ErrConflict, "desk.upload.filed")
	case st == UploadReceiving && ev == UploadJoin:
		return Refuse(ErrConflict, "desk.upload.part_unfinished", "Upload", u.ID, "Received", u.Received, "Length", u.Length)
	case st == UploadReceiving:
		return Refuse(ErrConflict, "desk.upload.unfinished", "Upload", u.ID, "Received", u.Received, "Length", u.Length)
	}
	return Refuse(ErrConflict, "desk.upload.received", "Upload", u.ID)
}
