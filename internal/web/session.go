package web

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/caseport/caseport/internal/desk"
	"github.com/caseport/caseport/internal/support"
)

const sessionCookie = "caseport_session"

// setSession gives the browser its session cookie.
func (s *Server) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(support.SessionLifetime.Seconds()),
	})
}

func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1,
	})
}

// sessionActor returns the signed-in actor of a browser request.
func (s *Server) sessionActor(r *http.Request) (*desk.Actor, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, desk.ErrUnauthenticated
	}
	return s.sessions.SessionActor(r.Context(), c.Value)
}

// apiActor returns the actor of an API request: a bearer API token, or the
// browser session for pages that call the API.
func (s *Server) apiActor(r *http.Request) (*desk.Actor, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, desk.ErrUnauthenticated
		}
		return s.sessions.TokenActor(r.Context(), strings.TrimSpace(token))
	}
	return s.sessionActor(r)
}

// request describes the caller for the service.
func request(r *http.Request, a *desk.Actor) support.Request {
	return support.Request{Actor: a, Address: clientAddress(r)}
}

// pageHandler serves a page for a signed-in actor. Errors it returns are
// rendered by page.
type pageHandler func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error

// page requires a signed-in user (sending others to the sign-in page) and
// renders returned errors as an error page.
func (s *Server) page(h pageHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.sessionActor(r)
		if errors.Is(err, desk.ErrUnauthenticated) {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		if err == nil {
			r = withActor(r, a)
			err = cmp.Or(checkQuery(r), readForm(w, r))
		}
		if err == nil {
			err = h(w, r, a)
		}
		if err != nil {
			s.errorPage(w, r, a, err)
		}
	})
}

// actorKey holds the signed-in actor of a page request, for the layout:
// its navigation asks what the actor may do anywhere (render).
type actorKey struct{}

func withActor(r *http.Request, a *desk.Actor) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), actorKey{}, a))
}

// actorOf is the actor page put on the request, or one made of the user
// alone (their roles) for a page without one.
func actorOf(r *http.Request, u *desk.User) *desk.Actor {
	if a, ok := r.Context().Value(actorKey{}).(*desk.Actor); ok && a != nil && a.User == u {
		return a
	}
	return &desk.Actor{User: u}
}

// staffPage is a page of the staff console (the policy's UseConsole):
// anyone else gets "not found". It only keeps the console's pages out of
// the portal: each service method the page calls asks for its own action.
func (s *Server) staffPage(h pageHandler) http.Handler {
	return s.page(func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error {
		if err := desk.Authorize(a, desk.UseConsole, desk.Target{}); err != nil {
			return err
		}
		return h(w, r, a)
	})
}

// publicHandler serves a page that needs no sign-in.
type publicHandler func(w http.ResponseWriter, r *http.Request) error

func (s *Server) public(h publicHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := cmp.Or(checkQuery(r), readForm(w, r))
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			a, _ := s.sessionActor(r)
			s.errorPage(w, r, a, err)
		}
	})
}

// apiHandler serves an API call for an authenticated actor.
type apiHandler func(w http.ResponseWriter, r *http.Request, a *desk.Actor) error

func (s *Server) api(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.apiActor(r)
		if err == nil {
			err = checkQuery(r)
		}
		if err == nil {
			err = h(w, r, a)
		}
		if err != nil {
			s.apiError(w, r, err)
		}
	})
}

// safeNext keeps a post-sign-in redirect on this site: a path of this
// origin made only of characters that mean the same to every browser.
// Browsers drop tabs and newlines inside URLs and read a backslash as a
// slash, so "/\t/evil.example" or "/\\evil.example" would leave the site;
// such a next, or anything else doubtful, lands on the home page instead.
func safeNext(next string) string {
	if len(next) > 2048 || !strings.HasPrefix(next, "/") {
		return "/"
	}
	for i := range len(next) {
		if !strings.ContainsRune(nextChars, rune(next[i])) {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	// The path as a proxy or browser may decode it must not start a
	// network path either ("/%2F%2Fevil.example", "/%5Cevil.example").
	path, err := url.PathUnescape(u.EscapedPath())
	if err != nil || strings.HasPrefix(next, "//") || strings.HasPrefix(path, "//") ||
		strings.ContainsFunc(path, func(r rune) bool { return r == '\\' || r < ' ' || r == 0x7f }) {
		return "/"
	}
	return next
}

// nextChars are the characters a next path may hold: unreserved ones, the
// path and query delimiters, the other sub-delimiters, and percent
// escapes. "@" is harmless after the single leading slash.
const nextChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/?&=%+,;:!$'()*@"
