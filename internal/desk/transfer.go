package desk

import "time"

// File directions: who sent a case file.
const (
	// FromCustomer is a file the customer sent.
	FromCustomer = "customer"
	// FromSupport is a file support shared with the customer.
	FromSupport = "support"
)

// CaseFile is a file of a case.
type CaseFile struct {
	ID          int64
	CaseID      int64
	Name        string
	Size        int64
	SHA256      string
	ContentType string
	// Source is how it came: upload, sftp, email; Direction is "customer"
	// (sent by the customer) or "support" (shared by support).
	Source     string
	Direction  string
	UploadedBy int64
	Uploader   string // name, for display
	StorageKey string
	CreatedAt  time.Time
	PurgedAt   time.Time
}

// SharedBySupport reports whether support shared the file (else the
// customer sent it).
func (f CaseFile) SharedBySupport() bool { return f.Direction == "support" }

// ByEmail and BySFTP report how a file came when not through the portal.
func (f CaseFile) ByEmail() bool { return f.Source == "email" }

// BySFTP: see ByEmail.
func (f CaseFile) BySFTP() bool { return f.Source == "sftp" }

// Upload is a resumable upload while it grows (see migration 00012).
type Upload struct {
	ID          string
	CaseID      int64
	UserID      int64
	Name        string
	ContentType string
	Length      int64
	Received    int64
	// HashState is the SHA-256 of the received bytes, as the hash's
	// MarshalBinary state.
	HashState []byte
	// Partial marks one part of a file sent in parallel pieces.
	Partial bool
	// FileID is the case file a complete upload became.
	FileID    int64
	CreatedAt time.Time
	UpdatedAt time.Time
	ExpiresAt time.Time
}

// Complete reports whether every byte has arrived.
func (u *Upload) Complete() bool { return u.Received == u.Length }

// SFTPAccount is a temporary SFTP account of a case (migration 00013).
type SFTPAccount struct {
	ID       int64
	CaseID   int64
	Username string
	// Password is shown on the case page while the account is active and
	// wiped when it ends.
	Password     string
	PasswordHash string
	CreatedBy    int64
	CreatedAt    time.Time
	ExpiresAt    time.Time
	EndedAt      time.Time
}

// Active reports whether the account still lets its user in at now.
func (a *SFTPAccount) Active(now time.Time) bool {
	return a.EndedAt.IsZero() && now.Before(a.ExpiresAt)
}
