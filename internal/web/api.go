package web

import (
	"encoding/json"
	"net/http"

	"github.com/caseport/caseport/internal/desk"
)

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiUser is a user as the API shows it; the PIN appears only on /me.
type apiUser struct {
	ID        int64    `json:"id"`
	Kind      string   `json:"kind"`
	Email     string   `json:"email"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	CompanyID int64    `json:"company_id,omitempty"`
	Country   string   `json:"country,omitempty"`
	Phone     string   `json:"phone,omitempty"`
	Mobile    string   `json:"mobile,omitempty"`
	Roles     []string `json:"roles,omitempty"`
	PIN       string   `json:"pin,omitempty"`
}

func toAPIUser(u *desk.User) apiUser {
	out := apiUser{
		ID: u.ID, Kind: string(u.Kind), Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		CompanyID: u.CompanyID, Country: u.Country, Phone: u.Phone, Mobile: u.Mobile,
	}
	for _, r := range u.Roles {
		out.Roles = append(out.Roles, string(r))
	}
	return out
}

// me returns the caller's own profile, the one API answer with their PIN.
func (s *Server) me(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
	p, err := s.svc.Profile(r.Context(), request(r, a))
	if err != nil {
		return err
	}
	u := toAPIUser(p.User)
	u.PIN = p.User.PIN
	writeJSON(w, http.StatusOK, u)
	return nil
}
