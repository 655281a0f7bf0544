// Package support carries out what people do in Caseport: sign in, manage
// accounts and access, open and work cases. New builds the areas (Cases,
// Accounts, Access, Sessions, ServiceLevels, Transfers, Mail, Jobs,
// Importer, Audit) over one unexported core that holds the dependencies
// given at construction; nothing of it changes afterwards. Each area
// method asks desk.Authorize before it reads or writes, applies the
// domain's rules, and writes the change with the events it causes (feed
// entry, audit line, notification) in one store transaction. The web
// pages and the JSON API both call the areas, so neither holds rules of
// its own.
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

// Deps are what the support desk needs, given once to New; nothing is
// changed after.
type Deps struct {
	Store *store.Store
	// Log gets what the areas note beside their answers: refused logins,
	// purges, failures of clean-up (nil: nothing is logged).
	Log *slog.Logger
	// Clock returns the current time (nil: time.Now); tests give a clock
	// they move.
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
}

// core is what every area works with: the store, the clock and the
// settings of this process. The areas share one core, so an upload locked
// by one request is locked for all.
type core struct {
	store       *store.Store
	log         *slog.Logger
	clock       func() time.Time
	baseURL     string
	mailDomain  string
	sftpAddress string
	files       files.Store
	// quiet is set for the demo world's back-dated history (DemoEscalate):
	// it queues no email, as its cases, replies and closures, written
	// straight to the store, sent none.
	quiet bool

	uploadLocks sync.Map // upload id → *uploadLock (uploads.go)
}

// Service hands out the support desk's areas, all over one core. It holds
// nothing that changes after New.
type Service struct {
	*core
	cases     *Cases
	accounts  *Accounts
	access    *Access
	sessions  *Sessions
	sla       *ServiceLevels
	transfers *Transfers
	mail      *Mail
	jobs      *Jobs
	importer  *Importer
	audit     *Audit
}

// The areas. Each is a view of the one core; its methods are the use cases
// of one part of the product.
type (
	// Cases are cases and their feed: opening, comments and replies,
	// changes, closing and reopening, following, caller verification and
	// escalations.
	Cases struct{ *core }
	// Accounts are companies, contracts, products, contacts, staff, the
	// own profile and API tokens.
	Accounts struct{ *core }
	// Access is registration, access requests and their decisions, grants
	// and approvers.
	Access struct{ *core }
	// Sessions are signing in and out, password resets, and the actor
	// behind a session or an API token.
	Sessions struct{ *core }
	// ServiceLevels are the targets, business-hours calendars and their
	// settings.
	ServiceLevels struct{ *core }
	// Transfers are the files of cases: resumable uploads, downloads and
	// temporary SFTP accounts.
	Transfers struct{ *core }
	// Mail is the outbox, received mail and its triage, email templates and
	// the work email rules.
	Mail struct{ *core }
	// Jobs are the runners of the jobs caseport serve registers, and the
	// dead jobs staff retry or discard.
	Jobs struct{ *core }
	// Importer loads companies, contracts and contacts from CSV files.
	Importer struct{ *core }
	// Audit is the audit log.
	Audit struct{ *core }
)

// New returns the support desk over d.
func New(d Deps) *Service {
	c := &core{
		store: d.Store, log: d.Log, clock: d.Clock, baseURL: d.BaseURL,
		mailDomain: d.MailDomain, sftpAddress: d.SFTPAddress, files: d.Files,
	}
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		core: c, cases: &Cases{c}, accounts: &Accounts{c}, access: &Access{c}, sessions: &Sessions{c},
		sla: &ServiceLevels{c}, transfers: &Transfers{c}, mail: &Mail{c}, jobs: &Jobs{c},
		importer: &Importer{c}, audit: &Audit{c},
	}
}

// Cases returns the cases area.
func (svc *Service) Cases() *Cases { return svc.cases }

// Now is the service's clock, for pages that say how long ago a moment
// was.
func (svc *Service) Now() time.Time { return svc.cases.now() }

// Accounts returns the accounts area.
func (svc *Service) Accounts() *Accounts { return svc.accounts }

// Access returns the access area.
func (svc *Service) Access() *Access { return svc.access }

// Sessions returns the sign-in area.
func (svc *Service) Sessions() *Sessions { return svc.sessions }

// ServiceLevels returns the service-level area.
func (svc *Service) ServiceLevels() *ServiceLevels { return svc.sla }

// Transfers returns the file transfer area.
func (svc *Service) Transfers() *Transfers { return svc.transfers }

// Mail returns the mail area.
func (svc *Service) Mail() *Mail { return svc.mail }

// Jobs returns the jobs area.
func (svc *Service) Jobs() *Jobs { return svc.jobs }

// Importer returns the CSV import.
func (svc *Service) Importer() *Importer { return svc.importer }

// Audit returns the audit log.
func (svc *Service) Audit() *Audit { return svc.audit }

func (s *core) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// Request describes who is asking and from where (desk.Request: every
// area's use cases take it).
type Request = desk.Request

// write runs fn in one transaction for the request r. When the edge found
// problems in r's input, fn still makes its checks, but the transaction
// is rolled back and the problems returned: nothing of an input that was
// refused in part is kept.
func (s *core) write(ctx context.Context, r Request, fn func(*store.Tx) error) error {
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return r.Problems.Err()
	})
}

// audit writes an audit line for the request inside tx.
func (s *core) audit(ctx context.Context, tx *store.Tx, r Request, action, subject, detail string) error {
	return tx.Audit(ctx, desk.AuditEntry{
		At: s.now(), ActorID: r.ActorID(), Action: action, Subject: subject, Detail: detail, Address: r.Address,
	})
}

// missingAs is the field message for a record an input names that does
// not exist. Any other error is the store failing and stays what it is (a
// 500 with its request id): a fault is never shown as a field message.
func missingAs(err error, field, id string, kv ...any) error {
	if errors.Is(err, desk.ErrNotFound) {
		return desk.Invalid(field, id, kv...)
	}
	return err
}
