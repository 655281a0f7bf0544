package support

import (
	"context"
	"errors"
	"fmt"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// uniqueFields is the one table from the unique constraints a form can
// break to the field and the words its user sees.
var uniqueFields = map[string]struct{ field, msg string }{
	store.UniqueUserEmail:      {"email", "A user with this email address exists."},
	store.UniqueCompanyOrgID:   {"org_id", "Another company has this Org ID."},
	store.UniqueProductName:    {"name", "A product with this name exists."},
	store.UniqueComponentName:  {"name", "This product already has a component with this name."},
	store.UniqueContractNumber: {"number", "Another contract has this number."},
	store.UniqueCalendarName:   {"name", "Another calendar has this name."},
}

// fieldConflict turns a conflict on a unique constraint of uniqueFields
// into the validation error of its field, so a form shows it beside the
// field; any other error comes back as it is.
func fieldConflict(err error) error {
	var c *desk.ConflictError
	if !errors.As(err, &c) {
		return err
	}
	f, ok := uniqueFields[c.Constraint]
	if !ok {
		return err
	}
	return fmt.Errorf("%s: %w", c.Constraint, &desk.ValidationError{Fields: map[string]string{f.field: f.msg}})
}

// pinDraws is how many PINs createUser draws before it gives up: a draw
// clashes with another contact's PIN about once in a million per contact.
const pinDraws = 10

// createUser inserts a user inside tx: a contact with a fresh PIN no other
// user holds (drawn again on a clash), staff with none.
func (s *core) createUser(ctx context.Context, tx *store.Tx, u *desk.User, passwordHash string) (int64, error) {
	for range pinDraws {
		pin := ""
		if u.Kind == desk.KindContact {
			pin = auth.NewPIN()
		}
		userID, err := tx.CreateUser(ctx, u, pin, passwordHash, s.now())
		if desk.ConflictOn(err, store.UniqueUserPIN) {
			continue // the PIN clashed with another contact's: draw again
		}
		return userID, fieldConflict(err)
	}
	return 0, fmt.Errorf("create user: no free PIN after %d draws", pinDraws)
}
