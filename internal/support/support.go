// Package support carries out what people do in Caseport: sign in, manage
// accounts and access, open and work cases. Each method asks desk.Authorize
// before it reads or writes, applies the domain's rules, and writes the
// change with the events it causes (feed entry, audit line, notification)
// in one store transaction. The web pages and the JSON API both call it, so
// neither holds rules of its own.
package support

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/files"
	"github.com/caseport/caseport/internal/store"
)

// Service is the support desk's use cases over one store.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	// Clock returns the current time; tests move it.
	Clock func() time.Time
	// BaseURL is the portal's public address, for links in emails.
	BaseURL string
	// MailDomain is the domain of Caseport's own Message-IDs, to know its
	// own mail when it comes back.
	MailDomain string
	// SFTPAddress is where temporary SFTP accounts log in (host:port), for
	// the case page; empty when caseport serve runs no SFTP server.
	SFTPAddress string
	// Files keeps the files of cases; without it attachments are only
	// listed.
	Files files.Store

	uploadLocks sync.Map // upload id → *uploadLock (uploads.go)
}

// New returns a service with the real clock.
func New(s *store.Store, log *slog.Logger, baseURL string) *Service {
	return &Service{Store: s, Log: log, Clock: time.Now, BaseURL: baseURL}
}

func (s *core) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// Request describes who is asking and from where, for the audit log.
type Request struct {
	Actor   *desk.Actor
	Address string
}

func (r Request) actorID() int64 {
	if r.Actor == nil || r.Actor.User == nil {
		return 0
	}
	return r.Actor.User.ID
}

// audit writes an audit line for the request inside tx.
func (s *core) audit(ctx context.Context, tx *store.Tx, r Request, action, subject, detail string) error {
	return tx.Audit(ctx, store.AuditEntry{
		At: s.now(), ActorID: r.actorID(), Action: action, Subject: subject, Detail: detail, Address: r.Address,
	})
}

// missingAs is the field message for a record an input names that does
// not exist. Any other error is the store failing and stays what it is (a
// 500 with its request id): a fault is never shown as a field message.
func missingAs(err error, field, msg string) error {
	if errors.Is(err, desk.ErrNotFound) {
		return &desk.ValidationError{Fields: map[string]string{field: msg}}
	}
	return err
}
