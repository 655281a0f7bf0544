package support

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// EscalationProcess is the text a rejected escalation carries: what an
// escalation is for and what to do instead.
const EscalationProcess = "Escalations bring management attention to a case whose business impact has grown or whose " + //i18n:stored
	"progress has stalled. The escalation owner found this one does not need that now. Your case is still worked as usual: " +
	"add an update to the case with anything new, ask in a comment for a higher priority (Medium), or call support for " +
	"High, Critical or Production Down. You can escalate again if the situation changes." //i18n:stored

// EscalationView is what a case page shows of escalations: the current
// or last escalation with its feed, and whether the actor may escalate.
type EscalationView struct {
	Current *desk.EscalationRow
	Feed    []desk.EscalationEntry
	// CanEscalate is true when the actor may escalate the case now;
	// otherwise Refusal says why (nil when the actor may never).
	CanEscalate bool
	Refusal     *desk.Message
	// ContractLink is, for staff when no active Service Contract covers
	// the case, the console page to renew the last one or add one.
	ContractLink string
	// CanManage is true for escalation owners.
	CanManage bool
	// CanNote is true for those who may add to the Escalation Feed.
	CanNote bool
}

// escalationFacts gathers what eligibility depends on.
func (s *core) escalationFacts(ctx context.Context, tx *store.Tx, c *desk.Case) (desk.EscalationFacts, error) {
	f := desk.EscalationFacts{LastUpdate: c.UpdatedAt}
	var err error
	if f.Active, err = tx.ActiveEscalation(ctx, c.ID); err != nil {
		return f, err
	}
	ct, calRow, err := s.caseTerms(ctx, tx, c)
	if errors.Is(err, ErrNoActiveContract) {
		f.NoActiveContract = true
		cs, err := tx.Contracts(ctx, desk.ContractFilter{SoldToID: c.SoldToID, EndUserID: c.EndUserID})
		for i := range cs {
			if f.LastContract == nil || cs[i].Ends.After(f.LastContract.Ends) {
				f.LastContract = &cs[i]
			}
		}
		return f, err
	}
	if err != nil {
		return f, err
	}
	f.Deployment = ct.Deployment
	rca, err := tx.Clock(ctx, c.ID, desk.ClockRCA)
	if err != nil || rca == nil {
		return f, err
	}
	cal, err := calRow.Calendar()
	if err != nil {
		return f, err
	}
	f.InfoProvidedAt = rca.StartedAt
	f.BusinessDaysSinceInfo = cal.DaysBetween(rca.StartedAt, s.now())
	return f, nil
}

// Escalations returns a case's escalation view.
func (s *Cases) Escalations(ctx context.Context, r Request, caseID int64) (*EscalationView, error) {
	v := &EscalationView{}
	row, err := s.store.Case(ctx, caseID)
	if err != nil {
		return nil, hide(err, caseID)
	}
	target := desk.On(row.Combination())
	if err := desk.Authorize(r.Actor, desk.ViewCase, target); err != nil {
		return nil, hide(err, caseID)
	}
	v.CanManage = desk.Authorize(r.Actor, desk.ManageEscalations, target) == nil
	v.CanNote = desk.Authorize(r.Actor, desk.NoteEscalation, target) == nil
	if desk.Authorize(r.Actor, desk.EscalateCase, target) == nil {
		// The facts are read in a transaction that changes nothing.
		err := s.store.DryRun(ctx, func(tx *store.Tx) error {
			facts, err := s.escalationFacts(ctx, tx, &row.Case)
			if err != nil {
				return err
			}
			// Any reason but the late RCA decides whether the button works.
			if why := desk.EscalationRefusal(r.Actor, &row.Case, desk.ReasonOther, facts, s.now()); why.ID != "" || why.Text != "" {
				v.Refusal = &why
			}
			v.CanEscalate = v.Refusal == nil
			if facts.NoActiveContract {
				v.ContractLink = contractLink(r, row.SoldToID, facts.LastContract)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	rows, err := s.store.Escalations(ctx, store.EscalationFilter{CaseID: caseID, Limit: 1})
	if err != nil || len(rows) == 0 {
		return v, err
	}
	v.Current = &rows[0]
	v.Feed, err = s.store.EscalationEntries(ctx, v.Current.ID)
	return v, err
}

// contractLink is the way from a case without an active Service
// Contract to the console: its last contract for whoever may read the
// accounts, a new one of the Sold To for whoever may add contracts, else
// none.
func contractLink(r Request, soldToID int64, last *desk.Contract) string {
	switch {
	case last != nil && desk.Authorize(r.Actor, desk.ViewAccounts, desk.Target{}) == nil:
		return "/console/contracts/" + strconv.FormatInt(last.ID, 10)
	case last == nil && desk.Authorize(r.Actor, desk.ManageContracts, desk.Target{}) == nil:
		return "/console/contracts/new?company=" + strconv.FormatInt(soldToID, 10)
	}
	return ""
}

// Escalate escalates a case: a reason from the list, details, and the
// handbook's eligibility checked here, each refusal with its reason.
func (s *Cases) Escalate(ctx context.Context, r Request, caseID int64, reason desk.EscalationReason, details string) (*desk.Escalation, error) {
	if err := s.askCase(ctx, r, caseID, desk.EscalateCase); err != nil {
		return nil, err
	}
	if err := escalationInput(reason, details); err != nil {
		return nil, err
	}
	var esc *desk.Escalation
	err := s.writeCase(ctx, r, caseID, desk.EscalateCase, func(tx *store.Tx, c *desk.Case) error {
		var err error
		esc, err = s.escalateTx(ctx, tx, r, c, reason, details)
		return err
	})
	if err != nil {
		return nil, err
	}
	return esc, nil
}

// escalationInput checks an escalation's reason and details.
func escalationInput(reason desk.EscalationReason, details string) error {
	p := desk.Problems{}
	if !desk.ValidEscalationReason(reason) {
		p.AddMessage("reason", "support.escalations.reason")
	}
	if desk.ValidateComment("details", details) != nil {
		p.AddMessage("details", "support.escalations.details")
	}
	return p.Err()
}

// escalateTx escalates case c inside its write (writeCaseTx): the
// eligibility, the escalation with the first entry of its feed, the case's
// event, the audit entry, the escalation owners' notices and the contact's
// email.
func (s *core) escalateTx(ctx context.Context, tx *store.Tx, r Request, c *desk.Case, reason desk.EscalationReason, details string) (*desk.Escalation, error) {
	facts, err := s.escalationFacts(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	if m := desk.EscalationRefusal(r.Actor, c, reason, facts, s.now()); m.ID != "" {
		return nil, desk.Problems{"escalation": m}.Err()
	}
	now := s.now()
	esc := &desk.Escalation{
		CaseID: c.ID, Reason: reason, Details: strings.TrimSpace(details), State: desk.EscalationRequested,
		RequestedBy: r.ActorID(), CreatedAt: now,
	}
	esc.ID, err = tx.CreateEscalation(ctx, esc)
	if desk.ConflictOn(err, store.UniqueActiveEscalation) {
		return nil, desk.Refuse(desk.ErrConflict, "support.escalations.case_already_has_an", "Number", c.Number())
	}
	if err != nil {
		return nil, err
	}
	if err := tx.AddEscalationEntry(ctx, esc.ID, r.ActorID(), "Escalation requested: "+reason.Label()+".\n\n"+esc.Details, now); err != nil { //i18n:stored
		return nil, err
	}
	if err := s.event(ctx, tx, r, c, "Case escalated: "+reason.Label()+"."); err != nil { //i18n:stored
		return nil, err
	}
	if err := s.audit(ctx, tx, r, "case_escalated", c.Number(), reason.Label()); err != nil { //i18n:stored
		return nil, err
	}
	if err := s.noticeEscalation(ctx, tx, r, c, reason, esc.Details); err != nil {
		return nil, err
	}
	err = s.notifyContact(ctx, tx, c, "escalation_requested", desk.Msg("mail.escalation_requested.subject", "Number", c.Number()),
		desk.Msg("mail.escalation_requested.text", "Number", c.Number()))
	return esc, err
}

// notifyRole emails every staff member with a role about a case: a duty
// the handbook gives the role, not work the policy governs (noticeEscalation).
func (s *core) notifyRole(ctx context.Context, tx *store.Tx, role desk.Role, c *desk.Case, kind string, subject, text desk.Message) error {
	staff, err := tx.Users(ctx, desk.UserFilter{Kind: desk.KindStaff})
	if err != nil {
		return err
	}
	return s.notifyStaff(ctx, tx, desk.StaffWith(staff, role), c, kind, subject, text)
}

func (s *core) notifyStaff(ctx context.Context, tx *store.Tx, staff []desk.User, c *desk.Case, kind string, subject, text desk.Message) error {
	for _, u := range staff {
		if err := s.queueMail(ctx, tx, mail{Kind: kind, To: &u, Case: c, Subject: subject, Text: text, Link: s.caseLink(c)}); err != nil {
			return err
		}
	}
	return nil
}

// staffWhoMay lists the staff members the policy lets take act (never a
// disabled one).
func (s *core) staffWhoMay(ctx context.Context, tx *store.Tx, act desk.Action) ([]desk.User, error) {
	staff, err := tx.Users(ctx, desk.UserFilter{Kind: desk.KindStaff})
	if err != nil {
		return nil, err
	}
	return desk.StaffWhoMay(staff, act), nil
}

// EscalationQueueView is the queue of active escalations.
type EscalationQueueView struct {
	// Escalations are the active escalations, oldest first.
	Escalations []desk.EscalationRow
	// Now is when the queue was read, by the service's clock: how long
	// ago each was escalated counts from it.
	Now time.Time
}

// EscalationQueue lists the active escalations, oldest first (escalation
// owners).
func (s *Cases) EscalationQueue(ctx context.Context, r Request) (*EscalationQueueView, error) {
	if err := desk.Authorize(r.Actor, desk.ManageEscalations, desk.Target{}); err != nil {
		return nil, err
	}
	q, err := s.store.Escalations(ctx, store.EscalationFilter{Active: true})
	if err != nil {
		return nil, err
	}
	return &EscalationQueueView{Escalations: q, Now: s.now()}, nil
}

// EscalationStep is what an escalation owner does to an escalation: an
// event of desk's escalation table.
type EscalationStep = desk.EscalationEvent

// Escalation steps.
const (
	StepAccept = desk.EscalationAccept
	StepReject = desk.EscalationReject
	StepClose  = desk.EscalationClose
	StepNote   = desk.EscalationNote
)

// WorkEscalation takes a step on an escalation: accept it with next
// steps, reject it with reasons (and the process text), close it, or add
// to its feed. Only escalation owners and portal admins; the policy's
// NoteEscalation also lets the case's Designated Contacts add to the feed.
func (s *Cases) WorkEscalation(ctx context.Context, r Request, escalationID int64, step EscalationStep, text string) error {
	if err := s.askEscalation(ctx, r, escalationID, step); err != nil {
		return err
	}
	if err := stepInput(step, text); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		return s.workEscalationTx(ctx, tx, r, escalationID, step, text)
	})
}

// stepInput checks the text of a step on an escalation: every step but
// closing needs one.
func stepInput(step EscalationStep, text string) error {
	if desk.ValidateComment("text", text) != nil && step != StepClose {
		id := map[EscalationStep]string{
			StepAccept: "support.escalations.text_accept",
			StepReject: "support.escalations.text_reject",
			StepNote:   "support.escalations.text_note",
		}[step]
		if id == "" {
			id = "support.escalations.step"
		}
		return desk.Invalid("text", id)
	}
	return nil
}

// workEscalationTx is WorkEscalation inside a transaction the caller holds.
func (s *core) workEscalationTx(ctx context.Context, tx *store.Tx, r Request, escalationID int64, step EscalationStep, text string) error {
	e, err := tx.EscalationForUpdate(ctx, escalationID)
	if err != nil {
		return err
	}
	c, err := tx.CaseForUpdate(ctx, e.CaseID)
	if err != nil {
		return err
	}
	if err := mayTakeStep(r, c, escalationID, step); err != nil {
		return err
	}
	if !slices.Contains(desk.EscalationEvents, step) {
		return desk.Invalid("step", "support.escalations.step")
	}
	if e.State, err = desk.NextEscalation(e.State, step); err != nil {
		return err
	}
	now := s.now()
	text = strings.TrimSpace(text)
	var entry, event, subject string
	switch step {
	case desk.EscalationAccept:
		e.OwnerID, e.DecidedAt = r.ActorID(), now
		entry, event, subject = "Escalation accepted. Next steps: "+text, "Escalation accepted by "+r.Actor.User.Name()+".", "accepted" //i18n:stored
	case desk.EscalationReject:
		e.OwnerID, e.DecidedAt, e.ClosedAt = r.ActorID(), now, now
		entry, event, subject = "Escalation rejected: "+text+"\n\n"+EscalationProcess, "Escalation rejected by "+r.Actor.User.Name()+".", "rejected" //i18n:stored
	case desk.EscalationClose:
		e.ClosedAt = now
		if e.OwnerID == 0 {
			e.OwnerID = r.ActorID()
		}
		entry, event, subject = "Escalation closed.", "Escalation closed by "+r.Actor.User.Name()+".", "closed" //i18n:stored
		if text != "" {
			entry += " " + text
		}
	case desk.EscalationNote:
		entry = text
	}
	if err := tx.UpdateEscalation(ctx, e); err != nil {
		return err
	}
	if err := tx.AddEscalationEntry(ctx, e.ID, r.ActorID(), entry, now); err != nil {
		return err
	}
	if event != "" {
		if err := s.event(ctx, tx, r, c, event); err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
	}
	if err := s.audit(ctx, tx, r, "escalation_"+string(step), c.Number(), entry); err != nil {
		return err
	}
	if subject == "" && r.Actor.IsStaff() {
		subject = "updated"
	}
	if subject == "" {
		return nil
	}
	return s.notifyContact(ctx, tx, c, "escalation_"+string(step), escalationMailSubject(subject, c.Number()),
		desk.Msg("mail.escalation.text", "Entry", entry))
}

// escalationMailSubject is the subject of the email about a step of an
// escalation: what became of it ("accepted", "rejected", "closed") or
// "updated".
func escalationMailSubject(what, number string) desk.Message {
	switch what {
	case "accepted":
		return desk.Msg("mail.escalation.subject_accepted", "Number", number)
	case "rejected":
		return desk.Msg("mail.escalation.subject_rejected", "Number", number)
	case "closed":
		return desk.Msg("mail.escalation.subject_closed", "Number", number)
	}
	return desk.Msg("mail.escalation.subject_updated", "Number", number)
}

// askEscalation is WorkEscalation's policy question asked before the text
// is read (as askCase is for a case): someone who may not take the step
// is refused, or told there is no such escalation when they may not see
// its case. The transaction asks again.
func (s *core) askEscalation(ctx context.Context, r Request, escalationID int64, step EscalationStep) error {
	es, err := s.store.Escalations(ctx, store.EscalationFilter{ID: escalationID})
	if err != nil {
		return err
	}
	if len(es) == 0 {
		return fmt.Errorf("escalation %d: %w", escalationID, desk.ErrNotFound)
	}
	c, err := s.store.Case(ctx, es[0].CaseID)
	if err != nil {
		return err
	}
	return mayTakeStep(r, &c.Case, escalationID, step)
}

// mayTakeStep asks the policy whether the actor may take step on an
// escalation of case c: a note is NoteEscalation, the other steps
// ManageEscalations; who may not see the case is told there is no such
// escalation.
func mayTakeStep(r Request, c *desk.Case, escalationID int64, step EscalationStep) error {
	target := desk.On(c.Combination())
	act := desk.ManageEscalations
	if step == StepNote {
		act = desk.NoteEscalation
	}
	if err := desk.Authorize(r.Actor, act, target); err != nil {
		if desk.Authorize(r.Actor, desk.ViewCase, target) != nil {
			return fmt.Errorf("escalation %d: %w", escalationID, desk.ErrNotFound)
		}
		return err
	}
	return nil
}

// DemoEscalate escalates a back-dated case of the demo world at at, as
// the user requesterID would have on the case page, through Escalate's own
// steps inside the demo's transaction: the eligibility, the Escalation
// Feed, the case's event, the audit entry and the escalation owners'
// notices, all at at. Like the rest of the demo's history it queues no
// email: a demo that starts must not mail about what happened before it
// was loaded. It returns the escalation's ID.
func DemoEscalate(ctx context.Context, tx *store.Tx, requesterID, caseID int64, reason desk.EscalationReason, details string, at time.Time) (int64, error) {
	s, r, err := demoRequest(ctx, tx, requesterID, at)
	if err != nil {
		return 0, err
	}
	if err := escalationInput(reason, details); err != nil {
		return 0, err
	}
	var esc *desk.Escalation
	err = s.writeCaseTx(ctx, tx, r, caseID, desk.EscalateCase, func(tx *store.Tx, c *desk.Case) error {
		var err error
		esc, err = s.escalateTx(ctx, tx, r, c, reason, details)
		return err
	})
	if err != nil {
		return 0, err
	}
	return esc.ID, nil
}

// DemoWorkEscalation takes a step on an escalation of the demo world at
// at, as the staff member userID would have: WorkEscalation's own steps
// inside the demo's transaction, with no email (DemoEscalate).
func DemoWorkEscalation(ctx context.Context, tx *store.Tx, userID, escalationID int64, step EscalationStep, text string, at time.Time) error {
	s, r, err := demoRequest(ctx, tx, userID, at)
	if err != nil {
		return err
	}
	if err := stepInput(step, text); err != nil {
		return err
	}
	return s.workEscalationTx(ctx, tx, r, escalationID, step, text)
}

// demoRequest is a quiet core whose clock stands at at, and the request of
// the user userID as they were then.
func demoRequest(ctx context.Context, tx *store.Tx, userID int64, at time.Time) (*core, Request, error) {
	a, err := tx.Actor(ctx, userID, at)
	if err != nil {
		return nil, Request{}, err
	}
	s := &core{clock: func() time.Time { return at }, log: slog.New(slog.DiscardHandler), quiet: true}
	return s, Request{Actor: a}, nil
}
