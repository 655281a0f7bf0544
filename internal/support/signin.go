package support

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// Sign-in limits slow guessing down without locking anyone out: after
// MaxAccountFailures failures for an account in FailureMemory, its next
// attempt must wait a minute after the last failure, then 2, 4, 8 and at
// most 15 (ThrottleWindow); after MaxAddressFailures failures from an
// address, attempts from it wait a second after its last failure,
// doubling up to a minute.
// Someone who signed in from the address before is not held up by its
// limit, so one guesser behind a shared address (a company's NAT) leaves
// the others' correct passwords working; the account limit still holds.
const (
	SessionLifetime    = 12 * time.Hour
	ThrottleWindow     = 15 * time.Minute
	MaxAccountFailures = 5
	MaxAddressFailures = 20
	FailureMemory      = time.Hour
	maxAddressWait     = time.Minute
	// MaxPINFailures is how many unknown PINs a staff member may try in
	// the window: a caller's PIN is right the first time or the second.
	MaxPINFailures     = 10
	ResetLinkLifetime  = time.Hour
	VerifyLinkLifetime = 24 * time.Hour
	sessionTokenPrefix = "cps_"
	apiTokenPrefix     = "cpt_"
	linkTokenPrefix    = "cpl_"
)

// ErrBadCredentials is the one answer to a wrong email or password, so a
// failed sign-in does not tell whether the account exists.
var ErrBadCredentials = errors.New("the email address or password is not right")

// SignIn checks a password and opens a session. It returns the session
// token for the cookie.
func (s *Sessions) SignIn(ctx context.Context, email, password, address string) (string, *desk.User, error) {
	now := s.now()
	email = strings.ToLower(strings.TrimSpace(email))
	// A form sent with a field left empty is no attempt: it asks for the
	// field, and counts as no failure.
	p := desk.Problems{}
	if email == "" {
		p.AddMessage("email", "support.signin.email_missing")
	}
	if password == "" {
		p.AddMessage("password", "support.signin.password_missing")
	}
	if err := p.Err(); err != nil {
		return "", nil, err
	}
	accountKey, addressKey := "account:"+email, "address:"+address
	if err := s.waitAfterFailures(ctx, accountKey, MaxAccountFailures, time.Minute, ThrottleWindow, desk.Msg("support.signin.account_failures")); err != nil {
		return "", nil, err
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, desk.ErrNotFound) {
		return "", nil, err
	}
	known := false
	if u != nil {
		if known, err = s.store.SignedInFrom(ctx, u.ID, address); err != nil {
			return "", nil, err
		}
	}
	if !known {
		if err := s.waitAfterFailures(ctx, addressKey, MaxAddressFailures, time.Second, maxAddressWait, desk.Msg("support.signin.address_failures")); err != nil {
			return "", nil, err
		}
	}
	if u == nil {
		return "", nil, s.signInFailed(ctx, nil, email, address, accountKey, addressKey)
	}
	hash, err := s.store.PasswordHash(ctx, u.ID)
	if err != nil {
		return "", nil, err
	}
	// A user who never set a password has an empty hash, which matches
	// nothing; a disabled user may not sign in at all.
	if u.Disabled || auth.CheckPassword(hash, password) != nil {
		return "", nil, s.signInFailed(ctx, u, email, address, accountKey, addressKey)
	}
	token := auth.NewToken(sessionTokenPrefix)
	err = s.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateSession(ctx, auth.HashToken(token), u.ID, now, now.Add(SessionLifetime)); err != nil {
			return err
		}
		return s.audit(ctx, tx, Request{Actor: &desk.Actor{User: u}, Address: address}, "sign_in", u.Email, "")
	})
	if err != nil {
		return "", nil, err
	}
	if err := s.store.ClearLoginFailures(ctx, accountKey, now.Add(-FailureMemory)); err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// waitAfterFailures refuses an attempt under key that comes too soon:
// after free failures in FailureMemory, the wait after the last one starts
// at first and doubles with each further failure, up to most.
func (s *core) waitAfterFailures(ctx context.Context, key string, free int, first, most time.Duration, why desk.Message) error {
	now := s.now()
	n, last, err := s.store.RecentLoginFailures(ctx, key, now.Add(-FailureMemory))
	if err != nil {
		return err
	}
	if n < free {
		return nil
	}
	wait := first
	for range n - free {
		if wait >= most {
			break
		}
		wait *= 2
	}
	wait = min(wait, most)
	if left := last.Add(wait).Sub(now); left > 0 {
		return &desk.RetryError{Why: why, Wait: left}
	}
	return nil
}

// signInFailed notes the failure for throttling and the audit log, and
// returns the one answer a failed sign-in gets.
func (s *core) signInFailed(ctx context.Context, u *desk.User, email, address string, keys ...string) error {
	now := s.now()
	for _, k := range keys {
		if err := s.store.RecordLoginFailure(ctx, k, now); err != nil {
			return err
		}
	}
	var actorID int64
	if u != nil {
		actorID = u.ID
	}
	if err := s.store.Audit(ctx, desk.AuditEntry{
		At: now, ActorID: actorID, Action: "sign_in_failed", Subject: email, Address: address,
	}); err != nil {
		return err
	}
	return ErrBadCredentials
}

// SignOut ends a session.
func (s *Sessions) SignOut(ctx context.Context, token string) error {
	return s.store.Write(ctx, func(tx *store.Tx) error {
		return tx.DeleteSession(ctx, auth.HashToken(token))
	})
}

// SessionActor returns the actor of a live session, or ErrUnauthenticated.
func (s *Sessions) SessionActor(ctx context.Context, token string) (*desk.Actor, error) {
	if !strings.HasPrefix(token, sessionTokenPrefix) {
		return nil, desk.ErrUnauthenticated
	}
	now := s.now()
	userID, err := s.store.SessionUser(ctx, auth.HashToken(token), now)
	if err != nil {
		return nil, unauthenticated(err)
	}
	return s.actor(ctx, userID, now)
}

// TokenActor returns the actor of a live API token, or ErrUnauthenticated.
func (s *Sessions) TokenActor(ctx context.Context, token string) (*desk.Actor, error) {
	if !strings.HasPrefix(token, apiTokenPrefix) {
		return nil, desk.ErrUnauthenticated
	}
	now := s.now()
	userID, err := s.store.APITokenUser(ctx, auth.HashToken(token), now)
	if err != nil {
		return nil, unauthenticated(err)
	}
	return s.actor(ctx, userID, now)
}

func (s *core) actor(ctx context.Context, userID int64, now time.Time) (*desk.Actor, error) {
	a, err := s.store.Actor(ctx, userID, now)
	if err != nil {
		return nil, unauthenticated(err)
	}
	if a.User.Disabled {
		return nil, desk.ErrUnauthenticated
	}
	return a, nil
}

func unauthenticated(err error) error {
	if errors.Is(err, desk.ErrNotFound) {
		return desk.ErrUnauthenticated
	}
	return err
}

// RequestPasswordReset emails a reset link when the address belongs to a
// user. It answers the same whether or not it does.
func (s *Sessions) RequestPasswordReset(ctx context.Context, email, address string) error {
	email = strings.TrimSpace(email)
	if email == "" {
		return desk.Invalid("email", "support.signin.email_missing")
	}
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, desk.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if u.Disabled {
		return nil
	}
	return s.store.Write(ctx, func(tx *store.Tx) error {
		if err := s.audit(ctx, tx, Request{Address: address}, "password_reset_requested", u.Email, ""); err != nil {
			return err
		}
		return s.queuePasswordLink(ctx, tx, u, ResetLinkLifetime, mail{
			Kind: "password_reset", Subject: desk.Msg("mail.password_reset.subject"), Text: desk.Msg("mail.password_reset.text"),
		})
	})
}

// queuePasswordLink queues m to u with a link to choose a password, the
// reset link, valid for lifetime, in tx.
func (s *core) queuePasswordLink(ctx context.Context, tx *store.Tx, u *desk.User, lifetime time.Duration, m mail) error {
	now := s.now()
	token := auth.NewToken(linkTokenPrefix)
	err := tx.CreateOneTimeToken(ctx, auth.HashToken(token),
		store.OneTimeToken{Purpose: store.PurposePasswordReset, UserID: u.ID, Email: u.Email}, now, now.Add(lifetime))
	if err != nil {
		return err
	}
	m.To, m.Link = u, s.baseURL+"/reset-password?token="+token
	return s.queueMail(ctx, tx, m)
}

// ResetPassword sets a new password with a reset link's token, ends the
// user's sessions and revokes their API tokens: whoever had the old
// password may have made either.
func (s *Sessions) ResetPassword(ctx context.Context, token, password, address string) error {
	if err := desk.ValidatePassword(password); err != nil {
		return err
	}
	hash := auth.HashPassword(password)
	return s.store.Write(ctx, func(tx *store.Tx) error {
		t, err := tx.UseOneTimeToken(ctx, auth.HashToken(token), store.PurposePasswordReset, s.now())
		if err != nil {
			return fmt.Errorf("this reset link has expired or was already used: %w", err)
		}
		if err := tx.SetPassword(ctx, t.UserID, hash); err != nil {
			return err
		}
		if err := signOutEverywhere(ctx, tx, t.UserID, "", s.now()); err != nil {
			return err
		}
		return tx.Audit(ctx, desk.AuditEntry{
			At: s.now(), ActorID: t.UserID, Action: "password_reset", Subject: t.Email, Address: address,
			Detail: "sessions ended, API tokens revoked",
		})
	})
}

// ResetLinkValid reports whether a reset link still works, so the page can
// say so before the user types a new password.
func (s *Sessions) ResetLinkValid(ctx context.Context, token string) bool {
	_, err := s.store.PeekOneTimeToken(ctx, auth.HashToken(token), store.PurposePasswordReset, s.now())
	return err == nil
}

// signOutEverywhere ends a user's sessions but keepSession (a session
// token, or empty for none) and revokes their API tokens.
func signOutEverywhere(ctx context.Context, tx *store.Tx, userID int64, keepSession string, now time.Time) error {
	var keep []byte
	if keepSession != "" {
		keep = auth.HashToken(keepSession)
	}
	if err := tx.DeleteOtherSessions(ctx, userID, keep); err != nil {
		return err
	}
	return tx.RevokeUserAPITokens(ctx, userID, now)
}
