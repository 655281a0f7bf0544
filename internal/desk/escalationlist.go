package desk

import "time"

// EscalationRow is an escalation with the case and the names shown beside
// it.
type EscalationRow struct {
	Escalation
	CaseSummary   string
	CasePriority  Priority
	SoldToName    string
	EndUserName   string
	RequesterName string
	OwnerName     string
}

// EscalationEntry is one line of an escalation's feed.
type EscalationEntry struct {
	ID        int64
	AuthorID  int64
	Author    string
	Body      string
	CreatedAt time.Time
}
