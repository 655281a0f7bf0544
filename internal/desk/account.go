package desk

import (
	"slices"
	"strings"
	"time"
)

// Company is a customer or partner account, known by its Org ID. The role a
// company plays (Sold To, End User, Support Owner) is not a property of the
// company but of each Service Contract it appears on.
type Company struct {
	ID      int64
	OrgID   string
	Name    string
	Country string
	// ParentID is the Sold To this company is a division or subsidiary of,
	// or zero. It matters for who may be a Designated Contact.
	ParentID int64
	// CalendarID is the business-hours calendar of the company's cases
	// when their contract names none; zero for the default.
	CalendarID int64
	CreatedAt  time.Time
}

// SupportLevel is the care level bought on a Service Contract.
type SupportLevel string

// Support levels, from the handbook.
const (
	BusinessCare     SupportLevel = "business_care"
	BusinessCarePlus SupportLevel = "business_care_plus"
	PremiumCare      SupportLevel = "premium_care"
)

// SupportLevels lists the levels in the order forms show them.
var SupportLevels = []SupportLevel{BusinessCare, BusinessCarePlus, PremiumCare}

// MessageID is the catalogue ID of the SupportLevel's label.
func (l SupportLevel) MessageID() string { return "label.support_level." + string(l) }

// Label is the level's name as customers know it.
func (l SupportLevel) Label() string { return label(l.MessageID(), string(l)) }

// Valid reports whether l is one of SupportLevels.
func (l SupportLevel) Valid() bool { return slices.Contains(SupportLevels, l) }

// FlexCare is an add-on that can be bought on top of a support level.
type FlexCare string

// Flex Care add-ons.
const (
	TechnicalAccountManager  FlexCare = "technical_account_manager"
	SupportArchitect         FlexCare = "support_architect"
	RemoteAlarmMonitoring    FlexCare = "remote_alarm_monitoring"
	ExtendedSupport          FlexCare = "extended_support"
	CustomApplicationSupport FlexCare = "custom_application_support"
	SpecialEventSupport      FlexCare = "special_event_support"
)

// FlexCareAddOns lists the add-ons in the order forms show them.
var FlexCareAddOns = []FlexCare{
	TechnicalAccountManager, SupportArchitect, RemoteAlarmMonitoring,
	ExtendedSupport, CustomApplicationSupport, SpecialEventSupport,
}

// MessageID is the catalogue ID of the FlexCare's label.
func (f FlexCare) MessageID() string { return "label.flex_care." + string(f) }

// Label is the add-on's name as customers know it.
func (f FlexCare) Label() string { return label(f.MessageID(), string(f)) }

// Deployment is where the covered software runs; it selects service-level
// targets.
type Deployment string

// Deployment types.
const (
	Premise Deployment = "premise"
	Cloud   Deployment = "cloud"
)

// MessageID is the catalogue ID of the Deployment's label.
func (d Deployment) MessageID() string { return "label.deployment." + string(d) }

// Label is how pages name where the software runs.
func (d Deployment) Label() string { return label(d.MessageID(), string(d)) }

// ContractState is the administrative state of a Service Contract. A contract
// in state active still ends on its end date; see Contract.ActiveAt.
type ContractState string

// Contract states.
const (
	ContractActive     ContractState = "active"
	ContractTerminated ContractState = "terminated"
	ContractClosed     ContractState = "closed"
)

// ContractStates lists the states in the order forms show them.
var ContractStates = []ContractState{ContractActive, ContractTerminated, ContractClosed}

// MessageID is the catalogue ID of the ContractState's label.
func (s ContractState) MessageID() string { return "label.contract_state." + string(s) }

// Label is how the console names the contract's state.
func (s ContractState) Label() string { return label(s.MessageID(), string(s)) }

// Active reports whether the contract's administrative state is active
// (its dates may still have ended: see Contract.ActiveAt).
func (s ContractState) Active() bool { return s == ContractActive }

// Contract is a Service Contract (maintenance agreement): a Sold To buys
// support for an End User, delivered by the Support Owner.
type Contract struct {
	ID             int64
	Number         string
	SoldToID       int64
	EndUserID      int64
	SupportOwnerID int64
	Level          SupportLevel
	FlexCare       []FlexCare
	Deployment     Deployment
	ProductIDs     []int64
	Starts         time.Time // first day covered
	Ends           time.Time // last day covered
	State          ContractState
	// CalendarID is the business-hours calendar its service levels run
	// on; zero for the End User's or the default one.
	CalendarID int64
}

// ActiveAt reports whether the contract entitles support at now: its state
// is active and now falls within its dates (the end date is covered whole).
func (c *Contract) ActiveAt(now time.Time) bool {
	if c.State != ContractActive {
		return false
	}
	if now.Before(c.Starts) {
		return false
	}
	return now.Before(c.Ends.AddDate(0, 0, 1))
}

// ContractStatus is what a contract is at a moment, as the console and the
// API show it: in force, not started yet, ended, or set aside by its state.
type ContractStatus string

// Contract statuses: a contract in state active is one of the first three
// by its dates; one terminated or closed is that whatever its dates.
const (
	ContractInForce          ContractStatus = "active"
	ContractNotStarted       ContractStatus = "not_started"
	ContractEnded            ContractStatus = "ended"
	ContractStatusTerminated ContractStatus = ContractStatus(ContractTerminated)
	ContractStatusClosed     ContractStatus = ContractStatus(ContractClosed)
)

// MessageID is the catalogue ID of the ContractStatus's label.
func (s ContractStatus) MessageID() string { return "label.contract_status." + string(s) }

// Label is how the console names what the contract is now.
func (s ContractStatus) Label() string { return label(s.MessageID(), string(s)) }

// InForce reports whether the contract entitles support.
func (s ContractStatus) InForce() bool { return s == ContractInForce }

// NotStarted reports whether the contract's first day is still to come.
func (s ContractStatus) NotStarted() bool { return s == ContractNotStarted }

// StatusAt says what the contract is at now: its state when that is not
// active, else whether now falls before, within or after its dates.
func (c *Contract) StatusAt(now time.Time) ContractStatus {
	switch {
	case c.State != ContractActive:
		return ContractStatus(c.State)
	case now.Before(c.Starts):
		return ContractNotStarted
	case c.ActiveAt(now):
		return ContractInForce
	}
	return ContractEnded
}

// Combination names a Sold To / End User pair: access is granted, and cases
// are opened, per combination.
type Combination struct {
	SoldToID  int64
	EndUserID int64
}

// Combination returns the pair the contract covers.
func (c *Contract) Combination() Combination {
	return Combination{SoldToID: c.SoldToID, EndUserID: c.EndUserID}
}

// ValidateContract checks a contract before it is saved.
func ValidateContract(c *Contract) error {
	p := Problems{}
	if strings.TrimSpace(c.Number) == "" {
		p.AddMessage("number", "desk.contract.number")
	}
	if c.SoldToID == 0 {
		p.AddMessage("sold_to", "desk.contract.sold_to")
	}
	if c.EndUserID == 0 {
		p.AddMessage("end_user", "desk.contract.end_user")
	}
	if !c.Level.Valid() {
		p.AddMessage("level", "desk.contract.level")
	}
	for _, f := range c.FlexCare {
		if !slices.Contains(FlexCareAddOns, f) {
			p.AddMessage("flex_care", "desk.contract.flex_care_unknown", "AddOn", string(f))
		}
	}
	if c.Deployment != Premise && c.Deployment != Cloud {
		p.AddMessage("deployment", "desk.contract.deployment_choice", "Premise", Premise, "Cloud", Cloud)
	}
	if !slices.Contains(ContractStates, c.State) {
		p.AddMessage("state", "desk.contract.state")
	}
	if len(c.ProductIDs) == 0 {
		p.AddMessage("products", "desk.contract.products")
	}
	if c.Starts.IsZero() {
		p.AddMessage("starts", "desk.contract.starts")
	}
	if c.Ends.IsZero() {
		p.AddMessage("ends", "desk.contract.ends")
	}
	if !c.Starts.IsZero() && !c.Ends.IsZero() && c.Ends.Before(c.Starts) {
		p.AddMessage("ends", "desk.contract.ends_before_starts")
	}
	return p.Err()
}

// ValidateCompany checks a company before it is saved.
func ValidateCompany(c *Company) error {
	p := Problems{}
	if strings.TrimSpace(c.OrgID) == "" {
		p.AddMessage("org_id", "desk.company.org_id")
	}
	if strings.TrimSpace(c.Name) == "" {
		p.AddMessage("name", "desk.company.name")
	}
	if strings.TrimSpace(c.Country) == "" {
		p.AddMessage("country", "desk.company.country")
	}
	if c.ParentID != 0 && c.ParentID == c.ID {
		p.AddMessage("parent", "desk.company.parent")
	}
	return p.Err()
}

// Product is a product line that contracts cover and cases are opened for.
type Product struct {
	ID     int64
	Name   string
	LineID int64 // the product line it belongs to; zero: none
}

// Component is a part of a product; cases are opened against one.
type Component struct {
	ID        int64
	ProductID int64
	Name      string
}
