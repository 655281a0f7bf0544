package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// Caller verification: staff on the phone ask for the caller's PIN.

// pageCaller is the caller verification form, with the caller found.
var pageCaller = page[callerData]{"console-caller"}

type callerData struct{ Caller *support.Caller }

func (s *Server) callerForm(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.VerifyCaller, desk.Target{}); err != nil {
		return err
	}
	return s.showCaller(w, r, a, http.StatusOK, nil, nil, nil)
}

func (s *Server) showCaller(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string, caller *support.Caller) error {
	render(s, w, r, status, pageCaller, &view{
		Title: s.loc(r).T("title.caller_verification"), User: a.User, Form: form, Errors: errs,
	}, callerData{Caller: caller})
	return nil
}

// verifyCaller looks the PIN up. The PIN comes in a POST body, so it is
// never in a URL, a log line or the browser history, and the answer does
// not repeat it.
func (s *Server) verifyCaller(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var caller *support.Caller
	err := checkForm(r.PostForm)
	if err == nil {
		caller, err = s.cases.VerifyCaller(r.Context(), request(r, a), r.PostForm.Get("pin"))
	}
	if fields := s.fieldMessages(r, err); fields != nil {
		return s.showCaller(w, r, a, http.StatusUnprocessableEntity, nil, fields, nil)
	}
	if errors.Is(err, desk.ErrNotFound) {
		return s.showCaller(w, r, a, http.StatusNotFound, nil,
			map[string]string{"pin": s.loc(r).T("form.no_contact_has_this_pin_ask")}, nil)
	}
	if err != nil {
		return err
	}
	return s.showCaller(w, r, a, http.StatusOK, nil, nil, caller)
}

// openCaseByNumber takes the 10-digit number a caller reads out.
func (s *Server) openCaseByNumber(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := checkForm(r.PostForm); err != nil {
		return s.showCaller(w, r, a, http.StatusUnprocessableEntity, r.PostForm, s.fieldMessages(r, err), nil)
	}
	raw := strings.TrimSpace(r.PostForm.Get("number"))
	id, ok := desk.ParseCaseNumber(raw)
	if !ok || len(raw) != 10 {
		return s.showCaller(w, r, a, http.StatusUnprocessableEntity, r.PostForm,
			map[string]string{"number": s.loc(r).T("form.a_case_number_has_10_digits")}, nil)
	}
	if _, err := s.cases.Case(r.Context(), request(r, a), id); errors.Is(err, desk.ErrNotFound) {
		return s.showCaller(w, r, a, http.StatusNotFound, r.PostForm,
			map[string]string{"number": s.loc(r).T("form.no_such_case", "Number", raw)}, nil)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+raw, http.StatusSeeOther)
	return nil
}
