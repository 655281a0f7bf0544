package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/hours"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/support"
)

// The JSON API: what a customer or staff member can do in the browser,
// for scripts, with personal API tokens. The routes are in apiRoutes; the
// shapes of the bodies are the api* types below, which the OpenAPI
// document is generated from. The PIN appears in one answer only: /me.

// errBadRequest is a body the API cannot read.
var errBadRequest = errors.New("bad request")

// maxBody bounds a JSON request body.
const maxBody = 1 << 20

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// decodeJSON reads a request body into v, strictly: unknown fields and
// trailing data are errors, so a misspelt field is not silently ignored.
// The body must be UTF-8 (the JSON decoder would quietly replace what is
// not), and every string in it passes desk's text check under its JSON
// name, so the API answers 422 with the fields that are wrong.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("send the body as application/json, not %s: %w", ct, errBadRequest)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return fmt.Errorf("the body is larger than %d MB: %w", maxBody>>20, errTooLarge)
	case err != nil:
		return fmt.Errorf("read the body: %w", err)
	case !utf8.Valid(body):
		return fmt.Errorf("the body is not valid UTF-8: %w", errBadRequest)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the body is not valid JSON for this call: %s: %w", strings.TrimPrefix(err.Error(), "json: "), errBadRequest)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("the body holds more than one JSON value: %w", errBadRequest)
	}
	p := desk.Problems{}
	checkJSONText(p, "", reflect.ValueOf(v))
	return p.Err()
}

// checkJSONText checks every string under v by the JSON name of the field
// that holds it (the elements of a list by the list's name).
func checkJSONText(p desk.Problems, name string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkJSONText(p, name, v.Elem())
		}
	case reflect.String:
		p.CheckText(name, v.String())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			checkJSONText(p, name, v.Index(i))
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			checkJSONText(p, name, it.Key())
			checkJSONText(p, name, it.Value())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if field, _, ok := jsonField(v.Type().Field(i)); ok {
				checkJSONText(p, cmp.Or(field, name), v.Field(i))
			}
		}
	}
}

// Types of the API's bodies. Times are RFC 3339 in UTC; empty ones are
// left out.

type apiUser struct {
	ID        int64    `json:"id"`
	Kind      string   `json:"kind"`
	Email     string   `json:"email"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	CompanyID int64    `json:"company_id,omitempty"`
	Country   string   `json:"country,omitempty"`
	Phone     string   `json:"phone,omitempty"`
	Mobile    string   `json:"mobile,omitempty"`
	Roles     []string `json:"roles,omitempty"`
	// PIN is the contact's phone identification code; only /me has it.
	PIN string `json:"pin,omitempty"`
}

func toAPIUser(u *desk.User) apiUser {
	out := apiUser{
		ID: u.ID, Kind: string(u.Kind), Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		CompanyID: u.CompanyID, Country: u.Country, Phone: u.Phone, Mobile: u.Mobile,
	}
	for _, r := range u.Roles {
		out.Roles = append(out.Roles, string(r))
	}
	return out
}

type apiRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiCase struct {
	Number         string     `json:"number"`
	Summary        string     `json:"summary"`
	Description    string     `json:"description"`
	Status         string     `json:"status"`
	SubStatus      string     `json:"substatus"`
	Priority       string     `json:"priority"`
	Severity       int        `json:"severity,omitempty"`
	Type           string     `json:"type"`
	SubType        string     `json:"sub_type"`
	SoldTo         apiRef     `json:"sold_to"`
	EndUser        apiRef     `json:"end_user"`
	Contact        apiRef     `json:"contact"`
	Owner          *apiRef    `json:"owner,omitempty"`
	Product        apiRef     `json:"product"`
	Component      apiRef     `json:"component"`
	Stage          string     `json:"stage"`
	SecurityThreat bool       `json:"security_threat"`
	BusinessImpact string     `json:"business_impact,omitempty"`
	AgentsAffected int        `json:"agents_affected,omitempty"`
	ExternalRef    string     `json:"external_ref,omitempty"`
	LinkedCase     string     `json:"linked_case,omitempty"`
	CloseComment   string     `json:"close_comment,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
}

func toAPICase(r *store.CaseRow) apiCase {
	c := &r.Case
	out := apiCase{
		Number: c.Number(), Summary: c.Summary, Description: c.Description, Status: string(c.Status),
		SubStatus: string(c.SubStatus), Priority: string(c.Priority), Severity: c.Severity, Type: string(c.Type),
		SubType: c.SubType, SoldTo: apiRef{c.SoldToID, r.SoldToName}, EndUser: apiRef{c.EndUserID, r.EndUserName},
		Contact: apiRef{c.ContactID, r.ContactName}, Product: apiRef{c.ProductID, r.ProductName},
		Component: apiRef{c.ComponentID, r.ComponentName}, Stage: string(c.Stage), SecurityThreat: c.SecurityThreat,
		BusinessImpact: c.BusinessImpact, AgentsAffected: c.AgentsAffected, ExternalRef: c.ExternalRef,
		CloseComment: c.CloseComment, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, ClosedAt: optTime(c.ClosedAt),
	}
	if c.OwnerID != 0 {
		out.Owner = &apiRef{c.OwnerID, r.OwnerName}
	}
	if c.LinkedCaseID != 0 {
		out.LinkedCase = desk.FormatCaseNumber(c.LinkedCaseID)
	}
	return out
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

type apiCaseList struct {
	Cases []apiCase `json:"cases"`
	// NextCursor asks for the next page (?cursor=); empty on the last.
	NextCursor string `json:"next_cursor,omitempty"`
}

type apiEntry struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

type apiClock struct {
	Kind   string `json:"kind"`
	Target string `json:"target"`
	// State is running, paused or met.
	State     string     `json:"state"`
	StartedAt time.Time  `json:"started_at"`
	DueAt     *time.Time `json:"due_at,omitempty"`
	// LeftSeconds is the business time left while paused.
	LeftSeconds int64      `json:"left_seconds,omitempty"`
	MetAt       *time.Time `json:"met_at,omitempty"`
	Missed      bool       `json:"missed"`
}

func toAPIClock(ck *desk.Clock, now time.Time) apiClock {
	out := apiClock{
		Kind: string(ck.Kind), Target: ck.Unit.Describe(ck.Amount), State: "running", StartedAt: ck.StartedAt,
		DueAt: optTime(ck.DueAt), MetAt: optTime(ck.MetAt), Missed: ck.Missed(now),
	}
	switch {
	case !ck.MetAt.IsZero():
		out.State = "met"
	case ck.Paused():
		out.State, out.LeftSeconds = "paused", int64(ck.Left.Seconds())
	}
	return out
}

type apiCaseDetail struct {
	Case apiCase `json:"case"`
	// Clocks are the service-level clocks.
	Clocks []apiClock `json:"clocks"`
	// Feed is the Case Feed, newest first; internal notes only for staff.
	Feed       []apiEntry `json:"feed"`
	CanComment bool       `json:"can_comment"`
	CanClose   bool       `json:"can_close"`
	CanReopen  bool       `json:"can_reopen"`
}

type apiNewCase struct {
	SoldToID       int64  `json:"sold_to_id"`
	EndUserID      int64  `json:"end_user_id"`
	ContactID      int64  `json:"contact_id,omitempty"`
	Type           string `json:"type"`
	SubType        string `json:"sub_type"`
	ProductID      int64  `json:"product_id"`
	ComponentID    int64  `json:"component_id"`
	Summary        string `json:"summary"`
	Description    string `json:"description"`
	Priority       string `json:"priority"`
	Stage          string `json:"stage"`
	SecurityThreat bool   `json:"security_threat,omitempty"`
	BusinessImpact string `json:"business_impact,omitempty"`
	AgentsAffected int    `json:"agents_affected,omitempty"`
	ExternalRef    string `json:"external_ref,omitempty"`
	LinkedCase     string `json:"linked_case,omitempty"`
}

type apiComment struct {
	Body string `json:"body"`
	// Internal makes a staff member's reply an internal note.
	Internal bool `json:"internal,omitempty"`
}

type apiCaseChange struct {
	Status    *string `json:"status,omitempty"`
	SubStatus *string `json:"substatus,omitempty"`
	Priority  *string `json:"priority,omitempty"`
	Severity  *int    `json:"severity,omitempty"`
	OwnerID   *int64  `json:"owner_id,omitempty"`
	ContactID *int64  `json:"contact_id,omitempty"`
	// InfoComplete marks all troubleshooting information provided (the
	// RCA clock starts); RCADelivered stops that clock.
	InfoComplete bool `json:"info_complete,omitempty"`
	RCADelivered bool `json:"rca_delivered,omitempty"`
}

type apiClose struct {
	Reason  string `json:"reason"`
	Comment string `json:"comment"`
}

type apiReopen struct {
	Reason string `json:"reason"`
}

type apiProduct struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Components []apiRef `json:"components"`
}

type apiCombination struct {
	SoldTo   apiRef       `json:"sold_to"`
	EndUser  apiRef       `json:"end_user"`
	Level    string       `json:"level"`
	Products []apiProduct `json:"products,omitempty"`
}

type apiAccessRequest struct {
	ID      int64  `json:"id"`
	Contact apiRef `json:"contact"`
	// SoldToOrgID and EndUserOrgID are the Org IDs as the requester gave
	// them. SoldTo and EndUser, the companies they name, are shown only
	// to those who decide the request and to staff.
	SoldToOrgID  string     `json:"sold_to_org_id"`
	EndUserOrgID string     `json:"end_user_org_id"`
	SoldTo       *apiRef    `json:"sold_to,omitempty"`
	EndUser      *apiRef    `json:"end_user,omitempty"`
	Level        string     `json:"level"`
	Reason       string     `json:"reason,omitempty"`
	State        string     `json:"state"`
	Decision     string     `json:"decision,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
}

type apiNewAccessRequest struct {
	// The Org IDs on the Service Contract of the combination.
	SoldToOrgID  string `json:"sold_to_org_id"`
	EndUserOrgID string `json:"end_user_org_id"`
	Level        string `json:"level"`
	Reason       string `json:"reason,omitempty"`
}

type apiDecision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note,omitempty"`
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

type apiCreated struct {
	ID int64 `json:"id"`
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

type apiToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

type apiNewToken struct {
	Name string `json:"name"`
}

type apiTokenSecret struct {
	Name string `json:"name"`
	// Token is the secret, shown this once.
	Token string `json:"token"`
}

// Handlers.

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	p, err := s.svc.Profile(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	u := toAPIUser(p.User)
	u.PIN = p.User.PIN
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiCombinations(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	combos, err := s.svc.Combos(r.Context(), request(r, a), desk.Basic)
	if err != nil {
		return err
	}
	cat, err := s.svc.Catalog(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiCombination, 0, len(combos))
	for _, c := range combos {
		out = append(out, toAPICombination(c, cat))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func toAPICombination(c support.Combo, cat *store.Catalog) apiCombination {
	out := apiCombination{
		SoldTo: apiRef{c.SoldToID, c.SoldTo}, EndUser: apiRef{c.EndUserID, c.EndUser}, Level: c.Level.String(),
	}
	for _, p := range c.Products {
		out.Products = append(out.Products, toAPIProduct(p, cat))
	}
	return out
}

func toAPIProduct(p desk.Product, cat *store.Catalog) apiProduct {
	out := apiProduct{ID: p.ID, Name: p.Name, Components: []apiRef{}}
	for _, c := range cat.ComponentsOf(p.ID) {
		out.Components = append(out.Components, apiRef{c.ID, c.Name})
	}
	return out
}

func (s *Server) apiProducts(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	cat, err := s.svc.Catalog(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiProduct, 0, len(cat.Products))
	for _, p := range cat.Products {
		out = append(out, toAPIProduct(p, cat))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiCaseFilter reads the list's query: the page's own names (q,
// end_user, and the queue's filters for staff) with limit and cursor.
func apiCaseFilter(q url.Values, a *desk.Actor) (store.CaseFilter, error) {
	pq := url.Values{}
	for k, v := range q {
		pq[k] = v
	}
	pq.Set("size", q.Get("limit"))
	pq.Set("after", q.Get("cursor"))
	list := q.Get("list")
	if list == "" {
		list = "mine"
		if a.IsStaff() {
			list = "queue"
		}
	}
	if list == "queue" {
		if !a.IsStaff() {
			return store.CaseFilter{}, invalid("list", "form.the_queue_is_for_staff_ask")
		}
		return queueFilter(pq, a), nil
	}
	ln, ok := listNames[list]
	if !ok {
		return store.CaseFilter{}, invalid("list", "form.ask_for_mine_group_closed_or")
	}
	f := caseQuery(pq)
	f.List = ln.list
	return f, nil
}

func (s *Server) apiCases(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	f, err := apiCaseFilter(r.URL.Query(), a)
	if err != nil {
		return err
	}
	page, err := s.svc.Cases(r.Context(), request(r, a), f)
	if err != nil {
		return err
	}
	out := apiCaseList{Cases: make([]apiCase, 0, len(page.Cases)), NextCursor: page.Next}
	for i := range page.Cases {
		out.Cases = append(out.Cases, toAPICase(&page.Cases[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiOpenCase(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiNewCase
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	n := desk.NewCase{
		Combination: desk.Combination{SoldToID: in.SoldToID, EndUserID: in.EndUserID}, ContactID: in.ContactID,
		Type: desk.CaseType(in.Type), SubType: in.SubType, ProductID: in.ProductID, ComponentID: in.ComponentID,
		Summary: in.Summary, Description: in.Description, Priority: desk.Priority(in.Priority), Stage: desk.Stage(in.Stage),
		SecurityThreat: in.SecurityThreat, BusinessImpact: in.BusinessImpact, AgentsAffected: in.AgentsAffected,
		ExternalRef: in.ExternalRef,
	}
	if in.LinkedCase != "" {
		id, ok := desk.ParseCaseNumber(in.LinkedCase)
		if !ok {
			return invalid("linked_case", "form.give_the_10_digit_number_of")
		}
		n.LinkedCaseID = id
	}
	c, err := s.svc.OpenCase(r.Context(), request(r, a), n)
	if err != nil {
		return err
	}
	return s.apiCaseAnswer(w, r, a, c.ID, http.StatusCreated)
}

// apiCaseAnswer answers with the case as it now is.
func (s *Server) apiCaseAnswer(w http.ResponseWriter, r *http.Request, a *desk.Actor, caseID int64, status int) error {
	v, err := s.svc.Case(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	out := apiCaseDetail{
		Case: toAPICase(v.Case), Feed: make([]apiEntry, 0, len(v.Feed)), Clocks: make([]apiClock, 0, len(v.Clocks)),
		CanComment: v.CanComment, CanClose: v.CanClose, CanReopen: v.CanReopen,
	}
	for i := range v.Clocks {
		out.Clocks = append(out.Clocks, toAPIClock(&v.Clocks[i], v.Now))
	}
	for _, e := range v.Feed {
		out.Feed = append(out.Feed, apiEntry{ID: e.ID, Kind: string(e.Kind), Author: e.Author, Body: e.Body, CreatedAt: e.CreatedAt})
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/cases/"+v.Case.Number())
	}
	writeJSON(w, status, out)
	return nil
}

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	return s.apiCaseAnswer(w, r, a, caseID, http.StatusOK)
}

// apiCaseWrite reads a body, applies it to the case and answers with the
// case.
func apiCaseWrite[T any](s *Server, apply func(r *http.Request, req support.Request, caseID int64, in *T) error) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		caseID, err := caseNumber(r)
		if err != nil {
			return err
		}
		var in T
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := apply(r, request(r, a), caseID, &in); err != nil {
			return err
		}
		return s.apiCaseAnswer(w, r, a, caseID, http.StatusOK)
	}
}

func (s *Server) apiComment(r *http.Request, req support.Request, caseID int64, in *apiComment) error {
	if req.Actor.IsStaff() {
		return s.svc.Reply(r.Context(), req, caseID, in.Body, in.Internal)
	}
	if in.Internal {
		return invalid("internal", "form.only_staff_write_internal_notes")
	}
	return s.svc.Comment(r.Context(), req, caseID, in.Body)
}

func (s *Server) apiUpdateCase(r *http.Request, req support.Request, caseID int64, in *apiCaseChange) error {
	var ch support.CaseChange
	if in.Status != nil {
		st, sub := desk.Status(*in.Status), desk.SubStatus("")
		if in.SubStatus != nil {
			sub = desk.SubStatus(*in.SubStatus)
		}
		ch.Status, ch.SubStatus = &st, &sub
	} else if in.SubStatus != nil {
		return invalid("status", "form.give_the_status_with_the_substatus")
	}
	if in.Priority != nil {
		p := desk.Priority(*in.Priority)
		ch.Priority = &p
	}
	ch.Severity, ch.OwnerID, ch.ContactID = in.Severity, in.OwnerID, in.ContactID
	ch.InfoComplete, ch.RCADelivered = in.InfoComplete, in.RCADelivered
	return s.svc.UpdateCase(r.Context(), req, caseID, ch)
}

func (s *Server) apiCloseCase(r *http.Request, req support.Request, caseID int64, in *apiClose) error {
	return s.svc.CloseCase(r.Context(), req, caseID, desk.SubStatus(in.Reason), in.Comment)
}

func (s *Server) apiReopenCase(r *http.Request, req support.Request, caseID int64, in *apiReopen) error {
	return s.svc.ReopenCase(r.Context(), req, caseID, in.Reason)
}

// Access requests.

func toAPIAccessRequest(q *store.AccessRequestRow) apiAccessRequest {
	out := apiAccessRequest{
		ID: q.ID, Contact: apiRef{q.ContactID, q.ContactName}, SoldToOrgID: q.SoldToOrgID, EndUserOrgID: q.EndUserOrgID,
		Level: q.Level.String(), Reason: q.Reason,
		State: string(q.State), Decision: q.Decision, CreatedAt: q.CreatedAt, DecidedAt: optTime(q.DecidedAt),
	}
	if q.Matched() {
		out.SoldTo, out.EndUser = &apiRef{q.SoldToID, q.SoldToName}, &apiRef{q.EndUserID, q.EndUserName}
	}
	return out
}

func (s *Server) apiAccessRequests(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	state := desk.RequestState(r.URL.Query().Get("state"))
	switch state {
	case "", desk.RequestPending, desk.RequestApproved, desk.RequestRejected:
	default:
		return invalid("state", "form.ask_for_pending_approved_or_rejected")
	}
	reqs, err := s.svc.AccessRequests(r.Context(), request(r, a), state)
	if err != nil {
		return err
	}
	out := make([]apiAccessRequest, 0, len(reqs))
	for i := range reqs {
		out = append(out, toAPIAccessRequest(&reqs[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiRequestAccess(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiNewAccessRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	level, ok := desk.ParseAccessLevel(in.Level)
	if !ok {
		return invalid("level", "form.ask_for_basic_read_only_or")
	}
	ar, err := s.svc.RequestAccessByOrgIDs(r.Context(), request(r, a), in.SoldToOrgID, in.EndUserOrgID, level, in.Reason)
	if err != nil {
		return err
	}
	return s.apiAccessRequestAnswer(w, r, a, ar.ID, http.StatusCreated)
}

func (s *Server) apiAccessRequestAnswer(w http.ResponseWriter, r *http.Request, a *desk.Actor, id int64, status int) error {
	q, _, err := s.svc.AccessRequest(r.Context(), request(r, a), id)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/access-requests/%d", id))
	}
	writeJSON(w, status, toAPIAccessRequest(q))
	return nil
}

func (s *Server) apiAccessRequest(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.apiAccessRequestAnswer(w, r, a, id, http.StatusOK)
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiDecision
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.DecideAccessRequest(r.Context(), request(r, a), id, in.Approve, in.Note); err != nil {
		return err
	}
	return s.apiAccessRequestAnswer(w, r, a, id, http.StatusOK)
}

// Accounts (staff read them; portal admins change them).

func toAPICompany(c *desk.Company) apiCompany {
	return apiCompany{ID: c.ID, OrgID: c.OrgID, Name: c.Name, Country: c.Country, ParentID: c.ParentID, CalendarID: c.CalendarID}
}

func (s *Server) apiCompanies(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	cs, err := s.svc.Companies(r.Context(), request(r, a))
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
	id, err := s.svc.CreateCompany(r.Context(), request(r, a), &desk.Company{OrgID: in.OrgID, Name: in.Name, Country: in.Country, ParentID: in.ParentID, CalendarID: in.CalendarID})
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/companies/%d", id))
	return s.apiCompanyAnswer(w, r, a, id, http.StatusCreated)
}

func (s *Server) apiCompanyAnswer(w http.ResponseWriter, r *http.Request, a *desk.Actor, id int64, status int) error {
	v, err := s.svc.Company(r.Context(), request(r, a), id)
	if err != nil {
		return err
	}
	out := apiCompanyDetail{
		Company: toAPICompany(v.Company), Contracts: make([]apiContract, 0, len(v.Contracts)),
		Contacts: make([]apiUser, 0, len(v.Contacts)), Approvers: make([]apiRef, 0, len(v.Approvers)),
		DesignatedContacts: v.DesignatedContacts, Warnings: v.Warnings,
	}
	for i := range v.Contracts {
		out.Contracts = append(out.Contracts, toAPIContract(&v.Contracts[i]))
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
	if err := s.svc.UpdateCompany(r.Context(), request(r, a), c); err != nil {
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
		if err := s.svc.SetApprover(r.Context(), request(r, a), id, contact, on); err != nil {
			return err
		}
		writeJSON(w, http.StatusNoContent, nil)
		return nil
	}
}

func toAPIContract(c *desk.Contract) apiContract {
	out := apiContract{
		ID: c.ID, Number: c.Number, SoldToID: c.SoldToID, EndUserID: c.EndUserID, SupportOwnerID: c.SupportOwnerID,
		Level: string(c.Level), Deployment: string(c.Deployment), ProductIDs: c.ProductIDs,
		Starts: c.Starts.Format(dateForm), Ends: c.Ends.Format(dateForm), State: string(c.State), CalendarID: c.CalendarID,
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
	f := store.ContractFilter{CompanyID: atoi64(q.Get("company")), SoldToID: atoi64(q.Get("sold_to")), EndUserID: atoi64(q.Get("end_user"))}
	cs, err := s.svc.Contracts(r.Context(), request(r, a), f)
	if err != nil {
		return err
	}
	out := make([]apiContract, 0, len(cs))
	for i := range cs {
		out = append(out, toAPIContract(&cs[i]))
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
			p.Add(field, s.loc(r).T("form.give_a_date_as_yyyy_mm"))
			continue
		}
		*v.dst = t
	}
	if err := p.Err(); err != nil {
		return err
	}
	id, err := s.svc.SaveContract(r.Context(), request(r, a), c)
	if err != nil {
		return err
	}
	cs, err := s.svc.Contracts(r.Context(), request(r, a), store.ContractFilter{ID: id})
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return desk.ErrNotFound
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/contracts/%d", id))
	}
	writeJSON(w, status, toAPIContract(&cs[0]))
	return nil
}

func (s *Server) apiContacts(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	us, err := s.svc.Contacts(r.Context(), request(r, a), store.UserFilter{CompanyID: atoi64(q.Get("company")), Query: q.Get("q")})
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
	cv, err := s.svc.Contact(r.Context(), request(r, a), id)
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
	id, err := s.svc.CreateContact(r.Context(), request(r, a), in.input())
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
	if err := s.svc.UpdateContact(r.Context(), request(r, a), id, in.input()); err != nil {
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
	level := desk.NoAccess
	if in.Level != "none" {
		l, ok := desk.ParseAccessLevel(in.Level)
		if !ok {
			return invalid("level", "form.give_basic_read_only_read_write")
		}
		level = l
	}
	g := desk.Grant{ContactID: id, Combination: desk.Combination{SoldToID: in.SoldToID, EndUserID: in.EndUserID}, Level: level}
	if err := s.svc.SetGrant(r.Context(), request(r, a), g); err != nil {
		return err
	}
	return s.apiContactAnswer(w, r, a, id, http.StatusOK)
}

func (s *Server) apiCreateProduct(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiNewProduct
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	id, err := s.svc.CreateProduct(r.Context(), request(r, a), in.Name, in.Components)
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
	cid, err := s.svc.AddComponent(r.Context(), request(r, a), id, in.Name)
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
	c, err := s.svc.VerifyCaller(r.Context(), request(r, a), in.PIN)
	if err != nil {
		return err
	}
	cat, err := s.svc.Catalog(r.Context(), request(r, a))
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

// Tokens.

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	ts, err := s.svc.APITokens(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiToken, 0, len(ts))
	for _, t := range ts {
		out = append(out, apiToken{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: optTime(t.LastUsedAt), RevokedAt: optTime(t.RevokedAt)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiNewToken
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	token, err := s.svc.CreateAPIToken(r.Context(), request(r, a), in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiTokenSecret{Name: strings.TrimSpace(in.Name), Token: token})
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.RevokeAPIToken(r.Context(), request(r, a), id); err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
	return nil
}

// Your own account.

type apiProfileInput struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Country   string `json:"country"`
	Phone     string `json:"phone,omitempty"`
	Mobile    string `json:"mobile,omitempty"`
}

type apiPasswordChange struct {
	Current string `json:"current"`
	New     string `json:"new"`
	// SignOutEverywhere ends every session and revokes every API token of
	// the account, the calling one too.
	SignOutEverywhere bool `json:"sign_out_everywhere,omitempty"`
}

func (s *Server) apiUpdateMe(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiProfileInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	err := s.svc.UpdateOwnProfile(r.Context(), request(r, a), desk.ProfileInput{
		FirstName: in.FirstName, LastName: in.LastName, Country: in.Country, Phone: in.Phone, Mobile: in.Mobile,
	})
	if err != nil {
		return err
	}
	// The answer leaves the PIN out: only GET /me shows it.
	p, err := s.svc.Profile(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIUser(p.User))
	return nil
}

func (s *Server) apiAcceptTerms(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := s.svc.AcceptTerms(r.Context(), request(r, a)); err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
	return nil
}

func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiPasswordChange
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.ChangePassword(r.Context(), request(r, a), in.Current, in.New, in.SignOutEverywhere, ""); err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
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
	us, err := s.svc.StaffUsers(r.Context(), request(r, a))
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
	id, err := s.svc.CreateStaff(r.Context(), request(r, a), u, in.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiCreated{ID: id})
	return nil
}

type apiAuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor,omitempty"`
	Action  string    `json:"action"`
	Subject string    `json:"subject,omitempty"`
	Detail  string    `json:"detail,omitempty"`
	Address string    `json:"address,omitempty"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	limit := int(atoi64(q.Get("limit")))
	es, err := s.svc.AuditLog(r.Context(), request(r, a), store.AuditFilter{Action: q.Get("action"), Before: atoi64(q.Get("before")), Limit: limit})
	if err != nil {
		return err
	}
	out := make([]apiAuditEntry, 0, len(es))
	for _, e := range es {
		out = append(out, apiAuditEntry{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Subject: e.Subject, Detail: e.Detail, Address: e.Address})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type apiMail struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	To        string     `json:"to"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Case      string     `json:"case,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

func (s *Server) apiOutbox(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	ms, err := s.svc.Outbox(r.Context(), request(r, a), q.Get("to"), int(atoi64(q.Get("limit"))))
	if err != nil {
		return err
	}
	out := make([]apiMail, 0, len(ms))
	for _, m := range ms {
		am := apiMail{ID: m.ID, Kind: m.Kind, To: m.To, Subject: m.Subject, Body: m.Body, CreatedAt: m.CreatedAt, SentAt: optTime(m.SentAt)}
		if m.CaseID != 0 {
			am.Case = desk.FormatCaseNumber(m.CaseID)
		}
		out = append(out, am)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type apiEmailRules struct {
	FreeMailDomains []string `json:"free_mail_domains"`
	RoleAliases     []string `json:"role_aliases"`
}

func (s *Server) apiEmailRules(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	rules, err := s.svc.EmailRulesSettings(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiEmailRules{FreeMailDomains: rules.FreeMailDomains, RoleAliases: rules.RoleAliases})
	return nil
}

func (s *Server) apiSetEmailRules(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiEmailRules
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	// Both lists are the setting: a body without one would empty it.
	p := desk.Problems{}
	if in.FreeMailDomains == nil {
		p.Add("free_mail_domains", s.loc(r).T("form.give_the_free_mail_domains_to"))
	}
	if in.RoleAliases == nil {
		p.Add("role_aliases", s.loc(r).T("form.give_the_role_aliases_to_refuse"))
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := s.svc.SetEmailRules(r.Context(), request(r, a), desk.EmailRules{FreeMailDomains: in.FreeMailDomains, RoleAliases: in.RoleAliases}); err != nil {
		return err
	}
	return s.apiEmailRules(w, r, a)
}

type apiImportProblem struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

type apiImportReport struct {
	Kind     string             `json:"kind"`
	DryRun   bool               `json:"dry_run"`
	Rows     int                `json:"rows"`
	Created  int                `json:"created"`
	Updated  int                `json:"updated"`
	Applied  bool               `json:"applied"`
	Problems []apiImportProblem `json:"problems"`
}

// apiImport runs a CSV import from the request body: a dry run unless
// dry_run=false. A file with bad rows answers 422 with every bad row.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	dry := q.Get("dry_run") != "false"
	body := http.MaxBytesReader(w, r.Body, maxImportFile)
	rep, err := s.svc.Import(r.Context(), request(r, a), support.ImportKind(q.Get("kind")), body, dry)
	// The reader keeps its error: a file over the limit is a 413, not
	// the CSV error it caused.
	var tooBig *http.MaxBytesError
	if _, rerr := body.Read(make([]byte, 1)); errors.As(rerr, &tooBig) {
		return fmt.Errorf("the file is larger than %d MB; split it: %w", maxImportFile>>20, errTooLarge)
	}
	if err != nil {
		return err
	}
	out := apiImportReport{
		Kind: string(rep.Kind), DryRun: rep.DryRun, Rows: rep.Rows, Created: rep.Created, Updated: rep.Updated,
		Applied: rep.Applied, Problems: make([]apiImportProblem, 0, len(rep.Problems)),
	}
	for _, p := range rep.Problems {
		out.Problems = append(out.Problems, apiImportProblem{Line: p.Line, Reason: p.Reason})
	}
	status := http.StatusOK
	if len(out.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, out)
	return nil
}

// Escalations.

type apiEscalation struct {
	ID        int64      `json:"id"`
	Case      string     `json:"case"`
	Reason    string     `json:"reason"`
	Details   string     `json:"details"`
	State     string     `json:"state"`
	Requester apiRef     `json:"requested_by"`
	Owner     *apiRef    `json:"owner,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
}

func toAPIEscalation(e *store.EscalationRow) apiEscalation {
	out := apiEscalation{
		ID: e.ID, Case: desk.FormatCaseNumber(e.CaseID), Reason: string(e.Reason), Details: e.Details, State: string(e.State),
		Requester: apiRef{e.RequestedBy, e.RequesterName}, CreatedAt: e.CreatedAt, DecidedAt: optTime(e.DecidedAt), ClosedAt: optTime(e.ClosedAt),
	}
	if e.OwnerID != 0 {
		out.Owner = &apiRef{e.OwnerID, e.OwnerName}
	}
	return out
}

type apiEscalationView struct {
	// Current is the case's latest escalation, if any.
	Current *apiEscalation `json:"current,omitempty"`
	Feed    []apiEntry     `json:"feed"`
	// CanEscalate says whether you may escalate the case now; Refusal
	// why not.
	CanEscalate bool   `json:"can_escalate"`
	Refusal     string `json:"refusal,omitempty"`
	// ContractLink is, for staff when no active Service Contract covers
	// the case, the console page to renew its last contract or add one.
	ContractLink string `json:"contract_link,omitempty"`
}

type apiNewEscalation struct {
	Reason  string `json:"reason"`
	Details string `json:"details"`
}

type apiEscalationStep struct {
	Text string `json:"text"`
}

func (s *Server) apiEscalationAnswer(w http.ResponseWriter, r *http.Request, a *desk.Actor, caseID int64, status int) error {
	v, err := s.svc.Escalations(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	out := apiEscalationView{Feed: make([]apiEntry, 0, len(v.Feed)), CanEscalate: v.CanEscalate, Refusal: v.Refusal, ContractLink: v.ContractLink}
	if v.Current != nil {
		cur := toAPIEscalation(v.Current)
		out.Current = &cur
	}
	for _, e := range v.Feed {
		out.Feed = append(out.Feed, apiEntry{ID: e.ID, Kind: "escalation", Author: e.Author, Body: e.Body, CreatedAt: e.CreatedAt})
	}
	writeJSON(w, status, out)
	return nil
}

func (s *Server) apiEscalation(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	return s.apiEscalationAnswer(w, r, a, caseID, http.StatusOK)
}

func (s *Server) apiEscalate(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	var in apiNewEscalation
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if _, err := s.svc.Escalate(r.Context(), request(r, a), caseID, desk.EscalationReason(in.Reason), in.Details); err != nil {
		return err
	}
	return s.apiEscalationAnswer(w, r, a, caseID, http.StatusCreated)
}

func (s *Server) apiWorkEscalation(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	var in apiEscalationStep
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.svc.Escalations(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	if v.Current == nil {
		return fmt.Errorf("case %s has no escalation: %w", desk.FormatCaseNumber(caseID), desk.ErrNotFound)
	}
	step := support.EscalationStep(r.PathValue("step"))
	switch step {
	case support.StepAccept, support.StepReject, support.StepClose, support.StepNote:
	default:
		return desk.ErrNotFound
	}
	if err := s.svc.WorkEscalation(r.Context(), request(r, a), v.Current.ID, step, in.Text); err != nil {
		return err
	}
	return s.apiEscalationAnswer(w, r, a, caseID, http.StatusOK)
}

func (s *Server) apiEscalationQueue(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q, err := s.svc.EscalationQueue(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiEscalation, 0, len(q))
	for i := range q {
		out = append(out, toAPIEscalation(&q[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// Received mail.

type apiInbound struct {
	ID         int64      `json:"id"`
	Source     string     `json:"source"`
	From       string     `json:"from"`
	Subject    string     `json:"subject"`
	State      string     `json:"state"`
	Reason     string     `json:"reason,omitempty"`
	Case       string     `json:"case,omitempty"`
	ReceivedAt time.Time  `json:"received_at"`
	Processed  *time.Time `json:"processed_at,omitempty"`
}

type apiInboundLink struct {
	// Case is the 10-digit number to link to; empty with discard.
	Case    string `json:"case,omitempty"`
	Discard bool   `json:"discard,omitempty"`
}

func toAPIInbound(m *store.InboundMail) apiInbound {
	out := apiInbound{
		ID: m.ID, Source: m.Source, From: m.Sender, Subject: m.Subject, State: m.State, Reason: m.Reason,
		ReceivedAt: m.ReceivedAt, Processed: optTime(m.ProcessedAt),
	}
	if out.From == "" {
		out.From = m.MailFrom
	}
	if m.CaseID != 0 {
		out.Case = desk.FormatCaseNumber(m.CaseID)
	}
	return out
}

func (s *Server) apiInboundList(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	ms, err := s.svc.InboundMail(r.Context(), request(r, a), r.URL.Query().Get("state"))
	if err != nil {
		return err
	}
	out := make([]apiInbound, 0, len(ms))
	for i := range ms {
		out = append(out, toAPIInbound(&ms[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiLinkInbound(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in apiInboundLink
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var caseID int64
	if !in.Discard {
		n, ok := desk.ParseCaseNumber(in.Case)
		if !ok {
			return invalid("case", "form.give_the_10_digit_case_number")
		}
		caseID = n
	}
	if err := s.svc.LinkInbound(r.Context(), request(r, a), id, caseID); err != nil {
		return err
	}
	m, _, err := s.svc.ReadInbound(r.Context(), request(r, a), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIInbound(m))
	return nil
}

// apiFollow follows (PUT) or stops following (DELETE) a case.
func (s *Server) apiFollow(on bool) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		caseID, err := caseNumber(r)
		if err != nil {
			return err
		}
		if err := s.svc.Follow(r.Context(), request(r, a), caseID, on); err != nil {
			return err
		}
		writeJSON(w, http.StatusNoContent, nil)
		return nil
	}
}

type apiEmailTemplate struct {
	Kind  string `json:"kind"`
	About string `json:"about"`
	// Subject and Body are Go text/template texts over the fields
	// FirstName, Name, Email, Subject, Text, Link, CaseNumber,
	// CaseSummary and PortalURL; empty means the built-in layout.
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

type apiEmailTemplateInput struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

func (s *Server) apiEmailTemplates(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	stored, err := s.svc.EmailTemplates(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiEmailTemplate, 0, len(support.MailKinds))
	for _, k := range support.MailKinds {
		t := stored[k.Kind]
		out = append(out, apiEmailTemplate{Kind: k.Kind, About: k.About(), Subject: t[0], Body: t[1]})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiSetEmailTemplate(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiEmailTemplateInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.svc.SetEmailTemplate(r.Context(), request(r, a), r.PathValue("kind"), in.Subject, in.Body); err != nil {
		return err
	}
	return s.apiEmailTemplates(w, r, a)
}

// Files.

type apiFile struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Size        int64      `json:"size"`
	SHA256      string     `json:"sha256"`
	ContentType string     `json:"content_type,omitempty"`
	Source      string     `json:"source"`
	Direction   string     `json:"direction"`
	UploadedBy  *apiRef    `json:"uploaded_by,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	PurgedAt    *time.Time `json:"purged_at,omitempty"`
}

func (s *Server) apiCaseFiles(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	fs, err := s.svc.CaseFiles(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	out := make([]apiFile, 0, len(fs))
	for _, f := range fs {
		af := apiFile{
			ID: f.ID, Name: f.Name, Size: f.Size, SHA256: f.SHA256, ContentType: f.ContentType, Source: f.Source,
			Direction: f.Direction, CreatedAt: f.CreatedAt, PurgedAt: optTime(f.PurgedAt),
		}
		if f.UploadedBy != 0 {
			af.UploadedBy = &apiRef{f.UploadedBy, f.Uploader}
		}
		out = append(out, af)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// Service levels.

type apiCalendar struct {
	ID   int64  `json:"id,omitempty"`
	Name string `json:"name"`
	// Zone is an IANA time zone; Week the opening hours, e.g.
	// "mon-fri 08:00-18:00"; Holidays dates as YYYY-MM-DD.
	Zone     string   `json:"zone"`
	Week     string   `json:"week"`
	Holidays []string `json:"holidays"`
}

func toAPICalendar(c *store.CalendarRow) apiCalendar {
	out := apiCalendar{ID: c.ID, Name: c.Name, Zone: c.Zone, Week: c.Week, Holidays: make([]string, 0, len(c.Holidays))}
	for _, d := range c.Holidays {
		out.Holidays = append(out.Holidays, d.String())
	}
	return out
}

func (s *Server) apiCalendars(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	cals, err := s.svc.Calendars(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiCalendar, 0, len(cals))
	for i := range cals {
		out = append(out, toAPICalendar(&cals[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiSaveCalendar creates (POST) or replaces (PUT …/{id}) a calendar.
func (s *Server) apiSaveCalendar(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiCalendar
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	row := &store.CalendarRow{Name: in.Name, Zone: in.Zone, Week: in.Week}
	status := http.StatusCreated
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		row.ID, status = id, http.StatusOK
	}
	for _, h := range in.Holidays {
		d, err := hours.ParseDate(h)
		if err != nil {
			return &desk.ValidationError{Fields: map[string]string{"holidays": err.Error()}}
		}
		row.Holidays = append(row.Holidays, d)
	}
	if err := s.svc.SaveCalendar(r.Context(), request(r, a), row); err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/calendars/%d", row.ID))
	}
	writeJSON(w, status, toAPICalendar(row))
	return nil
}

type apiSLATarget struct {
	Deployment string `json:"deployment"`
	Level      string `json:"level"`
	Priority   string `json:"priority"`
	Kind       string `json:"kind"`
	Amount     int    `json:"amount"`
	// Unit is minutes (around the clock), business_minutes or
	// business_days (on the case's calendar).
	Unit string `json:"unit"`
}

type apiServiceLevels struct {
	DefaultCalendar      string         `json:"default_calendar"`
	WarningLeadMinutes   int            `json:"warning_lead_minutes"`
	FollowUpBusinessDays bool           `json:"follow_up_business_days"`
	Targets              []apiSLATarget `json:"targets"`
}

type apiServiceLevelSettings struct {
	DefaultCalendar      string `json:"default_calendar"`
	WarningLeadMinutes   int    `json:"warning_lead_minutes"`
	FollowUpBusinessDays bool   `json:"follow_up_business_days"`
}

func (s *Server) apiServiceLevels(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	req := request(r, a)
	set, err := s.svc.SLASettings(r.Context(), req)
	if err != nil {
		return err
	}
	ts, err := s.svc.SLATargets(r.Context(), req)
	if err != nil {
		return err
	}
	out := apiServiceLevels{
		DefaultCalendar: set.DefaultCalendar, WarningLeadMinutes: int(set.WarningLead / time.Minute),
		FollowUpBusinessDays: set.FollowUpBusinessDays, Targets: make([]apiSLATarget, 0, len(ts)),
	}
	for _, t := range ts {
		out.Targets = append(out.Targets, apiSLATarget{
			Deployment: string(t.Deployment), Level: string(t.Level), Priority: string(t.Priority), Kind: string(t.Kind),
			Amount: t.Amount, Unit: string(t.Unit),
		})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiSetServiceLevelSettings(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiServiceLevelSettings
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	err := s.svc.SetSLASettings(r.Context(), request(r, a), support.SLASettings{
		DefaultCalendar: in.DefaultCalendar, WarningLead: time.Duration(in.WarningLeadMinutes) * time.Minute,
		FollowUpBusinessDays: in.FollowUpBusinessDays,
	})
	if err != nil {
		return err
	}
	return s.apiServiceLevels(w, r, a)
}

func (s *Server) apiSetSLATarget(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiSLATarget
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	t := &store.SLATarget{
		Deployment: desk.Deployment(in.Deployment), Level: desk.SupportLevel(in.Level), Priority: desk.Priority(in.Priority),
		Kind: desk.ClockKind(in.Kind), Amount: in.Amount, Unit: desk.TargetUnit(in.Unit),
	}
	if err := s.svc.SetSLATarget(r.Context(), request(r, a), t); err != nil {
		return err
	}
	return s.apiServiceLevels(w, r, a)
}
