package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/store/storetest"
)

// TestFactsFollowEveryChange: the facts kept in memory (facts.go) are
// those of the database after every change, read outside a transaction or
// inside one, including the changing transaction itself; a change rolled
// back changes nothing; and what a caller gets is its own copy.
func TestFactsFollowEveryChange(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		var combo desk.Combination
		var contract desk.Contract
		var contactID int64
		write := func(fn func(tx *store.Tx) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		write(func(tx *store.Tx) error {
			companyID, err := tx.CreateCompany(ctx, &desk.Company{OrgID: "ORG-F", Name: "Facts", Country: "France"}, now)
			if err != nil {
				return err
			}
			combo = desk.Combination{SoldToID: companyID, EndUserID: companyID}
			contract = desk.Contract{
				Number: "F-1", SoldToID: companyID, EndUserID: companyID, Level: desk.BusinessCare, Deployment: desk.Cloud,
				Starts: now.AddDate(0, -1, 0), Ends: now.AddDate(1, 0, 0), State: desk.ContractActive,
			}
			if contract.ID, err = tx.CreateContract(ctx, &contract, now); err != nil {
				return err
			}
			contactID, err = tx.CreateUser(ctx, &desk.User{Kind: desk.KindContact, Email: "f@example.com", FirstName: "Fay", LastName: "Acts", CompanyID: companyID}, "", "", now)
			if err != nil {
				return err
			}
			if err := tx.AcceptTerms(ctx, contactID, desk.TermsVersion, now); err != nil {
				return err
			}
			return tx.SetGrant(ctx, desk.Grant{ContactID: contactID, Combination: combo, Level: desk.ReadWrite, GrantedAt: now}, 0)
		})
		level := func(tx *store.Tx) desk.AccessLevel {
			t.Helper()
			var a *desk.Actor
			var err error
			if tx != nil {
				a, err = tx.Actor(ctx, contactID, now)
			} else {
				a, err = s.Actor(ctx, contactID, now)
			}
			if err != nil {
				t.Fatal(err)
			}
			return a.Level(combo)
		}
		// Read twice outside a transaction: the second comes from memory.
		for range 2 {
			if got := level(nil); got != desk.ReadWrite {
				t.Fatalf("level = %s, want Read-Write", got)
			}
		}

		// The copy: changing an actor does not change the next one.
		a, err := s.Actor(ctx, contactID, now)
		if err != nil {
			t.Fatal(err)
		}
		a.User.FirstName, a.Levels[combo] = "Changed", desk.NoAccess
		if b, err := s.Actor(ctx, contactID, now); err != nil || b.User.FirstName != "Fay" || b.Level(combo) != desk.ReadWrite {
			t.Errorf("after a caller changed its actor the next is %+v %v, want Fay at Read-Write", b, err)
		}

		// A change rolled back changes nothing.
		refused := errors.New("refused")
		err = s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.SetGrant(ctx, desk.Grant{ContactID: contactID, Combination: combo, Level: desk.NoAccess}, 0); err != nil {
				return err
			}
			if got := level(tx); got != desk.NoAccess {
				t.Errorf("in the transaction that removed the grant: level %s, want none", got)
			}
			return refused
		})
		if !errors.Is(err, refused) {
			t.Fatal(err)
		}
		if got := level(nil); got != desk.ReadWrite {
			t.Errorf("after a rolled-back removal: level %s, want Read-Write", got)
		}

		// The contract ends: a Read-Write grant counts as Read-Only, seen
		// by the changing transaction, by the next one and outside.
		write(func(tx *store.Tx) error {
			if got := level(tx); got != desk.ReadWrite {
				t.Errorf("before the change, in a transaction: level %s, want Read-Write", got)
			}
			ended := contract
			ended.Ends = now.AddDate(0, 0, -1)
			if err := tx.UpdateContract(ctx, &ended); err != nil {
				return err
			}
			if got := level(tx); got != desk.ReadOnly {
				t.Errorf("in the transaction that ended the contract: level %s, want Read-Only", got)
			}
			return nil
		})
		write(func(tx *store.Tx) error {
			if got := level(tx); got != desk.ReadOnly {
				t.Errorf("in the next transaction: level %s, want Read-Only", got)
			}
			return nil
		})
		if got := level(nil); got != desk.ReadOnly {
			t.Errorf("outside, after the contract ended: level %s, want Read-Only", got)
		}

		// Approvers, the catalogue, settings: each change is seen.
		write(func(tx *store.Tx) error { return tx.SetApprover(ctx, combo.SoldToID, contactID, true) })
		if a, err := s.Actor(ctx, contactID, now); err != nil || !slices.Equal(a.Approves, []int64{combo.SoldToID}) {
			t.Errorf("after becoming approver: approves %v %v", a.Approves, err)
		}
		if _, err := s.Catalog(ctx); err != nil {
			t.Fatal(err)
		}
		write(func(tx *store.Tx) error {
			if _, err := tx.CreateProduct(ctx, "Fresh product"); err != nil {
				return err
			}
			cat, err := tx.Catalog(ctx)
			if err != nil || !slices.ContainsFunc(cat.Products, func(p desk.Product) bool { return p.Name == "Fresh product" }) {
				t.Errorf("in the transaction that added a product: catalogue %+v %v", cat, err)
			}
			return err
		})
		cat, err := s.Catalog(ctx)
		if err != nil || !slices.ContainsFunc(cat.Products, func(p desk.Product) bool { return p.Name == "Fresh product" }) {
			t.Errorf("after a product was added: catalogue %+v %v", cat, err)
		}
		if v, err := s.Setting(ctx, "facts-test", "default"); err != nil || v != "default" {
			t.Fatalf("setting = %q %v", v, err)
		}
		write(func(tx *store.Tx) error { return tx.SetSetting(ctx, "facts-test", "set") })
		if v, err := s.Setting(ctx, "facts-test", "default"); err != nil || v != "set" {
			t.Errorf("after it was set: setting = %q %v, want set", v, err)
		}
		if s.Dialect() == "postgres" { // SQLite has no TRUNCATE
			write(func(tx *store.Tx) error { return tx.Exec(ctx, "TRUNCATE settings") })
			if v, err := s.Setting(ctx, "facts-test", "default"); err != nil || v != "default" {
				t.Errorf("after TRUNCATE: setting = %q %v, want the default", v, err)
			}
		}
	})
}

// TestFactsSeeOtherInstances: two stores on one database (two instances
// of a cluster, or a command run beside the server) each see the other's
// changes at once.
func TestFactsSeeOtherInstances(t *testing.T) {
	t.Parallel()
	storetest.EachAt(t, func(t *testing.T, _, url string) {
		ctx := context.Background()
		one, two := storetest.OpenAt(t, url), storetest.OpenAt(t, url)
		for i, want := range []string{"first", "second", "third"} {
			writer, reader := one, two
			if i%2 == 1 {
				writer, reader = two, one
			}
			if err := writer.Write(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, "shared", want) }); err != nil {
				t.Fatal(err)
			}
			for _, s := range []*store.Store{reader, writer, reader} {
				if got, err := s.Setting(ctx, "shared", ""); err != nil || got != want {
					t.Errorf("after %q was set: %q %v", want, got, err)
				}
			}
		}
	})
}

// TestFactTablesMoveTheVersion: every table a kept fact is read from has
// the triggers that move the version for each kind of change, on both
// engines (a migration that rebuilds a table on SQLite drops them).
func TestFactTablesMoveTheVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		got, err := s.FactTriggers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, table := range store.FactTables {
			if s.Dialect() == "postgres" {
				want = append(want, table+" facts_mark_changed", table+" facts_move_version", table+" facts_truncated")
				continue
			}
			for _, op := range []string{"delete", "insert", "update"} {
				want = append(want, table+" facts_"+table+"_"+op)
			}
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("the facts' triggers:\n%q\nwant\n%q", got, want)
		}
	})
}

// TestLockingSelectsForgetTheVersion: a transaction reads the facts'
// version again after a statement that may write or wait for a lock.
func TestLockingSelectsForgetTheVersion(t *testing.T) {
	t.Parallel()
	for query, forgets := range map[string]bool{
		"SELECT version FROM facts_version":                  false,
		"select name from companies where id = ?":            false,
		"SELECT id FROM cases WHERE id = ?\n\t\tFOR UPDATE":  true,
		"SELECT id FROM jobs for no key update skip locked":  true,
		"SELECT id FROM grants FOR KEY SHARE":                true,
		"SELECT pg_advisory_xact_lock(hashtext($1))":         true,
		"  INSERT INTO audit (at) VALUES (?)":                true,
		"WITH x AS (SELECT 1) UPDATE cases SET summary = ''": true,
		"SAVEPOINT batched_write":                            true,
	} {
		if got := store.ForgetsFactsVersion(query); got != forgets {
			t.Errorf("forgetsFactsVersion(%q) = %v, want %v", query, got, forgets)
		}
	}
}

// TestCaseNamesFollowRenames: the names shown beside a case (from the
// facts in memory) are the new ones at once after a company, a contact, a
// product or a component is renamed.
func TestCaseNamesFollowRenames(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		var company desk.Company
		var contact desk.User
		var caseID, productID, componentID int64
		err := s.Write(ctx, func(tx *store.Tx) error {
			company = desk.Company{OrgID: "ORG-N", Name: "Old Name Ltd", Country: "France"}
			var err error
			if company.ID, err = tx.CreateCompany(ctx, &company, now); err != nil {
				return err
			}
			contact = desk.User{Kind: desk.KindContact, Email: "n@example.com", FirstName: "Nora", LastName: "Before", CompanyID: company.ID}
			if contact.ID, err = tx.CreateUser(ctx, &contact, "", "", now); err != nil {
				return err
			}
			if productID, err = tx.CreateProduct(ctx, "Old Product"); err != nil {
				return err
			}
			if componentID, err = tx.CreateComponent(ctx, productID, "Old Component"); err != nil {
				return err
			}
			caseID, err = tx.CreateCase(ctx, &desk.Case{
				SoldToID: company.ID, EndUserID: company.ID, ContactID: contact.ID, Type: desk.TypeSupport, SubType: "Problem",
				ProductID: productID, ComponentID: componentID, Summary: "Names", Description: "Names follow renames",
				Priority: desk.PriorityMedium, Status: desk.StatusOpen, SubStatus: desk.SubNew, Stage: desk.StageProduction,
				CreatedAt: now, UpdatedAt: now,
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		names := func() []string {
			t.Helper()
			c, err := s.Case(ctx, caseID)
			if err != nil {
				t.Fatal(err)
			}
			page, err := s.Cases(ctx, desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue})
			if err != nil || len(page.Cases) != 1 {
				t.Fatalf("queue: %+v %v", page, err)
			}
			l := page.Cases[0]
			if got, want := []string{l.SoldToName, l.EndUserName, l.ContactName, l.OwnerName, l.ProductName, l.ComponentName},
				[]string{c.SoldToName, c.EndUserName, c.ContactName, c.OwnerName, c.ProductName, c.ComponentName}; !slices.Equal(got, want) {
				t.Errorf("names in the queue %q, on the case %q", got, want)
			}
			return []string{c.SoldToName, c.ContactName, c.ProductName, c.ComponentName}
		}
		if got, want := names(), []string{"Old Name Ltd", "Nora Before", "Old Product", "Old Component"}; !slices.Equal(got, want) {
			t.Errorf("names = %q, want %q", got, want)
		}
		err = s.Write(ctx, func(tx *store.Tx) error {
			company.Name = "New Name Ltd"
			if err := tx.UpdateCompany(ctx, &company); err != nil {
				return err
			}
			contact.LastName = "After"
			if err := tx.UpdateProfile(ctx, &contact); err != nil {
				return err
			}
			if err := tx.Exec(ctx, `UPDATE products SET name = 'New Product' WHERE id = ?`, productID); err != nil {
				return err
			}
			return tx.Exec(ctx, `UPDATE components SET name = 'New Component' WHERE id = ?`, componentID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := names(), []string{"New Name Ltd", "Nora After", "New Product", "New Component"}; !slices.Equal(got, want) {
			t.Errorf("after the renames: names = %q, want %q", got, want)
		}
	})
}
