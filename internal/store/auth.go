package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// CreateSession stores a session by the hash of its token.
func (tx *Tx) CreateSession(ctx context.Context, tokenHash []byte, userID int64, now, expires time.Time) error {
	_, err := tx.q().exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash, userID, ts(now), ts(expires))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionUser returns the user of an unexpired session.
func (s *Store) SessionUser(ctx context.Context, tokenHash []byte, now time.Time) (int64, error) {
	var userID int64
	err := s.read().row(ctx, `SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, ts(now)).Scan(&userID)
	if err != nil {
		return 0, notFound(err, "session")
	}
	return userID, nil
}

// DeleteSession ends a session.
func (tx *Tx) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := tx.q().exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user, e.g. after a password
// reset.
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := tx.q().exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// DeleteOtherSessions ends every session of a user but the one with
// keepHash (none when it is nil), for "sign out everywhere".
func (tx *Tx) DeleteOtherSessions(ctx context.Context, userID int64, keepHash []byte) error {
	if keepHash == nil {
		return tx.DeleteUserSessions(ctx, userID)
	}
	if _, err := tx.q().exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, keepHash); err != nil {
		return fmt.Errorf("delete other sessions of user %d: %w", userID, err)
	}
	return nil
}

// RevokeUserAPITokens revokes every token of a user, when their password
// was reset or they signed out everywhere.
func (tx *Tx) RevokeUserAPITokens(ctx context.Context, userID int64, now time.Time) error {
	_, err := tx.q().exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, ts(now), userID)
	if err != nil {
		return fmt.Errorf("revoke api tokens of user %d: %w", userID, err)
	}
	return nil
}

// CreateAPIToken stores a token by its hash and returns its ID.
func (tx *Tx) CreateAPIToken(ctx context.Context, userID int64, name string, tokenHash []byte, now time.Time) (int64, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		userID, name, tokenHash, ts(now)).Scan(&newID)
	if err != nil {
		return 0, fmt.Errorf("create api token: %w", err)
	}
	return newID, nil
}

// RevokeAPIToken revokes one of a user's tokens.
func (tx *Tx) RevokeAPIToken(ctx context.Context, userID, tokenID int64, now time.Time) error {
	res, err := tx.q().exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
		ts(now), tokenID, userID)
	if err != nil {
		return fmt.Errorf("revoke api token %d: %w", tokenID, err)
	}
	return affected(res, fmt.Sprintf("api token %d", tokenID))
}

// APITokens lists a user's tokens, newest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]desk.APIToken, error) {
	rows, err := s.read().query(ctx, `SELECT id, user_id, name, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("api tokens: %w", err)
	}
	defer rows.Close()
	var out []desk.APIToken
	for rows.Next() {
		var t desk.APIToken
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, nullTime{&t.CreatedAt}, nullTime{&t.LastUsedAt},
			nullTime{&t.RevokedAt}); err != nil {
			return nil, fmt.Errorf("api tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// APITokenUser returns the user of a live token and notes its use.
func (s *Store) APITokenUser(ctx context.Context, tokenHash []byte, now time.Time) (int64, error) {
	var tokenID, userID int64
	var lastUsed time.Time
	err := s.read().row(ctx, `SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`,
		tokenHash).Scan(&tokenID, &userID, nullTime{&lastUsed})
	if err != nil {
		return 0, notFound(err, "api token")
	}
	// Note the use at most once a minute, so a busy client does not turn
	// every read into a write.
	if now.Sub(lastUsed) > time.Minute {
		if _, err := s.write().exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`,
			ts(now), tokenID); err != nil {
			return 0, fmt.Errorf("note api token use: %w", err)
		}
	}
	return userID, nil
}

// Purposes of one-time tokens.
const (
	PurposePasswordReset = "password_reset"
	PurposeVerifyEmail   = "verify_email"
)

// OneTimeToken is an emailed link's token: a password reset or an email
// verification.
type OneTimeToken struct {
	Purpose string
	UserID  int64
	Email   string
}

// CreateOneTimeToken stores a token by its hash.
func (tx *Tx) CreateOneTimeToken(ctx context.Context, tokenHash []byte, t OneTimeToken, now, expires time.Time) error {
	_, err := tx.q().exec(ctx, `INSERT INTO one_time_tokens (token_hash, purpose, user_id, email, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, tokenHash, t.Purpose, id(t.UserID), t.Email, ts(now), ts(expires))
	if err != nil {
		return fmt.Errorf("create %s token: %w", t.Purpose, err)
	}
	return nil
}

// UseOneTimeToken consumes an unexpired, unused token of a purpose. A token
// works once.
func (tx *Tx) UseOneTimeToken(ctx context.Context, tokenHash []byte, purpose string, now time.Time) (*OneTimeToken, error) {
	var t OneTimeToken
	err := tx.q().row(ctx, `UPDATE one_time_tokens SET used_at = ?
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		RETURNING purpose, user_id, email`, ts(now), tokenHash, purpose, ts(now)).Scan(&t.Purpose, nullInt{&t.UserID}, &t.Email)
	if err != nil {
		return nil, notFound(err, "link")
	}
	return &t, nil
}

// PeekOneTimeToken checks a token without consuming it, so a form can be
// shown for a link that still works.
func (s *Store) PeekOneTimeToken(ctx context.Context, tokenHash []byte, purpose string, now time.Time) (*OneTimeToken, error) {
	var t OneTimeToken
	err := s.read().row(ctx, `SELECT purpose, user_id, email FROM one_time_tokens
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`,
		tokenHash, purpose, ts(now)).Scan(&t.Purpose, nullInt{&t.UserID}, &t.Email)
	if err != nil {
		return nil, notFound(err, "link")
	}
	return &t, nil
}

// RecordLoginFailure notes a failed sign-in under a throttling key (an
// account or an address).
func (s *Store) RecordLoginFailure(ctx context.Context, key string, now time.Time) error {
	if _, err := s.write().exec(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, key, ts(now)); err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

// LoginFailures counts the failures under a key since a time.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	n, _, err := s.RecentLoginFailures(ctx, key, since)
	return n, err
}

// RecentLoginFailures counts the failures under a key since a time and
// returns when the last of them was.
func (s *Store) RecentLoginFailures(ctx context.Context, key string, since time.Time) (int, time.Time, error) {
	var n int
	var last time.Time
	if err := s.read().row(ctx, `SELECT count(*) FROM login_failures WHERE key = ? AND at > ?`, key, ts(since)).Scan(&n); err != nil {
		return 0, time.Time{}, fmt.Errorf("count login failures: %w", err)
	}
	if n == 0 {
		return 0, last, nil
	}
	// Not max(at): SQLite would hand back the aggregate as text.
	err := s.read().row(ctx, `SELECT at FROM login_failures WHERE key = ? ORDER BY at DESC LIMIT 1`, key).Scan(nullTime{&last})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("last login failure: %w", err)
	}
	return n, last, nil
}

// SignedInFrom reports whether a user ever signed in from an address.
func (s *Store) SignedInFrom(ctx context.Context, userID int64, address string) (bool, error) {
	var n int
	err := s.read().row(ctx, `SELECT count(*) FROM (SELECT 1 FROM audit
		WHERE action = 'sign_in' AND actor_id = ? AND address = ? LIMIT 1) known`, userID, address).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("known address: %w", err)
	}
	return n > 0, nil
}

// ClearLoginFailures forgets the failures under a key after a successful
// sign-in, and everything older than before.
func (s *Store) ClearLoginFailures(ctx context.Context, key string, before time.Time) error {
	if _, err := s.write().exec(ctx, `DELETE FROM login_failures WHERE key = ? OR at < ?`, key, ts(before)); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}

// Audit appends a line to the audit log inside the transaction.
func (tx *Tx) Audit(ctx context.Context, e desk.AuditEntry) error {
	_, err := tx.q().exec(ctx, `INSERT INTO audit (at, actor_id, action, subject, detail, address) VALUES (?, ?, ?, ?, ?, ?)`,
		ts(e.At), id(e.ActorID), e.Action, e.Subject, e.Detail, e.Address)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Audit appends a line to the audit log on its own, for events that change
// nothing else (a failed sign-in).
func (s *Store) Audit(ctx context.Context, e desk.AuditEntry) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.Audit(ctx, e) })
}

// AuditLog lists audit lines, newest first.
func (s *Store) AuditLog(ctx context.Context, f desk.AuditFilter) ([]desk.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var out []desk.AuditEntry
	err := s.EachAuditEntry(ctx, f, func(e desk.AuditEntry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// EachAuditEntry calls fn with each audit line the filter keeps, newest
// first, as the rows come (an export streams them); a Limit of zero is
// every line.
func (s *Store) EachAuditEntry(ctx context.Context, f desk.AuditFilter, fn func(desk.AuditEntry) error) error {
	var w where
	equal(&w, "a.action", f.Action)
	if f.Before != 0 {
		w.add("a.id < ?", f.Before)
	}
	if !f.From.IsZero() {
		w.add("a.at >= ?", ts(f.From))
	}
	if !f.To.IsZero() {
		w.add("a.at < ?", ts(f.To))
	}
	if v := containing(f.Actor); v != "" {
		w.add("(lower(u.first_name || ' ' || u.last_name) LIKE ? ESCAPE '\\' OR lower(u.email) LIKE ? ESCAPE '\\')", v, v)
	}
	if v := containing(f.Subject); v != "" {
		w.add("lower(a.subject) LIKE ? ESCAPE '\\'", v)
	}
	query := `SELECT a.id, a.at, a.actor_id, COALESCE(u.first_name || ' ' || u.last_name, ''),
			a.action, a.subject, a.detail, a.address
		FROM audit a LEFT JOIN users u ON u.id = a.actor_id
		WHERE ` + w.String() + ` ORDER BY a.id DESC`
	if f.Limit > 0 {
		query += ` LIMIT ?`
		w.args = append(w.args, f.Limit)
	}
	rows, err := s.read().query(ctx, query, w.args...)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e desk.AuditEntry
		if err := rows.Scan(&e.ID, nullTime{&e.At}, nullInt{&e.ActorID}, &e.Actor, &e.Action, &e.Subject, &e.Detail,
			&e.Address); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// containing is the LIKE pattern of text anywhere, in lower case, its
// wildcards escaped; "" for no text.
func containing(text string) string {
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" {
		return ""
	}
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(text) + "%"
}

// AddNotification queues an email and returns its ID. The caller
// schedules the job that sends it (desk.MailJob) in the same transaction.
func (tx *Tx) AddNotification(ctx context.Context, n desk.Notification) (int64, error) {
	var nid int64
	err := tx.q().row(ctx, `INSERT INTO notifications (kind, user_id, to_addr, subject, body, case_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, n.Kind, id(n.UserID), n.To, n.Subject, n.Body, id(n.CaseID), ts(n.CreatedAt)).Scan(&nid)
	if err != nil {
		return 0, fmt.Errorf("queue %s notification: %w", n.Kind, err)
	}
	return nid, nil
}

const notificationColumns = `id, kind, user_id, to_addr, subject, body, case_id, created_at, sent_at, message_id, attempts, last_error`

func scanNotification(sc scanner, n *desk.Notification) error {
	return sc.Scan(&n.ID, &n.Kind, nullInt{&n.UserID}, &n.To, &n.Subject, &n.Body, nullInt{&n.CaseID},
		nullTime{&n.CreatedAt}, nullTime{&n.SentAt}, &n.MessageID, &n.Attempts, &n.LastError)
}

// Notification reads one queued or sent email.
func (s *Store) Notification(ctx context.Context, notificationID int64) (*desk.Notification, error) {
	var n desk.Notification
	if err := scanNotification(s.read().row(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE id = ?`, notificationID), &n); err != nil {
		return nil, notFound(err, "email "+strconv.FormatInt(notificationID, 10))
	}
	return &n, nil
}

// MarkSent records that an email went out with a Message-ID. It reports
// whether this call marked it (not an earlier attempt).
func (tx *Tx) MarkSent(ctx context.Context, notificationID int64, messageID string, at time.Time) (bool, error) {
	res, err := tx.q().exec(ctx, `UPDATE notifications SET sent_at = ?, message_id = ?, attempts = attempts + 1, last_error = ''
		WHERE id = ? AND sent_at IS NULL`, ts(at), messageID, notificationID)
	if err != nil {
		return false, fmt.Errorf("mark email sent: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// MailFailed records a refused attempt to send an email.
func (s *Store) MailFailed(ctx context.Context, notificationID int64, cause string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.q().exec(ctx, `UPDATE notifications SET attempts = attempts + 1, last_error = ? WHERE id = ?`, cause, notificationID)
		if err != nil {
			return fmt.Errorf("record email failure: %w", err)
		}
		return nil
	})
}

// Notifications lists queued and sent emails, newest first, optionally only
// those to one address.
func (s *Store) Notifications(ctx context.Context, to string, limit int) ([]desk.Notification, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.read().query(ctx, `SELECT `+notificationColumns+`
		FROM notifications WHERE (? = '' OR to_addr = ?) ORDER BY id DESC LIMIT ?`, to, to, limit)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	defer rows.Close()
	var out []desk.Notification
	for rows.Next() {
		var n desk.Notification
		if err := scanNotification(rows, &n); err != nil {
			return nil, fmt.Errorf("notifications: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
