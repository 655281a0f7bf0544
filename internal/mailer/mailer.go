// Package mailer sends the emails Caseport queues, through an SMTP relay.
//
// Every email is a row of the outbox (desk.Notification) written in the
// transaction of the change it tells of, with a job that sends it. The
// job hands the message to the relay, then records the Message-ID; a relay
// that refuses it for now (4xx) makes the job try again later with growing
// pauses, one that refuses it for good (5xx) makes the job dead at once,
// and the attempt and its error show in the console's outbox. Without a relay
// (the default, and --demo) mail stays in the outbox for a portal admin to
// read, so nothing is lost.
//
// An email about a case goes only to someone desk.Authorize lets see the
// case when it is sent: access taken away after the email was queued
// stops it, and the outbox says why.
//
// A case email carries the case's Reference ID in its body and in the
// X-Caseport-Reference header, and threads under one root per case
// (In-Reply-To and References), so replies find their way back.
package mailer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/i18n"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/worker"
)

// HeaderReference names the header with the case's Reference ID.
const HeaderReference = "X-Caseport-Reference"

// Config says where mail goes.
type Config struct {
	// Relay is the SMTP relay, e.g. smtp://user:password@mail.example.com:587
	// (STARTTLS when offered), smtps://…:465 (TLS) or
	// smtp://host:25?tls=none; empty keeps mail in the outbox.
	Relay string
	// From is the sender, e.g. "Caseport Support <support@example.com>".
	From string
	// Clock returns the current time (nil: time.Now), at which a
	// recipient's access is checked and a sending recorded; tests give
	// the clock they move.
	Clock func() time.Time
}

// Mailer sends queued emails. It is given everything at New; nothing of
// it changes afterwards.
type Mailer struct {
	store  *store.Store
	log    *slog.Logger
	clock  func() time.Time
	from   *mail.Address
	domain string
	relay  *url.URL
}

// New checks the configuration and returns a mailer.
func New(s *store.Store, log *slog.Logger, cfg Config) (*Mailer, error) {
	from := cfg.From
	if from == "" {
		from = "Caseport Support <support@caseport.invalid>"
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail sender %q: %w", from, err)
	}
	_, domain, _ := strings.Cut(addr.Address, "@")
	m := &Mailer{store: s, log: log, clock: cfg.Clock, from: addr, domain: domain}
	if m.clock == nil {
		m.clock = time.Now
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Relay != "" {
		u, err := url.Parse(cfg.Relay)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return nil, fmt.Errorf("SMTP relay %q: give smtp://[user:password@]host[:port] or smtps://…", redact(cfg.Relay))
		}
		m.relay = u
	}
	return m, nil
}

// redact hides a relay URL's password for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unreadable)"
	}
	return u.Redacted()
}

// Domain is the domain of the sender, which Caseport's Message-IDs use.
func (m *Mailer) Domain() string { return m.domain }

// Relaying reports whether mail leaves the outbox.
func (m *Mailer) Relaying() bool { return m.relay != nil }

// errPIN stops an email that would carry its recipient's PIN: PINs are
// shown on the profile page only, never sent. Its text is the dead job's
// error, stored as written for the operators who read the job list.
var errPIN = errors.New("the email contains the recipient's PIN; it was not sent") //i18n:stored

// Send is the job that sends one email (desk.JobMail).
func (m *Mailer) Send(ctx context.Context, j *desk.Job) error {
	nid, err := strconv.ParseInt(j.Payload, 10, 64)
	if err != nil {
		return fmt.Errorf("mail job %d: payload %q", j.ID, j.Payload)
	}
	n, err := m.store.Notification(ctx, nid)
	if errors.Is(err, desk.ErrNotFound) {
		return nil // gone: nothing to send
	}
	if err != nil {
		return err
	}
	if !n.SentAt.IsZero() || m.relay == nil {
		return nil // sent by an earlier attempt, or kept in the outbox
	}
	why, err := m.withheld(ctx, n)
	if err != nil {
		return err
	}
	if why != "" {
		// Final: the job ends, and the outbox says why.
		return m.store.MailFailed(ctx, n.ID, why)
	}
	msg, msgID, err := m.message(ctx, n)
	if err == nil {
		err = m.deliver(ctx, msg)
	}
	if err != nil {
		if ferr := m.store.MailFailed(ctx, n.ID, err.Error()); ferr != nil {
			m.log.ErrorContext(ctx, "record mail failure", "email", n.ID, "err", ferr)
		}
		err = fmt.Errorf("send email %d: %w", n.ID, err)
		if refused(err) {
			return worker.Permanent(err)
		}
		return err
	}
	// The job ends with the record of the Message-ID, in one transaction:
	// each email costs one write besides its claim.
	now := m.clock().UTC()
	return m.store.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.MarkSent(ctx, n.ID, msgID, now); err != nil {
			return err
		}
		_, err := tx.FinishJob(ctx, j.ID, now)
		return err
	})
}

// withheld says why an email about a case must not go out now, or "" when
// it may: its recipient may see the case no longer (a grant taken away, a
// contract ended, the account disabled since the email was queued).
func (m *Mailer) withheld(ctx context.Context, n *desk.Notification) (string, error) {
	if n.CaseID == 0 {
		return "", nil
	}
	c, err := m.store.Case(ctx, n.CaseID)
	if err != nil {
		return "", err
	}
	why := "not sent: " + n.To + " may no longer see case " + c.Number()
	if n.UserID == 0 {
		return why, nil
	}
	a, err := m.store.Actor(ctx, n.UserID, m.clock().UTC())
	if err != nil {
		return "", err
	}
	if desk.Authorize(a, desk.ViewCase, desk.On(c.Combination())) != nil {
		return why, nil
	}
	return "", nil
}

// refused reports whether the relay refused a message for good (a 5xx
// reply), or the message can never be sent: trying again changes nothing.
func refused(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		return se.ErrorCode() >= 500 && se.ErrorCode() < 600
	}
	return errors.Is(err, errPIN)
}

// message builds the email of a notification, and its Message-ID.
func (m *Mailer) message(ctx context.Context, n *desk.Notification) (*gomail.Msg, string, error) {
	if n.UserID != 0 {
		if u, err := m.store.User(ctx, n.UserID); err == nil && u.PIN != "" && strings.Contains(n.Subject+n.Body, u.PIN) {
			return nil, "", errPIN
		}
	}
	msg := gomail.NewMsg()
	if err := msg.FromFormat(m.from.Name, m.from.Address); err != nil {
		return nil, "", err
	}
	if err := msg.To(n.To); err != nil {
		return nil, "", fmt.Errorf("recipient %q: %w", n.To, err)
	}
	// The same for every attempt: delivery is at least once (a relay may
	// take a message whose 250 never reaches us, and the job sends it
	// again), so a copy sent twice carries one Message-ID that mail
	// systems and people can recognise. The time the email was queued
	// keeps it unique across a store that was set up afresh.
	msgID := fmt.Sprintf("email-%d.%s@%s", n.ID, strconv.FormatInt(n.CreatedAt.UnixMicro(), 36), m.domain)
	msg.SetMessageIDWithValue(msgID)
	msg.SetDateWithValue(n.CreatedAt)
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	subject, body := n.Subject, n.Body
	if n.CaseID != 0 {
		c, err := m.store.Case(ctx, n.CaseID)
		if err != nil {
			return nil, "", err
		}
		ref := c.ReferenceID
		root := "<" + ThreadRoot(c.Number(), ref, m.domain) + ">"
		msg.SetGenHeaderPreformatted(gomail.HeaderInReplyTo, root)
		msg.SetGenHeaderPreformatted(gomail.HeaderReferences, root)
		msg.SetGenHeader(HeaderReference, ref)
		l := i18n.English() // the recipient's language, once users choose one
		if !strings.Contains(subject, c.Number()) {
			subject = l.T("mail.case_subject", "Number", c.Number(), "Subject", subject)
		}
		body += l.T("mail.case_footer", "Reference", ref)
	}
	msg.Subject(subject)
	msg.SetBodyString(gomail.TypeTextPlain, body)
	return msg, msgID, nil
}

// ThreadRoot is the Message-ID every email of a case replies to, so mail
// programs show a case's emails as one conversation.
func ThreadRoot(number, ref, domain string) string {
	return "case-" + number + "." + ref + "@" + domain
}

// deliver hands a message to the relay.
func (m *Mailer) deliver(ctx context.Context, msg *gomail.Msg) error {
	u := m.relay
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := u.Port()
	switch {
	case u.Scheme == "smtps":
		opts = append(opts, gomail.WithSSL())
		if port == "" {
			port = "465"
		}
	case u.Query().Get("tls") == "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if port == "" {
		port = "587"
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return fmt.Errorf("relay port %q", port)
	}
	opts = append(opts, gomail.WithPort(p))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	client, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return err
	}
	return client.DialAndSendWithContext(ctx, msg)
}
