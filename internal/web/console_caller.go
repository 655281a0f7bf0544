package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// Caller verification: staff on the phone ask for the caller's PIN.

// pageCaller is the caller verification form, with the caller found.
var pageCaller = page[callerData]{"console-caller"}

// callerData is the form, the caller found, and what the form that opens
// a case for them offers.
type callerData struct {
	Caller     *support.Caller
	Catalog    *desk.Catalog
	Types      []desk.CaseTypeInfo
	Priorities []desk.Priority
}

// Products are the products a case for the caller may be about: those the
// active contracts of their Designated Contact combinations cover.
func (d callerData) Products() []desk.Product {
	var out []desk.Product
	if d.Caller == nil {
		return nil
	}
	for _, c := range d.Caller.Combos {
		if !c.Designated() {
			continue
		}
		for _, p := range c.Products {
			if !slices.ContainsFunc(out, func(q desk.Product) bool { return q.ID == p.ID }) {
				out = append(out, p)
			}
		}
	}
	return out
}

func (s *Server) callerForm(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.VerifyCaller, desk.Target{}); err != nil {
		return err
	}
	return s.showCaller(w, r, a, http.StatusOK, nil, nil, nil)
}

func (s *Server) showCaller(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string, caller *support.Caller) error {
	data := callerData{Caller: caller, Types: desk.CaseTypes, Priorities: desk.Priorities}
	if caller != nil {
		cat, err := s.accounts.Catalog(r.Context(), request(r, a))
		if err != nil {
			return err
		}
		data.Catalog = cat
		if form == nil {
			form = url.Values{"caller-kind": {string(desk.TypeSupport) + "/Problem"}, "caller-stage": {string(desk.StageProduction)}, "caller-priority": {string(desk.PriorityMedium)}}
		}
	}
	render(s, w, r, status, pageCaller, &view{
		Title: s.loc(r).T("title.caller_verification"), User: a.User, Form: form, Errors: errs,
	}, data)
	return nil
}

// openCaseForCaller opens a case on the verified caller's behalf, recorded
// as opened by phone; a refused form comes back on the caller's page with
// what was typed.
func (s *Server) openCaseForCaller(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := desk.Authorize(a, desk.OpenCaseForCaller, desk.Target{}); err != nil { // the policy before the form
		return err
	}
	var c *desk.Case
	err := runForm(r, a, func(req support.Request) (err error) {
		n := newCaseInput(r)
		n.Origin = desk.OriginPhone
		c, err = s.cases.Open(r.Context(), req, n)
		return desk.RenameFields(err, map[string]string{"type": "kind", "sub_type": "kind", "contact": "caller-combination"})
	})
	if fields := s.fieldMessages(r, err); fields != nil {
		caller, cerr := s.cases.Caller(r.Context(), request(r, a), formInt(r, "contact"))
		if errors.Is(cerr, desk.ErrNotFound) {
			caller = nil // no such caller: the page asks for a PIN again, with the messages
		} else if cerr != nil {
			return cerr
		}
		fields = renameKeys(fields, map[string]string{"combination": "caller-combination", "summary": "caller-summary", "description": "caller-description", "product": "caller-product", "component": "caller-component", "priority": "caller-priority", "kind": "caller-kind", "stage": "caller-stage"})
		return s.showCaller(w, r, a, http.StatusUnprocessableEntity, callerForm(r.PostForm), fields, caller)
	}
	if err != nil {
		return err
	}
	s.redirect(w, r, "/cases/"+c.Number(), s.loc(r).T("notice.case_opened", "Number", c.Number()))
	return nil
}

// callerForm is the posted case form under its fields' ids on the page.
func callerForm(f url.Values) url.Values {
	out := url.Values{}
	for k, vs := range f {
		out["caller-"+k] = vs
	}
	return out
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
