package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/kb"
	"github.com/caseport/caseport/internal/support"
)

// The My Support home page (the dashboard contacts land on), the
// announcements shown first after sign-in, and the page of the areas
// still to come.

var (
	pageHome          = page[homeData]{"home"}
	pageAnnouncements = page[announcementsData]{"announcements"}
	pageComingSoon    = page[comingSoonData]{"coming-soon"}
)

// homeData is the dashboard: the counts of the reader's open cases, the
// tiles of the portal's areas, the announcements in force for them, and
// the knowledge items updated for their alerts.
type homeData struct {
	// MyOpen and GroupOpen count the open cases of My Cases and Group
	// Cases, up to desk.MaxPageSize; MyMore and GroupMore say there are
	// more. ShowMine is off for who may open no case (no cases of their
	// own).
	MyOpen, GroupOpen int
	MyMore, GroupMore bool
	ShowMine          bool
	Tiles             []homeTile
	Announcements     []desk.Announcement
	// AlertUpdates are the knowledge items new or updated for the
	// reader's alerts (Follow Query, Follow item) lately, newest first.
	AlertUpdates []desk.KBItem
	WindowDays   int // how far back AlertUpdates looks
	// SuggestAdvisories offers the security advisories to a Designated
	// Contact who has not subscribed.
	SuggestAdvisories bool
}

// homeAlertUpdates is how many items "Updated for your alerts" lists.
const homeAlertUpdates = 5

// homeTile is a tile of the dashboard: a link to an area.
type homeTile struct {
	ID, Name, Hint, Href string
}

// comingAreas are the areas of the portal that do not exist yet, by the
// name their page's path gives them.
var comingAreas = map[string]bool{"downloads": true, "community": true, "ideas": true}

func (s *Server) homePage(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	l := s.loc(r)
	d := homeData{ShowMine: desk.Anywhere(a, desk.OpenCase), WindowDays: int(kb.RecentWindow.Hours() / 24)}
	req := request(r, a)
	count := func(list desk.CaseList) (int, bool, error) {
		page, err := s.cases.List(r.Context(), req, desk.CaseFilter{List: list, Limit: desk.MaxPageSize})
		if err != nil {
			return 0, false, err
		}
		return len(page.Cases), page.Next != "", nil
	}
	var err error
	if d.ShowMine {
		if d.MyOpen, d.MyMore, err = count(desk.MyCases); err != nil {
			return err
		}
	}
	if d.GroupOpen, d.GroupMore, err = count(desk.GroupCases); err != nil {
		return err
	}
	if d.Announcements, err = s.knowledge.InForce(r.Context(), a); err != nil {
		return err
	}
	if d.AlertUpdates, err = s.knowledge.AlertUpdates(r.Context(), a, homeAlertUpdates); err != nil {
		return err
	}
	if d.ShowMine {
		on, err := s.knowledge.Advisories(r.Context(), a)
		if err != nil {
			return err
		}
		d.SuggestAdvisories = !on
	}
	tutorials := "/knowledge?" + url.Values{"type": {string(desk.KBTechTutorial)}}.Encode()
	d.Tiles = append(d.Tiles, homeTile{"tile-cases", l.T("page.home.tile.cases"), l.T("page.home.tile.cases_hint"), "/cases"})
	if d.ShowMine {
		d.Tiles = append(d.Tiles, homeTile{"tile-open-case", l.T("page.home.tile.open_case"), l.T("page.home.tile.open_case_hint"), "/cases/new"})
	}
	d.Tiles = append(d.Tiles,
		homeTile{"tile-knowledge", l.T("page.home.tile.knowledge"), l.T("page.home.tile.knowledge_hint"), "/knowledge"},
		homeTile{"tile-downloads", l.T("page.home.tile.downloads"), l.T("page.home.tile.downloads_hint"), "/coming/downloads"},
		homeTile{"tile-community", l.T("page.home.tile.community"), l.T("page.home.tile.community_hint"), "/coming/community"},
		homeTile{"tile-ideas", l.T("page.home.tile.ideas"), l.T("page.home.tile.ideas_hint"), "/coming/ideas"},
		homeTile{"tile-tutorials", l.T("page.home.tile.tutorials"), l.T("page.home.tile.tutorials_hint"), tutorials},
	)
	render(s, w, r, http.StatusOK, pageHome, &view{Title: l.T("page.home.title"), User: a.User}, d)
	return nil
}

// announcementsData is the page shown after sign-in while announcements
// in force for the reader have not been shown to them: Continue goes on
// to Next.
type announcementsData struct {
	Announcements []desk.Announcement
	Next          string
}

// announcementsFirst is where sign-in sends an actor bound for next: the
// announcements they have not been shown yet first, when there are any
// (contacts; staff go straight to their work).
func (s *Server) announcementsFirst(r *http.Request, a *desk.Actor, next string) string {
	if desk.Authorize(a, desk.UseConsole, desk.Target{}) == nil {
		return next
	}
	unseen, err := s.knowledge.Unseen(r.Context(), a)
	if err != nil {
		// Sign-in goes on without them rather than fail.
		s.log.WarnContext(r.Context(), "announcements at sign-in", "err", err)
		return next
	}
	if len(unseen) == 0 {
		return next
	}
	return "/announcements?" + url.Values{"next": {next}}.Encode()
}

func (s *Server) announcements(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showAnnouncements(w, r, a, http.StatusOK, r.URL.Query(), nil)
}

// showAnnouncements shows the announcements not yet shown to the actor,
// or, when there are none, goes on to next.
func (s *Server) showAnnouncements(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	next := nextOf(a, form)
	unseen, err := s.knowledge.Unseen(r.Context(), a)
	if err != nil {
		return err
	}
	if len(unseen) == 0 && errs == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	render(s, w, r, status, pageAnnouncements, &view{Title: s.loc(r).T("page.announcements.title"), User: a.User, Errors: errs},
		announcementsData{Announcements: unseen, Next: next})
	return nil
}

// nextOf is where the announcements go on to: the form's next when it is
// safe, else the actor's home.
func nextOf(a *desk.Actor, form url.Values) string {
	next := safeNext(form.Get("next"))
	if next == "/" {
		next = home(a)
	}
	return next
}

// markAnnouncementsSeen records the announcements shown as seen and goes
// on (Continue to your Dashboard).
func (s *Server) markAnnouncementsSeen(r *http.Request, req support.Request) (string, string, error) {
	var ids []int64
	for _, v := range r.PostForm["seen"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	if err := req.Problems.Err(); err != nil {
		return "", "", err
	}
	return nextOf(req.Actor, r.PostForm), "", s.knowledge.MarkSeen(r.Context(), req.Actor, ids)
}

// comingSoonData names the area a tile leads to that does not exist yet.
type comingSoonData struct {
	Area string
}

func (s *Server) comingSoon(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	area := r.PathValue("area")
	if !comingAreas[area] {
		return desk.ErrNotFound
	}
	l := s.loc(r)
	names := map[string]string{
		"downloads": l.T("page.home.tile.downloads"), "community": l.T("page.home.tile.community"), "ideas": l.T("page.home.tile.ideas"),
	}
	render(s, w, r, http.StatusOK, pageComingSoon, &view{Title: names[area], User: a.User}, comingSoonData{Area: names[area]})
	return nil
}
