package desk

import "time"

// CaseRow is a case with the names a page shows beside it.
type CaseRow struct {
	Case
	SoldToName    string
	EndUserName   string
	ContactName   string
	OwnerName     string // empty when unassigned
	ProductName   string
	ComponentName string
	// SLADueAt is the earliest deadline of the case's running
	// service-level clocks; zero when none runs.
	SLADueAt time.Time
	// Deadline is where the case stands against its service levels, as
	// the queue's "Next SLA deadline" column shows it: filled in by the
	// queue's use case from the case's clocks (zero on other lists).
	Deadline NextDeadline
}

// CaseList names a list of cases; each has its own base condition and
// order.
type CaseList int

// Case lists.
const (
	// MyCases are the non-closed cases whose contact is CaseFilter.ContactID.
	MyCases CaseList = iota
	// GroupCases are the non-closed cases of the scope's combinations.
	GroupCases
	// ClosedCases are the closed cases, most recently closed first.
	ClosedCases
	// Queue is the staff console: non-closed cases unless
	// CaseFilter.Statuses says otherwise.
	Queue
)

// CaseFilter selects one page of a case list. Every field that is set
// narrows the list further.
type CaseFilter struct {
	// Scope is required: all cases (staff) or the combinations the actor
	// may view. An empty, non-All scope lists nothing.
	Scope CaseScope
	List  CaseList
	// ContactID is the contact whose cases MyCases lists.
	ContactID int64
	// Number is an exact case number.
	Number int64
	// Keywords are words that must all occur in the summary or
	// description; the last one may be the start of a word.
	Keywords  string
	EndUserID int64
	// Statuses, Priorities, ProductID, OwnerID, Unassigned and CompanyID
	// are the staff console's filters. CompanyID matches the Sold To or
	// the End User.
	Statuses   []Status
	Priorities []Priority
	ProductID  int64
	OwnerID    int64
	Unassigned bool
	CompanyID  int64
	// Escalated keeps the cases with an active (requested or accepted)
	// escalation.
	Escalated bool
	// DueWithin keeps the cases whose running deadline falls before now
	// plus this much (overdue ones included); the use case sets DueBefore
	// from it by its clock.
	DueWithin time.Duration
	DueBefore time.Time
	// Order is the queue's order; a keyword search keeps its own.
	Order CaseOrder
	// Limit is the page size: 25 when zero, at most 100.
	Limit int
	// After is CasePage.Next of the previous page; empty for the first.
	After Cursor
}

// CaseOrder is an order of the staff queue. Each has an index that walks
// the open cases in it, so a page costs the same at any depth.
type CaseOrder string

// Case orders: the latest activity first (the default), the oldest
// activity first, newest or oldest case first, and the soonest
// service-level deadline first ("time to breach"), which goes on with the
// cases that have no running clock (latest activity first) unless
// DueWithin asks for deadlines only.
const (
	OrderUpdated     CaseOrder = ""
	OrderUpdatedAsc  CaseOrder = "updated"
	OrderNumber      CaseOrder = "-number"
	OrderNumberAsc   CaseOrder = "number"
	OrderDeadline    CaseOrder = "deadline"
	orderUpdatedDesc CaseOrder = "-updated" // the default, as a link names it
)

// CaseOrders lists the orders a queue link may name.
var CaseOrders = []CaseOrder{OrderUpdated, OrderUpdatedAsc, OrderNumber, OrderNumberAsc, OrderDeadline}

// ParseCaseOrder reads the sort parameter of a queue link: an order of
// CaseOrders ("-updated" is the default), anything else is the default.
func ParseCaseOrder(s string) CaseOrder {
	if CaseOrder(s) == orderUpdatedDesc {
		return OrderUpdated
	}
	for _, o := range CaseOrders {
		if string(o) == s {
			return o
		}
	}
	return OrderUpdated
}

// Column is the column the order sorts by ("updated", "number",
// "deadline") and Descending its direction, for the queue's headers.
func (o CaseOrder) Column() string {
	switch o {
	case OrderNumber, OrderNumberAsc:
		return "number"
	case OrderDeadline:
		return "deadline"
	}
	return "updated"
}

// Descending reports whether the order runs from the highest down.
func (o CaseOrder) Descending() bool { return o == OrderUpdated || o == OrderNumber }

// Toggled is the order a click on the column's header asks for: the
// other direction of the same column, or its first direction.
func (o CaseOrder) Toggled(column string) CaseOrder {
	switch column {
	case "number":
		if o == OrderNumber {
			return OrderNumberAsc
		}
		return OrderNumber
	case "deadline":
		return OrderDeadline
	}
	if o == OrderUpdated {
		return OrderUpdatedAsc
	}
	return orderUpdatedDesc
}

// CasePage is one page of a case list.
type CasePage struct {
	Cases []CaseRow
	// Next continues the list after this page as CaseFilter.After; it is
	// empty on the last page.
	Next Cursor
	// Now is when the use case read the page, by the service's clock:
	// the times to breach a queue shows count from it. The store leaves
	// it to support.
	Now time.Time
}

// Cursor is where a case list goes on: opaque to all but the store, which
// writes it (the sort time and ID of the last case of a page) and reads it
// back. It travels in a query string untouched; one the user edited is
// refused when it is read.
type Cursor string

// Page sizes.
const (
	DefaultPageSize = 25
	MaxPageSize     = 100
)

// QueueView is a saved view of the staff queue: a name and the queue's
// query string, personal (OwnerID) or shared with every staff member
// (OwnerID 0). A built-in view has a Key and no ID.
type QueueView struct {
	ID        int64
	Key       string // a built-in view's: "mine", "unassigned", …
	Name      string // a saved view's; a built-in view's is its label
	OwnerID   int64
	Query     string
	CreatedAt time.Time
	// Count is how many cases the view lists now, up to CountLimit:
	// filled in for the queue's sidebar.
	Count int
}

// Shared reports whether every staff member sees the view.
func (v QueueView) Shared() bool { return v.ID != 0 && v.OwnerID == 0 }

// MessageID is the catalogue ID of a built-in view's name.
func (v QueueView) MessageID() string { return "page.views.builtin." + v.Key }

// CountLimit is where a view's count stops ("1,000+"): no count reads more
// than this many entries of its index.
const CountLimit = 1000

// Capped reports whether the count reached CountLimit.
func (v QueueView) Capped() bool { return v.Count >= CountLimit }

// BuiltInViews are the queue's own views, in the sidebar's order: each is
// a query string of the queue.
var BuiltInViews = []QueueView{
	{Key: "mine", Query: "owner=me"},
	{Key: "unassigned", Query: "owner=none"},
	{Key: "breaching", Query: "due=2h&sort=deadline"},
	{Key: "awaiting", Query: "status=awaiting_information&status=solution_proposed"},
	{Key: "escalated", Query: "escalated=on"},
}

// MaxQueueViews is how many views a person may save (and how many shared
// views there may be), so the sidebar's counts stay few.
const MaxQueueViews = 20
