package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/support"
)

// Search Alerts: Follow Query on the results page, Follow and Stop
// following on each result and on the item's page, Manage Alerts, and
// the alert email's stop link (no sign-in).

var (
	pageKnowledgeAlerts = page[knowledgeAlertsData]{"knowledge-alerts"}
	pageKnowledgeStop   = page[knowledgeStopData]{"knowledge-alerts-stop"}
)

type knowledgeAlertsData struct {
	Alerts []alertRow
}

// alertRow is one row of Manage Alerts.
type alertRow struct {
	kb.Followed
	// Href is the followed query's results page or the item's page.
	Href string
	// IsQuery and IsItem say what the row follows (else the security
	// advisories); Deliveries are the choices its When offers.
	IsQuery, IsItem bool
	Deliveries      []desk.KBDelivery
}

type knowledgeStopData struct {
	Stopped int
	Valid   bool
}

func (s *Server) knowledgeAlerts(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showKnowledgeAlerts(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showKnowledgeAlerts(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	list, err := s.knowledge.Follows(r.Context(), a)
	if err != nil {
		return err
	}
	var d knowledgeAlertsData
	for _, f := range list {
		row := alertRow{Followed: f, Deliveries: desk.KBDeliveries}
		switch f.Kind {
		case desk.KBFollowQuery:
			row.Href, row.IsQuery = "/knowledge?"+f.Search, true
		case desk.KBFollowItem:
			row.Href, row.IsItem = "/knowledge/"+strconv.FormatInt(f.ItemID, 10), true
		case desk.KBFollowAdvisories:
			row.Deliveries = []desk.KBDelivery{desk.KBDaily}
		}
		d.Alerts = append(d.Alerts, row)
	}
	render(s, w, r, status, pageKnowledgeAlerts, &view{Title: s.loc(r).T("page.kb.alerts.title"), User: a.User, Form: form, Errors: errs}, d)
	return nil
}

// followQuery follows the query of the results page the form came from.
func (s *Server) followQuery(r *http.Request, req support.Request) (string, string, error) {
	f := kbFormOf(r.PostForm)
	f.Page = 1
	back := f.href()
	q := f.query()
	if _, err := s.knowledge.FollowQuery(r.Context(), req, q, f.values().Encode(), r.PostForm.Get("description")); err != nil {
		for _, m := range desk.FieldMessages(err) {
			// The results page has no field for it: said above the page.
			return back, "", &desk.MessageError{Message: m, Kind: desk.ErrConflict}
		}
		return "", "", err
	}
	return back, s.loc(r).T("page.kb.alerts.query_followed"), nil
}

// followItem follows or stops following an item; back is the page the
// form came from (the results or the item).
func (s *Server) followItem(stop bool) formAction {
	return func(r *http.Request, req support.Request) (string, string, error) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return "", "", desk.ErrNotFound
		}
		back := r.PostForm.Get("back")
		if !strings.HasPrefix(back, "/knowledge") || strings.HasPrefix(back, "//") {
			back = "/knowledge/" + strconv.FormatInt(id, 10)
		}
		if stop {
			if err := s.knowledge.UnfollowItem(r.Context(), req, id); err != nil {
				return "", "", err
			}
			return back, s.loc(r).T("page.kb.alerts.item_unfollowed"), nil
		}
		if _, err := s.knowledge.FollowItem(r.Context(), req, id); err != nil {
			return "", "", err
		}
		return back, s.loc(r).T("page.kb.alerts.item_followed"), nil
	}
}

// updateAlert saves a row of Manage Alerts: its delivery and, for a
// query, its description.
func (s *Server) updateAlert(r *http.Request, req support.Request) (string, string, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return "", "", desk.ErrNotFound
	}
	var c kb.FollowChange
	if v, ok := r.PostForm["delivery"]; ok && len(v) > 0 {
		d := desk.KBDelivery(v[0])
		c.Delivery = &d
	}
	if v, ok := r.PostForm["description"]; ok && len(v) > 0 {
		c.Description = &v[0]
	}
	if _, err := s.knowledge.UpdateFollow(r.Context(), req, id, c); err != nil {
		return "", "", err
	}
	return "/knowledge/alerts", s.loc(r).T("page.kb.alerts.saved"), nil
}

func (s *Server) stopAlert(r *http.Request, req support.Request) (string, string, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return "", "", desk.ErrNotFound
	}
	if err := s.knowledge.Unfollow(r.Context(), req, id); err != nil {
		return "", "", err
	}
	return "/knowledge/alerts", s.loc(r).T("page.kb.alerts.stopped"), nil
}

// stopAlertsLink is the alert email's one-click stop link: it stops the
// follows the email was for, without signing in.
func (s *Server) stopAlertsLink(w http.ResponseWriter, r *http.Request) error {
	n, err := s.knowledge.StopAlerts(r.Context(), r.URL.Query().Get("token"))
	d := knowledgeStopData{Stopped: n, Valid: err == nil}
	status := http.StatusOK
	switch {
	case errors.Is(err, desk.ErrNotFound):
		status = http.StatusNotFound
	case err != nil:
		return err
	}
	render(s, w, r, status, pageKnowledgeStop, &view{Title: s.loc(r).T("page.kb.alerts.stop_title")}, d)
	return nil
}

// setAdvisories is the profile's "Subscribe to security advisories".
func (s *Server) setAdvisories(r *http.Request, req support.Request) (string, string, error) {
	on := r.PostForm.Get("advisories") == "on"
	if err := s.knowledge.SetAdvisories(r.Context(), req, on); err != nil {
		return "", "", err
	}
	if on {
		if r.PostForm.Get("from") == "home" { // the home page's suggestion
			return "/home", s.loc(r).T("page.profile.advisories_on"), nil
		}
		return "/profile#advisories", s.loc(r).T("page.profile.advisories_on"), nil
	}
	return "/profile#advisories", s.loc(r).T("page.profile.advisories_off"), nil
}
