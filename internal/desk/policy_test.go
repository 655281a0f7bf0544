package desk

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// matrixActors are the columns of accessMatrix, in its order.
var matrixActors = []string{"signed out", "disabled", "basic", "read-only", "designated", "approver", "agent", "psm", "escalation owner", "knowledge editor", "portal admin"}

// accessMatrix is the expected outcome of every action for every kind of
// actor, written out by hand (not computed from the policy): Y allowed,
// F forbidden, N not found, U unauthenticated, one letter per column of
// matrixActors. "own" is the actor's own combination (and an object they
// own); "other" another company's (and someone else's object). The
// contacts' own combination has Sold To 1, which the approver approves
// for. Every action of the policy must have a row.
var accessMatrix = map[Action]struct{ own, other string }{
	//                    out dis bas ro  dc  apr agt psm eo  ked adm
	ListCases:            {"U U Y Y Y Y Y Y Y Y Y", "U U Y Y Y Y Y Y Y Y Y"},
	ViewQueue:            {"U U F F F F Y Y Y Y Y", "U U F F F F Y Y Y Y Y"},
	ViewCase:             {"U U N Y Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	OpenCase:             {"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	CommentCase:          {"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	CloseCase:            {"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	ReopenCase:           {"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	ReopenAnyCase:        {"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	OpenCaseForCaller:    {"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	SetAnyPriority:       {"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	WorkCase:             {"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	WriteInternalNote:    {"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	ViewInternalNotes:    {"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	VerifyCaller:         {"U U F F F F Y Y Y Y Y", "U U F F F F Y Y Y Y Y"},
	EscalateCase:         {"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	ManageEscalations:    {"U U F F F F F F Y F Y", "U U F F F F F F Y F Y"},
	NoteEscalation:       {"U U N F Y Y F F Y F Y", "U U N N N N F F Y F Y"},
	SaveQueueView:        {"U U F F F F Y Y Y Y Y", "U U F F F F Y Y Y Y Y"},
	ShareQueueView:       {"U U F F F F F Y F F Y", "U U F F F F F Y F F Y"},
	DeleteQueueView:      {"U U Y Y Y Y Y Y Y Y Y", "U U N N N N N N N N N"},
	MergeCases:           {"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	ViewNotices:          {"U U F F F F Y Y Y Y Y", "U U F F F F Y Y Y Y Y"},
	TransferFiles:        {"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	CreateSFTPAccount:    {"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	ViewSFTPPassword:     {"U U N F Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	SkipAcknowledgement:  {"U U N F F F Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	ManageFileSettings:   {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ViewAccounts:         {"U U F F F F Y Y Y Y Y", "U U F F F F Y Y Y Y Y"},
	ManageCompanies:      {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ManageContracts:      {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ManageContacts:       {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ManageStaff:          {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ManageProducts:       {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ImportAccounts:       {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	RequestAccess:        {"U U Y Y Y Y F F F F F", "U U Y Y Y Y F F F F F"},
	DecideAccessRequest:  {"U U F F F Y F F F F Y", "U U F F F F F F F F Y"},
	ViewAccessRequest:    {"U U Y Y Y Y Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	ViewAccessMatch:      {"U U F F F Y Y Y Y Y Y", "U U F F F F Y Y Y Y Y"},
	ViewServiceLevels:    {"U U F F F F Y Y Y Y Y", "U U F F F F Y Y Y Y Y"},
	ManageSLATargets:     {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ManageCalendars:      {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ManageSLASettings:    {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ManageEmailTemplates: {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	TriageMail:           {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ViewOutbox:           {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ManageEmailRules:     {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ViewAudit:            {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ManageJobs:           {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
	ManageOwnProfile:     {"U U Y Y Y Y Y Y Y Y Y", "U U Y Y Y Y Y Y Y Y Y"},
	UseConsole:           {"U U N N N N Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	ManageMacros:         {"U U F F F F F Y F F Y", "U U F F F F F Y F F Y"},
	ReadKnowledge:        {"U U Y Y Y Y Y Y Y Y Y", "U U Y Y Y Y Y Y Y Y Y"},
	ReadStaffKnowledge:   {"U U N N N N Y Y Y Y Y", "U U N N N N Y Y Y Y Y"},
	EditKnowledge:        {"U U F F F F F F F Y Y", "U U F F F F F F F Y Y"},
	FollowKnowledge:      {"U U Y Y Y Y Y Y Y Y Y", "U U Y Y Y Y Y Y Y Y Y"},
	ManageAnnouncements:  {"U U F F F F F F F F Y", "U U F F F F F F F F Y"},
}

// matrixActor builds the actor of a column of accessMatrix.
func matrixActor(name string) *Actor {
	own := Combination{SoldToID: 1, EndUserID: 1}
	contact := func(l AccessLevel, approves ...int64) *Actor {
		return &Actor{User: &User{ID: 10, Kind: KindContact}, Levels: map[Combination]AccessLevel{own: l}, Approves: approves}
	}
	staff := func(roles ...Role) *Actor { return &Actor{User: &User{ID: 20, Kind: KindStaff, Roles: roles}} }
	switch name {
	case "signed out":
		return nil
	case "disabled":
		return &Actor{User: &User{ID: 1, Kind: KindStaff, Roles: []Role{RolePortalAdmin}, Disabled: true}}
	case "basic":
		return contact(Basic)
	case "read-only":
		return contact(ReadOnly)
	case "designated":
		return contact(ReadWrite)
	case "approver":
		return contact(ReadWrite, 1)
	case "agent":
		return staff(RoleAgent)
	case "psm":
		return staff(RoleProductSupportManager)
	case "escalation owner":
		return staff(RoleEscalationOwner)
	case "knowledge editor":
		return staff(RoleKnowledgeEditor)
	case "portal admin":
		return staff(RolePortalAdmin)
	}
	panic("no actor " + name)
}

// outcome is an error as a letter of accessMatrix.
func outcome(err error) string {
	switch {
	case err == nil:
		return "Y"
	case errors.Is(err, ErrUnauthenticated):
		return "U"
	case errors.Is(err, ErrNotFound):
		return "N"
	case errors.Is(err, ErrForbidden):
		return "F"
	}
	return "error: " + err.Error()
}

// TestAuthorize: every action of the policy for every kind of actor, on
// their own combination and on another company's, against the matrix.
func TestAuthorize(t *testing.T) {
	t.Parallel()
	for _, act := range Actions() {
		row, ok := accessMatrix[act]
		if !ok {
			t.Errorf("action %s has no row in accessMatrix: write down who may take it", act)
			continue
		}
		for _, side := range []struct {
			label string
			want  string
			combo Combination
			owner func(*Actor) int64
		}{
			{"own", row.own, Combination{SoldToID: 1, EndUserID: 1}, func(a *Actor) int64 {
				if a == nil || a.User == nil {
					return 0
				}
				return a.User.ID
			}},
			{"other", row.other, Combination{SoldToID: 2, EndUserID: 3}, func(*Actor) int64 { return 999 }},
		} {
			want := strings.Fields(side.want)
			if len(want) != len(matrixActors) {
				t.Fatalf("accessMatrix[%s].%s has %d columns, want %d", act, side.label, len(want), len(matrixActors))
			}
			for i, name := range matrixActors {
				a := matrixActor(name)
				target := Target{Combination: side.combo, OwnerID: side.owner(a), ContactsAllowed: true}
				got := outcome(Authorize(a, act, target))
				if got != want[i] {
					t.Errorf("Authorize(%s, %s, %s) = %s, want %s", name, act, side.label, got, want[i])
				}
				if may := Allowed(a, target).Can(act); may != (got == "Y") {
					t.Errorf("Allowed(%s, %s).Can(%s) = %v, want %v", name, side.label, act, may, got == "Y")
				}
			}
		}
	}
	for act := range accessMatrix {
		if _, ok := RuleOf(act); !ok {
			t.Errorf("accessMatrix has a row for %s, which the policy does not know", act)
		}
	}
}

// TestRefusalsSayWhy: a forbidden answer carries a reason a person can read.
func TestRefusalsSayWhy(t *testing.T) {
	t.Parallel()
	own := On(Combination{SoldToID: 1, EndUserID: 1})
	tests := []struct {
		actor string
		act   Action
		want  string
	}{
		{"read-only", OpenCase, "you need Read-Write (Designated Contact) access to open cases for this Sold To and End User"},
		{"designated", WorkCase, "only support staff can do this"},
		{"agent", ManageCompanies, "only portal admins can do this"},
		{"agent", NoteEscalation, "only escalation owners work escalations"},
		{"portal admin", RequestAccess, "staff hold no customer access"},
		{"designated", CreateSFTPAccount, "ask support on the case for a temporary SFTP account"},
	}
	for _, tt := range tests {
		target := own
		if tt.act == CreateSFTPAccount {
			target.ContactsAllowed = false // the portal admins' setting is off
		}
		err := Authorize(matrixActor(tt.actor), tt.act, target)
		if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Authorize(%s, %s) = %v, want forbidden: %s", tt.actor, tt.act, err, tt.want)
		}
	}
	if err := Authorize(matrixActor("agent"), CreateSFTPAccount, own); err != nil {
		t.Errorf("an agent makes SFTP accounts whatever the setting: %v", err)
	}
}

// TestAccessRequestScope: staff list every request, approvers their Sold
// To companies', anyone else their own.
func TestAccessRequestScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		actor string
		want  AccessRequestScope
	}{
		{"agent", AccessRequestScope{All: true}},
		{"portal admin", AccessRequestScope{All: true}},
		{"approver", AccessRequestScope{SoldToIDs: []int64{1}}},
		{"read-only", AccessRequestScope{ContactID: 10}},
	}
	for _, tt := range tests {
		got := matrixActor(tt.actor).AccessRequestScope()
		if got.All != tt.want.All || got.ContactID != tt.want.ContactID || !slices.Equal(got.SoldToIDs, tt.want.SoldToIDs) {
			t.Errorf("%s: AccessRequestScope() = %+v, want %+v", tt.actor, got, tt.want)
		}
	}
}

// TestMayReopen: a Designated Contact within the window of a closure made
// by hand; staff at any time; nobody a case that is not closed. Every
// refusal says why, for the case page to show, and only the window's
// leads a contact who may open cases to a new linked case.
func TestMayReopen(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	closed := func(daysAgo int, auto bool) *Case {
		return &Case{ID: 7, SoldToID: 1, EndUserID: 1, Status: StatusClosed, ClosedAt: now.AddDate(0, 0, -daysAgo), AutoClosed: auto}
	}
	tests := []struct {
		name   string
		actor  string
		c      *Case
		want   string
		why    string // the refusal's message ID
		linked bool   // MayOpenLinked
	}{
		{"recent", "designated", closed(3, false), "Y", "", false},
		{"read-only contact", "read-only", closed(3, false), "F", "desk.policy.level_needed", false},
		{"read-only contact past the window", "read-only", closed(31, false), "F", "desk.policy.level_needed", false},
		{"past the window", "designated", closed(31, false), "C", "desk.case.reopen_window_passed", true},
		{"closed by follow-ups", "designated", closed(3, true), "C", "desk.case.reopen_auto_closed", false},
		{"closed by follow-ups past the window", "designated", closed(31, true), "C", "desk.case.reopen_auto_closed", false},
		{"staff past the window", "agent", closed(300, false), "Y", "", false},
		{"staff after follow-ups", "agent", closed(3, true), "Y", "", false},
		{"open", "agent", &Case{ID: 7, SoldToID: 1, EndUserID: 1, Status: StatusOpen}, "C", "desk.case.reopen_not_closed", false},
		{"another company's", "designated", &Case{ID: 7, SoldToID: 2, EndUserID: 3, Status: StatusClosed, ClosedAt: now}, "N", "", false},
	}
	for _, tt := range tests {
		err := tt.c.MayReopen(matrixActor(tt.actor), now)
		got := outcome(err)
		if errors.Is(err, ErrConflict) {
			got = "C"
		}
		if got != tt.want {
			t.Errorf("%s: MayReopen = %v (%s), want %s", tt.name, err, got, tt.want)
		}
		if m, _ := AsMessage(err); m.ID != tt.why {
			t.Errorf("%s: MayReopen says %q (%v), want %q", tt.name, m.ID, err, tt.why)
		}
		if linked := tt.c.MayOpenLinked(matrixActor(tt.actor), now); linked != tt.linked {
			t.Errorf("%s: MayOpenLinked = %v, want %v", tt.name, linked, tt.linked)
		}
	}
	if err := closed(31, false).MayReopen(matrixActor("designated"), now); !strings.Contains(err.Error(), "more than 30 days ago") {
		t.Errorf("the window's refusal = %q, want it to name the 30 days", err)
	}
}

// TestAnywhere: "may open a case at all" is asked of the actor's own
// combinations, so a Read-Only or Basic contact is not offered it.
func TestAnywhere(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"signed out": false, "disabled": false, "basic": false, "read-only": false,
		"designated": true, "approver": true, "agent": true, "psm": true, "escalation owner": true, "portal admin": true,
	} {
		if got := Anywhere(matrixActor(name), OpenCase); got != want {
			t.Errorf("Anywhere(%s, %s) = %v, want %v", name, OpenCase, got, want)
		}
	}
	if !Anywhere(matrixActor("read-only"), ViewCase) || Anywhere(matrixActor("basic"), ViewCase) {
		t.Errorf("Anywhere(ViewCase): a Read-Only contact views their cases, a Basic contact none")
	}
}

// TestStaffWhoMay: an alert about work goes to the staff the policy lets
// do it, and never to a disabled user or a contact.
func TestStaffWhoMay(t *testing.T) {
	t.Parallel()
	users := []User{
		{ID: 1, Kind: KindStaff, Roles: []Role{RoleAgent}},
		{ID: 2, Kind: KindStaff, Roles: []Role{RoleEscalationOwner}},
		{ID: 3, Kind: KindStaff, Roles: []Role{RolePortalAdmin}},
		{ID: 4, Kind: KindStaff, Roles: []Role{RolePortalAdmin}, Disabled: true},
		{ID: 5, Kind: KindStaff, Roles: []Role{RoleProductSupportManager}},
		{ID: 6, Kind: KindContact},
	}
	ids := func(us []User) []int64 {
		var out []int64
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}
	for act, want := range map[Action][]int64{
		ManageJobs:        {3},
		ManageEscalations: {2, 3},
		ViewQueue:         {1, 2, 3, 5},
	} {
		if got := ids(StaffWhoMay(users, act)); !slices.Equal(got, want) {
			t.Errorf("StaffWhoMay(%s) = %v, want %v", act, got, want)
		}
	}
}

// TestRulesAreCopies: what Rules and RuleOf hand out cannot change who may
// do what.
func TestRulesAreCopies(t *testing.T) {
	t.Parallel()
	rows := Rules()
	if len(rows) != len(Actions()) {
		t.Fatalf("Rules() has %d rows for %d actions", len(rows), len(Actions()))
	}
	for i := range rows {
		rows[i].Who.Staff, rows[i].Who.Contacts = true, true
		for j := range rows[i].Who.Roles {
			rows[i].Who.Roles[j] = RoleAgent
		}
	}
	r, _ := RuleOf(ManageJobs)
	r.Who.Roles[0] = RoleAgent
	agent := matrixActor("agent")
	for _, act := range []Action{ManageJobs, ManageEscalations, ManageCompanies} {
		if err := Authorize(agent, act, Target{}); !errors.Is(err, ErrForbidden) {
			t.Errorf("after changing copies of the rules, Authorize(agent, %s) = %v, want forbidden", act, err)
		}
	}
	acts := Actions()
	acts[0] = "changed"
	if Actions()[0] == "changed" {
		t.Error("Actions() hands out the policy's own list")
	}
}

func TestEffectiveLevel(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 11, 23+d, 0, 0, 0, 0, time.UTC) }
	partner, endUser, sub := Company{ID: 1, Name: "Partner"}, Company{ID: 2, Name: "EndUser"}, Company{ID: 3, Name: "Sub", ParentID: 1}
	active := Contract{State: ContractActive, Starts: day(-10), Ends: day(10)}
	endsToday := Contract{State: ContractActive, Starts: day(-10), Ends: day(0)}
	ended := Contract{State: ContractActive, Starts: day(-10), Ends: day(-1)}
	terminated := Contract{State: ContractTerminated, Starts: day(-10), Ends: day(10)}
	notYet := Contract{State: ContractActive, Starts: day(1), Ends: day(10)}
	accepted := func(company int64) *User {
		return &User{Kind: KindContact, CompanyID: company, TermsAcceptedAt: now.AddDate(0, -1, 0), TermsVersion: TermsVersion}
	}
	tests := []struct {
		name    string
		level   AccessLevel
		contact *User
		facts   CombinationFacts
		want    AccessLevel
	}{
		{"read-write with an active contract", ReadWrite, accepted(1), CombinationFacts{Contracts: []Contract{active}, SoldTo: partner, EndUser: endUser}, ReadWrite},
		{"the end date is covered whole", ReadWrite, accepted(1), CombinationFacts{Contracts: []Contract{endsToday}, SoldTo: partner, EndUser: endUser}, ReadWrite},
		{"every contract ended", ReadWrite, accepted(1), CombinationFacts{Contracts: []Contract{ended, terminated, notYet}, SoldTo: partner, EndUser: endUser}, ReadOnly},
		{"one of several still active", ReadWrite, accepted(1), CombinationFacts{Contracts: []Contract{ended, active}, SoldTo: partner, EndUser: endUser}, ReadWrite},
		{"terms not accepted", ReadWrite, &User{Kind: KindContact, CompanyID: 1}, CombinationFacts{Contracts: []Contract{active}, SoldTo: partner, EndUser: endUser}, ReadOnly},
		{"old terms version", ReadWrite, &User{Kind: KindContact, CompanyID: 1, TermsAcceptedAt: now, TermsVersion: "2019-01"}, CombinationFacts{Contracts: []Contract{active}, SoldTo: partner, EndUser: endUser}, ReadOnly},
		{"end-user employee on a partner contract", ReadWrite, accepted(2), CombinationFacts{Contracts: []Contract{active}, SoldTo: partner, EndUser: endUser}, ReadOnly},
		{"end-user employee with a direct contract", ReadWrite, accepted(2), CombinationFacts{Contracts: []Contract{active}, SoldTo: partner, EndUser: endUser, EndUserDirect: true}, ReadWrite},
		{"subsidiary employee", ReadWrite, accepted(3), CombinationFacts{Contracts: []Contract{active}, SoldTo: partner, EndUser: sub}, ReadWrite},
		{"direct customer", ReadWrite, accepted(2), CombinationFacts{Contracts: []Contract{active}, SoldTo: endUser, EndUser: endUser}, ReadWrite},
		{"read-only stays read-only after the contract ended", ReadOnly, accepted(1), CombinationFacts{Contracts: []Contract{ended}, SoldTo: partner, EndUser: endUser}, ReadOnly},
		{"basic", Basic, accepted(1), CombinationFacts{SoldTo: partner, EndUser: endUser}, Basic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := EffectiveLevel(Grant{Level: tt.level}, tt.contact, tt.facts, now)
			if got != tt.want {
				t.Errorf("EffectiveLevel(%s) = %s, want %s", tt.level, got, tt.want)
			}
		})
	}
}

// isStaffFacts are the functions outside desk that ask whether a user is
// staff (IsStaff), with the fact each needs it for: which words to use,
// the kind of a feed entry, the direction of a file, who is emailed what
// staff did. None decides what someone may do: that is a row of the
// policy, asked through Authorize (forbidigo refuses HasRole and
// Actor.Approver outside desk; this list keeps IsStaff to facts).
var isStaffFacts = map[string]string{
	"internal/store/access.go readActorFacts":          "staff hold no grants: their actor has no levels",
	"internal/web/profile.go loadProfile":              "staff hold no grants: their profile lists none",
	"internal/support/cases.go applyChange":            "a case's owner is a member of staff",
	"internal/support/queue.go Bulk":                   "a case's owner is a member of staff",
	"internal/support/cases.go setStatus":              "the customer is emailed the status changes staff make",
	"internal/support/cases.go closeKind":              "a staff member's closure or reopen comment is a reply, a customer's a comment",
	"internal/support/uploads.go finishUpload":         "a file staff send is a file from support",
	"internal/support/escalations.go workEscalationTx": "the customer is emailed what staff add to the Escalation Feed",
}

// TestIsStaffStatesFacts: every call of IsStaff outside desk is in a
// function of isStaffFacts, and every function listed still calls it.
func TestIsStaffStatesFacts(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	seen := map[string]bool{}
	for _, dir := range []string{"internal", "cmd"} {
		root := filepath.Join("..", "..", dir)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(filepath.Join("..", ".."), path)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if rel == "internal/desk" || d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if filepath.Ext(path) != ".go" || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "IsStaff" {
						key := rel + " " + fn.Name.Name
						seen[key] = true
						if _, ok := isStaffFacts[key]; !ok {
							t.Errorf("%s: %s asks IsStaff: ask desk.Authorize for an action, or, if it is a fact (words, the kind of an entry), add %q to isStaffFacts with the fact", fset.Position(call.Pos()), fn.Name.Name, key)
						}
					}
					return true
				})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for key := range isStaffFacts {
		if !seen[key] {
			t.Errorf("isStaffFacts lists %s, which no longer asks IsStaff: delete its line", key)
		}
	}
}
