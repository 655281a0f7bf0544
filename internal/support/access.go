package support

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// StartRegistration begins "Request My Support account": it checks that the
// address is a corporate one and emails a verification link. An address that
// already has an account gets a note pointing at password reset instead, so
// the answer on the page never tells whether an account exists.
func (s *Access) StartRegistration(ctx context.Context, email, address string) error {
	rules, err := s.emailRules(ctx)
	if err != nil {
		return err
	}
	email, msg := rules.CheckWorkEmail(email, desk.Yourself)
	if msg.ID != "" {
		return desk.Problems{"email": msg}.Err()
	}
	now := s.now()
	existing, err := s.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, desk.ErrNotFound) {
		return err
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if existing != nil {
			return s.queueMail(ctx, tx, mail{
				Kind: "registration_existing", To: existing, Subject: desk.Msg("mail.registration_existing.subject"),
				Text: desk.Msg("mail.registration_existing.text"),
				Link: s.baseURL + "/forgot-password",
			})
		}
		token := auth.NewToken(linkTokenPrefix)
		err := tx.CreateOneTimeToken(ctx, auth.HashToken(token),
			store.OneTimeToken{Purpose: store.PurposeVerifyEmail, Email: email}, now, now.Add(VerifyLinkLifetime))
		if err != nil {
			return err
		}
		if err := tx.Audit(ctx, desk.AuditEntry{At: now, Action: "registration_started", Subject: email, Address: address}); err != nil {
			return err
		}
		return s.queueMail(ctx, tx, mail{
			Kind: "verify_email", Address: email, Subject: desk.Msg("mail.verify_email.subject"),
			Text: desk.Msg("mail.verify_email.text"),
			Link: s.baseURL + "/register/complete?token=" + token,
		})
	})
}

// RegistrationEmail returns the verified address of a registration link
// that still works.
func (s *Access) RegistrationEmail(ctx context.Context, token string) (string, error) {
	t, err := s.store.PeekOneTimeToken(ctx, auth.HashToken(token), store.PurposeVerifyEmail, s.now())
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
	// Problems are what the edge refused of the form, as
	// Request.Problems: the rest is checked and nothing is kept.
	Problems desk.Problems
}

// CompleteRegistration creates the contact with the verified address and
// files their access request with the Sold To's Designated Approvers.
func (s *Access) CompleteRegistration(ctx context.Context, reg Registration, address string) (int64, error) {
	now := s.now()
	p := desk.Problems{}
	if err := p.Merge(desk.ValidatePassword(reg.Password)); err != nil {
		return 0, err
	}
	if reg.Level < desk.Basic || reg.Level > desk.ReadWrite {
		p.AddMessage("level", "support.access.level")
	}
	// Neither a link nor a client address may be used to try employer Org
	// IDs one after another: /register hands out links to any work
	// address, so counting per link alone would let a new link go on.
	guessKeys := []string{"registration:" + hex.EncodeToString(auth.HashToken(reg.Token)), "registration-address:" + address}
	for _, k := range guessKeys {
		if err := s.waitAfterFailures(ctx, k, MaxAccountFailures, time.Minute, ThrottleWindow, desk.Msg("support.access.unknown_org_ids")); err != nil {
			return 0, err
		}
	}
	rules, err := s.emailRules(ctx)
	if err != nil {
		return 0, err
	}
	var contactID int64
	r := Request{Address: address, Problems: reg.Problems}
	err = s.write(ctx, r, func(tx *store.Tx) error {
		t, err := tx.UseOneTimeToken(ctx, auth.HashToken(reg.Token), store.PurposeVerifyEmail, now)
		if err != nil {
			return fmt.Errorf("this link has expired or was already used; request a new one: %w", err)
		}
		// The employer must exist, since a contact belongs to a company;
		// the Sold To and End User are only what the request names, and
		// the answer is the same whether a Service Contract joins them.
		employer, err := tx.CompanyByOrgID(ctx, strings.TrimSpace(reg.EmployerOrgID))
		if errors.Is(err, desk.ErrNotFound) {
			p.AddMessage("employer", "support.access.employer")
		} else if err != nil {
			return err
		}
		soldTo, endUser := orgIDProblems(p, reg.SoldToOrgID, reg.EndUserOrgID)
		person := desk.ProfileInput{
			FirstName: reg.FirstName, LastName: reg.LastName, Email: t.Email,
			Country: reg.Country, Phone: reg.Phone,
		}
		if employer != nil {
			person.CompanyID = employer.ID
		}
		// The person's fields are checked with the others, so the form
		// lists every problem at once; the employer has its message above.
		_, err = desk.ValidateProfile(person, rules, desk.Yourself)
		if err := p.Merge(desk.RenameFields(err, map[string]string{"company": "employer"})); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		in := ContactInput{ProfileInput: person}
		if contactID, err = s.createContact(ctx, tx, r, in, auth.HashPassword(reg.Password)); err != nil {
			return err
		}
		req, err := s.matchOrgIDs(ctx, tx, soldTo, endUser)
		if err != nil {
			return err
		}
		req.ContactID, req.RequestedBy, req.Level, req.Reason = contactID, contactID, reg.Level, reg.Reason
		_, err = s.fileAccessRequest(ctx, tx, r, req)
		return err
	})
	if _, unknown := desk.FieldMessages(err)["employer"]; unknown {
		for _, k := range guessKeys {
			if err := s.store.RecordLoginFailure(ctx, k, now); err != nil {
				return 0, err
			}
		}
	}
	return contactID, err
}

// Access requests a contact may file in AccessRequestWindow: enough for
// anyone asking for their own access, too few to map companies by trying
// Org IDs.
const (
	MaxAccessRequests   = 5
	AccessRequestWindow = time.Hour
)

// RequestAccess asks for a level on one of the actor's own combinations
// ("Request a different access level"). Any other combination gets the
// same refusal, whether or not it exists.
func (s *Access) RequestAccess(ctx context.Context, r Request, combo desk.Combination, level desk.AccessLevel, reason string) (*desk.AccessRequest, error) {
	if err := desk.Authorize(r.Actor, desk.RequestAccess, desk.Target{}); err != nil {
		return nil, err
	}
	if _, ok := r.Actor.Levels[combo]; !ok {
		return nil, desk.Invalid("combination", "support.access.combination")
	}
	var req *desk.AccessRequest
	err := s.write(ctx, r, func(tx *store.Tx) error {
		soldTo, err := tx.Company(ctx, combo.SoldToID)
		if err != nil {
			return err
		}
		endUser, err := tx.Company(ctx, combo.EndUserID)
		if err != nil {
			return err
		}
		req, err = s.requestAccess(ctx, tx, r, soldTo.OrgID, endUser.OrgID, level, reason)
		return err
	})
	return req, err
}

// RequestAccessByOrgIDs files a request for the combination named by the
// Org IDs on its Service Contract, for a contact who cannot pick it from a
// list. The answer is the same whether the Org IDs name companies joined
// by a contract or nothing at all: the request either goes to the Sold
// To's Designated Approvers or waits for support staff, and the requester
// is shown only the Org IDs they typed.
func (s *Access) RequestAccessByOrgIDs(ctx context.Context, r Request, soldToOrg, endUserOrg string, level desk.AccessLevel, reason string) (*desk.AccessRequest, error) {
	if err := desk.Authorize(r.Actor, desk.RequestAccess, desk.Target{}); err != nil {
		return nil, err
	}
	var req *desk.AccessRequest
	err := s.write(ctx, r, func(tx *store.Tx) error {
		var err error
		req, err = s.requestAccess(ctx, tx, r, soldToOrg, endUserOrg, level, reason)
		return err
	})
	return req, err
}

// requestAccess files the actor's request for the Org IDs, within the
// rate limit.
func (s *core) requestAccess(ctx context.Context, tx *store.Tx, r Request, soldToOrg, endUserOrg string, level desk.AccessLevel, reason string) (*desk.AccessRequest, error) {
	p := desk.Problems{}
	soldToOrg, endUserOrg = orgIDProblems(p, soldToOrg, endUserOrg)
	if level < desk.Basic || level > desk.ReadWrite {
		p.AddMessage("level", "support.access.level")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	n, oldest, err := tx.AccessRequestsSince(ctx, r.Actor.User.ID, now.Add(-AccessRequestWindow))
	if err != nil {
		return nil, err
	}
	if n >= MaxAccessRequests {
		return nil, &desk.RetryError{
			Why:  desk.Msg("support.access.requests_per_hour", "Count", n),
			Wait: oldest.Add(AccessRequestWindow).Sub(now),
		}
	}
	req, err := s.matchOrgIDs(ctx, tx, soldToOrg, endUserOrg)
	if err != nil {
		return nil, err
	}
	if err := alreadyGranted(ctx, tx, r.Actor.User.ID, req, level); err != nil {
		return nil, err
	}
	req.ContactID, req.RequestedBy, req.Level, req.Reason = r.Actor.User.ID, r.Actor.User.ID, level, reason
	return s.fileAccessRequest(ctx, tx, r, req)
}

// alreadyGranted refuses, on the level, a request for the level the
// contact already holds on the request's combination: there is nothing to
// approve. A lower level is a request to step down, and is filed.
func alreadyGranted(ctx context.Context, tx *store.Tx, contactID int64, req *desk.AccessRequest, level desk.AccessLevel) error {
	if !req.Matched() {
		return nil
	}
	gs, err := tx.Grants(ctx, store.GrantFilter{ContactID: contactID, Combination: req.Combination})
	if err != nil {
		return err
	}
	for _, g := range gs {
		if g.Level == level {
			return desk.Invalid("level", "support.access.already_have", "Level", level)
		}
	}
	return nil
}

// orgIDProblems checks that both Org IDs were given and returns them
// trimmed. It looks nothing up: what exists is no business of the form.
func orgIDProblems(p desk.Problems, soldToOrg, endUserOrg string) (string, string) {
	soldToOrg, endUserOrg = strings.TrimSpace(soldToOrg), strings.TrimSpace(endUserOrg)
	for field, v := range map[string]string{"sold_to": soldToOrg, "end_user": endUserOrg} {
		switch {
		case v == "":
			p.AddMessage(field, "support.access.org_id_missing")
		case utf8.RuneCountInString(v) > desk.MaxOrgID: // CheckText's limit, which the edge runs first
			p.AddMessage(field, "support.access.org_id_too_long", "Max", desk.MaxOrgID)
		}
	}
	return soldToOrg, endUserOrg
}

// matchOrgIDs returns a request for the Org IDs, with its combination set
// when they name a Sold To and an End User that a Service Contract joins.
func (s *core) matchOrgIDs(ctx context.Context, tx *store.Tx, soldToOrg, endUserOrg string) (*desk.AccessRequest, error) {
	req := &desk.AccessRequest{SoldToOrgID: soldToOrg, EndUserOrgID: endUserOrg}
	soldTo, errS := tx.CompanyByOrgID(ctx, soldToOrg)
	endUser, errE := tx.CompanyByOrgID(ctx, endUserOrg)
	for _, err := range []error{errS, errE} {
		if err != nil && !errors.Is(err, desk.ErrNotFound) {
			return nil, err
		}
	}
	if errS != nil || errE != nil {
		return req, nil
	}
	cs, err := tx.Contracts(ctx, desk.ContractFilter{SoldToID: soldTo.ID, EndUserID: endUser.ID})
	if err != nil {
		return nil, err
	}
	if len(cs) > 0 {
		req.Combination = desk.Combination{SoldToID: soldTo.ID, EndUserID: endUser.ID}
	}
	return req, nil
}

// fileAccessRequest records a request, notifies the approvers, and decides
// it at once when its requester approves for the Sold To.
func (s *core) fileAccessRequest(ctx context.Context, tx *store.Tx, r Request, req *desk.AccessRequest) (*desk.AccessRequest, error) {
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
	detail := fmt.Sprintf("request %d: %s on Sold To %q / End User %q", req.ID, req.Level.Label(), req.SoldToOrgID, req.EndUserOrgID)
	if !req.Matched() {
		detail += ", which no Service Contract joins: for support staff"
	}
	if err := s.audit(ctx, tx, r, "access_requested", contact.Email, detail); err != nil {
		return nil, err
	}
	if req.Matched() && desk.Authorize(r.Actor, desk.DecideAccessRequest, desk.On(req.Combination)) == nil {
		return req, s.decide(ctx, tx, r, req, true, "Requested by a Designated Approver: approved at once.") //i18n:stored
	}
	// An unmatched request asks the same (empty) question, so both
	// answers take about as long.
	approvers, err := tx.Approvers(ctx, req.SoldToID)
	if err != nil {
		return nil, err
	}
	for _, a := range approvers {
		if err := s.queueMail(ctx, tx, mail{
			Kind: "access_request", To: &a, Subject: desk.Msg("mail.access_request.subject", "Name", contact.Name()),
			Text: desk.Msg("mail.access_request.text", "Name", contact.Name(), "Email", contact.Email, "Level", req.Level),
			Link: fmt.Sprintf("%s/access-requests/%d", s.baseURL, req.ID),
		}); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// DecideAccessRequest approves or rejects a pending request: a Designated
// Approver of its Sold To or a portal admin decides, once.
func (s *Access) DecideAccessRequest(ctx context.Context, r Request, requestID int64, approve bool, note string) error {
	return s.write(ctx, r, func(tx *store.Tx) error {
		req, err := tx.AccessRequestForUpdate(ctx, requestID)
		if err != nil {
			return err
		}
		if err := mayDecide(r, req); err != nil {
			return err
		}
		if _, err := req.Next(decision(approve)); err != nil {
			return err
		}
		if approve && !req.Matched() {
			return desk.Invalid("decision", "support.access.decision_unmatched")
		}
		return s.decide(ctx, tx, r, req, approve, note)
	})
}

// mayDecide is the policy's answer whether the actor may decide req.
func mayDecide(r Request, req *desk.AccessRequest) error {
	if err := desk.Authorize(r.Actor, desk.DecideAccessRequest, desk.On(req.Combination)); err != nil {
		if errors.Is(err, desk.ErrForbidden) {
			// Someone who does not approve for this Sold To learns
			// nothing about its requests.
			return fmt.Errorf("access request %d: %w", req.ID, desk.ErrNotFound)
		}
		return err
	}
	return nil
}

// AskDecide answers whether the actor may decide a request, for a handler
// that reads the decision from a form: someone the policy refuses learns
// that there is no such request, never what is wrong with a form they may
// not send. DecideAccessRequest asks again in its transaction.
func (s *Access) AskDecide(ctx context.Context, r Request, requestID int64) error {
	rows, err := s.store.AccessRequests(ctx, store.AccessRequestFilter{ID: requestID})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("access request %d: %w", requestID, desk.ErrNotFound)
	}
	return mayDecide(r, &rows[0].AccessRequest)
}

// decision is the event of desk's access request table that approve
// names.
func decision(approve bool) desk.RequestEvent {
	if approve {
		return desk.RequestApprove
	}
	return desk.RequestReject
}

// decide records the decision, grants on approval and tells the requester.
func (s *core) decide(ctx context.Context, tx *store.Tx, r Request, req *desk.AccessRequest, approve bool, note string) error {
	next, err := req.Next(decision(approve))
	if err != nil {
		return err
	}
	now := s.now()
	req.State, req.DecidedBy, req.DecidedAt, req.Decision = next, r.ActorID(), now, strings.TrimSpace(note)
	if approve {
		if err := s.grant(ctx, tx, r, desk.Grant{ContactID: req.ContactID, Combination: req.Combination, Level: req.Level}); err != nil {
			return err
		}
	}
	if err := tx.DecideAccessRequest(ctx, req); err != nil {
		if errors.Is(err, store.ErrAlreadyDecided) {
			return desk.Refuse(desk.ErrConflict, "support.access.already_decided", "Request", req.ID)
		}
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
	terms := approve && req.Level == desk.ReadWrite
	link := ""
	if terms {
		link = s.baseURL + "/profile"
	}
	return s.queueMail(ctx, tx, mail{
		Kind: "access_decision", To: contact, Subject: desk.Msg("mail.access_decision.subject", "Approved", approve),
		Text: desk.Msg("mail.access_decision.text", "Level", req.Level, "Approved", approve, "Note", req.Decision, "Terms", terms),
		Link: link,
	})
}

// AccessRequestView is an access request as one reader sees it.
type AccessRequestView struct {
	desk.AccessRequestRow
	// CanSeeMatch says the reader may see what its Org IDs matched
	// (ViewAccessMatch): for anyone else the match and the companies'
	// names are cleared, and whether it matched is not theirs to learn.
	CanSeeMatch bool
	// CanDecide says the reader may decide it now.
	CanDecide bool
	// NoActiveContract says, to whoever may decide it, that no Service
	// Contract of its combination is active now: a Read-Write level
	// approved counts as Read-Only until one is (desk.EffectiveLevel).
	NoActiveContract bool
}

// AccessRequests lists the requests of the actor's scope
// (desk.Actor.AccessRequestScope): all for staff, who help with requests
// that matched no Service Contract, their Sold To companies' for
// Designated Approvers, their own for anyone else.
func (s *Access) AccessRequests(ctx context.Context, r Request, state desk.RequestState) ([]AccessRequestView, error) {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return nil, err
	}
	f := store.AccessRequestFilter{State: state}
	switch scope := r.Actor.AccessRequestScope(); {
	case scope.All:
	case scope.SoldToIDs != nil:
		f.SoldToIDs = scope.SoldToIDs
	default:
		f.ContactID = scope.ContactID
	}
	rows, err := s.store.AccessRequests(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]AccessRequestView, len(rows))
	for i := range rows {
		out[i] = readerView(r.Actor, &rows[i])
	}
	return out, nil
}

// AccessRequest returns one request to staff, to someone who may decide
// it, or to the contact who asked; anyone else learns nothing of it.
func (s *Access) AccessRequest(ctx context.Context, r Request, requestID int64) (*AccessRequestView, error) {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return nil, err
	}
	rows, err := s.store.AccessRequests(ctx, store.AccessRequestFilter{ID: requestID})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("access request %d: %w", requestID, desk.ErrNotFound)
	}
	if err := desk.Authorize(r.Actor, desk.ViewAccessRequest, requestTarget(&rows[0])); err != nil {
		return nil, fmt.Errorf("access request %d: %w", requestID, err)
	}
	v := readerView(r.Actor, &rows[0])
	if v.CanDecide && v.Matched() {
		cs, err := s.store.Contracts(ctx, desk.ContractFilter{SoldToID: v.SoldToID, EndUserID: v.EndUserID})
		if err != nil {
			return nil, err
		}
		now := s.now()
		v.NoActiveContract = !slices.ContainsFunc(cs, func(c desk.Contract) bool { return c.ActiveAt(now) })
	}
	return &v, nil
}

// requestTarget is an access request as the policy sees it: its
// combination, and the contact who asked as its owner.
func requestTarget(req *desk.AccessRequestRow) desk.Target {
	return desk.Target{Combination: req.Combination, OwnerID: req.ContactID}
}

// readerView is a request as a's: a requester who neither decides the
// request nor works for the vendor keeps only what they typed, as whether
// the Org IDs matched anything, and the names of the companies, are not
// theirs to learn.
func readerView(a *desk.Actor, req *desk.AccessRequestRow) AccessRequestView {
	t := requestTarget(req)
	v := AccessRequestView{
		AccessRequestRow: *req,
		CanSeeMatch:      desk.Authorize(a, desk.ViewAccessMatch, t) == nil,
		CanDecide:        desk.Authorize(a, desk.DecideAccessRequest, t) == nil && req.State.Decidable(),
	}
	if !v.CanSeeMatch {
		v.Combination, v.SoldToName, v.EndUserName = desk.Combination{}, "", ""
	}
	return v
}

// SetGrant gives a contact a level on a combination (portal admins). The
// seeds' rules are checked here, with a clear message for each refusal.
func (s *Access) SetGrant(ctx context.Context, r Request, g desk.Grant) error {
	if err := desk.Authorize(r.Actor, desk.ManageContacts, desk.Target{}); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
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
	if err := tx.SetGrant(ctx, g, r.ActorID()); err != nil {
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
	return s.write(ctx, r, func(tx *store.Tx) error {
		contact, err := tx.User(ctx, contactID)
		if err != nil {
			return err
		}
		if contact.Kind != desk.KindContact || contact.CompanyID != soldTo {
			return desk.Invalid("contact", "support.contacts.approver_of_sold_to")
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
