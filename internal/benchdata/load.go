package benchdata

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/caseport/caseport/internal/auth"
	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// shapeSetting is the setting that names the data set a store holds, once
// it is loaded whole.
const shapeSetting = "bench.shape"

// ErrNotEmpty is a store that holds something other than a data set of
// the asked shape: the loader writes only into an empty store.
var ErrNotEmpty = errors.New("the store holds other data")

// Loaded says how long each part of a load took.
type Loaded struct {
	// People is the companies, contracts, contacts, staff and tokens;
	// Cases the cases, their text index and the statistics after them.
	People, Cases time.Duration
}

// Prepare makes s hold the data set of sh: it leaves a store that holds
// it already as it is (and returns nil), loads it into an empty store,
// and refuses any other store with ErrNotEmpty.
func Prepare(ctx context.Context, s *store.Store, sh *Shape) (*Loaded, error) {
	held, err := s.Setting(ctx, shapeSetting, "")
	if err != nil {
		return nil, err
	}
	switch {
	case held == sh.Name():
		return nil, nil
	case held != "":
		return nil, fmt.Errorf("%w: the data set %s, not %s", ErrNotEmpty, held, sh.Name())
	}
	if err := checkEmpty(ctx, s); err != nil {
		return nil, err
	}
	return load(ctx, s, sh)
}

// checkEmpty refuses a store that holds companies, users or cases.
func checkEmpty(ctx context.Context, s *store.Store) error {
	companies, err := s.Companies(ctx)
	if err != nil {
		return err
	}
	users, err := s.Users(ctx, desk.UserFilter{Limit: 1})
	if err != nil {
		return err
	}
	cases, err := s.Cases(ctx, desk.CaseFilter{Scope: desk.CaseScope{All: true}, List: desk.Queue, Statuses: desk.Statuses, Limit: 1})
	if err != nil {
		return err
	}
	if len(companies)+len(users)+len(cases.Cases) > 0 {
		return fmt.Errorf("%w: companies, users or cases, but no whole data set (a load cut off before its "+
			"cases leaves its people behind); the loader writes only into an empty store", ErrNotEmpty)
	}
	return nil
}

// load writes the data set of sh into s, which should be empty: the
// people in one transaction, then the cases in another (InsertCases).
func load(ctx context.Context, s *store.Store, sh *Shape) (*Loaded, error) {
	var took Loaded
	start := time.Now()
	ids, err := loadPeople(ctx, s, sh)
	if err != nil {
		return nil, err
	}
	took.People = time.Since(start)
	start = time.Now()
	n, err := s.InsertCases(ctx, sh.cases(ids))
	if err != nil {
		return nil, fmt.Errorf("load %d cases: %w", sh.Cases, err)
	}
	if n != sh.Cases {
		return nil, fmt.Errorf("load %d cases: wrote %d", sh.Cases, n)
	}
	err = s.Write(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, shapeSetting, sh.Name()) })
	if err != nil {
		return nil, err
	}
	took.Cases = time.Since(start)
	return &took, nil
}

// ids are the IDs the store gave the rows cases refer to, in the shape's
// order: contacts and components by company and product.
type ids struct {
	companies, contacts, staff, products, components []int64
}

func (sh *Shape) cases(ids *ids) iter.Seq[*desk.Case] {
	return func(yield func(*desk.Case) bool) {
		var c desk.Case
		for i := range sh.Cases {
			sh.caseAt(i, ids, &c)
			if !yield(&c) {
				return
			}
		}
	}
}

// loadPeople writes the products, companies with their contracts and
// contacts, and the staff, with their tokens, in one transaction.
func loadPeople(ctx context.Context, s *store.Store, sh *Shape) (*ids, error) {
	hash := auth.HashPassword(Password)
	var out ids
	err := s.Write(ctx, func(tx *store.Tx) error {
		for p := range Products {
			productID, err := tx.CreateProduct(ctx, fmt.Sprintf("Product %d", p+1))
			if err != nil {
				return err
			}
			out.products = append(out.products, productID)
			for c := range ComponentsPer {
				componentID, err := tx.CreateComponent(ctx, productID, fmt.Sprintf("Component %d.%d", p+1, c+1))
				if err != nil {
					return err
				}
				out.components = append(out.components, componentID)
			}
		}
		for k := range sh.Companies {
			co := &desk.Company{OrgID: fmt.Sprintf("B%06d", k), Name: fmt.Sprintf("Customer %04d", k), Country: "US"}
			companyID, err := tx.CreateCompany(ctx, co, Epoch)
			if err != nil {
				return err
			}
			out.companies = append(out.companies, companyID)
			_, err = tx.CreateContract(ctx, &desk.Contract{
				Number: fmt.Sprintf("SC-B%06d", k), SoldToID: companyID, EndUserID: companyID, SupportOwnerID: companyID,
				Level: desk.BusinessCare, Deployment: desk.Premise, ProductIDs: out.products,
				Starts: Epoch.AddDate(-1, 0, 0), Ends: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), State: desk.ContractActive,
			}, Epoch)
			if err != nil {
				return err
			}
			for j := range ContactsPerCompany {
				n := k*ContactsPerCompany + j
				u := &desk.User{
					Kind: desk.KindContact, Email: fmt.Sprintf("contact%d@customer%04d.example", j, k),
					FirstName: "Contact", LastName: fmt.Sprintf("%04d-%d", k, j), CompanyID: companyID, Country: "US",
					TermsAcceptedAt: Epoch, TermsVersion: desk.TermsVersion,
				}
				contactID, err := tx.CreateUser(ctx, u, fmt.Sprintf("%0*d", auth.PINDigits, n), hash, Epoch)
				if err != nil {
					return err
				}
				out.contacts = append(out.contacts, contactID)
				err = tx.SetGrant(ctx, desk.Grant{
					ContactID: contactID, Combination: desk.Combination{SoldToID: companyID, EndUserID: companyID},
					Level: desk.ReadWrite, GrantedAt: Epoch,
				}, 0)
				if err != nil {
					return err
				}
				if j == 0 {
					if _, err := tx.CreateAPIToken(ctx, contactID, "bench", auth.HashToken(ContactToken(k)), Epoch); err != nil {
						return err
					}
				}
			}
		}
		for j := range Staff {
			u := &desk.User{
				Kind: desk.KindStaff, Email: fmt.Sprintf("agent%d@vendor.example", j), FirstName: "Agent",
				LastName: fmt.Sprint(j), Roles: []desk.Role{desk.RoleAgent},
			}
			staffID, err := tx.CreateUser(ctx, u, "", hash, Epoch)
			if err != nil {
				return err
			}
			out.staff = append(out.staff, staffID)
			if _, err := tx.CreateAPIToken(ctx, staffID, "bench", auth.HashToken(StaffToken(j)), Epoch); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load the people of %s: %w", sh.Name(), err)
	}
	return &out, nil
}
