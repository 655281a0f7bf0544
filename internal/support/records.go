package support

import "github.com/caseport/caseport/internal/store"

// The records and filters the use cases take and hand out, under the
// names the layers above use: web speaks of support's (and desk's) types,
// never of store's, so it does not import the store (depguard). They are
// the store's own types for now; one that moves into desk changes its line
// here and nothing above.
type (
	// Catalog is the products with their components.
	Catalog = store.Catalog
	// CaseRow is a case with the names a list shows.
	CaseRow = store.CaseRow
	// CasePage is one page of a case list with the cursor of the next.
	CasePage = store.CasePage
	// CaseFilter says which cases a list shows; After is the opaque cursor
	// of the page before.
	CaseFilter = store.CaseFilter
	// CaseList names a list of cases.
	CaseList = store.CaseList
	// ContractFilter says which contracts to list.
	ContractFilter = store.ContractFilter
	// UserFilter says which contacts to list.
	UserFilter = store.UserFilter
	// AccessRequestRow is an access request with the names it shows.
	AccessRequestRow = store.AccessRequestRow
	// EscalationRow is an escalation with its case.
	EscalationRow = store.EscalationRow
	// CalendarRow is a business-hours calendar.
	CalendarRow = store.CalendarRow
	// SLATarget is a row of the service-level target table.
	SLATarget = store.SLATarget
	// AuditEntry is a line of the audit log.
	AuditEntry = store.AuditEntry
	// AuditFilter says which lines of the audit log to list.
	AuditFilter = store.AuditFilter
	// Notification is an email Caseport wrote (the outbox).
	Notification = store.Notification
)

// The case lists.
const (
	MyCases     = store.MyCases
	GroupCases  = store.GroupCases
	ClosedCases = store.ClosedCases
	Queue       = store.Queue
)
