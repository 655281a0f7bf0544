package web

import (
	"encoding/base64"
	"encoding/hex"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/files"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/store"
	"github.com/caseport/caseport/internal/support"
)

// listNames maps the list parameter to lists and the catalogue IDs of
// their titles.
var listNames = map[string]struct {
	list  store.CaseList
	title string
}{
	"":       {store.MyCases, "title.my_cases"},
	"mine":   {store.MyCases, "title.my_cases"},
	"group":  {store.GroupCases, "title.group_cases"},
	"closed": {store.ClosedCases, "title.closed_cases"},
}

// pageSizes are the page sizes a list offers.
var pageSizes = []int{10, 25, 50, 100}

// caseQuery reads the search and paging parameters shared by the portal
// lists and the staff queue.
func caseQuery(q url.Values) store.CaseFilter {
	f := store.CaseFilter{After: q.Get("after"), EndUserID: atoi64(q.Get("end_user"))}
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
	if a.IsStaff() {
		http.Redirect(w, r, "/console?"+r.URL.RawQuery, http.StatusSeeOther)
		return nil
	}
	q := r.URL.Query()
	ln, ok := listNames[q.Get("list")]
	if !ok {
		ln = listNames[""]
	}
	f := caseQuery(q)
	f.List = ln.list
	page, err := s.svc.Cases(r.Context(), request(r, a), f)
	if fields := s.fieldMessages(r, err); fields != nil {
		// A stale or edited cursor: start the list again.
		q.Del("after")
		http.Redirect(w, r, "/cases?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	combos, err := s.svc.Combos(r.Context(), request(r, a), desk.ReadOnly)
	if err != nil {
		return err
	}
	canOpen := false
	for _, c := range combos {
		if c.Level == desk.ReadWrite {
			canOpen = true
		}
	}
	s.render(w, r, http.StatusOK, "cases", &view{Title: s.loc(r).T(ln.title), User: a.User, Form: q, Data: map[string]any{
		"List": q.Get("list"), "Page": page, "Combos": combos, "CanOpen": canOpen,
		"Sizes": pageSizes, "Size": f.Limit, "Next": nextURL(r.URL, page.Next),
	}})
	return nil
}

// nextURL is the list's URL for the page after the cursor.
func nextURL(u *url.URL, cursor string) string {
	if cursor == "" {
		return ""
	}
	q := u.Query()
	q.Set("after", cursor)
	return u.Path + "?" + q.Encode()
}

// newCaseData is what both wizard steps show.
func (s *Server) newCaseData(r *http.Request, a *desk.Actor) (map[string]any, error) {
	combos, err := s.svc.Combos(r.Context(), request(r, a), desk.ReadWrite)
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
	cat, err := s.svc.Catalog(r.Context(), request(r, a))
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"Combos": open, "Products": chosen.Products, "Catalog": cat, "Types": desk.CaseTypes, "Priorities": desk.CustomerPriorities,
		"MaxSummary": desk.MaxSummary, "Words": desk.DescriptionWords,
	}, nil
}

// newCase shows step 1 of the wizard: describe the problem.
func (s *Server) newCase(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	data, err := s.newCaseData(r, a)
	if err != nil {
		return err
	}
	data["Step"] = 1
	if len(data["Combos"].([]support.Combo)) == 0 {
		data["NoCombos"] = true
	}
	s.render(w, r, http.StatusOK, "case-new", &view{Title: s.loc(r).T("title.open_a_case"), User: a.User, Form: r.URL.Query(), Data: data})
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
		data["Step"] = 1
		s.render(w, r, http.StatusUnprocessableEntity, "case-new", &view{Title: s.loc(r).T("title.open_a_case"), User: a.User, Form: form, Errors: errs, Data: data})
		return nil
	}
	if form.Get("component") == "" {
		cat := data["Catalog"].(*store.Catalog)
		p, c := desk.SuggestComponent(form.Get("summary")+" "+form.Get("description"), data["Products"].([]desk.Product), cat.Components)
		if c != 0 {
			form.Set("product", strconv.FormatInt(p, 10))
			form.Set("component", strconv.FormatInt(c, 10))
			data["Suggested"] = true
		}
	}
	if form.Get("kind") == "" {
		form.Set("kind", string(desk.TypeSupport)+"/Problem")
		form.Set("stage", string(desk.StageProduction))
	}
	data["Step"] = 2
	s.render(w, r, http.StatusOK, "case-new", &view{Title: s.loc(r).T("title.open_a_case"), User: a.User, Form: form, Data: data})
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
	err := checkForm(r.PostForm)
	if err == nil {
		c, err = s.svc.OpenCase(r.Context(), request(r, a), newCaseInput(r))
	}
	if fields := s.fieldMessages(r, err); fields != nil {
		data, derr := s.newCaseData(r, a)
		if derr != nil {
			return derr
		}
		data["Step"] = 2
		s.render(w, r, http.StatusUnprocessableEntity, "case-new", &view{Title: s.loc(r).T("title.open_a_case"), User: a.User, Form: r.PostForm, Errors: fields, Data: data})
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

// renderCase shows a case page, with a form's errors when one failed.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, a *desk.Actor, caseID int64, status int, form url.Values, errs map[string]string) error {
	v, err := s.svc.Case(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	esc, err := s.svc.Escalations(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	data := map[string]any{
		"V": v, "Statuses": desk.Statuses, "SubStatuses": desk.SubStatuses, "Priorities": desk.Priorities,
		"Esc": esc, "Reasons": desk.EscalationReasons,
	}
	if v.CanWork {
		staff, err := s.svc.StaffUsers(r.Context(), request(r, a))
		if err != nil {
			return err
		}
		data["Staff"] = staff
	}
	for i := range v.SFTP {
		if v.SFTP[i].Active(v.Now) {
			// The page shows the account's password.
			w.Header().Set("Cache-Control", "no-store")
		}
	}
	s.render(w, r, status, "case", &view{Title: s.loc(r).T("title.case", "Number", v.Case.Number()), User: a.User, Form: form, Errors: errs, Data: data})
	return nil
}

// caseAction runs a form post on a case and shows the case again: with the
// form's errors, or after a redirect with a notice.
func (s *Server) caseAction(do func(r *http.Request, req support.Request, caseID int64) (string, error)) pageHandler {
	show := func(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
		caseID, err := caseNumber(r)
		if err != nil {
			return err
		}
		form, errs = stepForm(r, form, errs)
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

// commentOrReply posts the comment form: a customer's update, or for staff
// a public reply or internal note.
func (s *Server) commentOrReply(r *http.Request, req support.Request, caseID int64) (string, error) {
	if req.Actor.IsStaff() {
		return s.replyCase(r, req, caseID)
	}
	return s.commentCase(r, req, caseID)
}

func (s *Server) commentCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	return s.loc(r).T("notice.your_update_was_added_to_the"), s.svc.Comment(r.Context(), req, caseID, r.PostForm.Get("body"))
}

func (s *Server) closeCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	return s.loc(r).T("notice.the_case_is_closed"), s.svc.CloseCase(r.Context(), req, caseID, desk.SubStatus(r.PostForm.Get("reason")), r.PostForm.Get("comment"))
}

func (s *Server) reopenCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	return s.loc(r).T("notice.the_case_is_open_again"), s.svc.ReopenCase(r.Context(), req, caseID, r.PostForm.Get("reason"))
}

func (s *Server) replyCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	internal := r.PostForm.Get("visibility") == "internal"
	notice := s.loc(r).T("notice.your_reply_was_sent_to_the")
	if internal {
		notice = s.loc(r).T("notice.your_internal_note_was_added")
	}
	return notice, s.svc.Reply(r.Context(), req, caseID, r.PostForm.Get("body"), internal)
}

func (s *Server) updateCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	return s.loc(r).T("notice.the_case_is_updated"), s.svc.UpdateCase(r.Context(), req, caseID, caseChange(r.PostForm))
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

func (s *Server) escalateCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	_, err := s.svc.Escalate(r.Context(), req, caseID, desk.EscalationReason(r.PostForm.Get("reason")), r.PostForm.Get("details"))
	return s.loc(r).T("notice.the_case_is_escalated_an_escalation"), err
}

// stepFields names the text box of each escalation step's form: the four
// forms all post "text", and a refused one comes back with its message
// and what was typed in its own box, which the error summary links to.
var stepFields = map[string]string{"note": "escalation-text", "accept": "accept-text", "reject": "reject-text", "close": "close-text"}

// stepForm gives a refused escalation step's "text" the name of its box.
func stepForm(r *http.Request, form url.Values, errs map[string]string) (url.Values, map[string]string) {
	field, ok := stepFields[r.PathValue("step")]
	if !ok {
		return form, errs
	}
	renamed := map[string]string{}
	for k, v := range errs {
		if k == "text" {
			k = field
		}
		renamed[k] = v
	}
	return url.Values{field: form["text"]}, renamed
}

// workEscalation takes a step on the case's current escalation.
func (s *Server) workEscalation(r *http.Request, req support.Request, caseID int64) (string, error) {
	esc, err := s.svc.Escalations(r.Context(), req, caseID)
	if err != nil {
		return "", err
	}
	if esc.Current == nil {
		return "", desk.ErrNotFound
	}
	step := support.EscalationStep(r.PathValue("step"))
	id := map[support.EscalationStep]string{
		support.StepAccept: "notice.escalation_accepted", support.StepReject: "notice.escalation_rejected",
		support.StepClose: "notice.escalation_closed", support.StepNote: "notice.escalation_note_added",
	}[step]
	if id == "" {
		return "", desk.ErrNotFound
	}
	notice := s.loc(r).T(id)
	return notice, s.svc.WorkEscalation(r.Context(), req, esc.Current.ID, step, r.PostForm.Get("text"))
}

func (s *Server) followCase(r *http.Request, req support.Request, caseID int64) (string, error) {
	on := r.PostForm.Get("follow") == "on"
	notice := s.loc(r).T("notice.you_no_longer_follow_this_case")
	if on {
		notice = s.loc(r).T("notice.you_follow_this_case_its_emails")
	}
	return notice, s.svc.Follow(r.Context(), req, caseID, on)
}

// caseFile sends a file of a case, through the policy, with Range
// support; always as a download, never shown inline. The page and the
// API (/api/v1/cases/{number}/files/{id}/content) both serve it.
func (s *Server) caseFile(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	fileID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, content, err := s.svc.OpenCaseFile(r.Context(), request(r, a), caseID, fileID)
	if err != nil {
		return err
	}
	defer content.Close()
	serveFile(w, r, f.Name, f.SHA256, content)
	return nil
}

// serveFile sends stored content as an attachment named name.
func serveFile(w http.ResponseWriter, r *http.Request, name, sha string, content files.File) {
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(name)}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+sha+`"`)
	h.Set("Repr-Digest", "sha-256=:"+shaBase64(sha)+":")
	http.ServeContent(w, r, "", content.ModTime(), content)
}

func shaBase64(hexSum string) string {
	b, err := hex.DecodeString(hexSum)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}

// transferFiles shows the Transfer Files page: the data-protection notice
// until the actor acknowledges it for this case, then the uploader.
func (s *Server) transferFiles(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	return s.renderTransfer(w, r, a, caseID, http.StatusOK, nil, nil)
}

func (s *Server) renderTransfer(w http.ResponseWriter, r *http.Request, a *desk.Actor, caseID int64, status int, form url.Values, errs map[string]string) error {
	t, err := s.svc.FileTransfer(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	list, err := s.svc.CaseFiles(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	// The page's log masker is WebAssembly: compiling it is all this allows.
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy("script-src 'self' 'wasm-unsafe-eval'"))
	s.render(w, r, status, "case-files", &view{
		Title: s.loc(r).T("title.transfer_files_case", "Number", t.Case.Number()), User: a.User, Form: form, Errors: errs,
		Data: map[string]any{"T": t, "Files": list},
	})
	return nil
}

// acknowledgeFiles records the data-protection acknowledgement and goes
// on to the uploader.
func (s *Server) acknowledgeFiles() pageHandler {
	show := func(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
		caseID, err := caseNumber(r)
		if err != nil {
			return err
		}
		return s.renderTransfer(w, r, a, caseID, status, form, errs)
	}
	return s.post(show, func(r *http.Request, req support.Request) (string, string, error) {
		caseID, err := caseNumber(r)
		if err != nil {
			return "", "", err
		}
		return "/cases/" + desk.FormatCaseNumber(caseID) + "/files", "", s.svc.AcknowledgeFiles(r.Context(), req, caseID)
	})
}

// createSFTP makes a temporary SFTP account for the case.
func (s *Server) createSFTP(r *http.Request, req support.Request, caseID int64) (string, error) {
	a, err := s.svc.CreateSFTPAccount(r.Context(), req, caseID)
	if err != nil {
		return "", err
	}
	return s.loc(r).T("notice.sftp_account_ready", "Username", a.Username), nil
}
