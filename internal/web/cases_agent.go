package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// pageAgentCase is the case page of whoever may work the case: the
// conversation and the composer in the middle, the properties beside it
// (saved with the reply, in one form), the service-level clocks on top,
// the customer, escalation, files and SFTP as panels that fold.
var pageAgentCase = page[agentCaseData]{"case-agent"}

// agentCaseData is the customer's case page's data (the escalation
// partial reads it) with what only the agent's page shows.
type agentCaseData struct {
	caseData
	A *support.AgentCase
	// Clocks are the case's clocks as the top of the page shows them.
	Clocks []agentClock
	// Stale is the refusal of a change made on an older version of the
	// case, with the differences; nil when there is none.
	Stale *staleView
	// OldestFirst shows the conversation oldest first (newest at the
	// bottom, next to the composer), the agent's choice (feedCookie).
	OldestFirst bool
	// FromQueue says the case was opened from the queue, whose query is
	// From; Prev and Next are the cases before and after it there ("" at
	// either end).
	FromQueue        bool
	From, Prev, Next string
	// Then is the status "Send and set status" sets: a macro's, else
	// Solution Proposed - Replied.
	Then          string
	ThenStatus    desk.Status
	ThenSubStatus desk.SubStatus
	// ThenIsNow says the case is in that status already, or cannot move
	// there (a closed case only reopens): the button is not offered until
	// a saved reply sets another.
	ThenIsNow bool
	// Tags is the tags field as typed or as the case has them.
	Tags string
	// MaxUpload is the most the files of one reply may weigh, in bytes.
	MaxUpload int64
}

// agentClock is a service-level clock with how it stands now: met,
// paused, running (ok, or warn when under a quarter of its time or an hour
// is left) or overdue.
type agentClock struct {
	desk.Clock
	// State names the clock's colour (clock-STATE); the facts say which
	// words the page shows.
	State                                   string
	Met, MetLate, Stopped, Waiting, Overdue bool
	// ThirdParty says the clock runs while the case waits on a third
	// party, which the page explains: only waiting on the customer pauses
	// a clock.
	ThirdParty bool
}

// staleView is what the page says of a change refused because the case
// moved on: the heading, each field's difference, the entries added.
type staleView struct {
	Heading string
	Changes []string
	Entries string
}

// feedCookie remembers, per browser, the order in which an agent reads a
// conversation.
const feedCookie = "caseport_feed"

// maxReplyFiles is the most the files attached to one reply may weigh
// together: larger files go through the Transfer Files page.
const maxReplyFiles = 32_000_000

// renderAgentCase shows the agent's case page: data is the case page's,
// form and errs those of a refused form, stale a refusal as stale, notice
// (when not nil) what a submit that shows the page again saved.
func (s *Server) renderAgentCase(w http.ResponseWriter, r *http.Request, a *desk.Actor, data caseData, status int, form url.Values, errs map[string]string, stale *staleView, notice *flash) error {
	v := data.V
	ac, err := s.cases.Agent(r.Context(), request(r, a), v)
	if err != nil {
		return err
	}
	d := agentCaseData{caseData: data, A: ac, Stale: stale, MaxUpload: maxReplyFiles}
	d.OldestFirst = feedOrder(w, r)
	if d.OldestFirst {
		slices.Reverse(v.Feed)
	}
	for _, ck := range v.Clocks {
		st := clockState(&ck, v.Case.Closed(), v.Now)
		d.Clocks = append(d.Clocks, agentClock{
			Clock: ck, State: st, Met: st == "met", MetLate: st == "met-late", Stopped: st == "stopped",
			Waiting: st == "paused", Overdue: st == "overdue",
			ThirdParty: v.Case.WaitsOnThirdParty() && (st == "ok" || st == "warn" || st == "overdue"),
		})
	}
	_ = r.FormValue("from") // parses the query
	_, d.FromQueue = r.Form["from"]
	d.From = r.Form.Get("from")
	if d.FromQueue {
		if d.Prev, d.Next, err = s.neighbours(r, a, d.From, v.Case.ID); err != nil {
			return err
		}
	}
	d.Then, d.ThenStatus, d.ThenSubStatus = string(desk.StatusSolutionProposed)+"/"+string(desk.SubReplied), desk.StatusSolutionProposed, desk.SubReplied
	if st, sub, ok := strings.Cut(form.Get("then"), "/"); ok && slices.Contains(desk.SubStatuses[desk.Status(st)], desk.SubStatus(sub)) {
		d.Then, d.ThenStatus, d.ThenSubStatus = form.Get("then"), desk.Status(st), desk.SubStatus(sub)
	}
	d.Tags = strings.Join(ac.Tags, ", ")
	if form.Has("tags") {
		d.Tags = form.Get("tags")
	}
	c := v.Case
	d.ThenIsNow = c.Status == d.ThenStatus && c.SubStatus == d.ThenSubStatus ||
		desk.CheckTransition(c.Status, c.SubStatus, d.ThenStatus, d.ThenSubStatus) != nil
	form = withDefaults(form, url.Values{"component": {strconv.FormatInt(c.ComponentID, 10)}})
	for i := range v.SFTP {
		if v.SFTP[i].Active(v.Now) {
			w.Header().Set("Cache-Control", "no-store")
		}
	}
	render(s, w, r, status, pageAgentCase, &view{Title: s.loc(r).T("title.case", "Number", c.Number()), User: a.User, Form: form, Errors: errs, Flash: notice}, d)
	return nil
}

// feedOrder reads the agent's order of the conversation: ?feed=oldest or
// newest changes it and is remembered; newest at the bottom by default,
// next to the composer.
func feedOrder(w http.ResponseWriter, r *http.Request) bool {
	order := r.URL.Query().Get("feed")
	switch order {
	case "oldest", "newest":
		http.SetCookie(w, &http.Cookie{Name: feedCookie, Value: order, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	default:
		if c, err := r.Cookie(feedCookie); err == nil {
			order = c.Value
		}
	}
	return order != "newest"
}

// clockState is how a clock stands now, for its colour and words.
func clockState(ck *desk.Clock, closed bool, now time.Time) string {
	switch {
	case !ck.MetAt.IsZero() && ck.Missed(now):
		return "met-late"
	case !ck.MetAt.IsZero():
		return "met"
	case closed:
		return "stopped"
	case ck.Paused():
		return "paused"
	case ck.Missed(now):
		return "overdue"
	case ck.DueAt.Sub(now) < time.Hour || ck.DueAt.Sub(now) < ck.DueAt.Sub(ck.StartedAt)/4:
		return "warn"
	}
	return "ok"
}

// neighbours are the links to the cases before and after caseID in the
// queue whose query is from, found by running that query (its first
// pages), each carrying from on.
func (s *Server) neighbours(r *http.Request, a *desk.Actor, from string, caseID int64) (prev, next string, err error) {
	q, err := url.ParseQuery(from)
	if err != nil {
		return "", "", nil // a query the queue did not write: no neighbours
	}
	q.Set("size", "100")
	q.Del("after")
	page, err := s.cases.List(r.Context(), request(r, a), queueFilter(q, a))
	if s.fieldMessages(r, err) != nil || errors.Is(err, desk.ErrForbidden) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	link := func(c desk.CaseRow) string {
		return "/cases/" + c.Number() + "?from=" + url.QueryEscape(from)
	}
	for i, c := range page.Cases {
		if c.ID != caseID {
			continue
		}
		if i > 0 {
			prev = link(page.Cases[i-1])
		}
		if i+1 < len(page.Cases) {
			next = link(page.Cases[i+1])
		}
	}
	return prev, next, nil
}

// workForm reads the agent's one form: the reply, its files and the
// properties, with what the page showed of the case.
func workForm(r *http.Request, a *desk.Actor) (support.Work, error) {
	form := r.PostForm
	w := support.Work{Body: form.Get("body"), Internal: form.Get("visibility") == "internal", Change: caseChange(form)}
	if form.Has("assign_me") {
		me := a.User.ID
		w.Change.OwnerID = &me
	}
	if form.Has("assign_me") || form.Has("properties_only") {
		// The properties alone: what is typed in the composer waits.
		w.Body = ""
		err := seenInto(form, &w)
		keepUnchanged(form, &w.Change)
		return w, err
	}
	if then := form.Get("then"); then != "" && form.Has("send_then") {
		st, sub, _ := strings.Cut(then, "/")
		status, substatus := desk.Status(st), desk.SubStatus(sub)
		w.Change.Status, w.Change.SubStatus = &status, &substatus
	}
	if err := seenInto(form, &w); err != nil {
		return w, err
	}
	keepUnchanged(form, &w.Change)
	var err error
	w.Files, err = attachments(r)
	return w, err
}

// attachments are the files of a form's "files" input (the agent's
// composer, the customer's comment form), read by readAttachments.
func attachments(r *http.Request) ([]support.Attachment, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []support.Attachment
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Filename == "" {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(f)
		_ = f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, support.Attachment{Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Content: b})
	}
	return out, nil
}

// readAttachments reads a multipart form that attaches files to what is
// written (at most maxReplyFiles of them together; larger files go
// through Transfer Files); the caller removes them (r.MultipartForm.
// RemoveAll) when done. A form that is not multipart is left as read.
func readAttachments(w http.ResponseWriter, r *http.Request) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReplyFiles+maxFormBody)
	if err := r.ParseMultipartForm(maxFormBody); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return refuse(errTooLarge, "error.agent_case.files_too_large", "MB", maxReplyFiles/1_000_000)
		}
		return refuse(errBadRequest, "error.form.unreadable", "Problem", formError(err))
	}
	return nil
}

// removeAttachments drops what readAttachments kept on disk.
func removeAttachments(r *http.Request) {
	if r.MultipartForm != nil {
		_ = r.MultipartForm.RemoveAll()
	}
}

// seenFields are the properties of the agent's form that carry what the
// page showed (seen_FIELD).
var seenFields = []string{"status", "priority", "severity", "owner", "contact", "component", "tags"}

// unchanged lists the properties the agent left as the page showed them.
func unchanged(form url.Values) []string {
	var out []string
	for _, f := range seenFields {
		seen := "seen_" + f
		if !form.Has(f) || !form.Has(seen) {
			continue
		}
		if f == "tags" {
			if slices.Equal(support.ParseTags(form.Get(f)), support.ParseTags(form.Get(seen))) {
				out = append(out, f)
			}
			continue
		}
		if form.Get(f) == form.Get(seen) {
			out = append(out, f)
		}
	}
	return out
}

// keepUnchanged leaves out of a change the properties the agent did not
// touch, so that one agent's submit never sets back what another changed
// meanwhile (the version check refuses it first; this keeps a sent-again
// form from undoing the other's change).
func keepUnchanged(form url.Values, ch *support.CaseChange) {
	for _, f := range unchanged(form) {
		switch f {
		case "status":
			if ch.Status != nil && form.Has("send_then") {
				continue // "Send and set" sets the status whatever it was
			}
			ch.Status, ch.SubStatus = nil, nil
		case "priority":
			ch.Priority = nil
		case "severity":
			ch.Severity = nil
		case "owner":
			if !form.Has("assign_me") {
				ch.OwnerID = nil
			}
		case "contact":
			ch.ContactID = nil
		case "component":
			ch.ComponentID = nil
		case "tags":
			ch.Tags = nil
		}
	}
}

// seenInto reads what the page showed of the case into w's change, and
// the properties only the agent's form has.
func seenInto(form url.Values, w *support.Work) error {
	if form.Has("component") {
		n := atoi64(form.Get("component"))
		w.Change.ComponentID = &n
	}
	if form.Has("tags") {
		tags := support.ParseTags(form.Get("tags"))
		w.Change.Tags = &tags
	}
	if !form.Has("version") {
		return nil
	}
	seen, err := seenForm(form)
	if err != nil {
		return err
	}
	w.Change.Seen = seen
	return nil
}

// seenForm reads what the page showed of the case, from its hidden
// fields.
func seenForm(form url.Values) (*desk.CaseSeen, error) {
	version, err := strconv.ParseInt(form.Get("version"), 10, 64)
	if err != nil {
		return nil, desk.Invalid("version", "support.agent_case.version")
	}
	st, sub, _ := strings.Cut(form.Get("seen_status"), "/")
	sev, _ := strconv.Atoi(form.Get("seen_severity"))
	tags := support.ParseTags(form.Get("seen_tags"))
	return &desk.CaseSeen{
		Version: version, Status: desk.Status(st), SubStatus: desk.SubStatus(sub), Priority: desk.Priority(form.Get("seen_priority")),
		Severity: sev, OwnerID: atoi64(form.Get("seen_owner")), ContactID: atoi64(form.Get("seen_contact")),
		ComponentID: atoi64(form.Get("seen_component")), Tags: tags, LastEntry: atoi64(form.Get("seen_entry")), Known: true,
	}, nil
}

// workCase takes the agent's one form: the reply (or note) with its
// files and the properties, saved together. A refusal shows the page
// again with what was typed: beside the fields, or, for a case that
// changed meanwhile, with the differences above the form.
func (s *Server) workCase(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	if err := s.cases.Ask(r.Context(), request(r, a), caseID, desk.WorkCase); err != nil {
		return err
	}
	if err := readAttachments(w, r); err != nil {
		return err
	}
	defer removeAttachments(r)
	var kind desk.EntryKind
	err = runForm(r, a, func(req support.Request) error {
		work, err := workForm(r, a)
		if err != nil {
			return err
		}
		if r.PostForm.Has("properties_only") && work.Change.None() {
			return nil // the properties as they were: nothing to save
		}
		kind, err = s.cases.Work(r.Context(), req, caseID, work)
		return err
	})
	back := "/cases/" + desk.FormatCaseNumber(caseID)
	if r.PostForm.Has("from") {
		back += "?from=" + url.QueryEscape(r.PostForm.Get("from"))
	}
	if stale, ok := errors.AsType[*desk.StaleError](err); ok {
		// What the agent left as it was shows as it now is; what they
		// changed, as they chose it.
		for _, f := range unchanged(r.PostForm) {
			r.PostForm.Del(f)
		}
		return s.showWork(w, r, a, caseID, http.StatusConflict, nil, s.staleView(r, stale))
	}
	if fields := s.fieldMessages(r, err); fields != nil {
		return s.showWork(w, r, a, caseID, http.StatusUnprocessableEntity, fields, nil)
	}
	if errors.Is(err, desk.ErrConflict) {
		s.setFlash(w, "error", s.message(r, err))
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	notice := s.loc(r).T("notice.agent_case.saved")
	if kept := keptReply(r.PostForm); kept != nil {
		// The properties alone were saved, a reply is typed: the page
		// again (not a redirect, which would lose it), the reply kept.
		data, err := s.caseData(r, a, caseID)
		if err != nil {
			return err
		}
		return s.renderAgentCase(w, r, a, data, http.StatusOK, withCaseDefaults(kept, data.V.Case), nil, nil,
			&flash{Kind: "success", Text: s.loc(r).T("page.polish.saved_reply_kept")})
	}
	switch kind {
	case desk.EntryReply:
		notice = s.loc(r).T("notice.agent_case.reply_sent")
	case desk.EntryNote:
		notice = s.loc(r).T("notice.agent_case.note_added")
	}
	s.redirect(w, r, back+"#composer", notice)
	return nil
}

// keptReply is what the composer held when the agent saved the
// properties alone (Save properties, Assign to me) with a reply typed:
// the reply, its visibility and the status to send it with; nil when
// nothing was typed.
func keptReply(form url.Values) url.Values {
	if !form.Has("assign_me") && !form.Has("properties_only") || strings.TrimSpace(form.Get("body")) == "" {
		return nil
	}
	kept := url.Values{}
	for _, f := range []string{"body", "visibility", "then"} {
		if form.Has(f) {
			kept.Set(f, form.Get(f))
		}
	}
	return kept
}

// showWork shows the agent's page again after its form was refused.
func (s *Server) showWork(w http.ResponseWriter, r *http.Request, a *desk.Actor, caseID int64, status int, errs map[string]string, stale *staleView) error {
	form, errs := caseForm(r, r.PostForm, errs)
	data, err := s.caseData(r, a, caseID)
	if err != nil {
		return err
	}
	return s.renderAgentCase(w, r, a, data, status, withCaseDefaults(form, data.V.Case), errs, stale, nil)
}

// staleView says what changed meanwhile, in the reader's language.
func (s *Server) staleView(r *http.Request, e *desk.StaleError) *staleView {
	l := s.loc(r)
	v := &staleView{Heading: l.Message(e.Message())}
	for _, c := range e.Changes {
		v.Changes = append(v.Changes, l.Message(c.Message()))
	}
	if m := e.EntriesMessage(); m.ID != "" {
		v.Entries = l.Message(m)
	}
	return v
}

// applyMacro fills the composer with a saved reply, for the page without
// script: the page comes back with the macro's text after what was typed
// and its status offered for "Send and set status".
func (s *Server) applyMacro(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	var applied *support.AppliedMacro
	err = runForm(r, a, func(req support.Request) (err error) {
		applied, err = s.cases.ApplyMacro(r.Context(), req, caseID, atoi64(r.PostForm.Get("macro")))
		return err
	})
	if fields := s.fieldMessages(r, err); fields != nil {
		return s.showWork(w, r, a, caseID, http.StatusUnprocessableEntity, fields, nil)
	}
	if err != nil {
		return err
	}
	body := strings.TrimSpace(r.PostForm.Get("body"))
	if body != "" {
		body += "\n\n"
	}
	r.PostForm.Set("body", body+applied.Body)
	if applied.Macro.SetsStatus() {
		r.PostForm.Set("then", string(applied.Macro.Status)+"/"+string(applied.Macro.SubStatus))
	}
	return s.showWork(w, r, a, caseID, http.StatusOK, nil, nil)
}

// caseVersion answers an open agent's page asking whether the case
// changed: its version, with an ETag, and 304 while it is the one the
// page already has.
func (s *Server) caseVersion(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	caseID, err := caseNumber(r)
	if err != nil {
		return err
	}
	version, err := s.cases.CaseVersion(r.Context(), request(r, a), caseID)
	if err != nil {
		return err
	}
	etag := versionETag(version)
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]int64{"version": version})
	return nil
}

// versionETag is a case version as an entity tag.
func versionETag(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }

// markdownPreview renders the text it is sent as the Case Feed will show
// it, for a composer's preview: it reads and keeps nothing, so it asks
// the policy nothing beyond a session.
func (s *Server) markdownPreview(w http.ResponseWriter, r *http.Request, _ *desk.Actor) error {
	if err := checkForm(r.PostForm); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, string(markdown(r.PostForm.Get("body"))))
	return nil
}
