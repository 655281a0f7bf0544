package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// CreateCompany inserts a company and returns its ID. A duplicate Org ID is
// a conflict.
func (tx *Tx) CreateCompany(ctx context.Context, c *desk.Company, now time.Time) (int64, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO companies (org_id, name, country, parent_id, calendar_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		c.OrgID, c.Name, c.Country, id(c.ParentID), id(c.CalendarID), ts(now)).Scan(&newID)
	if err != nil {
		return 0, conflict(err, "create company "+c.OrgID)
	}
	return newID, nil
}

// UpdateCompany writes a company's fields.
func (tx *Tx) UpdateCompany(ctx context.Context, c *desk.Company) error {
	res, err := tx.q().exec(ctx, `UPDATE companies SET org_id = ?, name = ?, country = ?, parent_id = ?, calendar_id = ?
		WHERE id = ?`,
		c.OrgID, c.Name, c.Country, id(c.ParentID), id(c.CalendarID), c.ID)
	if err != nil {
		return conflict(err, "update company "+c.OrgID)
	}
	return affected(res, "company "+strconv.FormatInt(c.ID, 10))
}

const companyColumns = `id, org_id, name, country, parent_id, calendar_id, created_at`

func scanCompany(sc scanner, c *desk.Company) error {
	return sc.Scan(&c.ID, &c.OrgID, &c.Name, &c.Country, nullInt{&c.ParentID}, nullInt{&c.CalendarID}, nullTime{&c.CreatedAt})
}

// Company reads one company.
func (s *Store) Company(ctx context.Context, companyID int64) (*desk.Company, error) {
	return company(ctx, s.read(), companyID)
}

// Company reads one company inside the transaction.
func (tx *Tx) Company(ctx context.Context, companyID int64) (*desk.Company, error) {
	return company(ctx, tx.q(), companyID)
}

func company(ctx context.Context, on q, companyID int64) (*desk.Company, error) {
	return fact(ctx, on, factKey{kind: "company", a: companyID}, cloneCompany,
		func(ctx context.Context, q q) (*desk.Company, error) { return readCompany(ctx, q, companyID) })
}

func readCompany(ctx context.Context, q q, companyID int64) (*desk.Company, error) {
	var c desk.Company
	err := scanCompany(q.row(ctx, `SELECT `+companyColumns+` FROM companies WHERE id = ?`, companyID), &c)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("company %d", companyID))
	}
	return &c, nil
}

// CompanyByOrgID reads a company by its Org ID.
func (tx *Tx) CompanyByOrgID(ctx context.Context, orgID string) (*desk.Company, error) {
	var c desk.Company
	err := scanCompany(tx.q().row(ctx, `SELECT `+companyColumns+` FROM companies WHERE org_id = ?`, orgID), &c)
	if err != nil {
		return nil, notFound(err, "company "+orgID)
	}
	return &c, nil
}

// Companies lists every company by name. Installations have thousands of
// companies, not millions, so the console lists them whole.
func (s *Store) Companies(ctx context.Context) ([]desk.Company, error) {
	rows, err := s.read().query(ctx, `SELECT `+companyColumns+` FROM companies ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("companies: %w", err)
	}
	defer rows.Close()
	var out []desk.Company
	for rows.Next() {
		var c desk.Company
		if err := scanCompany(rows, &c); err != nil {
			return nil, fmt.Errorf("companies: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreateProduct inserts a product and returns its ID.
func (tx *Tx) CreateProduct(ctx context.Context, name string) (int64, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO products (name) VALUES (?) RETURNING id`, name).Scan(&newID)
	if err != nil {
		return 0, conflict(err, "create product "+name)
	}
	return newID, nil
}

// CreateComponent inserts a component of a product and returns its ID.
func (tx *Tx) CreateComponent(ctx context.Context, productID int64, name string) (int64, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO components (product_id, name) VALUES (?, ?) RETURNING id`, productID, name).Scan(&newID)
	if err != nil {
		return 0, conflict(err, "create component "+name)
	}
	return newID, nil
}

// Catalog reads every product and component, by name.
func (s *Store) Catalog(ctx context.Context) (*desk.Catalog, error) {
	return catalog(ctx, s.read())
}

// Catalog reads every product and component inside the transaction.
func (tx *Tx) Catalog(ctx context.Context) (*desk.Catalog, error) {
	return catalog(ctx, tx.q())
}

func catalog(ctx context.Context, q q) (*desk.Catalog, error) {
	return fact(ctx, q, factKey{kind: "catalog"}, cloneCatalog, readCatalog)
}

func readCatalog(ctx context.Context, q q) (*desk.Catalog, error) {
	var cat desk.Catalog
	lines, err := readProductLines(ctx, q)
	if err != nil {
		return nil, err
	}
	cat.Lines = lines
	rows, err := q.query(ctx, `SELECT id, name, product_line_id FROM products ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("products: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p desk.Product
		if err := rows.Scan(&p.ID, &p.Name, nullInt{&p.LineID}); err != nil {
			return nil, fmt.Errorf("products: %w", err)
		}
		cat.Products = append(cat.Products, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("products: %w", err)
	}
	crows, err := q.query(ctx, `SELECT id, product_id, name FROM components ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("components: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var c desk.Component
		if err := crows.Scan(&c.ID, &c.ProductID, &c.Name); err != nil {
			return nil, fmt.Errorf("components: %w", err)
		}
		cat.Components = append(cat.Components, c)
	}
	return &cat, crows.Err()
}

// CreateContract inserts a Service Contract with its products and returns
// its ID.
func (tx *Tx) CreateContract(ctx context.Context, c *desk.Contract, now time.Time) (int64, error) {
	var newID int64
	err := tx.q().row(ctx, `INSERT INTO contracts (number, sold_to_id, end_user_id, support_owner_id, level,
			flex_care, deployment, starts, ends, state, calendar_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Number, c.SoldToID, c.EndUserID, supportOwner(c), string(c.Level), joinFlex(c.FlexCare),
		string(c.Deployment), ts(c.Starts), ts(c.Ends), string(c.State), id(c.CalendarID), ts(now)).Scan(&newID)
	if err != nil {
		return 0, conflict(err, "create contract "+c.Number)
	}
	if err := tx.setContractProducts(ctx, newID, c.ProductIDs); err != nil {
		return 0, err
	}
	return newID, nil
}

// UpdateContract writes a contract's fields and products.
func (tx *Tx) UpdateContract(ctx context.Context, c *desk.Contract) error {
	res, err := tx.q().exec(ctx, `UPDATE contracts SET number = ?, sold_to_id = ?, end_user_id = ?,
			support_owner_id = ?, level = ?, flex_care = ?, deployment = ?, starts = ?, ends = ?, state = ?,
			calendar_id = ?
		WHERE id = ?`,
		c.Number, c.SoldToID, c.EndUserID, supportOwner(c), string(c.Level), joinFlex(c.FlexCare),
		string(c.Deployment), ts(c.Starts), ts(c.Ends), string(c.State), id(c.CalendarID), c.ID)
	if err != nil {
		return conflict(err, "update contract "+c.Number)
	}
	if err := affected(res, "contract "+c.Number); err != nil {
		return err
	}
	if _, err := tx.q().exec(ctx, `DELETE FROM contract_products WHERE contract_id = ?`, c.ID); err != nil {
		return fmt.Errorf("contract %s products: %w", c.Number, err)
	}
	return tx.setContractProducts(ctx, c.ID, c.ProductIDs)
}

func (tx *Tx) setContractProducts(ctx context.Context, contractID int64, productIDs []int64) error {
	for _, p := range productIDs {
		if _, err := tx.q().exec(ctx, `INSERT INTO contract_products (contract_id, product_id) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, contractID, p); err != nil {
			return fmt.Errorf("contract %d product %d: %w", contractID, p, err)
		}
	}
	return nil
}

// supportOwner defaults the Support Owner to the Sold To.
func supportOwner(c *desk.Contract) int64 {
	if c.SupportOwnerID == 0 {
		return c.SoldToID
	}
	return c.SupportOwnerID
}

func joinFlex(fs []desk.FlexCare) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = string(f)
	}
	return strings.Join(parts, ",")
}

func splitFlex(s string) []desk.FlexCare {
	if s == "" {
		return nil
	}
	var out []desk.FlexCare
	for p := range strings.SplitSeq(s, ",") {
		out = append(out, desk.FlexCare(p))
	}
	return out
}

// Contracts lists contracts with their products, by number.
func (s *Store) Contracts(ctx context.Context, f desk.ContractFilter) ([]desk.Contract, error) {
	return contracts(ctx, s.read(), f)
}

// Contracts lists contracts inside the transaction.
func (tx *Tx) Contracts(ctx context.Context, f desk.ContractFilter) ([]desk.Contract, error) {
	return contracts(ctx, tx.q(), f)
}

func contracts(ctx context.Context, on q, f desk.ContractFilter) ([]desk.Contract, error) {
	if f.CompanyID != 0 || f.ID == 0 && (f.SoldToID == 0 || f.EndUserID == 0) {
		return readContracts(ctx, on, f) // a company's or a vendor's: too many to keep
	}
	key := factKey{kind: "contracts", a: f.SoldToID, b: f.EndUserID, s: strconv.FormatInt(f.ID, 10)}
	return fact(ctx, on, key, cloneContracts,
		func(ctx context.Context, q q) ([]desk.Contract, error) { return readContracts(ctx, q, f) })
}

func readContracts(ctx context.Context, q q, f desk.ContractFilter) ([]desk.Contract, error) {
	// Only the filter's own conditions, so that each engine reads the
	// contracts of one combination from its index: a customer's actor is
	// made of a few contracts on every request, however many the vendor
	// has.
	var w where
	equal(&w, "c.id", f.ID)
	equal(&w, "c.sold_to_id", f.SoldToID)
	equal(&w, "c.end_user_id", f.EndUserID)
	if f.CompanyID != 0 {
		w.add("(c.sold_to_id = ? OR c.end_user_id = ? OR c.support_owner_id = ?)", f.CompanyID, f.CompanyID, f.CompanyID)
	}
	// One statement with the contracts' products: a row per product (or
	// one with none), in contract order.
	rows, err := q.query(ctx, `SELECT c.id, c.number, c.sold_to_id, c.end_user_id, c.support_owner_id, c.level, c.flex_care,
			c.deployment, c.starts, c.ends, c.state, c.calendar_id, cp.product_id
		FROM contracts c LEFT JOIN contract_products cp ON cp.contract_id = c.id
		WHERE `+w.String()+`
		ORDER BY c.number, c.id, cp.product_id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("contracts: %w", err)
	}
	defer rows.Close()
	var out []desk.Contract
	for rows.Next() {
		var c desk.Contract
		var level, flex, dep, state string
		var product int64
		if err := rows.Scan(&c.ID, &c.Number, &c.SoldToID, &c.EndUserID, &c.SupportOwnerID, &level, &flex,
			&dep, nullTime{&c.Starts}, nullTime{&c.Ends}, &state, nullInt{&c.CalendarID}, nullInt{&product}); err != nil {
			return nil, fmt.Errorf("contracts: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].ID != c.ID {
			c.Level, c.FlexCare, c.Deployment, c.State = desk.SupportLevel(level), splitFlex(flex), desk.Deployment(dep), desk.ContractState(state)
			out = append(out, c)
		}
		if product != 0 {
			last := &out[len(out)-1]
			last.ProductIDs = append(last.ProductIDs, product)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("contracts: %w", err)
	}
	return out, nil
}

// ProductByName reads a product by its name.
func (tx *Tx) ProductByName(ctx context.Context, name string) (desk.Product, error) {
	var p desk.Product
	err := tx.q().row(ctx, `SELECT id, name FROM products WHERE name = ?`, name).Scan(&p.ID, &p.Name)
	if err != nil {
		return p, notFound(err, "product "+name)
	}
	return p, nil
}

// ContractByNumber reads a contract by its number.
func (tx *Tx) ContractByNumber(ctx context.Context, number string) (*desk.Contract, error) {
	var contractID int64
	if err := tx.q().row(ctx, `SELECT id FROM contracts WHERE number = ?`, number).Scan(&contractID); err != nil {
		return nil, notFound(err, "contract "+number)
	}
	cs, err := contracts(ctx, tx.q(), desk.ContractFilter{ID: contractID})
	if err != nil {
		return nil, err
	}
	return &cs[0], nil
}
