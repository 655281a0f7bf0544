package web

import (
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

var caseListParams = []apiParam{
	{Name: "list", Doc: "mine (default for contacts), group, closed, or queue (staff; the default for staff)"},
	{Name: "q", Doc: "a 10-digit case number, or keywords that must all occur in the summary or description"},
	{Name: "end_user", Doc: "only this End User's cases", Integer: true},
	{Name: "status", Doc: "queue: a status, repeated for several (default: every status but closed)"},
	{Name: "closed", Doc: "queue: on to include closed cases when no status is given"},
	{Name: "priority", Doc: "queue: one priority"},
	{Name: "product", Doc: "queue: one product", Integer: true},
	{Name: "company", Doc: "queue: cases where this company is Sold To or End User", Integer: true},
	{Name: "owner", Doc: "queue: me, none, or a staff member's id"},
	{Name: "sort", Doc: "queue: deadline for the soonest service-level deadline first (time to breach; then the cases without a running clock), updated for the oldest activity first, -number or number for the newest or oldest case first (default: latest activity first)"},
	{Name: "escalated", Doc: "queue: on for the cases with an active escalation"},
	{Name: "due", Doc: "queue: only cases whose running service-level deadline falls within this duration from now, overdue ones included (such as 2h)"},
	{Name: "limit", Doc: "page size, 25 by default, at most 100", Integer: true},
	{Name: "cursor", Doc: "next_cursor of the previous page"},
}

// apiCaseRoutes are the calls on cases: lists, opening, the feed, changes, following.
func (s *Server) apiCaseRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/combinations", Tag: "cases", Summary: "Your Sold To / End User combinations, the level that counts now, and the products their active contracts cover",
			Answer: []apiCombination{}, Status: http.StatusOK, Handle: s.apiCombinations,
		},
		{
			Method: "GET", Path: "/api/v1/products", Tag: "cases", Summary: "Products and their components",
			Answer: []apiProduct{}, Status: http.StatusOK, Handle: s.apiProducts,
		},
		{
			Method: "GET", Path: "/api/v1/cases", Tag: "cases", Summary: "A page of cases you may see: My Cases, Group Cases, Closed Cases or (staff) the queue",
			Query: caseListParams, Answer: apiCaseList{}, Status: http.StatusOK, Handle: s.apiCases,
		},
		{
			Method: "POST", Path: "/api/v1/cases", Tag: "cases", Summary: "Open a case (Designated Contacts; staff on a caller's behalf with contact_id)",
			Body: apiNewCase{}, Answer: apiCaseDetail{}, Status: http.StatusCreated, Handle: s.apiOpenCase, Fields: map[string]string{"contact": "contact_id", "product": "product_id", "component": "component_id"},
		},
		{
			Method: "GET", Path: "/api/v1/cases/{number}", Tag: "cases", Summary: "A case and its Case Feed",
			Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: s.apiCase,
		},
		{
			Method: "PATCH", Path: "/api/v1/cases/{number}", Tag: "cases", Summary: "Change status, priority, severity, owner or contact (staff); with If-Match (the ETag) or version, refused with 409 when the case changed since",
			Body: apiCaseChange{}, Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: apiCaseWrite(s, s.apiUpdateCase), Fields: map[string]string{"owner": "owner_id", "contact": "contact_id"},
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/comments", Tag: "cases",
			Summary: "Add an update (customers) or a public reply or internal note (staff), as JSON or, with files, as multipart/form-data",
			Body:    apiComment{}, Form: apiCommentForm{},
			FormDoc: "With files: a multipart/form-data body of the fields body, internal and acknowledge " +
				"(true or false) and one part named files per file, as the case page's comment form sends them. The files " +
				"together weigh at most 32 MB (larger ones go through the tus uploads), any type (downloads are always " +
				"application/octet-stream). A contact's files need the case's data-protection notice acknowledged: before " +
				"(POST …/files/acknowledgement) or with acknowledge=true, which is recorded in the same transaction as the " +
				"comment and its files. The policy answers before any file is read (403 for a contact who may not comment, " +
				"404 for a case one may not see); on any refusal nothing is kept: no comment, no acknowledgement, no file.",
			Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: s.apiPostComment,
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/close", Tag: "cases", Summary: "Close a case as resolved or cancelled, with a closure comment",
			Body: apiClose{}, Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: apiCaseWrite(s, s.apiCloseCase),
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/reopen", Tag: "cases", Summary: "Request to re-open a closed case (customers within 30 days; staff always)",
			Body: apiReopen{}, Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: apiCaseWrite(s, s.apiReopenCase),
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/accept-solution", Tag: "cases", Summary: "Accept the proposed solution: the case closes as resolved, with an optional comment",
			Body: apiAcceptSolution{}, Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: apiCaseWrite(s, s.apiAcceptSolution),
		},
		{
			Method: "POST", Path: "/api/v1/cases/{number}/reject-solution", Tag: "cases", Summary: "Say the proposed solution did not solve it: the comment is added and the case is open again",
			Body: apiComment{}, Answer: apiCaseDetail{}, Status: http.StatusOK, Handle: apiCaseWrite(s, s.apiRejectSolution),
		},
		{
			Method: "PUT", Path: "/api/v1/cases/{number}/follow", Tag: "cases", Summary: "Follow a case you may see: its emails come to you too",
			Status: http.StatusNoContent, Handle: s.apiFollow(true),
		},
		{
			Method: "DELETE", Path: "/api/v1/cases/{number}/follow", Tag: "cases", Summary: "Stop following a case",
			Status: http.StatusNoContent, Handle: s.apiFollow(false),
		},
	}
}

type apiCase struct {
	Number         string  `json:"number"`
	Summary        string  `json:"summary"`
	Description    string  `json:"description"`
	Status         string  `json:"status"`
	SubStatus      string  `json:"substatus"`
	Priority       string  `json:"priority"`
	Severity       int     `json:"severity,omitempty"`
	Type           string  `json:"type"`
	SubType        string  `json:"sub_type"`
	SoldTo         apiRef  `json:"sold_to"`
	EndUser        apiRef  `json:"end_user"`
	Contact        apiRef  `json:"contact"`
	Owner          *apiRef `json:"owner,omitempty"`
	Product        apiRef  `json:"product"`
	Component      apiRef  `json:"component"`
	Stage          string  `json:"stage"`
	SecurityThreat bool    `json:"security_threat"`
	BusinessImpact string  `json:"business_impact,omitempty"`
	AgentsAffected int     `json:"agents_affected,omitempty"`
	ExternalRef    string  `json:"external_ref,omitempty"`
	LinkedCase     string  `json:"linked_case,omitempty"`
	// MergedInto is the case this one was merged into as a duplicate.
	MergedInto   string     `json:"merged_into,omitempty"`
	CloseComment string     `json:"close_comment,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	// Origin is how the case was opened: portal, phone or api.
	Origin string `json:"origin"`
	// Version moves with every change to the case; send it back (the
	// PATCH's version, or If-Match with the ETag) and a change made on an
	// older one is refused with 409.
	Version int64 `json:"version"`
}

func toAPICase(r *desk.CaseRow) apiCase {
	c := &r.Case
	out := apiCase{
		Number: c.Number(), Summary: c.Summary, Description: c.Description, Status: string(c.Status),
		SubStatus: string(c.SubStatus), Priority: string(c.Priority), Severity: c.Severity, Type: string(c.Type),
		SubType: c.SubType, SoldTo: apiRef{c.SoldToID, r.SoldToName}, EndUser: apiRef{c.EndUserID, r.EndUserName},
		Contact: apiRef{c.ContactID, r.ContactName}, Product: apiRef{c.ProductID, r.ProductName},
		Component: apiRef{c.ComponentID, r.ComponentName}, Stage: string(c.Stage), SecurityThreat: c.SecurityThreat,
		BusinessImpact: c.BusinessImpact, AgentsAffected: c.AgentsAffected, ExternalRef: c.ExternalRef,
		CloseComment: c.CloseComment, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, ClosedAt: optTime(c.ClosedAt),
		Origin:  string(c.Origin),
		Version: c.Version,
	}
	if c.OwnerID != 0 {
		out.Owner = &apiRef{c.OwnerID, r.OwnerName}
	}
	if c.LinkedCaseID != 0 {
		out.LinkedCase = desk.FormatCaseNumber(c.LinkedCaseID)
	}
	if c.MergedIntoID != 0 {
		out.MergedInto = desk.FormatCaseNumber(c.MergedIntoID)
	}
	return out
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
	// AutoCloseAt is when automated follow-ups close the case if the
	// customer does not answer; ReopenUntil the end of a closed case's
	// reopen window.
	AutoCloseAt *time.Time `json:"auto_close_at,omitempty"`
	ReopenUntil *time.Time `json:"reopen_until,omitempty"`
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
	// Origin "phone" records a case staff open for a caller on the phone;
	// any other case opened through the API is the API's.
	Origin string `json:"origin,omitempty"`
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
	// Version is the case's version the change was made on (or send
	// If-Match with the case's ETag): refused with 409 when the case has
	// changed since. Without either the change is not checked.
	Version int64 `json:"version,omitempty"`
}

type apiClose struct {
	Reason  string `json:"reason"`
	Comment string `json:"comment"`
}

type apiReopen struct {
	Reason string `json:"reason"`
}

type apiAcceptSolution struct {
	Comment string `json:"comment,omitempty"`
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

func (s *Server) apiCombinations(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	combos, err := s.cases.Combos(r.Context(), request(r, a), desk.Basic)
	if err != nil {
		return err
	}
	cat, err := s.accounts.Catalog(r.Context(), request(r, a))
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

func toAPICombination(c support.Combo, cat *desk.Catalog) apiCombination {
	out := apiCombination{
		SoldTo: apiRef{c.SoldToID, c.SoldTo}, EndUser: apiRef{c.EndUserID, c.EndUser}, Level: c.Level.String(),
	}
	for _, p := range c.Products {
		out.Products = append(out.Products, toAPIProduct(p, cat))
	}
	return out
}

func toAPIProduct(p desk.Product, cat *desk.Catalog) apiProduct {
	out := apiProduct{ID: p.ID, Name: p.Name, Components: []apiRef{}}
	for _, c := range cat.ComponentsOf(p.ID) {
		out.Components = append(out.Components, apiRef{c.ID, c.Name})
	}
	return out
}

func (s *Server) apiProducts(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	cat, err := s.accounts.Catalog(r.Context(), request(r, a))
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
func apiCaseFilter(q url.Values, a *desk.Actor) (desk.CaseFilter, error) {
	pq := url.Values{}
	for k, v := range q {
		pq[k] = v
	}
	pq.Set("size", q.Get("limit"))
	pq.Set("after", q.Get("cursor"))
	list := q.Get("list")
	if list == "" {
		list = "mine"
		if desk.Authorize(a, desk.ViewQueue, desk.Target{}) == nil {
			list = "queue"
		}
	}
	if list == "queue" {
		// The service refuses the queue to whoever the policy does not
		// let see it, for the page and the API alike.
		return queueFilter(pq, a), nil
	}
	ln, ok := listNames[list]
	if !ok {
		return desk.CaseFilter{}, invalid("list", "form.ask_for_mine_group_closed_or")
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
	page, err := s.cases.List(r.Context(), request(r, a), f)
	if err != nil {
		return err
	}
	out := apiCaseList{Cases: make([]apiCase, 0, len(page.Cases)), NextCursor: string(page.Next)}
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
		ExternalRef: in.ExternalRef, Origin: desk.OriginAPI,
	}
	if in.Origin == string(desk.OriginPhone) {
		n.Origin = desk.OriginPhone // staff taking a call; the service keeps it to them
	}
	if in.LinkedCase != "" {
		id, ok := desk.ParseCaseNumber(in.LinkedCase)
		if !ok {
			return invalid("linked_case", "form.give_the_10_digit_number_of")
		}
		n.LinkedCaseID = id
	}
	c, err := s.cases.Open(r.Context(), request(r, a), n)
	if err != nil {
		return err
	}
	return s.apiCaseAnswer(w, r, a, c.ID, http.StatusCreated)
}

// apiCaseAnswer answers with the case as it now is.
func (s *Server) apiCaseAnswer(w http.ResponseWriter, r *http.Request, a *desk.Actor, caseID int64, status int) error {
	v, err := s.cases.Case(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	out := apiCaseDetail{
		Case: toAPICase(v.Case), Feed: make([]apiEntry, 0, len(v.Feed)), Clocks: make([]apiClock, 0, len(v.Clocks)),
		CanComment: v.CanComment, CanClose: v.CanClose, CanReopen: v.CanReopen,
	}
	if !v.AutoCloseAt.IsZero() {
		out.AutoCloseAt = &v.AutoCloseAt
	}
	if !v.ReopenUntil.IsZero() {
		out.ReopenUntil = &v.ReopenUntil
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
	w.Header().Set("ETag", versionETag(v.Case.Version))
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

// apiCommentForm is the comment with files, as a multipart/form-data
// body (the OpenAPI document's; apiPostComment reads it).
type apiCommentForm struct {
	Body string `json:"body"`
	// Internal makes a staff member's reply an internal note.
	Internal bool `json:"internal,omitempty"`
	// Acknowledge acknowledges the case's data-protection notice with
	// the files, as the case page's checkbox does.
	Acknowledge bool       `json:"acknowledge,omitempty"`
	Files       []filePart `json:"files,omitempty"`
}

// apiPostComment adds a comment from a JSON body or, with files, from a
// multipart form read the way the case page's comment form is
// (commentForm): the policy first, so nobody who may not comment has a
// body of files read; the files within maxReplyFiles; then the same
// support.Posting as the page, which keeps the comment, the
// acknowledgement and the files in one transaction or none of them.
func (s *Server) apiPostComment(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return apiCaseWrite(s, s.apiComment)(w, r, a)
	}
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	if err := s.cases.Ask(r.Context(), request(r, a), caseID, desk.CommentCase); err != nil {
		return err
	}
	if err := readAttachments(w, r); err != nil {
		return err
	}
	defer removeAttachments(r)
	if err := commentFormParts(r.MultipartForm); err != nil {
		return err
	}
	err = runForm(r, a, func(req support.Request) error {
		p := desk.Problems{}
		internal, acknowledge := formBool(p, r.PostForm, "internal"), formBool(p, r.PostForm, "acknowledge")
		files, err := attachments(r)
		if err != nil {
			return err
		}
		if len(p) > 0 {
			return p.Err()
		}
		_, err = s.cases.Post(r.Context(), req, caseID, support.Posting{
			Body: r.PostForm.Get("body"), Internal: internal, Files: files, Acknowledge: acknowledge,
		})
		return err
	})
	if err != nil {
		return err
	}
	return s.apiCaseAnswer(w, r, a, caseID, http.StatusOK)
}

// commentFormParts refuses a comment's multipart form with a part the
// call does not take, as the JSON body refuses an unknown field: a
// misspelt field is not silently dropped, nor a file sent under another
// name.
func commentFormParts(f *multipart.Form) error {
	for name := range f.Value {
		if name != "body" && name != "internal" && name != "acknowledge" {
			return refuse(errBadRequest, "error.api.form_unknown_part", "Field", strconv.Quote(name))
		}
	}
	for name := range f.File {
		if name != "files" {
			return refuse(errBadRequest, "error.api.form_unknown_part", "Field", strconv.Quote(name))
		}
	}
	return nil
}

// formBool reads a yes-or-no field of a multipart form: true or false
// (or on, as a browser's checkbox sends it); left out is false, anything
// else a problem of the field.
func formBool(p desk.Problems, form url.Values, field string) bool {
	v := strings.TrimSpace(form.Get(field))
	if v == "" {
		return false
	}
	if v == "on" {
		return true
	}
	on, err := strconv.ParseBool(v)
	if err != nil {
		p.Add(field, webMessage("error.api.form_boolean"))
	}
	return on
}

func (s *Server) apiComment(r *http.Request, req support.Request, caseID int64, in *apiComment) error {
	_, err := s.cases.Post(r.Context(), req, caseID, support.Posting{Body: in.Body, Internal: in.Internal})
	return err
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
		if err := s.cases.Ask(r.Context(), req, caseID, desk.WorkCase); err != nil { // the policy before the fields
			return err
		}
		return invalid("status", "form.give_the_status_with_the_substatus")
	}
	if in.Priority != nil {
		p := desk.Priority(*in.Priority)
		ch.Priority = &p
	}
	ch.Severity, ch.OwnerID, ch.ContactID = in.Severity, in.OwnerID, in.ContactID
	ch.InfoComplete, ch.RCADelivered = in.InfoComplete, in.RCADelivered
	version := in.Version
	if m := r.Header.Get("If-Match"); m != "" && m != "*" {
		n, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(m, "W/"), `"`), 10, 64)
		if err != nil {
			return invalid("version", "error.agent_case.if_match")
		}
		version = n
	}
	if version != 0 {
		ch.Seen = &desk.CaseSeen{Version: version}
	}
	return s.cases.Update(r.Context(), req, caseID, ch)
}

func (s *Server) apiCloseCase(r *http.Request, req support.Request, caseID int64, in *apiClose) error {
	return s.cases.Close(r.Context(), req, caseID, desk.SubStatus(in.Reason), in.Comment)
}

func (s *Server) apiAcceptSolution(r *http.Request, req support.Request, caseID int64, in *apiAcceptSolution) error {
	return s.cases.AcceptSolution(r.Context(), req, caseID, in.Comment)
}

func (s *Server) apiRejectSolution(r *http.Request, req support.Request, caseID int64, in *apiComment) error {
	return s.cases.RejectSolution(r.Context(), req, caseID, in.Body)
}

func (s *Server) apiReopenCase(r *http.Request, req support.Request, caseID int64, in *apiReopen) error {
	return s.cases.Reopen(r.Context(), req, caseID, in.Reason)
}

// apiFollow follows (PUT) or stops following (DELETE) a case.
func (s *Server) apiFollow(on bool) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		caseID, err := caseNumber(r)
		if err != nil {
			return err
		}
		if err := s.cases.Follow(r.Context(), request(r, a), caseID, on); err != nil {
			return err
		}
		writeJSON(w, http.StatusNoContent, nil)
		return nil
	}
}
