package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/caseport/caseport/internal/desk"
)

// apiProfileRoutes are the calls on your own account: profile, password, terms and API tokens.
func (s *Server) apiProfileRoutes() []apiRoute {
	return []apiRoute{
		{
			Method: "GET", Path: "/api/v1/me", Tag: "profile", Summary: "Your own profile, with your PIN and the console-wide actions you may take (the only answer that has them)",
			Answer: apiUser{}, Status: http.StatusOK, Handle: s.apiMe,
		},
		{
			Method: "PATCH", Path: "/api/v1/me", Tag: "profile", Summary: "Change your own details (contacts); your email and employer are an admin's to change. The answer has no PIN",
			Body: apiProfileInput{}, Answer: apiUser{}, Status: http.StatusOK, Handle: s.apiUpdateMe,
		},
		{
			Method: "POST", Path: "/api/v1/me/terms", Tag: "profile", Summary: "Accept the current Designated Contact terms",
			Status: http.StatusNoContent, Handle: s.apiAcceptTerms,
		},
		{
			Method: "PUT", Path: "/api/v1/me/password", Tag: "profile", Summary: "Change your password; with sign_out_everywhere, every session and API token of the account ends (this one too)",
			Body: apiPasswordChange{}, Status: http.StatusNoContent, Handle: s.apiChangePassword,
		},
		{
			Method: "GET", Path: "/api/v1/tokens", Tag: "profile", Summary: "Your API tokens (never their secrets)",
			Answer: []apiToken{}, Status: http.StatusOK, Handle: s.apiTokens,
		},
		{
			Method: "POST", Path: "/api/v1/tokens", Tag: "profile", Summary: "Create an API token; the answer shows its secret this once",
			Body: apiNewToken{}, Answer: apiTokenSecret{}, Status: http.StatusCreated, Handle: s.apiCreateToken,
		},
		{
			Method: "DELETE", Path: "/api/v1/tokens/{id}", Tag: "profile", Summary: "Revoke one of your API tokens",
			Status: http.StatusNoContent, Handle: s.apiRevokeToken,
		},
	}
}

type apiToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

type apiNewToken struct {
	Name string `json:"name"`
}

type apiTokenSecret struct {
	Name string `json:"name"`
	// Token is the secret, shown this once.
	Token string `json:"token"`
}

// Handlers.

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	p, err := s.accounts.Profile(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	u := toAPIUser(p.User)
	u.PIN = p.User.PIN
	for _, act := range desk.Allowed(a, desk.Target{}).Actions() {
		u.Permissions = append(u.Permissions, string(act))
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// Tokens.

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	ts, err := s.accounts.APITokens(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	out := make([]apiToken, 0, len(ts))
	for _, t := range ts {
		out = append(out, apiToken{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: optTime(t.LastUsedAt), RevokedAt: optTime(t.RevokedAt)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiNewToken
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	token, err := s.accounts.CreateAPIToken(r.Context(), request(r, a), in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiTokenSecret{Name: strings.TrimSpace(in.Name), Token: token})
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.accounts.RevokeAPIToken(r.Context(), request(r, a), id); err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
	return nil
}

// Your own account.

type apiProfileInput struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Country   string `json:"country"`
	Phone     string `json:"phone,omitempty"`
	Mobile    string `json:"mobile,omitempty"`
}

type apiPasswordChange struct {
	Current string `json:"current"`
	New     string `json:"new"`
	// SignOutEverywhere ends every session and revokes every API token of
	// the account, the calling one too.
	SignOutEverywhere bool `json:"sign_out_everywhere,omitempty"`
}

func (s *Server) apiUpdateMe(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiProfileInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	err := s.accounts.UpdateOwnProfile(r.Context(), request(r, a), desk.ProfileInput{
		FirstName: in.FirstName, LastName: in.LastName, Country: in.Country, Phone: in.Phone, Mobile: in.Mobile,
	})
	if err != nil {
		return err
	}
	// The answer leaves the PIN out: only GET /me shows it.
	p, err := s.accounts.Profile(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIUser(p.User))
	return nil
}

func (s *Server) apiAcceptTerms(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	if err := s.accounts.AcceptTerms(r.Context(), request(r, a)); err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
	return nil
}

func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	var in apiPasswordChange
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.accounts.ChangePassword(r.Context(), request(r, a), in.Current, in.New, in.SignOutEverywhere, ""); err != nil {
		return err
	}
	writeJSON(w, http.StatusNoContent, nil)
	return nil
}
