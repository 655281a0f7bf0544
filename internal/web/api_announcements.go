package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// apiAnnouncementRoutes are the calls on announcements: portal admins
// write them; everyone reads those in force for them.
func (s *Server) apiAnnouncementRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/announcements", Tag: "knowledge",
			Summary: "Announcements: every one for portal admins, who manage them; for anyone else those in force for them (their audience, between start and end)",
			Answer:  []apiAnnouncement{}, Status: http.StatusOK, Handle: s.apiAnnouncements,
		},
		{
			Method: "POST", Path: "/api/v1/announcements", Tag: "knowledge",
			Summary: "Write an announcement for everyone, a product line, a support level or a company, in force from starts until ends (portal admins)",
			Body:    apiAnnouncementInput{}, Fields: announcementFields, Answer: apiAnnouncement{}, Status: http.StatusCreated, Handle: s.apiCreateAnnouncement,
		},
		{
			Method: "PATCH", Path: "/api/v1/announcements/{id}", Tag: "knowledge",
			Summary: "Change an announcement: the fields given, the others as they are (portal admins)",
			Body:    apiAnnouncementInput{}, Fields: announcementFields, Answer: apiAnnouncement{}, Status: http.StatusOK, Handle: s.apiUpdateAnnouncement,
		},
		{
			Method: "DELETE", Path: "/api/v1/announcements/{id}", Tag: "knowledge", Summary: "Delete an announcement (portal admins)",
			Status: http.StatusNoContent, Handle: s.apiDeleteAnnouncement,
		},
	}
}

// announcementFields names the body's fields where the use case's differ.
var announcementFields = map[string]string{"product_line": "product_line_id", "level": "support_level", "company": "company_id"}

type apiAnnouncement struct {
	ID            int64      `json:"id"`
	Title         string     `json:"title"`
	Body          string     `json:"body"`
	Audience      string     `json:"audience"`
	ProductLineID int64      `json:"product_line_id,omitempty"`
	SupportLevel  string     `json:"support_level,omitempty"`
	CompanyID     int64      `json:"company_id,omitempty"`
	Starts        time.Time  `json:"starts"`
	Ends          *time.Time `json:"ends,omitempty"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// apiAnnouncementInput is a new announcement, or the fields a PATCH
// changes (those left out stay as they are; ends null or "" takes the
// end away).
type apiAnnouncementInput struct {
	Title *string `json:"title,omitempty"`
	Body  *string `json:"body,omitempty"`
	// Audience is everyone, product_line, support_level or company.
	Audience      *string `json:"audience,omitempty"`
	ProductLineID *int64  `json:"product_line_id,omitempty"`
	SupportLevel  *string `json:"support_level,omitempty"`
	CompanyID     *int64  `json:"company_id,omitempty"`
	// Starts and Ends are RFC 3339 moments.
	Starts *string `json:"starts,omitempty"`
	Ends   *string `json:"ends,omitempty"`
}

func toAPIAnnouncement(a *desk.Announcement) apiAnnouncement {
	out := apiAnnouncement{
		ID: a.ID, Title: a.Title, Body: a.Body, Audience: string(a.Audience), ProductLineID: a.ProductLineID,
		SupportLevel: string(a.Level), CompanyID: a.CompanyID, Starts: a.Starts, UpdatedAt: a.UpdatedAt,
	}
	if !a.Ends.IsZero() {
		ends := a.Ends
		out.Ends = &ends
	}
	return out
}

// input is the body applied over base (the announcement as it is, or
// nothing for a new one); moments it cannot read are problems.
func (in apiAnnouncementInput) input(base desk.AnnouncementInput, p desk.Problems) desk.AnnouncementInput {
	out := base
	if in.Title != nil {
		out.Title = *in.Title
	}
	if in.Body != nil {
		out.Body = *in.Body
	}
	if in.Audience != nil {
		out.Audience = desk.AnnouncementAudience(*in.Audience)
	}
	if in.ProductLineID != nil {
		out.ProductLineID = *in.ProductLineID
	}
	if in.SupportLevel != nil {
		out.Level = desk.SupportLevel(*in.SupportLevel)
	}
	if in.CompanyID != nil {
		out.CompanyID = *in.CompanyID
	}
	moment := func(field string, v *string, was time.Time) time.Time {
		if v == nil {
			return was
		}
		if strings.TrimSpace(*v) == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(*v))
		if err != nil {
			p.AddMessage(field, "desk.announcement.bad_moment")
			return time.Time{}
		}
		return t.UTC()
	}
	out.Starts, out.Ends = moment("starts", in.Starts, base.Starts), moment("ends", in.Ends, base.Ends)
	return out
}

func (s *Server) apiAnnouncements(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var list []desk.Announcement
	var err error
	if desk.Authorize(a, desk.ManageAnnouncements, desk.Target{}) == nil {
		list, err = s.knowledge.Announcements(r.Context(), a)
	} else {
		list, err = s.knowledge.InForce(r.Context(), a)
	}
	if err != nil {
		return err
	}
	out := make([]apiAnnouncement, 0, len(list))
	for i := range list {
		out = append(out, toAPIAnnouncement(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateAnnouncement(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.ManageAnnouncements, desk.Target{}); err != nil {
		return err // the policy before the body
	}
	var in apiAnnouncementInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	req := request(r, a)
	req.Problems = desk.Problems{}
	an, err := s.knowledge.CreateAnnouncement(r.Context(), req, in.input(desk.AnnouncementInput{}, req.Problems))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIAnnouncement(an))
	return nil
}

func announcementID(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(r.PathValue("id")), 10, 64)
	if err != nil || n <= 0 {
		return 0, desk.ErrNotFound
	}
	return n, nil
}

func (s *Server) apiUpdateAnnouncement(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.ManageAnnouncements, desk.Target{}); err != nil {
		return err
	}
	n, err := announcementID(r)
	if err != nil {
		return err
	}
	var in apiAnnouncementInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	was, err := s.knowledge.Announcement(r.Context(), a, n)
	if err != nil {
		return err
	}
	base := desk.AnnouncementInput{
		Title: was.Title, Body: was.Body, Audience: was.Audience, ProductLineID: was.ProductLineID, Level: was.Level,
		CompanyID: was.CompanyID, Starts: was.Starts, Ends: was.Ends,
	}
	req := request(r, a)
	req.Problems = desk.Problems{}
	an, err := s.knowledge.UpdateAnnouncement(r.Context(), req, n, in.input(base, req.Problems))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIAnnouncement(an))
	return nil
}

func (s *Server) apiDeleteAnnouncement(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.ManageAnnouncements, desk.Target{}); err != nil {
		return err
	}
	n, err := announcementID(r)
	if err != nil {
		return err
	}
	if err := s.knowledge.DeleteAnnouncement(r.Context(), request(r, a), n); err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
	return nil
}
