package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// pageConsoleAnnouncements is the console's page of announcements (portal
// admins): the list, and the form that writes one or changes the one
// chosen.
var pageConsoleAnnouncements = page[consoleAnnouncementsData]{"console-announcements"}

type consoleAnnouncementsData struct {
	Announcements []desk.Announcement
	Edit          *desk.Announcement
	Now           time.Time
	Audiences     []desk.AnnouncementAudience
	Lines         []desk.ProductLine
	Levels        []desk.SupportLevel
	Companies     []desk.Company
	// Names say whom each announcement is for, by ID.
	Audience map[int64]string
}

// momentLayout is how a datetime-local field writes a moment.
const momentLayout = "2006-01-02T15:04"

func (s *Server) consoleAnnouncements(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showConsoleAnnouncements(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showConsoleAnnouncements(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	list, err := s.knowledge.Announcements(r.Context(), a)
	if err != nil {
		return err
	}
	cat, err := s.knowledge.Catalog(r.Context(), a)
	if err != nil {
		return err
	}
	companies, err := s.accounts.Companies(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	l := s.loc(r)
	d := consoleAnnouncementsData{
		Announcements: list, Now: s.now(), Audiences: desk.AnnouncementAudiences, Lines: cat.Lines, Levels: desk.SupportLevels,
		Companies: companies, Audience: map[int64]string{},
	}
	for _, an := range list {
		who := l.T(an.Audience.MessageID())
		switch an.Audience {
		case desk.AudienceProductLine:
			for _, ln := range cat.Lines {
				if ln.ID == an.ProductLineID {
					who += ": " + ln.Name
				}
			}
		case desk.AudienceSupportLevel:
			who += ": " + l.T(an.Level.MessageID())
		case desk.AudienceCompany:
			for _, c := range companies {
				if c.ID == an.CompanyID {
					who += ": " + c.Name
				}
			}
		}
		d.Audience[an.ID] = who
	}
	zone := zoneOf(r, a.User)
	if id := r.PathValue("id"); id != "" {
		n, _ := strconv.ParseInt(id, 10, 64)
		d.Edit, err = s.knowledge.Announcement(r.Context(), a, n)
		switch {
		case errors.Is(err, desk.ErrNotFound) && errs != nil:
		case err != nil:
			return err
		default:
			ends := ""
			if !d.Edit.Ends.IsZero() {
				ends = d.Edit.Ends.In(zone).Format(momentLayout)
			}
			form = withDefaults(form, url.Values{
				"title": {d.Edit.Title}, "body": {d.Edit.Body}, "audience": {string(d.Edit.Audience)},
				"product_line": {strconv.FormatInt(d.Edit.ProductLineID, 10)}, "level": {string(d.Edit.Level)},
				"company": {strconv.FormatInt(d.Edit.CompanyID, 10)},
				"starts":  {d.Edit.Starts.In(zone).Format(momentLayout)}, "ends": {ends},
			})
		}
	}
	if form == nil {
		form = url.Values{"audience": {string(desk.AudienceEveryone)}, "starts": {s.now().In(zone).Format(momentLayout)}}
	}
	render(s, w, r, status, pageConsoleAnnouncements, &view{Title: l.T("page.announcements.console_title"), User: a.User, Form: form, Errors: errs}, d)
	return nil
}

// announcementInputOf reads the form; moments it cannot read are the
// request's problems, in the reader's zone.
func announcementInputOf(form url.Values, zone *time.Location, p desk.Problems) desk.AnnouncementInput {
	in := desk.AnnouncementInput{
		Title: form.Get("title"), Body: form.Get("body"), Audience: desk.AnnouncementAudience(form.Get("audience")),
		Level: desk.SupportLevel(form.Get("level")),
	}
	in.ProductLineID, _ = strconv.ParseInt(form.Get("product_line"), 10, 64)
	in.CompanyID, _ = strconv.ParseInt(form.Get("company"), 10, 64)
	moment := func(field string) time.Time {
		v := strings.TrimSpace(form.Get(field))
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(momentLayout, v, zone)
		if err != nil {
			p.AddMessage(field, "desk.announcement.bad_moment")
			return time.Time{}
		}
		return t.UTC()
	}
	in.Starts, in.Ends = moment("starts"), moment("ends")
	return in
}

func (s *Server) saveAnnouncement(r *http.Request, req support.Request) (string, string, error) {
	in := announcementInputOf(r.PostForm, zoneOf(r, req.Actor.User), req.Problems)
	var err error
	var an *desk.Announcement
	if id := r.PathValue("id"); id != "" {
		n, _ := strconv.ParseInt(id, 10, 64)
		an, err = s.knowledge.UpdateAnnouncement(r.Context(), req, n, in)
	} else {
		an, err = s.knowledge.CreateAnnouncement(r.Context(), req, in)
	}
	if err != nil {
		return "", "", err
	}
	return "/console/announcements", s.loc(r).T("notice.announcement_saved", "Title", an.Title), nil
}

func (s *Server) deleteAnnouncement(r *http.Request, req support.Request) (string, string, error) {
	n, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return "/console/announcements", s.loc(r).T("notice.announcement_deleted"), s.knowledge.DeleteAnnouncement(r.Context(), req, n)
}
