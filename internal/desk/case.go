package desk

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CaseType is the kind of a case.
type CaseType string

// Case types.
const (
	TypeSupport        CaseType = "support"
	TypeServiceRequest CaseType = "service_request"
	TypeAdmin          CaseType = "admin"
	TypeDataPrivacy    CaseType = "data_privacy"
)

// CaseTypeInfo describes a case type: its name and the sub types it allows.
type CaseTypeInfo struct {
	Type     CaseType
	SubTypes []string
}

// MessageID is the catalogue ID of the type's label.
func (ti CaseTypeInfo) MessageID() string { return ti.Type.MessageID() }

// Label is the type's name in English.
func (ti CaseTypeInfo) Label() string { return ti.Type.Label() }

// CaseTypes lists every case type with its sub types, from the handbook.
var CaseTypes = []CaseTypeInfo{
	{TypeSupport, []string{"Problem", "Question"}},
	{TypeServiceRequest, []string{
		"Add or remove access", "Password reset", "Change request", "New project request",
	}},
	{TypeAdmin, []string{
		"Question", "Request", "Problem", "Add/Remove Support Access",
		"Log File Retrieval Service", "Licence", "Portal", "File transfer",
	}},
	{TypeDataPrivacy, []string{"Access", "Erasure", "Rectification"}},
}

// TypeInfo returns the description of t.
func TypeInfo(t CaseType) (CaseTypeInfo, bool) {
	for _, ti := range CaseTypes {
		if ti.Type == t {
			return ti, true
		}
	}
	return CaseTypeInfo{}, false
}

// MessageID is the catalogue ID of the CaseType's label.
func (t CaseType) MessageID() string { return "label.case_type." + string(t) }

// Label is the type's name as customers know it.
func (t CaseType) Label() string { return label(t.MessageID(), string(t)) }

// Priority is how urgent a case is for the customer.
type Priority string

// Priorities, lowest first. Customers choose Low, Medium or High; Critical
// and Production Down are raised by phone and set by staff.
const (
	PriorityLow            Priority = "low"
	PriorityMedium         Priority = "medium"
	PriorityHigh           Priority = "high"
	PriorityCritical       Priority = "critical"
	PriorityProductionDown Priority = "production_down"
)

// Priorities lists every priority, lowest first.
var Priorities = []Priority{PriorityLow, PriorityMedium, PriorityHigh, PriorityCritical, PriorityProductionDown}

// CustomerPriorities are the priorities a customer may choose on the portal.
var CustomerPriorities = []Priority{PriorityLow, PriorityMedium, PriorityHigh}

// MessageID is the catalogue ID of the Priority's label.
func (p Priority) MessageID() string { return "label.priority." + string(p) }

// Label is the priority's name as customers know it.
func (p Priority) Label() string { return label(p.MessageID(), string(p)) }

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { return slices.Contains(Priorities, p) }

// Status is the main state of a case.
type Status string

// Statuses.
const (
	StatusOpen                Status = "open"
	StatusAwaitingInformation Status = "awaiting_information"
	StatusSolutionProposed    Status = "solution_proposed"
	StatusClosed              Status = "closed"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusOpen, StatusAwaitingInformation, StatusSolutionProposed, StatusClosed}

// MessageID is the catalogue ID of the Status's label.
func (s Status) MessageID() string { return "label.status." + string(s) }

// Label is the status's name as customers know it.
func (s Status) Label() string { return label(s.MessageID(), string(s)) }

// SubStatus refines a status. Each belongs to exactly one status.
type SubStatus string

// Substatuses, grouped by status.
const (
	SubNew                SubStatus = "new"
	SubInvestigation      SubStatus = "investigation"
	SubEngineeringRequest SubStatus = "engineering_request"
	SubMaintenanceReview  SubStatus = "maintenance_review"
	SubThirdPartyPending  SubStatus = "third_party_pending"
	SubInfoFromCustomer   SubStatus = "information_required_from_customer"
	SubReplied            SubStatus = "replied"
	SubFixedSoftware      SubStatus = "fixed_software_provided"
	SubResolved           SubStatus = "resolved"
	SubCancelled          SubStatus = "cancelled"
)

// SubStatuses maps each status to its substatuses, in the order the
// handbook lists them.
var SubStatuses = map[Status][]SubStatus{
	StatusOpen:                {SubNew, SubInvestigation, SubEngineeringRequest, SubMaintenanceReview},
	StatusAwaitingInformation: {SubThirdPartyPending, SubInfoFromCustomer},
	StatusSolutionProposed:    {SubReplied, SubFixedSoftware},
	StatusClosed:              {SubResolved, SubCancelled},
}

// MessageID is the catalogue ID of the SubStatus's label.
func (s SubStatus) MessageID() string { return "label.sub_status." + string(s) }

// Label is the substatus's name as customers know it.
func (s SubStatus) Label() string { return label(s.MessageID(), string(s)) }

// transitions is the one table of allowed status changes. A change within
// the same status (another substatus) is always allowed for a non-closed
// case. Closed -> Open is a reopen.
var transitions = map[Status][]Status{
	StatusOpen:                {StatusAwaitingInformation, StatusSolutionProposed, StatusClosed},
	StatusAwaitingInformation: {StatusOpen, StatusSolutionProposed, StatusClosed},
	StatusSolutionProposed:    {StatusOpen, StatusAwaitingInformation, StatusClosed},
	StatusClosed:              {StatusOpen},
}

// CheckTransition reports whether a case may move from one status and
// substatus to another. It returns a wrapped ErrConflict when not.
func CheckTransition(from Status, fromSub SubStatus, to Status, toSub SubStatus) error {
	if !slices.Contains(SubStatuses[to], toSub) {
		p := Problems{}
		p.AddMessage("substatus", "desk.case.substatus_mismatch", "SubStatus", toSub, "Status", to)
		return p.Err()
	}
	if from == to {
		if from == StatusClosed && fromSub != toSub {
			return Refuse(ErrConflict, "desk.case.closure_reason_kept")
		}
		return nil
	}
	if !slices.Contains(transitions[from], to) {
		return Refuse(ErrConflict, "desk.case.transition_refused", "From", from, "To", to)
	}
	return nil
}

// Stage is where the affected system runs.
type Stage string

// Implementation stages.
const (
	StageProduction Stage = "production"
	StageUAT        Stage = "uat"
)

// MessageID is the catalogue ID of the Stage's label.
func (s Stage) MessageID() string { return "label.stage." + string(s) }

// Label is how the case page names the stage.
func (s Stage) Label() string { return label(s.MessageID(), string(s)) }

// Case is a support case. Its number is its ID, written with ten digits.
type Case struct {
	ID             int64
	SoldToID       int64
	EndUserID      int64
	ContactID      int64 // the Designated Contact the case belongs to
	OwnerID        int64 // the staff member working it; zero when unassigned
	Type           CaseType
	SubType        string
	ProductID      int64
	ComponentID    int64
	Summary        string
	Description    string
	Priority       Priority
	Severity       int // staff-assigned, 1 (highest) to 4; zero until assessed
	Status         Status
	SubStatus      SubStatus
	Stage          Stage
	SecurityThreat bool
	BusinessImpact string
	AgentsAffected int
	ExternalRef    string
	// LinkedCaseID is the closed case this one follows up, when it was
	// opened because the old one could no longer be reopened.
	LinkedCaseID int64
	// MergedIntoID is the case this one was merged into as a duplicate
	// (it is closed, and its Case Feed is there now); 0 for none.
	MergedIntoID int64
	CloseComment string
	// AutoClosed is set when automated follow-ups closed the case for want
	// of a customer response: then only staff may reopen it.
	AutoClosed bool
	// ReferenceID ties emails to the case: unguessable, unlike its number.
	ReferenceID   string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	ClosedAt      time.Time
	ReopenedCount int
	// Origin is how the case was opened: on the portal, by phone, by API.
	Origin Origin
	// Version moves with every change to the case (its fields, a Case
	// Feed entry, a file, a tag): a change made on a page read at an older
	// version is refused (StaleError).
	Version int64
}

// NewReferenceID returns a fresh Reference ID: 20 hex digits of
// randomness, so a reply can be tied to a case without guessing.
func NewReferenceID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// Number is the case's 10-digit number.
func (c *Case) Number() string { return FormatCaseNumber(c.ID) }

// Closed reports whether the case is closed.
func (c *Case) Closed() bool { return c.Status == StatusClosed }

// Combination is the Sold To / End User pair the case was opened for.
func (c *Case) Combination() Combination {
	return Combination{SoldToID: c.SoldToID, EndUserID: c.EndUserID}
}

// FormatCaseNumber writes a case ID as the 10-digit number people quote.
func FormatCaseNumber(id int64) string { return fmt.Sprintf("%010d", id) }

// ParseCaseNumber reads a case number as people type it: ten digits, with or
// without leading zeros. It reports false for anything else.
func ParseCaseNumber(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 10 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// ReopenWindow is how long after closure a customer may ask to reopen a
// case; after that they open a new one.
const ReopenWindow = 30 * 24 * time.Hour

// Reopenable reports whether the customer may still ask to reopen c.
func (c *Case) Reopenable(now time.Time) bool {
	return c.Status == StatusClosed && !c.AutoClosed && !c.ClosedAt.IsZero() && now.Before(c.ReopenUntil())
}

// ReopenUntil is the end of c's reopen window (zero while c is open).
func (c *Case) ReopenUntil() time.Time {
	if c.ClosedAt.IsZero() {
		return time.Time{}
	}
	return c.ClosedAt.Add(ReopenWindow)
}

// WaitsOnCustomer reports whether the case waits for the customer: a
// solution was proposed, or staff asked for information. Follow-ups run
// then, and the SLA clock pauses.
func (c *Case) WaitsOnCustomer() bool {
	return c.Status == StatusSolutionProposed || (c.Status == StatusAwaitingInformation && c.SubStatus == SubInfoFromCustomer)
}

// WaitsOnThirdParty reports whether support waits on a third party it
// logged a fault with (Awaiting Information - Third Party Pending). The
// case waits, but not on the customer: the handbook's follow-ups are for
// information support needs from the customer, and the wait is support's,
// so the SLA clock runs on and the pages say why.
func (c *Case) WaitsOnThirdParty() bool {
	return c.Status == StatusAwaitingInformation && c.SubStatus == SubThirdPartyPending
}

// FollowUpsApply reports whether automated follow-ups may run on the case:
// never for Critical or Production Down, which staff follow by phone.
func (c *Case) FollowUpsApply() bool { return !c.Urgent() }

// Urgent reports whether the case is Critical or Production Down.
func (c *Case) Urgent() bool {
	return c.Priority == PriorityCritical || c.Priority == PriorityProductionDown
}

// Limits on case fields.
const (
	MaxSummary       = 1000
	MaxDescription   = 32000
	DescriptionWords = 10 // the meter turns green here
	MaxComment       = 32000
	MaxImpact        = 4000 // the business impact of a new case
	MaxReference     = 100  // the customer's own reference for a case
)

// NewCase is what a Designated Contact submits to open a case.
type NewCase struct {
	Combination
	// ContactID is the Designated Contact the case is for when staff open
	// it on a caller's behalf; a contact always opens cases for themselves.
	ContactID      int64
	Type           CaseType
	SubType        string
	ProductID      int64
	ComponentID    int64
	Summary        string
	Description    string
	Priority       Priority
	Stage          Stage
	SecurityThreat bool
	BusinessImpact string
	AgentsAffected int
	ExternalRef    string
	LinkedCaseID   int64
	// Origin is how the case comes: the portal's form when not given.
	Origin Origin
}

// Validate checks the fields that need no lookup; whether the combination,
// product and component exist and fit together is checked by the service
// that opens the case. may is what the author may do on the combination
// (Allowed): SetAnyPriority allows Critical and Production Down.
func (n *NewCase) Validate(may Permissions) error {
	p := Problems{}
	n.Check(p, may)
	return p.Err()
}

// Check adds the problems Validate finds to p, for a use case that goes on
// to check what needs the store and reports every problem at once.
func (n *NewCase) Check(p Problems, may Permissions) {
	if n.SoldToID == 0 || n.EndUserID == 0 {
		p.AddMessage("combination", "desk.case.combination")
	}
	ti, ok := TypeInfo(n.Type)
	switch {
	case !ok:
		p.AddMessage("type", "desk.case.type")
	case n.SubType == "":
		p.AddMessage("sub_type", "desk.case.sub_type")
	case !slices.Contains(ti.SubTypes, n.SubType):
		p.AddMessage("sub_type", "desk.case.sub_type_unknown", "SubType", strconv.Quote(n.SubType), "Type", ti.Type)
	}
	if n.ProductID == 0 {
		p.AddMessage("product", "desk.case.product")
	}
	if n.ComponentID == 0 {
		p.AddMessage("component", "desk.case.component")
	}
	summary := strings.TrimSpace(n.Summary)
	switch {
	case summary == "":
		p.AddMessage("summary", "desk.case.summary")
	case utf8.RuneCountInString(summary) > MaxSummary:
		p.AddMessage("summary", "desk.text.too_long_used", "Max", MaxSummary, "Used", utf8.RuneCountInString(summary))
	}
	desc := strings.TrimSpace(n.Description)
	switch {
	case desc == "":
		p.AddMessage("description", "desk.case.description")
	case utf8.RuneCountInString(desc) > MaxDescription:
		p.AddMessage("description", "desk.text.too_long", "Max", MaxDescription)
	}
	allowed := CustomerPriorities
	if may.Can(SetAnyPriority) {
		allowed = Priorities
	}
	switch {
	case n.Priority == "":
		p.AddMessage("priority", "desk.case.priority")
	case !slices.Contains(allowed, n.Priority):
		p.AddMessage("priority", "desk.case.priority_by_telephone")
	}
	if n.Stage != StageProduction && n.Stage != StageUAT {
		p.AddMessage("stage", "desk.case.stage")
	}
	if n.AgentsAffected < 0 || n.AgentsAffected > 1_000_000 {
		p.AddMessage("agents_affected", "desk.case.agents_affected")
	}
	// The limits are those of CheckText, which the edge runs first.
	if n := utf8.RuneCountInString(n.BusinessImpact); n > MaxImpact {
		p.AddMessage("business_impact", "desk.text.too_long_used", "Max", MaxImpact, "Used", n)
	}
	if n := utf8.RuneCountInString(n.ExternalRef); n > MaxReference {
		p.AddMessage("external_ref", "desk.text.too_long_used", "Max", MaxReference, "Used", n)
	}
}

// WordCount counts the words of a description, as the meter does.
func WordCount(s string) int { return len(strings.Fields(s)) }

// CloseReason is why a customer closes a case.
type CloseReason = SubStatus

// EntryKind is the kind of a case feed entry.
type EntryKind string

// Feed entry kinds.
const (
	// EntryComment is a customer's update.
	EntryComment EntryKind = "comment"
	// EntryReply is a staff member's public reply.
	EntryReply EntryKind = "reply"
	// EntryNote is a staff member's internal note: never shown to customers.
	EntryNote EntryKind = "note"
	// EntryEvent is a change the system records: status, priority, owner,
	// contact, closure, reopen.
	EntryEvent EntryKind = "event"
)

// MessageID is the catalogue ID of the EntryKind's label.
func (k EntryKind) MessageID() string { return "label.entry_kind." + string(k) }

// Label is how the feed names the kind of an entry.
func (k EntryKind) Label() string { return label(k.MessageID(), string(k)) }

// Entry is one item of a case feed.
type Entry struct {
	ID        int64
	CaseID    int64
	Kind      EntryKind
	AuthorID  int64
	Author    string // the author's name, for display
	Body      string
	CreatedAt time.Time
}

// Internal reports whether only staff may see e.
func (e *Entry) Internal() bool { return e.Kind == EntryNote }

// Event reports whether e is a change the system recorded, not words
// somebody wrote.
func (e *Entry) Event() bool { return e.Kind == EntryEvent }

// ValidateComment checks the text of a comment, reply or note.
func ValidateComment(field, body string) error {
	body = strings.TrimSpace(body)
	p := Problems{}
	switch {
	case body == "":
		p.AddMessage(field, "desk.comment.empty")
	case utf8.RuneCountInString(body) > MaxComment:
		p.AddMessage(field, "desk.text.too_long", "Max", MaxComment)
	}
	return p.Err()
}

// SuggestComponent picks the component whose name, or whose product's
// name, shares the most words with what the customer wrote, among the
// products offered. It returns zeros when nothing matches.
func SuggestComponent(text string, products []Product, comps []Component) (productID, componentID int64) {
	words := map[string]bool{}
	for w := range strings.FieldsFuncSeq(strings.ToLower(text), notWordRune) {
		if len(w) > 2 {
			words[w] = true
		}
	}
	score := func(name string) int {
		n := 0
		for w := range strings.FieldsFuncSeq(strings.ToLower(name), notWordRune) {
			if words[w] {
				n++
			}
		}
		return n
	}
	offered := map[int64]int{}
	for _, p := range products {
		offered[p.ID] = score(p.Name)
	}
	best := 0
	for _, c := range comps {
		ps, ok := offered[c.ProductID]
		if !ok {
			continue
		}
		if s := 2*score(c.Name) + ps; s > best {
			best, productID, componentID = s, c.ProductID, c.ID
		}
	}
	return productID, componentID
}

func notWordRune(r rune) bool {
	return (r < 'a' || r > 'z') && (r < '0' || r > '9')
}

// MayReopen decides whether a may reopen c now: the policy's ReopenCase,
// then the window. Whoever may ReopenAnyCase (staff) reopens at any time;
// anyone else within ReopenWindow of a closure that automated follow-ups
// did not make. The page and the reopen itself both ask it, and the page
// shows its refusal as the reason.
func (c *Case) MayReopen(a *Actor, now time.Time) error {
	if err := Authorize(a, ReopenCase, On(c.Combination())); err != nil {
		return err
	}
	if c.Status != StatusClosed {
		return Refuse(ErrConflict, "desk.case.reopen_not_closed", "Number", c.Number())
	}
	if Authorize(a, ReopenAnyCase, On(c.Combination())) == nil {
		return nil
	}
	if c.AutoClosed {
		return Refuse(ErrConflict, "desk.case.reopen_auto_closed", "Number", c.Number())
	}
	if !c.Reopenable(now) {
		return Refuse(ErrConflict, reopenWindowPassed, "Number", c.Number(), "Days", int(ReopenWindow/(24*time.Hour)))
	}
	return nil
}

// reopenWindowPassed is MayReopen's refusal once the window has passed:
// the way on is a new case linked to the old one.
const reopenWindowPassed = "desk.case.reopen_window_passed"

// MayOpenLinked reports whether a may open a new case linked to c in place
// of reopening it: MayReopen refuses because c's window has passed, and a
// may open cases for its combination.
func (c *Case) MayOpenLinked(a *Actor, now time.Time) bool {
	m, ok := AsMessage(c.MayReopen(a, now))
	return ok && m.ID == reopenWindowPassed && Authorize(a, OpenCase, On(c.Combination())) == nil
}
