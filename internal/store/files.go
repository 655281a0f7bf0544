package store

import (
	"context"
	"fmt"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// AddCaseFile records a stored file of a case, moving the case's version.
func (tx *Tx) AddCaseFile(ctx context.Context, f *desk.CaseFile) (int64, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO case_files (case_id, name, size, sha256, content_type, source, direction, uploaded_by,
			storage_key, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.CaseID, f.Name, f.Size, f.SHA256, f.ContentType, f.Source, f.Direction, id(f.UploadedBy), f.StorageKey, ts(f.CreatedAt)).Scan(&newID)
	if err != nil {
		return 0, fmt.Errorf("record file %s: %w", f.Name, err)
	}
	return newID, tx.touchCase(ctx, f.CaseID)
}

const caseFileColumns = `f.id, f.case_id, f.name, f.size, f.sha256, f.content_type, f.source, f.direction, f.uploaded_by,
	COALESCE(u.first_name || ' ' || u.last_name, ''), f.storage_key, f.created_at, f.purged_at`

func scanCaseFile(sc scanner, f *desk.CaseFile) error {
	return sc.Scan(&f.ID, &f.CaseID, &f.Name, &f.Size, &f.SHA256, &f.ContentType, &f.Source, &f.Direction,
		nullInt{&f.UploadedBy}, &f.Uploader, &f.StorageKey, nullTime{&f.CreatedAt}, nullTime{&f.PurgedAt})
}

// CaseFiles lists a case's files, newest first.
func (s *Store) CaseFiles(ctx context.Context, caseID int64) ([]desk.CaseFile, error) {
	rows, err := s.read().query(ctx, `SELECT `+caseFileColumns+` FROM case_files f LEFT JOIN users u ON u.id = f.uploaded_by
		WHERE f.case_id = ? ORDER BY f.id DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("case files: %w", err)
	}
	defer rows.Close()
	var out []desk.CaseFile
	for rows.Next() {
		var f desk.CaseFile
		if err := scanCaseFile(rows, &f); err != nil {
			return nil, fmt.Errorf("case files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// CaseFile reads one file of a case.
func (s *Store) CaseFile(ctx context.Context, caseID, fileID int64) (*desk.CaseFile, error) {
	var f desk.CaseFile
	err := scanCaseFile(s.read().row(ctx, `SELECT `+caseFileColumns+` FROM case_files f LEFT JOIN users u ON u.id = f.uploaded_by
		WHERE f.case_id = ? AND f.id = ?`, caseID, fileID), &f)
	if err != nil {
		return nil, notFound(err, "file")
	}
	return &f, nil
}

// MarkPurged records that a file's bytes were deleted; the line stays.
func (tx *Tx) MarkPurged(ctx context.Context, fileID int64, at time.Time) error {
	if _, err := tx.q().exec(ctx, `UPDATE case_files SET purged_at = ? WHERE id = ? AND purged_at IS NULL`, ts(at), fileID); err != nil {
		return fmt.Errorf("mark file purged: %w", err)
	}
	return nil
}
