package support

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Temporary SFTP accounts (handbook: "Temporary FTP Accounts"): for a case
// that is not closed, an account with a generated username and password
// that reaches only that case's upload area, for 120 hours. The case page
// shows the credentials and the expiry while the account is active.

// SFTPLifetime is how long a temporary SFTP account lets its user in.
const SFTPLifetime = 120 * time.Hour

// JobSFTPExpiry is the kind of the job that ends an expired account.
const JobSFTPExpiry = "sftp-expiry"

// SettingSFTPForContacts lets Read-Write contacts create accounts
// themselves ("true"); by default only staff do.
const SettingSFTPForContacts = "files.sftp_for_contacts"

func sftpKey(caseID int64) string { return "sftp:" + strconv.FormatInt(caseID, 10) }

// ErrSFTPLogin is a refused SFTP login: unknown user, wrong password,
// expired account or closed case alike.
var ErrSFTPLogin = errors.New("SFTP login refused")

const sftpAlphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no look-alikes

func randomText(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = sftpAlphabet[int(b[i])%len(sftpAlphabet)]
	}
	return string(b)
}

// CreateSFTPAccount makes a temporary SFTP account for a case: staff
// always, its Read-Write contacts when a portal admin allows it.
func (s *Transfers) CreateSFTPAccount(ctx context.Context, r Request, caseID int64) (*desk.SFTPAccount, error) {
	if _, err := s.transferCase(ctx, r, caseID); err != nil {
		return nil, err // early, before the password's hash costs anything
	}
	password := randomText(20)
	hash := auth.HashPassword(password) // outside the transaction: it takes a while
	var a *desk.SFTPAccount
	err := s.write(ctx, r, func(tx *store.Tx) error {
		c, err := s.transferCaseTx(ctx, tx, r, caseID)
		if err != nil {
			return err
		}
		t, err := sftpTarget(ctx, tx, c)
		if err != nil {
			return err
		}
		if err := desk.Authorize(r.Actor, desk.CreateSFTPAccount, t); err != nil {
			return err
		}
		if err := s.requireAcknowledgement(ctx, tx, r, c); err != nil {
			return err
		}
		now := s.now()
		a = &desk.SFTPAccount{
			CaseID: c.ID, Username: "case" + c.Number() + "-" + randomText(4), Password: password,
			PasswordHash: hash, CreatedBy: r.Actor.User.ID, CreatedAt: now, ExpiresAt: now.Add(SFTPLifetime),
		}
		if _, err := tx.EndSFTPAccounts(ctx, c.ID, now, false); err != nil {
			return err
		}
		err = tx.CreateSFTPAccount(ctx, a)
		if desk.ConflictOn(err, store.UniqueActiveSFTPAccount) {
			return desk.Refuse(desk.ErrConflict, "support.sftp.case_already_has_an", "Number", c.Number())
		}
		if err != nil {
			return err
		}
		if _, err := tx.ScheduleJob(ctx, &desk.Job{Kind: JobSFTPExpiry, Key: sftpKey(c.ID), CaseID: c.ID, RunAt: a.ExpiresAt}, now); err != nil {
			return err
		}
		if err := s.event(ctx, tx, r, c, "Temporary SFTP account "+a.Username+" created, valid until "+ //i18n:stored
			a.ExpiresAt.Format("2 January 2006 15:04 MST")+"."); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "sftp_account_created", c.Number(), a.Username)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// settings reads a setting, in or outside a transaction.
type settings interface {
	Setting(ctx context.Context, key, def string) (string, error)
}

// sftpTarget is a case as the policy sees it for CreateSFTPAccount: its
// combination, and whether the file transfer setting lets its contacts
// make accounts. The case page and CreateSFTPAccount both ask through it.
func sftpTarget(ctx context.Context, q settings, c *desk.Case) (desk.Target, error) {
	on, err := q.Setting(ctx, SettingSFTPForContacts, "false")
	if err != nil {
		return desk.Target{}, err
	}
	t := desk.On(c.Combination())
	t.ContactsAllowed = on == "true"
	return t, nil
}

// sftpPasswords leaves a password only on an active account, and only for
// those the policy lets read it (ViewSFTPPassword).
func (s *core) sftpPasswords(r Request, c *desk.Case, accounts []desk.SFTPAccount) {
	may := desk.Authorize(r.Actor, desk.ViewSFTPPassword, desk.On(c.Combination())) == nil
	now := s.now()
	for i := range accounts {
		if !may || !accounts[i].Active(now) {
			accounts[i].Password = ""
		}
	}
}

// SFTPAccounts lists a case's temporary SFTP accounts to those who may
// send files to it (their passwords while active, to those who may read
// them).
func (s *Transfers) SFTPAccounts(ctx context.Context, r Request, caseID int64) ([]desk.SFTPAccount, error) {
	c, err := s.transferCase(ctx, r, caseID)
	if err != nil {
		return nil, err
	}
	list, err := s.store.CaseSFTPAccounts(ctx, caseID)
	if err != nil {
		return nil, err
	}
	s.sftpPasswords(r, &c.Case, list)
	return list, nil
}

// SFTPLogin checks an SFTP login: the account must exist, the password
// match, the account be active and its case open. Every refusal is the
// same ErrSFTPLogin, with the reason in the log only.
func (s *Transfers) SFTPLogin(ctx context.Context, username, password, address string) (*desk.SFTPAccount, error) {
	refuse := func(why string) (*desk.SFTPAccount, error) {
		s.log.InfoContext(ctx, "SFTP login refused", "user", username, "address", address, "why", why)
		return nil, ErrSFTPLogin
	}
	a, err := s.store.SFTPAccountByUsername(ctx, username)
	if errors.Is(err, desk.ErrNotFound) {
		_ = auth.CheckPassword(dummyHash(), password) // the same work as a real check
		return refuse("no such account")
	}
	if err != nil {
		return nil, err
	}
	if auth.CheckPassword(a.PasswordHash, password) != nil {
		return refuse("wrong password")
	}
	if !a.Active(s.now()) {
		return refuse("expired")
	}
	c, err := s.store.Case(ctx, a.CaseID)
	if err != nil {
		return nil, err
	}
	if c.Status == desk.StatusClosed {
		return refuse("case closed")
	}
	return a, nil
}

// dummyHash makes a login for an unknown user cost what a real one does.
var dummyHash = sync.OnceValue(func() string { return auth.HashPassword("caseport-no-such-account") })

// SFTPFileDone records a file that an SFTP session finished writing to
// the upload area as a file of the account's case. The file is hashed here,
// after the last write: SFTP clients write chunks out of order.
func (s *Transfers) SFTPFileDone(ctx context.Context, a *desk.SFTPAccount, uploadID, name string) (*desk.CaseFile, error) {
	f, err := s.files.Uploads().Open(uploadID)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	f.Close()
	if err != nil {
		return nil, err
	}
	file := &desk.CaseFile{
		CaseID: a.CaseID, Name: cleanPathName(strings.TrimPrefix(name, "/")), Size: n, SHA256: hex.EncodeToString(h.Sum(nil)),
		Source: "sftp", Direction: "customer",
	}
	if err := s.importFile(ctx, Request{Address: "sftp:" + a.Username}, uploadID, file, nil); err != nil {
		if file.StorageKey != "" {
			_ = s.files.Delete(ctx, file.StorageKey) // nobody will finish it again
		}
		return nil, err
	}
	return file, nil
}

// SFTPAccount is the account of an SFTP session as it now is: it may have
// expired, or its case closed, since the login.
func (s *Transfers) SFTPAccount(ctx context.Context, username string) (*desk.SFTPAccount, error) {
	return s.store.SFTPAccountByUsername(ctx, username)
}

// SFTPAccountActive reports whether a lets its user in now.
func (s *Transfers) SFTPAccountActive(a *desk.SFTPAccount) bool { return a.Active(s.clock()) }

// SFTPFiles are the files of the account's case; the session shows those
// sent through SFTP.
func (s *Transfers) SFTPFiles(ctx context.Context, a *desk.SFTPAccount) ([]desk.CaseFile, error) {
	return s.store.CaseFiles(ctx, a.CaseID)
}

// StartSFTPFile stages a new file that an SFTP session writes at offsets,
// in the upload area; SFTPFileDone records it, DropSFTPFile removes it.
func (s *Transfers) StartSFTPFile() (id string, w *os.File, err error) {
	id = newUploadID()
	up := s.files.Uploads()
	if err := up.Create(id); err != nil {
		return "", nil, err
	}
	f, err := up.OpenWriter(id)
	if err != nil {
		return "", nil, err
	}
	return id, f, nil
}

// DropSFTPFile removes a staged file that is not kept (the session broke,
// or recording it failed).
func (s *Transfers) DropSFTPFile(id string) error { return s.files.Uploads().Remove(id) }

// SFTPEndpoint is the host and port clients connect to: the SFTP
// listener's, with the portal's host name when it listens on every
// address.
func (s *Transfers) SFTPEndpoint() (host, port string) { return s.sftpEndpoint() }

// sftpEndpoint is the host and port clients connect to: the SFTP
// listener's, with the portal's host name when it listens on every
// address.
func (s *core) sftpEndpoint() (host, port string) {
	host, port, err := net.SplitHostPort(s.sftpAddress)
	if err != nil {
		return s.sftpAddress, "22"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		if u, err := url.Parse(s.baseURL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
	}
	return host, port
}

// SFTPForContacts reports whether Read-Write contacts may create
// temporary SFTP accounts themselves (portal admins).
func (s *Transfers) SFTPForContacts(ctx context.Context, r Request) (bool, error) {
	if err := desk.Authorize(r.Actor, desk.ManageFileSettings, desk.Target{}); err != nil {
		return false, err
	}
	on, err := s.store.Setting(ctx, SettingSFTPForContacts, "false")
	return on == "true", err
}

// SetSFTPForContacts lets Read-Write contacts create temporary SFTP
// accounts themselves, or not (portal admins).
func (s *Transfers) SetSFTPForContacts(ctx context.Context, r Request, on bool) error {
	if err := desk.Authorize(r.Actor, desk.ManageFileSettings, desk.Target{}); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		if err := tx.SetSetting(ctx, SettingSFTPForContacts, strconv.FormatBool(on)); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "setting_changed", SettingSFTPForContacts, strconv.FormatBool(on))
	})
}
