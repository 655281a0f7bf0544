package support

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Combo is a Sold To / End User combination with the names people know
// it by, as forms offer it.
type Combo struct {
	desk.Combination
	SoldTo    string
	EndUser   string
	Level     desk.AccessLevel
	Contracts []desk.Contract
	// Products are the products the combination's active contracts cover.
	Products []desk.Product
}

// Designated reports whether the level that counts now on the
// combination is Read-Write: its contact is a Designated Contact there.
func (c Combo) Designated() bool { return c.Level == desk.ReadWrite }

// Combos returns the actor's combinations at or above a level, with names
// and the products active contracts cover. For OpenCase, only combinations
// with an active contract count.
func (s *Cases) Combos(ctx context.Context, r Request, minLevel desk.AccessLevel) ([]Combo, error) {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return nil, err
	}
	cat, err := s.store.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	var out []Combo
	for _, c := range r.Actor.Combinations(minLevel) {
		combo, err := s.combo(ctx, c, cat)
		if err != nil {
			return nil, err
		}
		combo.Level = r.Actor.Level(c)
		out = append(out, combo)
	}
	return out, nil
}

func (s *core) combo(ctx context.Context, c desk.Combination, cat *desk.Catalog) (Combo, error) {
	combo := Combo{Combination: c}
	soldTo, err := s.store.Company(ctx, c.SoldToID)
	if err != nil {
		return combo, err
	}
	endUser, err := s.store.Company(ctx, c.EndUserID)
	if err != nil {
		return combo, err
	}
	combo.SoldTo, combo.EndUser = soldTo.Name, endUser.Name
	if combo.Contracts, err = s.store.Contracts(ctx, desk.ContractFilter{SoldToID: c.SoldToID, EndUserID: c.EndUserID}); err != nil {
		return combo, err
	}
	combo.Products = coveredProducts(combo.Contracts, cat, s.now())
	return combo, nil
}

// coveredProducts lists the products the active contracts cover; a
// contract that names no products covers them all.
func coveredProducts(cs []desk.Contract, cat *desk.Catalog, now time.Time) []desk.Product {
	covered := map[int64]bool{}
	for i := range cs {
		if !cs[i].ActiveAt(now) {
			continue
		}
		if len(cs[i].ProductIDs) == 0 {
			return cat.Products
		}
		for _, p := range cs[i].ProductIDs {
			covered[p] = true
		}
	}
	var out []desk.Product
	for _, p := range cat.Products {
		if covered[p.ID] {
			out = append(out, p)
		}
	}
	return out
}

// Open opens a case: a Designated Contact for themselves on a
// combination with an active contract covering the product, or whoever
// may OpenCaseForCaller (staff) on a caller's behalf. Nothing is saved
// when anything is wrong.
func (s *Cases) Open(ctx context.Context, r Request, n desk.NewCase) (*desk.Case, error) {
	if err := desk.Authorize(r.Actor, desk.OpenCase, desk.On(n.Combination)); err != nil {
		if errors.Is(err, desk.ErrNotFound) && n.SoldToID != 0 {
			return nil, desk.Invalid("combination", "support.cases.not_your_combination")
		}
		return nil, err
	}
	may := desk.Allowed(r.Actor, desk.On(n.Combination))
	forCaller := may.Can(desk.OpenCaseForCaller)
	if !forCaller {
		n.ContactID = r.Actor.User.ID
	}
	// Only staff take calls: a contact's case comes by the portal or the
	// API.
	if n.Origin == "" || !n.Origin.Valid() || (n.Origin == desk.OriginPhone && !forCaller) {
		n.Origin = desk.OriginPortal
	}
	n.Summary, n.Description = strings.TrimSpace(n.Summary), strings.TrimSpace(n.Description)
	n.BusinessImpact, n.ExternalRef = strings.TrimSpace(n.BusinessImpact), strings.TrimSpace(n.ExternalRef)
	// Every problem is reported at once: the form's own and those the
	// store shows.
	p := desk.Problems{}
	n.Check(p, may)
	now := s.now()
	var c *desk.Case
	err := s.write(ctx, r, func(tx *store.Tx) error {
		contact, err := s.checkNewCase(ctx, tx, r, &n, now, p)
		if err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		c = &desk.Case{
			SoldToID: n.SoldToID, EndUserID: n.EndUserID, ContactID: n.ContactID, Type: n.Type, SubType: n.SubType,
			ProductID: n.ProductID, ComponentID: n.ComponentID, Summary: n.Summary, Description: n.Description,
			Priority: n.Priority, Status: desk.StatusOpen, SubStatus: desk.SubNew, Stage: n.Stage,
			SecurityThreat: n.SecurityThreat, BusinessImpact: n.BusinessImpact, AgentsAffected: n.AgentsAffected,
			ExternalRef: n.ExternalRef, LinkedCaseID: n.LinkedCaseID, CreatedAt: now, UpdatedAt: now, Origin: n.Origin,
		}
		if c.ID, err = tx.CreateCase(ctx, c); err != nil {
			return err
		}
		event, action := "Case opened on the portal.", "case_opened" //i18n:stored
		switch {
		case n.Origin == desk.OriginPhone:
			event, action = "Case opened by phone: "+r.Actor.User.Name()+" took the call.", "case_opened_for_caller" //i18n:stored
		case forCaller:
			event = "Case opened by " + r.Actor.User.Name() + " for the caller." //i18n:stored
		case n.Origin == desk.OriginAPI:
			event = "Case opened through the API." //i18n:stored
		}
		if n.LinkedCaseID != 0 {
			event += " Follows closed case " + desk.FormatCaseNumber(n.LinkedCaseID) + "." //i18n:stored
		}
		if err := s.event(ctx, tx, r, c, event); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, r, action, c.Number(), c.Summary); err != nil {
			return err
		}
		if err := s.startClock(ctx, tx, c, desk.ClockResponse, now); err != nil {
			return err
		}
		// The contact was read in this transaction, and a new case has no
		// followers yet: the email goes to the contact alone.
		return s.queueMail(ctx, tx, mail{
			Kind: "case_created", To: contact.User, Reader: contact, Case: c, Link: s.caseLink(c),
			Subject: desk.Msg("mail.case_created.subject", "Number", c.Number(), "Summary", c.Summary),
			Text:    desk.Msg("mail.case_created.text", "Number", c.Number(), "Priority", c.Priority),
		})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// checkNewCase adds to p what needs the store: the case contact is a
// Designated Contact of the combination, a contract is active, it covers
// the product, the component is the product's, and a linked case is one of
// the combination's. What the form itself lacks (no combination, no
// product) p already names; the error is the store's.
func (s *core) checkNewCase(ctx context.Context, tx *store.Tx, r Request, n *desk.NewCase, now time.Time, p desk.Problems) (*desk.Actor, error) {
	if n.SoldToID == 0 || n.EndUserID == 0 {
		return nil, nil // nothing more to check without a combination
	}
	contact, err := tx.Actor(ctx, n.ContactID, now)
	switch {
	case errors.Is(err, desk.ErrNotFound):
		p.AddMessage("contact", "support.cases.contact")
	case err != nil:
		return nil, err
	case contact.Level(n.Combination) < desk.ReadWrite:
		p.AddMessage("contact", "support.cases.contact_not_designated", "Name", contact.User.Name())
	}
	cat, err := tx.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := tx.Contracts(ctx, desk.ContractFilter{SoldToID: n.SoldToID, EndUserID: n.EndUserID})
	if err != nil {
		return nil, err
	}
	products := coveredProducts(cs, cat, now)
	switch {
	case len(products) == 0:
		p.AddMessage("combination", "support.cases.combination")
	case !slices.ContainsFunc(products, func(pr desk.Product) bool { return pr.ID == n.ProductID }):
		p.AddMessage("product", "support.cases.product")
	}
	if comp, ok := cat.Component(n.ComponentID); n.ProductID != 0 && (!ok || comp.ProductID != n.ProductID) {
		p.AddMessage("component", "support.cases.component")
	}
	if n.LinkedCaseID != 0 {
		old, err := tx.CaseForUpdate(ctx, n.LinkedCaseID)
		if err != nil && !errors.Is(err, desk.ErrNotFound) {
			return nil, err
		}
		if err != nil || old.Combination() != n.Combination {
			p.AddMessage("linked_case", "support.cases.linked_case")
		}
	}
	return contact, nil
}

// CaseView is a case page: the case, the feed the actor may see, and what
// the actor may do.
type CaseView struct {
	Case *desk.CaseRow
	Feed []desk.Entry
	// Linked is the closed case this one follows, when there is one.
	CanComment, CanClose, CanReopen, CanWork bool
	// CanTransfer says the actor may send files to the case now (Transfer
	// Files); SFTP lists the case's temporary SFTP accounts for them, and
	// CanCreateSFTP says they may make one.
	CanTransfer bool
	// NeedsAcknowledgement says the actor, who may send files, must
	// first acknowledge the case's data-protection warning (on Transfer
	// Files, or with the comment that carries the files).
	NeedsAcknowledgement bool
	SFTP                 []desk.SFTPAccount
	CanCreateSFTP        bool
	SFTPHost, SFTPPort   string
	// ReopenRefusal says why the actor may not reopen the closed case
	// (Case.MayReopen's reason), shown as it is; nil when they may, or
	// when the case is not closed. OpenLinked says the way on is a new
	// case linked to this one (Case.MayOpenLinked).
	ReopenRefusal *desk.Message
	OpenLinked    bool
	// Contacts are the case's possible contacts, for staff.
	Contacts []desk.User
	// Clocks are the service-level clocks, Pauses their history; Now is
	// the time the view was made, to say what is left.
	Clocks []desk.Clock
	Pauses []desk.Pause
	Now    time.Time
	// Following says whether the actor follows the case.
	Following bool
	// Files are the case's files.
	Files []desk.CaseFile
	// AskedFor is, while the case waits on the customer, staff's last
	// public reply: what support asked for or proposed. AutoCloseAt is
	// when the automated follow-ups will close the case if nobody
	// answers (zero when no follow-up timer runs). A case waiting on a
	// third party waits on neither: the customer is not the one asked,
	// and no follow-up runs.
	AskedFor    *desk.Entry
	AutoCloseAt time.Time
	// ReopenUntil is, for a closed case the customer may still ask to
	// reopen, the end of the reopen window.
	ReopenUntil time.Time
}

// SolutionProposed reports whether support proposed a solution the
// customer is asked to accept or turn down.
func (v *CaseView) SolutionProposed() bool { return v.Case.Status == desk.StatusSolutionProposed }

// AwaitingInformation reports whether support waits for information from
// the customer (Awaiting Information, but not Third Party Pending: then
// support waits on a third party it logged a fault with).
func (v *CaseView) AwaitingInformation() bool {
	return v.Case.Status == desk.StatusAwaitingInformation && !v.Case.WaitsOnThirdParty()
}

// WaitsOnThirdParty reports whether support waits on a third party (the
// handbook's Awaiting Information - Third Party Pending): nothing is asked
// of the customer, who may still add an update.
func (v *CaseView) WaitsOnThirdParty() bool { return v.Case.WaitsOnThirdParty() }

// Case returns a case page. A case of a company the actor has no grant for
// is "not found".
func (s *Cases) Case(ctx context.Context, r Request, caseID int64) (*CaseView, error) {
	c, err := s.viewableCase(ctx, r, caseID)
	if err != nil {
		return nil, err
	}
	target := desk.On(c.Combination())
	now := s.now()
	v := &CaseView{Case: c}
	can := func(a desk.Action) bool { return desk.Authorize(r.Actor, a, target) == nil }
	open := c.Status != desk.StatusClosed
	v.CanWork = can(desk.WorkCase)
	v.CanComment = open && can(desk.CommentCase)
	v.CanClose = open && can(desk.CloseCase)
	v.CanTransfer = open && can(desk.TransferFiles) && s.files != nil
	if v.CanTransfer && !can(desk.SkipAcknowledgement) {
		at, err := s.store.FilesAcknowledged(ctx, caseID, r.Actor.User.ID)
		if err != nil {
			return nil, err
		}
		v.NeedsAcknowledgement = at.IsZero()
	}
	if v.CanTransfer && s.sftpAddress != "" {
		if v.SFTP, err = s.store.CaseSFTPAccounts(ctx, caseID); err != nil {
			return nil, err
		}
		s.sftpPasswords(r, &c.Case, v.SFTP)
		t, err := sftpTarget(ctx, s.store, &c.Case)
		if err != nil {
			return nil, err
		}
		v.CanCreateSFTP = desk.Authorize(r.Actor, desk.CreateSFTPAccount, t) == nil
		v.SFTPHost, v.SFTPPort = s.sftpEndpoint()
		for i := range v.SFTP {
			if v.SFTP[i].Active(now) {
				v.CanCreateSFTP = false
			}
		}
	}
	reopen := c.MayReopen(r.Actor, now)
	v.CanReopen = reopen == nil
	if m, ok := desk.AsMessage(reopen); ok && c.Status == desk.StatusClosed {
		v.ReopenRefusal, v.OpenLinked = &m, c.MayOpenLinked(r.Actor, now)
	}
	if v.Feed, err = s.store.Entries(ctx, caseID, can(desk.ViewInternalNotes)); err != nil {
		return nil, err
	}
	v.Now = now
	if v.Following, err = s.store.Following(ctx, caseID, r.Actor.User.ID); err != nil {
		return nil, err
	}
	if v.Files, err = s.store.CaseFiles(ctx, caseID); err != nil {
		return nil, err
	}
	if v.Clocks, err = s.store.Clocks(ctx, caseID); err != nil {
		return nil, err
	}
	if v.Pauses, err = s.store.Pauses(ctx, caseID); err != nil {
		return nil, err
	}
	if v.CanWork {
		if v.Contacts, err = s.designatedContactsOf(ctx, c.Combination(), now); err != nil {
			return nil, err
		}
	}
	if c.Reopenable(now) {
		v.ReopenUntil = c.ReopenUntil()
	}
	if c.WaitsOnCustomer() {
		// The feed is newest first.
		for i := range v.Feed {
			if v.Feed[i].Kind == desk.EntryReply {
				v.AskedFor = &v.Feed[i]
				break
			}
		}
		if v.AutoCloseAt, err = s.autoCloseAt(ctx, &c.Case); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// designatedContactsOf lists the contacts who are Designated Contacts of a
// combination now.
func (s *core) designatedContactsOf(ctx context.Context, combo desk.Combination, now time.Time) ([]desk.User, error) {
	gs, err := s.store.Grants(ctx, store.GrantFilter{Combination: combo})
	if err != nil {
		return nil, err
	}
	var out []desk.User
	for _, g := range gs {
		if g.Level != desk.ReadWrite || g.Combination != combo {
			continue
		}
		a, err := s.store.Actor(ctx, g.ContactID, now)
		if err != nil {
			return nil, err
		}
		if a.Level(combo) == desk.ReadWrite && !a.User.Disabled {
			a.User.PIN = ""
			out = append(out, *a.User)
		}
	}
	return out, nil
}

// viewableCase reads a case for someone who may see it (ViewCase): its
// row only, for a use case that needs no more of the case to decide (a
// file download does not build the case page). Anyone else is told it
// does not exist.
func (s *core) viewableCase(ctx context.Context, r Request, caseID int64) (*desk.CaseRow, error) {
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if err := desk.Authorize(r.Actor, desk.ViewCase, desk.On(c.Combination())); err != nil {
		return nil, hide(err, caseID)
	}
	return c, nil
}

// hide turns "forbidden" into "not found" for reads: a case the actor may
// not see does not exist for them.
func hide(err error, caseID int64) error {
	if errors.Is(err, desk.ErrForbidden) || errors.Is(err, desk.ErrNotFound) {
		return fmt.Errorf("case %s: %w", desk.FormatCaseNumber(caseID), desk.ErrNotFound)
	}
	return err
}

// List lists a page of cases the actor may see. The scope always comes
// from the actor, whatever the caller put in the filter.
func (s *Cases) List(ctx context.Context, r Request, f desk.CaseFilter) (*desk.CasePage, error) {
	// One answer for the page and the API: the queue is the policy's
	// ViewQueue, and whoever may not see it is refused with the policy's
	// reason, never given another list instead; the other lists are
	// ListCases.
	act := desk.ListCases
	if f.List == desk.Queue {
		act = desk.ViewQueue
	}
	if err := desk.Authorize(r.Actor, act, desk.Target{}); err != nil {
		return nil, err
	}
	f.Scope = r.Actor.Scope()
	if f.List == desk.MyCases {
		f.ContactID = r.Actor.User.ID
	}
	now := s.now()
	if f.DueWithin > 0 {
		f.DueBefore = now.Add(f.DueWithin)
	}
	page, err := s.store.Cases(ctx, f)
	if errors.Is(err, store.ErrBadCursor) {
		return nil, desk.Invalid("after", "support.cases.after")
	}
	if err != nil {
		return nil, err
	}
	page.Now = now
	if f.List == desk.Queue {
		// The queue's deadline column: where each case stands.
		if err := s.withDeadlines(ctx, page); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// writeCase runs fn on a locked case after checking the action; fn changes
// the case and records its own events. The case is saved with a new
// update time.
func (s *core) writeCase(ctx context.Context, r Request, caseID int64, act desk.Action, fn func(tx *store.Tx, c *desk.Case) error) error {
	return s.write(ctx, r, func(tx *store.Tx) error {
		return s.writeCaseTx(ctx, tx, r, caseID, act, fn)
	})
}

// writeCaseTx is writeCase inside a transaction the caller holds.
func (s *core) writeCaseTx(ctx context.Context, tx *store.Tx, r Request, caseID int64, act desk.Action, fn func(tx *store.Tx, c *desk.Case) error) error {
	c, err := tx.CaseForUpdate(ctx, caseID)
	if err != nil {
		return err
	}
	if err := desk.Authorize(r.Actor, act, desk.On(c.Combination())); err != nil {
		if errors.Is(err, desk.ErrNotFound) {
			return hide(err, caseID)
		}
		return fmt.Errorf("case %s: %w", c.Number(), err)
	}
	before := *c
	if err := fn(tx, c); err != nil {
		return err
	}
	if _, err := s.syncFollowUp(ctx, tx, before, c); err != nil {
		return err
	}
	if err := s.syncClocks(ctx, tx, before, c); err != nil {
		return err
	}
	if err := s.syncPurge(ctx, tx, before, c); err != nil {
		return err
	}
	c.UpdatedAt = s.now()
	return tx.UpdateCase(ctx, c)
}

// Ask answers whether the actor may take act on the case, for a handler
// that checks what it was sent before it calls a use case: someone
// refused is told so first (or that there is no such case).
func (s *Cases) Ask(ctx context.Context, r Request, caseID int64, act desk.Action) error {
	return s.askCase(ctx, r, caseID, act)
}

// askCase is the policy's answer, before any input is read, whether the
// actor may take act on the case: someone refused is told so (or that
// there is no such case), never what is wrong with a form they may not
// send. It only refuses early; the write asks again on the case its
// transaction reads (writeCaseTx).
func (s *core) askCase(ctx context.Context, r Request, caseID int64, act desk.Action) error {
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return err
	}
	return askOn(r, &c.Case, act)
}

// askOn is askCase's answer on a case already read.
func askOn(r Request, c *desk.Case, act desk.Action) error {
	if err := desk.Authorize(r.Actor, act, desk.On(c.Combination())); err != nil {
		if errors.Is(err, desk.ErrNotFound) {
			return hide(err, c.ID)
		}
		return fmt.Errorf("case %s: %w", c.Number(), err)
	}
	return nil
}

// Posting is what the case page's comment form and the API's comments
// send: the text, whether it is an internal note, the files attached, and
// whether the author acknowledges the case's data-protection warning with
// it (which files from a customer need, as on Transfer Files).
type Posting struct {
	Body        string
	Internal    bool
	Files       []Attachment
	Acknowledge bool
}

// Post adds what the actor writes on a case, for the case page's form and
// the API alike: an internal note when asked for (WriteInternalNote), a
// public reply from whoever works the case (WorkCase), else a customer's
// update (CommentCase). Files attached become the case's files in the
// same transaction (staff's as the agent's page sends them, Work; a
// customer's as Transfer Files takes them, TransferFiles after the
// acknowledgement). It returns the kind of entry it added.
func (s *Cases) Post(ctx context.Context, r Request, caseID int64, p Posting) (desk.EntryKind, error) {
	c, err := s.store.Case(ctx, caseID)
	if err != nil {
		return "", err
	}
	kind, act := desk.EntryComment, desk.CommentCase
	switch {
	case p.Internal:
		kind, act = desk.EntryNote, desk.WriteInternalNote
	case desk.Authorize(r.Actor, desk.WorkCase, desk.On(c.Combination())) == nil:
		kind, act = desk.EntryReply, desk.WorkCase
	}
	if err := askOn(r, &c.Case, act); err != nil {
		return "", err
	}
	switch {
	case kind != desk.EntryComment && len(p.Files) > 0:
		return s.Work(ctx, r, caseID, Work{Body: p.Body, Internal: p.Internal, Files: p.Files})
	case kind != desk.EntryComment:
		return kind, s.reply(ctx, r, caseID, p.Body, kind)
	case len(p.Files) > 0:
		return kind, s.commentFiles(ctx, r, caseID, p)
	}
	return kind, s.comment(ctx, r, caseID, p.Body)
}

// commentFiles adds a customer's update with files, in one transaction:
// the files need what Transfer Files needs (TransferFiles, an open case, a
// file store, the data-protection warning acknowledged before or with
// this update); on any refusal nothing is kept, neither the update nor
// the acknowledgement nor a file.
func (s *core) commentFiles(ctx context.Context, r Request, caseID int64, p Posting) error {
	if err := desk.ValidateComment("body", p.Body); err != nil {
		return err
	}
	if s.files == nil {
		return desk.Invalid("files", "support.agent_case.no_file_store")
	}
	var kept []string
	err := s.writeCase(ctx, r, caseID, desk.CommentCase, func(tx *store.Tx, c *desk.Case) error {
		if err := s.mayTransfer(r, c); err != nil {
			return err
		}
		if p.Acknowledge {
			if err := tx.AcknowledgeFiles(ctx, c.ID, r.Actor.User.ID, s.now()); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, r, "files_acknowledged", c.Number(), ""); err != nil {
				return err
			}
		}
		if err := s.requireAcknowledgement(ctx, tx, r, c); err != nil {
			if errors.Is(err, desk.ErrForbidden) {
				return desk.Invalid("acknowledge", "page.polish.acknowledge_with_files")
			}
			return err
		}
		if err := s.addComment(ctx, r, p.Body)(tx, c); err != nil {
			return err
		}
		for _, a := range p.Files {
			f := &desk.CaseFile{
				CaseID: c.ID, Name: a.Name, ContentType: a.ContentType, Source: "upload", Direction: "customer",
				UploadedBy: r.ActorID(),
			}
			if err := s.keepFile(ctx, tx, f, a.Content); err != nil {
				return err
			}
			kept = append(kept, f.StorageKey)
			if err := s.fileArrived(ctx, tx, r, c, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, key := range kept {
			if derr := s.files.Delete(ctx, key); derr != nil {
				s.log.WarnContext(ctx, "delete refused file", "key", key, "err", derr)
			}
		}
	}
	return err
}

// Comment adds a customer's update to a case. A case waiting on the
// customer (Awaiting Information, Solution Proposed) goes back to Open.
func (s *Cases) Comment(ctx context.Context, r Request, caseID int64, body string) error {
	if err := s.askCase(ctx, r, caseID, desk.CommentCase); err != nil {
		return err
	}
	return s.comment(ctx, r, caseID, body)
}

// comment is Comment once the policy has answered.
func (s *core) comment(ctx context.Context, r Request, caseID int64, body string) error {
	if err := desk.ValidateComment("body", body); err != nil {
		return err
	}
	return s.writeCase(ctx, r, caseID, desk.CommentCase, s.addComment(ctx, r, body))
}

// addComment is the change of a customer's update: the feed entry, and
// back to Open from waiting on the customer.
func (s *core) addComment(ctx context.Context, r Request, body string) func(tx *store.Tx, c *desk.Case) error {
	return func(tx *store.Tx, c *desk.Case) error {
		if c.Status == desk.StatusClosed {
			return closedErr(c)
		}
		if _, err := tx.AddEntry(ctx, &desk.Entry{
			CaseID: c.ID, Kind: desk.EntryComment, AuthorID: r.ActorID(),
			Body: strings.TrimSpace(body), CreatedAt: s.now(),
		}); err != nil {
			return err
		}
		if err := s.noticeCustomerUpdate(ctx, tx, r, c, body); err != nil {
			return err
		}
		if c.Status == desk.StatusAwaitingInformation || c.Status == desk.StatusSolutionProposed {
			if err := s.setStatus(ctx, tx, r, c, desk.StatusOpen, desk.SubInvestigation, "after the customer's update"); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, r, "case_commented", c.Number(), "")
	}
}

func closedErr(c *desk.Case) error {
	return desk.Refuse(desk.ErrConflict, "support.cases.case_is_closed_reopen", "Number", c.Number())
}

// Reply adds a staff member's public reply (WorkCase) or internal note
// (WriteInternalNote).
func (s *Cases) Reply(ctx context.Context, r Request, caseID int64, body string, internal bool) error {
	kind := desk.EntryReply
	if internal {
		kind = desk.EntryNote
	}
	if err := s.askCase(ctx, r, caseID, replyAction(kind)); err != nil {
		return err
	}
	return s.reply(ctx, r, caseID, body, kind)
}

// replyAction is the action a reply or a note needs.
func replyAction(kind desk.EntryKind) desk.Action {
	if kind == desk.EntryNote {
		return desk.WriteInternalNote
	}
	return desk.WorkCase
}

// reply is Reply once the policy has answered: kind is EntryReply or
// EntryNote.
func (s *core) reply(ctx context.Context, r Request, caseID int64, body string, kind desk.EntryKind) error {
	if err := desk.ValidateComment("body", body); err != nil {
		return err
	}
	return s.writeCase(ctx, r, caseID, replyAction(kind), s.addReply(ctx, r, body, kind))
}

// addReply is the change of a staff reply or note: the feed entry and,
// for a public reply, the response clock met and the customer's email
// (the queue's bulk note adds it to many cases in one transaction).
func (s *core) addReply(ctx context.Context, r Request, body string, kind desk.EntryKind) func(tx *store.Tx, c *desk.Case) error {
	internal := kind == desk.EntryNote
	return func(tx *store.Tx, c *desk.Case) error {
		body = strings.TrimSpace(body)
		if _, err := tx.AddEntry(ctx, &desk.Entry{CaseID: c.ID, Kind: kind, AuthorID: r.ActorID(), Body: body, CreatedAt: s.now()}); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, r, "case_"+string(kind), c.Number(), ""); err != nil {
			return err
		}
		if internal {
			return nil
		}
		if _, err := s.meetClock(ctx, tx, c.ID, desk.ClockResponse, s.now()); err != nil {
			return err
		}
		return s.notifyContact(ctx, tx, c, "case_reply", desk.Msg("mail.case_reply.subject", "Number", c.Number()),
			desk.Msg("mail.case_reply.text", "Name", r.Actor.User.Name(), "Body", body))
	}
}

// CaseChange is what staff change on a case; nil fields stay as they are.
type CaseChange struct {
	Status    *desk.Status
	SubStatus *desk.SubStatus
	Priority  *desk.Priority
	Severity  *int
	OwnerID   *int64
	ContactID *int64
	// InfoComplete marks all troubleshooting information provided: the
	// root-cause-analysis clock starts. RCADelivered stops it.
	InfoComplete bool
	RCADelivered bool
	// ComponentID moves the case to another component (and its
	// product); Tags, when not nil, are the case's tags from now on.
	ComponentID *int64
	Tags        *[]string
	// Seen is what the author's page showed of the case; a change made on
	// a version that is no longer the case's is refused (nil: not
	// checked, as an API client that sends no version).
	Seen *desk.CaseSeen
}

// Update applies a staff change: status through the transition table,
// priority, severity, owner, contact, component and tags. Each change is
// a feed event. A change made on a version of the case that is no longer
// its own (ch.Seen) is refused with what changed meanwhile.
func (s *Cases) Update(ctx context.Context, r Request, caseID int64, ch CaseChange) error {
	if err := s.askCase(ctx, r, caseID, desk.WorkCase); err != nil {
		return err
	}
	if err := checkTags(ch.Tags); err != nil {
		return err
	}
	return s.writeCase(ctx, r, caseID, desk.WorkCase, func(tx *store.Tx, c *desk.Case) error {
		if err := s.checkSeen(ctx, tx, c, ch.Seen); err != nil {
			return err
		}
		return s.applyChange(ctx, r, ch)(tx, c)
	})
}

// applyChange is the change of a staff update, on a case its transaction
// holds.
func (s *core) applyChange(ctx context.Context, r Request, ch CaseChange) func(tx *store.Tx, c *desk.Case) error {
	now := s.now()
	return func(tx *store.Tx, c *desk.Case) error {
		p := desk.Problems{}
		if ch.Status != nil || ch.SubStatus != nil {
			to, toSub := c.Status, c.SubStatus
			if ch.Status != nil {
				to = *ch.Status
			}
			if ch.SubStatus != nil {
				toSub = *ch.SubStatus
			}
			if to != c.Status || toSub != c.SubStatus {
				if err := s.setStatus(ctx, tx, r, c, to, toSub, ""); err != nil {
					return err
				}
			}
		}
		if ch.Priority != nil && *ch.Priority != c.Priority {
			if !ch.Priority.Valid() {
				p.AddMessage("priority", "support.cases.priority")
			} else {
				if err := s.event(ctx, tx, r, c, fmt.Sprintf("Priority changed from %s to %s.", c.Priority.Label(), ch.Priority.Label())); err != nil { //i18n:stored
					return err
				}
				wasUrgent := c.Urgent()
				c.Priority = *ch.Priority
				if c.Urgent() && !wasUrgent {
					// The handbook: the product support manager on duty
					// hears of every Critical and Production Down case.
					if err := s.notifyRole(ctx, tx, desk.RoleProductSupportManager, c, "priority_critical",
						desk.Msg("mail.priority_critical.subject", "Number", c.Number(), "Priority", c.Priority),
						desk.Msg("mail.priority_critical.text", "Name", r.Actor.User.Name(), "Number", c.Number(), "Summary", c.Summary,
							"Priority", c.Priority)); err != nil {
						return err
					}
				}
			}
		}
		if ch.Severity != nil && *ch.Severity != c.Severity {
			if *ch.Severity < 0 || *ch.Severity > 4 {
				p.AddMessage("severity", "support.cases.severity")
			} else {
				if err := s.event(ctx, tx, r, c, fmt.Sprintf("Severity set to %d.", *ch.Severity)); err != nil { //i18n:stored
					return err
				}
				c.Severity = *ch.Severity
			}
		}
		if ch.OwnerID != nil && *ch.OwnerID != c.OwnerID {
			text := "Owner removed." //i18n:stored
			if *ch.OwnerID != 0 {
				owner, err := tx.User(ctx, *ch.OwnerID)
				if err != nil && !errors.Is(err, desk.ErrNotFound) {
					return err
				}
				if err != nil || !owner.IsStaff() {
					p.AddMessage("owner", "support.cases.owner")
				} else {
					text = "Owner set to " + owner.Name() + "." //i18n:stored
				}
			}
			if _, bad := p["owner"]; !bad {
				if err := s.event(ctx, tx, r, c, text); err != nil {
					return err
				}
				c.OwnerID = *ch.OwnerID
				if err := s.noticeAssigned(ctx, tx, r, c); err != nil {
					return err
				}
			}
		}
		if ch.ContactID != nil && *ch.ContactID != c.ContactID {
			contact, err := tx.Actor(ctx, *ch.ContactID, now)
			if err != nil && !errors.Is(err, desk.ErrNotFound) {
				return err
			}
			if err != nil || contact.Level(c.Combination()) < desk.ReadWrite {
				p.AddMessage("contact", "support.cases.contact_of_combination")
			} else {
				if err := s.event(ctx, tx, r, c, "Case contact changed to "+contact.User.Name()+"."); err != nil { //i18n:stored
					return err
				}
				c.ContactID = *ch.ContactID
			}
		}
		if err := s.changeComponent(ctx, tx, r, c, ch.ComponentID, p); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		if err := s.changeTags(ctx, tx, r, c, ch.Tags); err != nil {
			return err
		}
		if ch.InfoComplete {
			if err := s.startClock(ctx, tx, c, desk.ClockRCA, now); err != nil {
				return err
			}
			if err := s.event(ctx, tx, r, c, "All troubleshooting information provided: the root-cause analysis clock starts."); err != nil { //i18n:stored
				return err
			}
		}
		if ch.RCADelivered {
			met, err := s.meetClock(ctx, tx, c.ID, desk.ClockRCA, now)
			if err != nil {
				return err
			}
			if !met {
				return desk.Invalid("rca", "support.cases.rca")
			}
			if err := s.event(ctx, tx, r, c, "Root-cause analysis delivered."); err != nil { //i18n:stored
				return err
			}
		}
		return s.audit(ctx, tx, r, "case_updated", c.Number(), "")
	}
}

// setStatus moves a case through the transition table and records it.
func (s *core) setStatus(ctx context.Context, tx *store.Tx, r Request, c *desk.Case, to desk.Status, toSub desk.SubStatus, why string) error {
	if err := desk.CheckTransition(c.Status, c.SubStatus, to, toSub); err != nil {
		return fmt.Errorf("case %s: %w", c.Number(), err)
	}
	if to == desk.StatusClosed && c.Status != desk.StatusClosed {
		c.ClosedAt = s.now()
	}
	if to != desk.StatusClosed {
		c.ClosedAt = time.Time{}
	}
	text := fmt.Sprintf("Status changed from %s - %s to %s - %s", c.Status.Label(), c.SubStatus.Label(), to.Label(), toSub.Label())
	if why != "" {
		text += " " + why
	}
	statusChanged := c.Status != to
	c.Status, c.SubStatus = to, toSub
	if err := s.event(ctx, tx, r, c, text+"."); err != nil {
		return err
	}
	if !statusChanged || r.Actor == nil || !r.Actor.IsStaff() {
		return nil
	}
	return s.notifyContact(ctx, tx, c, "case_status", desk.Msg("mail.case_status.subject", "Number", c.Number(), "Status", to),
		desk.Msg("mail.case_status.text", "Number", c.Number(), "Summary", c.Summary, "Status", to, "SubStatus", toSub))
}

// Close closes a case with a reason (Resolved or Cancelled) and a
// comment.
func (s *Cases) Close(ctx context.Context, r Request, caseID int64, reason desk.SubStatus, comment string) error {
	if err := s.askCase(ctx, r, caseID, desk.CloseCase); err != nil {
		return err
	}
	p := desk.Problems{}
	if reason != desk.SubResolved && reason != desk.SubCancelled {
		p.AddMessage("reason", "support.cases.reason")
	}
	if err := desk.ValidateComment("comment", comment); err != nil {
		p.AddMessage("comment", "support.cases.comment")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.writeCase(ctx, r, caseID, desk.CloseCase, func(tx *store.Tx, c *desk.Case) error {
		if c.Status == desk.StatusClosed {
			return desk.Refuse(desk.ErrConflict, "support.cases.case_is_already_closed", "Number", c.Number())
		}
		return s.closeTx(ctx, tx, r, c, reason, comment, "Closure comment: ", "case_closed") //i18n:stored
	})
}

// closeTx closes a case inside its write: the comment as a feed entry
// (after its prefix), the status, the audit entry and the contact's email.
func (s *core) closeTx(ctx context.Context, tx *store.Tx, r Request, c *desk.Case, reason desk.SubStatus, comment, prefix, auditAction string) error {
	c.CloseComment = strings.TrimSpace(comment)
	if _, err := tx.AddEntry(ctx, &desk.Entry{
		CaseID: c.ID, Kind: closeKind(r), AuthorID: r.ActorID(),
		Body: prefix + c.CloseComment, CreatedAt: s.now(),
	}); err != nil {
		return err
	}
	if err := s.setStatus(ctx, tx, r, c, desk.StatusClosed, reason, ""); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, r, auditAction, c.Number(), reason.Label()); err != nil {
		return err
	}
	return s.notifyContact(ctx, tx, c, "case_closed", desk.Msg("mail.case_closed.subject", "Number", c.Number(), "Reason", reason),
		desk.Msg("mail.case_closed.text", "Number", c.Number(), "Reason", reason, "Comment", c.CloseComment))
}

// notProposed refuses to accept or turn down a solution on a case where
// none is proposed (any more).
func notProposed(c *desk.Case) error {
	return desk.Refuse(desk.ErrConflict, "error.case.no_solution_proposed", "Number", c.Number())
}

// AcceptSolution is the customer's "Accept solution" on a case in Solution
// Proposed: it closes as Resolved with their comment (optional), in one
// transaction. Whoever may close the case (CloseCase) may accept.
func (s *Cases) AcceptSolution(ctx context.Context, r Request, caseID int64, comment string) error {
	if err := s.askCase(ctx, r, caseID, desk.CloseCase); err != nil {
		return err
	}
	if strings.TrimSpace(comment) == "" {
		comment = "The proposed solution solved the problem." //i18n:stored
	}
	if err := desk.ValidateComment("comment", comment); err != nil {
		return err
	}
	return s.writeCase(ctx, r, caseID, desk.CloseCase, func(tx *store.Tx, c *desk.Case) error {
		if c.Status != desk.StatusSolutionProposed {
			return notProposed(c)
		}
		return s.closeTx(ctx, tx, r, c, desk.SubResolved, comment, "Solution accepted: ", "case_solution_accepted") //i18n:stored
	})
}

// RejectSolution is the customer's "This didn't solve it" on a case in
// Solution Proposed: their comment (required: what still fails) goes to
// the feed and the case is Open again, in one transaction (CommentCase).
func (s *Cases) RejectSolution(ctx context.Context, r Request, caseID int64, body string) error {
	if err := s.askCase(ctx, r, caseID, desk.CommentCase); err != nil {
		return err
	}
	if err := desk.ValidateComment("body", body); err != nil {
		return err
	}
	comment := s.addComment(ctx, r, "The proposed solution did not solve the problem: "+strings.TrimSpace(body)) //i18n:stored
	return s.writeCase(ctx, r, caseID, desk.CommentCase, func(tx *store.Tx, c *desk.Case) error {
		if c.Status != desk.StatusSolutionProposed {
			return notProposed(c)
		}
		if err := comment(tx, c); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "case_solution_rejected", c.Number(), "")
	})
}

// closeKind files a closure comment as the author's kind of entry.
func closeKind(r Request) desk.EntryKind {
	if r.Actor != nil && r.Actor.IsStaff() {
		return desk.EntryReply
	}
	return desk.EntryComment
}

// Reopen reopens a closed case: a Designated Contact within 30 days of
// closure with a reason, staff at any time.
func (s *Cases) Reopen(ctx context.Context, r Request, caseID int64, reason string) error {
	if err := s.askCase(ctx, r, caseID, desk.ReopenCase); err != nil {
		return err
	}
	if err := desk.ValidateComment("reason", reason); err != nil {
		return desk.Invalid("reason", "support.cases.reopen_reason")
	}
	return s.writeCase(ctx, r, caseID, desk.ReopenCase, func(tx *store.Tx, c *desk.Case) error {
		if err := c.MayReopen(r.Actor, s.now()); err != nil {
			return err
		}
		if _, err := tx.AddEntry(ctx, &desk.Entry{
			CaseID: c.ID, Kind: closeKind(r), AuthorID: r.ActorID(),
			Body: "Request to re-open: " + strings.TrimSpace(reason), CreatedAt: s.now(), //i18n:stored
		}); err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, r, c, desk.StatusOpen, desk.SubInvestigation, "(reopened)"); err != nil {
			return err
		}
		c.ReopenedCount++
		c.CloseComment = ""
		c.AutoClosed = false
		return s.audit(ctx, tx, r, "case_reopened", c.Number(), "")
	})
}

// event adds a system event to the case feed.
func (s *core) event(ctx context.Context, tx *store.Tx, r Request, c *desk.Case, text string) error {
	_, err := tx.AddEntry(ctx, &desk.Entry{CaseID: c.ID, Kind: desk.EntryEvent, AuthorID: r.ActorID(), Body: text, CreatedAt: s.now()})
	return err
}

// notifyContact queues an email about a case to its contact and to its
// followers; queueMail leaves out those who may no longer see it.
func (s *core) notifyContact(ctx context.Context, tx *store.Tx, c *desk.Case, kind string, subject, text desk.Message) error {
	contact, err := tx.User(ctx, c.ContactID)
	if err != nil {
		return err
	}
	link := s.caseLink(c)
	if err := s.queueMail(ctx, tx, mail{Kind: kind, To: contact, Case: c, Subject: subject, Text: text, Link: link}); err != nil {
		return err
	}
	followers, err := tx.Followers(ctx, c.ID)
	if err != nil {
		return err
	}
	for i := range followers {
		f := &followers[i]
		if f.ID == contact.ID {
			continue
		}
		if err := s.queueMail(ctx, tx, mail{Kind: kind, To: f, Case: c, Subject: subject, Text: text, Link: link}); err != nil {
			return err
		}
	}
	return nil
}

// caseLink is a case's page on the portal, for emails.
func (s *core) caseLink(c *desk.Case) string { return s.baseURL + "/cases/" + c.Number() }

// Caller is what the caller-verification page shows about a PIN.
type Caller struct {
	Contact *desk.User
	Company *desk.Company
	// Designated is true when the caller is a Designated Contact of at
	// least one combination now.
	Designated bool
	Combos     []Combo
	// Cases are the caller's cases: the open ones, then the latest closed
	// ones of their combinations whose contact they are.
	Cases []desk.CaseRow
}

// VerifyCaller finds the contact with a PIN and says for which
// combinations they are a Designated Contact (staff). The PIN itself is not
// echoed back.
func (s *Cases) VerifyCaller(ctx context.Context, r Request, pin string) (*Caller, error) {
	if err := desk.Authorize(r.Actor, desk.VerifyCaller, desk.Target{}); err != nil {
		return nil, err
	}
	pin = strings.TrimSpace(pin)
	if len(pin) != 6 || strings.Trim(pin, "0123456789") != "" {
		return nil, desk.Invalid("pin", "support.cases.pin")
	}
	// Guessing PINs is throttled per staff member, like passwords.
	key := "pin:" + strconv.FormatInt(r.ActorID(), 10)
	if n, err := s.store.LoginFailures(ctx, key, s.now().Add(-ThrottleWindow)); err != nil {
		return nil, err
	} else if n >= MaxPINFailures {
		return nil, desk.Refuse(desk.ErrThrottled, "support.cases.too_many_unknown_pins")
	}
	u, err := s.store.UserByPIN(ctx, pin)
	if errors.Is(err, desk.ErrNotFound) {
		if rerr := s.store.RecordLoginFailure(ctx, key, s.now()); rerr != nil {
			return nil, rerr
		}
		if aerr := s.store.Audit(ctx, desk.AuditEntry{At: s.now(), ActorID: r.ActorID(), Action: "caller_pin_unknown", Address: r.Address}); aerr != nil {
			return nil, aerr
		}
	}
	if err != nil {
		return nil, err
	}
	c, err := s.callerOf(ctx, r, u.ID)
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "caller verified", "staff", r.ActorID(), "contact", u.ID)
	if err := s.store.Audit(ctx, desk.AuditEntry{At: s.now(), ActorID: r.ActorID(), Action: "caller_verified", Subject: u.Email, Address: r.Address}); err != nil {
		return nil, err
	}
	return c, nil
}

// Caller is the caller-verification page of a contact whose PIN staff
// verified (VerifyCaller): shown again after a case opened for them was
// refused.
func (s *Cases) Caller(ctx context.Context, r Request, contactID int64) (*Caller, error) {
	if err := desk.Authorize(r.Actor, desk.VerifyCaller, desk.Target{}); err != nil {
		return nil, err
	}
	return s.callerOf(ctx, r, contactID)
}

// callerOf is what the caller-verification page shows of a contact: their
// company, their combinations with the level that counts now, their cases.
func (s *core) callerOf(ctx context.Context, r Request, contactID int64) (*Caller, error) {
	a, err := s.store.Actor(ctx, contactID, s.now())
	if err != nil {
		return nil, err
	}
	cat, err := s.store.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	c := &Caller{Contact: a.User}
	c.Contact.PIN = ""
	if c.Company, err = s.store.Company(ctx, a.User.CompanyID); err != nil {
		return nil, err
	}
	for _, combo := range a.Combinations(desk.Basic) {
		cv, err := s.combo(ctx, combo, cat)
		if err != nil {
			return nil, err
		}
		cv.Level = a.Level(combo)
		if cv.Level == desk.ReadWrite {
			c.Designated = true
		}
		c.Combos = append(c.Combos, cv)
	}
	if c.Cases, err = s.callerCases(ctx, r, a); err != nil {
		return nil, err
	}
	return c, nil
}

// callerCases are a caller's cases as the staff member r may see them:
// the open ones first (most recently updated first), then the latest
// closed ones of the caller's combinations whose contact they are.
func (s *core) callerCases(ctx context.Context, r Request, caller *desk.Actor) ([]desk.CaseRow, error) {
	scope := r.Actor.Scope()
	open, err := s.store.Cases(ctx, desk.CaseFilter{Scope: scope, List: desk.MyCases, ContactID: caller.User.ID, Limit: 25})
	if err != nil {
		return nil, err
	}
	out := open.Cases
	combos := caller.Combinations(desk.Basic)
	if len(combos) == 0 {
		return out, nil
	}
	closed, err := s.store.Cases(ctx, desk.CaseFilter{Scope: desk.CaseScope{Combinations: combos}, List: desk.ClosedCases, Limit: 25})
	if err != nil {
		return nil, err
	}
	for _, c := range closed.Cases {
		if c.ContactID == caller.User.ID && (scope.All || slices.Contains(scope.Combinations, c.Combination())) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Follow makes the actor follow a case they may see, or stop: followers
// get the case's emails as its contact does.
func (s *Cases) Follow(ctx context.Context, r Request, caseID int64, on bool) error {
	return s.write(ctx, r, func(tx *store.Tx) error {
		c, err := tx.CaseForUpdate(ctx, caseID)
		if err != nil {
			return hide(err, caseID)
		}
		if err := desk.Authorize(r.Actor, desk.ViewCase, desk.On(c.Combination())); err != nil {
			return hide(err, caseID)
		}
		return tx.SetFollower(ctx, caseID, r.Actor.User.ID, on, s.now())
	})
}
