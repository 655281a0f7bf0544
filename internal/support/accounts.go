package support

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
)

// CreateCompany adds a company (portal admins).
func (s *Accounts) CreateCompany(ctx context.Context, r Request, c *desk.Company) (int64, error) {
	if err := desk.Authorize(r.Actor, desk.ManageCompanies, desk.Target{}); err != nil {
		return 0, err
	}
	trimCompany(c)
	if err := desk.ValidateCompany(c); err != nil {
		return 0, err
	}
	var newID int64
	err := s.write(ctx, r, func(tx *store.Tx) error {
		if err := checkParent(ctx, tx, c); err != nil {
			return err
		}
		var err error
		if newID, err = tx.CreateCompany(ctx, c, s.now()); err != nil {
			return fieldConflict(err)
		}
		return s.audit(ctx, tx, r, "company_created", c.OrgID, c.Name)
	})
	return newID, err
}

// UpdateCompany changes a company (portal admins).
func (s *Accounts) UpdateCompany(ctx context.Context, r Request, c *desk.Company) error {
	if err := desk.Authorize(r.Actor, desk.ManageCompanies, desk.Target{}); err != nil {
		return err
	}
	trimCompany(c)
	if err := desk.ValidateCompany(c); err != nil {
		return err
	}
	return s.write(ctx, r, func(tx *store.Tx) error {
		if err := checkParent(ctx, tx, c); err != nil {
			return err
		}
		if err := tx.UpdateCompany(ctx, c); err != nil {
			return fieldConflict(err)
		}
		return s.audit(ctx, tx, r, "company_updated", c.OrgID, c.Name)
	})
}

func trimCompany(c *desk.Company) {
	c.OrgID, c.Name, c.Country = strings.TrimSpace(c.OrgID), strings.TrimSpace(c.Name), strings.TrimSpace(c.Country)
}

func checkParent(ctx context.Context, tx *store.Tx, c *desk.Company) error {
	if err := checkCalendar(ctx, tx, c.CalendarID); err != nil {
		return err
	}
	return checkParentChain(ctx, tx, c, "parent")
}

// checkParentChain refuses, on field, a parent that does not exist or one
// that is already a division of c (directly or further down), which would
// make c its own ancestor: the chain of parents is walked up from c's.
func checkParentChain(ctx context.Context, tx *store.Tx, c *desk.Company, field string) error {
	if c.ParentID != 0 && c.ParentID == c.ID {
		return desk.Invalid(field, "desk.company.parent")
	}
	seen := map[int64]bool{}
	for id := c.ParentID; id != 0 && !seen[id]; {
		if id == c.ID {
			parent, err := tx.Company(ctx, c.ParentID)
			if err != nil {
				return err
			}
			return desk.Invalid(field, "support.accounts.parent_cycle", "Parent", parent.Name, "Company", c.Name)
		}
		seen[id] = true // a cycle above c, saved before this check, ends the walk
		p, err := tx.Company(ctx, id)
		if err != nil {
			return missingAs(err, field, "support.accounts.parent")
		}
		id = p.ParentID
	}
	return nil
}

// checkCalendar refuses a calendar that does not exist; zero is the
// default.
func checkCalendar(ctx context.Context, tx *store.Tx, calendarID int64) error {
	if calendarID == 0 {
		return nil
	}
	_, err := tx.CalendarByID(ctx, calendarID)
	return missingAs(err, "calendar", "support.accounts.calendar")
}

// Companies lists every company (staff).
func (s *Accounts) Companies(ctx context.Context, r Request) ([]desk.Company, error) {
	if err := desk.Authorize(r.Actor, desk.ViewAccounts, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.Companies(ctx)
}

// CompanyView is a company's console page: its contracts, contacts and the
// warnings an admin should see.
type CompanyView struct {
	Company   *desk.Company
	Contracts []desk.Contract
	Contacts  []desk.User
	Approvers []desk.User
	// DesignatedContacts counts contacts with effective Read-Write access
	// on any combination where this company is the Sold To.
	DesignatedContacts int
	Warnings           []desk.Message
	// Now is when the view was read, by the service's clock: what each
	// contract is (desk.Contract.StatusAt) counts from it.
	Now time.Time
}

// MinDesignatedContacts is how many Designated Contacts each customer
// should have.
const MinDesignatedContacts = 2

// Company returns a company's console view (staff).
func (s *Accounts) Company(ctx context.Context, r Request, companyID int64) (*CompanyView, error) {
	if err := desk.Authorize(r.Actor, desk.ViewAccounts, desk.Target{}); err != nil {
		return nil, err
	}
	c, err := s.store.Company(ctx, companyID)
	if err != nil {
		return nil, err
	}
	v := &CompanyView{Company: c, Now: s.now()}
	if v.Contracts, err = s.store.Contracts(ctx, desk.ContractFilter{CompanyID: companyID}); err != nil {
		return nil, err
	}
	if v.Contacts, err = s.store.Users(ctx, desk.UserFilter{Kind: desk.KindContact, CompanyID: companyID}); err != nil {
		return nil, err
	}
	if v.Approvers, err = s.store.Approvers(ctx, companyID); err != nil {
		return nil, err
	}
	soldTo := false
	for _, ct := range v.Contracts {
		if ct.SoldToID == companyID {
			soldTo = true
		}
	}
	if !soldTo {
		return v, nil
	}
	if v.DesignatedContacts, err = s.designatedContacts(ctx, companyID); err != nil {
		return nil, err
	}
	if v.DesignatedContacts < MinDesignatedContacts {
		v.Warnings = append(v.Warnings, desk.Msg("support.accounts.few_designated_contacts",
			"Company", c.Name, "Count", v.DesignatedContacts, "Min", MinDesignatedContacts))
	}
	if len(v.Approvers) == 0 {
		v.Warnings = append(v.Warnings, desk.Msg("support.accounts.no_approver", "Company", c.Name))
	}
	return v, nil
}

// designatedContacts counts the contacts whose effective level is
// Read-Write on a combination of the Sold To.
func (s *core) designatedContacts(ctx context.Context, soldTo int64) (int, error) {
	gs, err := s.store.Grants(ctx, store.GrantFilter{Combination: desk.Combination{SoldToID: soldTo}})
	if err != nil {
		return 0, err
	}
	now := s.now()
	seen := map[int64]bool{}
	for _, g := range gs {
		if g.Level != desk.ReadWrite || seen[g.ContactID] {
			continue
		}
		a, err := s.store.Actor(ctx, g.ContactID, now)
		if err != nil {
			return 0, err
		}
		if a.Level(g.Combination) == desk.ReadWrite && !a.User.Disabled {
			seen[g.ContactID] = true
		}
	}
	return len(seen), nil
}

// SaveContract creates (ID zero) or updates a Service Contract (portal
// admins).
func (s *Accounts) SaveContract(ctx context.Context, r Request, c *desk.Contract) (int64, error) {
	if err := desk.Authorize(r.Actor, desk.ManageContracts, desk.Target{}); err != nil {
		return 0, err
	}
	c.Number = strings.TrimSpace(c.Number)
	if c.SupportOwnerID == 0 {
		c.SupportOwnerID = c.SoldToID
	}
	if err := desk.ValidateContract(c); err != nil {
		return 0, err
	}
	err := s.write(ctx, r, func(tx *store.Tx) error {
		p := desk.Problems{}
		for field, companyID := range map[string]int64{"sold_to": c.SoldToID, "end_user": c.EndUserID, "support_owner": c.SupportOwnerID} {
			switch _, err := tx.Company(ctx, companyID); {
			case errors.Is(err, desk.ErrNotFound):
				p.AddMessage(field, "support.contacts.company")
			case err != nil:
				return err
			}
		}
		cat, err := tx.Catalog(ctx)
		if err != nil {
			return err
		}
		for _, pid := range c.ProductIDs {
			if _, ok := cat.Product(pid); !ok {
				p.AddMessage("products", "support.accounts.products")
			}
		}
		if err := p.Merge(checkCalendar(ctx, tx, c.CalendarID)); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		action := "contract_updated"
		if c.ID == 0 {
			action = "contract_created"
			if c.ID, err = tx.CreateContract(ctx, c, s.now()); err != nil {
				return fieldConflict(err)
			}
		} else if err := tx.UpdateContract(ctx, c); err != nil {
			return fieldConflict(err)
		}
		return s.audit(ctx, tx, r, action, c.Number, fmt.Sprintf("sold to %d, end user %d, %s, %s, %s",
			c.SoldToID, c.EndUserID, c.Level, c.State, c.Ends.Format("2006-01-02")))
	})
	return c.ID, err
}

// ContractList is contracts as a list shows them.
type ContractList struct {
	Contracts []desk.Contract
	// Now is when the list was read, by the service's clock: what each
	// contract is (desk.Contract.StatusAt) counts from it.
	Now time.Time
}

// Contracts lists contracts (staff).
func (s *Accounts) Contracts(ctx context.Context, r Request, f desk.ContractFilter) (*ContractList, error) {
	if err := desk.Authorize(r.Actor, desk.ViewAccounts, desk.Target{}); err != nil {
		return nil, err
	}
	cs, err := s.store.Contracts(ctx, f)
	if err != nil {
		return nil, err
	}
	return &ContractList{Contracts: cs, Now: s.now()}, nil
}

// CreateProduct adds a product with its components (portal admins).
func (s *Accounts) CreateProduct(ctx context.Context, r Request, name string, components []string) (int64, error) {
	if err := desk.Authorize(r.Actor, desk.ManageProducts, desk.Target{}); err != nil {
		return 0, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, desk.Invalid("name", "support.accounts.product_name")
	}
	var productID int64
	err := s.write(ctx, r, func(tx *store.Tx) error {
		var err error
		if productID, err = tx.CreateProduct(ctx, name); err != nil {
			return fieldConflict(err)
		}
		for _, c := range components {
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			if _, err := tx.CreateComponent(ctx, productID, c); err != nil {
				return fieldConflict(err)
			}
		}
		return s.audit(ctx, tx, r, "product_created", name, strings.Join(components, ", "))
	})
	return productID, err
}

// AddComponent adds a component to a product (portal admins).
func (s *Accounts) AddComponent(ctx context.Context, r Request, productID int64, name string) (int64, error) {
	if err := desk.Authorize(r.Actor, desk.ManageProducts, desk.Target{}); err != nil {
		return 0, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, desk.Invalid("name", "support.accounts.component_name")
	}
	var componentID int64
	err := s.write(ctx, r, func(tx *store.Tx) error {
		var err error
		if componentID, err = tx.CreateComponent(ctx, productID, name); err != nil {
			return fieldConflict(err)
		}
		return s.audit(ctx, tx, r, "component_created", name, fmt.Sprintf("product %d", productID))
	})
	return componentID, err
}

// Catalog lists products and components; everyone signed in may read it.
func (s *Accounts) Catalog(ctx context.Context, r Request) (*desk.Catalog, error) {
	if err := desk.Authorize(r.Actor, desk.ManageOwnProfile, desk.Target{}); err != nil {
		return nil, err
	}
	return s.store.Catalog(ctx)
}
