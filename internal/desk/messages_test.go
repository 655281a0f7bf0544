package desk

import (
	"errors"
	"strings"
	"testing"
)

// The domain's messages come from its English file and read as they did
// when they were written inline.
func TestMessagesKeepTheirEnglish(t *testing.T) {
	profile := func(s Subject) map[string]string {
		_, err := ValidateProfile(ProfileInput{Email: "x@gmail.com", Phone: "abc"}, DefaultEmailRules(), s)
		return AsValidation(err)
	}
	mine, theirs := profile(Yourself), profile(TheContact)
	contact := &Actor{User: &User{Kind: KindContact}}
	combo := Combination{SoldToID: 1, EndUserID: 1}
	reader := &Actor{User: &User{Kind: KindContact}, Levels: map[Combination]AccessLevel{combo: ReadOnly}}
	tests := []struct{ got, want string }{
		{CheckTransition(StatusClosed, SubResolved, StatusSolutionProposed, SubReplied).Error(), "a case cannot move from Closed to Solution Proposed: conflict"},
		{CheckTransition(StatusOpen, SubNew, StatusOpen, SubReplied).Error(), "invalid input: substatus: Replied is not a substatus of Open."},
		{Authorize(reader, CloseCase, On(combo)).Error(), "you need Read-Write (Designated Contact) access to close cases for this Sold To and End User: forbidden"},
		{Authorize(contact, DecideAccessRequest, Target{}).Error(), "only portal admins and Designated Approvers of the Sold To decide access requests: forbidden"},
		{mine["first_name"], "Enter your first name."},
		{theirs["first_name"], "Enter the contact's first name."},
		{mine["email"], "Use your corporate email address: addresses at gmail.com are personal addresses and are not accepted."},
		{theirs["company"], "Choose the contact's employer."},
		{mine["phone"], "Enter a phone number with digits, spaces, +, - and brackets only."},
		{AsValidation(ValidatePassword("short"))["password"], "Use at least 10 characters."},
		// Counted in characters, with CheckText's limit for secrets.
		{AsValidation(ValidatePassword(strings.Repeat("é", MaxSecret+1)))["password"], "Use at most 256 characters (you used 257)."},
		{AsValidation(ValidatePassword(strings.Repeat("é", MaxSecret)))["password"], ""},
		{AsValidation(ValidateComment("body", " "))["body"], "Write something first."},
		{Priority("urgent").Label(), "urgent"},
		{ReadWrite.Label(), "Read-Write (Designated Contact)"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

// A refusal is its kind, and carries its message for the edge.
func TestRefusalCarriesItsMessage(t *testing.T) {
	err := error(Refuse(ErrForbidden, "desk.policy.staff_only"))
	if !errors.Is(err, ErrForbidden) {
		t.Error("a refusal of kind ErrForbidden is not ErrForbidden")
	}
	m, ok := AsMessage(err)
	if !ok || m.ID != "desk.policy.staff_only" {
		t.Errorf("AsMessage = %+v, %v", m, ok)
	}
	if v := FieldMessages(Problems{"a": Msg("desk.comment.empty")}.Err()); v["a"].ID != "desk.comment.empty" {
		t.Errorf("FieldMessages lost the ID: %+v", v)
	}
}

// Every ID desk's code names is in its English file.
func TestDeskIDsExist(t *testing.T) {
	for _, id := range []string{"desk.case.transition_refused", "desk.policy.level_needed", "desk.verb.close_case"} {
		if !HasMessage(id) {
			t.Errorf("%s is missing", id)
		}
	}
	for _, id := range MessageIDs() {
		if strings.TrimSpace(English(id, nil)) == "" {
			t.Errorf("%s has no English", id)
		}
	}
}

// Problems found by another check join a form's with their messages (and
// IDs); the first problem of a field stays; another error stops the
// caller. Renamed fields keep their messages.
func TestProblemsMergeKeepsMessages(t *testing.T) {
	p := Problems{}
	p.AddMessage("password", "desk.comment.empty")
	if err := p.Merge(ValidatePassword("short")); err != nil {
		t.Fatalf("Merge(validation error) = %v, want nil", err)
	}
	if err := p.Merge(ValidateComment("body", " ")); err != nil {
		t.Fatalf("Merge(validation error) = %v, want nil", err)
	}
	if p["password"].ID != "desk.comment.empty" || p["body"].ID != "desk.comment.empty" {
		t.Errorf("merged problems = %+v, want the first password message and the body's", p)
	}
	if err := p.Merge(nil); err != nil {
		t.Errorf("Merge(nil) = %v", err)
	}
	if err := p.Merge(ErrConflict); !errors.Is(err, ErrConflict) {
		t.Errorf("Merge(conflict) = %v, want the conflict back", err)
	}
	renamed := FieldMessages(RenameFields(p.Err(), map[string]string{"password": "new_password"}))
	if renamed["new_password"].ID != "desk.comment.empty" || renamed["body"].ID != "desk.comment.empty" || len(renamed) != 2 {
		t.Errorf("renamed = %+v", renamed)
	}
	if err := RenameFields(ErrConflict, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("RenameFields(conflict) = %v", err)
	}
}

// A role is valid when it is one of the staff roles, whatever its label.
func TestRoleValid(t *testing.T) {
	for _, r := range Roles {
		if !r.Valid() {
			t.Errorf("%s is not valid", r)
		}
	}
	for _, r := range []Role{"", "Agent", "admin", "agent "} {
		if r.Valid() {
			t.Errorf("%q is valid", r)
		}
	}
}
