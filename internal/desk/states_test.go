package desk

import (
	"errors"
	"fmt"
	"testing"
	"time"
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
			if got := transition(string(to), err); got != want[from][ev] {
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
			if got := transition(string(to), err); got != row[ev] {
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
			if got := transition(string(to), err); got != row[ev] {
				t.Errorf("NextInbound(%s, %s) = %q, want %q", from, ev, got, row[ev])
			}
		}
	}
}

// transition is the state reached, or the English of a refusal (which must
// be a conflict carrying a catalogue message, so people read it in their
// language).
func transition(to string, err error) string {
	m, ok := AsMessage(err)
	switch {
	case err == nil:
		return to
	case !errors.Is(err, ErrConflict):
		return fmt.Sprintf("not a conflict: %v", err)
	case !ok || !HasMessage(m.ID):
		return fmt.Sprintf("no catalogue message: %v", err)
	}
	return m.String()
}

func TestUploadTransitions(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	uploads := map[UploadState]*Upload{
		UploadReceiving:    {ID: "u1", Length: 10, Received: 4, ExpiresAt: later},
		UploadReceived:     {ID: "u1", Length: 10, Received: 10, ExpiresAt: later},
		UploadPartReceived: {ID: "u1", Length: 10, Received: 10, Partial: true, ExpiresAt: later},
		UploadFiled:        {ID: "u1", Length: 10, Received: 10, FileID: 3, ExpiresAt: now},
		UploadExpired:      {ID: "u1", Length: 10, Received: 4, ExpiresAt: now},
	}
	const (
		filed    = "the upload is complete and is a file of the case now"
		received = "upload u1 has every byte already"
		partial  = "upload u1 has 4 of 10 bytes"
		expired  = "expired"
	)
	want := map[UploadState]map[UploadEvent]string{
		UploadReceiving: {
			UploadWrite: "", UploadFinish: partial, UploadJoin: "partial upload u1 has 4 of 10 bytes: finish the parts first",
			UploadTerminate: "",
		},
		UploadReceived:     {UploadWrite: received, UploadFinish: "", UploadJoin: received, UploadTerminate: ""},
		UploadPartReceived: {UploadWrite: received, UploadFinish: received, UploadJoin: "", UploadTerminate: ""},
		UploadFiled:        {UploadWrite: filed, UploadFinish: filed, UploadJoin: filed, UploadTerminate: filed},
		UploadExpired:      {UploadWrite: expired, UploadFinish: expired, UploadJoin: expired, UploadTerminate: expired},
	}
	for st, u := range uploads {
		if got := u.State(now); got != st {
			t.Errorf("State(%+v) = %s, want %s", u, got, st)
		}
		for _, ev := range UploadEvents {
			err := u.Check(ev, now)
			got := ""
			switch {
			case err == nil:
			case errors.Is(err, ErrUploadExpired):
				got = expired
			default:
				got = transition("", err)
			}
			if got != want[st][ev] {
				t.Errorf("Check(%s, %s) = %q, want %q", st, ev, got, want[st][ev])
			}
			if allowed := u.Allows(ev, now); allowed != (err == nil) {
				t.Errorf("Allows(%s, %s) = %v, but Check says %v", st, ev, allowed, err)
			}
		}
	}
}
