package web

import (
	"errors"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// showForm renders the page a form lives on: with status, the submitted
// values and the errors of each field after a failed post.
type showForm func(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error

// formAction is a form's work: it returns where to go next and the notice
// to show there.
type formAction func(r *http.Request, req support.Request) (to, notice string, err error)

// post handles a form post the same way everywhere: a validation error
// shows the form again with each field's message and what was typed; a
// conflict (already decided, already closed) goes back with its reason; a
// refusal is an error page; success redirects with a notice, so a reload
// never posts twice.
func (s *Server) post(show showForm, do formAction) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		var to, notice string
		err := runForm(r, a, func(req support.Request) (err error) {
			to, notice, err = do(r, req)
			return err
		})
		if fields := s.fieldMessages(r, err); fields != nil {
			return show(w, r, a, http.StatusUnprocessableEntity, r.PostForm, fields)
		}
		if errors.Is(err, desk.ErrThrottled) {
			return s.showThrottled(w, r, a, show, err)
		}
		if to != "" && errors.Is(err, desk.ErrConflict) {
			s.setFlash(w, "error", s.message(r, err))
			http.Redirect(w, r, to, http.StatusSeeOther)
			return nil
		}
		if err != nil {
			return err
		}
		s.redirect(w, r, to, notice)
		return nil
	}
}

// showThrottled shows a form refused for now (too many requests) again,
// with what was typed and, above it, when to try again.
func (s *Server) showThrottled(w http.ResponseWriter, r *http.Request, a *desk.Actor, show showForm, err error) error {
	setRetryAfter(w, err)
	return show(w, r, a, http.StatusTooManyRequests, r.PostForm, map[string]string{formLevel: sentence(s.message(r, err))})
}

// formLevel is the Errors key of a message about the whole form, not one
// field: the error summary shows it as its heading.
const formLevel = ""

// maxFormBody bounds a posted form that is not a file upload: the longest
// fields (a description, a comment) are 32,000 characters, at most four
// bytes each, percent-encoded.
const maxFormBody = 1 << 20

// errTooLarge is a request body over its limit.
var errTooLarge = errors.New("too large")

// readForm reads a posted form, the one place a urlencoded body is parsed
// (page and public do it for every route): a body that is not a form is a
// 400 with a plain message, and one over maxFormBody a 413. Multipart
// bodies (file uploads) are left to their handlers and their own limits.
func readForm(w http.ResponseWriter, r *http.Request) error {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	err := r.ParseForm()
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return refuse(errTooLarge, "error.form.too_large", "MB", maxFormBody>>20)
	case err != nil:
		return refuse(errBadRequest, "error.form.unreadable", "Problem", formError(err))
	}
	return nil
}

// formError says what is wrong with a form body without Go's wording.
func formError(err error) desk.Message {
	var esc url.EscapeError
	if errors.As(err, &esc) {
		return desk.Msg("error.form.bad_escape", "Escape", strconv.Quote(string(esc)))
	}
	return desk.Msg("error.form.not_a_form")
}

// checkForm checks the text of every field of a form (desk.CheckText), so
// a field's message shows beside it when the form comes back.
func checkForm(form url.Values) error { return textProblems(form).Err() }

// textProblems are the problems desk.CheckText finds in the fields of a
// form, by field (never nil).
func textProblems(form url.Values) desk.Problems {
	p := desk.Problems{}
	for field, vs := range form {
		for _, v := range vs {
			p.CheckText(field, v)
		}
	}
	return p
}

// runForm runs do, a form's work, so that the form reports all its
// problems at once: the fields whose text desk.CheckText refuses are left
// out of r's form while do runs, and their problems go to the use case in
// req.Problems, where do adds what it refuses itself (a date it cannot
// read). The use case checks the rest of the input as usual and, with any
// problem, writes nothing. runForm returns every problem of the form
// (joinProblems), or what the use case answered when there is none.
func runForm(r *http.Request, a *desk.Actor, do func(req support.Request) error) error {
	req := request(r, a)
	req.Problems = textProblems(r.PostForm)
	post, form := r.PostForm, r.Form
	r.PostForm, r.Form = withoutFields(post, req.Problems), withoutFields(form, req.Problems)
	err := do(req)
	r.PostForm, r.Form = post, form
	return joinProblems(req.Problems, err)
}

// withoutFields is form without the fields that have problems.
func withoutFields(form url.Values, p desk.Problems) url.Values {
	if len(p) == 0 {
		return form
	}
	out := make(url.Values, len(form))
	for k, vs := range form {
		if _, bad := p[k]; !bad {
			out[k] = vs
		}
	}
	return out
}

// joinProblems is the form's problems p with the use case's answer err:
// all of them, p's first where both name a field. The form's problems
// come first, as when its text was checked alone: a refusal of the whole
// request (not found, forbidden, a conflict) shows once the input is
// right. A fault is never hidden behind them.
func joinProblems(p desk.Problems, err error) error {
	if len(p) == 0 {
		return err
	}
	if err != nil {
		if status, _, _ := classify(err); status >= http.StatusInternalServerError {
			return err
		}
	}
	all := maps.Clone(p)
	for field, m := range desk.FieldMessages(err) {
		all.Add(field, m)
	}
	return all.Err()
}

// checkQuery checks the text of every query parameter, as checkForm does a
// form's fields: a list filter is text that reaches the database too.
// Only the parameters of uncheckedQuery are left out.
func checkQuery(r *http.Request) error {
	q := r.URL.Query()
	if name, ok := uncheckedQuery[r.URL.Path]; ok {
		q.Del(name)
	}
	if name, ok := searchParam[r.URL.Path]; ok && r.Method == http.MethodGet {
		q.Del(name)
	}
	return checkForm(q)
}

// searchParam names, by path, the search parameter of a list page, which
// the page checks itself (searchProblems): a search that cannot be used
// shows the list with its message beside the search box, not an error
// page.
var searchParam = map[string]string{"/cases": "q", "/console": "q", "/console/search": "q"}

// searchProblems checks the search of a list page's query q as
// checkQuery checks the other parameters. A search refused is left out of
// q, and its message returned by field, for the page to show; nil when
// the search is fine.
func (s *Server) searchProblems(r *http.Request, q url.Values) map[string]string {
	name := searchParam[r.URL.Path]
	p := textProblems(url.Values{name: q[name]})
	if len(p) == 0 {
		return nil
	}
	q.Del(name)
	return s.fieldMessages(r, p.Err())
}

// uncheckedQuery names, by path, the query parameter a page replaces whole
// when its text is doubtful instead of refusing the page: a link to the
// sign-in page may carry any junk in next, and the form must still open,
// with safeNext's / in its place.
var uncheckedQuery = map[string]string{"/signin": "next"}

// formInt reads an integer form value; an empty or malformed value is 0,
// which every validator treats as "not chosen".
func formInt(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// combination reads a "SOLDTO-ENDUSER" form value.
func combination(v string) desk.Combination {
	a, b, ok := strings.Cut(v, "-")
	if !ok {
		return desk.Combination{}
	}
	soldTo, err1 := strconv.ParseInt(a, 10, 64)
	endUser, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil {
		return desk.Combination{}
	}
	return desk.Combination{SoldToID: soldTo, EndUserID: endUser}
}

// caseNumber reads the {number} path value; a malformed number is a case
// that does not exist.
func caseNumber(r *http.Request) (int64, error) {
	id, ok := desk.ParseCaseNumber(r.PathValue("number"))
	if !ok {
		return 0, desk.ErrNotFound
	}
	return id, nil
}
