package desk

import (
	"slices"
)

// Actor is who is asking: a signed-in user with the access levels that count
// for them right now. The store builds it once per request (see
// EffectiveLevel); the policy below reads it and nothing else.
type Actor struct {
	User *User
	// Levels holds the effective level per combination for a contact.
	Levels map[Combination]AccessLevel
	// Approves lists the Sold To companies the contact is a Designated
	// Approver of.
	Approves []int64
}

// Level returns the actor's effective level for a combination.
func (a *Actor) Level(c Combination) AccessLevel {
	if a == nil || a.User == nil {
		return NoAccess
	}
	return a.Levels[c]
}

// Combinations returns the combinations where the actor holds at least min.
func (a *Actor) Combinations(minLevel AccessLevel) []Combination {
	var out []Combination
	for c, l := range a.Levels {
		if l >= minLevel {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(x, y Combination) int {
		if x.SoldToID != y.SoldToID {
			return int(x.SoldToID - y.SoldToID)
		}
		return int(x.EndUserID - y.EndUserID)
	})
	return out
}

// IsStaff reports whether the actor works for the vendor.
func (a *Actor) IsStaff() bool { return a != nil && a.User != nil && a.User.IsStaff() }

// HasRole reports whether the actor is staff holding r.
func (a *Actor) HasRole(r Role) bool { return a != nil && a.User != nil && a.User.HasRole(r) }

// Approver reports whether the actor is a Designated Approver of soldTo.
func (a *Actor) Approver(soldTo int64) bool {
	return a != nil && a.User != nil && !a.User.IsStaff() && slices.Contains(a.Approves, soldTo)
}

// Action is something an actor may try to do. Every read and write in
// Caseport names one and asks Authorize.
type Action string

// Actions.
const (
	// Cases of a combination.
	ViewCase    Action = "case.view"
	OpenCase    Action = "case.open"
	CommentCase Action = "case.comment"
	CloseCase   Action = "case.close"
	ReopenCase  Action = "case.reopen"
	// Staff work on cases.
	WorkCase          Action = "case.work" // reply, note, status, priority, owner, contact
	ViewInternalNotes Action = "case.notes"
	VerifyCaller      Action = "caller.verify"
	// Accounts.
	ManageAccounts      Action = "accounts.manage"
	ViewAccounts        Action = "accounts.view"
	DecideAccessRequest Action = "access.decide"
	ViewAudit           Action = "audit.view"
	// The actor's own profile, password, terms and API tokens.
	ManageOwnProfile Action = "profile.manage"
	// Asking for access for oneself.
	RequestAccess Action = "access.request"
	// Customer escalations: a Designated Contact (or staff for them)
	// escalates a case; escalation owners and portal admins work them.
	EscalateCase      Action = "case.escalate"
	ManageEscalations Action = "escalations.manage"
	// Adding to a case's Escalation Feed, which the customer reads and is
	// emailed: those who work escalations, and the case's Designated
	// Contacts. Other staff follow it but do not speak in it.
	NoteEscalation Action = "escalation.note"
	// Sending files to a case (uploads, temporary SFTP accounts): its
	// Designated Contacts, and staff, who share files back.
	TransferFiles Action = "case.files"
	// The jobs that ran out of attempts: seeing them, trying them again,
	// discarding them (portal admins).
	ManageJobs Action = "jobs.manage"
)

// Actions lists every action, for tests that walk them all.
var Actions = []Action{
	ViewCase, OpenCase, CommentCase, CloseCase, ReopenCase, WorkCase, ViewInternalNotes,
	VerifyCaller, ManageAccounts, ViewAccounts, DecideAccessRequest, ViewAudit, ManageOwnProfile, RequestAccess,
	EscalateCase, ManageEscalations, NoteEscalation, TransferFiles, ManageJobs,
}

// Target is what an action is done to: a combination for case actions, a
// Sold To for access decisions, nothing for console-wide actions.
type Target struct {
	Combination
}

// On returns the target for a combination.
func On(c Combination) Target { return Target{Combination: c} }

// Authorize is the one policy. It returns nil when the actor may take the
// action on the target, ErrNotFound when the actor may not even know the
// target exists (another company's case), ErrForbidden when they can see it
// but not do this, and ErrUnauthenticated when nobody is signed in.
func Authorize(a *Actor, act Action, t Target) error {
	if a == nil || a.User == nil || a.User.Disabled {
		return ErrUnauthenticated
	}
	if a.IsStaff() {
		return authorizeStaff(a, act)
	}
	lvl := a.Level(t.Combination)
	switch act {
	case ManageOwnProfile, RequestAccess:
		return nil
	case ViewCase:
		return need(lvl, ReadOnly, act, lvl >= ReadOnly)
	case OpenCase, CommentCase, CloseCase, ReopenCase, EscalateCase, NoteEscalation, TransferFiles:
		return need(lvl, ReadWrite, act, lvl >= ReadOnly)
	case DecideAccessRequest:
		if a.Approver(t.SoldToID) {
			return nil
		}
		return Refuse(ErrForbidden, "desk.policy.approvers_only")
	case WorkCase, ViewInternalNotes:
		// A contact who can see the case learns only that this is staff
		// work; one who cannot learns nothing.
		if lvl >= ReadOnly {
			return Refuse(ErrForbidden, "desk.policy.staff_only")
		}
		return ErrNotFound
	}
	return Refuse(ErrForbidden, "desk.policy.staff_only")
}

// need allows the action when lvl reaches want; otherwise the target is
// "not found" unless visible says the actor may see it.
func need(lvl, want AccessLevel, act Action, visible bool) error {
	if lvl >= want {
		return nil
	}
	if !visible {
		return ErrNotFound
	}
	return Refuse(ErrForbidden, "desk.policy.level_needed", "Level", want, "Verb", verbs[act])
}

// verbs say what an action does, for refusal messages people read.
var verbs = map[Action]verb{
	ViewCase:      "view_case",
	OpenCase:      "open_case",
	CommentCase:   "comment_case",
	CloseCase:     "close_case",
	ReopenCase:    "reopen_case",
	EscalateCase:  "escalate_case",
	TransferFiles: "transfer_files",

	NoteEscalation: "note_escalation",
}

// verb is what an action does, in words: its catalogue message.
type verb string

// MessageID is the catalogue ID of the verb.
func (v verb) MessageID() string { return "desk.verb." + string(v) }

func authorizeStaff(a *Actor, act Action) error {
	switch act {
	case ManageOwnProfile:
		return nil
	case RequestAccess:
		return Refuse(ErrForbidden, "desk.policy.staff_no_customer_access")
	case ViewCase, WorkCase, ViewInternalNotes, VerifyCaller, ViewAccounts, CommentCase, CloseCase, ReopenCase, OpenCase,
		EscalateCase, TransferFiles:
		return nil
	case ManageEscalations, NoteEscalation:
		if a.HasRole(RoleEscalationOwner) || a.HasRole(RolePortalAdmin) {
			return nil
		}
		return Refuse(ErrForbidden, "desk.policy.escalation_owners_only")
	case ManageAccounts, DecideAccessRequest, ViewAudit, ManageJobs:
		if a.HasRole(RolePortalAdmin) {
			return nil
		}
		return Refuse(ErrForbidden, "desk.policy.admins_only")
	}
	return Refuse(ErrForbidden, "desk.policy.not_allowed", "Action", string(act))
}

// CaseScope says which cases a list may show the actor: all of them (staff)
// or those of the listed combinations. An empty, non-All scope shows nothing.
type CaseScope struct {
	All          bool
	Combinations []Combination
}

// Scope returns the cases the actor may list.
func (a *Actor) Scope() CaseScope {
	if a.IsStaff() {
		return CaseScope{All: true}
	}
	return CaseScope{Combinations: a.Combinations(ReadOnly)}
}
