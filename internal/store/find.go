package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/caseport/caseport/internal/desk"
)

// The console's global search of companies and contacts: a prefix of a
// name or an email, each read as a range of an index (companies_name_lower,
// users_name_lower, users_last_name_lower, users.email), so a search costs
// its limit in index entries however many rows there are. Both engines
// compare the keys byte by byte (SQLite's BINARY, PostgreSQL's database in
// C.UTF-8 or the index's expression in the same order), so every key that
// starts with the prefix lies between it and the prefix followed by the
// highest code point.

// findCompanies finds companies by the start of a name (from, to, limit)
// or an Org ID (the prefix, limit).
const findCompanies = `SELECT ` + companyColumns + ` FROM companies WHERE id IN (
			SELECT id FROM (SELECT id FROM companies WHERE lower(name) >= ? AND lower(name) < ? ORDER BY lower(name) LIMIT ?) by_name
			UNION SELECT id FROM companies WHERE org_id = ?)
		ORDER BY lower(name), id LIMIT ?`

// findContacts finds contacts by the start of a name, a last name or an
// email: (from, to, limit) for each, then the limit.
const findContacts = `SELECT ` + userColumns + ` FROM users WHERE id IN (
			SELECT id FROM (SELECT id FROM users WHERE lower(first_name || ' ' || last_name) >= ? AND lower(first_name || ' ' || last_name) < ?
				AND kind = 'contact' ORDER BY lower(first_name || ' ' || last_name) LIMIT ?) by_name
			UNION SELECT id FROM (SELECT id FROM users WHERE lower(last_name) >= ? AND lower(last_name) < ?
				AND kind = 'contact' ORDER BY lower(last_name) LIMIT ?) by_last_name
			UNION SELECT id FROM (SELECT id FROM users WHERE email >= ? AND email < ?
				AND kind = 'contact' ORDER BY email LIMIT ?) by_email)
		ORDER BY last_name, first_name, id LIMIT ?`

// prefixRange is the half-open range of keys that start with prefix.
func prefixRange(prefix string) (from, to string) {
	return prefix, prefix + "\U0010FFFF"
}

// FindCompanies lists up to limit companies whose name starts with
// prefix (case aside), or whose Org ID is prefix, by name.
func (s *Store) FindCompanies(ctx context.Context, prefix string, limit int) ([]desk.Company, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if prefix == "" {
		return nil, nil
	}
	from, to := prefixRange(prefix)
	rows, err := s.read().query(ctx, findCompanies, from, to, limit, strings.TrimSpace(prefix), limit)
	if err != nil {
		return nil, fmt.Errorf("find companies: %w", err)
	}
	defer rows.Close()
	var out []desk.Company
	for rows.Next() {
		var c desk.Company
		if err := scanCompany(rows, &c); err != nil {
			return nil, fmt.Errorf("find companies: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindContacts lists up to limit contacts whose name ("first last"), last
// name or email starts with prefix (case aside), by name.
func (s *Store) FindContacts(ctx context.Context, prefix string, limit int) ([]desk.User, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if prefix == "" {
		return nil, nil
	}
	from, to := prefixRange(prefix)
	rows, err := s.read().query(ctx, findContacts, from, to, limit, from, to, limit, from, to, limit, limit)
	if err != nil {
		return nil, fmt.Errorf("find contacts: %w", err)
	}
	defer rows.Close()
	var out []desk.User
	for rows.Next() {
		var u desk.User
		if err := scanUser(rows, &u); err != nil {
			return nil, fmt.Errorf("find contacts: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
