package web

import (
	"errors"
	"net/http"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// The pages of signing in and resetting a password.
var (
	pageSignin         = page[noData]{"signin"}
	pageForgotPassword = page[sentData]{"forgot-password"}
	pageResetPassword  = page[linkData]{"reset-password"}
)

// sentData is a page that asks for an email address and then says a link
// is on its way.
type sentData struct{ Sent bool }

// linkData is a page opened from an emailed link, which may have expired.
type linkData struct{ Valid bool }

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) error {
	if a, err := s.sessionActor(r); err == nil {
		http.Redirect(w, r, home(a), http.StatusSeeOther)
		return nil
	}
	// A link may carry next into the form: only a safe one is kept.
	form := r.URL.Query()
	form.Set("next", safeNext(form.Get("next")))
	render(s, w, r, http.StatusOK, pageSignin, &view{Title: s.loc(r).T("title.sign_in"), Form: form}, noData{})
	return nil
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) error {
	var token string
	var u *desk.User
	// Whatever a link carried into next, the form signs in and lands on
	// the home page (and shows no such next again if it comes back).
	r.PostForm.Set("next", safeNext(r.PostForm.Get("next")))
	err := checkForm(r.PostForm)
	if err == nil {
		token, u, err = s.sessions.SignIn(r.Context(), r.PostForm.Get("email"), r.PostForm.Get("password"), clientAddress(r))
	}
	switch {
	case s.fieldMessages(r, err) != nil:
		render(s, w, r, http.StatusUnprocessableEntity, pageSignin, &view{Title: s.loc(r).T("title.sign_in"), Form: r.PostForm, Errors: s.fieldMessages(r, err)}, noData{})
		return nil
	case errors.Is(err, support.ErrBadCredentials):
		render(s, w, r, http.StatusUnauthorized, pageSignin, &view{
			Title: s.loc(r).T("title.sign_in"), Form: r.PostForm,
			Errors: map[string]string{"email": s.loc(r).T("form.the_email_address_or_password_is")},
		}, noData{})
		return nil
	case errors.Is(err, desk.ErrThrottled):
		setRetryAfter(w, err)
		render(s, w, r, http.StatusTooManyRequests, pageSignin, &view{
			Title: s.loc(r).T("title.sign_in"), Form: r.PostForm,
			Errors: map[string]string{formLevel: s.loc(r).T("form.throttled_or_reset", "Refusal", sentence(s.message(r, err)))},
		}, noData{})
		return nil
	case err != nil:
		return err
	}
	s.setSession(w, token)
	a, err := s.sessions.SessionActor(r.Context(), token)
	if err != nil {
		a = &desk.Actor{User: u}
	}
	next := r.PostForm.Get("next")
	if next == "/" {
		next = home(a)
	}
	// The announcements in force the user has not been shown yet come
	// first, then where they were going.
	http.Redirect(w, r, s.announcementsFirst(r, a, next), http.StatusSeeOther)
	return nil
}

// home is where a user lands after sign-in: the My Support home page for
// contacts, the queue for staff.
func home(a *desk.Actor) string {
	if desk.Authorize(a, desk.UseConsole, desk.Target{}) == nil {
		return "/console"
	}
	return "/home"
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.sessions.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSession(w)
	s.redirect(w, r, "/signin", s.loc(r).T("notice.you_are_signed_out"))
	return nil
}

func (s *Server) root(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Path != "/" {
		return desk.ErrNotFound
	}
	a, err := s.sessionActor(r)
	if err != nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil //nolint:nilerr // not signed in: go sign in
	}
	http.Redirect(w, r, home(a), http.StatusSeeOther)
	return nil
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	render(s, w, r, http.StatusOK, pageForgotPassword, &view{Title: s.loc(r).T("title.reset_your_password")}, sentData{Sent: false})
	return nil
}

func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	err := checkForm(r.PostForm)
	if err == nil {
		err = s.sessions.RequestPasswordReset(r.Context(), r.PostForm.Get("email"), clientAddress(r))
	}
	if fields := s.fieldMessages(r, err); fields != nil {
		render(s, w, r, http.StatusUnprocessableEntity, pageForgotPassword, &view{
			Title: s.loc(r).T("title.reset_your_password"), Form: r.PostForm, Errors: fields,
		}, sentData{Sent: false})
		return nil
	}
	if err != nil {
		return err
	}
	render(s, w, r, http.StatusOK, pageForgotPassword, &view{Title: s.loc(r).T("title.reset_your_password"), Form: r.PostForm}, sentData{Sent: true})
	return nil
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	render(s, w, r, http.StatusOK, pageResetPassword, &view{
		Title: s.loc(r).T("title.choose_a_new_password"), Form: r.URL.Query(),
	}, linkData{Valid: s.sessions.ResetLinkValid(r.Context(), token)})
	return nil
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	err := checkForm(r.PostForm)
	if err == nil {
		err = s.sessions.ResetPassword(r.Context(), r.PostForm.Get("token"), r.PostForm.Get("password"), clientAddress(r))
	}
	if fields := s.fieldMessages(r, err); fields != nil {
		render(s, w, r, http.StatusUnprocessableEntity, pageResetPassword, &view{
			Title: s.loc(r).T("title.choose_a_new_password"),
			Form:  r.PostForm, Errors: fields,
		}, linkData{Valid: true})
		return nil
	}
	if errors.Is(err, desk.ErrNotFound) {
		render(s, w, r, http.StatusGone, pageResetPassword, &view{Title: s.loc(r).T("title.choose_a_new_password")}, linkData{Valid: false})
		return nil
	}
	if err != nil {
		return err
	}
	s.redirect(w, r, "/signin", s.loc(r).T("notice.your_password_is_changed_sign_in"))
	return nil
}
