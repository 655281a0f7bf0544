package support

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// CreateAPIToken makes a personal API token for the actor and returns it;
// it is shown once and stored only as a hash.
func (s *Accounts) CreateAPIToken(ctx context.Context, r Request, name string) (string, error) {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return "", err
	}
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "", desk.Invalid("name", "support.signin.name")
	case n > desk.MaxName: // CheckText's limit, which the edge runs first
		return "", desk.Invalid("name", "desk.text.too_long_used", "Max", desk.MaxName, "Used", n)
	}
	token := auth.NewToken(apiTokenPrefix)
	err := s.write(ctx, r, func(tx *store.Tx) error {
		tokenID, err := tx.CreateAPIToken(ctx, r.Actor.User.ID, name, auth.HashToken(token), s.now())
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "api_token_created", r.Actor.User.Email, fmt.Sprintf("token %d %q", tokenID, name))
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeAPIToken revokes one of the actor's own tokens.
func (s *Accounts) RevokeAPIToken(ctx context.Context, r Request, tokenID int64) error {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		if err := tx.RevokeAPIToken(ctx, r.Actor.User.ID, tokenID, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, r, "api_token_revoked", r.Actor.User.Email, fmt.Sprintf("token %d", tokenID))
	})
}

// APITokens lists the actor's own tokens.
func (s *Accounts) APITokens(ctx context.Context, r Request) ([]desk.APIToken, error) {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.APITokens(ctx, r.Actor.User.ID)
}
