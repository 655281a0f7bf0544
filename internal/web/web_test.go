package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/caseport/caseport/internal/demo"
)

func TestSignInAndHome(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, e *env) {
		anon := e.anonymous()
		if res := anon.get("/cases"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("GET /cases signed out = %d %s, want 303 to /signin", res.StatusCode, res.Header.Get("Location"))
		}
		bad := anon.post("/signin", url.Values{"email": {demo.Designated}, "password": {"wrong password"}})
		if bad.StatusCode != http.StatusUnauthorized || !strings.Contains(bad.Body, "not right") {
			t.Errorf("sign in with a wrong password = %d, want 401 with a message", bad.StatusCode)
		}
		for email, home := range map[string]string{demo.Designated: "/cases", demo.Agent: "/console"} {
			c := e.anonymous()
			res := c.post("/signin", url.Values{"email": {email}, "password": {demo.Password}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != home {
				t.Errorf("sign in as %s = %d to %q, want 303 to %s", email, res.StatusCode, res.Header.Get("Location"), home)
			}
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqliteStore(t))
	c := e.signIn(demo.Designated)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+"/signout", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := c.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", res.StatusCode)
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqliteStore(t))
	if res := e.anonymous().get("/healthz"); res.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d, want 200", res.StatusCode)
	}
}
