package desk

import (
	"errors"
	"fmt"
	"testing"
)

// Each state machine's test walks every state × event: the allowed ones
// lead where the table says, the others are conflicts saying where the
// record stands.

func TestEscalationTransitions(t *testing.T) {
	t.Parallel()
	states := []EscalationState{EscalationRequested, EscalationAccepted, EscalationRejected, EscalationClosed}
	want := map[EscalationState]map[EscalationEvent]string{
		EscalationRequested: {
			EscalationAccept: "accepted", EscalationReject: "rejected", EscalationClose: "closed", EscalationNote: "requested",
		},
		EscalationAccepted: {
			EscalationAccept: "the escalation is accepted already", EscalationReject: "the escalation is accepted already",
			EscalationClose: "closed", EscalationNote: "accepted",
		},
		EscalationRejected: {
			EscalationAccept: "the escalation is rejected already", EscalationReject: "the escalation is rejected already",
			EscalationClose: "the escalation is rejected already", EscalationNote: "the escalation is rejected",
		},
		EscalationClosed: {
			EscalationAccept: "the escalation is closed already", EscalationReject: "the escalation is closed already",
			EscalationClose: "the escalation is closed already", EscalationNote: "the escalation is closed",
		},
	}
	for _, from := range states {
		for _, ev := range EscalationEvents {
			to, err := NextEscalation(from, ev)
			if got := outcome(string(to), err); got != want[from][ev] {
				t.Errorf("NextEscalation(%s, %s) = %q, want %q", from, ev, got, want[from][ev])
			}
		}
		// A state is active exactly while events other than a note can
		// still move it.
		if got := len(escalationTransitions[from]) > 0; got != from.Active() {
			t.Errorf("%s: has transitions %v, Active() %v", from, got, from.Active())
		}
	}
	if _, err := NextEscalation(EscalationRequested, "bogus"); !errors.Is(err, ErrConflict) {
		t.Errorf("an unknown event: %v, want a conflict", err)
	}
	// A waiting escalation is named as people read it.
	if _, err := NextEscalation(EscalationRequested, "bogus"); err.Error() != "the escalation is waiting for review already: conflict" {
		t.Errorf("an unknown event on a requested escalation: %q", err)
	}
}

func TestAccessRequestTransitions(t *testing.T) {
	t.Parallel()
	want := map[RequestState]map[RequestEvent]string{
		RequestPending:  {RequestApprove: "approved", RequestReject: "rejected"},
		RequestApproved: {RequestApprove: "access request 7 was already approved", RequestReject: "access request 7 was already approved"},
		RequestRejected: {RequestApprove: "access request 7 was already rejected", RequestReject: "access request 7 was already rejected"},
	}
	for from, row := range want {
		for _, ev := range RequestEvents {
			r := &AccessRequest{ID: 7, State: from}
			to, err := r.Next(ev)
			if got := outcome(string(to), err); got != row[ev] {
				t.Errorf("Next(%s, %s) = %q, want %q", from, ev, got, row[ev])
			}
			if r.State != from {
				t.Errorf("Next(%s, %s) changed the request to %s", from, ev, r.State)
			}
		}
		if got, want := from.Decidable(), from == RequestPending; got != want {
			t.Errorf("%s.Decidable() = %v, want %v", from, got, want)
		}
	}
}

func TestInboundTransitions(t *testing.T) {
	t.Parallel()
	settled := func(s string) map[InboundEvent]string {
		m := map[InboundEvent]string{}
		for _, ev := range InboundEvents {
			m[ev] = "this message was " + s + " already"
		}
		return m
	}
	inTriage := func(s string) map[InboundEvent]string {
		m := settled(s)
		m[LinkInbound], m[DiscardInbound] = "linked", "discarded"
		return m
	}
	pending := settled("pending")
	pending[AppendInbound], pending[TriageInbound], pending[IgnoreInbound] = "appended", "triage", "ignored"
	want := map[InboundState]map[InboundEvent]string{
		InboundPending:  pending,
		InboundAppended: settled("appended"),
		InboundTriage:   inTriage("triage"),
		InboundIgnored:  inTriage("ignored"),
		InboundLinked:   settled("linked"),
		InboundDiscard:  settled("discarded"),
	}
	for from, row := range want {
		for _, ev := range InboundEvents {
			to, err := NextInbound(from, ev)
			if got := outcome(string(to), err); got != row[ev] {
				t.Errorf("NextInbound(%s, %s) = %q, want %q", from, ev, got, row[ev])
			}
		}
	}
}

// outcome is the state reached, or the message of a refusal (which must
// be a conflict).
func outcome(to string, err error) string {
	switch {
	case err == nil:
		return to
	case errors.Is(err, ErrConflict):
		msg := err.Error()
		return msg[:len(msg)-len(": "+ErrConflict.Error())]
	}
	return fmt.Sprintf("not a conflict: %v", err)
}
