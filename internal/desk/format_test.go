package desk

import (
	"testing"
	"time"
)

// Dates and sizes in English read as they always did; another language
// gives its own layout, month names, units and decimal mark.
func TestFormats(t *testing.T) {
	at := time.Date(2026, time.March, 4, 15, 7, 0, 0, time.UTC)
	for _, tt := range []struct{ got, want string }{
		{Date(at).String(), "4 March 2026"},
		{DateTime(at).String(), "4 Mar 2026 15:07 UTC"},
		{FormatTime(at, "format.date", English), "4 Mar 2026"},
		{Size(12).String(), "12 B"},
		{Size(999).String(), "999 B"},
		{Size(1000).String(), "1.0 kB"},
		{Size(200_000).String(), "200.0 kB"},
		{Size(1_500_000_000).String(), "1.5 GB"},
		{Span(30 * time.Minute).String(), "30 minutes"},
		{Span(time.Minute).String(), "1 minute"},
		{Span(20 * time.Second).String(), "0 minutes"},
		{Span(29*time.Minute + 40*time.Second).String(), "30 minutes"},
		{Span(time.Hour).String(), "1 hour"},
		{Span(time.Hour + 5*time.Minute).String(), "1 hour and 5 minutes"},
		{Span(-2 * time.Hour).String(), "2 hours"},
		{Span(24 * time.Hour).String(), "1 day"},
		{Span(51*time.Hour + 59*time.Minute).String(), "2 days and 3 hours"},
		{Msg("support.files.purged", "Date", Date(at)).String(), "the file was deleted on 4 March 2026, 30 days after the case closed"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	german := func(id string, args map[string]any) string {
		switch id {
		case "format.date_long":
			return "2. January 2006"
		case "format.month.3":
			return "März"
		case "format.decimal_mark":
			return ","
		case "format.size.MB":
			return args["Number"].(string) + " MB"
		}
		return English(id, args)
	}
	if got := FormatTime(at, "format.date_long", german); got != "4. März 2026" {
		t.Errorf("a German date = %q, want 4. März 2026", got)
	}
	if got := Size(1_500_000).Format(german); got != "1,5 MB" {
		t.Errorf("a German size = %q, want 1,5 MB", got)
	}
}
