package store

import (
	"context"
	"fmt"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// AddNotice records a notification of the console for n.UserID. The
// kind column holds the event (n.Event); its kind is read from it.
func (tx *Tx) AddNotice(ctx context.Context, n *desk.Notice) error {
	_, err := tx.q().exec(ctx, `INSERT INTO staff_notices (user_id, kind, case_id, actor_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		n.UserID, string(n.Event), n.CaseID, id(n.ActorID), n.Detail, ts(n.CreatedAt))
	if err != nil {
		return fmt.Errorf("add %s notice: %w", n.Event, err)
	}
	return nil
}

// Notices lists a staff member's notifications, newest first, at most
// limit, before the notice before (0: from the newest), with each case's
// summary and the name of who caused it.
func (s *Store) Notices(ctx context.Context, userID int64, before int64, limit int) ([]desk.Notice, error) {
	rows, err := s.read().query(ctx, `SELECT n.id, n.user_id, n.kind, n.case_id, c.summary, COALESCE(n.actor_id, 0),
			COALESCE(u.first_name || ' ' || u.last_name, ''), n.detail, n.created_at, n.read_at
		FROM (SELECT * FROM staff_notices WHERE user_id = ? AND (CAST(? AS BIGINT) = 0 OR id < ?) ORDER BY id DESC LIMIT ?) n
		JOIN cases c ON c.id = n.case_id
		LEFT JOIN users u ON u.id = n.actor_id
		ORDER BY n.id DESC`, userID, before, before, limit)
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	defer rows.Close()
	var out []desk.Notice
	for rows.Next() {
		var n desk.Notice
		var kind string
		if err := rows.Scan(&n.ID, &n.UserID, &kind, &n.CaseID, &n.CaseSummary, &n.ActorID, &n.ActorName, &n.Detail,
			nullTime{&n.CreatedAt}, nullTime{&n.ReadAt}); err != nil {
			return nil, fmt.Errorf("notices: %w", err)
		}
		n.Event = desk.NoticeEvent(kind)
		n.Kind = n.Event.Kind()
		out = append(out, n)
	}
	return out, rows.Err()
}

// UnreadNotices counts a staff member's unread notifications, up to
// desk.MaxUnread (staff_notices_unread).
func (s *Store) UnreadNotices(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.read().row(ctx, `SELECT count(*) FROM (SELECT 1 FROM staff_notices WHERE user_id = ? AND read_at IS NULL LIMIT ?) unread`,
		userID, desk.MaxUnread).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("unread notices: %w", err)
	}
	return n, nil
}

// MarkNoticesRead marks one of a staff member's notifications read, or
// all of them when noticeID is 0, and reports how many it marked.
func (tx *Tx) MarkNoticesRead(ctx context.Context, userID, noticeID int64, at time.Time) (int64, error) {
	res, err := tx.q().exec(ctx, `UPDATE staff_notices SET read_at = ?
		WHERE user_id = ? AND read_at IS NULL AND (CAST(? AS BIGINT) = 0 OR id = ?)`, ts(at), userID, noticeID, noticeID)
	if err != nil {
		return 0, fmt.Errorf("mark notices read: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("mark notices read: %w", err)
	}
	return n, nil
}

// NoticeExists reports whether the notice is one of the user's.
func (tx *Tx) NoticeExists(ctx context.Context, userID, noticeID int64) error {
	var one int
	err := tx.q().row(ctx, `SELECT 1 FROM staff_notices WHERE id = ? AND user_id = ?`, noticeID, userID).Scan(&one)
	return notFoundOrNil(err, fmt.Sprintf("notice %d", noticeID))
}

// NoticePrefs reads what a staff member chose to be emailed, by kind
// (kinds not chosen are absent).
func (tx *Tx) NoticePrefs(ctx context.Context, userID int64) (desk.NoticePrefs, error) {
	return noticePrefs(ctx, tx.q(), userID)
}

// NoticePrefs is Tx.NoticePrefs outside a transaction.
func (s *Store) NoticePrefs(ctx context.Context, userID int64) (desk.NoticePrefs, error) {
	return noticePrefs(ctx, s.read(), userID)
}

func noticePrefs(ctx context.Context, on q, userID int64) (desk.NoticePrefs, error) {
	rows, err := on.query(ctx, `SELECT kind, email FROM notice_prefs WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("notice prefs: %w", err)
	}
	defer rows.Close()
	out := desk.NoticePrefs{}
	for rows.Next() {
		var kind string
		var email bool
		if err := rows.Scan(&kind, &email); err != nil {
			return nil, fmt.Errorf("notice prefs: %w", err)
		}
		out[desk.NoticeKind(kind)] = email
	}
	return out, rows.Err()
}

// SetNoticePref records whether a kind is emailed to a staff member.
func (tx *Tx) SetNoticePref(ctx context.Context, userID int64, kind desk.NoticeKind, email bool) error {
	_, err := tx.q().exec(ctx, `INSERT INTO notice_prefs (user_id, kind, email) VALUES (?, ?, ?)
		ON CONFLICT (user_id, kind) DO UPDATE SET email = excluded.email`, userID, string(kind), email)
	if err != nil {
		return fmt.Errorf("set notice pref: %w", err)
	}
	return nil
}
