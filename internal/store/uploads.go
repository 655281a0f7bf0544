package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// CreateUpload records a new upload.
func (tx *Tx) CreateUpload(ctx context.Context, u *desk.Upload) error {
	_, err := tx.q().exec(ctx, `INSERT INTO uploads (id, case_id, user_id, name, content_type, length, received, hash_state,
			partial, created_at, updated_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.CaseID, u.UserID, u.Name, u.ContentType, u.Length, u.Received, u.HashState, u.Partial,
		ts(u.CreatedAt), ts(u.UpdatedAt), ts(u.ExpiresAt))
	if err != nil {
		return fmt.Errorf("record upload: %w", err)
	}
	return nil
}

// Upload reads an upload.
func (s *Store) Upload(ctx context.Context, uploadID string) (*desk.Upload, error) {
	var u desk.Upload
	err := s.read().row(ctx, `SELECT id, case_id, user_id, name, content_type, length, received, hash_state, partial,
			file_id, created_at, updated_at, expires_at
		FROM uploads WHERE id = ?`, uploadID).Scan(&u.ID, &u.CaseID, &u.UserID, &u.Name, &u.ContentType, &u.Length,
		&u.Received, &u.HashState, &u.Partial, nullInt{&u.FileID}, nullTime{&u.CreatedAt}, nullTime{&u.UpdatedAt},
		nullTime{&u.ExpiresAt})
	if err != nil {
		return nil, notFound(err, "upload")
	}
	return &u, nil
}

// ErrUploadMoved is a progress save that found the upload's offset changed
// under it: another request wrote to it meanwhile.
var ErrUploadMoved = errors.New("the upload's offset changed meanwhile")

// SaveUploadProgress records that an upload went on from one offset to
// another. It fails with ErrUploadMoved unless the upload still stood at
// from.
func (tx *Tx) SaveUploadProgress(ctx context.Context, u *desk.Upload, from int64) error {
	res, err := tx.q().exec(ctx, `UPDATE uploads SET received = ?, hash_state = ?, updated_at = ?, expires_at = ?
		WHERE id = ? AND received = ?`, u.Received, u.HashState, ts(u.UpdatedAt), ts(u.ExpiresAt), u.ID, from)
	if err != nil {
		return fmt.Errorf("save upload progress: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("upload %s: %w: %w", u.ID, ErrUploadMoved, desk.ErrConflict)
	}
	return nil
}

// SetUploadFile records the case file a complete upload became.
func (tx *Tx) SetUploadFile(ctx context.Context, uploadID string, fileID int64) error {
	res, err := tx.q().exec(ctx, `UPDATE uploads SET file_id = ? WHERE id = ? AND file_id IS NULL`, fileID, uploadID)
	if err != nil {
		return fmt.Errorf("finish upload: %w", err)
	}
	return affected(res, "upload")
}

// DeleteUpload forgets an upload.
func (tx *Tx) DeleteUpload(ctx context.Context, uploadID string) error {
	if _, err := tx.q().exec(ctx, `DELETE FROM uploads WHERE id = ?`, uploadID); err != nil {
		return fmt.Errorf("delete upload: %w", err)
	}
	return nil
}

// AcknowledgeFiles records that a person read the data-protection warning
// of a case's file transfers. A second acknowledgement keeps the first.
func (tx *Tx) AcknowledgeFiles(ctx context.Context, caseID, userID int64, at time.Time) error {
	_, err := tx.q().exec(ctx, `INSERT INTO file_acknowledgements (case_id, user_id, acknowledged_at) VALUES (?, ?, ?)
		ON CONFLICT (case_id, user_id) DO NOTHING`, caseID, userID, ts(at))
	if err != nil {
		return fmt.Errorf("record acknowledgement: %w", err)
	}
	return nil
}

// FilesAcknowledged returns when a person acknowledged the warning for a
// case, or the zero time.
func (s *Store) FilesAcknowledged(ctx context.Context, caseID, userID int64) (time.Time, error) {
	return filesAcknowledged(ctx, s.read(), caseID, userID)
}

// FilesAcknowledged reads an acknowledgement inside the transaction.
func (tx *Tx) FilesAcknowledged(ctx context.Context, caseID, userID int64) (time.Time, error) {
	return filesAcknowledged(ctx, tx.q(), caseID, userID)
}

func filesAcknowledged(ctx context.Context, q q, caseID, userID int64) (time.Time, error) {
	var at time.Time
	err := q.row(ctx, `SELECT acknowledged_at FROM file_acknowledgements WHERE case_id = ? AND user_id = ?`,
		caseID, userID).Scan(nullTime{&at})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("acknowledgement: %w", err)
	}
	return at, nil
}
