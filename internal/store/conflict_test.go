package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/hours"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestUniqueConflictsNameTheConstraint: a write that a unique constraint
// refuses comes back as a desk.ConflictError naming the constraint, the
// same name on both engines, and still is an ErrConflict.
func TestUniqueConflictsNameTheConstraint(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	company := func(ctx context.Context, tx *store.Tx, org string) (int64, error) {
		return tx.CreateCompany(ctx, &desk.Company{OrgID: org, Name: "Company " + org, Country: "France"}, now)
	}
	contract := func(ctx context.Context, tx *store.Tx, number string) error {
		id, err := company(ctx, tx, "ORG-"+number)
		if err != nil {
			return err
		}
		_, err = tx.CreateContract(ctx, &desk.Contract{
			Number: number, SoldToID: id, EndUserID: id, Level: desk.BusinessCare, Deployment: desk.Cloud,
			Starts: now, Ends: now.AddDate(1, 0, 0), State: desk.ContractActive,
		}, now)
		return err
	}
	user := func(ctx context.Context, tx *store.Tx, email, pin string) error {
		_, err := tx.CreateUser(ctx, &desk.User{Kind: desk.KindContact, Email: email, FirstName: "A", LastName: "B"}, pin, "", now)
		return err
	}
	tests := []struct {
		name       string
		constraint string
		write      func(ctx context.Context, tx *store.Tx) error
	}{
		{"user email", store.UniqueUserEmail, func(ctx context.Context, tx *store.Tx) error {
			if err := user(ctx, tx, "same@example.com", "100001"); err != nil {
				return err
			}
			return user(ctx, tx, "Same@example.com", "100002")
		}},
		{"user PIN", store.UniqueUserPIN, func(ctx context.Context, tx *store.Tx) error {
			if err := user(ctx, tx, "one@example.com", "100001"); err != nil {
				return err
			}
			return user(ctx, tx, "two@example.com", "100001")
		}},
		{"company Org ID", store.UniqueCompanyOrgID, func(ctx context.Context, tx *store.Tx) error {
			if _, err := company(ctx, tx, "ORG-1"); err != nil {
				return err
			}
			_, err := company(ctx, tx, "ORG-1")
			return err
		}},
		{"product name", store.UniqueProductName, func(ctx context.Context, tx *store.Tx) error {
			if _, err := tx.CreateProduct(ctx, "IVR"); err != nil {
				return err
			}
			_, err := tx.CreateProduct(ctx, "IVR")
			return err
		}},
		{"macro name", store.UniqueMacroName, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SaveMacro(ctx, &desk.Macro{Name: "Thanks", Body: "Thank you.", UpdatedAt: now}); err != nil {
				return err
			}
			return tx.SaveMacro(ctx, &desk.Macro{Name: "Thanks", Body: "Thanks again.", UpdatedAt: now})
		}},
		{"component name", store.UniqueComponentName, func(ctx context.Context, tx *store.Tx) error {
			p, err := tx.CreateProduct(ctx, "IVR")
			if err != nil {
				return err
			}
			if _, err := tx.CreateComponent(ctx, p, "Designer"); err != nil {
				return err
			}
			_, err = tx.CreateComponent(ctx, p, "Designer")
			return err
		}},
		{"contract number", store.UniqueContractNumber, func(ctx context.Context, tx *store.Tx) error {
			if err := contract(ctx, tx, "SC-1"); err != nil {
				return err
			}
			id, err := company(ctx, tx, "ORG-2")
			if err != nil {
				return err
			}
			_, err = tx.CreateContract(ctx, &desk.Contract{
				Number: "SC-1", SoldToID: id, EndUserID: id, Level: desk.BusinessCare, Deployment: desk.Cloud,
				Starts: now, Ends: now.AddDate(1, 0, 0), State: desk.ContractActive,
			}, now)
			return err
		}},
		{"calendar name", store.UniqueCalendarName, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.SaveCalendar(ctx, &hours.CalendarRow{Name: "Paris", Zone: "Europe/Paris", Week: "mon-fri 09:00-17:00"}, now); err != nil {
				return err
			}
			return tx.SaveCalendar(ctx, &hours.CalendarRow{Name: "Paris", Zone: "Europe/Paris", Week: "mon-fri 09:00-17:00"}, now)
		}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, tt := range tests {
			err := s.Write(ctx, func(tx *store.Tx) error { return tt.write(ctx, tx) })
			var c *desk.ConflictError
			if !errors.As(err, &c) || c.Constraint != tt.constraint || !errors.Is(err, desk.ErrConflict) {
				t.Errorf("%s twice: %v, want a conflict on %s", tt.name, err, tt.constraint)
			}
		}
	})
}

// TestPINClashLeavesTheTransactionUsable: a PIN another user holds is a
// conflict the caller can draw again after, in the same transaction.
func TestPINClashLeavesTheTransactionUsable(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		err := s.Write(ctx, func(tx *store.Tx) error {
			u := func(email string) *desk.User {
				return &desk.User{Kind: desk.KindContact, Email: email, FirstName: "A", LastName: "B"}
			}
			if _, err := tx.CreateUser(ctx, u("one@example.com"), "123456", "", now); err != nil {
				return err
			}
			if _, err := tx.CreateUser(ctx, u("two@example.com"), "123456", "", now); !desk.ConflictOn(err, store.UniqueUserPIN) {
				t.Errorf("the same PIN again: %v, want a conflict on %s", err, store.UniqueUserPIN)
			}
			_, err := tx.CreateUser(ctx, u("two@example.com"), "654321", "", now)
			return err
		})
		if err != nil {
			t.Fatalf("another PIN after the clash: %v", err)
		}
		got, err := s.UserByPIN(ctx, "654321")
		if err != nil || got.Email != "two@example.com" {
			t.Errorf("UserByPIN(654321) = %v, %v; want two@example.com", got, err)
		}
	})
}
