package hours

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
)

// ParseICalHolidays reads the holidays of an iCalendar file (RFC 5545),
// such as a public-holiday calendar exported from a mail program: every
// VEVENT's days from DTSTART up to DTEND (exclusive; one day when there is
// no DTEND). Recurrence rules are not expanded: holiday feeds list each
// year's dates. The summary of each day is returned with it. A file that
// does not read is a *ParseError.
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
		return nil, parseError("hours.ical.unreadable")
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
				return nil, parseError("hours.ical.no_start", "Line", eventStarted)
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
			d, ok := icalDate(value)
			if !ok {
				return nil, parseError("hours.ical.bad_date", "Line", lineNum[i], "Value", strconv.Quote(strings.TrimSpace(value)))
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
		return nil, parseError("hours.ical.not_ical")
	}
	return out, nil
}

func dateTime(d Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// icalDate reads a DATE (20261225) or the date of a DATE-TIME
// (20261225T000000Z).
func icalDate(v string) (Date, bool) {
	v = strings.TrimSpace(v)
	if len(v) < 8 {
		return Date{}, false
	}
	t, err := time.Parse("20060102", v[:8])
	if err != nil {
		return Date{}, false
	}
	return Date{t.Year(), t.Month(), t.Day()}, true
}
