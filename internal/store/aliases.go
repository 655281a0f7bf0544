package store

import (
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/hours"
)

// Transitional aliases: the read models live in desk (and the stored
// calendar in hours); removed by the scripted rename that follows
// (/work/notes/readmodels-rename.sh).
type (
	CaseRow          = desk.CaseRow
	CaseList         = desk.CaseList
	CaseFilter       = desk.CaseFilter
	CasePage         = desk.CasePage
	Catalog          = desk.Catalog
	ContractFilter   = desk.ContractFilter
	UserFilter       = desk.UserFilter
	APIToken         = desk.APIToken
	AccessRequestRow = desk.AccessRequestRow
	EscalationRow    = desk.EscalationRow
	EscalationEntry  = desk.EscalationEntry
	AuditEntry       = desk.AuditEntry
	AuditFilter      = desk.AuditFilter
	Notification     = desk.Notification
	SLATarget        = desk.SLATarget
	Pause            = desk.Pause
	CalendarRow      = hours.CalendarRow
)

const (
	MyCases         = desk.MyCases
	GroupCases      = desk.GroupCases
	ClosedCases     = desk.ClosedCases
	Queue           = desk.Queue
	DefaultPageSize = desk.DefaultPageSize
	MaxPageSize     = desk.MaxPageSize
)
