package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/caseport/caseport/internal/desk"
)

// ReceiveMail keeps a received message: once its transaction commits, the
// message is safe, and the caller schedules its processing (desk.InboundJob)
// in the same transaction. A message with the key of one kept already is
// not kept again: it returns that message's id and false. The unique key
// decides, so of two processes receiving the same resend at once only one
// keeps it.
func (tx *Tx) ReceiveMail(ctx context.Context, m *desk.InboundMail) (int64, bool, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO inbound_mail (source, mail_from, rcpt_to, raw, received_at, state, dedup_key)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
		m.Source, m.MailFrom, m.RcptTo, m.Raw, ts(m.ReceivedAt), string(desk.InboundPending), m.Key).Scan(&newID)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.q().row(ctx, `SELECT id FROM inbound_mail WHERE dedup_key = ?`, m.Key).Scan(&newID)
		if err != nil {
			return 0, false, fmt.Errorf("received mail kept already: %w", err)
		}
		return newID, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("keep received mail: %w", err)
	}
	return newID, true, nil
}

const inboundColumns = `id, source, mail_from, rcpt_to, raw, received_at, state, reason, sender, subject, case_id, processed_at`

func scanInbound(sc scanner, m *desk.InboundMail) error {
	return sc.Scan(&m.ID, &m.Source, &m.MailFrom, &m.RcptTo, &m.Raw, nullTime{&m.ReceivedAt}, &m.State, &m.Reason,
		&m.Sender, &m.Subject, nullInt{&m.CaseID}, nullTime{&m.ProcessedAt})
}

// InboundForUpdate reads a received message in a write transaction.
func (tx *Tx) InboundForUpdate(ctx context.Context, inboundID int64) (*desk.InboundMail, error) {
	var m desk.InboundMail
	err := scanInbound(tx.q().row(ctx, `SELECT `+inboundColumns+` FROM inbound_mail WHERE id = ?`+tx.d.forUpdate, inboundID), &m)
	if err != nil {
		return nil, notFound(err, "received mail "+strconv.FormatInt(inboundID, 10))
	}
	return &m, nil
}

// SetInbound records what became of a received message.
func (tx *Tx) SetInbound(ctx context.Context, m *desk.InboundMail) error {
	_, err := tx.q().exec(ctx, `UPDATE inbound_mail SET state = ?, reason = ?, sender = ?, subject = ?, case_id = ?, processed_at = ?
		WHERE id = ?`, string(m.State), m.Reason, m.Sender, m.Subject, id(m.CaseID), ts(m.ProcessedAt), m.ID)
	if err != nil {
		return fmt.Errorf("record received mail: %w", err)
	}
	return nil
}

// InboundList lists received messages of a state, newest first, without
// their raw text.
func (s *Store) InboundList(ctx context.Context, state desk.InboundState, limit int) ([]desk.InboundMail, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.read().query(ctx, `SELECT id, source, mail_from, rcpt_to, NULL, received_at, state, reason, sender, subject,
			case_id, processed_at
		FROM inbound_mail WHERE (? = '' OR state = ?) ORDER BY id DESC LIMIT ?`, string(state), string(state), limit)
	if err != nil {
		return nil, fmt.Errorf("received mail: %w", err)
	}
	defer rows.Close()
	var out []desk.InboundMail
	for rows.Next() {
		var m desk.InboundMail
		if err := scanInbound(rows, &m); err != nil {
			return nil, fmt.Errorf("received mail: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Inbound reads one received message with its raw text.
func (s *Store) Inbound(ctx context.Context, inboundID int64) (*desk.InboundMail, error) {
	var m desk.InboundMail
	err := scanInbound(s.read().row(ctx, `SELECT `+inboundColumns+` FROM inbound_mail WHERE id = ?`, inboundID), &m)
	if err != nil {
		return nil, notFound(err, "received mail "+strconv.FormatInt(inboundID, 10))
	}
	return &m, nil
}
