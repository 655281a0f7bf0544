package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// The queue's views: the sidebar of built-in, shared and personal views
// with their counts, and saving and deleting a view.

// queueViews are the actor's views with their counts; current is the
// queue's query (queueQuery), whose view is marked.
func (s *Server) queueViews(r *http.Request, a *desk.Actor, current string) ([]queueView, error) {
	req := request(r, a)
	views, err := s.cases.Views(r.Context(), req)
	if err != nil {
		return nil, err
	}
	out := make([]queueView, 0, len(views))
	for _, v := range views {
		q, err := url.ParseQuery(v.Query)
		if err != nil {
			q = url.Values{} // a saved query is the queue's own; never stored broken
		}
		if v.Count, err = s.cases.Count(r.Context(), req, queueFilter(q, a)); err != nil {
			return nil, err
		}
		canDelete := v.ID != 0 && (v.Shared() && desk.Authorize(a, desk.ShareQueueView, desk.Target{}) == nil ||
			!v.Shared() && desk.Authorize(a, desk.DeleteQueueView, desk.Target{OwnerID: v.OwnerID}) == nil)
		out = append(out, queueView{
			QueueView: v, Href: "/console?" + queueQuery(q), Current: queueQuery(q) == current, CanDelete: canDelete,
			DeleteAction: fmt.Sprintf("/console/views/%d/delete?%s", v.ID, current),
		})
	}
	return out, nil
}

// saveView saves the queue's query (the URL's, as the page posts to
// /console/views?<query>) as a view.
func (s *Server) saveView(r *http.Request, req support.Request) (string, string, error) {
	query := queueQuery(r.URL.Query())
	name := r.PostForm.Get("name")
	_, err := s.cases.SaveView(r.Context(), req, name, query, r.PostForm.Get("shared") == "on")
	return "/console?" + query, s.loc(r).T("notice.queue.view_saved", "Name", name), err
}

// deleteView removes a saved view and goes back to the queue as it was.
func (s *Server) deleteView(r *http.Request, req support.Request) (string, string, error) {
	viewID, err := pathID(r, "id")
	if err != nil {
		return "", "", err
	}
	err = s.cases.DeleteView(r.Context(), req, viewID)
	return "/console?" + queueQuery(r.URL.Query()), s.loc(r).T("notice.queue.view_deleted"), err
}

// bulkData is what the queue's bulk form offers: its actions, the
// statuses a change sets, and the cases ticked when the form comes back
// with problems.
type bulkData struct {
	Statuses    []desk.Status
	SubStatuses map[desk.Status][]desk.SubStatus
	Selected    map[int64]bool
	Action      string
	Into        string
}

// bulkOffer is the bulk form's offer, with what form ticked.
func bulkOffer(form url.Values) bulkData {
	d := bulkData{Statuses: desk.Statuses, SubStatuses: desk.SubStatuses, Selected: map[int64]bool{}}
	for _, v := range form["case"] {
		d.Selected[atoi64(v)] = true
	}
	d.Action, d.Into = form.Get("action"), form.Get("into")
	return d
}

// bulkForm reads the bulk form (or the API's body, as a form): the cases
// ticked, the action (the button pressed) and its fields.
func bulkForm(form url.Values, a *desk.Actor) support.Bulk {
	b := support.Bulk{Action: support.BulkAction(form.Get("action")), Note: form.Get("note"), IntoID: atoi64(form.Get("into"))}
	for _, v := range form["case"] {
		b.CaseIDs = append(b.CaseIDs, atoi64(v))
	}
	switch owner := form.Get("bulk_owner"); owner {
	case "me":
		b.OwnerID = a.User.ID
	case "none", "":
	default:
		b.OwnerID = atoi64(owner)
	}
	st, sub, _ := strings.Cut(form.Get("bulk_status"), "/")
	b.Status, b.SubStatus = desk.Status(st), desk.SubStatus(sub)
	return b
}

// bulk does the bulk form's action on the cases ticked and goes back to
// the queue as it was (/console/bulk?<query>).
func (s *Server) bulk(r *http.Request, req support.Request) (string, string, error) {
	b := bulkForm(r.PostForm, req.Actor)
	err := s.cases.Bulk(r.Context(), req, b)
	return "/console?" + queueQuery(r.URL.Query()), s.loc(r).N("notice.queue.bulk_done", len(b.CaseIDs)), err
}

// pageSearch is the console's global search, its results grouped by kind.
var pageSearch = page[searchData]{"console-search"}

// searchData is what a search found, with the text searched for and the
// queue's link to every case that matches.
type searchData struct {
	Q       string
	R       *support.SearchResults
	AllHref string
}

// search is the console's global search (the header's box).
func (s *Server) search(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	q := r.URL.Query()
	status := http.StatusOK
	errs := s.searchProblems(r, q)
	if errs != nil {
		status = http.StatusUnprocessableEntity
	}
	text := strings.TrimSpace(q.Get("q"))
	res, err := s.cases.Search(r.Context(), request(r, a), text)
	if err != nil {
		return err
	}
	all := url.Values{"q": {text}, "closed": {"on"}}
	render(s, w, r, status, pageSearch, &view{Title: s.loc(r).T("page.search.title"), User: a.User, Form: q, Errors: errs}, searchData{
		Q: text, R: res, AllHref: "/console?" + all.Encode(),
	})
	return nil
}

// pageNotifications is the list of the console's notifications (the bell).
var pageNotifications = page[notificationsData]{"console-notifications"}

// notificationsData is a page of notifications, newest first, and the
// link to the older ones.
type notificationsData struct {
	Notices []desk.Notice
	Unread  int
	Older   string
}

func (s *Server) notifications(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showNotifications(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showNotifications(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	req := request(r, a)
	notices, err := s.cases.Notices(r.Context(), req, atoi64(r.URL.Query().Get("before")))
	if err != nil {
		return err
	}
	unread, err := s.cases.UnreadNotices(r.Context(), req)
	if err != nil {
		return err
	}
	d := notificationsData{Notices: notices, Unread: unread}
	if len(notices) == desk.DefaultPageSize {
		d.Older = fmt.Sprintf("/console/notifications?before=%d", notices[len(notices)-1].ID)
	}
	render(s, w, r, status, pageNotifications, &view{Title: s.loc(r).T("page.notifications.title"), User: a.User, Form: form, Errors: errs}, d)
	return nil
}

// markNoticesRead marks one notification read (…/{id}/read), then opens
// its case when asked (open=on), or all of them (…/read).
func (s *Server) markNoticesRead(r *http.Request, req support.Request) (string, string, error) {
	var noticeID int64
	if r.PathValue("id") != "" {
		var err error
		if noticeID, err = pathID(r, "id"); err != nil {
			return "", "", err
		}
	}
	err := s.cases.MarkNoticesRead(r.Context(), req, noticeID)
	if n, ok := desk.ParseCaseNumber(r.PostForm.Get("open")); ok && noticeID != 0 {
		return "/cases/" + desk.FormatCaseNumber(n), "", err
	}
	if noticeID != 0 {
		return "/console/notifications", s.loc(r).T("notice.queue.notice_read"), err
	}
	return "/console/notifications", s.loc(r).T("notice.queue.notices_read"), err
}
