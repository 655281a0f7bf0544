package hours

// CalendarRow is a stored business-hours calendar.
type CalendarRow struct {
	ID       int64
	Name     string
	Zone     string
	Week     string // as ParseWeek reads it
	Holidays []Date
}

// Calendar builds the calendar's arithmetic.
func (r *CalendarRow) Calendar() (*Calendar, error) {
	return New(r.Name, r.Zone, r.Week, r.Holidays)
}
