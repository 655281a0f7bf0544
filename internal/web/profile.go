package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

// grantLine is one of a contact's grants as the profile shows it.
type grantLine struct {
	support.Combo
	Granted desk.AccessLevel
	// Why explains an effective level below the granted one.
	Why string
}

// pageProfile is the user's own profile, with their access and API tokens.
var pageProfile = page[*profileData]{"profile"}

// profileData is what the profile page shows. NewToken is the secret of a
// token just created, shown on the one page after it was made.
type profileData struct {
	P *support.Profile
	// Contact says the page is a contact's: their PIN, details, access and
	// terms (staff have none of these).
	Contact      bool
	Levels       []desk.AccessLevel
	TermsVersion string
	TermsCurrent bool
	Grants       []grantLine     // contacts only
	Combos       []support.Combo // contacts only
	NewToken     string
	NewTokenName string
	// TimeZones are the zones the reader may choose.
	TimeZones []string
	// Notices is which kinds of the console's notifications are also
	// emailed: staff only (ViewNotices), nil for contacts.
	Notices []noticePref
	// Advisories says the reader subscribed to the security advisories;
	// CanFollow that they may (FollowKnowledge).
	Advisories, CanFollow bool
}

// noticePref is one kind of notification and whether it is emailed.
type noticePref struct {
	Kind  desk.NoticeKind
	Email bool
}

// loadProfile gathers what the profile page shows.
func (s *Server) loadProfile(r *http.Request, a *desk.Actor) (*profileData, error) {
	req := request(r, a)
	p, err := s.accounts.Profile(r.Context(), req)
	if err != nil {
		return nil, err
	}
	data := &profileData{
		P: p, Levels: desk.AccessLevels,
		TermsVersion: desk.TermsVersion,
		TermsCurrent: p.User.TermsVersion == desk.TermsVersion && !p.User.TermsAcceptedAt.IsZero(),
	}
	if desk.Authorize(a, desk.FollowKnowledge, desk.Target{}) == nil {
		data.CanFollow = true
		if data.Advisories, err = s.knowledge.Advisories(r.Context(), a); err != nil {
			return nil, err
		}
	}
	if desk.Authorize(a, desk.ViewNotices, desk.Target{}) == nil {
		prefs, err := s.cases.NoticePrefs(r.Context(), req)
		if err != nil {
			return nil, err
		}
		for _, k := range desk.NoticeKinds {
			data.Notices = append(data.Notices, noticePref{Kind: k, Email: prefs.Email(k)})
		}
	}
	if a.IsStaff() {
		return data, nil
	}
	data.Contact = true
	combos, err := s.cases.Combos(r.Context(), req, desk.Basic)
	if err != nil {
		return nil, err
	}
	byCombo := make(map[desk.Combination]support.Combo, len(combos))
	for _, c := range combos {
		byCombo[c.Combination] = c
	}
	lines := make([]grantLine, 0, len(p.Grants))
	for _, g := range p.Grants {
		c, ok := byCombo[g.Combination]
		if !ok {
			continue // a grant below Basic: nothing to show
		}
		l := grantLine{Combo: c, Granted: g.Level}
		if c.Level < g.Level {
			l.Why = s.loc(r).T("page.profile.counts_as_contracts_ended", "Level", c.Level)
			if !data.TermsCurrent {
				l.Why = s.loc(r).T("page.profile.counts_as_until_terms", "Level", c.Level)
			}
		}
		lines = append(lines, l)
	}
	data.Grants, data.Combos = lines, combos
	return data, nil
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	return s.showProfile(w, r, a, http.StatusOK, nil, nil)
}

func (s *Server) showProfile(w http.ResponseWriter, r *http.Request, a *desk.Actor, status int, form url.Values, errs map[string]string) error {
	data, err := s.loadProfile(r, a)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		data.NewToken, data.NewTokenName = s.takeNewToken(w, r, a)
	}
	// The page holds several forms: after one of them failed, the others
	// still show what is saved.
	u := data.P.User
	form = withDefaults(form, url.Values{
		"first_name": {u.FirstName}, "last_name": {u.LastName}, "country": {u.Country},
		"phone": {u.Phone}, "mobile": {u.Mobile}, "time_zone": {u.TimeZone},
	})
	data.TimeZones = timeZones
	// The page shows the PIN.
	w.Header().Set("Cache-Control", "no-store")
	render(s, w, r, status, pageProfile, &view{Title: s.loc(r).T("title.your_profile"), User: a.User, Form: form, Errors: errs}, data)
	return nil
}

// updateProfile saves the contact's own details; the employer and the work
// email are an admin's to change.
func (s *Server) updateProfile(r *http.Request, req support.Request) (string, string, error) {
	in := desk.ProfileInput{
		FirstName: r.PostForm.Get("first_name"), LastName: r.PostForm.Get("last_name"),
		Country: r.PostForm.Get("country"), Phone: r.PostForm.Get("phone"), Mobile: r.PostForm.Get("mobile"),
	}
	return "/profile", s.loc(r).T("notice.your_details_are_saved"), s.accounts.UpdateOwnProfile(r.Context(), req, in)
}

// setTimeZone saves the zone the user reads times in ("" for their
// browser's).
func (s *Server) setTimeZone(r *http.Request, req support.Request) (string, string, error) {
	return "/profile", s.loc(r).T("page.profile.time_zone_saved"), s.accounts.SetTimeZone(r.Context(), req, r.PostForm.Get("time_zone"))
}

// saveNoticePrefs saves which kinds of notifications are also emailed:
// the boxes ticked.
func (s *Server) saveNoticePrefs(r *http.Request, req support.Request) (string, string, error) {
	prefs := desk.NoticePrefs{}
	for _, k := range desk.NoticeKinds {
		prefs[k] = false
	}
	for _, v := range r.PostForm["email"] {
		prefs[desk.NoticeKind(v)] = true
	}
	return "/profile#notices", s.loc(r).T("notice.queue.notice_prefs_saved"), s.cases.SetNoticePrefs(r.Context(), req, prefs)
}

func (s *Server) acceptTerms(r *http.Request, req support.Request) (string, string, error) {
	if r.PostForm.Get("accept") != "on" {
		return "", "", invalid("accept", "form.tick_the_box_to_accept_the")
	}
	return "/profile", s.loc(r).T("notice.you_accepted_the_designated_contact_terms"), s.accounts.AcceptTerms(r.Context(), req)
}

func (s *Server) changePassword(r *http.Request, req support.Request) (string, string, error) {
	if r.PostForm.Get("new_password") != r.PostForm.Get("confirm_password") {
		// The service checks the rest, and changes nothing.
		req.Problems.Add("confirm_password", webMessage("form.the_two_new_passwords_are_not"))
	}
	everywhere := r.PostForm.Get("sign_out_everywhere") != ""
	keep := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		keep = c.Value
	}
	err := s.accounts.ChangePassword(r.Context(), req, r.PostForm.Get("current_password"), r.PostForm.Get("new_password"), everywhere, keep)
	if desk.FieldMessages(err) != nil {
		// The service names the fields current and password.
		return "", "", desk.RenameFields(err, map[string]string{"current": "current_password", "password": "new_password"})
	}
	if err == nil && everywhere {
		return "/profile", s.loc(r).T("notice.your_password_is_changed_your_other"), nil
	}
	return "/profile", s.loc(r).T("notice.your_password_is_changed"), err
}

// requestAccess files "Request a different access level": for one of the
// contact's combinations, or one named by the Org IDs on its contract.
func (s *Server) requestAccess(r *http.Request, req support.Request) (string, string, error) {
	level, ok := desk.ParseAccessLevel(r.PostForm.Get("level"))
	if !ok {
		level = 0 // the service asks for a level
	}
	reason := r.PostForm.Get("reason")
	var (
		ar  *desk.AccessRequest
		err error
	)
	if v := r.PostForm.Get("combination"); v != "" && v != "other" {
		ar, err = s.access.RequestAccess(r.Context(), req, combination(v), level, reason)
	} else {
		ar, err = s.access.RequestAccessByOrgIDs(r.Context(), req, r.PostForm.Get("sold_to"), r.PostForm.Get("end_user"), level, reason)
	}
	if err != nil {
		return "", "", err
	}
	if ar.State == desk.RequestApproved {
		return "/profile", s.loc(r).T("notice.your_access_is_changed_as_a"), nil
	}
	return "/profile", s.loc(r).T("notice.your_request_is_filed_we_will"), nil
}

// createToken makes an API token and redirects to the profile, which shows
// its secret once: the secret waits in a cookie for that one page (only the
// profile's path receives it, for a minute, and only its owner's profile
// shows it), so a reload of the profile neither shows it again nor makes a
// second token.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var token string
	err := runForm(r, a, func(req support.Request) (err error) {
		token, err = s.accounts.CreateAPIToken(r.Context(), req, r.PostForm.Get("name"))
		return err
	})
	if fields := s.fieldMessages(r, err); fields != nil {
		return s.showProfile(w, r, a, http.StatusUnprocessableEntity, r.PostForm, fields)
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: newTokenCookie, Path: "/profile",
		Value:    url.QueryEscape(strconv.FormatInt(a.User.ID, 10) + ":" + token + ":" + strings.TrimSpace(r.PostForm.Get("name"))),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode, MaxAge: 60,
	})
	s.redirect(w, r, "/profile", s.loc(r).T("notice.api_token_ready"))
	return nil
}

// newTokenCookie carries a new API token from its POST to the one profile
// page that shows it.
const newTokenCookie = "caseport_new_token"

// takeNewToken returns the API token the user just made, with its name,
// and forgets it: the next page will not show it.
func (s *Server) takeNewToken(w http.ResponseWriter, r *http.Request, a *desk.Actor) (token, name string) {
	c, err := r.Cookie(newTokenCookie)
	if err != nil {
		return "", ""
	}
	http.SetCookie(w, &http.Cookie{Name: newTokenCookie, Path: "/profile", MaxAge: -1, HttpOnly: true, Secure: s.secure})
	raw, err := url.QueryUnescape(c.Value)
	if err != nil {
		return "", ""
	}
	owner, rest, _ := strings.Cut(raw, ":")
	token, name, ok := strings.Cut(rest, ":")
	if !ok || owner != strconv.FormatInt(a.User.ID, 10) {
		return "", "" // someone else's, left from before a sign-out
	}
	return token, name
}

func (s *Server) revokeToken(r *http.Request, req support.Request) (string, string, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return "", "", desk.ErrNotFound
	}
	return "/profile", s.loc(r).T("notice.the_token_is_revoked"), s.accounts.RevokeAPIToken(r.Context(), req, id)
}
