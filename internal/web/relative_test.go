package web

import (
	"testing"
	"time"

	"github.com/caseport/caseport/internal/i18n"
)

// TestRelative: a moment within a week is said in its largest whole
// unit, ahead or past; one further away is not said so.
func TestRelative(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	l := i18n.English()
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{-20 * time.Second, "just now"},
		{-time.Minute, "1 minute ago"},
		{-59 * time.Minute, "59 minutes ago"},
		{-3*time.Hour - 10*time.Minute, "3 hours ago"},
		{-25 * time.Hour, "1 day ago"},
		{-6 * 24 * time.Hour, "6 days ago"},
		{-7 * 24 * time.Hour, ""},
		{2 * time.Minute, "in 2 minutes"},
		{time.Hour, "in 1 hour"},
		{50 * time.Hour, "in 2 days"},
		{8 * 24 * time.Hour, ""},
	} {
		if got := relative(l, now.Add(tt.d), now); got != tt.want {
			t.Errorf("relative(now%+v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
