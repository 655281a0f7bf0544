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
	// ByDeadline orders the queue by the soonest service-level deadline
	// ("time to breach") and leaves out cases with no running clock. A
	// keyword search keeps its own order.
	ByDeadline bool
	// Limit is the page size: 25 when zero, at most 100.
	Limit int
	// After is CasePage.Next of the previous page; empty for the first.
	After Cursor
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
