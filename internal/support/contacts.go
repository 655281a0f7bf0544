package support

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

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
	err := s.write(ctx, r, func(tx *store.Tx) error {
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
	return s.write(ctx, r, func(tx *store.Tx) error {
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
	return s.createStaff(ctx, r, u, password, true)
}

// CreateStaffHeadless adds a staff user from the command line, where there
// is no signed-in actor: whoever runs the binary owns the installation. The
// password may be left out (no --password-stdin).
func (s *Accounts) CreateStaffHeadless(ctx context.Context, u *desk.User, password string) (int64, error) {
	return s.createStaff(ctx, Request{Address: "command line"}, u, password, false)
}

// createStaff adds a staff user; an admin adding one gives the first
// password (needPassword), and every problem of the form is told at once.
func (s *core) createStaff(ctx context.Context, r Request, u *desk.User, password string, needPassword bool) (int64, error) {
	p := desk.Problems{}
	if needPassword && password == "" {
		p.AddMessage("password", "support.contacts.first_password", "Min", desk.MinPasswordLength)
	}
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
		if !role.Valid() {
			p.AddMessage("roles", "support.contacts.unknown_role", "Role", string(role))
		}
	}
	hash := ""
	if password != "" {
		if err := p.Merge(desk.ValidatePassword(password)); err != nil {
			return 0, err
		}
		hash = auth.HashPassword(password)
	}
	if err := p.Err(); err != nil {
		return 0, err
	}
	staff := *u
	staff.Kind, staff.Email, staff.CompanyID = desk.KindStaff, email, 0
	var staffID int64
	err := s.write(ctx, r, func(tx *store.Tx) error {
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
		return tx.Audit(ctx, desk.AuditEntry{At: s.now(), ActorID: userID, Action: "password_set", Address: "command line"})
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
	// Every problem at once: the current password and the new one.
	p := desk.Problems{}
	if err := auth.CheckPassword(hash, current); err != nil {
		p.AddMessage("current", "support.contacts.current")
	}
	if err := p.Merge(desk.ValidatePassword(next)); err != nil {
		return err
	}
	if err := p.Err(); err != nil {
		return err
	}
	newHash := auth.HashPassword(next)
	return s.write(ctx, r, func(tx *store.Tx) error {
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
	return s.write(ctx, r, func(tx *store.Tx) error {
		if err := tx.AcceptTerms(ctx, r.Actor.User.ID, desk.TermsVersion, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "terms_accepted", r.Actor.User.Email, "Designated Contact terms "+desk.TermsVersion) //i18n:stored
	})
}

// SetTimeZone records the time zone the actor reads times in: a name of
// the time zone database, or "" for their browser's (UTC in emails).
func (s *Accounts) SetTimeZone(ctx context.Context, r Request, zone string) error {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return err
	}
	if err := desk.CheckTimeZone(zone); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		return tx.SetTimeZone(ctx, r.Actor.User.ID, zone)
	})
}

// Contacts lists contacts, optionally of one company (staff).
func (s *Accounts) Contacts(ctx context.Context, r Request, f desk.UserFilter) ([]desk.User, error) {
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
	Requests []desk.AccessRequestRow
	Tokens   []desk.APIToken
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
			p.Requests[i] = readerView(r.Actor, &p.Requests[i]).AccessRequestRow
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
	return s.store.Users(ctx, desk.UserFilter{Kind: desk.KindStaff})
}
