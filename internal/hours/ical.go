package hours

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// ParseICalHolidays reads the holidays of an iCalendar file (RFC 5545),
// such as a public-holiday calendar exported from a mail program: every
// VEVENT's days from DTSTART up to DTEND (exclusive; one day when there is
// no DTEND). Recurrence rules are not expanded: holiday feeds list each
// year's dates. The summary of each day is returned with it.
func ParseICalHolidays(r io.Reader) (map[Date]string, error) {
	out := map[Date]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var (
		lines   []string
		lineNum []int
	)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimRight(sc.Text(), "\r")
		// A line that starts with a space or tab continues the previous one.
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(lines) > 0 {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
		lineNum = append(lineNum, n)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the calendar: %w", err)
	}
	var (
		inEvent      bool
		start, end   *Date
		summary      string
		sawCalendar  bool
		eventStarted int
	)
	for i, l := range lines {
		name, value, _ := strings.Cut(l, ":")
		prop, _, _ := strings.Cut(name, ";")
		switch strings.ToUpper(prop) {
		case "BEGIN":
			switch strings.ToUpper(value) {
			case "VCALENDAR":
				sawCalendar = true
			case "VEVENT":
				inEvent, start, end, summary, eventStarted = true, nil, nil, "", lineNum[i]
			}
		case "END":
			if strings.ToUpper(value) != "VEVENT" || !inEvent {
				continue
			}
			inEvent = false
			if start == nil {
				return nil, fmt.Errorf("line %d: an event without DTSTART", eventStarted)
			}
			if end != nil && dateTime(*end).After(dateTime(*start)) {
				for t := dateTime(*start); t.Before(dateTime(*end)); t = t.AddDate(0, 0, 1) {
					out[Date{t.Year(), t.Month(), t.Day()}] = summary
				}
				continue
			}
			out[*start] = summary
		case "DTSTART", "DTEND":
			if !inEvent {
				continue
			}
			d, err := icalDate(value)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNum[i], err)
			}
			if strings.EqualFold(prop, "DTSTART") {
				start = &d
			} else {
				end = &d
			}
		case "SUMMARY":
			if inEvent {
				summary = strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, " ", `\\`, `\`).Replace(value)
			}
		}
	}
	if !sawCalendar {
		return nil, fmt.Errorf("not an iCalendar file: no BEGIN:VCALENDAR")
	}
	return out, nil
}

func dateTime(d Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// icalDate reads a DATE (20261225) or the date of a DATE-TIME
// (20261225T000000Z).
func icalDate(v string) (Date, error) {
	v = strings.TrimSpace(v)
	if len(v) < 8 {
		return Date{}, fmt.Errorf("%q is not an iCalendar date", v)
	}
	t, err := time.Parse("20060102", v[:8])
	if err != nil {
		return Date{}, fmt.Errorf("%q is not an iCalendar date", v)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}
