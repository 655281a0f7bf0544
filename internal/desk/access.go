package desk

import "time"

// AccessLevel is what a contact may do for one Sold To / End User
// combination. Levels are ordered: each includes the ones below it.
type AccessLevel int

// Access levels. NoAccess is the zero value: no grant at all.
const (
	NoAccess AccessLevel = iota
	// Basic opens the portal, tech tutorials and knowledge content.
	Basic
	// ReadOnly also shows the combination's cases.
	ReadOnly
	// ReadWrite makes the contact a Designated Contact: they also create,
	// update, close and reopen cases.
	ReadWrite
)

// AccessLevels lists the grantable levels, lowest first.
var AccessLevels = []AccessLevel{Basic, ReadOnly, ReadWrite}

// String is the level's stored name.
func (l AccessLevel) String() string {
	switch l {
	case Basic:
		return "basic"
	case ReadOnly:
		return "read_only"
	case ReadWrite:
		return "read_write"
	}
	return "none"
}

// MessageID is the catalogue ID of the AccessLevel's label.
func (l AccessLevel) MessageID() string { return "label.access_level." + l.String() }

// Label is the level's name as customers know it.
func (l AccessLevel) Label() string { return label(l.MessageID(), l.String()) }

// ParseAccessLevel reads a stored level name.
func ParseAccessLevel(s string) (AccessLevel, bool) {
	for _, l := range AccessLevels {
		if l.String() == s {
			return l, true
		}
	}
	return NoAccess, false
}

// Grant is the level a contact was given for one combination. The level
// that counts is computed at check time by EffectiveLevel.
type Grant struct {
	ContactID int64
	Combination
	Level     AccessLevel
	GrantedAt time.Time
}

// CombinationFacts are what EffectiveLevel needs to know about one
// combination at the time of the check.
type CombinationFacts struct {
	// Contracts are every Service Contract of the combination.
	Contracts []Contract
	// SoldTo and EndUser are the two companies.
	SoldTo, EndUser Company
	// EndUserDirect reports whether the End User also holds a direct
	// contract (one where it is its own Sold To) that is active.
	EndUserDirect bool
}

// EffectiveLevel is the level a contact holds for a combination now. A
// Read-Write grant counts as Read-Only when the contact has not accepted the
// current Designated Contact terms, when every contract of the combination
// has ended, or when the seeds' partner rule forbids it (see
// DesignatedContactAllowed). Nothing is stored when a grant lapses, so an
// expired contract never leaves a stale flag behind.
func EffectiveLevel(g Grant, contact *User, f CombinationFacts, now time.Time) AccessLevel {
	if g.Level != ReadWrite {
		return g.Level
	}
	if !contact.AcceptedTerms() || !anyActive(f.Contracts, now) {
		return ReadOnly
	}
	if msg := DesignatedContactAllowed(contact, f); msg != "" {
		return ReadOnly
	}
	return ReadWrite
}

// DesignatedContactAllowed returns why the contact cannot be a Designated
// Contact of the combination, or "" when they can. Employees of an End User
// whose support a partner runs cannot be, unless the End User is a division
// or subsidiary of the Sold To or also has a direct contract.
func DesignatedContactAllowed(contact *User, f CombinationFacts) string {
	return DesignatedContactRefusal(contact, f).String()
}

// DesignatedContactRefusal is DesignatedContactAllowed's answer as a
// catalogue message; the zero Message when the contact may be one.
func DesignatedContactRefusal(contact *User, f CombinationFacts) Message {
	if f.SoldTo.ID == f.EndUser.ID || contact.CompanyID != f.EndUser.ID {
		return Message{}
	}
	if f.EndUser.ParentID == f.SoldTo.ID || f.EndUserDirect {
		return Message{}
	}
	return Msg("desk.access.partner_rule", "EndUser", f.EndUser.Name, "SoldTo", f.SoldTo.Name)
}

func anyActive(cs []Contract, now time.Time) bool {
	for i := range cs {
		if cs[i].ActiveAt(now) {
			return true
		}
	}
	return false
}

// RequestState is where an access request stands.
type RequestState string

// Access request states.
const (
	RequestPending  RequestState = "pending"
	RequestApproved RequestState = "approved"
	RequestRejected RequestState = "rejected"
)

// MessageID is the catalogue ID of the RequestState's label.
func (s RequestState) MessageID() string { return "label.request_state." + string(s) }

// Label is how pages name where an access request stands.
func (s RequestState) Label() string { return label(s.MessageID(), string(s)) }

// Approved reports whether the request was approved.
func (s RequestState) Approved() bool { return s == RequestApproved }

// AccessRequest asks for a level on a combination for a contact. One
// decision by a Designated Approver of the Sold To (or a portal admin)
// settles it.
type AccessRequest struct {
	ID        int64
	ContactID int64
	// Combination is the Sold To and End User the Org IDs name when a
	// Service Contract joins them; zero when they name none, and the
	// request waits for support staff instead.
	Combination
	// SoldToOrgID and EndUserOrgID are the Org IDs as the requester gave
	// them: all the requester is shown of the companies.
	SoldToOrgID  string
	EndUserOrgID string
	Level        AccessLevel
	Reason       string
	State        RequestState
	RequestedBy  int64
	DecidedBy    int64
	DecidedAt    time.Time
	Decision     string
	CreatedAt    time.Time
}

// Matched reports whether the request names a combination that a Service
// Contract joins, which its Sold To's Designated Approvers decide.
func (r *AccessRequest) Matched() bool { return r.SoldToID != 0 && r.EndUserID != 0 }
