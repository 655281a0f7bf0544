package desk_test

import (
	"slices"
	"testing"

	"github.com/caseport/caseport/internal/desk"
)

// A notification is headed by what happened, and each event is of a kind
// the profile chooses the email of.
func TestNoticeEvents(t *testing.T) {
	for e, want := range map[desk.NoticeEvent]string{
		desk.EventAssigned: "Assigned to you", desk.EventCustomerUpdate: "Customer update", desk.EventEscalation: "Escalation",
		desk.EventSLAWarning: "SLA warning", desk.EventSLABreached: "SLA breached",
	} {
		if got := e.Label(); got != want {
			t.Errorf("%s is named %q, want %q", e, got, want)
		}
		if !slices.Contains(desk.NoticeEvents, e) {
			t.Errorf("%s is not one of NoticeEvents", e)
		}
	}
	for _, e := range append(desk.NoticeEvents, desk.EventSLA) {
		if !e.Kind().Valid() {
			t.Errorf("%s is of kind %q, which the profile does not offer", e, e.Kind())
		}
	}
	if desk.EventSLABreached.Kind() != desk.NoticeSLA || desk.EventAssigned.Kind() != desk.NoticeAssigned {
		t.Error("the service-level events are not of the service-level kind")
	}
}
