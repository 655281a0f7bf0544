// Package hours is business-hours arithmetic: when does a target of "4
// business hours" or "7 business days" fall due, and how much business
// time lies between two instants, on a support region's calendar.
//
// A Calendar has a time zone, weekly opening windows in wall-clock time
// and whole-day holidays. All arithmetic is on absolute instants; windows
// are turned into instants day by day in the calendar's zone, so a
// daylight-saving change makes that day's window an hour shorter or
// longer, as it is for the people working it. The package is pure: no
// clock, no store.
package hours

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zones work on machines without a zoneinfo database
)

// Clock is a wall-clock time of day in minutes after midnight; 24*60 is
// the end of the day.
type Clock int

// EndOfDay is the Clock of midnight at the end of a day.
const EndOfDay Clock = 24 * 60

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Window is an opening time within one day, [Start, End).
type Window struct {
	Start, End Clock
}

// Date is a calendar day, in the calendar's zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the day t falls on in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// at is the instant of clock c on day d in loc. Clocks that do not exist
// on that day (inside a spring-forward gap) come out as time.Date makes
// them: shifted by the gap, which is what the people there experience.
func (d Date) at(c Clock, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, int(c), 0, 0, loc)
}

func (d Date) next() Date {
	t := time.Date(d.Year, d.Month, d.Day+1, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

func (d Date) weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// Calendar is a support region's working time.
type Calendar struct {
	Name     string
	Location *time.Location
	// Week holds each weekday's windows, sorted and not overlapping.
	Week [7][]Window
	// Holidays are whole days off, in the calendar's zone.
	Holidays map[Date]bool
}

// AlwaysOpen returns a 24x7 calendar: business time is all time.
func AlwaysOpen(name string) *Calendar {
	c := &Calendar{Name: name, Location: time.UTC}
	for d := range c.Week {
		c.Week[d] = []Window{{0, EndOfDay}}
	}
	return c
}

// New returns a calendar from a week written as in ParseWeek and a list of
// holidays, in the named IANA zone.
func New(name, zone, week string, holidays []Date) (*Calendar, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", zone, err)
	}
	w, err := ParseWeek(week)
	if err != nil {
		return nil, err
	}
	c := &Calendar{Name: name, Location: loc, Week: w, Holidays: map[Date]bool{}}
	for _, h := range holidays {
		c.Holidays[h] = true
	}
	return c, nil
}

// alwaysOpen reports whether every day is open all day with no holiday,
// when instants can be added directly.
func (c *Calendar) alwaysOpen() bool {
	if len(c.Holidays) > 0 {
		return false
	}
	for _, ws := range c.Week {
		if len(ws) != 1 || ws[0] != (Window{0, EndOfDay}) {
			return false
		}
	}
	return true
}

// windows returns day d's opening windows as instants, none on a holiday.
func (c *Calendar) windows(d Date) [][2]time.Time {
	if c.Holidays[d] {
		return nil
	}
	ws := c.Week[d.weekday()]
	out := make([][2]time.Time, 0, len(ws))
	for _, w := range ws {
		start, end := d.at(w.Start, c.Location), d.at(w.End, c.Location)
		if end.After(start) {
			out = append(out, [2]time.Time{start, end})
		}
	}
	return out
}

// open reports whether the week has any window at all; a calendar without
// one would never reach a target.
func (c *Calendar) open() bool {
	for _, ws := range c.Week {
		if len(ws) > 0 {
			return true
		}
	}
	return false
}

// maxDays bounds the walk over days: ten years of holidays and no window.
const maxDays = 3660

// ErrNeverOpen is returned for a calendar that has no opening time in
// the next ten years.
var ErrNeverOpen = errors.New("the calendar has no business hours")

// Add returns the instant when d of business time has passed since start.
// A start outside business hours counts from the next opening.
func (c *Calendar) Add(start time.Time, d time.Duration) (time.Time, error) {
	if d <= 0 {
		return start, nil
	}
	if c.alwaysOpen() {
		return start.Add(d), nil
	}
	if !c.open() {
		return time.Time{}, ErrNeverOpen
	}
	left := d
	day := DateOf(start, c.Location)
	for range maxDays {
		for _, w := range c.windows(day) {
			from := w[0]
			if start.After(from) {
				from = start
			}
			if !w[1].After(from) {
				continue
			}
			avail := w[1].Sub(from)
			if left <= avail {
				return from.Add(left), nil
			}
			left -= avail
		}
		day = day.next()
	}
	return time.Time{}, ErrNeverOpen
}

// Between returns the business time in [a, b); zero when b is not after a.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c.alwaysOpen() {
		return b.Sub(a)
	}
	var sum time.Duration
	last := DateOf(b, c.Location)
	for day, n := DateOf(a, c.Location), 0; n < maxDays; day, n = day.next(), n+1 {
		for _, w := range c.windows(day) {
			from, to := w[0], w[1]
			if a.After(from) {
				from = a
			}
			if b.Before(to) {
				to = b
			}
			if to.After(from) {
				sum += to.Sub(from)
			}
		}
		if day == last {
			break
		}
	}
	return sum
}

// IsOpen reports whether t falls in business hours.
func (c *Calendar) IsOpen(t time.Time) bool {
	for _, w := range c.windows(DateOf(t, c.Location)) {
		if !t.Before(w[0]) && t.Before(w[1]) {
			return true
		}
	}
	return false
}

// workday reports whether d has business hours.
func (c *Calendar) workday(d Date) bool { return len(c.windows(d)) > 0 }

// AddDays returns the instant n business days after start: the same wall
// clock on the n-th following day that has business hours. "Seven business
// days" skips weekends and holidays, not the nights between working days.
func (c *Calendar) AddDays(start time.Time, n int) (time.Time, error) {
	if n <= 0 {
		return start, nil
	}
	if !c.open() {
		return time.Time{}, ErrNeverOpen
	}
	local := start.In(c.Location)
	day := DateOf(start, c.Location)
	for i := 0; n > 0; i++ {
		if i >= maxDays {
			return time.Time{}, ErrNeverOpen
		}
		day = day.next()
		if c.workday(day) {
			n--
		}
	}
	h, m, s := local.Clock()
	return time.Date(day.Year, day.Month, day.Day, h, m, s, local.Nanosecond(), c.Location), nil
}

// DaysBetween counts the business days that have fully passed from a to
// b: how many times AddDays(a, k) is not after b.
func (c *Calendar) DaysBetween(a, b time.Time) int {
	n := 0
	for n < maxDays {
		t, err := c.AddDays(a, n+1)
		if err != nil || t.After(b) {
			return n
		}
		n++
	}
	return n
}

var dayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseWeek reads weekly opening hours such as
//
//	mon-fri 08:00-18:00; sat 09:00-13:00
//	mon-fri 08:00-12:00 13:00-17:00
//	mon-sun 00:00-24:00
//
// Days are three-letter English names or ranges of them; each day gets
// the windows that follow it. A day not named is closed. What does not
// read is a *ParseError.
func ParseWeek(s string) ([7][]Window, error) {
	var week [7][]Window
	for part := range strings.SplitSeq(s, ";") {
		fields := strings.Fields(strings.ToLower(part))
		if len(fields) == 0 {
			continue
		}
		days, err := parseDays(fields[0])
		if err != nil {
			return week, err
		}
		if len(fields) == 1 {
			return week, parseError("hours.week.no_hours", "Part", strconv.Quote(strings.TrimSpace(part)), "Days", fields[0])
		}
		for _, f := range fields[1:] {
			w, err := parseWindow(f)
			if err != nil {
				return week, err
			}
			for _, d := range days {
				week[d] = append(week[d], w)
			}
		}
	}
	for d := range week {
		ws := week[d]
		slices.SortFunc(ws, func(a, b Window) int { return int(a.Start - b.Start) })
		for i := 1; i < len(ws); i++ {
			if ws[i].Start < ws[i-1].End {
				return week, parseError("hours.week.overlap", "Day", dayNames[d],
					"First", ws[i-1].Start.String()+"-"+ws[i-1].End.String(), "Second", ws[i].Start.String()+"-"+ws[i].End.String())
			}
		}
	}
	return week, nil
}

func parseDays(s string) ([]time.Weekday, error) {
	from, to, isRange := strings.Cut(s, "-")
	a := slices.Index(dayNames, from)
	b := a
	if isRange {
		b = slices.Index(dayNames, to)
	}
	if a < 0 || b < 0 {
		return nil, parseError("hours.week.not_days", "Value", strconv.Quote(s))
	}
	var out []time.Weekday
	for d := a; ; d = (d + 1) % 7 {
		out = append(out, time.Weekday(d))
		if d == b {
			return out, nil
		}
	}
}

func parseWindow(s string) (Window, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Window{}, parseError("hours.week.not_window", "Value", strconv.Quote(s))
	}
	start, err1 := parseClock(a)
	end, err2 := parseClock(b)
	if err1 != nil || err2 != nil || end <= start {
		return Window{}, parseError("hours.week.window_order", "Value", strconv.Quote(s))
	}
	return Window{start, end}, nil
}

func parseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(m) != 2 {
		return 0, errors.New("bad clock")
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, errors.New("bad clock")
	}
	return Clock(hh*60 + mm), nil
}

// FormatWeek writes a week back in ParseWeek's form.
func FormatWeek(week [7][]Window) string {
	var parts []string
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		if len(week[d]) == 0 {
			continue
		}
		ws := make([]string, len(week[d]))
		for i, w := range week[d] {
			ws[i] = w.Start.String() + "-" + w.End.String()
		}
		parts = append(parts, dayNames[d]+" "+strings.Join(ws, " "))
	}
	return strings.Join(parts, "; ")
}

// ParseError is a week, date or calendar file that does not read. Its
// words for people are a catalogue message (in desk's message file): ID,
// with Args as name, value pairs, which the use case hands on as the
// message of the field that held the text. Error is for logs.
type ParseError struct {
	ID   string
	Args []any
}

func parseError(id string, kv ...any) *ParseError { return &ParseError{ID: id, Args: kv} }

// Error names the message and its arguments.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.ID)
	for i := 0; i+1 < len(e.Args); i += 2 {
		fmt.Fprintf(&b, " %v=%v", e.Args[i], e.Args[i+1])
	}
	return b.String()
}

// ParseDate reads YYYY-MM-DD; anything else is a *ParseError.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return Date{}, parseError("hours.date", "Value", strconv.Quote(s))
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}
