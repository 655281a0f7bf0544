package support

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Settings keys for the email rules.
const (
	settingFreeMail = "email.free_mail_domains"
	settingAliases  = "email.role_aliases"
)

// emailRules returns the current corporate-email rules. A free-mail domain
// is stored as its ASCII (punycode) form; the rules also hold its Unicode
// form, so an address written either way is refused.
func (s *core) emailRules(ctx context.Context) (desk.EmailRules, error) {
	rules, err := s.storedEmailRules(ctx)
	for _, d := range rules.FreeMailDomains {
		if u, err := idna.ToUnicode(d); err == nil && u != d {
			rules.FreeMailDomains = append(rules.FreeMailDomains, u)
		}
	}
	return rules, err
}

// storedEmailRules are the rules as an admin sets them.
func (s *core) storedEmailRules(ctx context.Context) (desk.EmailRules, error) {
	def := desk.DefaultEmailRules()
	free, err := s.store.Setting(ctx, settingFreeMail, strings.Join(def.FreeMailDomains, "\n"))
	if err != nil {
		return def, err
	}
	aliases, err := s.store.Setting(ctx, settingAliases, strings.Join(def.RoleAliases, "\n"))
	if err != nil {
		return def, err
	}
	return desk.EmailRules{FreeMailDomains: lines(free), RoleAliases: lines(aliases)}, nil
}

// SetEmailRules changes the corporate-email rules (portal admins). Each
// list keeps at least one entry: a contact's work email is neither free
// mail nor a role alias, and an empty list would let every such address
// in. Every entry must be a domain name or a mailbox name that an address
// can have, so a typo is refused rather than kept as a rule that never
// matches; the same entry given twice (in any case, or a domain as both
// Unicode and punycode) is kept once.
func (s *Mail) SetEmailRules(ctx context.Context, r Request, rules desk.EmailRules) error {
	if err := desk.Authorize(r.Actor, desk.ManageEmailRules, desk.Target{}); err != nil {
		return err
	}
	p := desk.Problems{}
	free := checkEntries(p, "free_mail_domains", rules.FreeMailDomains, freeMailDomain,
		"support.email_rules.bad_domains", "support.email_rules.no_domains")
	aliases := checkEntries(p, "role_aliases", rules.RoleAliases, roleAlias,
		"support.email_rules.bad_aliases", "support.email_rules.no_aliases")
	if err := p.Err(); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetSetting(ctx, settingFreeMail, strings.Join(free, "\n")); err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, settingAliases, strings.Join(aliases, "\n")); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "email_rules_updated", "",
			fmt.Sprintf("%d free-mail domains, %d aliases", len(free), len(aliases)))
	})
}

// checkEntries returns the entries of one list of the email rules in the
// form canonical gives, each once, and records under field the entries it
// refuses (badMsg, with them quoted) or that the list is empty (emptyMsg).
func checkEntries(p desk.Problems, field string, in []string, canonical func(string) (string, bool), badID, emptyID string) []string {
	var out, bad []string
	for _, e := range in {
		if strings.TrimSpace(e) == "" {
			continue
		}
		c, ok := canonical(strings.TrimSpace(e))
		switch {
		case !ok:
			bad = append(bad, strconv.Quote(e))
		case !slices.Contains(out, c):
			out = append(out, c)
		}
	}
	switch {
	case len(bad) > 0:
		p.AddMessage(field, badID, "Entries", strings.Join(bad, ", "))
	case len(out) == 0:
		p.AddMessage(field, emptyID)
	}
	return out
}

// domainNames checks a domain name as DNS and IDNA 2008 have it: labels of
// letters, digits and inner hyphens, at most 63 octets each, Unicode
// labels as valid as their punycode.
var domainNames = idna.New(idna.MapForLookup(), idna.StrictDomainName(true), idna.VerifyDNSLength(true), idna.BidiRule())

// freeMailDomain is d in its lower-case ASCII form, and whether it is a
// domain name with at least two labels, as the domain of an address is.
func freeMailDomain(d string) (string, bool) {
	a, err := domainNames.ToASCII(d)
	return a, err == nil && strings.Contains(strings.Trim(a, "."), ".") && !strings.HasSuffix(a, ".")
}

// roleAlias is a in lower case, and whether it is the part before the @
// (and before any +, which CheckWorkEmail ignores) of an address: an
// RFC 5322 dot-atom, letters of any script allowed (RFC 6531), at most 64
// octets.
func roleAlias(a string) (string, bool) {
	a = strings.ToLower(a)
	if a == "" || len(a) > 64 || strings.HasPrefix(a, ".") || strings.HasSuffix(a, ".") || strings.Contains(a, "..") {
		return a, false
	}
	for _, r := range a {
		if !localPartRune(r) {
			return a, false
		}
	}
	return a, true
}

// localPartRune reports whether r may occur in a dot-atom local part:
// RFC 5322's atext and dots, and any letter, digit or mark beyond ASCII.
func localPartRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(".!#$%&'*-/=?^_`{|}~", r)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ContactInput is a contact profile as an admin or a registration form
// submits it.
type ContactInput struct {
	desk.ProfileInput
	Disabled bool
}

// SetPasswordLinkLifetime is how long the link sent to a contact an admin
// adds stays valid.
const SetPasswordLinkLifetime = 7 * 24 * time.Hour

// CreateContact adds a contact (portal admins). The contact gets a PIN and,
// in the same transaction, an email with a link to set a password (unless
// added disabled): the password-reset link, valid SetPasswordLinkLifetime
// because a new contact may not read it within the hour a reset allows.
func (s *Accounts) CreateContact(ctx context.Context, r Request, in ContactInput) (int64, error) {
	if err := desk.Authorize(r.Actor, desk.ManageContacts, desk.Target{}); err != nil {
		return 0, err
	}
	var contactID int64
	err := s.store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if contactID, err = s.createContact(ctx, tx, r, in, ""); err != nil || in.Disabled {
			return err
		}
		u, err := tx.User(ctx, contactID)
		if err != nil {
			return err
		}
		return s.queuePasswordLink(ctx, tx, u, SetPasswordLinkLifetime, mail{
			Kind: "set_password", Subject: desk.Msg("mail.set_password.subject"), Text: desk.Msg("mail.set_password.text"),
		})
	})
	return contactID, err
}

// createContact validates and inserts a contact inside tx.
func (s *core) createContact(ctx context.Context, tx *store.Tx, r Request, in ContactInput, passwordHash string) (int64, error) {
	u, err := s.contactFromInput(ctx, tx, r, in)
	if err != nil {
		return 0, err
	}
	contactID, err := s.createUser(ctx, tx, u, passwordHash)
	if err != nil {
		return 0, err
	}
	return contactID, s.audit(ctx, tx, r, "contact_created", u.Email, u.Name())
}

func (s *core) contactFromInput(ctx context.Context, tx *store.Tx, r Request, in ContactInput) (*desk.User, error) {
	rules, err := s.emailRules(ctx)
	if err != nil {
		return nil, err
	}
	email, verr := desk.ValidateProfile(in.ProfileInput, rules, desk.SubjectFor(r.Actor))
	if verr == nil {
		_, err := tx.Company(ctx, in.CompanyID)
		verr = missingAs(err, "company", "support.contacts.company")
	}
	if verr != nil {
		return nil, verr
	}
	return &desk.User{
		Kind: desk.KindContact, Email: email, FirstName: strings.TrimSpace(in.FirstName),
		LastName: strings.TrimSpace(in.LastName), CompanyID: in.CompanyID, Country: strings.TrimSpace(in.Country),
		Phone: strings.TrimSpace(in.Phone), Mobile: strings.TrimSpace(in.Mobile), Disabled: in.Disabled,
	}, nil
}

// UpdateContact changes a contact's profile (portal admins). A contact
// changes their own details with UpdateOwnProfile, never here: this path
// moves employers and work emails.
func (s *Accounts) UpdateContact(ctx context.Context, r Request, contactID int64, in ContactInput) error {
	if err := desk.Authorize(r.Actor, desk.ManageContacts, desk.Target{}); err != nil {
		return err
	}
	return s.updateContact(ctx, r, contactID, func(*desk.User) ContactInput { return in })
}

// UpdateOwnProfile changes the actor's own name, country and phones
// (contacts). The work email and the employer stay as they are: they are
// an admin's to change, and a contact cannot disable themselves.
func (s *Accounts) UpdateOwnProfile(ctx context.Context, r Request, in desk.ProfileInput) error {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return err
	}
	return s.updateContact(ctx, r, r.Actor.User.ID, func(old *desk.User) ContactInput {
		in.Email, in.CompanyID = old.Email, old.CompanyID
		return ContactInput{ProfileInput: in}
	})
}

// updateContact writes the profile input makes of the contact as it is.
func (s *core) updateContact(ctx context.Context, r Request, contactID int64, input func(old *desk.User) ContactInput) error {
	return s.store.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.User(ctx, contactID)
		if err != nil {
			return err
		}
		if old.Kind != desk.KindContact {
			return fmt.Errorf("user %d is not a contact: %w", contactID, desk.ErrNotFound)
		}
		u, err := s.contactFromInput(ctx, tx, r, input(old))
		if err != nil {
			return err
		}
		u.ID = contactID
		if err := tx.UpdateProfile(ctx, u); err != nil {
			return fieldConflict(err)
		}
		return s.audit(ctx, tx, r, "contact_updated", u.Email, changes(old, u))
	})
}

// changes describes what an update changed, for the audit log.
func changes(old, u *desk.User) string {
	var parts []string
	add := func(name, a, b string) {
		if a != b {
			parts = append(parts, fmt.Sprintf("%s %q → %q", name, a, b))
		}
	}
	add("email", old.Email, u.Email)
	add("first name", old.FirstName, u.FirstName)
	add("last name", old.LastName, u.LastName)
	add("country", old.Country, u.Country)
	add("phone", old.Phone, u.Phone)
	add("mobile", old.Mobile, u.Mobile)
	if old.CompanyID != u.CompanyID {
		parts = append(parts, fmt.Sprintf("employer %d → %d", old.CompanyID, u.CompanyID))
	}
	if old.Disabled != u.Disabled {
		parts = append(parts, fmt.Sprintf("disabled %v → %v", old.Disabled, u.Disabled))
	}
	return strings.Join(parts, "; ")
}

// CreateStaff adds a staff user with roles (portal admins, or the command
// line with a nil actor check done by the caller).
func (s *Accounts) CreateStaff(ctx context.Context, r Request, u *desk.User, password string) (int64, error) {
	if err := desk.Authorize(r.Actor, desk.ManageStaff, desk.Target{}); err != nil {
		return 0, err
	}
	return s.createStaff(ctx, r, u, password)
}

// CreateStaffHeadless adds a staff user from the command line, where there
// is no signed-in actor: whoever runs the binary owns the installation.
func (s *Accounts) CreateStaffHeadless(ctx context.Context, u *desk.User, password string) (int64, error) {
	return s.createStaff(ctx, Request{Address: "command line"}, u, password)
}

func (s *core) createStaff(ctx context.Context, r Request, u *desk.User, password string) (int64, error) {
	p := desk.Problems{}
	email := strings.ToLower(strings.TrimSpace(u.Email))
	if !strings.Contains(email, "@") {
		p.AddMessage("email", "support.contacts.email")
	}
	if strings.TrimSpace(u.FirstName) == "" {
		p.AddMessage("first_name", "support.contacts.first_name")
	}
	if strings.TrimSpace(u.LastName) == "" {
		p.AddMessage("last_name", "support.contacts.last_name")
	}
	if len(u.Roles) == 0 {
		p.AddMessage("roles", "support.contacts.roles")
	}
	for _, role := range u.Roles {
		if role.Label() == string(role) {
			p.Add("roles", "Unknown role "+string(role)+".")
		}
	}
	hash := ""
	if password != "" {
		if err := desk.ValidatePassword(password); err != nil {
			p.Add("password", desk.AsValidation(err)["password"])
		}
		hash = auth.HashPassword(password)
	}
	if err := p.Err(); err != nil {
		return 0, err
	}
	staff := *u
	staff.Kind, staff.Email, staff.CompanyID = desk.KindStaff, email, 0
	var staffID int64
	err := s.store.Write(ctx, func(tx *store.Tx) error {
		var err error
		if staffID, err = s.createUser(ctx, tx, &staff, hash); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "staff_created", staff.Email, fmt.Sprint(staff.Roles))
	})
	return staffID, err
}

// SetPasswordHeadless sets a user's password from the command line.
func (s *Accounts) SetPasswordHeadless(ctx context.Context, userID int64, password string) error {
	if err := desk.ValidatePassword(password); err != nil {
		return err
	}
	hash := auth.HashPassword(password)
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, userID, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: s.now(), ActorID: userID, Action: "password_set", Address: "command line"})
	})
}

// ChangePassword changes the actor's own password after checking the
// current one. With everywhere it also ends the actor's other sessions
// (all but keepSession, the token of the browser asking, if any) and
// revokes their API tokens, in the same transaction.
func (s *Accounts) ChangePassword(ctx context.Context, r Request, current, next string, everywhere bool, keepSession string) error {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return err
	}
	hash, err := s.store.PasswordHash(ctx, r.Actor.User.ID)
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(hash, current); err != nil {
		return desk.Invalid("current", "support.contacts.current")
	}
	if err := desk.ValidatePassword(next); err != nil {
		return err
	}
	newHash := auth.HashPassword(next)
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, r.Actor.User.ID, newHash); err != nil {
			return err
		}
		if !everywhere {
			return s.audit(ctx, tx, r, "password_changed", r.Actor.User.Email, "")
		}
		if err := signOutEverywhere(ctx, tx, r.Actor.User.ID, keepSession, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "password_changed", r.Actor.User.Email, "signed out everywhere else")
	})
}

// AcceptTerms records that the actor accepted the current Designated
// Contact terms.
func (s *Accounts) AcceptTerms(ctx context.Context, r Request) error {
	if err := desk.Authorize(r.Actor, desk.RequestAccess, desk.Target{}); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.AcceptTerms(ctx, r.Actor.User.ID, desk.TermsVersion, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "terms_accepted", r.Actor.User.Email, "Designated Contact terms "+desk.TermsVersion)
	})
}

// SetGrant gives a contact a level on a combination (portal admins). The
// seeds' rules are checked here, with a clear message for each refusal.
func (s *Access) SetGrant(ctx context.Context, r Request, g desk.Grant) error {
	if err := desk.Authorize(r.Actor, desk.ManageContacts, desk.Target{}); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		return s.grant(ctx, tx, r, g)
	})
}

// grant checks and writes a grant inside tx: the combination must be one a
// contract joins, and Read-Write must be allowed for the contact.
func (s *core) grant(ctx context.Context, tx *store.Tx, r Request, g desk.Grant) error {
	contact, err := tx.User(ctx, g.ContactID)
	if err != nil {
		return err
	}
	if contact.Kind != desk.KindContact {
		return desk.Invalid("contact", "support.contacts.contact")
	}
	now := s.now()
	facts, err := tx.CombinationFacts(ctx, g.Combination, now)
	if errors.Is(err, desk.ErrNotFound) || (err == nil && len(facts.Contracts) == 0) {
		return desk.Invalid("combination", "support.contacts.combination")
	}
	if err != nil {
		return err
	}
	if g.Level == desk.ReadWrite {
		if m := desk.DesignatedContactRefusal(contact, facts); m.ID != "" {
			return desk.Problems{"level": m}.Err()
		}
	}
	g.GrantedAt = now
	if err := tx.SetGrant(ctx, g, r.actorID()); err != nil {
		return err
	}
	return s.audit(ctx, tx, r, "access_granted", contact.Email,
		fmt.Sprintf("%s on sold to %d / end user %d", g.Level.Label(), g.SoldToID, g.EndUserID))
}

// SetApprover makes a contact of the Sold To a Designated Approver, or not
// (portal admins).
func (s *Access) SetApprover(ctx context.Context, r Request, soldTo, contactID int64, on bool) error {
	if err := desk.Authorize(r.Actor, desk.ManageContacts, desk.Target{}); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		contact, err := tx.User(ctx, contactID)
		if err != nil {
			return err
		}
		if contact.Kind != desk.KindContact || contact.CompanyID != soldTo {
			return desk.Invalid("contact", "support.contacts.contact_2")
		}
		if err := tx.SetApprover(ctx, soldTo, contactID, on); err != nil {
			return err
		}
		action := "approver_added"
		if !on {
			action = "approver_removed"
		}
		return s.audit(ctx, tx, r, action, contact.Email, fmt.Sprintf("sold to %d", soldTo))
	})
}

// Contacts lists contacts, optionally of one company (staff).
func (s *Accounts) Contacts(ctx context.Context, r Request, f store.UserFilter) ([]desk.User, error) {
	if err := desk.Authorize(r.Actor, desk.ViewAccounts, desk.Target{}); err != nil {
		return nil, err
	}
	f.Kind = desk.KindContact
	return s.store.Users(ctx, f)
}

// ContactView is a contact as the console shows it: no PIN.
type ContactView struct {
	Contact *desk.User
	Company *desk.Company
	Grants  []desk.Grant
	// Effective is the level that counts now, per grant.
	Effective map[desk.Combination]desk.AccessLevel
	Approves  []int64
}

// Contact returns a contact's console view (staff). The PIN is blanked:
// only the caller-verification page matches PINs, and only the contact's
// own profile shows theirs.
func (s *Accounts) Contact(ctx context.Context, r Request, contactID int64) (*ContactView, error) {
	if err := desk.Authorize(r.Actor, desk.ViewAccounts, desk.Target{}); err != nil {
		return nil, err
	}
	return s.contactView(ctx, contactID)
}

func (s *core) contactView(ctx context.Context, contactID int64) (*ContactView, error) {
	a, err := s.store.Actor(ctx, contactID, s.now())
	if err != nil {
		return nil, err
	}
	if a.User.Kind != desk.KindContact {
		return nil, fmt.Errorf("user %d is not a contact: %w", contactID, desk.ErrNotFound)
	}
	v := &ContactView{Contact: a.User, Effective: a.Levels, Approves: a.Approves}
	v.Contact.PIN = ""
	if v.Company, err = s.store.Company(ctx, a.User.CompanyID); err != nil {
		return nil, err
	}
	if v.Grants, err = s.store.Grants(ctx, store.GrantFilter{ContactID: contactID}); err != nil {
		return nil, err
	}
	return v, nil
}

// Profile is the actor's own profile page: the only place a PIN is shown.
type Profile struct {
	User    *desk.User
	Company *desk.Company
	Grants  []desk.Grant
	// Levels are the effective levels now.
	Levels   map[desk.Combination]desk.AccessLevel
	Requests []store.AccessRequestRow
	Tokens   []store.APIToken
}

// Profile returns the actor's own profile with their PIN.
func (s *Accounts) Profile(ctx context.Context, r Request) (*Profile, error) {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return nil, err
	}
	u, err := s.store.User(ctx, r.Actor.User.ID)
	if err != nil {
		return nil, err
	}
	p := &Profile{User: u, Levels: r.Actor.Levels}
	if u.Kind == desk.KindContact {
		if p.Company, err = s.store.Company(ctx, u.CompanyID); err != nil {
			return nil, err
		}
		if p.Grants, err = s.store.Grants(ctx, store.GrantFilter{ContactID: u.ID}); err != nil {
			return nil, err
		}
		if p.Requests, err = s.store.AccessRequests(ctx, store.AccessRequestFilter{ContactID: u.ID}); err != nil {
			return nil, err
		}
		for i := range p.Requests {
			requesterView(r.Actor, &p.Requests[i])
		}
	}
	if p.Tokens, err = s.store.APITokens(ctx, u.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// CreateContactHeadless adds a contact from the command line, with the
// employer named by Org ID and an optional password.
func (s *Accounts) CreateContactHeadless(ctx context.Context, orgID string, in desk.ProfileInput, password string) (int64, error) {
	hash := ""
	if password != "" {
		if err := desk.ValidatePassword(password); err != nil {
			return 0, err
		}
		hash = auth.HashPassword(password)
	}
	var contactID int64
	err := s.store.Write(ctx, func(tx *store.Tx) error {
		c, err := tx.CompanyByOrgID(ctx, strings.TrimSpace(orgID))
		if err != nil {
			return missingAs(err, "org", "support.contacts.org_unknown", "OrgID", orgID)
		}
		in.CompanyID = c.ID
		contactID, err = s.createContact(ctx, tx, Request{Address: "command line"}, ContactInput{ProfileInput: in}, hash)
		return err
	})
	return contactID, err
}

// StaffUsers lists the staff, for owner pickers (staff).
func (s *Accounts) StaffUsers(ctx context.Context, r Request) ([]desk.User, error) {
	if err := desk.Authorize(r.Actor, desk.ViewAccounts, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.Users(ctx, store.UserFilter{Kind: desk.KindStaff})
}
