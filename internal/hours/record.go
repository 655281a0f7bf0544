package hours

// CalendarRow is a business-hours calendar as it is stored and edited: its
// weekly windows in the text ParseWeek reads, its holidays as dates.
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
