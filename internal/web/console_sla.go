package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/hours"
	"github.com/caseport/caseport/internal/support"
)

// The console's service-level pages: calendars and the target table.

var (
	pageServiceLevels = page[serviceLevelsData]{"console-service-levels"}
	pageCalendar      = page[calendarData]{"console-calendar"}
)

// serviceLevelsData is the table of targets, the calendars and the
// settings' form.
type serviceLevelsData struct {
	Calendars []hours.CalendarRow
	Targets   []targetRow
	Units     []desk.TargetUnit
}

// targetRow is a row of the target table: its form's field ids, and the
// amount and unit its form shows (as typed, in the row whose save failed).
type targetRow struct {
	desk.SLATarget
	AmountField, UnitField string
	Typed                  string
	TypedUnit              desk.TargetUnit
}

// targetKey names a row of the target table in its fields' ids.
func targetKey(d desk.Deployment, l desk.SupportLevel, p desk.Priority, k desk.ClockKind) string {
	return string(d) + "-" + string(l) + "-" + string(p) + "-" + string(k)
}

// calendarData is a calendar (Cal nil for a new one).
type calendarData struct {
	Cal *hours.CalendarRow
}

func (s *Server) serviceLevels(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showServiceLevels(w, r, a, http.StatusOK, nil, nil)
}

// showServiceLevels shows the page; after a failed save, the form that
// failed keeps what was typed and its errors, the other shows what is saved.
func (s *Server) showServiceLevels(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	req := request(r, a)
	cals, err := s.sla.Calendars(r.Context(), req)
	if err != nil {
		return err
	}
	targets, err := s.sla.Targets(r.Context(), req)
	if err != nil {
		return err
	}
	set, err := s.sla.Settings(r.Context(), req)
	if err != nil {
		return err
	}
	saved := url.Values{"default_calendar": {set.DefaultCalendar}, "lead": {strconv.Itoa(int(set.WarningLead / time.Minute))}}
	if set.FollowUpBusinessDays {
		saved.Set("followup_business", "on")
	}
	failedRow := ""
	if r.URL.Path == "/console/service-levels/targets" {
		// A target's form failed: the settings show what is saved, and
		// the row's errors go to its own fields.
		failedRow = targetKey(desk.Deployment(form.Get("deployment")), desk.SupportLevel(form.Get("level")),
			desk.Priority(form.Get("priority")), desk.ClockKind(form.Get("kind")))
		errs = renameKeys(errs, map[string]string{"amount": "amount-" + failedRow, "unit": "unit-" + failedRow})
		form = saved
	} else if form == nil {
		form = saved
	}
	rows := make([]targetRow, len(targets))
	for i, t := range targets {
		key := targetKey(t.Deployment, t.Level, t.Priority, t.Kind)
		rows[i] = targetRow{SLATarget: t, AmountField: "amount-" + key, UnitField: "unit-" + key, Typed: strconv.Itoa(t.Amount), TypedUnit: t.Unit}
		if key == failedRow {
			rows[i].Typed, rows[i].TypedUnit = r.PostForm.Get("amount"), desk.TargetUnit(r.PostForm.Get("unit"))
		}
	}
	render(s, w, r, status, pageServiceLevels, &view{
		Title: s.loc(r).T("title.service_levels"), User: a.User, Form: form, Errors: errs,
	}, serviceLevelsData{
		Calendars: cals, Targets: rows,
		Units: []desk.TargetUnit{desk.UnitMinutes, desk.UnitBusinessMinutes, desk.UnitBusinessDays},
	})
	return nil
}

// renameKeys returns errs with the keys of names renamed.
func renameKeys(errs map[string]string, names map[string]string) map[string]string {
	out := make(map[string]string, len(errs))
	for k, v := range errs {
		if to, ok := names[k]; ok {
			k = to
		}
		out[k] = v
	}
	return out
}

func (s *Server) saveSLASettings(r *http.Request, req support.Request) (string, string, error) {
	if err := desk.Authorize(req.Actor, desk.ManageSLASettings, desk.Target{}); err != nil { // the policy before the form
		return "", "", err
	}
	minutes, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("lead")))
	if err != nil {
		return "", "", invalid("lead", "form.give_the_warning_lead_in_minutes")
	}
	set := support.SLASettings{
		DefaultCalendar: r.PostForm.Get("default_calendar"), WarningLead: time.Duration(minutes) * time.Minute,
		FollowUpBusinessDays: r.PostForm.Get("followup_business") == "on",
	}
	return "/console/service-levels", s.loc(r).T("notice.the_settings_are_saved"), s.sla.SetSettings(r.Context(), req, set)
}

// saveSLATarget changes one row of the table; its key is in the form.
func (s *Server) saveSLATarget(r *http.Request, req support.Request) (string, string, error) {
	if err := desk.Authorize(req.Actor, desk.ManageSLATargets, desk.Target{}); err != nil { // the policy before the form
		return "", "", err
	}
	f := r.PostForm
	amount, err := strconv.Atoi(strings.TrimSpace(f.Get("amount")))
	if err != nil {
		return "", "", invalid("amount", "form.give_the_target_as_a_whole")
	}
	t := &desk.SLATarget{
		Deployment: desk.Deployment(f.Get("deployment")), Level: desk.SupportLevel(f.Get("level")),
		Priority: desk.Priority(f.Get("priority")), Kind: desk.ClockKind(f.Get("kind")),
		Amount: amount, Unit: desk.TargetUnit(f.Get("unit")),
	}
	return "/console/service-levels#targets", s.loc(r).T("notice.target_saved", "Target", t.Unit.Description(t.Amount)), s.sla.SetTarget(r.Context(), req, t)
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showCalendar(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showCalendar(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	id, _ := pathID(r, "id")
	var cal *hours.CalendarRow
	if id != 0 {
		cals, err := s.sla.Calendars(r.Context(), request(r, a))
		if err != nil {
			return err
		}
		for i := range cals {
			if cals[i].ID == id {
				cal = &cals[i]
			}
		}
		if cal == nil {
			return desk.ErrNotFound
		}
	}
	if form == nil {
		form = url.Values{}
		if cal != nil {
			days := make([]string, len(cal.Holidays))
			for i, d := range cal.Holidays {
				days[i] = d.String()
			}
			form = url.Values{"name": {cal.Name}, "zone": {cal.Zone}, "week": {cal.Week}, "holidays": {strings.Join(days, "\n")}}
		}
	}
	title := s.loc(r).T("title.new_calendar")
	if cal != nil {
		title = cal.Name
	}
	render(s, w, r, status, pageCalendar, &view{
		Title: title, User: a.User, Form: form, Errors: errs,
	}, calendarData{Cal: cal})
	return nil
}

func (s *Server) saveCalendar(r *http.Request, req support.Request) (string, string, error) {
	if err := desk.Authorize(req.Actor, desk.ManageCalendars, desk.Target{}); err != nil { // the policy before the form
		return "", "", err
	}
	id, _ := pathID(r, "id")
	row := &hours.CalendarRow{ID: id, Name: r.PostForm.Get("name"), Zone: r.PostForm.Get("zone"), Week: r.PostForm.Get("week")}
	var bad []string
	for line := range strings.FieldsSeq(r.PostForm.Get("holidays")) {
		d, err := hours.ParseDate(line)
		if err != nil {
			bad = append(bad, line)
			continue
		}
		row.Holidays = append(row.Holidays, d)
	}
	if len(bad) > 0 {
		// The service checks the rest of the calendar, and saves nothing.
		req.Problems.Add("holidays", webMessage("form.holidays_not_dates", "Lines", strings.Join(bad, ", ")))
	}
	if err := s.sla.SaveCalendar(r.Context(), req, row); err != nil {
		return "", "", err
	}
	return "/console/calendars/" + strconv.FormatInt(row.ID, 10), s.loc(r).T("notice.the_calendar_is_saved"), nil
}

// importHolidays reads an uploaded iCalendar file of holidays.
func (s *Server) importHolidays(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := desk.Authorize(a, desk.ManageCalendars, desk.Target{}); err != nil { // the policy before the file
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return s.showCalendar(w, r, a, http.StatusUnprocessableEntity, nil, map[string]string{"file": s.loc(r).T("form.choose_an_icalendar_ics_file_of")})
	}
	if err := checkForm(r.PostForm); err != nil {
		return s.showCalendar(w, r, a, http.StatusUnprocessableEntity, nil, s.fieldMessages(r, err))
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return s.showCalendar(w, r, a, http.StatusUnprocessableEntity, nil, map[string]string{"file": s.loc(r).T("form.choose_an_icalendar_ics_file")})
	}
	defer file.Close()
	added, err := s.sla.ImportHolidays(r.Context(), request(r, a), id, file)
	if fields := s.fieldMessages(r, err); fields != nil {
		return s.showCalendar(w, r, a, http.StatusUnprocessableEntity, nil, fields)
	}
	if errors.Is(err, desk.ErrForbidden) {
		return err
	}
	if err != nil {
		return err
	}
	s.redirect(w, r, "/console/calendars/"+strconv.FormatInt(id, 10), s.loc(r).N("notice.holidays_added", added))
	return nil
}
