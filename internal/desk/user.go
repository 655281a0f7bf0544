package desk

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// UserKind separates the vendor's staff from customers' and partners'
// contacts. A user is one or the other, never both.
type UserKind string

// User kinds.
const (
	KindContact UserKind = "contact"
	KindStaff   UserKind = "staff"
)

// Role is a staff role. A staff user may hold several.
type Role string

// Staff roles.
const (
	RoleAgent                 Role = "agent"
	RoleEscalationOwner       Role = "escalation_owner"
	RolePortalAdmin           Role = "portal_admin"
	RoleProductSupportManager Role = "product_support_manager"
	// RoleKnowledgeEditor writes, reviews, publishes and retires
	// knowledge items.
	RoleKnowledgeEditor Role = "knowledge_editor"
)

// Roles lists the staff roles in the order forms show them.
var Roles = []Role{RoleAgent, RoleEscalationOwner, RolePortalAdmin, RoleProductSupportManager, RoleKnowledgeEditor}

// MessageID is the catalogue ID of the Role's label.
func (r Role) MessageID() string { return "label.role." + string(r) }

// Label is the role's name in the console.
func (r Role) Label() string { return label(r.MessageID(), string(r)) }

// Valid reports whether r is one of the staff roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// TermsVersion is the version of the Designated Contact terms a contact
// accepts today. Changing the terms means raising it.
const TermsVersion = "2025-05"

// User is a person who signs in: a contact of a company, or a staff member.
type User struct {
	ID        int64
	Kind      UserKind
	Email     string
	FirstName string
	LastName  string
	// CompanyID is the contact's employer; zero for staff.
	CompanyID int64
	Country   string
	Phone     string
	Mobile    string
	// PIN identifies a contact on the phone. It is shown only on the
	// contact's own profile and never leaves the store otherwise.
	PIN   string
	Roles []Role
	// TermsAcceptedAt and TermsVersion record the Designated Contact terms
	// the contact accepted; zero when never accepted.
	TermsAcceptedAt time.Time
	TermsVersion    string
	Disabled        bool
	CreatedAt       time.Time
	// TimeZone is the IANA zone the user reads times in; "" is their
	// browser's on pages and UTC in emails.
	TimeZone string
}

// Name is the user's full name.
func (u *User) Name() string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }

// IsStaff reports whether u works for the vendor: a fact, never a
// permission (see Actor.IsStaff).
func (u *User) IsStaff() bool { return u.Kind == KindStaff }

// HasRole reports whether u is staff holding r.
func (u *User) HasRole(r Role) bool { return u.IsStaff() && slices.Contains(u.Roles, r) }

// AcceptedTerms reports whether u accepted the current Designated Contact
// terms.
func (u *User) AcceptedTerms() bool {
	return !u.TermsAcceptedAt.IsZero() && u.TermsVersion == TermsVersion
}

// EmailRules are the lists that decide whether an address is a corporate
// address of one person. Portal admins can change them; DefaultEmailRules
// seeds them.
type EmailRules struct {
	FreeMailDomains []string
	RoleAliases     []string
}

// DefaultEmailRules refuses the common free-mail providers and the mailbox
// names that belong to a team rather than a person.
func DefaultEmailRules() EmailRules {
	return EmailRules{
		FreeMailDomains: []string{
			"gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "ymail.com",
			"hotmail.com", "hotmail.co.uk", "outlook.com", "live.com", "msn.com",
			"aol.com", "icloud.com", "me.com", "mac.com", "mail.com", "gmx.com",
			"gmx.de", "gmx.net", "web.de", "proton.me", "protonmail.com",
			"yandex.com", "yandex.ru", "mail.ru", "zoho.com", "qq.com", "163.com",
			"126.com", "fastmail.com", "tutanota.com",
		},
		RoleAliases: []string{
			"admin", "administrator", "billing", "contact", "help", "helpdesk",
			"hostmaster", "info", "it", "mail", "marketing", "no-reply", "noreply",
			"office", "postmaster", "root", "sales", "security", "service",
			"support", "team", "webmaster",
		},
	}
}

// Subject is whom the messages about a contact's profile speak of: the
// person filling it in about themselves ("Enter your first name"), or the
// contact a staff member fills it in for ("Enter the contact's first
// name"). The checks are the same; only the words differ.
type Subject struct {
	// self says the person fills in their own profile; the messages
	// choose their words by it ({{if .Self}}your{{else}}the contact's{{end}}).
	self bool
}

// The two subjects of a profile's messages.
var (
	Yourself   = Subject{self: true}
	TheContact = Subject{}
)

// SubjectFor is the subject of the messages a profile's author reads:
// staff fill in contacts' profiles, a contact (or a person registering)
// their own.
func SubjectFor(a *Actor) Subject {
	if a.IsStaff() {
		return TheContact
	}
	return Yourself
}

// CheckWorkEmail returns a message saying why addr is not a corporate
// address of one person, or the zero Message when it is one, speaking of
// whose address it is as s. It also returns the address normalised to
// lower case.
func (r EmailRules) CheckWorkEmail(addr string, s Subject) (string, Message) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" {
		return addr, Msg("desk.person.email_missing", "Self", s.self)
	}
	parsed, err := mail.ParseAddress(addr)
	if err != nil || parsed.Address != addr || parsed.Name != "" {
		return addr, Msg("desk.person.email_invalid")
	}
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || !strings.Contains(domain, ".") {
		return addr, Msg("desk.person.email_invalid")
	}
	if slices.Contains(r.FreeMailDomains, domain) {
		return addr, Msg("desk.person.email_free_mail", "Self", s.self, "Domain", domain)
	}
	base, _, _ := strings.Cut(local, "+")
	if slices.Contains(r.RoleAliases, base) {
		return addr, Msg("desk.person.email_role_alias", "Self", s.self, "Local", local)
	}
	return addr, Message{}
}

// ProfileInput is what a contact or an admin submits for a contact profile.
type ProfileInput struct {
	FirstName string
	LastName  string
	Email     string
	CompanyID int64
	Country   string
	Phone     string
	Mobile    string
}

// ValidateProfile checks a contact profile and returns the normalised
// email; its messages speak of the contact as s.
func ValidateProfile(in ProfileInput, rules EmailRules, s Subject) (string, error) {
	p := Problems{}
	if strings.TrimSpace(in.FirstName) == "" {
		p.AddMessage("first_name", "desk.person.first_name", "Self", s.self)
	}
	if strings.TrimSpace(in.LastName) == "" {
		p.AddMessage("last_name", "desk.person.last_name", "Self", s.self)
	}
	email, msg := rules.CheckWorkEmail(in.Email, s)
	if msg.ID != "" {
		p["email"] = msg
	}
	if in.CompanyID == 0 {
		p.AddMessage("company", "desk.person.company", "Self", s.self)
	}
	if strings.TrimSpace(in.Country) == "" {
		p.AddMessage("country", "desk.person.country", "Self", s.self)
	}
	for field, v := range map[string]string{"phone": in.Phone, "mobile": in.Mobile} {
		if v != "" && !validPhone(v) {
			p.AddMessage(field, "desk.person.phone")
		}
	}
	return email, p.Err()
}

func validPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().", r):
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// ValidatePassword checks a new password.
func ValidatePassword(pw string) error {
	p := Problems{}
	if len([]rune(pw)) < MinPasswordLength {
		p.AddMessage("password", "desk.password.too_short", "Min", MinPasswordLength)
	}
	if n := utf8.RuneCountInString(pw); n > MaxSecret { // CheckText's limit, which the edge runs first
		p.AddMessage("password", "desk.text.too_long_used", "Max", MaxSecret, "Used", n)
	}
	return p.Err()
}

// StaffWhoMay returns the staff members of users whom the policy lets take
// act (disabled users never): who an alert about that work goes to, such
// as the dead jobs to those who may ManageJobs.
func StaffWhoMay(users []User, act Action) []User {
	var out []User
	for i := range users {
		if users[i].IsStaff() && Authorize(&Actor{User: &users[i]}, act, Target{}) == nil {
			out = append(out, users[i])
		}
	}
	return out
}

// StaffWith returns the staff members of users who hold r and are not
// disabled: who an email for a duty the handbook gives a role goes to (the
// product support manager on duty hears of every urgent case). For alerts
// about work the policy governs, StaffWhoMay asks the policy instead.
func StaffWith(users []User, r Role) []User {
	var out []User
	for _, u := range users {
		if u.IsStaff() && u.HasRole(r) && !u.Disabled {
			out = append(out, u)
		}
	}
	return out
}

// CheckTimeZone checks a time zone a user chose: "" (the browser's) or a
// name of the time zone database such as Europe/Berlin.
func CheckTimeZone(name string) error {
	if name == "" {
		return nil
	}
	if _, err := LoadZone(name); err != nil {
		p := Problems{}
		p.AddMessage("time_zone", "desk.time_zone.unknown", "Value", name)
		return p.Err()
	}
	return nil
}

// LoadZone loads a zone of the time zone database by its IANA name.
// Unlike time.LoadLocation it refuses "" and "Local" (the server's zone,
// which says nothing of the reader's) and names that are not in the
// database's form (a path, or longer than any zone's name).
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || len(name) > 64 || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, fmt.Errorf("time zone %q: %w", name, ErrNotFound)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, ErrNotFound)
	}
	return loc, nil
}
