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
// break to the field and the catalogue message its user sees.
var uniqueFields = map[string]struct{ field, id string }{
	store.UniqueUserEmail:      {"email", "support.conflict.user_email"},
	store.UniqueCompanyOrgID:   {"org_id", "support.conflict.company_org_id"},
	store.UniqueProductName:    {"name", "support.conflict.product_name"},
	store.UniqueComponentName:  {"name", "support.conflict.component_name"},
	store.UniqueContractNumber: {"number", "support.conflict.contract_number"},
	store.UniqueCalendarName:   {"name", "support.conflict.calendar_name"},
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
	return fmt.Errorf("%s: %w", c.Constraint, desk.Invalid(f.field, f.id))
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
