package desk

import (
	"strconv"
	"strings"
	"time"
)

// Dates and sizes are written for people by catalogue messages too, so a
// language words them its own way: a layout (format.date, …) in Go's
// reference-time notation, the names of the months, the units of sizes and
// the decimal mark. FormatTime and Size.Format take the renderer of one
// language: English here (logs, errors, stored texts), the reader's at the
// edge (i18n's Localizer).

// Text renders a catalogue message in one language: English, or a
// localizer's.
type Text func(id string, args map[string]any) string

// Date is a day as a message argument: the edge writes it in the reader's
// language (format.date_long, "2 January 2006" in English), on the day t
// has in its own location.
type Date time.Time

// DateTime is a moment as a message argument, written as format.datetime
// says in the reader's zone, named ("2 Jan 2006 15:04 UTC" in English for
// a reader without one); give it in UTC.
type DateTime time.Time

// Size is a byte count as a message argument: 1.5 GB, 200.0 kB, 12 B in
// English (format.size.*).
type Size int64

// Span is a length of time as a message argument, in words and to the
// minute: "30 minutes", "1 hour and 5 minutes", "2 days and 3 hours" in
// English (format.span.*). A text stored in English (a feed entry) is
// written with String.
type Span time.Duration

// String is the date in English.
func (d Date) String() string { return FormatTime(time.Time(d), "format.date_long", English) }

// String is the moment in English.
func (d DateTime) String() string { return FormatTime(time.Time(d), "format.datetime", English) }

// String is the size in English.
func (n Size) String() string { return n.Format(English) }

// String is the span in English.
func (d Span) String() string { return d.Format(English) }

// Format writes the span with text's words: its two largest units of
// days, hours and minutes, the smaller left out when it is zero; a span
// shorter than a minute is 0 minutes, and a negative one is written as
// its length.
func (d Span) Format(text Text) string {
	t := time.Duration(d).Abs().Round(time.Minute)
	days, hours, minutes := int(t/(24*time.Hour)), int(t%(24*time.Hour)/time.Hour), int(t%time.Hour/time.Minute)
	unit := func(id string, n int) string { return text(id, map[string]any{"Count": n}) }
	larger, smaller := unit("format.span.hours", hours), unit("format.span.minutes", minutes)
	switch {
	case days > 0:
		larger, smaller = unit("format.span.days", days), unit("format.span.hours", hours)
		if hours == 0 {
			return larger
		}
	case hours == 0:
		return smaller
	case minutes == 0:
		return larger
	}
	return text("format.span.pair", map[string]any{"Larger": larger, "Smaller": smaller})
}

// FormatTime writes t by the layout that message layoutID holds, with the
// month names of text's language: a layout's "January" and "Jan" are
// format.month.1… and format.month_short.1…; the rest of the layout is
// Go's (2, 02, 2006, 15, 04, …; any other text is kept).
func FormatTime(t time.Time, layoutID string, text Text) string {
	layout := text(layoutID, nil)
	var b strings.Builder
	for layout != "" {
		i := strings.Index(layout, "Jan")
		if i < 0 {
			b.WriteString(t.Format(layout))
			break
		}
		b.WriteString(t.Format(layout[:i]))
		month := strconv.Itoa(int(t.Month()))
		if strings.HasPrefix(layout[i:], "January") {
			b.WriteString(text("format.month."+month, nil))
			layout = layout[i+len("January"):]
			continue
		}
		b.WriteString(text("format.month_short."+month, nil))
		layout = layout[i+len("Jan"):]
	}
	return b.String()
}

// Format writes the size with text's units and decimal mark: bytes as
// they are, larger sizes in steps of 1000 (kB, MB, …) with one decimal.
func (n Size) Format(text Text) string {
	const unit = 1000
	if n < unit {
		return text("format.size.B", map[string]any{"Number": strconv.FormatInt(int64(n), 10)})
	}
	div, exp := int64(unit), 0
	for m := int64(n) / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	number := strconv.FormatFloat(float64(n)/float64(div), 'f', 1, 64)
	number = strings.Replace(number, ".", text("format.decimal_mark", nil), 1)
	return text("format.size."+string("kMGTPE"[exp])+"B", map[string]any{"Number": number})
}
