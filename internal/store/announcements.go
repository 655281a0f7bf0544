package store

import (
	"context"
	"fmt"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

const announcementColumns = `id, title, body, audience, product_line_id, support_level, company_id, starts, ends,
	created_at, updated_at, updated_by`

func scanAnnouncement(sc scanner, a *desk.Announcement) error {
	var audience, level string
	err := sc.Scan(&a.ID, &a.Title, &a.Body, &audience, nullInt{&a.ProductLineID}, &level, nullInt{&a.CompanyID},
		nullTime{&a.Starts}, nullTime{&a.Ends}, nullTime{&a.CreatedAt}, nullTime{&a.UpdatedAt}, nullInt{&a.UpdatedBy})
	a.Audience, a.Level = desk.AnnouncementAudience(audience), desk.SupportLevel(level)
	return err
}

// Announcements lists every announcement, the latest start first.
func (s *Store) Announcements(ctx context.Context) ([]desk.Announcement, error) {
	rows, err := s.read().query(ctx, `SELECT `+announcementColumns+` FROM announcements ORDER BY starts DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("announcements: %w", err)
	}
	defer rows.Close()
	out := []desk.Announcement{}
	for rows.Next() {
		var a desk.Announcement
		if err := scanAnnouncement(rows, &a); err != nil {
			return nil, fmt.Errorf("announcements: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AnnouncementsInForce lists the announcements in force at now, the
// latest start first.
func (s *Store) AnnouncementsInForce(ctx context.Context, now time.Time) ([]desk.Announcement, error) {
	rows, err := s.read().query(ctx, `SELECT `+announcementColumns+` FROM announcements
		WHERE starts <= ? AND (ends IS NULL OR ends > ?) ORDER BY starts DESC, id DESC`, ts(now), ts(now))
	if err != nil {
		return nil, fmt.Errorf("announcements in force: %w", err)
	}
	defer rows.Close()
	out := []desk.Announcement{}
	for rows.Next() {
		var a desk.Announcement
		if err := scanAnnouncement(rows, &a); err != nil {
			return nil, fmt.Errorf("announcements in force: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Announcement reads one announcement.
func (s *Store) Announcement(ctx context.Context, announcementID int64) (*desk.Announcement, error) {
	var a desk.Announcement
	err := scanAnnouncement(s.read().row(ctx, `SELECT `+announcementColumns+` FROM announcements WHERE id = ?`, announcementID), &a)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("announcement %d", announcementID))
	}
	return &a, nil
}

// SaveAnnouncement creates an announcement (a.ID zero; a.ID is set) or
// changes one.
func (tx *Tx) SaveAnnouncement(ctx context.Context, a *desk.Announcement) error {
	if a.ID == 0 {
		err := tx.q().row(ctx, `INSERT INTO announcements (title, body, audience, product_line_id, support_level, company_id,
				starts, ends, created_at, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.Title, a.Body, string(a.Audience), id(a.ProductLineID), string(a.Level), id(a.CompanyID),
			ts(a.Starts), ts(a.Ends), ts(a.CreatedAt), ts(a.UpdatedAt), id(a.UpdatedBy)).Scan(&a.ID)
		if err != nil {
			return conflict(err, "create announcement")
		}
		return nil
	}
	res, err := tx.q().exec(ctx, `UPDATE announcements SET title = ?, body = ?, audience = ?, product_line_id = ?,
			support_level = ?, company_id = ?, starts = ?, ends = ?, updated_at = ?, updated_by = ?
		WHERE id = ?`,
		a.Title, a.Body, string(a.Audience), id(a.ProductLineID), string(a.Level), id(a.CompanyID),
		ts(a.Starts), ts(a.Ends), ts(a.UpdatedAt), id(a.UpdatedBy), a.ID)
	if err != nil {
		return conflict(err, fmt.Sprintf("update announcement %d", a.ID))
	}
	return affected(res, fmt.Sprintf("announcement %d", a.ID))
}

// DeleteAnnouncement removes an announcement and who has seen it.
func (tx *Tx) DeleteAnnouncement(ctx context.Context, announcementID int64) error {
	if _, err := tx.q().exec(ctx, `DELETE FROM announcements_seen WHERE announcement_id = ?`, announcementID); err != nil {
		return fmt.Errorf("delete announcement %d: %w", announcementID, err)
	}
	res, err := tx.q().exec(ctx, `DELETE FROM announcements WHERE id = ?`, announcementID)
	if err != nil {
		return fmt.Errorf("delete announcement %d: %w", announcementID, err)
	}
	return affected(res, fmt.Sprintf("announcement %d", announcementID))
}

// SeenAnnouncements returns the IDs of the announcements a user has been
// shown at sign-in.
func (s *Store) SeenAnnouncements(ctx context.Context, userID int64) (map[int64]bool, error) {
	rows, err := s.read().query(ctx, `SELECT announcement_id FROM announcements_seen WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("announcements seen: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("announcements seen: %w", err)
		}
		out[n] = true
	}
	return out, rows.Err()
}

// MarkAnnouncementSeen records that a user has been shown an
// announcement; again is no change.
func (tx *Tx) MarkAnnouncementSeen(ctx context.Context, userID, announcementID int64, at time.Time) error {
	_, err := tx.q().exec(ctx, `INSERT INTO announcements_seen (user_id, announcement_id, seen_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, userID, announcementID, ts(at))
	if err != nil {
		return fmt.Errorf("announcement %d seen: %w", announcementID, err)
	}
	return nil
}
