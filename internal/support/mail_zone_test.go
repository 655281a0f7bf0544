package support

import (
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// TestMailTimesNameTheirZone: a moment in an email is written in its
// recipient's zone when they chose one, else in UTC, and always names
// the zone it is in.
func TestMailTimesNameTheirZone(t *testing.T) {
	at := desk.DateTime(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	for _, tt := range []struct {
		to   *desk.User
		want string
	}{
		{nil, "2 Dec 2026 10:00 UTC"},
		{&desk.User{}, "2 Dec 2026 10:00 UTC"},
		{&desk.User{TimeZone: "Europe/Berlin"}, "2 Dec 2026 11:00 CET"},
		{&desk.User{TimeZone: "Asia/Tokyo"}, "2 Dec 2026 19:00 JST"},
		{&desk.User{TimeZone: "Nowhere/Special"}, "2 Dec 2026 10:00 UTC"},
	} {
		// The message of an email about an escalation's wait (desk's), as
		// queueMail writes a mail's text.
		got := mailLocalizer(tt.to).Message(desk.Msg("desk.escalation.high_priority_wait", "After", at))
		if !strings.Contains(got, tt.want) {
			t.Errorf("to %+v: %q, want it to say %q", tt.to, got, tt.want)
		}
	}
}
