package desk

import "time"

// NoticeKind is a kind of event the console's notifications (the bell)
// tell a staff member of, each also sent by email as their profile says.
type NoticeKind string

// Notice kinds: a case assigned to me, a customer's update on a case I
// own, an escalation (of a case I own, or for those who work
// escalations), a service-level warning or breach on a case I own.
const (
	NoticeAssigned       NoticeKind = "assigned"
	NoticeCustomerUpdate NoticeKind = "customer_update"
	NoticeEscalation     NoticeKind = "escalation"
	NoticeSLA            NoticeKind = "sla"
)

// NoticeKinds lists the kinds in the profile's order.
var NoticeKinds = []NoticeKind{NoticeAssigned, NoticeCustomerUpdate, NoticeEscalation, NoticeSLA}

// MessageID is the catalogue ID of the NoticeKind's label.
func (k NoticeKind) MessageID() string { return "label.notice_kind." + string(k) }

// Label is how the profile names the kind.
func (k NoticeKind) Label() string { return label(k.MessageID(), string(k)) }

// Valid reports whether k is a known kind.
func (k NoticeKind) Valid() bool {
	for _, v := range NoticeKinds {
		if v == k {
			return true
		}
	}
	return false
}

// EmailByDefault says whether the kind is emailed when the person has not
// chosen: all of them, as staff were emailed of escalations and
// service-level warnings before the bell.
func (k NoticeKind) EmailByDefault() bool { return true }

// NoticeEvent is what happened that a notification tells of, as its
// heading names it ("Assigned to you", "SLA breached"): each is of one
// NoticeKind, the profile's choice of what is emailed.
type NoticeEvent string

// Notice events. EventSLA is a service-level notice stored before warnings
// and breaches were told apart, which cannot say which it was.
const (
	EventAssigned       NoticeEvent = "assigned"
	EventCustomerUpdate NoticeEvent = "customer_update"
	EventEscalation     NoticeEvent = "escalation"
	EventSLAWarning     NoticeEvent = "sla_warning"
	EventSLABreached    NoticeEvent = "sla_breached"
	EventSLA            NoticeEvent = "sla"
)

// NoticeEvents lists the events a notice is made of today.
var NoticeEvents = []NoticeEvent{EventAssigned, EventCustomerUpdate, EventEscalation, EventSLAWarning, EventSLABreached}

// MessageID is the catalogue ID of the event's name.
func (e NoticeEvent) MessageID() string { return "label.notice_event." + string(e) }

// Label is the event's name, a notification's heading.
func (e NoticeEvent) Label() string { return label(e.MessageID(), string(e)) }

// Kind is the kind of notification the event is, whose email the
// profile chooses.
func (e NoticeEvent) Kind() NoticeKind {
	switch e {
	case EventSLAWarning, EventSLABreached, EventSLA:
		return NoticeSLA
	}
	return NoticeKind(e)
}

// Notice is one notification of the console, with the case and the person
// it tells of.
type Notice struct {
	ID          int64
	UserID      int64
	Kind        NoticeKind
	Event       NoticeEvent // what happened, of Kind
	CaseID      int64
	CaseSummary string
	ActorID     int64
	ActorName   string // empty for the system (service levels)
	// Detail is what happened beyond the kind, as stored ("Initial
	// response target due …"): a feed event's words.
	Detail    string
	CreatedAt time.Time
	ReadAt    time.Time
}

// Number is the notice's case number.
func (n *Notice) Number() string { return FormatCaseNumber(n.CaseID) }

// Unread reports whether the notice was not read yet.
func (n *Notice) Unread() bool { return n.ReadAt.IsZero() }

// NoticePrefs says per kind whether it is emailed.
type NoticePrefs map[NoticeKind]bool

// Email reports whether k is emailed: the person's choice, else the
// kind's default.
func (p NoticePrefs) Email(k NoticeKind) bool {
	if on, ok := p[k]; ok {
		return on
	}
	return k.EmailByDefault()
}

// MaxUnread is where the bell's count stops ("99+").
const MaxUnread = 100
