package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/hours"
	"github.com/caseport/caseport/internal/support"
)

// The console's account pages: companies, their Service Contracts,
// contacts, access grants and Designated Approvers. Portal admins change
// them; every staff member may look.

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.ErrNotFound
	}
	return id, nil
}

// companyNames maps company IDs to names, for pages that show contracts.
func (s *Server) companyNames(r *http.Request, a *desk.Actor) ([]desk.Company, map[int64]string, error) {
	cs, err := s.accounts.Companies(r.Context(), request(r, a))
	if err != nil {
		return nil, nil, err
	}
	names := make(map[int64]string, len(cs))
	for _, c := range cs {
		names[c.ID] = c.Name
	}
	return cs, names, nil
}

// The console's account pages.
var (
	pageCompanies = page[companiesData]{"console-companies"}
	pageCompany   = page[companyData]{"console-company"}
	pageContract  = page[contractData]{"console-contract"}
	pageContact   = page[contactData]{"console-contact"}
)

// companiesData is the list of companies (those found by a search, all
// for the new company form's parent) and the form to add one.
type companiesData struct {
	Companies []desk.Company
	All       []desk.Company
	Names     map[int64]string
	Calendars []hours.CalendarRow
}

type companyData struct {
	V          *support.CompanyView
	Names      map[int64]string
	All        []desk.Company
	Contacts   []contactLine
	IsApprover map[int64]bool
	Calendars  []hours.CalendarRow
	Today      time.Time
}

type contractData struct {
	Companies   []desk.Company
	Catalog     *desk.Catalog
	Levels      []desk.SupportLevel
	FlexCare    []desk.FlexCare
	States      []desk.ContractState
	Deployments []desk.Deployment
	Calendars   []hours.CalendarRow
	// Status is what a saved contract is now, with the dates it was saved
	// with; empty for a new one.
	Status       desk.ContractStatus
	Starts, Ends time.Time
}

// contactData is a contact (C, nil for a new one) with their grants and
// the combinations a grant can name.
type contactData struct {
	Companies []desk.Company
	Levels    []desk.AccessLevel
	C         *support.ContactView
	Grants    []grantView
	Combos    []grantView
}

func (s *Server) companies(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showCompanies(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showCompanies(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	cs, names, err := s.companyNames(r, a)
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	shown := cs
	if q != "" {
		shown = nil
		for _, c := range cs {
			if strings.Contains(strings.ToLower(c.Name), q) || strings.Contains(strings.ToLower(c.OrgID), q) {
				shown = append(shown, c)
			}
		}
	}
	if form == nil {
		form = r.URL.Query()
	}
	render(s, w, r, status, pageCompanies, &view{
		Title: s.loc(r).T("title.companies"), User: a.User, Form: form, Errors: errs,
	}, companiesData{Companies: shown, All: cs, Names: names, Calendars: s.calendarsFor(r, a)})
	return nil
}

func companyInput(r *http.Request) *desk.Company {
	return &desk.Company{
		OrgID: r.PostForm.Get("org_id"), Name: r.PostForm.Get("name"), Country: r.PostForm.Get("country"),
		ParentID: formInt(r, "parent"), CalendarID: formInt(r, "calendar"),
	}
}

func (s *Server) createCompany(r *http.Request, req support.Request) (string, string, error) {
	id, err := s.accounts.CreateCompany(r.Context(), req, companyInput(r))
	if err != nil {
		return "", "", err
	}
	return "/console/companies/" + strconv.FormatInt(id, 10), s.loc(r).T("notice.the_company_is_created"), nil
}

func (s *Server) company(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showCompany(w, r, a, http.StatusOK, nil, nil)
}

// contactLine is a contact of the company with their grants and the level
// each counts for now.
type contactLine struct {
	desk.User
	Grants []grantView
}

type grantView struct {
	desk.Grant
	SoldTo, EndUser string
	Effective       desk.AccessLevel
}

func (s *Server) showCompany(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	req := request(r, a)
	v, err := s.accounts.Company(r.Context(), req, id)
	if err != nil {
		return err
	}
	all, names, err := s.companyNames(r, a)
	if err != nil {
		return err
	}
	var contacts []contactLine
	for _, c := range v.Contacts {
		cv, err := s.accounts.Contact(r.Context(), req, c.ID)
		if err != nil {
			return err
		}
		contacts = append(contacts, contactLine{User: c, Grants: grantViews(cv, names)})
	}
	if form.Get("name") == "" {
		// Not the company form that failed (or no form): show the company.
		form = withDefaults(form, url.Values{
			"org_id": {v.Company.OrgID}, "name": {v.Company.Name}, "country": {v.Company.Country},
			"parent": {strconv.FormatInt(v.Company.ParentID, 10)}, "calendar": {strconv.FormatInt(v.Company.CalendarID, 10)},
		})
	}
	approver := map[int64]bool{}
	for _, ap := range v.Approvers {
		approver[ap.ID] = true
	}
	render(s, w, r, status, pageCompany, &view{
		Title: v.Company.Name, User: a.User, Form: form, Errors: errs,
	}, companyData{
		V: v, Names: names, All: all, Contacts: contacts, IsApprover: approver, Calendars: s.calendarsFor(r, a),
		Today: v.Now.UTC(),
	})
	return nil
}

// withDefaults returns form with the values of defaults it lacks.
func withDefaults(form, defaults url.Values) url.Values {
	out := url.Values{}
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range form {
		out[k] = v
	}
	return out
}

func grantViews(cv *support.ContactView, names map[int64]string) []grantView {
	out := make([]grantView, 0, len(cv.Grants))
	for _, g := range cv.Grants {
		out = append(out, grantView{Grant: g, SoldTo: names[g.SoldToID], EndUser: names[g.EndUserID], Effective: cv.Effective[g.Combination]})
	}
	return out
}

func (s *Server) updateCompany(r *http.Request, req support.Request) (string, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	c := companyInput(r)
	c.ID = id
	return "/console/companies/" + strconv.FormatInt(id, 10), s.loc(r).T("notice.the_company_is_saved"), s.accounts.UpdateCompany(r.Context(), req, c)
}

// setApprover adds (on=1) or removes a Designated Approver of the company.
func (s *Server) setApprover(r *http.Request, req support.Request) (string, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	on := r.PostForm.Get("on") == "1"
	to := "/console/companies/" + strconv.FormatInt(id, 10)
	notice := s.loc(r).T("notice.the_designated_approver_is_added")
	if !on {
		notice = s.loc(r).T("notice.the_designated_approver_is_removed")
	}
	return to, notice, s.access.SetApprover(r.Context(), req, id, formInt(r, "contact"), on)
}

// Contracts.

func (s *Server) contractForm(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	form := url.Values{}
	if id, err := pathID(r, "id"); err == nil {
		l, err := s.accounts.Contracts(r.Context(), request(r, a), desk.ContractFilter{ID: id})
		if err != nil {
			return err
		}
		if len(l.Contracts) == 0 {
			return desk.ErrNotFound
		}
		form = contractValues(&l.Contracts[0])
	} else {
		c := r.URL.Query().Get("company")
		form.Set("sold_to", c)
		form.Set("end_user", c)
		form.Set("state", string(desk.ContractActive))
		form.Set("level", string(desk.BusinessCare))
		form.Set("deployment", string(desk.Premise))
	}
	return s.showContract(w, r, a, http.StatusOK, form, nil)
}

const dateForm = "2006-01-02"

func contractValues(c *desk.Contract) url.Values {
	v := url.Values{
		"id": {strconv.FormatInt(c.ID, 10)}, "number": {c.Number},
		"sold_to": {strconv.FormatInt(c.SoldToID, 10)}, "end_user": {strconv.FormatInt(c.EndUserID, 10)},
		"support_owner": {strconv.FormatInt(c.SupportOwnerID, 10)}, "level": {string(c.Level)},
		"deployment": {string(c.Deployment)}, "starts": {c.Starts.Format(dateForm)}, "ends": {c.Ends.Format(dateForm)},
		"state": {string(c.State)}, "calendar": {strconv.FormatInt(c.CalendarID, 10)},
	}
	for _, f := range c.FlexCare {
		v.Add("flex_care", string(f))
	}
	for _, p := range c.ProductIDs {
		v.Add("products", strconv.FormatInt(p, 10))
	}
	return v
}

func (s *Server) showContract(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	all, _, err := s.companyNames(r, a)
	if err != nil {
		return err
	}
	cat, err := s.accounts.Catalog(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	data := contractData{
		Companies: all, Catalog: cat, Levels: desk.SupportLevels, FlexCare: desk.FlexCareAddOns,
		States: desk.ContractStates, Deployments: []desk.Deployment{desk.Premise, desk.Cloud}, Calendars: s.calendarsFor(r, a),
	}
	title := s.loc(r).T("title.new_service_contract")
	if id, _ := strconv.ParseInt(form.Get("id"), 10, 64); id != 0 {
		title = s.loc(r).T("title.service_contract", "Number", form.Get("number"))
		// What the saved contract is now, beside the state the form edits.
		l, err := s.accounts.Contracts(r.Context(), request(r, a), desk.ContractFilter{ID: id})
		if err != nil {
			return err
		}
		if len(l.Contracts) == 1 {
			data.Status = l.Contracts[0].StatusAt(l.Now)
			data.Starts, data.Ends = l.Contracts[0].Starts, l.Contracts[0].Ends
		}
	}
	render(s, w, r, status, pageContract, &view{
		Title: title, User: a.User, Form: form, Errors: errs,
	}, data)
	return nil
}

// saveContract creates or updates a contract from the form; dates that do
// not parse are reported on their field, nothing is saved.
func (s *Server) saveContract(r *http.Request, req support.Request) (string, string, error) {
	if err := desk.Authorize(req.Actor, desk.ManageContracts, desk.Target{}); err != nil { // the policy before the form
		return "", "", err
	}
	f := r.PostForm
	c := &desk.Contract{
		ID: formInt(r, "id"), Number: f.Get("number"), SoldToID: formInt(r, "sold_to"), EndUserID: formInt(r, "end_user"),
		SupportOwnerID: formInt(r, "support_owner"), Level: desk.SupportLevel(f.Get("level")),
		Deployment: desk.Deployment(f.Get("deployment")), State: desk.ContractState(f.Get("state")),
		CalendarID: formInt(r, "calendar"),
	}
	for _, v := range f["flex_care"] {
		c.FlexCare = append(c.FlexCare, desk.FlexCare(v))
	}
	for _, v := range f["products"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			c.ProductIDs = append(c.ProductIDs, n)
		}
	}
	// A date that cannot be read is refused here; the service checks the
	// rest of the contract with it, and saves nothing.
	for _, d := range []struct {
		field, id string
		dst       *time.Time
	}{{"starts", "form.enter_the_start_date_as", &c.Starts}, {"ends", "form.enter_the_end_date_as", &c.Ends}} {
		t, err := time.Parse(dateForm, strings.TrimSpace(f.Get(d.field)))
		if err != nil {
			req.Problems.Add(d.field, webMessage(d.id))
			continue
		}
		*d.dst = t
	}
	if _, err := s.accounts.SaveContract(r.Context(), req, c); err != nil {
		return "", "", err
	}
	return "/console/companies/" + strconv.FormatInt(c.SoldToID, 10), s.loc(r).T("notice.contract_saved", "Number", c.Number), nil
}

// Contacts.

func (s *Server) contactForm(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	form := url.Values{"company": {r.URL.Query().Get("company")}}
	return s.showContact(w, r, a, http.StatusOK, form, nil)
}

func (s *Server) contact(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showContact(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showContact(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	all, names, err := s.companyNames(r, a)
	if err != nil {
		return err
	}
	data := contactData{Companies: all, Levels: desk.AccessLevels}
	title := s.loc(r).T("title.new_contact")
	if id, err := pathID(r, "id"); err == nil {
		cv, err := s.accounts.Contact(r.Context(), request(r, a), id)
		if err != nil {
			return err
		}
		data.C, data.Grants = cv, grantViews(cv, names)
		// The combinations a grant can name: those of the employer's
		// contracts, as Sold To or End User.
		l, err := s.accounts.Contracts(r.Context(), request(r, a), desk.ContractFilter{CompanyID: cv.Contact.CompanyID})
		if err != nil {
			return err
		}
		seen := map[desk.Combination]bool{}
		var combos []grantView
		for _, c := range l.Contracts {
			cb := desk.Combination{SoldToID: c.SoldToID, EndUserID: c.EndUserID}
			if !seen[cb] {
				seen[cb] = true
				combos = append(combos, grantView{Grant: desk.Grant{Combination: cb}, SoldTo: names[cb.SoldToID], EndUser: names[cb.EndUserID]})
			}
		}
		data.Combos = combos
		title = cv.Contact.Name()
		if form.Get("email") == "" {
			// Not the contact form that failed (or no form): show the contact.
			u := cv.Contact
			saved := url.Values{
				"first_name": {u.FirstName}, "last_name": {u.LastName}, "email": {u.Email},
				"company": {strconv.FormatInt(u.CompanyID, 10)}, "country": {u.Country},
				"phone": {u.Phone}, "mobile": {u.Mobile},
			}
			if u.Disabled {
				saved.Set("disabled", "on")
			}
			form = withDefaults(form, saved)
		}
	}
	render(s, w, r, status, pageContact, &view{Title: title, User: a.User, Form: form, Errors: errs}, data)
	return nil
}

func contactInput(r *http.Request) support.ContactInput {
	f := r.PostForm
	return support.ContactInput{
		ProfileInput: desk.ProfileInput{
			FirstName: f.Get("first_name"), LastName: f.Get("last_name"), Email: f.Get("email"),
			CompanyID: formInt(r, "company"), Country: f.Get("country"), Phone: f.Get("phone"), Mobile: f.Get("mobile"),
		},
		Disabled: f.Get("disabled") == "on",
	}
}

func (s *Server) createContact(r *http.Request, req support.Request) (string, string, error) {
	in := contactInput(r)
	id, err := s.accounts.CreateContact(r.Context(), req, in)
	if err != nil {
		return "", "", err
	}
	notice := s.loc(r).T("notice.the_contact_is_created_and_was")
	if in.Disabled {
		notice = s.loc(r).T("notice.the_contact_is_created_disabled_no")
	}
	return "/console/contacts/" + strconv.FormatInt(id, 10), notice, nil
}

func (s *Server) updateContact(r *http.Request, req support.Request) (string, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	return "/console/contacts/" + strconv.FormatInt(id, 10), s.loc(r).T("notice.the_contact_is_saved"), s.accounts.UpdateContact(r.Context(), req, id, contactInput(r))
}

// setGrant gives the contact a level on a combination; "none" removes it.
func (s *Server) setGrant(r *http.Request, req support.Request) (string, string, error) {
	if err := desk.Authorize(req.Actor, desk.ManageContacts, desk.Target{}); err != nil { // the policy before the form
		return "", "", err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	level := desk.NoAccess
	if v := r.PostForm.Get("level"); v != "none" {
		l, ok := desk.ParseAccessLevel(v)
		if !ok {
			return "", "", invalid("level", "form.choose_a_level")
		}
		level = l
	}
	g := desk.Grant{ContactID: id, Combination: combination(r.PostForm.Get("combination")), Level: level}
	return "/console/contacts/" + strconv.FormatInt(id, 10), s.loc(r).T("notice.the_access_is_saved"), s.access.SetGrant(r.Context(), req, g)
}

// calendarsFor lists the calendars for a form's select; none on error
// (the select then offers only the default).
func (s *Server) calendarsFor(r *http.Request, a *desk.Actor) []hours.CalendarRow {
	cals, err := s.sla.Calendars(r.Context(), request(r, a))
	if err != nil {
		return nil
	}
	return cals
}
