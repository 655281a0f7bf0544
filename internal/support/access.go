package support

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// StartRegistration begins "Request My Support account": it checks that the
// address is a corporate one and emails a verification link. An address that
// already has an account gets a note pointing at password reset instead, so
// the answer on the page never tells whether an account exists.
func (s *Service) StartRegistration(ctx context.Context, email, address string) error {
	rules, err := s.EmailRules(ctx)
	if err != nil {
		return err
	}
	email, msg := rules.CheckWorkEmail(email)
	if msg != "" {
		return &desk.ValidationError{Fields: map[string]string{"email": msg}}
	}
	now := s.now()
	existing, err := s.Store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, desk.ErrNotFound) {
		return err
	}
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		if existing != nil {
			return s.queueMail(ctx, tx, mail{
				Kind: "registration_existing", To: existing, Subject: "Your Caseport account",
				Text: "Someone asked for a Caseport account for this address, which already has one. If you forgot your password, reset it here:",
				Link: s.BaseURL + "/forgot-password",
			})
		}
		token := auth.NewToken(linkTokenPrefix)
		err := tx.CreateOneTimeToken(ctx, auth.HashToken(token),
			store.OneTimeToken{Purpose: store.PurposeVerifyEmail, Email: email}, now, now.Add(VerifyLinkLifetime))
		if err != nil {
			return err
		}
		if err := tx.Audit(ctx, store.AuditEntry{At: now, Action: "registration_started", Subject: email, Address: address}); err != nil {
			return err
		}
		return s.queueMail(ctx, tx, mail{
			Kind: "verify_email", Address: email, Subject: "Confirm your email address for Caseport",
			Text: "To request your Caseport account, confirm this address and fill in the form within 24 hours. " +
				"If you did not ask for an account, ignore this email.",
			Link: s.BaseURL + "/register/complete?token=" + token,
		})
	})
}

// RegistrationEmail returns the verified address of a registration link
// that still works.
func (s *Service) RegistrationEmail(ctx context.Context, token string) (string, error) {
	t, err := s.Store.PeekOneTimeToken(ctx, auth.HashToken(token), store.PurposeVerifyEmail, s.now())
	if err != nil {
		return "", err
	}
	return t.Email, nil
}

// Registration is the account request form filled in after the email was
// verified.
type Registration struct {
	Token     string
	FirstName string
	LastName  string
	Country   string
	Phone     string
	Password  string
	// EmployerOrgID, SoldToOrgID and EndUserOrgID name the companies by
	// their Org IDs, which customers find on their contracts; the form never
	// lists companies to someone not signed in.
	EmployerOrgID string
	SoldToOrgID   string
	EndUserOrgID  string
	Level         desk.AccessLevel
	Reason        string
}

// CompleteRegistration creates the contact with the verified address and
// files their access request with the Sold To's Designated Approvers.
func (s *Service) CompleteRegistration(ctx context.Context, reg Registration, address string) (int64, error) {
	now := s.now()
	p := desk.Problems{}
	if err := desk.ValidatePassword(reg.Password); err != nil {
		p.Add("password", desk.AsValidation(err)["password"])
	}
	if reg.Level < desk.Basic || reg.Level > desk.ReadWrite {
		p.Add("level", "Choose the access level you need.")
	}
	var contactID int64
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		t, err := tx.UseOneTimeToken(ctx, auth.HashToken(reg.Token), store.PurposeVerifyEmail, now)
		if err != nil {
			return fmt.Errorf("this link has expired or was already used; request a new one: %w", err)
		}
		combo, employerID := desk.Combination{}, int64(0)
		for field, ref := range map[string]struct {
			org string
			dst *int64
		}{
			"employer": {reg.EmployerOrgID, &employerID},
			"sold_to":  {reg.SoldToOrgID, &combo.SoldToID},
			"end_user": {reg.EndUserOrgID, &combo.EndUserID},
		} {
			c, err := tx.CompanyByOrgID(ctx, strings.TrimSpace(ref.org))
			if errors.Is(err, desk.ErrNotFound) {
				p.Add(field, "No company has this Org ID. You find it on your Service Contract.")
				continue
			}
			if err != nil {
				return err
			}
			*ref.dst = c.ID
		}
		if combo.SoldToID != 0 && combo.EndUserID != 0 {
			cs, err := tx.Contracts(ctx, store.ContractFilter{SoldToID: combo.SoldToID, EndUserID: combo.EndUserID})
			if err != nil {
				return err
			}
			if len(cs) == 0 {
				p.Add("end_user", "No Service Contract joins this Sold To and End User.")
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		r := Request{Address: address}
		in := ContactInput{ProfileInput: desk.ProfileInput{
			FirstName: reg.FirstName, LastName: reg.LastName, Email: t.Email, CompanyID: employerID,
			Country: reg.Country, Phone: reg.Phone,
		}}
		if contactID, err = s.createContact(ctx, tx, r, in, auth.HashPassword(reg.Password)); err != nil {
			return err
		}
		_, err = s.fileAccessRequest(ctx, tx, r, &desk.AccessRequest{
			ContactID: contactID, Combination: combo, Level: reg.Level, Reason: reg.Reason, RequestedBy: contactID,
		})
		return err
	})
	return contactID, err
}

// RequestAccess asks for a level on a combination for the actor ("Request a
// different access level"). A request a Designated Approver of the Sold To
// files for themselves is approved at once.
func (s *Service) RequestAccess(ctx context.Context, r Request, combo desk.Combination, level desk.AccessLevel, reason string) (*desk.AccessRequest, error) {
	if err := desk.Authorize(r.Actor, desk.RequestAccess, desk.Target{}); err != nil {
		return nil, err
	}
	var req *desk.AccessRequest
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		var err error
		req, err = s.requestAccess(ctx, tx, r, combo, level, reason)
		return err
	})
	return req, err
}

// RequestAccessByOrgIDs is RequestAccess for a combination named by the
// Org IDs on its Service Contract, for a contact who has no access to it
// yet and so cannot pick it from a list.
func (s *Service) RequestAccessByOrgIDs(ctx context.Context, r Request, soldToOrg, endUserOrg string, level desk.AccessLevel, reason string) (*desk.AccessRequest, error) {
	if err := desk.Authorize(r.Actor, desk.RequestAccess, desk.Target{}); err != nil {
		return nil, err
	}
	var req *desk.AccessRequest
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		p := desk.Problems{}
		var combo desk.Combination
		for field, ref := range map[string]struct {
			org string
			dst *int64
		}{"sold_to": {soldToOrg, &combo.SoldToID}, "end_user": {endUserOrg, &combo.EndUserID}} {
			c, err := tx.CompanyByOrgID(ctx, strings.TrimSpace(ref.org))
			if errors.Is(err, desk.ErrNotFound) {
				p.Add(field, "No company has this Org ID. You find it on your Service Contract.")
				continue
			}
			if err != nil {
				return err
			}
			*ref.dst = c.ID
		}
		if err := p.Err(); err != nil {
			return err
		}
		var err error
		req, err = s.requestAccess(ctx, tx, r, combo, level, reason)
		return err
	})
	return req, err
}

func (s *Service) requestAccess(ctx context.Context, tx *store.Tx, r Request, combo desk.Combination, level desk.AccessLevel, reason string) (*desk.AccessRequest, error) {
	if level < desk.Basic || level > desk.ReadWrite {
		return nil, &desk.ValidationError{Fields: map[string]string{"level": "Choose the access level you need."}}
	}
	cs, err := tx.Contracts(ctx, store.ContractFilter{SoldToID: combo.SoldToID, EndUserID: combo.EndUserID})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 || combo.SoldToID == 0 || combo.EndUserID == 0 {
		return nil, &desk.ValidationError{Fields: map[string]string{"combination": "No Service Contract joins this Sold To and End User."}}
	}
	return s.fileAccessRequest(ctx, tx, r, &desk.AccessRequest{
		ContactID: r.Actor.User.ID, Combination: combo, Level: level, Reason: reason, RequestedBy: r.Actor.User.ID,
	})
}

// fileAccessRequest records a request, notifies the approvers, and decides
// it at once when its requester approves for the Sold To.
func (s *Service) fileAccessRequest(ctx context.Context, tx *store.Tx, r Request, req *desk.AccessRequest) (*desk.AccessRequest, error) {
	now := s.now()
	req.State, req.CreatedAt = desk.RequestPending, now
	req.Reason = strings.TrimSpace(req.Reason)
	var err error
	if req.ID, err = tx.CreateAccessRequest(ctx, req); err != nil {
		return nil, err
	}
	contact, err := tx.User(ctx, req.ContactID)
	if err != nil {
		return nil, err
	}
	if err := s.audit(ctx, tx, r, "access_requested", contact.Email,
		fmt.Sprintf("request %d: %s on sold to %d / end user %d", req.ID, req.Level.Label(), req.SoldToID, req.EndUserID)); err != nil {
		return nil, err
	}
	if r.Actor != nil && r.Actor.Approver(req.SoldToID) {
		return req, s.decide(ctx, tx, r, req, true, "Requested by a Designated Approver: approved at once.")
	}
	approvers, err := tx.Approvers(ctx, req.SoldToID)
	if err != nil {
		return nil, err
	}
	for _, a := range approvers {
		if err := s.queueMail(ctx, tx, mail{
			Kind: "access_request", To: &a, Subject: fmt.Sprintf("Access request from %s", contact.Name()),
			Text: fmt.Sprintf("%s (%s) asks for %s access. As a Designated Approver you can approve or reject the request here; one answer decides it:",
				contact.Name(), contact.Email, req.Level.Label()),
			Link: fmt.Sprintf("%s/access-requests/%d", s.BaseURL, req.ID),
		}); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// DecideAccessRequest approves or rejects a pending request: a Designated
// Approver of its Sold To or a portal admin decides, once.
func (s *Service) DecideAccessRequest(ctx context.Context, r Request, requestID int64, approve bool, note string) error {
	return s.Store.Write(ctx, func(tx *store.Tx) error {
		req, err := tx.AccessRequestForUpdate(ctx, requestID)
		if err != nil {
			return err
		}
		if err := desk.Authorize(r.Actor, desk.DecideAccessRequest, desk.On(req.Combination)); err != nil {
			if errors.Is(err, desk.ErrForbidden) {
				// Someone who does not approve for this Sold To learns
				// nothing about its requests.
				return fmt.Errorf("access request %d: %w", requestID, desk.ErrNotFound)
			}
			return err
		}
		if req.State != desk.RequestPending {
			return fmt.Errorf("access request %d was already %s: %w", requestID, req.State, desk.ErrConflict)
		}
		return s.decide(ctx, tx, r, req, approve, note)
	})
}

// decide records the decision, grants on approval and tells the requester.
func (s *Service) decide(ctx context.Context, tx *store.Tx, r Request, req *desk.AccessRequest, approve bool, note string) error {
	now := s.now()
	req.State, req.DecidedBy, req.DecidedAt, req.Decision = desk.RequestRejected, r.actorID(), now, strings.TrimSpace(note)
	if approve {
		req.State = desk.RequestApproved
		if err := s.grant(ctx, tx, r, desk.Grant{ContactID: req.ContactID, Combination: req.Combination, Level: req.Level}); err != nil {
			return err
		}
	}
	if err := tx.DecideAccessRequest(ctx, req); err != nil {
		return err
	}
	contact, err := tx.User(ctx, req.ContactID)
	if err != nil {
		return err
	}
	if err := s.audit(ctx, tx, r, "access_request_"+string(req.State), contact.Email,
		fmt.Sprintf("request %d: %s", req.ID, req.Decision)); err != nil {
		return err
	}
	verdict := "approved"
	if !approve {
		verdict = "rejected"
	}
	text := fmt.Sprintf("Your request for %s access was %s.", req.Level.Label(), verdict)
	if req.Decision != "" {
		text += "\n\nNote from the approver: " + req.Decision
	}
	link := ""
	if approve && req.Level == desk.ReadWrite {
		text += "\n\nBefore you open cases, accept the Designated Contact terms on your profile page:"
		link = s.BaseURL + "/profile"
	}
	return s.queueMail(ctx, tx, mail{
		Kind: "access_decision", To: contact, Subject: "Your Caseport access request was " + verdict, Text: text, Link: link,
	})
}

// AccessRequests lists the requests the actor may decide: all for portal
// admins, their Sold To companies' for Designated Approvers, their own for
// anyone else.
func (s *Service) AccessRequests(ctx context.Context, r Request, state desk.RequestState) ([]store.AccessRequestRow, error) {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return nil, err
	}
	f := store.AccessRequestFilter{State: state}
	switch {
	case r.Actor.HasRole(desk.RolePortalAdmin):
	case len(r.Actor.Approves) > 0:
		f.SoldToIDs = r.Actor.Approves
	default:
		f.ContactID = r.Actor.User.ID
	}
	return s.Store.AccessRequests(ctx, f)
}

// AccessRequest returns one request to someone who may decide it, or to
// the contact who asked; anyone else learns nothing of it. CanDecide says
// whether the actor may decide it.
func (s *Service) AccessRequest(ctx context.Context, r Request, requestID int64) (req *store.AccessRequestRow, canDecide bool, err error) {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return nil, false, err
	}
	rows, err := s.Store.AccessRequests(ctx, store.AccessRequestFilter{ID: requestID})
	if err != nil {
		return nil, false, err
	}
	if len(rows) == 0 {
		return nil, false, fmt.Errorf("access request %d: %w", requestID, desk.ErrNotFound)
	}
	req = &rows[0]
	canDecide = desk.Authorize(r.Actor, desk.DecideAccessRequest, desk.On(req.Combination)) == nil
	if !canDecide && req.ContactID != r.Actor.User.ID {
		return nil, false, fmt.Errorf("access request %d: %w", requestID, desk.ErrNotFound)
	}
	return req, canDecide && req.State == desk.RequestPending, nil
}
