package desk

import "time"

// KBFollowKind is what a follow of the knowledge follows.
type KBFollowKind string

// What one follows: a query (with its source, filters and sort), one
// item, or the security advisories (the profile's switch).
const (
	KBFollowQuery      KBFollowKind = "query"
	KBFollowItem       KBFollowKind = "item"
	KBFollowAdvisories KBFollowKind = "advisories"
)

// Valid reports whether k is a known kind.
func (k KBFollowKind) Valid() bool {
	return k == KBFollowQuery || k == KBFollowItem || k == KBFollowAdvisories
}

// KBDelivery is when a follow's alerts go out: daily, weekly (Mondays),
// monthly (the first of the month), or one weekday.
type KBDelivery string

// The delivery choices of Manage Alerts.
const (
	KBDaily     KBDelivery = "daily"
	KBWeekly    KBDelivery = "weekly"
	KBMonthly   KBDelivery = "monthly"
	KBMonday    KBDelivery = "monday"
	KBTuesday   KBDelivery = "tuesday"
	KBWednesday KBDelivery = "wednesday"
	KBThursday  KBDelivery = "thursday"
	KBFriday    KBDelivery = "friday"
	KBSaturday  KBDelivery = "saturday"
	KBSunday    KBDelivery = "sunday"
)

// KBDeliveries lists the choices in the order the select offers them.
var KBDeliveries = []KBDelivery{KBDaily, KBWeekly, KBMonthly, KBMonday, KBTuesday, KBWednesday, KBThursday, KBFriday, KBSaturday, KBSunday}

// Valid reports whether d is a known choice.
func (d KBDelivery) Valid() bool {
	for _, v := range KBDeliveries {
		if d == v {
			return true
		}
	}
	return false
}

// KBAlertHour is the hour (UTC) at which alerts go out.
const KBAlertHour = 6

// Next is the first time after t at which alerts of d go out: every
// day, every Monday (weekly), the first of every month (monthly), or the
// weekday, at KBAlertHour UTC.
func (d KBDelivery) Next(t time.Time) time.Time {
	t = t.UTC()
	at := time.Date(t.Year(), t.Month(), t.Day(), KBAlertHour, 0, 0, 0, time.UTC)
	for !at.After(t) || !d.falls(at) {
		at = at.AddDate(0, 0, 1)
	}
	return at
}

func (d KBDelivery) falls(at time.Time) bool {
	switch d {
	case KBDaily:
		return true
	case KBWeekly:
		return at.Weekday() == time.Monday
	case KBMonthly:
		return at.Day() == 1
	}
	for i, w := range []KBDelivery{KBSunday, KBMonday, KBTuesday, KBWednesday, KBThursday, KBFriday, KBSaturday} {
		if w == d {
			return at.Weekday() == time.Weekday(i)
		}
	}
	return false
}

// KBFollow is one follow of a user: a query, an item or the security
// advisories, with when its alerts go out and when the last one did.
type KBFollow struct {
	ID     int64
	UserID int64
	Kind   KBFollowKind
	// ItemID is the followed item (an item follow).
	ItemID int64
	// Query is the search as the knowledge area runs it (a query
	// follow), Search the results page's query string that shows it.
	Query  string
	Search string
	// Description is what the reader calls a followed query; editing it
	// does not change the query.
	Description string
	Delivery    KBDelivery
	CreatedAt   time.Time
	LastAlertAt time.Time
}

// MessageID is the catalogue ID of the delivery's name.
func (d KBDelivery) MessageID() string { return "desk.kb.delivery." + string(d) }

// MessageID is the catalogue ID of the kind's name (Manage Alerts' Type).
func (k KBFollowKind) MessageID() string { return "desk.kb.follow_kind." + string(k) }
