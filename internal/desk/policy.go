package desk

import (
	"slices"
	"strings"
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

// IsStaff reports whether the actor works for the vendor: a fact, for the
// words a message uses or the kind of what they write, never what they may
// do, which is a row of the policy (desk's isStaffFacts test lists its
// uses outside desk).
func (a *Actor) IsStaff() bool { return a != nil && a.User != nil && a.User.IsStaff() }

// HasRole reports whether the actor is staff holding r. Only the policy
// asks it: everything else asks Authorize or Allowed.
func (a *Actor) HasRole(r Role) bool { return a != nil && a.User != nil && a.User.HasRole(r) }

// Approver reports whether the actor is a Designated Approver of soldTo.
// Only the policy asks it (forbidigo): everything else asks Authorize.
func (a *Actor) Approver(soldTo int64) bool {
	return a != nil && a.User != nil && !a.User.IsStaff() && slices.Contains(a.Approves, soldTo)
}

// Action is something an actor may try to do. Every read and write in
// Caseport names one and asks Authorize; each is a row of the policy
// (Rules).
type Action string

// Actions of the cases area.
const (
	ListCases   Action = "case.list" // the lists of one's own scope
	ViewQueue   Action = "queue.view"
	ViewCase    Action = "case.view"
	OpenCase    Action = "case.open"
	CommentCase Action = "case.comment"
	CloseCase   Action = "case.close"
	ReopenCase  Action = "case.reopen"
	// ReopenAnyCase reopens past the window and after automated
	// follow-ups closed the case (see Case.MayReopen).
	ReopenAnyCase Action = "case.reopen_any"
	// OpenCaseForCaller opens a case for another contact, a Designated
	// Contact of the combination on the phone; everyone else opens cases
	// for themselves.
	OpenCaseForCaller Action = "case.open_for_caller"
	// SetAnyPriority opens a case as Critical or Production Down, which
	// customers raise by telephone; everyone else chooses Low, Medium or
	// High (CustomerPriorities).
	SetAnyPriority Action = "case.priority_any"
	WorkCase       Action = "case.work" // reply, status, priority, owner, contact
	// WriteInternalNote adds a note to a case that only those who may
	// ViewInternalNotes read.
	WriteInternalNote Action = "case.note_internal"
	ViewInternalNotes Action = "case.notes"
	VerifyCaller      Action = "caller.verify"
	// Customer escalations: a Designated Contact (or staff for them)
	// escalates a case; escalation owners and portal admins work them.
	EscalateCase      Action = "case.escalate"
	ManageEscalations Action = "escalations.manage"
	// NoteEscalation adds to a case's Escalation Feed, which the customer
	// reads and is emailed: those who work escalations, and the case's
	// Designated Contacts. Other staff follow it but do not speak in it.
	NoteEscalation Action = "escalation.note"
	// SaveQueueView saves a personal view of the queue (a saved filter);
	// ShareQueueView saves or removes a view every staff member sees:
	// product support managers and portal admins, who lead the queue;
	// DeleteQueueView removes one's own personal view.
	SaveQueueView   Action = "queue.view_save"
	ShareQueueView  Action = "queue.view_share"
	DeleteQueueView Action = "queue.view_delete"
	// MergeCases closes a duplicate into the case that goes on, moving its
	// Case Feed there (both of one Sold To / End User combination).
	MergeCases Action = "case.merge"
	// ViewNotices reads one's own notifications of the console (the bell)
	// and chooses which are emailed: staff, whom the events concern.
	ViewNotices Action = "notices.view"
)

// Actions of the files area.
const (
	// TransferFiles sends files to a case (uploads, temporary SFTP
	// accounts): its Designated Contacts, and staff, who share files back.
	TransferFiles Action = "case.files"
	// CreateSFTPAccount makes a temporary SFTP account for a case: staff,
	// and its Designated Contacts while the file transfer setting lets
	// them (Target.ContactsAllowed).
	CreateSFTPAccount Action = "sftp.create"
	// ViewSFTPPassword reads the password of a case's active temporary
	// SFTP account.
	ViewSFTPPassword Action = "sftp.password"
	// SkipAcknowledgement sends files to a case without first
	// acknowledging its data-protection notice: staff sharing files back.
	// Customers acknowledge it once per case before their first transfer.
	SkipAcknowledgement Action = "case.files_unacknowledged"
	ManageFileSettings  Action = "settings.files"
)

// Actions of the accounts area.
const (
	ViewAccounts    Action = "accounts.view" // companies, contracts, contacts, staff
	ManageCompanies Action = "companies.manage"
	ManageContracts Action = "contracts.manage"
	// ManageContacts creates and edits contacts, their grants and who
	// approves for a Sold To.
	ManageContacts Action = "contacts.manage"
	ManageStaff    Action = "staff.manage"
	ManageProducts Action = "products.manage"
	ImportAccounts Action = "accounts.import"
)

// Actions of the access area: access requests.
const (
	// RequestAccess asks for access for oneself (and accepts the terms).
	RequestAccess       Action = "access.request"
	DecideAccessRequest Action = "access.decide"
	// ViewAccessRequest reads a request: staff, its Sold To's approvers,
	// the contact who asked (the owner).
	ViewAccessRequest Action = "access.view"
	// ViewAccessMatch sees what a request's Org IDs matched (the companies'
	// names); a requester sees only what they typed.
	ViewAccessMatch Action = "access.match"
)

// Actions of the service levels, mail, settings, audit, jobs, profile and
// console areas.
const (
	ViewServiceLevels    Action = "sla.view"
	ManageSLATargets     Action = "sla.targets"
	ManageCalendars      Action = "sla.calendars"
	ManageSLASettings    Action = "sla.settings"
	ManageEmailTemplates Action = "mail.templates"
	TriageMail           Action = "mail.triage"
	ViewOutbox           Action = "mail.outbox"
	ManageEmailRules     Action = "settings.email_rules"
	ViewAudit            Action = "audit.view"
	// ManageJobs sees the jobs that ran out of attempts, tries them again
	// or discards them.
	ManageJobs Action = "jobs.manage"
	// ManageOwnProfile is the actor's own profile, password, terms and API
	// tokens.
	ManageOwnProfile Action = "profile.manage"
	// UseConsole opens the staff console's pages.
	UseConsole Action = "console.use"
	// ManageMacros creates, changes and deletes the saved replies
	// (macros) every agent may insert in a reply (WorkCase).
	ManageMacros Action = "macros.manage"
)

// Actions of the knowledge area.
const (
	// ReadKnowledge searches and reads the published knowledge: every
	// signed-in user, Basic contacts included.
	ReadKnowledge Action = "kb.read"
	// ReadStaffKnowledge reads what only staff may: drafts, retired items
	// and Internal Tech Articles. To anyone else they do not exist.
	ReadStaffKnowledge Action = "kb.read_staff_only"
	// EditKnowledge writes, publishes, retires and imports knowledge
	// items: knowledge editors and portal admins.
	EditKnowledge Action = "kb.edit"
	// FollowKnowledge follows a query or an item and manages one's own
	// alerts (Manage Alerts): every signed-in user, for what they may
	// read; the alert email lists only that.
	FollowKnowledge Action = "kb.follow"
	// ManageAnnouncements writes, changes and removes the announcements
	// shown at sign-in and on the My Support home page: portal admins.
	// Reading those in force for oneself is ReadKnowledge.
	ManageAnnouncements Action = "announcements.manage"
)

// Area groups actions as the product is divided: the console's menus,
// the permission set of an API answer, the policy table below.
type Area string

// Areas. Community, ideas, downloads and chat have no actions yet: a new
// area adds its constant here and its rows to the policy.
const (
	AreaCases         Area = "cases"
	AreaFiles         Area = "files"
	AreaAccounts      Area = "accounts"
	AreaAccess        Area = "access"
	AreaServiceLevels Area = "service_levels"
	AreaMail          Area = "mail"
	AreaSettings      Area = "settings"
	AreaAudit         Area = "audit"
	AreaJobs          Area = "jobs"
	AreaProfile       Area = "profile"
	AreaConsole       Area = "console"
	AreaKnowledge     Area = "knowledge"
	AreaCommunity     Area = "community"
	AreaIdeas         Area = "ideas"
	AreaDownloads     Area = "downloads"
	AreaChat          Area = "chat"
)

// Who says who may take an action; any one of them may.
type Who struct {
	// Staff is every staff member; Roles only those holding one of them.
	Staff bool
	Roles []Role
	// Contacts is every contact; Level a contact holding at least it on
	// the target's combination (NoAccess: no level grants the action).
	Contacts bool
	Level    AccessLevel
	// Settable makes Level count only while the target says a setting
	// lets contacts (Target.ContactsAllowed).
	Settable bool
	// Approver is a Designated Approver of the target's Sold To.
	Approver bool
	// Owner is the contact or staff member the target belongs to
	// (Target.OwnerID): who created it, who asked for it.
	Owner bool
}

// Rule is one row of the policy: an action, its area, who may take it,
// and what everyone else is told.
type Rule struct {
	Action Action
	Area   Area
	Who    Who
	// OnCase is set when the target is a case: a contact who cannot view
	// the combination's cases learns "not found", never "forbidden".
	OnCase bool
	// Hides answers "not found" to everyone the rule leaves out.
	Hides bool
	// Does says what the action does, for refusals ("open cases"): a verb
	// of the catalogue (desk.verb.*).
	Does verb
	// Refusal is the reason given to whoever the rule leaves out, when no
	// access level would help: a catalogue ID.
	Refusal string
}

// The groups of people the rows below name.
var (
	escalators = []Role{RoleEscalationOwner, RolePortalAdmin}
	leads      = []Role{RoleProductSupportManager, RolePortalAdmin}
	admins     = []Role{RolePortalAdmin}
	managers   = []Role{RoleProductSupportManager, RolePortalAdmin}
	editors    = []Role{RoleKnowledgeEditor, RolePortalAdmin}
)

// The refusals many rows share (catalogue IDs).
const (
	staffOnly  = "desk.policy.staff_only"
	adminsOnly = "desk.policy.admins_only"
)

// policy is the table of every action and who may take it, by area.
// Authorize and Allowed read it and nothing else; Rules hands out a copy.
var policy = []Rule{
	// Cases.
	{Action: ListCases, Area: AreaCases, Who: Who{Staff: true, Contacts: true}},
	{Action: ViewQueue, Area: AreaCases, Who: Who{Staff: true}, Refusal: "desk.policy.queue_staff_only"},
	{Action: ViewCase, Area: AreaCases, Who: Who{Staff: true, Level: ReadOnly}, OnCase: true, Does: "view_case"},
	{Action: OpenCase, Area: AreaCases, Who: Who{Staff: true, Level: ReadWrite}, OnCase: true, Does: "open_case"},
	{Action: CommentCase, Area: AreaCases, Who: Who{Staff: true, Level: ReadWrite}, OnCase: true, Does: "comment_case"},
	{Action: CloseCase, Area: AreaCases, Who: Who{Staff: true, Level: ReadWrite}, OnCase: true, Does: "close_case"},
	{Action: ReopenCase, Area: AreaCases, Who: Who{Staff: true, Level: ReadWrite}, OnCase: true, Does: "reopen_case"},
	{Action: ReopenAnyCase, Area: AreaCases, Who: Who{Staff: true}, OnCase: true, Refusal: "desk.policy.reopen_window_staff_only"},
	{Action: OpenCaseForCaller, Area: AreaCases, Who: Who{Staff: true}, OnCase: true, Refusal: "desk.policy.for_caller_staff_only"},
	{Action: SetAnyPriority, Area: AreaCases, Who: Who{Staff: true}, OnCase: true, Refusal: "desk.policy.priority_by_telephone"},
	{Action: WorkCase, Area: AreaCases, Who: Who{Staff: true}, OnCase: true, Refusal: staffOnly},
	{Action: WriteInternalNote, Area: AreaCases, Who: Who{Staff: true}, OnCase: true, Refusal: "desk.policy.notes_staff_only"},
	{Action: ViewInternalNotes, Area: AreaCases, Who: Who{Staff: true}, OnCase: true, Refusal: staffOnly},
	{Action: VerifyCaller, Area: AreaCases, Who: Who{Staff: true}, Refusal: staffOnly},
	{Action: EscalateCase, Area: AreaCases, Who: Who{Staff: true, Level: ReadWrite}, OnCase: true, Does: "escalate_case"},
	{Action: ManageEscalations, Area: AreaCases, Who: Who{Roles: escalators}, Refusal: "desk.policy.escalation_owners_only"},
	{
		Action: NoteEscalation, Area: AreaCases, Who: Who{Roles: escalators, Level: ReadWrite}, OnCase: true,
		Does: "note_escalation", Refusal: "desk.policy.escalation_owners_only",
	},
	{Action: SaveQueueView, Area: AreaCases, Who: Who{Staff: true}, Refusal: staffOnly},
	{Action: ShareQueueView, Area: AreaCases, Who: Who{Roles: leads}, Refusal: "desk.policy.shared_views_leads_only"},
	{Action: DeleteQueueView, Area: AreaCases, Who: Who{Owner: true}, Hides: true},
	{Action: MergeCases, Area: AreaCases, Who: Who{Staff: true}, OnCase: true, Refusal: staffOnly},
	{Action: ViewNotices, Area: AreaCases, Who: Who{Staff: true}, Refusal: staffOnly},

	// Files.
	{Action: TransferFiles, Area: AreaFiles, Who: Who{Staff: true, Level: ReadWrite}, OnCase: true, Does: "transfer_files"},
	{
		Action: CreateSFTPAccount, Area: AreaFiles, Who: Who{Staff: true, Level: ReadWrite, Settable: true}, OnCase: true,
		Does: "transfer_files", Refusal: "desk.policy.sftp_ask_support",
	},
	{Action: ViewSFTPPassword, Area: AreaFiles, Who: Who{Staff: true, Level: ReadWrite}, OnCase: true, Does: "transfer_files"},
	{Action: SkipAcknowledgement, Area: AreaFiles, Who: Who{Staff: true}, OnCase: true, Refusal: "desk.policy.acknowledge_first"},
	{Action: ManageFileSettings, Area: AreaFiles, Who: Who{Roles: admins}, Refusal: adminsOnly},

	// Accounts.
	{Action: ViewAccounts, Area: AreaAccounts, Who: Who{Staff: true}, Refusal: staffOnly},
	{Action: ManageCompanies, Area: AreaAccounts, Who: Who{Roles: admins}, Refusal: adminsOnly},
	{Action: ManageContracts, Area: AreaAccounts, Who: Who{Roles: admins}, Refusal: adminsOnly},
	{Action: ManageContacts, Area: AreaAccounts, Who: Who{Roles: admins}, Refusal: adminsOnly},
	{Action: ManageStaff, Area: AreaAccounts, Who: Who{Roles: admins}, Refusal: adminsOnly},
	{Action: ManageProducts, Area: AreaAccounts, Who: Who{Roles: admins}, Refusal: adminsOnly},
	{Action: ImportAccounts, Area: AreaAccounts, Who: Who{Roles: admins}, Refusal: adminsOnly},

	// Access requests.
	{Action: RequestAccess, Area: AreaAccess, Who: Who{Contacts: true}, Refusal: "desk.policy.staff_no_customer_access"},
	{
		Action: DecideAccessRequest, Area: AreaAccess, Who: Who{Roles: admins, Approver: true},
		Refusal: "desk.policy.deciders_only",
	},
	{Action: ViewAccessRequest, Area: AreaAccess, Who: Who{Staff: true, Approver: true, Owner: true}, Hides: true},
	{Action: ViewAccessMatch, Area: AreaAccess, Who: Who{Staff: true, Approver: true}, Refusal: "desk.policy.match_deciders_only"},

	// Service levels.
	{Action: ViewServiceLevels, Area: AreaServiceLevels, Who: Who{Staff: true}, Refusal: staffOnly},
	{Action: ManageSLATargets, Area: AreaServiceLevels, Who: Who{Roles: admins}, Refusal: adminsOnly},
	{Action: ManageCalendars, Area: AreaServiceLevels, Who: Who{Roles: admins}, Refusal: adminsOnly},
	{Action: ManageSLASettings, Area: AreaServiceLevels, Who: Who{Roles: admins}, Refusal: adminsOnly},

	// Mail: what Caseport sends, and what it received but could not file.
	{Action: ManageEmailTemplates, Area: AreaMail, Who: Who{Roles: admins}, Refusal: adminsOnly},
	{Action: TriageMail, Area: AreaMail, Who: Who{Roles: admins}, Refusal: adminsOnly},
	{Action: ViewOutbox, Area: AreaMail, Who: Who{Roles: admins}, Refusal: adminsOnly},

	// Settings.
	{Action: ManageEmailRules, Area: AreaSettings, Who: Who{Roles: admins}, Refusal: adminsOnly},

	// Audit, jobs.
	{Action: ViewAudit, Area: AreaAudit, Who: Who{Roles: admins}, Refusal: adminsOnly},
	{Action: ManageJobs, Area: AreaJobs, Who: Who{Roles: admins}, Refusal: adminsOnly},

	// Profile, console.
	{Action: ManageOwnProfile, Area: AreaProfile, Who: Who{Staff: true, Contacts: true}},
	{Action: UseConsole, Area: AreaConsole, Who: Who{Staff: true}, Hides: true},

	// Macros: the saved replies of the agent's case page.
	{Action: ManageMacros, Area: AreaCases, Who: Who{Roles: managers}, Refusal: "desk.policy.managers_only"},

	// Knowledge.
	{Action: ReadKnowledge, Area: AreaKnowledge, Who: Who{Staff: true, Contacts: true}},
	{Action: ReadStaffKnowledge, Area: AreaKnowledge, Who: Who{Staff: true}, Hides: true},
	{Action: EditKnowledge, Area: AreaKnowledge, Who: Who{Roles: editors}, Refusal: "desk.policy.knowledge_editors_only"},
	{Action: FollowKnowledge, Area: AreaKnowledge, Who: Who{Staff: true, Contacts: true}},
	{Action: ManageAnnouncements, Area: AreaKnowledge, Who: Who{Roles: admins}, Refusal: adminsOnly},
}

// Rules returns the policy table, one row per action in the order of the
// areas: a copy, so no caller can change who may do what.
func Rules() []Rule {
	out := make([]Rule, len(policy))
	for i := range policy {
		out[i] = policy[i].clone()
	}
	return out
}

// Actions lists every action in the order of the policy.
func Actions() []Action {
	out := make([]Action, len(policy))
	for i, r := range policy {
		out[i] = r.Action
	}
	return out
}

var rules = func() map[Action]*Rule {
	m := make(map[Action]*Rule, len(policy))
	for i := range policy {
		if _, dup := m[policy[i].Action]; dup {
			panic("desk: action " + string(policy[i].Action) + " has two rows")
		}
		m[policy[i].Action] = &policy[i]
	}
	return m
}()

// RuleOf returns (a copy of) the row of the policy for an action.
func RuleOf(act Action) (Rule, bool) {
	r, ok := rules[act]
	if !ok {
		return Rule{}, false
	}
	return r.clone(), true
}

// clone copies a row with its own list of roles.
func (r *Rule) clone() Rule {
	c := *r
	c.Who.Roles = slices.Clone(r.Who.Roles)
	return c
}

// Target is what an action is done to: a combination for case actions, a
// Sold To for access decisions, nothing for console-wide actions.
type Target struct {
	Combination
	// OwnerID is the user the object belongs to (the contact who asked
	// for an access request), for rules with Who.Owner.
	OwnerID int64
	// ContactsAllowed says a setting lets contacts take a Who.Settable
	// action (the file transfer setting for SFTP accounts).
	ContactsAllowed bool
}

// On returns the target for a combination.
func On(c Combination) Target { return Target{Combination: c} }

// Authorize is the one policy. It returns nil when the actor may take the
// action on the target, ErrNotFound when the actor may not even know the
// target exists (another company's case), ErrForbidden with the reason
// when they can see it but not do this, and ErrUnauthenticated when nobody
// (or a disabled user) is signed in.
func Authorize(a *Actor, act Action, t Target) error {
	if a == nil || a.User == nil || a.User.Disabled {
		return ErrUnauthenticated
	}
	r, ok := rules[act]
	if !ok {
		return Refuse(ErrForbidden, "desk.policy.not_allowed", "Action", string(act))
	}
	if r.allows(a, t) {
		return nil
	}
	return r.refuse(a, t)
}

func (r *Rule) allows(a *Actor, t Target) bool {
	w := r.Who
	if a.IsStaff() {
		if w.Staff || slices.ContainsFunc(w.Roles, a.HasRole) {
			return true
		}
	} else {
		lvl := a.Level(t.Combination)
		if w.Contacts || (w.Level != NoAccess && lvl >= w.Level && (!w.Settable || t.ContactsAllowed)) {
			return true
		}
		if w.Approver && a.Approver(t.SoldToID) {
			return true
		}
	}
	return w.Owner && t.OwnerID != 0 && t.OwnerID == a.User.ID
}

func (r *Rule) refuse(a *Actor, t Target) error {
	if r.Hides {
		return ErrNotFound
	}
	if !a.IsStaff() {
		lvl := a.Level(t.Combination)
		if r.OnCase && lvl < ReadOnly {
			return ErrNotFound // another company's case does not exist for them
		}
		if r.Who.Level != NoAccess && lvl < r.Who.Level {
			return Refuse(ErrForbidden, "desk.policy.level_needed", "Level", r.Who.Level, "Verb", r.Does)
		}
	}
	reason := r.Refusal
	if reason == "" {
		reason = staffOnly
	}
	return Refuse(ErrForbidden, reason)
}

// verb is what an action does, in words: its catalogue message.
type verb string

// MessageID is the catalogue ID of the verb.
func (v verb) MessageID() string { return "desk.verb." + string(v) }

// Permissions is what an actor may do to one target: the answer of Allowed
// for navigation, buttons and API answers.
type Permissions struct {
	may map[Action]bool
}

// Allowed answers "what may this actor do here": every action of the
// policy that Authorize allows on the target.
func Allowed(a *Actor, t Target) Permissions {
	p := Permissions{may: map[Action]bool{}}
	for _, r := range policy {
		if Authorize(a, r.Action, t) == nil {
			p.may[r.Action] = true
		}
	}
	return p
}

// Anywhere reports whether the actor may take act on something of theirs:
// the console and portal as a whole, or one of the combinations they hold
// a level on. It answers "may open a case at all" for a menu item or a
// button that names no case or company.
func Anywhere(a *Actor, act Action) bool {
	if Authorize(a, act, Target{}) == nil {
		return true
	}
	if a == nil {
		return false
	}
	for _, c := range a.Combinations(Basic) {
		if Authorize(a, act, On(c)) == nil {
			return true
		}
	}
	return false
}

// Can reports whether the actor may take the action.
func (p Permissions) Can(act Action) bool { return p.may[act] }

// Actions lists what the actor may do, in the order of the policy.
func (p Permissions) Actions() []Action {
	var out []Action
	for _, r := range policy {
		act := r.Action
		if p.may[act] {
			out = append(out, act)
		}
	}
	return out
}

// String lists the actions, for logs and test failures.
func (p Permissions) String() string {
	parts := make([]string, 0, len(p.may))
	for _, act := range p.Actions() {
		parts = append(parts, string(act))
	}
	return strings.Join(parts, " ")
}

// CaseScope says which cases a list may show the actor: all of them (staff)
// or those of the listed combinations. An empty, non-All scope shows nothing.
type CaseScope struct {
	All          bool
	Combinations []Combination
}

// Scope returns the cases the actor may list: every case for those who
// may see the queue, else those of the combinations they may view.
func (a *Actor) Scope() CaseScope {
	if Authorize(a, ViewQueue, Target{}) == nil {
		return CaseScope{All: true}
	}
	return CaseScope{Combinations: a.Combinations(ReadOnly)}
}

// AccessRequestScope says which access requests a list may show the actor:
// all of them, those of some Sold To companies, or the actor's own.
type AccessRequestScope struct {
	All       bool
	SoldToIDs []int64
	ContactID int64
}

// AccessRequestScope returns the requests the actor may list: every one
// for those who may read any (staff), their Sold To companies' for
// Designated Approvers, their own for anyone else (ViewAccessRequest).
func (a *Actor) AccessRequestScope() AccessRequestScope {
	if Authorize(a, ViewAccessRequest, Target{}) == nil {
		return AccessRequestScope{All: true}
	}
	if a != nil && len(a.Approves) > 0 && !a.IsStaff() {
		return AccessRequestScope{SoldToIDs: a.Approves}
	}
	if a == nil || a.User == nil {
		return AccessRequestScope{ContactID: -1}
	}
	return AccessRequestScope{ContactID: a.User.ID}
}
