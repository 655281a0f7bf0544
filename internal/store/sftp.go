package store

import (
	"context"
	"fmt"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

const sftpColumns = `id, case_id, username, password, password_hash, created_by, created_at, expires_at, ended_at`

func scanSFTP(sc scanner, a *desk.SFTPAccount) error {
	return sc.Scan(&a.ID, &a.CaseID, &a.Username, &a.Password, &a.PasswordHash, &a.CreatedBy,
		nullTime{&a.CreatedAt}, nullTime{&a.ExpiresAt}, nullTime{&a.EndedAt})
}

// CreateSFTPAccount records an account; a case has one active at a time
// (a unique index: a conflict on UniqueActiveSFTPAccount), so end the
// expired ones first (EndSFTPAccounts).
func (tx *Tx) CreateSFTPAccount(ctx context.Context, a *desk.SFTPAccount) error {
	err := tx.q().row(ctx, `INSERT INTO sftp_accounts (case_id, username, password, password_hash, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.CaseID, a.Username, a.Password, a.PasswordHash, a.CreatedBy, ts(a.CreatedAt), ts(a.ExpiresAt)).Scan(&a.ID)
	if err != nil {
		return conflict(err, "record SFTP account")
	}
	return nil
}

// EndSFTPAccounts ends a case's accounts that expired by now, or all of
// them when all is set (the case closed), wiping their passwords. It
// returns how many it ended.
func (tx *Tx) EndSFTPAccounts(ctx context.Context, caseID int64, now time.Time, all bool) (int64, error) {
	res, err := tx.q().exec(ctx, `UPDATE sftp_accounts SET ended_at = ?, password = ''
		WHERE case_id = ? AND ended_at IS NULL AND (? OR expires_at <= ?)`, ts(now), caseID, all, ts(now))
	if err != nil {
		return 0, fmt.Errorf("end SFTP accounts: %w", err)
	}
	return res.RowsAffected()
}

// SFTPAccountByUsername finds an account for a login.
func (s *Store) SFTPAccountByUsername(ctx context.Context, username string) (*desk.SFTPAccount, error) {
	var a desk.SFTPAccount
	if err := scanSFTP(s.read().row(ctx, `SELECT `+sftpColumns+` FROM sftp_accounts WHERE username = ?`, username), &a); err != nil {
		return nil, notFound(err, "SFTP account")
	}
	return &a, nil
}

// CaseSFTPAccounts lists a case's accounts, newest first.
func (s *Store) CaseSFTPAccounts(ctx context.Context, caseID int64) ([]desk.SFTPAccount, error) {
	rows, err := s.read().query(ctx, `SELECT `+sftpColumns+` FROM sftp_accounts WHERE case_id = ? ORDER BY id DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("SFTP accounts: %w", err)
	}
	defer rows.Close()
	var out []desk.SFTPAccount
	for rows.Next() {
		var a desk.SFTPAccount
		if err := scanSFTP(rows, &a); err != nil {
			return nil, fmt.Errorf("SFTP accounts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
