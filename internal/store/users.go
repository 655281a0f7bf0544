package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// CreateUser inserts a user with a PIN (a contact's, drawn by the caller;
// "" for staff, who have none) and returns its ID. A PIN another user holds
// is a conflict on UniqueUserPIN that leaves the transaction usable, so
// the caller can draw again. passwordHash may be empty: the user then sets
// a password through an emailed link.
func (tx *Tx) CreateUser(ctx context.Context, u *desk.User, pin, passwordHash string, now time.Time) (int64, error) {
	var pinArg any
	if pin != "" {
		pinArg = pin
	}
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO users (kind, email, first_name, last_name, company_id, country, phone,
			mobile, pin, roles, password_hash, terms_accepted_at, terms_version, disabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (pin) DO NOTHING
		RETURNING id`,
		string(u.Kind), strings.ToLower(u.Email), u.FirstName, u.LastName, id(u.CompanyID), u.Country,
		u.Phone, u.Mobile, pinArg, joinRoles(u.Roles), passwordHash, ts(u.TermsAcceptedAt), u.TermsVersion,
		u.Disabled, ts(now)).Scan(&newID)
	if isNoRows(err) {
		return 0, fmt.Errorf("create user %s: %w", u.Email, &desk.ConflictError{Constraint: UniqueUserPIN})
	}
	if err != nil {
		return 0, conflict(err, "create user "+u.Email)
	}
	return newID, nil
}

// UpdateProfile writes a user's name, email, employer, country, phones,
// roles and disabled flag. The PIN, password and terms change elsewhere.
func (tx *Tx) UpdateProfile(ctx context.Context, u *desk.User) error {
	res, err := tx.q().exec(ctx, `UPDATE users SET email = ?, first_name = ?, last_name = ?, company_id = ?,
			country = ?, phone = ?, mobile = ?, roles = ?, disabled = ?
		WHERE id = ?`,
		strings.ToLower(u.Email), u.FirstName, u.LastName, id(u.CompanyID), u.Country, u.Phone, u.Mobile,
		joinRoles(u.Roles), u.Disabled, u.ID)
	if err != nil {
		return conflict(err, "update user "+u.Email)
	}
	return affected(res, fmt.Sprintf("user %d", u.ID))
}

// SetPassword stores a new password hash.
func (tx *Tx) SetPassword(ctx context.Context, userID int64, hash string) error {
	res, err := tx.q().exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	return affected(res, fmt.Sprintf("user %d", userID))
}

// AcceptTerms records that a contact accepted a version of the Designated
// Contact terms.
func (tx *Tx) AcceptTerms(ctx context.Context, userID int64, version string, now time.Time) error {
	res, err := tx.q().exec(ctx, `UPDATE users SET terms_accepted_at = ?, terms_version = ? WHERE id = ?`,
		ts(now), version, userID)
	if err != nil {
		return fmt.Errorf("accept terms for user %d: %w", userID, err)
	}
	return affected(res, fmt.Sprintf("user %d", userID))
}

// SetTimeZone records the time zone a user reads times in ("" for their
// browser's).
func (tx *Tx) SetTimeZone(ctx context.Context, userID int64, zone string) error {
	res, err := tx.q().exec(ctx, `UPDATE users SET time_zone = ? WHERE id = ?`, zone, userID)
	if err != nil {
		return fmt.Errorf("set the time zone of user %d: %w", userID, err)
	}
	return affected(res, fmt.Sprintf("user %d", userID))
}

const userColumns = `id, kind, email, first_name, last_name, company_id, country, phone, mobile, pin, roles,
	terms_accepted_at, terms_version, disabled, created_at, time_zone`

func scanUser(sc scanner, u *desk.User) error {
	var kind, roles string
	var pin *string
	err := sc.Scan(&u.ID, &kind, &u.Email, &u.FirstName, &u.LastName, nullInt{&u.CompanyID}, &u.Country,
		&u.Phone, &u.Mobile, &pin, &roles, nullTime{&u.TermsAcceptedAt}, &u.TermsVersion, &u.Disabled,
		nullTime{&u.CreatedAt}, &u.TimeZone)
	if err != nil {
		return err
	}
	u.Kind, u.Roles, u.PIN = desk.UserKind(kind), splitRoles(roles), ""
	if pin != nil {
		u.PIN = *pin
	}
	return nil
}

// User reads a user by ID.
func (s *Store) User(ctx context.Context, userID int64) (*desk.User, error) {
	return user(ctx, s.read(), `id = ?`, userID)
}

// User reads a user by ID inside the transaction.
func (tx *Tx) User(ctx context.Context, userID int64) (*desk.User, error) {
	return user(ctx, tx.q(), `id = ?`, userID)
}

// UserByEmail reads a user by email address (any case).
func (s *Store) UserByEmail(ctx context.Context, email string) (*desk.User, error) {
	return user(ctx, s.read(), `email = ?`, strings.ToLower(strings.TrimSpace(email)))
}

// UserByPIN reads the contact with a PIN.
func (s *Store) UserByPIN(ctx context.Context, pin string) (*desk.User, error) {
	return user(ctx, s.read(), `pin = ?`, strings.TrimSpace(pin))
}

func user(ctx context.Context, q q, where string, arg any) (*desk.User, error) {
	var u desk.User
	if err := scanUser(q.row(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg), &u); err != nil {
		return nil, notFound(err, "user")
	}
	return &u, nil
}

// PasswordHash returns a user's stored password hash ("" when none is set).
func (s *Store) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var h string
	if err := s.read().row(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&h); err != nil {
		return "", notFound(err, fmt.Sprintf("user %d", userID))
	}
	return h, nil
}

// Users lists users by last and first name.
func (s *Store) Users(ctx context.Context, f desk.UserFilter) ([]desk.User, error) {
	return users(ctx, s.read(), f)
}

// Users lists users inside the transaction.
func (tx *Tx) Users(ctx context.Context, f desk.UserFilter) ([]desk.User, error) {
	return users(ctx, tx.q(), f)
}

func users(ctx context.Context, q q, f desk.UserFilter) ([]desk.User, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	like := strings.ToLower(strings.TrimSpace(f.Query)) + "%"
	// Only the filter's own conditions, so that a company's people are
	// read by the company.
	var w where
	equal(&w, "kind", string(f.Kind))
	equal(&w, "company_id", f.CompanyID)
	if like != "%" {
		w.add("(email LIKE ? OR lower(first_name) LIKE ? OR lower(last_name) LIKE ?)", like, like, like)
	}
	rows, err := q.query(ctx, `SELECT `+userColumns+` FROM users
		WHERE `+w.String()+`
		ORDER BY last_name, first_name, id
		LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var out []desk.User
	for rows.Next() {
		var u desk.User
		if err := scanUser(rows, &u); err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func joinRoles(rs []desk.Role) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), ",")
}

func splitRoles(s string) []desk.Role {
	if s == "" {
		return nil
	}
	var out []desk.Role
	for p := range strings.SplitSeq(s, ",") {
		out = append(out, desk.Role(p))
	}
	return out
}

// UserByEmail reads a user by email address inside the transaction.
func (tx *Tx) UserByEmail(ctx context.Context, email string) (*desk.User, error) {
	return user(ctx, tx.q(), `email = ?`, strings.ToLower(strings.TrimSpace(email)))
}

// Followers lists the users who follow a case.
func (tx *Tx) Followers(ctx context.Context, caseID int64) ([]desk.User, error) {
	return followers(ctx, tx.q(), caseID)
}

func followers(ctx context.Context, on q, caseID int64) ([]desk.User, error) {
	rows, err := on.query(ctx, `SELECT `+prefixed("u.", userColumns)+` FROM case_followers f JOIN users u ON u.id = f.user_id
		WHERE f.case_id = ? ORDER BY f.since`, caseID)
	if err != nil {
		return nil, fmt.Errorf("followers: %w", err)
	}
	defer rows.Close()
	var out []desk.User
	for rows.Next() {
		var u desk.User
		if err := scanUser(rows, &u); err != nil {
			return nil, fmt.Errorf("followers: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetFollower makes a user follow a case, or stop.
func (tx *Tx) SetFollower(ctx context.Context, caseID, userID int64, on bool, now time.Time) error {
	var err error
	if on {
		_, err = tx.q().exec(ctx, `INSERT INTO case_followers (case_id, user_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			caseID, userID, ts(now))
	} else {
		_, err = tx.q().exec(ctx, `DELETE FROM case_followers WHERE case_id = ? AND user_id = ?`, caseID, userID)
	}
	if err != nil {
		return fmt.Errorf("follow case: %w", err)
	}
	return nil
}

// Following reports whether a user follows a case.
func (s *Store) Following(ctx context.Context, caseID, userID int64) (bool, error) {
	var n int
	if err := s.read().row(ctx, `SELECT count(*) FROM case_followers WHERE case_id = ? AND user_id = ?`, caseID, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("following: %w", err)
	}
	return n > 0, nil
}
