package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
)

// apiMacroRoutes are the calls on saved replies (macros), for support
// managers and portal admins.
func (s *Server) apiMacroRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/macros", Tag: "cases", Summary: "The saved replies (macros) agents insert in replies (support managers, portal admins)",
			Answer: []apiMacro{}, Status: http.StatusOK, Handle: s.apiMacros,
		},
		{
			Method: "POST", Path: "/api/v1/macros", Tag: "cases", Summary: "Save a new macro: its text may hold placeholders such as {{contact.first_name}} and {{case.number}}",
			Body: apiMacro{}, Answer: apiMacro{}, Status: http.StatusCreated, Handle: s.apiCreateMacro,
		},
		{
			Method: "DELETE", Path: "/api/v1/macros/{id}", Tag: "cases", Summary: "Delete a macro",
			Status: http.StatusNoContent, Handle: s.apiDeleteMacro,
		},
	}
}

type apiMacro struct {
	ID   int64  `json:"id,omitempty"`
	Name string `json:"name"`
	Body string `json:"body"`
	// Status and SubStatus, when given, are set with the reply.
	Status    string `json:"status,omitempty"`
	SubStatus string `json:"substatus,omitempty"`
}

func toAPIMacro(m *desk.Macro) apiMacro {
	return apiMacro{ID: m.ID, Name: m.Name, Body: m.Body, Status: string(m.Status), SubStatus: string(m.SubStatus)}
}

func (s *Server) apiMacros(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	list, err := s.cases.Macros(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiMacro, 0, len(list))
	for i := range list {
		out = append(out, toAPIMacro(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateMacro(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.ManageMacros, desk.Target{}); err != nil {
		return err // the policy before the body
	}
	var in apiMacro
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	m := &desk.Macro{Name: in.Name, Body: in.Body, Status: desk.Status(in.Status), SubStatus: desk.SubStatus(in.SubStatus)}
	if err := s.cases.SaveMacro(r.Context(), request(r, a), m); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIMacro(m))
	return nil
}

func (s *Server) apiDeleteMacro(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PathValue("id")), 10, 64)
	if err != nil {
		return desk.ErrNotFound
	}
	if err := s.cases.DeleteMacro(r.Context(), request(r, a), id); err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
	return nil
}
