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

// serviceLevelsData is the matrix of targets, the calendars and the
// settings' form.
type serviceLevelsData struct {
	Calendars []hours.CalendarRow
	// Blocks are the matrix, a block per deployment and support level;
	// Kinds its columns.
	Blocks []slaBlock
	Kinds  []desk.ClockKind
	Units  []formUnit
}

// slaBlock is the targets of a deployment and support level: a row per
// priority, a cell per clock.
type slaBlock struct {
	Deployment desk.Deployment
	Level      desk.SupportLevel
	Rows       []slaRow
}

type slaRow struct {
	Priority desk.Priority
	Cells    []*slaCell // nil where the table has no target
}

// slaCell is a target in the form: its fields' ids (their names too), and
// the amount and unit it shows (as typed, after a failed save).
type slaCell struct {
	desk.SLATarget
	AmountField, UnitField string
	Typed, TypedUnit       string
}

// formUnit is a unit the form offers: a stored unit counted in steps of
// Factor (hours are 60 minutes).
type formUnit struct {
	Value  string
	Unit   desk.TargetUnit
	Factor int
	Words  desk.Message
}

// formUnits are the units of the form, the largest step of each unit last.
var formUnits = []formUnit{
	{"minutes", desk.UnitMinutes, 1, desk.Msg("page.service_levels.unit_minutes")},
	{"hours", desk.UnitMinutes, 60, desk.Msg("page.service_levels.unit_hours")},
	{"business_minutes", desk.UnitBusinessMinutes, 1, desk.Msg("page.service_levels.unit_business_minutes")},
	{"business_hours", desk.UnitBusinessMinutes, 60, desk.Msg("page.service_levels.unit_business_hours")},
	{"business_days", desk.UnitBusinessDays, 1, desk.Msg("page.service_levels.unit_business_days")},
}

// shownAs is how the form shows a target: its amount in the largest step
// of its unit that divides it, and that step's value.
func shownAs(t desk.SLATarget) (string, string) {
	amount, unit := t.Amount, string(t.Unit)
	for _, u := range formUnits {
		if u.Unit == t.Unit && t.Amount%u.Factor == 0 {
			amount, unit = t.Amount/u.Factor, u.Value
		}
	}
	return strconv.Itoa(amount), unit
}

// targetKey names a target of the matrix in its fields' ids.
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

// slaKinds are the matrix's columns.
var slaKinds = []desk.ClockKind{desk.ClockResponse, desk.ClockRCA}

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
	typed := url.Values{}
	if r.URL.Path == "/console/service-levels/targets" {
		// The matrix failed: it keeps what was typed, the settings show
		// what is saved.
		typed, form = form, saved
	} else if form == nil {
		form = saved
	}
	render(s, w, r, status, pageServiceLevels, &view{
		Title: s.loc(r).T("title.service_levels"), User: a.User, Form: form, Errors: errs,
	}, serviceLevelsData{Calendars: cals, Blocks: slaMatrix(targets, typed), Kinds: slaKinds, Units: formUnits})
	return nil
}

// slaMatrix lays the targets out by deployment and support level, then
// priority and clock, each cell showing what was typed in it if anything.
func slaMatrix(targets []desk.SLATarget, typed url.Values) []slaBlock {
	cells := map[string]*slaCell{}
	for _, t := range targets {
		key := targetKey(t.Deployment, t.Level, t.Priority, t.Kind)
		c := &slaCell{SLATarget: t, AmountField: "amount-" + key, UnitField: "unit-" + key}
		c.Typed, c.TypedUnit = shownAs(t)
		if typed.Has(c.AmountField) {
			c.Typed, c.TypedUnit = typed.Get(c.AmountField), typed.Get(c.UnitField)
		}
		cells[key] = c
	}
	var blocks []slaBlock
	for _, d := range []desk.Deployment{desk.Premise, desk.Cloud} {
		for _, l := range desk.SupportLevels {
			b := slaBlock{Deployment: d, Level: l}
			for _, p := range desk.Priorities {
				row := slaRow{Priority: p}
				any := false
				for _, k := range slaKinds {
					c := cells[targetKey(d, l, p, k)]
					any = any || c != nil
					row.Cells = append(row.Cells, c)
				}
				if any {
					b.Rows = append(b.Rows, row)
				}
			}
			if len(b.Rows) > 0 {
				blocks = append(blocks, b)
			}
		}
	}
	return blocks
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

// saveSLATargets saves the whole matrix in one go: every cell of the
// table is read from the form (amount-KEY and unit-KEY), what the form
// cannot read is told beside its cell, and the service checks and saves
// the rest in one transaction, or nothing.
func (s *Server) saveSLATargets(r *http.Request, req support.Request) (string, string, error) {
	if err := desk.Authorize(req.Actor, desk.ManageSLATargets, desk.Target{}); err != nil { // the policy before the form
		return "", "", err
	}
	current, err := s.sla.Targets(r.Context(), req)
	if err != nil {
		return "", "", err
	}
	f := r.PostForm
	l := s.loc(r)
	var ts []desk.SLATarget
	names, cells := map[string]string{}, map[string]string{}
	for _, t := range current {
		key := targetKey(t.Deployment, t.Level, t.Priority, t.Kind)
		amountField, unitField := "amount-"+key, "unit-"+key
		// A cell's problem names the cell: the summary lists up to 60.
		cells[amountField] = strings.Join([]string{l.Label(t.Deployment), l.Label(t.Level), l.Label(t.Priority), l.Label(t.Kind)}, " · ")
		cells[unitField] = cells[amountField]
		amount, err := strconv.Atoi(strings.TrimSpace(f.Get(amountField)))
		if err != nil {
			req.Problems.Add(amountField, webMessage("form.give_the_target_as_a_whole"))
			continue
		}
		u, ok := formUnitOf(f.Get(unitField))
		if !ok {
			req.Problems.Add(unitField, webMessage("page.service_levels.choose_a_unit"))
			continue
		}
		i := strconv.Itoa(len(ts))
		names["targets."+i+".amount"], names["targets."+i+".unit"], names["targets."+i] = amountField, unitField, amountField
		t.Amount, t.Unit = amount*u.Factor, u.Unit
		ts = append(ts, t)
	}
	err = desk.RenameFields(s.sla.SetTargets(r.Context(), req, ts), names)
	// The form's problems (req.Problems: its text, what it cannot read)
	// are joined with the service's answer after this returns (runForm),
	// so both are named here, the same way.
	nameCells(req.Problems, cells)
	return "/console/service-levels#targets", l.T("notice.the_settings_are_saved"), namedCells(err, cells)
}

// nameCells makes each problem of p that is about a cell of the matrix
// say which cell, beside it and in the summary.
func nameCells(p desk.Problems, cells map[string]string) {
	for field, m := range p {
		if cell, ok := cells[field]; ok {
			p[field] = webMessage("page.service_levels.cell_problem", "Cell", cell, "Problem", m)
		}
	}
}

// namedCells is err with its problems named as nameCells names them.
func namedCells(err error, cells map[string]string) error {
	p := desk.Problems(desk.FieldMessages(err))
	if p == nil {
		return err
	}
	nameCells(p, cells)
	return p.Err()
}

// formUnitOf is the form's unit of a value.
func formUnitOf(v string) (formUnit, bool) {
	for _, u := range formUnits {
		if u.Value == v {
			return u, true
		}
	}
	return formUnit{}, false
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
