package desk

import "time"

// Notification is an email to send, written in the same transaction as the
// change that causes it.
type Notification struct {
	ID        int64
	Kind      string
	UserID    int64
	To        string
	Subject   string
	Body      string
	CaseID    int64
	CreatedAt time.Time
	SentAt    time.Time
	// MessageID is the Message-ID it was sent with; Attempts and
	// LastError tell of a relay that refused it.
	MessageID string
	Attempts  int
	LastError string
}
