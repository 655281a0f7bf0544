package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// The problem fields of the account calls, by their JSON names.
var (
	companyFields  = map[string]string{"parent": "parent_id", "calendar": "calendar_id"}
	contractFields = map[string]string{
		"sold_to": "sold_to_id", "end_user": "end_user_id", "support_owner": "support_owner_id",
		"products": "product_ids", "calendar": "calendar_id",
	}
	contactFields = map[string]string{"company": "company_id"}
)

// apiAccountRoutes are the calls on companies, contracts, contacts, products, staff and caller verification.
func (s *Server) apiAccountRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "POST", Path: "/api/v1/caller-verification", Tag: "staff", Summary: "Who has this PIN, and for which combinations are they a Designated Contact (staff)",
			Body: apiCallerQuery{}, Answer: apiCaller{}, Status: http.StatusOK, Handle: s.apiVerifyCaller,
		},
		{
			Method: "GET", Path: "/api/v1/companies", Tag: "accounts", Summary: "Every company (staff)",
			Answer: []apiCompany{}, Status: http.StatusOK, Handle: s.apiCompanies,
		},
		{
			Method: "POST", Path: "/api/v1/companies", Tag: "accounts", Summary: "Add a company (portal admins)",
			Body: apiCompanyInput{}, Answer: apiCompanyDetail{}, Status: http.StatusCreated, Handle: s.apiCreateCompany, Fields: companyFields,
		},
		{
			Method: "GET", Path: "/api/v1/companies/{id}", Tag: "accounts", Summary: "A company with its contracts, contacts, approvers and warnings (staff)",
			Answer: apiCompanyDetail{}, Status: http.StatusOK, Handle: s.apiCompany,
		},
		{
			Method: "PATCH", Path: "/api/v1/companies/{id}", Tag: "accounts", Summary: "Change a company (portal admins)",
			Body: apiCompanyInput{}, Answer: apiCompanyDetail{}, Status: http.StatusOK, Handle: s.apiUpdateCompany, Fields: companyFields,
		},
		{
			Method: "PUT", Path: "/api/v1/companies/{id}/approvers/{contact}", Tag: "accounts", Summary: "Make a contact of the company a Designated Approver (portal admins)",
			Status: http.StatusNoContent, Handle: s.apiSetApprover(true),
		},
		{
			Method: "DELETE", Path: "/api/v1/companies/{id}/approvers/{contact}", Tag: "accounts", Summary: "Remove a Designated Approver (portal admins)",
			Status: http.StatusNoContent, Handle: s.apiSetApprover(false),
		},
		{
			Method: "GET", Path: "/api/v1/contracts", Tag: "accounts", Summary: "Service Contracts (staff)",
			Query: []apiParam{
				{Name: "company", Doc: "contracts naming this company as Sold To, End User or Support Owner", Integer: true},
				{Name: "sold_to", Doc: "contracts of this Sold To", Integer: true},
				{Name: "end_user", Doc: "contracts of this End User", Integer: true},
			},
			Answer: []apiContract{}, Status: http.StatusOK, Handle: s.apiContracts,
		},
		{
			Method: "POST", Path: "/api/v1/contracts", Tag: "accounts", Summary: "Add a Service Contract (portal admins)",
			Body: apiContract{}, Answer: apiContract{}, Status: http.StatusCreated, Handle: s.apiSaveContract, Fields: contractFields,
		},
		{
			Method: "PUT", Path: "/api/v1/contracts/{id}", Tag: "accounts", Summary: "Replace a Service Contract (portal admins)",
			Body: apiContract{}, Answer: apiContract{}, Status: http.StatusOK, Handle: s.apiSaveContract, Fields: contractFields,
		},
		{
			Method: "GET", Path: "/api/v1/contacts", Tag: "accounts", Summary: "Contacts (staff)",
			Query:  []apiParam{{Name: "company", Doc: "contacts of this company", Integer: true}, {Name: "q", Doc: "start of the email, first or last name"}},
			Answer: []apiUser{}, Status: http.StatusOK, Handle: s.apiContacts,
		},
		{
			Method: "POST", Path: "/api/v1/contacts", Tag: "accounts", Summary: "Add a contact (portal admins); they get a PIN and an email with a link to set a password, valid 7 days (none when added disabled)",
			Body: apiContactInput{}, Answer: apiContact{}, Status: http.StatusCreated, Handle: s.apiCreateContact, Fields: contactFields,
		},
		{
			Method: "GET", Path: "/api/v1/contacts/{id}", Tag: "accounts", Summary: "A contact with their grants and the level each counts for now (staff)",
			Answer: apiContact{}, Status: http.StatusOK, Handle: s.apiContact,
		},
		{
			Method: "PATCH", Path: "/api/v1/contacts/{id}", Tag: "accounts", Summary: "Change a contact (portal admins)",
			Body: apiContactInput{}, Answer: apiContact{}, Status: http.StatusOK, Handle: s.apiUpdateContact, Fields: contactFields,
		},
		{
			Method: "PUT", Path: "/api/v1/contacts/{id}/grants", Tag: "accounts", Summary: "Set a contact's level on a combination; none removes it (portal admins)",
			Body: apiGrant{}, Answer: apiContact{}, Status: http.StatusOK, Handle: s.apiSetGrant,
		},
		{
			Method: "POST", Path: "/api/v1/products", Tag: "accounts", Summary: "Add a product with its components (portal admins)",
			Body: apiNewProduct{}, Answer: apiCreated{}, Status: http.StatusCreated, Handle: s.apiCreateProduct,
		},
		{
			Method: "POST", Path: "/api/v1/products/{id}/components", Tag: "accounts", Summary: "Add a component to a product (portal admins)",
			Body: apiNewComponent{}, Answer: apiCreated{}, Status: http.StatusCreated, Handle: s.apiAddComponent,
		},
		{
			Method: "GET", Path: "/api/v1/staff", Tag: "admin", Summary: "Staff members and their roles (staff)",
			Answer: []apiUser{}, Status: http.StatusOK, Handle: s.apiStaff,
		},
		{
			Method: "POST", Path: "/api/v1/staff", Tag: "admin", Summary: "Add a staff member (portal admins)",
			Body: apiNewStaff{}, Answer: apiCreated{}, Status: http.StatusCreated, Handle: s.apiCreateStaff,
		},
	}
}

type apiCompany struct {
	ID         int64  `json:"id"`
	OrgID      string `json:"org_id"`
	Name       string `json:"name"`
	Country    string `json:"country"`
	ParentID   int64  `json:"parent_id,omitempty"`
	CalendarID int64  `json:"calendar_id,omitempty"`
}

type apiCompanyInput struct {
	OrgID      string `json:"org_id"`
	Name       string `json:"name"`
	Country    string `json:"country"`
	ParentID   int64  `json:"parent_id,omitempty"`
	CalendarID int64  `json:"calendar_id,omitempty"`
}

type apiCompanyDetail struct {
	Company            apiCompany    `json:"company"`
	Contracts          []apiContract `json:"contracts"`
	Contacts           []apiUser     `json:"contacts"`
	Approvers          []apiRef      `json:"approvers"`
	DesignatedContacts int           `json:"designated_contacts"`
	Warnings           []string      `json:"warnings,omitempty"`
}

type apiContract struct {
	ID             int64    `json:"id,omitempty"`
	Number         string   `json:"number"`
	SoldToID       int64    `json:"sold_to_id"`
	EndUserID      int64    `json:"end_user_id"`
	SupportOwnerID int64    `json:"support_owner_id,omitempty"`
	Level          string   `json:"level"`
	FlexCare       []string `json:"flex_care,omitempty"`
	Deployment     string   `json:"deployment"`
	ProductIDs     []int64  `json:"product_ids"`
	// Starts and Ends are the first and last day covered, YYYY-MM-DD.
	Starts string `json:"starts"`
	Ends   string `json:"ends"`
	State  string `json:"state"`
	// Status is what the contract is when answered (active, not_started,
	// ended, terminated or closed); not read from a body.
	Status string `json:"status,omitempty"`
	// CalendarID is the business-hours calendar of its service levels.
	CalendarID int64 `json:"calendar_id,omitempty"`
}

type apiContact struct {
	apiUser
	Disabled        bool       `json:"disabled"`
	TermsVersion    string     `json:"terms_version,omitempty"`
	TermsAcceptedAt *time.Time `json:"terms_accepted_at,omitempty"`
	Grants          []apiGrant `json:"grants"`
}

type apiContactInput struct {
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	CompanyID int64  `json:"company_id"`
	Country   string `json:"country"`
	Phone     string `json:"phone,omitempty"`
	Mobile    string `json:"mobile,omitempty"`
	Disabled  bool   `json:"disabled,omitempty"`
}

type apiGrant struct {
	SoldToID  int64  `json:"sold_to_id"`
	EndUserID int64  `json:"end_user_id"`
	Level     string `json:"level"`
	// EffectiveLevel is the level that counts now (read only).
	EffectiveLevel string `json:"effective_level,omitempty"`
}

type apiNewProduct struct {
	Name       string   `json:"name"`
	Components []string `json:"components,omitempty"`
}

type apiNewComponent struct {
	Name string `json:"name"`
}

type apiCallerQuery struct {
	PIN string `json:"pin"`
}

type apiCaller struct {
	Contact apiUser `json:"contact"`
	Company apiRef  `json:"company"`
	// Designated is true when the caller is a Designated Contact of at
	// least one combination now.
	Designated   bool             `json:"designated"`
	Combinations []apiCombination `json:"combinations"`
}

// Accounts (staff read them; portal admins change them).

func toAPICompany(c *desk.Company) apiCompany {
	return apiCompany{ID: c.ID, OrgID: c.OrgID, Name: c.Name, Country: c.Country, ParentID: c.ParentID, CalendarID: c.CalendarID}
}

func (s *Server) apiCompanies(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	cs, err := s.accounts.Companies(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiCompany, 0, len(cs))
	for i := range cs {
		out = append(out, toAPICompany(&cs[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateCompany(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiCompanyInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	id, err := s.accounts.CreateCompany(r.Context(), request(r, a), &desk.Company{OrgID: in.OrgID, Name: in.Name, Country: in.Country, ParentID: in.ParentID, CalendarID: in.CalendarID})
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/companies/%d", id))
	return s.apiCompanyAnswer(w, r, a, id, http.StatusCreated)
}

func (s *Server) apiCompanyAnswer(w http.ResponseWriter, r *http.Request, a *desk.Actor, id int64, status int) error {
	v, err := s.accounts.Company(r.Context(), request(r, a), id)
	if err != nil {
		return err
	}
	out := apiCompanyDetail{
		Company: toAPICompany(v.Company), Contracts: make([]apiContract, 0, len(v.Contracts)),
		Contacts: make([]apiUser, 0, len(v.Contacts)), Approvers: make([]apiRef, 0, len(v.Approvers)),
		DesignatedContacts: v.DesignatedContacts,
	}
	for _, m := range v.Warnings {
		out.Warnings = append(out.Warnings, s.loc(r).Message(m))
	}
	for i := range v.Contracts {
		out.Contracts = append(out.Contracts, toAPIContract(&v.Contracts[i], v.Now))
	}
	for i := range v.Contacts {
		out.Contacts = append(out.Contacts, toAPIUser(&v.Contacts[i]))
	}
	for _, ap := range v.Approvers {
		out.Approvers = append(out.Approvers, apiRef{ap.ID, ap.Name()})
	}
	writeJSON(w, status, out)
	return nil
}

func (s *Server) apiCompany(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.apiCompanyAnswer(w, r, a, id, http.StatusOK)
}

func (s *Server) apiUpdateCompany(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiCompanyInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c := &desk.Company{ID: id, OrgID: in.OrgID, Name: in.Name, Country: in.Country, ParentID: in.ParentID, CalendarID: in.CalendarID}
	if err := s.accounts.UpdateCompany(r.Context(), request(r, a), c); err != nil {
		return err
	}
	return s.apiCompanyAnswer(w, r, a, id, http.StatusOK)
}

func (s *Server) apiSetApprover(on bool) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		contact, err := pathID(r, "contact")
		if err != nil {
			return err
		}
		if err := s.access.SetApprover(r.Context(), request(r, a), id, contact, on); err != nil {
			return err
		}
		writeJSON(w, http.StatusNoContent, nil)
		return nil
	}
}

// toAPIContract is a contract as the API answers it, with what it is at now.
func toAPIContract(c *desk.Contract, now time.Time) apiContract {
	out := apiContract{
		ID: c.ID, Number: c.Number, SoldToID: c.SoldToID, EndUserID: c.EndUserID, SupportOwnerID: c.SupportOwnerID,
		Level: string(c.Level), Deployment: string(c.Deployment), ProductIDs: c.ProductIDs,
		Starts: c.Starts.Format(dateForm), Ends: c.Ends.Format(dateForm), State: string(c.State),
		Status: string(c.StatusAt(now)), CalendarID: c.CalendarID,
	}
	for _, f := range c.FlexCare {
		out.FlexCare = append(out.FlexCare, string(f))
	}
	if out.ProductIDs == nil {
		out.ProductIDs = []int64{}
	}
	return out
}

func (s *Server) apiContracts(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	f := desk.ContractFilter{CompanyID: atoi64(q.Get("company")), SoldToID: atoi64(q.Get("sold_to")), EndUserID: atoi64(q.Get("end_user"))}
	l, err := s.accounts.Contracts(r.Context(), request(r, a), f)
	if err != nil {
		return err
	}
	out := make([]apiContract, 0, len(l.Contracts))
	for i := range l.Contracts {
		out = append(out, toAPIContract(&l.Contracts[i], l.Now))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiSaveContract creates (POST) or replaces (PUT …/{id}) a contract.
func (s *Server) apiSaveContract(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiContract
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := desk.Authorize(a, desk.ManageContracts, desk.Target{}); err != nil { // the policy before the fields
		return err
	}
	c := &desk.Contract{
		Number: in.Number, SoldToID: in.SoldToID, EndUserID: in.EndUserID, SupportOwnerID: in.SupportOwnerID,
		Level: desk.SupportLevel(in.Level), Deployment: desk.Deployment(in.Deployment), ProductIDs: in.ProductIDs,
		State: desk.ContractState(in.State), CalendarID: in.CalendarID,
	}
	status := http.StatusCreated
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		c.ID, status = id, http.StatusOK
	}
	for _, f := range in.FlexCare {
		c.FlexCare = append(c.FlexCare, desk.FlexCare(f))
	}
	p := desk.Problems{}
	for field, v := range map[string]struct {
		raw string
		dst *time.Time
	}{"starts": {in.Starts, &c.Starts}, "ends": {in.Ends, &c.Ends}} {
		t, err := time.Parse(dateForm, v.raw)
		if err != nil {
			p.Add(field, webMessage("form.give_a_date_as_yyyy_mm"))
			continue
		}
		*v.dst = t
	}
	if err := p.Err(); err != nil {
		return err
	}
	id, err := s.accounts.SaveContract(r.Context(), request(r, a), c)
	if err != nil {
		return err
	}
	l, err := s.accounts.Contracts(r.Context(), request(r, a), desk.ContractFilter{ID: id})
	if err != nil {
		return err
	}
	if len(l.Contracts) == 0 {
		return desk.ErrNotFound
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/contracts/%d", id))
	}
	writeJSON(w, status, toAPIContract(&l.Contracts[0], l.Now))
	return nil
}

func (s *Server) apiContacts(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	us, err := s.accounts.Contacts(r.Context(), request(r, a), desk.UserFilter{CompanyID: atoi64(q.Get("company")), Query: q.Get("q")})
	if err != nil {
		return err
	}
	out := make([]apiUser, 0, len(us))
	for i := range us {
		out = append(out, toAPIUser(&us[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiContactAnswer(w http.ResponseWriter, r *http.Request, a *desk.Actor, id int64, status int) error {
	cv, err := s.accounts.Contact(r.Context(), request(r, a), id)
	if err != nil {
		return err
	}
	out := apiContact{
		apiUser: toAPIUser(cv.Contact), Disabled: cv.Contact.Disabled, TermsVersion: cv.Contact.TermsVersion,
		TermsAcceptedAt: optTime(cv.Contact.TermsAcceptedAt), Grants: make([]apiGrant, 0, len(cv.Grants)),
	}
	for _, g := range cv.Grants {
		out.Grants = append(out.Grants, apiGrant{
			SoldToID: g.SoldToID, EndUserID: g.EndUserID, Level: g.Level.String(), EffectiveLevel: cv.Effective[g.Combination].String(),
		})
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/contacts/%d", id))
	}
	writeJSON(w, status, out)
	return nil
}

func (s *Server) apiContact(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.apiContactAnswer(w, r, a, id, http.StatusOK)
}

func (in *apiContactInput) input() support.ContactInput {
	return support.ContactInput{
		ProfileInput: desk.ProfileInput{
			FirstName: in.FirstName, LastName: in.LastName, Email: in.Email, CompanyID: in.CompanyID,
			Country: in.Country, Phone: in.Phone, Mobile: in.Mobile,
		},
		Disabled: in.Disabled,
	}
}

func (s *Server) apiCreateContact(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiContactInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	id, err := s.accounts.CreateContact(r.Context(), request(r, a), in.input())
	if err != nil {
		return err
	}
	return s.apiContactAnswer(w, r, a, id, http.StatusCreated)
}

func (s *Server) apiUpdateContact(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiContactInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.accounts.UpdateContact(r.Context(), request(r, a), id, in.input()); err != nil {
		return err
	}
	return s.apiContactAnswer(w, r, a, id, http.StatusOK)
}

// apiSetGrant sets the contact's level on a combination; level "none"
// removes it.
func (s *Server) apiSetGrant(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiGrant
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := desk.Authorize(a, desk.ManageContacts, desk.Target{}); err != nil { // the policy before the fields
		return err
	}
	level := desk.NoAccess
	if in.Level != "none" {
		l, ok := desk.ParseAccessLevel(in.Level)
		if !ok {
			return invalid("level", "form.give_basic_read_only_read_write")
		}
		level = l
	}
	g := desk.Grant{ContactID: id, Combination: desk.Combination{SoldToID: in.SoldToID, EndUserID: in.EndUserID}, Level: level}
	if err := s.access.SetGrant(r.Context(), request(r, a), g); err != nil {
		return err
	}
	return s.apiContactAnswer(w, r, a, id, http.StatusOK)
}

func (s *Server) apiCreateProduct(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiNewProduct
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	id, err := s.accounts.CreateProduct(r.Context(), request(r, a), in.Name, in.Components)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiCreated{ID: id})
	return nil
}

func (s *Server) apiAddComponent(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiNewComponent
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cid, err := s.accounts.AddComponent(r.Context(), request(r, a), id, in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiCreated{ID: cid})
	return nil
}

// apiVerifyCaller takes the PIN in the body, never in the URL.
func (s *Server) apiVerifyCaller(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiCallerQuery
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.cases.VerifyCaller(r.Context(), request(r, a), in.PIN)
	if err != nil {
		return err
	}
	cat, err := s.accounts.Catalog(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := apiCaller{
		Contact: toAPIUser(c.Contact), Company: apiRef{c.Company.ID, c.Company.Name},
		Designated: c.Designated, Combinations: make([]apiCombination, 0, len(c.Combos)),
	}
	for _, cb := range c.Combos {
		out.Combinations = append(out.Combinations, toAPICombination(cb, cat))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// Administration.

type apiNewStaff struct {
	Email     string   `json:"email"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	Roles     []string `json:"roles"`
	Password  string   `json:"password"`
}

func (s *Server) apiStaff(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	us, err := s.accounts.StaffUsers(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiUser, 0, len(us))
	for i := range us {
		out = append(out, toAPIUser(&us[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateStaff(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiNewStaff
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	u := &desk.User{Kind: desk.KindStaff, Email: in.Email, FirstName: in.FirstName, LastName: in.LastName}
	for _, role := range in.Roles {
		u.Roles = append(u.Roles, desk.Role(role))
	}
	id, err := s.accounts.CreateStaff(r.Context(), request(r, a), u, in.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiCreated{ID: id})
	return nil
}
