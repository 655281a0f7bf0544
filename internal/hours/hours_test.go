package hours_test

import (
	"errors"
	"math/bits"
	"strings"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/hours"
)

func mustCal(t testing.TB, zone, week string, holidays ...string) *hours.Calendar {
	t.Helper()
	var hs []hours.Date
	for _, h := range holidays {
		d, err := hours.ParseDate(h)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, d)
	}
	c, err := hours.New("test", zone, week, hs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func at(t testing.TB, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAdd(t *testing.T) {
	t.Parallel()
	const (
		berlin = "Europe/Berlin"
		ny     = "America/New_York"
	)
	office := mustCal(t, berlin, "mon-fri 08:00-18:00", "2026-12-24", "2026-12-25", "2026-12-31")
	split := mustCal(t, berlin, "mon-fri 08:00-12:00 13:00-17:00")
	nights := mustCal(t, berlin, "mon-sun 00:00-24:00", "2026-12-25")
	nyDesk := mustCal(t, ny, "mon-fri 09:00-17:00")
	tests := []struct {
		name  string
		cal   *hours.Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within a window", office, at(t, berlin, "2026-03-02 09:00"), 4 * time.Hour, at(t, berlin, "2026-03-02 13:00")},
		{"to the end of a window exactly", office, at(t, berlin, "2026-03-02 14:00"), 4 * time.Hour, at(t, berlin, "2026-03-02 18:00")},
		{"over the night", office, at(t, berlin, "2026-03-02 16:00"), 4 * time.Hour, at(t, berlin, "2026-03-03 10:00")},
		{"before opening counts from opening", office, at(t, berlin, "2026-03-02 06:30"), time.Hour, at(t, berlin, "2026-03-02 09:00")},
		{"after closing counts from the next day", office, at(t, berlin, "2026-03-02 19:00"), time.Hour, at(t, berlin, "2026-03-03 09:00")},
		{"over the weekend", office, at(t, berlin, "2026-03-06 17:00"), 2 * time.Hour, at(t, berlin, "2026-03-09 09:00")},
		{"opened on Saturday", office, at(t, berlin, "2026-03-07 11:00"), 24 * time.Hour, at(t, berlin, "2026-03-11 12:00")},
		{"over Christmas", office, at(t, berlin, "2026-12-23 17:00"), 2 * time.Hour, at(t, berlin, "2026-12-28 09:00")},
		{"lunch break", split, at(t, berlin, "2026-03-02 11:30"), time.Hour, at(t, berlin, "2026-03-02 13:30")},
		{"24x7 with a holiday", nights, at(t, berlin, "2026-12-24 23:00"), 2 * time.Hour, at(t, berlin, "2026-12-26 01:00")},
		// Spring forward (29 March 2026, 02:00 → 03:00): a 24-hour day is 23 hours.
		{"spring forward on a 24x7 desk", nights, at(t, berlin, "2026-03-29 01:00"), 2 * time.Hour, at(t, berlin, "2026-03-29 04:00")},
		// Fall back (25 October 2026, 03:00 → 02:00): that Sunday has 25
		// hours, so one hour of Saturday and all of Sunday make 26.
		{"fall back on a 24x7 desk", nights, at(t, berlin, "2026-10-24 23:00"), 26 * time.Hour, at(t, berlin, "2026-10-26 00:00")},
		{"office hours across the change keep their wall clock", office, at(t, berlin, "2026-03-27 17:00"), 2 * time.Hour, at(t, berlin, "2026-03-30 09:00")},
		// A calendar in another zone than the viewer: New York office hours
		// seen from Berlin.
		// 20:00 in Berlin is 14:00 in New York: three hours that day, one the next.
		{"another zone", nyDesk, at(t, berlin, "2026-03-02 20:00"), 4 * time.Hour, at(t, ny, "2026-03-03 10:00")},
		{"another zone, late", nyDesk, at(t, berlin, "2026-03-02 22:00"), 4 * time.Hour, at(t, ny, "2026-03-03 12:00")},
		{"the US changes clocks earlier than Europe", nyDesk, at(t, ny, "2026-03-06 16:00"), 2 * time.Hour, at(t, ny, "2026-03-09 10:00")},
		{"zero", office, at(t, berlin, "2026-03-07 11:00"), 0, at(t, berlin, "2026-03-07 11:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.cal.Add(tt.start, tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("Add(%s, %s) = %s, want %s", tt.start, tt.d, got, tt.want.In(got.Location()))
			}
			if tt.d > 0 {
				if back := tt.cal.Between(tt.start, got); back != tt.d {
					t.Errorf("Between(start, Add(start, %s)) = %s", tt.d, back)
				}
			}
		})
	}
}

func TestAlwaysOpen(t *testing.T) {
	t.Parallel()
	c := hours.AlwaysOpen("24x7")
	start := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)
	got, err := c.Add(start, 10*time.Minute)
	if err != nil || !got.Equal(start.Add(10*time.Minute)) {
		t.Errorf("Add = %s, %v", got, err)
	}
	if b := c.Between(start, start.Add(72*time.Hour)); b != 72*time.Hour {
		t.Errorf("Between = %s", b)
	}
}

func TestBetween(t *testing.T) {
	t.Parallel()
	const berlin = "Europe/Berlin"
	office := mustCal(t, berlin, "mon-fri 08:00-18:00", "2026-03-04")
	tests := []struct {
		a, b string
		want time.Duration
	}{
		{"2026-03-02 07:00", "2026-03-02 09:00", time.Hour},
		{"2026-03-02 17:00", "2026-03-03 09:00", 2 * time.Hour},
		{"2026-03-03 17:00", "2026-03-05 09:00", 2 * time.Hour}, // the 4th is a holiday
		{"2026-03-06 12:00", "2026-03-09 12:00", 10 * time.Hour},
		{"2026-03-07 12:00", "2026-03-08 12:00", 0},
		{"2026-03-09 12:00", "2026-03-06 12:00", 0},
	}
	for _, tt := range tests {
		if got := office.Between(at(t, berlin, tt.a), at(t, berlin, tt.b)); got != tt.want {
			t.Errorf("Between(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestAddDays(t *testing.T) {
	t.Parallel()
	const berlin = "Europe/Berlin"
	office := mustCal(t, berlin, "mon-fri 08:00-18:00", "2026-12-24", "2026-12-25")
	tests := []struct {
		start string
		n     int
		want  string
	}{
		{"2026-03-02 10:00", 1, "2026-03-03 10:00"},
		{"2026-03-06 10:00", 1, "2026-03-09 10:00"},
		{"2026-03-02 10:00", 7, "2026-03-11 10:00"},
		{"2026-12-21 15:00", 5, "2026-12-30 15:00"},
		{"2026-03-07 10:00", 1, "2026-03-09 10:00"}, // from a Saturday
		{"2026-03-27 10:00", 1, "2026-03-30 10:00"}, // across the change to summer time
	}
	for _, tt := range tests {
		got, err := office.AddDays(at(t, berlin, tt.start), tt.n)
		if err != nil {
			t.Fatal(err)
		}
		if want := at(t, berlin, tt.want); !got.Equal(want) {
			t.Errorf("AddDays(%s, %d) = %s, want %s", tt.start, tt.n, got, want)
		}
		if n := office.DaysBetween(at(t, berlin, tt.start), got); n != tt.n {
			t.Errorf("DaysBetween(%s, AddDays(%d)) = %d", tt.start, tt.n, n)
		}
	}
}

func TestIsOpen(t *testing.T) {
	t.Parallel()
	const tokyo = "Asia/Tokyo"
	c := mustCal(t, tokyo, "mon-fri 09:00-17:30")
	for s, want := range map[string]bool{
		"2026-03-02 09:00": true, "2026-03-02 17:29": true, "2026-03-02 17:30": false,
		"2026-03-02 08:59": false, "2026-03-07 12:00": false,
	} {
		if got := c.IsOpen(at(t, tokyo, s)); got != want {
			t.Errorf("IsOpen(%s) = %v", s, got)
		}
	}
}

func TestNeverOpen(t *testing.T) {
	t.Parallel()
	c := &hours.Calendar{Name: "closed", Location: time.UTC}
	if _, err := c.Add(time.Now(), time.Hour); err == nil {
		t.Error("a calendar without hours reached a target")
	}
	if _, err := c.AddDays(time.Now(), 1); err == nil {
		t.Error("a calendar without hours counted a business day")
	}
}

func TestParseWeek(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		"mon-fri 08:00-18:00":                              "mon 08:00-18:00; tue 08:00-18:00; wed 08:00-18:00; thu 08:00-18:00; fri 08:00-18:00",
		"Mon-Fri 08:00-12:00 13:00-17:00; sat 09:00-13:00": "mon 08:00-12:00 13:00-17:00; tue 08:00-12:00 13:00-17:00; wed 08:00-12:00 13:00-17:00; thu 08:00-12:00 13:00-17:00; fri 08:00-12:00 13:00-17:00; sat 09:00-13:00",
		"sat-mon 00:00-24:00":                              "mon 00:00-24:00; sat 00:00-24:00; sun 00:00-24:00",
		"":                                                 "",
	}
	for in, want := range good {
		w, err := hours.ParseWeek(in)
		if err != nil {
			t.Errorf("ParseWeek(%q): %v", in, err)
			continue
		}
		if got := hours.FormatWeek(w); got != want {
			t.Errorf("ParseWeek(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"monday 08:00-18:00", "mon-fri", "mon 18:00-08:00", "mon 08:00-25:00", "mon 8-18", "mon 08:00-12:00 11:00-13:00", "mon 24:30-24:40"} {
		if _, err := hours.ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
}

func TestParseICalHolidays(t *testing.T) {
	t.Parallel()
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\n" +
		"SUMMARY:Christmas\\, Boxing Day\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New\r\n  Year\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nDTSTART:20260501T000000Z\r\nSUMMARY:Labour Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	got, err := hours.ParseICalHolidays(strings.NewReader(ics))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"2026-12-25": "Christmas, Boxing Day", "2026-12-26": "Christmas, Boxing Day", "2027-01-01": "New Year", "2026-05-01": "Labour Day"}
	if len(got) != len(want) {
		t.Errorf("got %d days, want %d: %v", len(got), len(want), got)
	}
	for d, s := range want {
		dd, _ := hours.ParseDate(d)
		if got[dd] != s {
			t.Errorf("%s = %q, want %q", d, got[dd], s)
		}
	}
	for _, bad := range []string{"hello", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2026\nEND:VEVENT\nEND:VCALENDAR"} {
		if _, err := hours.ParseICalHolidays(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseICalHolidays(%q) accepted", bad)
		}
	}
}

// FuzzAdd checks the laws of the arithmetic on random calendars, starts
// and durations: Between undoes Add, Add moves forward and lands in or at
// the end of business hours.
func FuzzAdd(f *testing.F) {
	f.Add(int64(1772442000), int64(4*3600), uint8(0), uint16(8*60), uint16(18*60), uint8(31))
	f.Add(int64(1774746000), int64(90000), uint8(1), uint16(0), uint16(24*60), uint8(127))
	f.Add(int64(1792976400), int64(36000), uint8(2), uint16(9*60+30), uint16(9*60+31), uint8(1))
	zones := []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"}
	f.Fuzz(func(t *testing.T, startUnix, seconds int64, zone uint8, open, closeAt uint16, days uint8) {
		startUnix = 1_700_000_000 + startUnix%400_000_000
		if startUnix < 0 {
			startUnix = -startUnix
		}
		d := time.Duration(seconds%(30*24*3600)) * time.Second
		if d < 0 {
			d = -d
		}
		o, c := hours.Clock(open%(24*60)), hours.Clock(closeAt%(24*60+1))
		if c <= o || days&0x7f == 0 {
			return
		}
		cal := &hours.Calendar{Name: "fuzz", Location: loadZone(t, zones[int(zone)%len(zones)])}
		for wd := range 7 {
			if days&(1<<wd) != 0 {
				cal.Week[wd] = []hours.Window{{Start: o, End: c}}
			}
		}
		start := time.Unix(startUnix, 0)
		end, err := cal.Add(start, d)
		if errors.Is(err, hours.ErrNeverOpen) {
			weekly := time.Duration(c-o) * time.Minute * time.Duration(bits.OnesCount8(days&0x7f))
			if weekly*500 > d {
				t.Fatalf("Add(%s, %s) gave up with %s open a week", start, d, weekly)
			}
			return // more than ten years of this calendar's hours
		}
		if err != nil {
			t.Fatalf("Add: %v", err)
		}
		if end.Before(start) {
			t.Fatalf("Add went back: %s → %s", start, end)
		}
		if got := cal.Between(start, end); got != d {
			t.Fatalf("Between(%s, Add(%s)) = %s (calendar %v in %s)", start, d, got, cal.Week, cal.Location)
		}
		if d > 0 && !cal.IsOpen(end.Add(-time.Nanosecond)) {
			t.Fatalf("Add(%s, %s) = %s, just after closed time", start, d, end)
		}
	})
}

func loadZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// BenchmarkAdd measures deadline computations: a 4-business-hour target
// and a 7-business-day target from starts spread over a year, on an
// office calendar with holidays.
func BenchmarkAdd(b *testing.B) {
	cal := mustCal(b, "Europe/Berlin", "mon-fri 08:00-12:00 13:00-18:00", "2026-12-24", "2026-12-25", "2026-12-31", "2027-01-01")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.Run("4h", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := cal.Add(start.Add(time.Duration(i%8760)*time.Hour), 4*time.Hour); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("24h", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := cal.Add(start.Add(time.Duration(i%8760)*time.Hour), 24*time.Hour); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("7-days", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := cal.AddDays(start.Add(time.Duration(i%8760)*time.Hour), 7); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
