package support

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/inbound"
	"github.com/caseport/caseport/internal/store"
)

// Email in: every message for the support address is kept raw, then a job
// reads it. A reply with a Reference ID from a contact with Read-Write
// access to the case's Sold To / End User is added to the Case Feed as the
// customer's update (a case waiting on the customer goes back to Open).
// Anything else goes to the triage queue with the reason, where a portal
// admin links it to a case or discards it: new mail never opens a case by
// itself. Automatic messages are kept and ignored.

// ReceiveMail keeps a message received by source (smtp, lmtp, imap) and
// schedules its processing. Once it returns the message is safe. A resend
// of a message kept already (same sender and Message-ID, or same content)
// is accepted and dropped: it is safe, and it must not reach the case twice.
func (s *Mail) ReceiveMail(ctx context.Context, source, from string, rcpts []string, raw []byte) error {
	var inboundID int64
	kept := false
	err := s.store.Write(ctx, func(tx *store.Tx) error {
		var err error
		now := s.now()
		inboundID, kept, err = tx.ReceiveMail(ctx, &desk.InboundMail{
			Source: source, MailFrom: from, RcptTo: strings.Join(rcpts, ", "), Raw: raw, ReceivedAt: now,
			Key: inbound.Key(raw, from),
		})
		if err != nil || !kept {
			return err
		}
		_, err = tx.ScheduleJob(ctx, desk.InboundJob(inboundID, now), now)
		return err
	})
	if err == nil && !kept {
		s.log.InfoContext(ctx, "received mail kept already", "source", source, "from", from, "inbound", inboundID)
	}
	return err
}

// triage is a reason to send a message to triage.
type triage struct{ reason string }

func (t *triage) Error() string { return t.reason }

// fileReply adds a reply to its case, or says why it goes to triage.
func (s *core) fileReply(ctx context.Context, tx *store.Tx, msg *inbound.Message) (int64, error) {
	if msg.Reference == "" {
		return 0, &triage{"No Reference ID: email does not open cases; new cases are opened on the web or by phone."} //i18n:stored
	}
	caseID, err := tx.CaseIDByReference(ctx, msg.Reference)
	if errors.Is(err, desk.ErrNotFound) {
		return 0, &triage{"The Reference ID " + msg.Reference + " belongs to no case."} //i18n:stored
	}
	if err != nil {
		return 0, err
	}
	u, err := tx.UserByEmail(ctx, msg.From)
	if errors.Is(err, desk.ErrNotFound) || (err == nil && u.Kind != desk.KindContact) {
		return caseID, &triage{"The sender " + msg.From + " is not a contact in Caseport."} //i18n:stored
	}
	if err != nil {
		return 0, err
	}
	actor, err := tx.Actor(ctx, u.ID, s.now())
	if err != nil {
		return 0, err
	}
	body := msg.Text
	if len(msg.Attachments) > 0 {
		names := make([]string, len(msg.Attachments))
		for i, a := range msg.Attachments {
			names[i] = fmt.Sprintf("%s (%d bytes)", a.Name, len(a.Data))
		}
		body += "\n\n[Attachments received by email, in the case's files: " + strings.Join(names, ", ") + "]"
	}
	if strings.TrimSpace(msg.Text) == "" && len(msg.Attachments) == 0 {
		return caseID, &triage{"The reply has no new text."} //i18n:stored
	}
	r := Request{Actor: actor, Address: "email"}
	comment := s.addComment(ctx, r, "(By email) "+body)
	err = s.writeCaseTx(ctx, tx, r, caseID, desk.CommentCase, func(tx *store.Tx, c *desk.Case) error {
		if err := comment(tx, c); err != nil {
			return err
		}
		for _, a := range msg.Attachments {
			if err := s.keepFile(ctx, tx, &desk.CaseFile{
				CaseID: c.ID, Name: a.Name, ContentType: a.ContentType, Source: "email", Direction: "customer", UploadedBy: u.ID,
			}, a.Data); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, desk.ErrNotFound), errors.Is(err, desk.ErrForbidden):
		return caseID, &triage{"The sender " + msg.From + " is not a Designated Contact of this case's Sold To / End User."} //i18n:stored
	case errors.Is(err, desk.ErrConflict):
		return caseID, &triage{"The case is closed; a reply by email does not reopen it."} //i18n:stored
	}
	return caseID, err
}

// InboundMail lists received messages of a state (portal admins).
func (s *Mail) InboundMail(ctx context.Context, r Request, state string) ([]desk.InboundMail, error) {
	if err := desk.Authorize(r.Actor, desk.TriageMail, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.InboundList(ctx, desk.InboundState(state), 200)
}

// ReadInbound returns one received message with its parsed text (portal
// admins).
func (s *Mail) ReadInbound(ctx context.Context, r Request, inboundID int64) (*desk.InboundMail, *inbound.Message, error) {
	if err := desk.Authorize(r.Actor, desk.TriageMail, desk.Target{}); err != nil {
		return nil, nil, err
	}
	m, err := s.store.Inbound(ctx, inboundID)
	if err != nil {
		return nil, nil, err
	}
	msg, _ := inbound.Parse(m.Raw, s.mailDomain) // unreadable: shown raw
	return m, msg, nil
}

// LinkInbound adds a message from triage to a case as an internal note
// for staff to act on (portal admins), or discards it (caseID 0).
func (s *Mail) LinkInbound(ctx context.Context, r Request, inboundID, caseID int64) error {
	if err := desk.Authorize(r.Actor, desk.TriageMail, desk.Target{}); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		m, err := tx.InboundForUpdate(ctx, inboundID)
		if err != nil {
			return err
		}
		ev := desk.LinkInbound
		if caseID == 0 {
			ev = desk.DiscardInbound
		}
		next, err := desk.NextInbound(m.State, ev)
		if err != nil {
			return err
		}
		m.ProcessedAt = s.now()
		if caseID == 0 {
			m.State, m.Reason = next, "Discarded by "+r.Actor.User.Name()+"." //i18n:stored
			if err := s.audit(ctx, tx, r, "inbound_discarded", m.Sender, m.Subject); err != nil {
				return err
			}
			return tx.SetInbound(ctx, m)
		}
		msg, err := inbound.Parse(m.Raw, s.mailDomain)
		if err != nil {
			return desk.Invalid("case", "support.inbound.case")
		}
		note := fmt.Sprintf("Email from %s <%s>, subject %q, linked from triage by %s:\n\n%s", msg.FromName, msg.From, msg.Subject, r.Actor.User.Name(), msg.Text)
		err = s.writeCaseTx(ctx, tx, r, caseID, desk.WorkCase, func(tx *store.Tx, c *desk.Case) error {
			_, err := tx.AddEntry(ctx, &desk.Entry{CaseID: c.ID, Kind: desk.EntryNote, AuthorID: r.ActorID(), Body: note, CreatedAt: s.now()})
			return err
		})
		if errors.Is(err, desk.ErrNotFound) {
			return desk.Invalid("case", "support.inbound.no_such_case")
		}
		if err != nil {
			return err
		}
		m.State, m.CaseID, m.Reason = next, caseID, "Linked to case "+desk.FormatCaseNumber(caseID)+" by "+r.Actor.User.Name()+"." //i18n:stored
		if err := s.audit(ctx, tx, r, "inbound_linked", m.Sender, desk.FormatCaseNumber(caseID)); err != nil {
			return err
		}
		return tx.SetInbound(ctx, m)
	})
}
