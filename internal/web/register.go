package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// "Request My Support account": a corporate email first, verified by a
// link, then the form with the combination and level asked for.

var (
	pageRegister         = page[sentData]{"register"}
	pageRegisterComplete = page[registerCompleteData]{"register-complete"}
)

// registerCompleteData is the second step: the verified email (when its
// link is still valid) and the levels one may ask for.
type registerCompleteData struct {
	Valid  bool
	Email  string
	Levels []desk.AccessLevel
}

// registerForm asks for the work email; after it was sent (?sent), it says
// what to do with the link instead.
func (s *Server) registerForm(w http.ResponseWriter, r *http.Request) error {
	render(s, w, r, http.StatusOK, pageRegister, &view{Title: s.loc(r).T("title.request_my_support_account")}, sentData{Sent: r.URL.Query().Has("sent")})
	return nil
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	err := checkForm(r.PostForm)
	if err == nil {
		err = s.access.StartRegistration(r.Context(), r.PostForm.Get("email"), clientAddress(r))
	}
	if fields := s.fieldMessages(r, err); fields != nil {
		render(s, w, r, http.StatusUnprocessableEntity, pageRegister, &view{
			Title: s.loc(r).T("title.request_my_support_account"), Form: r.PostForm, Errors: fields,
		}, sentData{Sent: false})
		return nil
	}
	if err != nil {
		return err
	}
	// The same answer whether or not the address has an account; a
	// redirect, so a reload sends no second email.
	s.setFlash(w, "info", s.loc(r).T("notice.registration_link_sent", "Email", r.PostForm.Get("email")))
	http.Redirect(w, r, "/register?sent", http.StatusSeeOther)
	return nil
}

func (s *Server) registerCompleteForm(w http.ResponseWriter, r *http.Request) error {
	return s.showRegisterComplete(w, r, http.StatusOK, r.URL.Query(), nil)
}

func (s *Server) showRegisterComplete(w http.ResponseWriter, r *http.Request, status int, form url.Values, errs map[string]string) error {
	email, err := s.access.RegistrationEmail(r.Context(), form.Get("token"))
	if errors.Is(err, desk.ErrNotFound) {
		render(s, w, r, http.StatusGone, pageRegisterComplete, &view{Title: s.loc(r).T("title.request_my_support_account")}, registerCompleteData{Valid: false})
		return nil
	}
	if err != nil {
		return err
	}
	render(s, w, r, status, pageRegisterComplete, &view{
		Title: s.loc(r).T("title.request_my_support_account"), Form: form, Errors: errs,
	}, registerCompleteData{Valid: true, Email: email, Levels: desk.AccessLevels})
	return nil
}

func (s *Server) registerComplete(w http.ResponseWriter, r *http.Request) error {
	// Every problem of the form at once (runForm): the text refused, two
	// passwords that differ, and what the service finds.
	err := runForm(r, nil, func(req support.Request) error {
		f := r.PostForm
		if f.Get("password") != f.Get("confirm_password") {
			req.Problems.Add("confirm_password", webMessage("form.the_two_passwords_are_not_the"))
		}
		level, _ := desk.ParseAccessLevel(f.Get("level"))
		_, err := s.access.CompleteRegistration(r.Context(), support.Registration{
			Token: f.Get("token"), FirstName: f.Get("first_name"), LastName: f.Get("last_name"),
			Country: f.Get("country"), Phone: f.Get("phone"), Password: f.Get("password"),
			EmployerOrgID: f.Get("employer"), SoldToOrgID: f.Get("sold_to"), EndUserOrgID: f.Get("end_user"),
			Level: level, Reason: f.Get("reason"), Problems: req.Problems,
		}, clientAddress(r))
		return err
	})
	f := r.PostForm
	if fields := s.fieldMessages(r, err); fields != nil {
		return s.showRegisterComplete(w, r, http.StatusUnprocessableEntity, f, fields)
	}
	if errors.Is(err, desk.ErrNotFound) {
		render(s, w, r, http.StatusGone, pageRegisterComplete, &view{Title: s.loc(r).T("title.request_my_support_account")}, registerCompleteData{Valid: false})
		return nil
	}
	if errors.Is(err, desk.ErrThrottled) {
		return s.showThrottled(w, r, nil, func(w http.ResponseWriter, r *http.Request, _ *desk.Actor, status int, form url.Values, errs map[string]string) error {
			return s.showRegisterComplete(w, r, status, form, errs)
		}, err)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", s.loc(r).T("notice.account_ready_request_filed"))
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}
