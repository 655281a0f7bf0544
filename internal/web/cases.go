package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// listNames maps the list parameter to lists and the catalogue IDs of
// their titles.
var listNames = map[string]struct {
	list  desk.CaseList
	title string
}{
	"":       {desk.MyCases, "title.my_cases"},
	"mine":   {desk.MyCases, "title.my_cases"},
	"group":  {desk.GroupCases, "title.group_cases"},
	"closed": {desk.ClosedCases, "title.closed_cases"},
}

// The pages of the portal's cases.
var (
	pageCases   = page[casesData]{"cases"}
	pageCaseNew = page[*caseNewData]{"case-new"}
	pageCase    = page[caseData]{"case"}
)

// casesData is a page of My Cases, Group Cases or Closed Cases.
type casesData struct {
	List    string
	Page    *desk.CasePage
	Combos  []support.Combo
	CanOpen bool
	Sizes   []int
	Size    int
	Next    string
}

// caseNewData is a step of the Open a Case wizard.
type caseNewData struct {
	Step       int
	NoCombos   bool
	Suggested  bool // the component is suggested from the text
	Combos     []support.Combo
	Products   []desk.Product
	Catalog    *desk.Catalog
	Types      []desk.CaseTypeInfo
	Priorities []desk.Priority
	MaxSummary int
	Words      int
}

// caseData is a case with its feed and escalation; Staff is whom a
// worker may assign it to.
type caseData struct {
	V           *support.CaseView
	Statuses    []desk.Status
	SubStatuses map[desk.Status][]desk.SubStatus
	Priorities  []desk.Priority
	Esc         *support.EscalationView
	Reasons     []desk.EscalationReason
	Staff       []desk.User
}

// MaxUploadMB is the most the files attached to one comment may weigh
// together, in MB (maxReplyFiles).
func (caseData) MaxUploadMB() int { return maxReplyFiles / 1_000_000 }

// pageSizes are the page sizes a list offers.
var pageSizes = []int{10, 25, 50, 100}

// caseQuery reads the search and paging parameters shared by the portal
// lists and the staff queue.
func caseQuery(q url.Values) desk.CaseFilter {
	f := desk.CaseFilter{After: desk.Cursor(q.Get("after")), EndUserID: atoi64(q.Get("end_user"))}
	f.Limit, _ = strconv.Atoi(q.Get("size"))
	if f.Limit == 0 {
		f.Limit = 25
	}
	search := strings.TrimSpace(q.Get("q"))
	if n, ok := desk.ParseCaseNumber(search); ok && len(search) >= 7 {
		f.Number = n
	} else {
		f.Keywords = search
	}
	return f
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func (s *Server) caseList(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if desk.Authorize(a, desk.ViewQueue, desk.Target{}) == nil {
		// Whoever sees the queue lists cases there.
		http.Redirect(w, r, "/console?"+r.URL.RawQuery, http.StatusSeeOther)
		return nil
	}
	q := r.URL.Query()
	if !q.Has("list") && !desk.Anywhere(a, desk.OpenCase) {
		// Who may not open cases has none of their own: their landing page
		// is the cases they may follow.
		q.Set("list", "group")
		http.Redirect(w, r, "/cases?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
	ln, ok := listNames[q.Get("list")]
	if !ok {
		ln = listNames[""]
	}
	status, search := http.StatusOK, r.URL.Query()
	errs := s.searchProblems(r, search)
	if errs != nil {
		status = http.StatusUnprocessableEntity // the list without the search
	}
	f := caseQuery(search)
	f.List = ln.list
	page, err := s.cases.List(r.Context(), request(r, a), f)
	if fields := s.fieldMessages(r, err); fields != nil {
		// A stale or edited cursor: start the list again.
		q.Del("after")
		http.Redirect(w, r, "/cases?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	combos, err := s.cases.Combos(r.Context(), request(r, a), desk.ReadOnly)
	if err != nil {
		return err
	}
	render(s, w, r, status, pageCases, &view{Title: s.loc(r).T(ln.title), User: a.User, Form: q, Errors: errs}, casesData{
		List: q.Get("list"), Page: page, Combos: combos, CanOpen: desk.Anywhere(a, desk.OpenCase),
		Sizes: pageSizes, Size: f.Limit, Next: nextURL(r.URL, page.Next),
	})
	return nil
}

// nextURL is the list's URL for the page after the cursor.
func nextURL(u *url.URL, cursor desk.Cursor) string {
	if cursor == "" {
		return ""
	}
	q := u.Query()
	q.Set("after", string(cursor))
	return u.Path + "?" + q.Encode()
}

// newCaseData is what both wizard steps show.
func (s *Server) newCaseData(r *http.Request, a *desk.Actor) (*caseNewData, error) {
	combos, err := s.cases.Combos(r.Context(), request(r, a), desk.ReadWrite)
	if err != nil {
		return nil, err
	}
	var open []support.Combo
	for _, c := range combos {
		if len(c.Products) > 0 {
			open = append(open, c)
		}
	}
	// The products offered are the chosen combination's (the first until
	// one is chosen): only what its active contracts cover.
	var chosen support.Combo
	if len(open) > 0 {
		chosen = open[0]
		want := combination(r.FormValue("combination"))
		for _, c := range open {
			if c.Combination == want {
				chosen = c
			}
		}
	}
	cat, err := s.accounts.Catalog(r.Context(), request(r, a))
	if err != nil {
		return nil, err
	}
	return &caseNewData{
		Combos: open, Products: chosen.Products, Catalog: cat, Types: desk.CaseTypes, Priorities: desk.CustomerPriorities,
		MaxSummary: desk.MaxSummary, Words: desk.DescriptionWords,
	}, nil
}

// newCase shows step 1 of the wizard: describe the problem.
func (s *Server) newCase(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	data, err := s.newCaseData(r, a)
	if err != nil {
		return err
	}
	data.Step = 1
	data.NoCombos = len(data.Combos) == 0
	render(s, w, r, http.StatusOK, pageCaseNew, &view{Title: s.loc(r).T("title.open_a_case"), User: a.User, Form: r.URL.Query()}, data)
	return nil
}

// newCaseDetails takes step 1 and shows step 2, the full form, with the
// component suggested from the text.
func (s *Server) newCaseDetails(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	data, err := s.newCaseData(r, a)
	if err != nil {
		return err
	}
	form := r.PostForm
	errs := map[string]string{}
	if fields := s.fieldMessages(r, checkForm(form)); fields != nil {
		errs = fields
	}
	if strings.TrimSpace(form.Get("summary")) == "" {
		errs["summary"] = s.loc(r).T("desk.case.summary")
	}
	if strings.TrimSpace(form.Get("description")) == "" {
		errs["description"] = s.loc(r).T("desk.case.description")
	}
	if len(errs) > 0 {
		data.Step = 1
		render(s, w, r, http.StatusUnprocessableEntity, pageCaseNew, &view{Title: s.loc(r).T("title.open_a_case"), User: a.User, Form: form, Errors: errs}, data)
		return nil
	}
	if form.Get("component") == "" {
		p, c := desk.SuggestComponent(form.Get("summary")+" "+form.Get("description"), data.Products, data.Catalog.Components)
		if c != 0 {
			form.Set("product", strconv.FormatInt(p, 10))
			form.Set("component", strconv.FormatInt(c, 10))
			data.Suggested = true
		}
	}
	if form.Get("kind") == "" {
		form.Set("kind", string(desk.TypeSupport)+"/Problem")
		form.Set("stage", string(desk.StageProduction))
	}
	data.Step = 2
	render(s, w, r, http.StatusOK, pageCaseNew, &view{Title: s.loc(r).T("title.open_a_case"), User: a.User, Form: form}, data)
	return nil
}

// newCaseInput reads the full case form.
func newCaseInput(r *http.Request) desk.NewCase {
	agents := 0
	if v := strings.TrimSpace(r.PostForm.Get("agents_affected")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1 // not a number: the validator says what it wants
		}
		agents = n
	}
	typ, sub, _ := strings.Cut(r.PostForm.Get("kind"), "/")
	return desk.NewCase{
		Combination: combination(r.PostForm.Get("combination")), ContactID: formInt(r, "contact"),
		Type: desk.CaseType(typ), SubType: sub,
		ProductID: formInt(r, "product"), ComponentID: formInt(r, "component"),
		Summary: r.PostForm.Get("summary"), Description: r.PostForm.Get("description"),
		Priority: desk.Priority(r.PostForm.Get("priority")), Stage: desk.Stage(r.PostForm.Get("stage")),
		SecurityThreat: r.PostForm.Get("security_threat") == "on", BusinessImpact: r.PostForm.Get("business_impact"),
		AgentsAffected: agents, ExternalRef: r.PostForm.Get("external_ref"), LinkedCaseID: formInt(r, "linked_case"),
	}
}

// createCase takes step 2 and opens the case.
func (s *Server) createCase(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var c *desk.Case
	err := runForm(r, a, func(req support.Request) (err error) {
		c, err = s.cases.Open(r.Context(), req, newCaseInput(r))
		// One select chooses the type and its subtype.
		return desk.RenameFields(err, map[string]string{"type": "kind", "sub_type": "kind"})
	})
	if fields := s.fieldMessages(r, err); fields != nil {
		data, derr := s.newCaseData(r, a)
		if derr != nil {
			return derr
		}
		data.Step = 2
		render(s, w, r, http.StatusUnprocessableEntity, pageCaseNew, &view{Title: s.loc(r).T("title.open_a_case"), User: a.User, Form: r.PostForm, Errors: fields}, data)
		return nil
	}
	if err != nil {
		return err
	}
	s.redirect(w, r, "/cases/"+c.Number(), s.loc(r).T("notice.case_opened", "Number", c.Number()))
	return nil
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	return s.renderCase(w, r, a, caseID, http.StatusOK, nil, nil)
}

// renderCase shows a case page, with a form's errors when one failed:
// the agent's page to whoever may work the case.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, a *desk.Actor, caseID int64, status int, form url.Values, errs map[string]string) error {
	data, err := s.caseData(r, a, caseID)
	if err != nil {
		return err
	}
	v := data.V
	// The page holds several forms: after one of them was refused, the
	// staff's update form still shows the case as it is.
	form = withCaseDefaults(form, v.Case)
	if v.CanWork {
		return s.renderAgentCase(w, r, a, data, status, form, errs, nil, nil)
	}
	for i := range v.SFTP {
		if v.SFTP[i].Active(v.Now) {
			// The page shows the account's password.
			w.Header().Set("Cache-Control", "no-store")
		}
	}
	render(s, w, r, status, pageCase, &view{Title: s.loc(r).T("title.case", "Number", v.Case.Number()), User: a.User, Form: form, Errors: errs}, data)
	return nil
}

// caseData reads what a case page shows.
func (s *Server) caseData(r *http.Request, a *desk.Actor, caseID int64) (caseData, error) {
	v, err := s.cases.Case(r.Context(), request(r, a), caseID)
	if err != nil {
		return caseData{}, err
	}
	esc, err := s.cases.Escalations(r.Context(), request(r, a), caseID)
	if err != nil {
		return caseData{}, err
	}
	data := caseData{
		V: v, Statuses: desk.Statuses, SubStatuses: desk.SubStatuses, Priorities: desk.Priorities,
		Esc: esc, Reasons: desk.EscalationReasons,
	}
	if v.CanWork {
		staff, err := s.accounts.StaffUsers(r.Context(), request(r, a))
		if err != nil {
			return caseData{}, err
		}
		data.Staff = staff
	}
	return data, nil
}

// withCaseDefaults gives the fields of the staff's form the case's values
// where form has none.
func withCaseDefaults(form url.Values, c *desk.CaseRow) url.Values {
	return withDefaults(form, url.Values{
		"status": {string(c.Status) + "/" + string(c.SubStatus)}, "priority": {string(c.Priority)},
		"severity": {strconv.Itoa(c.Severity)}, "owner": {strconv.FormatInt(c.OwnerID, 10)},
		"contact": {strconv.FormatInt(c.ContactID, 10)},
	})
}

// caseForms names, for each form of the case page (by where it posts,
// after the case's number), the id on the page of each field it posts and
// of each field its service names in a refusal. Forms post the same names
// ("reason" to close, reopen and escalate; "text" to every escalation
// step), so a refused form comes back with its messages beside its own
// fields, and what was typed in them only; the error summary links to
// those ids.
var caseForms = map[string]map[string]string{
	"comments":          {"body": "body", "visibility": "visibility", "files": "comment-files", "acknowledge": "comment-acknowledge"},
	"close":             {"reason": "close-reason", "comment": "close-comment"},
	"reopen":            {"reason": "reopen-reason"},
	"accept-solution":   {"comment": "accept-comment"},
	"reject-solution":   {"body": "reject-body"},
	"escalate":          {"reason": "escalation-reason", "details": "escalation-details", "escalation": "escalate-form"},
	"work":              {"body": "body", "visibility": "visibility", "tags": "tags", "component": "component", "files": "files", "macro": "macro", "status": "status", "substatus": "status", "priority": "priority", "severity": "severity", "owner": "owner", "contact": "contact", "info_complete": "info_complete", "rca_delivered": "rca_delivered", "rca": "rca_delivered", "then": "then"},
	"macro":             {"body": "body", "visibility": "visibility", "tags": "tags", "component": "component", "macro": "macro", "status": "status", "priority": "priority", "severity": "severity", "owner": "owner", "contact": "contact", "then": "then"},
	"update":            {"status": "status", "substatus": "status", "priority": "priority", "severity": "severity", "owner": "owner", "contact": "contact", "info_complete": "info_complete", "rca_delivered": "rca_delivered", "rca": "rca_delivered"},
	"escalation/note":   {"text": "escalation-text"},
	"escalation/accept": {"text": "accept-text"},
	"escalation/reject": {"text": "reject-text"},
	"escalation/close":  {"text": "close-text"},
}

// caseForm gives the values and errors of the refused form of the case
// page the ids of its fields (caseForms). A message about a field the
// form does not have keeps its name.
func caseForm(r *http.Request, form url.Values, errs map[string]string) (url.Values, map[string]string) {
	_, posted, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/cases/"), "/")
	ids, ok := caseForms[posted]
	if !ok {
		return form, errs
	}
	values := url.Values{}
	for field, id := range ids {
		if vs, ok := form[field]; ok {
			values[id] = vs
		}
	}
	messages := map[string]string{}
	for _, field := range slices.Sorted(maps.Keys(errs)) {
		id, ok := ids[field]
		if !ok {
			id = field
		}
		if _, taken := messages[id]; !taken {
			messages[id] = errs[field]
		}
	}
	return values, messages
}

// caseAction runs a form post on a case and shows the case again: with the
// form's errors, or after a redirect with a notice.
func (s *Server) caseAction(do func(r *http.Request, req support.Request, caseID int64) (string, error)) pageHandler {
	show := func(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
		caseID, err := caseNumber(r)
		if err != nil {
			return err
		}
		form, errs = caseForm(r, form, errs)
		return s.renderCase(w, r, a, caseID, status, form, errs)
	}
	return s.post(show, func(r *http.Request, req support.Request) (string, string, error) {
		caseID, err := caseNumber(r)
		if err != nil {
			return "", "", err
		}
		notice, err := do(r, req, caseID)
		return "/cases/" + desk.FormatCaseNumber(caseID), notice, err
	})
}

// commentForm reads the case page's comment form, which may carry files
// (multipart): only from someone who may comment on the case, so nobody
// else has a body of files read.
func (s *Server) commentForm(next pageHandler) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			caseID, err := caseNumber(r)
			if err != nil {
				return err
			}
			if err := s.cases.Ask(r.Context(), request(r, a), caseID, desk.CommentCase); err != nil {
				return err
			}
		}
		if err := readAttachments(w, r); err != nil {
			return err
		}
		defer removeAttachments(r)
		return next(w, r, a)
	}
}

// commentOrReply posts the comment form: the service makes it a
// customer's update, a public reply or an internal note, as the API's.
func (s *Server) commentOrReply(r *http.Request, req support.Request, caseID int64) (string, error) {
	files, err := attachments(r)
	if err != nil {
		return "", err
	}
	kind, err := s.cases.Post(r.Context(), req, caseID, support.Posting{
		Body: r.PostForm.Get("body"), Internal: r.PostForm.Get("visibility") == "internal",
		Files: files, Acknowledge: r.PostForm.Get("acknowledge") == "on",
	})
	switch kind {
	case desk.EntryNote:
		return s.loc(r).T("notice.your_internal_note_was_added"), err
	case desk.EntryReply:
		return s.loc(r).T("notice.your_reply_was_sent_to_the"), err
	}
	return s.loc(r).T("notice.your_update_was_added_to_the"), err
}

func (s *Server) closeCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	return s.loc(r).T("notice.the_case_is_closed"), s.cases.Close(r.Context(), req, caseID, desk.SubStatus(r.PostForm.Get("reason")), r.PostForm.Get("comment"))
}

func (s *Server) acceptSolution(r *http.Request, req support.Request, caseID int64) (string, error) {
	return s.loc(r).T("notice.case.solution_accepted"), s.cases.AcceptSolution(r.Context(), req, caseID, r.PostForm.Get("comment"))
}

func (s *Server) rejectSolution(r *http.Request, req support.Request, caseID int64) (string, error) {
	return s.loc(r).T("notice.case.solution_rejected"), s.cases.RejectSolution(r.Context(), req, caseID, r.PostForm.Get("body"))
}

func (s *Server) reopenCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	return s.loc(r).T("notice.the_case_is_open_again"), s.cases.Reopen(r.Context(), req, caseID, r.PostForm.Get("reason"))
}

func (s *Server) updateCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	return s.loc(r).T("notice.the_case_is_updated"), s.cases.Update(r.Context(), req, caseID, caseChange(r.PostForm))
}

// caseChange reads the staff update form; fields left out stay as they
// are.
func caseChange(form url.Values) support.CaseChange {
	var ch support.CaseChange
	if v := form.Get("status"); v != "" {
		st, sub, _ := strings.Cut(v, "/")
		status, substatus := desk.Status(st), desk.SubStatus(sub)
		ch.Status, ch.SubStatus = &status, &substatus
	}
	if v := form.Get("priority"); v != "" {
		p := desk.Priority(v)
		ch.Priority = &p
	}
	if v := form.Get("severity"); v != "" {
		n, _ := strconv.Atoi(v)
		ch.Severity = &n
	}
	if form.Has("owner") {
		n := atoi64(form.Get("owner"))
		ch.OwnerID = &n
	}
	if v := form.Get("contact"); v != "" {
		n := atoi64(v)
		ch.ContactID = &n
	}
	ch.InfoComplete = form.Get("info_complete") == "on"
	ch.RCADelivered = form.Get("rca_delivered") == "on"
	return ch
}

func (s *Server) followCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	on := r.PostForm.Get("follow") == "on"
	notice := s.loc(r).T("notice.you_no_longer_follow_this_case")
	if on {
		notice = s.loc(r).T("notice.you_follow_this_case_its_emails")
	}
	return notice, s.cases.Follow(r.Context(), req, caseID, on)
}
