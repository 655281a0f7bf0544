package desk

import "time"

// Catalog is every product with its components.
type Catalog struct {
	Lines      []ProductLine
	Products   []Product
	Components []Component
}

// ComponentsOf returns the components of one product.
func (c *Catalog) ComponentsOf(productID int64) []Component {
	var out []Component
	for _, comp := range c.Components {
		if comp.ProductID == productID {
			out = append(out, comp)
		}
	}
	return out
}

// Component finds a component by ID.
func (c *Catalog) Component(componentID int64) (Component, bool) {
	for _, comp := range c.Components {
		if comp.ID == componentID {
			return comp, true
		}
	}
	return Component{}, false
}

// Product finds a product by ID.
func (c *Catalog) Product(productID int64) (Product, bool) {
	for _, p := range c.Products {
		if p.ID == productID {
			return p, true
		}
	}
	return Product{}, false
}

// ContractFilter selects contracts. Zero fields do not filter.
type ContractFilter struct {
	ID        int64
	SoldToID  int64
	EndUserID int64
	// CompanyID matches contracts where the company is Sold To, End User or
	// Support Owner.
	CompanyID int64
}

// UserFilter selects users. Zero fields do not filter.
type UserFilter struct {
	Kind      UserKind
	CompanyID int64
	// Query matches the start of the email, first or last name.
	Query string
	Limit int
}

// APIToken is a personal API token as listed on the profile page; the
// token itself is shown once at creation and never stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}
