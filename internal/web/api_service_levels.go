package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/hours"
	"github.com/caseport/caseport/internal/support"
)

// apiServiceLevelRoutes are the calls on calendars and service-level targets.
func (s *Server) apiServiceLevelRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/calendars", Tag: "service levels", Summary: "Business-hours calendars (staff)",
			Answer: []apiCalendar{}, Status: http.StatusOK, Handle: s.apiCalendars,
		},
		{
			Method: "POST", Path: "/api/v1/calendars", Tag: "service levels", Summary: "Add a calendar (portal admins)",
			Body: apiCalendar{}, Answer: apiCalendar{}, Status: http.StatusCreated, Handle: s.apiSaveCalendar,
		},
		{
			Method: "PUT", Path: "/api/v1/calendars/{id}", Tag: "service levels", Summary: "Replace a calendar: hours, zone, holidays (portal admins)",
			Body: apiCalendar{}, Answer: apiCalendar{}, Status: http.StatusOK, Handle: s.apiSaveCalendar,
		},
		{
			Method: "GET", Path: "/api/v1/settings/service-levels", Tag: "service levels", Summary: "The service-level targets and settings (staff)",
			Answer: apiServiceLevels{}, Status: http.StatusOK, Handle: s.apiServiceLevels,
		},
		{
			Method: "PUT", Path: "/api/v1/settings/service-levels", Tag: "service levels", Summary: "Set the default calendar, the warning lead and how follow-up days count (portal admins)",
			Body: apiServiceLevelSettings{}, Answer: apiServiceLevels{}, Status: http.StatusOK, Handle: s.apiSetServiceLevelSettings, Fields: map[string]string{"calendar": "default_calendar", "lead": "warning_lead_minutes"},
		},
		{
			Method: "PUT", Path: "/api/v1/settings/service-levels/targets", Tag: "service levels", Summary: "Set one target of the table (portal admins)",
			Body: apiSLATarget{}, Answer: apiServiceLevels{}, Status: http.StatusOK, Handle: s.apiSetSLATarget,
		},
		{
			Method: "PUT", Path: "/api/v1/settings/service-levels/table", Tag: "service levels", Summary: "Set many targets at once (portal admins): every target is checked first, each problem named targets.N.amount, targets.N.unit or targets.N, and all are saved in one transaction or none",
			Body: apiSLATable{}, Answer: apiServiceLevels{}, Status: http.StatusOK, Handle: s.apiSetSLATable,
		},
	}
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

func toAPICalendar(c *hours.CalendarRow) apiCalendar {
	out := apiCalendar{ID: c.ID, Name: c.Name, Zone: c.Zone, Week: c.Week, Holidays: make([]string, 0, len(c.Holidays))}
	for _, d := range c.Holidays {
		out.Holidays = append(out.Holidays, d.String())
	}
	return out
}

func (s *Server) apiCalendars(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	cals, err := s.sla.Calendars(r.Context(), request(r, a))
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
	if err := desk.Authorize(a, desk.ManageCalendars, desk.Target{}); err != nil { // the policy before the fields
		return err
	}
	row := &hours.CalendarRow{Name: in.Name, Zone: in.Zone, Week: in.Week}
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
		if pe, ok := errors.AsType[*hours.ParseError](err); ok {
			return desk.Invalid("holidays", pe.ID, pe.Args...)
		}
		row.Holidays = append(row.Holidays, d)
	}
	if err := s.sla.SaveCalendar(r.Context(), request(r, a), row); err != nil {
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
	set, err := s.sla.Settings(r.Context(), req)
	if err != nil {
		return err
	}
	ts, err := s.sla.Targets(r.Context(), req)
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
	err := s.sla.SetSettings(r.Context(), request(r, a), support.SLASettings{
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
	t := &desk.SLATarget{
		Deployment: desk.Deployment(in.Deployment), Level: desk.SupportLevel(in.Level), Priority: desk.Priority(in.Priority),
		Kind: desk.ClockKind(in.Kind), Amount: in.Amount, Unit: desk.TargetUnit(in.Unit),
	}
	if err := s.sla.SetTarget(r.Context(), request(r, a), t); err != nil {
		return err
	}
	return s.apiServiceLevels(w, r, a)
}

type apiSLATable struct {
	Targets []apiSLATarget `json:"targets"`
}

func (s *Server) apiSetSLATable(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiSLATable
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ts := make([]desk.SLATarget, len(in.Targets))
	for i, t := range in.Targets {
		ts[i] = desk.SLATarget{
			Deployment: desk.Deployment(t.Deployment), Level: desk.SupportLevel(t.Level), Priority: desk.Priority(t.Priority),
			Kind: desk.ClockKind(t.Kind), Amount: t.Amount, Unit: desk.TargetUnit(t.Unit),
		}
	}
	if err := s.sla.SetTargets(r.Context(), request(r, a), ts); err != nil {
		return err
	}
	return s.apiServiceLevels(w, r, a)
}
