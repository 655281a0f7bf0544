package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

const kbFollowColumns = `id, user_id, kind, item_id, query, search, description, delivery, created_at, last_alert_at`

func scanKBFollow(row interface{ Scan(...any) error }, f *desk.KBFollow) error {
	return row.Scan(&f.ID, &f.UserID, &f.Kind, nullInt{&f.ItemID}, &f.Query, &f.Search, &f.Description, &f.Delivery,
		nullTime{&f.CreatedAt}, nullTime{&f.LastAlertAt})
}

func kbFollows(ctx context.Context, q q, where string, args ...any) ([]desk.KBFollow, error) {
	rows, err := q.query(ctx, `SELECT `+kbFollowColumns+` FROM kb_follows WHERE `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge follows: %w", err)
	}
	defer rows.Close()
	var out []desk.KBFollow
	for rows.Next() {
		var f desk.KBFollow
		if err := scanKBFollow(rows, &f); err != nil {
			return nil, fmt.Errorf("knowledge follows: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// KBFollows lists a user's follows, the oldest first.
func (s *Store) KBFollows(ctx context.Context, userID int64) ([]desk.KBFollow, error) {
	return kbFollows(ctx, s.read(), `user_id = ?`, userID)
}

// KBFollows lists a user's follows as the transaction sees them.
func (tx *Tx) KBFollows(ctx context.Context, userID int64) ([]desk.KBFollow, error) {
	return kbFollows(ctx, tx.q(), `user_id = ?`, userID)
}

// KBFollowsDue lists the follows of a delivery choice.
func (s *Store) KBFollowsDue(ctx context.Context, d desk.KBDelivery) ([]desk.KBFollow, error) {
	return kbFollows(ctx, s.read(), `delivery = ?`, d)
}

// AddKBFollow writes a new follow and sets its ID.
func (tx *Tx) AddKBFollow(ctx context.Context, f *desk.KBFollow) error {
	err := tx.q().row(ctx, `INSERT INTO kb_follows (user_id, kind, item_id, query, search, description, delivery, created_at, last_alert_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.UserID, f.Kind, id(f.ItemID), f.Query, f.Search, f.Description, f.Delivery, ts(f.CreatedAt), ts(f.LastAlertAt)).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("add knowledge follow: %w", err)
	}
	return nil
}

// UpdateKBFollow writes a follow's description, delivery and last alert.
func (tx *Tx) UpdateKBFollow(ctx context.Context, f *desk.KBFollow) error {
	res, err := tx.q().exec(ctx, `UPDATE kb_follows SET description = ?, delivery = ?, last_alert_at = ? WHERE id = ? AND user_id = ?`,
		f.Description, f.Delivery, ts(f.LastAlertAt), f.ID, f.UserID)
	if err != nil {
		return fmt.Errorf("update knowledge follow: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("knowledge follow %d: %w", f.ID, desk.ErrNotFound)
	}
	return nil
}

// DeleteKBFollows deletes some of a user's follows; it reports how many
// there were.
func (tx *Tx) DeleteKBFollows(ctx context.Context, userID int64, followIDs []int64) (int, error) {
	n := 0
	for _, fid := range followIDs {
		res, err := tx.q().exec(ctx, `DELETE FROM kb_follows WHERE id = ? AND user_id = ?`, fid, userID)
		if err != nil {
			return n, fmt.Errorf("delete knowledge follow: %w", err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// MarkKBAlertsSent records that an alert tells a user of these versions
// of items (each item once) and returns the IDs of those no alert had
// told them of yet, in one statement.
func (tx *Tx) MarkKBAlertsSent(ctx context.Context, userID int64, items []desk.KBItem, now time.Time) (map[int64]bool, error) {
	fresh := map[int64]bool{}
	if len(items) == 0 {
		return fresh, nil
	}
	rows := make([]string, len(items))
	args := make([]any, 0, 4*len(items))
	for i, it := range items {
		rows[i] = "(?, ?, ?, ?)"
		args = append(args, userID, it.ID, it.Version, ts(now))
	}
	list, err := tx.q().query(ctx, `INSERT INTO kb_alerts_sent (user_id, item_id, version, sent_at) VALUES `+
		strings.Join(rows, ", ")+` ON CONFLICT (user_id, item_id, version) DO NOTHING RETURNING item_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("mark knowledge alerts sent: %w", err)
	}
	defer list.Close()
	for list.Next() {
		var id int64
		if err := list.Scan(&id); err != nil {
			return nil, fmt.Errorf("mark knowledge alerts sent: %w", err)
		}
		fresh[id] = true
	}
	return fresh, list.Err()
}

// AddKBAlertStop stores an alert email's stop link by its token's hash.
func (tx *Tx) AddKBAlertStop(ctx context.Context, tokenHash []byte, userID int64, followIDs []int64, now time.Time) error {
	list := make([]string, len(followIDs))
	for i, f := range followIDs {
		list[i] = strconv.FormatInt(f, 10)
	}
	_, err := tx.q().exec(ctx, `INSERT INTO kb_alert_stops (token_hash, user_id, follows, created_at) VALUES (?, ?, ?, ?)`,
		tokenHash, userID, strings.Join(list, ","), ts(now))
	if err != nil {
		return fmt.Errorf("add knowledge alert stop: %w", err)
	}
	return nil
}

// KBAlertStop reads a stop link: its user and the follows it stops.
func (tx *Tx) KBAlertStop(ctx context.Context, tokenHash []byte) (int64, []int64, error) {
	var userID int64
	var list string
	err := tx.q().row(ctx, `SELECT user_id, follows FROM kb_alert_stops WHERE token_hash = ?`, tokenHash).Scan(&userID, &list)
	if err != nil {
		return 0, nil, notFound(err, "alert stop link")
	}
	var out []int64
	for part := range strings.SplitSeq(list, ",") {
		if n, err := strconv.ParseInt(part, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return userID, out, nil
}
