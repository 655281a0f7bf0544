package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Setting returns the stored value of a setting, or def when it was never
// set.
func (s *Store) Setting(ctx context.Context, key, def string) (string, error) {
	return setting(ctx, s.read(), key, def)
}

// Setting reads a setting inside the transaction.
func (tx *Tx) Setting(ctx context.Context, key, def string) (string, error) {
	return setting(ctx, tx.q(), key, def)
}

func setting(ctx context.Context, on q, key, def string) (string, error) {
	v, err := fact(ctx, on, factKey{kind: "setting", s: key}, same[*string], func(ctx context.Context, q q) (*string, error) {
		var v string
		err := q.row(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil // never set: kept as such
		}
		if err != nil {
			return nil, fmt.Errorf("setting %s: %w", key, err)
		}
		return &v, nil
	})
	switch {
	case err != nil:
		return "", err
	case v == nil:
		return def, nil
	}
	return *v, nil
}

// SetSetting stores a setting.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	_, err := tx.q().exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set setting %s: %w", key, err)
	}
	return nil
}

// q returns a querier inside the transaction.
func (tx *Tx) q() q {
	return q{db: tx.tx, d: tx.d, prepared: tx.prepared, tx: tx.tx, uninterrupted: tx.uninterrupted, facts: tx.facts, memo: &tx.memo}
}

// EmailTemplate returns the stored templates of an email kind; empty when
// the built-in one is used.
func (tx *Tx) EmailTemplate(ctx context.Context, kind string) (subject, body string, err error) {
	t, err := fact(ctx, tx.q(), factKey{kind: "email template", s: kind}, same[[2]string], func(ctx context.Context, q q) ([2]string, error) {
		var t [2]string
		err := q.row(ctx, `SELECT subject, body FROM email_templates WHERE kind = ?`, kind).Scan(&t[0], &t[1])
		if errors.Is(err, sql.ErrNoRows) {
			return t, nil
		}
		if err != nil {
			return t, fmt.Errorf("email template %s: %w", kind, err)
		}
		return t, nil
	})
	return t[0], t[1], err
}

// SetEmailTemplate stores the templates of a kind; two empty texts remove
// the row.
func (tx *Tx) SetEmailTemplate(ctx context.Context, kind, subject, body string, now time.Time) error {
	var err error
	if subject == "" && body == "" {
		_, err = tx.q().exec(ctx, `DELETE FROM email_templates WHERE kind = ?`, kind)
	} else {
		_, err = tx.q().exec(ctx, `INSERT INTO email_templates (kind, subject, body, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (kind) DO UPDATE SET subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at`,
			kind, subject, body, ts(now))
	}
	if err != nil {
		return fmt.Errorf("set email template %s: %w", kind, err)
	}
	return nil
}

// EmailTemplates returns every stored template: kind to subject and body.
func (s *Store) EmailTemplates(ctx context.Context) (map[string][2]string, error) {
	rows, err := s.read().query(ctx, `SELECT kind, subject, body FROM email_templates`)
	if err != nil {
		return nil, fmt.Errorf("email templates: %w", err)
	}
	defer rows.Close()
	out := map[string][2]string{}
	for rows.Next() {
		var kind, subject, body string
		if err := rows.Scan(&kind, &subject, &body); err != nil {
			return nil, fmt.Errorf("email templates: %w", err)
		}
		out[kind] = [2]string{subject, body}
	}
	return out, rows.Err()
}
