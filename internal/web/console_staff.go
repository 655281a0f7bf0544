package web

import (
	"net/http"
	"net/url"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// Staff.

// pageStaff lists the staff members and adds one.
var pageStaff = page[staffData]{"console-staff"}

type staffData struct {
	Staff []desk.User
	Roles []desk.Role
}

func (s *Server) staff(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showStaff(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showStaff(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	users, err := s.accounts.StaffUsers(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	render(s, w, r, status, pageStaff, &view{
		Title: s.loc(r).T("title.staff"), User: a.User, Form: form, Errors: errs,
	}, staffData{Staff: users, Roles: desk.Roles})
	return nil
}

func (s *Server) createStaff(r *http.Request, req support.Request) (string, string, error) {
	u := &desk.User{
		Kind: desk.KindStaff, Email: r.PostForm.Get("email"),
		FirstName: r.PostForm.Get("first_name"), LastName: r.PostForm.Get("last_name"),
	}
	for _, v := range r.PostForm["roles"] {
		u.Roles = append(u.Roles, desk.Role(v))
	}
	_, err := s.accounts.CreateStaff(r.Context(), req, u, r.PostForm.Get("password"))
	return "/console/staff", s.loc(r).T("notice.the_staff_member_is_added"), err
}
