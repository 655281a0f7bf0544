package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// pageMacros is the console's page of saved replies (macros): the list,
// and the form that creates one or changes the one chosen.
var pageMacros = page[macrosData]{"console-macros"}

// macrosData is the list of macros, the one being edited (nil for a new
// one), and what the form offers.
type macrosData struct {
	Macros       []desk.Macro
	Edit         *desk.Macro
	Placeholders []string
	Statuses     []desk.Status
	SubStatuses  map[desk.Status][]desk.SubStatus
}

func (s *Server) macros(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showMacros(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showMacros(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	list, err := s.cases.Macros(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	d := macrosData{Macros: list, Placeholders: desk.MacroPlaceholders, Statuses: desk.Statuses, SubStatuses: desk.SubStatuses}
	if id := r.PathValue("id"); id != "" {
		n, _ := strconv.ParseInt(id, 10, 64)
		d.Edit, err = s.cases.Macro(r.Context(), request(r, a), n)
		switch {
		case errors.Is(err, desk.ErrNotFound) && errs != nil:
			// A refused form for a macro deleted meanwhile: its messages
			// show on the form of a new one.
		case err != nil:
			return err
		default:
			form = withDefaults(form, url.Values{"name": {d.Edit.Name}, "body": {d.Edit.Body}, "status": {macroStatus(d.Edit)}})
		}
	}
	render(s, w, r, status, pageMacros, &view{Title: s.loc(r).T("page.macros.title"), User: a.User, Form: form, Errors: errs}, d)
	return nil
}

// macroStatus is a macro's status as the form's select names it
// ("" for none).
func macroStatus(m *desk.Macro) string {
	if !m.SetsStatus() {
		return ""
	}
	return string(m.Status) + "/" + string(m.SubStatus)
}

func (s *Server) saveMacro(r *http.Request, req support.Request) (string, string, error) {
	m := &desk.Macro{Name: r.PostForm.Get("name"), Body: r.PostForm.Get("body")}
	if id := r.PathValue("id"); id != "" {
		m.ID, _ = strconv.ParseInt(id, 10, 64)
	}
	if st, sub, ok := strings.Cut(r.PostForm.Get("status"), "/"); ok {
		m.Status, m.SubStatus = desk.Status(st), desk.SubStatus(sub)
	}
	err := s.cases.SaveMacro(r.Context(), req, m)
	return "/console/macros", s.loc(r).T("notice.agent_case.macro_saved", "Name", m.Name), err
}

func (s *Server) deleteMacro(r *http.Request, req support.Request) (string, string, error) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return "/console/macros", s.loc(r).T("notice.agent_case.macro_deleted"), s.cases.DeleteMacro(r.Context(), req, id)
}
